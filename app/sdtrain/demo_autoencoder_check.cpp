#include "demo_autoencoder_check.h"

#include <torch/torch.h>

#include <filesystem>
#include <stdexcept>

#include "data/shapes_dataset.h"
#include "data/shapes_reading.h"
#include "image/decode.h"
#include "models/autoencoder_kl.h"
#include "train/data/training_pixels.h"
#include "util/atomic_file.h"

namespace sds::cli {

data::DemoJudgement judgeDemoAutoencoder(const std::string& datasetFolder, const std::string& vaeFolder, int count) {
  namespace fs = std::filesystem;
  torch::NoGradGuard noGrad;
  models::AutoencoderKl vae = models::loadAutoencoderKl(vaeFolder, torch::kFloat32);
  vae->eval();
  std::vector<std::pair<std::string, data::ShapesReading>> readings;
  for (int i = 0; i < count; ++i) {
    const fs::path stem = fs::path(datasetFolder) / data::shapesFileStem(static_cast<std::size_t>(i));
    const fs::path png = stem.string() + ".png";
    if (!fs::exists(png)) break;
    std::string caption = readFile(stem.string() + ".txt");
    while (!caption.empty() && (caption.back() == '\n' || caption.back() == '\r')) caption.pop_back();
    image::DecodeResult decoded = image::decodeImageFile(png.string());
    if (!decoded) throw std::runtime_error(decoded.message());
    const at::Tensor pixels = data::imageToTensor(decoded.take().image).unsqueeze(0);
    const at::Tensor back = vae->decode(vae->encode(pixels).mean);
    const at::Tensor image = ((back[0] + 1) / 2).clamp(0, 1).permute({1, 2, 0}).contiguous();
    readings.emplace_back(caption, data::readShapesImage(data::tensorToImage(image)));
  }
  return data::judgeDemoSamples(readings);
}

}  // namespace sds::cli
