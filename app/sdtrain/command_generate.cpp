// sdtrain generate: text to image from a model folder or checkpoint, written as PNG files with the
// settings in their text metadata (and optionally the raw float image as safetensors).

#include <torch/torch.h>

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <random>
#include <sstream>

#include "commands.h"
#include "train/data/training_pixels.h"
#include "pipelines/txt2img.h"
#include "exit_codes.h"
#include "image/png_writer.h"
#include "io/safetensors.h"
#include "models/io/torch_tensors.h"
#include "models/io/lora_files.h"
#include "runtime/device.h"
#include "runtime/gpu_warm_up.h"
#include "runtime/precision.h"
#include "models/io/model_loader.h"
#include "models/vae_decoding.h"
#include "runtime/versions.h"
#include "util/log.h"

namespace sds::cli {
namespace {

namespace fs = std::filesystem;

// A command that cannot go on: the message for the user, its hint, and the exit code.
struct Refusal {
  int exitCode;
  std::string message;
  std::string hint;
};

std::string seconds(double s) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(s < 10 ? 2 : 1) << s << " s";
  return out.str();
}

std::string shapeText(at::IntArrayRef shape) {
  std::ostringstream out;
  out << shape;
  return out.str();
}

std::string numberText(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// Refuses an output file whose folder does not exist or cannot be written, before any work is done.
void checkWritable(const std::string& option, const std::string& path) {
  const fs::path file = fs::absolute(path);
  const fs::path folder = file.parent_path();
  std::error_code ec;
  if (fs::is_directory(file, ec))
    throw Refusal{kExitFailure, option + " " + path + ": is a folder; expected a file name", {}};
  if (fs::exists(folder, ec) && !fs::is_directory(folder, ec))
    throw Refusal{kExitFailure, option + " " + path + ": cannot write there, " + folder.string() +
                                    " is a file, not a folder",
                  "choose another path"};
  if (!fs::is_directory(folder, ec))
    throw Refusal{kExitFailure, option + " " + path + ": cannot write there, the folder " + folder.string() +
                                    " does not exist",
                  "create the folder first or choose another path"};
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw Refusal{kExitFailure, option + " " + path + ": cannot write there, the folder " + folder.string() +
                                    " is not writable",
                  "choose another path"};
}

// image.png for the first image of a batch, image-1.png, image-2.png … for the others.
std::string imagePath(const std::string& out, int index) {
  if (index == 0) return out;
  const fs::path path(out);
  return (path.parent_path() / (path.stem().string() + "-" + std::to_string(index) + path.extension().string()))
      .string();
}

// The `latents` tensor of a safetensors file, checked against the shape the generation needs.
at::Tensor loadInitLatents(const std::string& path, const std::vector<std::int64_t>& expected,
                           const std::string& forWhat) {
  io::SafetensorsFile file = [&] {
    try {
      return io::SafetensorsFile::open(path);
    } catch (const io::SafetensorsError& e) {
      throw Refusal{kExitInvalidInput, std::string("--init-latents: ") + e.what(), {}};
    }
  }();
  const io::TensorInfo* info = file.find("latents");
  if (!info) {
    std::string names;
    for (const io::TensorInfo& t : file.tensors()) names += (names.empty() ? "" : ", ") + ("\"" + t.name + "\"");
    throw Refusal{kExitInvalidInput,
                  "--init-latents " + path + ": the file has no tensor named \"latents\"" +
                      (names.empty() ? " (it has no tensors)" : " (it has " + names + ")"),
                  "save the initial noise under the key \"latents\""};
  }
  at::Tensor latents;
  try {
    latents = io::tensorView(file, *info);
  } catch (const std::exception& e) {
    throw Refusal{kExitInvalidInput, "--init-latents " + path + ": " + e.what(), {}};
  }
  if (!latents.is_floating_point())
    throw Refusal{kExitInvalidInput, "--init-latents " + path + ": \"latents\" is " + std::string(io::dtypeName(info->dtype)) +
                                         "; expected floating-point values", {}};
  if (latents.sizes().vec() != expected)
    throw Refusal{kExitInvalidInput,
                  "--init-latents " + path + ": \"latents\" has shape " + shapeText(latents.sizes()) + ", but " +
                      forWhat + " needs " + shapeText(expected),
                  "match --batch, --width and --height to the latents (width and height are 8 times theirs)"};
  if (!torch::isfinite(latents).all().item<bool>())
    throw Refusal{kExitInvalidInput, "--init-latents " + path + ": \"latents\" holds NaN or infinite values", {}};
  return latents.clone();
}

// The folder's or file's name ("sd15" for "models/sd15/").
std::string modelName(const std::string& path) {
  fs::path normal = fs::path(path).lexically_normal();
  if (normal.filename().empty()) normal = normal.parent_path();
  return normal.filename().string();
}

std::string samplerLabel(const std::string& sampler) {
  if (sampler == "ddim") return "DDIM";
  if (sampler == "euler") return "Euler";
  if (sampler == "euler_a") return "Euler a";
  if (sampler == "dpmpp_2m") return "DPM++ 2M";
  if (sampler == "dpmpp_2m_karras") return "DPM++ 2M Karras";
  return sampler;
}

int generate(Reporter& reporter, const GenerateOptions& o) {
  using Clock = std::chrono::steady_clock;
  std::string extension = fs::path(o.out).extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension != ".png")
    throw Refusal{kExitUsage, "--out " + o.out + ": expected a .png file name", {}};
  checkWritable("--out", o.out);
  if (!o.saveRaw.empty()) checkWritable("--save-raw", o.saveRaw);

  c10::Device device(c10::kCPU);
  try {
    device = runtime::resolveDevice(o.device, "--device " + o.device);
  } catch (const runtime::DeviceUnavailable& e) {
    throw Refusal{kExitInvalidInput, e.what(), e.hint};
  }
  const c10::ScalarType dtype = runtime::scalarTypeOf(o.dtype).value_or(c10::kFloat);  // the option is checked
  if (device.is_cpu() && !runtime::cpuSupports(dtype)) {
    if (dtype == torch::kFloat16)
      throw Refusal{kExitInvalidInput, "--dtype fp16: float16 needs --device cuda; use fp32 or bf16 on the CPU", {}};
    throw Refusal{kExitInvalidInput, "--dtype " + o.dtype + ": this LibTorch cannot run it on the CPU",
                  "use fp32 on the CPU"};
  }

  // fp32 means float32 arithmetic: no TF32 in cuDNN's convolutions (LibTorch's default allows it),
  // so that GPU images match the CPU's and diffusers' float32 ones.
  if (device.is_cuda() && (dtype == torch::kFloat32 || dtype == torch::kFloat64)) {
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setAllowTF32CuBLAS(false);
  }

  runtime::GpuWarmUp warmUp(device, dtype);  // while the model is read
  // The model, loaded in the precision it runs in; under bf16/fp16 the VAE decodes in float32 where
  // its config asks to be upcast (StableDiffusionModel::to).
  log::info("loading " + o.model);
  const auto loadStart = Clock::now();
  models::StableDiffusionModel model;
  double readSeconds = 0, moveSeconds = 0;
  try {
    models::ModelLoadOptions loadOptions;
    loadOptions.configFolder = o.configFolder;
    if (!o.prediction.empty()) loadOptions.predictionType = o.prediction;
    model = models::loadModel(o.model, dtype, loadOptions);
    if (!o.lora.empty())
      log::info("applied " + std::to_string(models::loadLora(model, o.lora)) + " LoRA adapters from " + o.lora);
    readSeconds = std::chrono::duration<double>(Clock::now() - loadStart).count();
    warmUp.wait();
    const auto moveStart = Clock::now();
    model.to(device, dtype);
    moveSeconds = std::chrono::duration<double>(Clock::now() - moveStart).count();
  } catch (const c10::Error& e) {
    throw Refusal{kExitFailure, "cannot load " + o.model + " onto " + o.device + ": " + e.what_without_backtrace(), {}};
  } catch (const std::exception& e) {
    throw Refusal{kExitInvalidInput, e.what(),
                  "--model takes a diffusers folder (with model_index.json) or a .safetensors checkpoint"};
  }
  const double loadSeconds = std::chrono::duration<double>(Clock::now() - loadStart).count();
  log::info("loaded " + models::familyName(model.family) + " model in " + seconds(loadSeconds) + " (read in " +
            seconds(readSeconds) + ", moved to " + o.device + " in " + seconds(moveSeconds) + ")");

  pipelines::Txt2ImgParams p;
  p.prompt = o.prompt;
  p.negativePrompt = o.negativePrompt;
  p.steps = o.steps;
  p.guidance = o.guidance;
  p.sampler = o.sampler;
  const int native = static_cast<int>(model.unet->config.sampleSize * model.vae->config.scaleFactor());
  p.width = o.width > 0 ? o.width : native;
  p.height = o.height > 0 ? o.height : native;
  p.seed = o.seed ? *o.seed : std::random_device{}();  // 32 bits, as other tools' seeds, easy to type
  p.batch = o.batch;
  p.vaeTiling = models::vaeTilingNamed(o.vaeTiling).value_or(models::VaeTiling::Auto);
  const std::string size = std::to_string(p.width) + "x" + std::to_string(p.height);
  if (!o.initLatents.empty()) {
    const std::vector<std::int64_t> shape{p.batch, model.unet->config.inChannels, p.height / model.vae->config.scaleFactor(),
                                        p.width / model.vae->config.scaleFactor()};
    p.initLatents = loadInitLatents(o.initLatents, shape,
                                    "--batch " + std::to_string(p.batch) + " at " + size);
  }

  std::map<std::string, std::string> metadata{
      {"prompt", p.prompt},
      {"seed", std::to_string(p.seed)},
      {"steps", std::to_string(p.steps)},
      {"sampler", p.sampler},
      {"guidance", numberText(p.guidance)},
      {"model", modelName(o.model)},
      {"size", size},
      {"dtype", o.dtype},
      {"batch", std::to_string(p.batch)},
      {"software", "SD Studio " + runtime::projectVersion()}};
  if (p.negativePrompt) metadata["negative_prompt"] = *p.negativePrompt;
  if (!o.lora.empty()) metadata["lora"] = modelName(o.lora);
  if (!o.initLatents.empty()) metadata["init_latents"] = fs::path(o.initLatents).filename().string();

  reporter.emit(protocol::StateEvent{"sampling", std::to_string(p.batch) + (p.batch == 1 ? " image, " : " images, ") +
                                                     std::to_string(p.steps) + " steps, " + size + ", " + p.sampler});
  pipelines::Txt2ImgCallbacks callbacks;
  callbacks.progress = [&](int step, int steps) { reporter.emit(protocol::ProgressEvent{"generating", step, steps}); };
  const auto start = Clock::now();
  at::Tensor images;
  try {
    images = pipelines::txt2img(model, p, callbacks);
  } catch (const std::invalid_argument& e) {
    throw Refusal{kExitInvalidInput, e.what(), {}};
  }
  const double generateSeconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!torch::isfinite(images).all().item<bool>())
    log::warn("the generated image holds NaN values (black in the PNG): the model overflowed in " + o.dtype);

  reporter.emit(protocol::StateEvent{"saving", o.out});
  std::vector<std::string> written;
  try {
    if (!o.saveRaw.empty()) {
      io::saveTensors(o.saveRaw, {{"image", images}}, metadata);
      written.push_back(o.saveRaw);
    }
    for (int i = 0; i < p.batch; ++i) {
      auto text = metadata;
      text["batch_index"] = std::to_string(i);
      // The settings as A1111 writes them, which many image tools read.
      text["parameters"] = p.prompt + "\n" + (p.negativePrompt ? "Negative prompt: " + *p.negativePrompt + "\n" : "") +
                           "Steps: " + std::to_string(p.steps) + ", Sampler: " + samplerLabel(p.sampler) +
                           ", CFG scale: " + numberText(p.guidance) + ", Seed: " + std::to_string(p.seed) +
                           ", Size: " + size + ", Model: " + metadata["model"] +
                           (p.batch > 1 ? ", Batch size: " + std::to_string(p.batch) + ", Batch pos: " +
                                              std::to_string(i)
                                        : "");
      const std::string path = imagePath(o.out, i);
      image::writePng(path, data::tensorToImage(images[i]), text);
      written.push_back(path);
      protocol::SampleEvent sample;
      sample.path = path;
      sample.prompt = p.prompt;
      sample.seed = static_cast<std::int64_t>(p.seed);
      reporter.emit(sample);
    }
  } catch (const std::exception& e) {
    throw Refusal{kExitFailure, e.what(), {}};
  }

  const std::string summary = std::to_string(p.batch) + (p.batch == 1 ? " image" : " images") + " (" + size + ", " +
                              std::to_string(p.steps) + " steps, " + p.sampler + ", seed " + std::to_string(p.seed) +
                              ") in " + seconds(generateSeconds) + " (" + seconds(generateSeconds / p.steps) +
                              " per step; model loaded in " + seconds(loadSeconds) + ")";
  reporter.emit(protocol::StateEvent{"finished", summary});
  for (const std::string& path : written) reporter.say("wrote " + path);
  return kExitOk;
}

}  // namespace

void addGenerateCommand(CLI::App& app, Commands& commands) {
  auto given = std::make_shared<GenerateOptions>();
  GenerateOptions& options = *given;
  CLI::App* generate = app.add_subcommand("generate", "Text to image: generate PNG images from a model and a prompt");
  generate->add_option("--model", options.model, "A diffusers model folder or a single-file .safetensors checkpoint")
      ->required();
  generate->add_option("--prompt", options.prompt, "What to draw")->required();
  generate->add_option("--negative-prompt", options.negativePrompt, "What to steer away from");
  generate->add_option("--steps", options.steps, "Sampling steps")->check(CLI::Range(1, 1000))->capture_default_str();
  generate->add_option("--guidance", options.guidance, "Classifier-free guidance scale (1 or less: off)")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  generate->add_option("--sampler", options.sampler, "Sampler")
      ->check(CLI::IsMember({"ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras"}))
      ->capture_default_str();
  const auto multipleOf8 = CLI::Validator(
      [](std::string& value) -> std::string {
        try {
          const int v = std::stoi(value);
          if (v >= 8 && v <= 16384 && v % 8 == 0) return {};
        } catch (const std::exception&) {
        }
        return "must be a multiple of 8 from 8 to 16384, not " + value;
      },
      "MULTIPLE OF 8");
  generate->add_option("--width", options.width, "Image width in pixels (default: the model's native size)")
      ->check(multipleOf8);
  generate->add_option("--height", options.height, "Image height in pixels (default: the model's native size)")
      ->check(multipleOf8);
  generate->add_option("--seed", options.seed, "Seed of the initial noise (default: a random one, reported)");
  generate->add_option("--batch", options.batch, "Images to generate at once")->check(CLI::Range(1, 256))->capture_default_str();
  generate->add_option("--device", options.device, "Where to run")->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
  generate->add_option("--dtype", options.dtype, "Precision (default: fp32 on the CPU, bf16 on a GPU)")
      ->check(CLI::IsMember({"fp64", "fp32", "bf16", "fp16"}));
  generate->add_option("--config", options.configFolder,
                       "A diffusers folder whose configs describe a single-file checkpoint");
  generate->add_option("--lora", options.lora, "A LoRA file (kohya or diffusers layout) to apply to the model");
  generate->add_option("--prediction", options.prediction, "Override the model's prediction type")
      ->check(CLI::IsMember({"epsilon", "v_prediction"}));
  generate->add_option("--out", options.out, "The PNG file to write (a batch adds -1, -2 … to the name)")->required();
  generate->add_option("--init-latents", options.initLatents,
                       "A safetensors file whose tensor \"latents\" [batch, 4, H/8, W/8] replaces the drawn noise");
  generate->add_option("--vae-tiling", options.vaeTiling,
                       "Decode large images in overlapping tiles: auto (sides above twice the VAE's sample size), "
                       "on or off")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str();
  generate->add_option("--save-raw", options.saveRaw,
                       "Also write the images as float32 [batch, H, W, 3] in [0, 1] (tensor \"image\") to this "
                       "safetensors file");
  commands.push_back({generate, [given](Reporter& r) { return runGenerate(r, *given); }});
}

int runGenerate(Reporter& reporter, const GenerateOptions& given) {
  GenerateOptions options = given;
  if (options.dtype.empty()) options.dtype = options.device == "cpu" ? "fp32" : "bf16";
  try {
    return generate(reporter, options);
  } catch (const Refusal& r) {
    reporter.fail(r.message, r.hint);
    return r.exitCode;
  } catch (const c10::Error& e) {
    reporter.fail(std::string("generation failed: ") + e.what_without_backtrace());
    return kExitFailure;
  }
}

}  // namespace sds::cli
