// The settings of an SD Studio project file. Labels and help texts are marked for Qt's lupdate
// (context "Schema") so the GUI can show them translated; core itself never depends on Qt.

#include "config/schema.h"

#ifndef QT_TRANSLATE_NOOP
#define QT_TRANSLATE_NOOP(context, text) text
#endif

namespace sds::config {
namespace {

Setting boolean(const char* name, bool value, const char* label, const char* help) {
  Setting s;
  s.name = name;
  s.type = ValueType::Bool;
  s.defaultValue = value;
  s.label = label;
  s.help = help;
  return s;
}

Setting integer(const char* name, std::int64_t value, double minimum, double maximum, const char* label,
                const char* help, std::int64_t multipleOf = 0) {
  Setting s;
  s.name = name;
  s.type = ValueType::Integer;
  s.defaultValue = value;
  s.minimum = minimum;
  s.maximum = maximum;
  s.multipleOf = multipleOf;
  s.label = label;
  s.help = help;
  return s;
}

struct Bound {
  double value;
  bool exclusive;
};
Bound atLeast(double v) { return {v, false}; }
Bound above(double v) { return {v, true}; }
Bound atMost(double v) { return {v, false}; }
Bound below(double v) { return {v, true}; }

Setting number(const char* name, double value, Bound minimum, std::optional<Bound> maximum, const char* label,
               const char* help) {
  Setting s;
  s.name = name;
  s.type = ValueType::Float;
  s.defaultValue = value;
  s.minimum = minimum.value;
  s.minimumExclusive = minimum.exclusive;
  if (maximum) {
    s.maximum = maximum->value;
    s.maximumExclusive = maximum->exclusive;
  }
  s.label = label;
  s.help = help;
  return s;
}

Setting text(const char* name, const char* value, const char* label, const char* help, bool required = false) {
  Setting s;
  s.name = name;
  s.type = ValueType::String;
  s.defaultValue = std::string(value);
  s.required = required;
  s.label = label;
  s.help = help;
  return s;
}

Setting path(const char* name, const char* value, const char* label, const char* help) {
  Setting s = text(name, value, label, help);
  s.type = ValueType::Path;
  return s;
}

Setting choice(const char* name, const char* value, StringList choices, const char* label, const char* help) {
  Setting s = text(name, value, label, help);
  s.type = ValueType::Choice;
  s.choices = std::move(choices);
  return s;
}

Setting list(const char* name, StringList value, const char* label, const char* help) {
  Setting s;
  s.name = name;
  s.type = ValueType::StringList;
  s.defaultValue = std::move(value);
  s.label = label;
  s.help = help;
  return s;
}

std::vector<Section> projectSections() {
  const double maxSteps = 1e9;
  return {
      {"project", QT_TRANSLATE_NOOP("Schema", "Project"),
       QT_TRANSLATE_NOOP("Schema", "What this training run is called."),
       {
           text("name", "my-model", QT_TRANSLATE_NOOP("Schema", "Name"),
                QT_TRANSLATE_NOOP("Schema", "Name of the run. Output files and the run folder are named after it."),
                true),
       }},
      {"model", QT_TRANSLATE_NOOP("Schema", "Model"),
       QT_TRANSLATE_NOOP("Schema", "The base model to fine-tune and what kind of model it is."),
       {
           path("path", "", QT_TRANSLATE_NOOP("Schema", "Base model"),
                QT_TRANSLATE_NOOP("Schema",
                                  "A diffusers folder (with model_index.json) or a single-file checkpoint "
                                  "(.safetensors) of SD 1.x, SD 2.x or SDXL. Needed unless the model starts from "
                                  "scratch.")),
           choice("init", "pretrained", {"pretrained", "scratch"}, QT_TRANSLATE_NOOP("Schema", "Initial weights"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "pretrained starts from the base model's weights; scratch creates new random "
                                    "weights of the chosen architecture (as the built-in demo does).")),
           choice("architecture", "auto", {"auto", "sd1", "sd2", "sd2-v", "sdxl", "tiny"},
                  QT_TRANSLATE_NOOP("Schema", "Architecture"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Model family. auto detects it from the base model's files; from scratch it "
                                    "must be named. tiny is the small model of the built-in demo.")),
           choice("prediction_type", "auto", {"auto", "epsilon", "v_prediction"},
                  QT_TRANSLATE_NOOP("Schema", "Prediction type"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "What the UNet learns to predict. auto takes it from the model's scheduler "
                                    "config (SD 2.x 768 px models use v_prediction).")),
           path("vae", "", QT_TRANSLATE_NOOP("Schema", "Separate VAE"),
                QT_TRANSLATE_NOOP("Schema",
                                  "Optional VAE (diffusers folder or .safetensors) used instead of the model's "
                                  "own. Empty: use the model's VAE.")),
       }},
      {"training", QT_TRANSLATE_NOOP("Schema", "Training"),
       QT_TRANSLATE_NOOP("Schema", "What is trained, for how long, and how each step is computed."),
       {
           choice("method", "full", {"full", "lora", "vae"}, QT_TRANSLATE_NOOP("Schema", "Method"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "full fine-tunes all weights of the trained models; lora trains small "
                                    "low-rank adapters (see the LoRA section) and leaves the base weights "
                                    "unchanged; vae trains the autoencoder alone to reconstruct the images.")),
           integer("max_steps", 1000, 1, maxSteps, QT_TRANSLATE_NOOP("Schema", "Training steps"),
                   QT_TRANSLATE_NOOP("Schema", "Number of optimizer steps to train for.")),
           integer("batch_size", 1, 1, 4096, QT_TRANSLATE_NOOP("Schema", "Batch size"),
                   QT_TRANSLATE_NOOP("Schema", "Images per forward pass on each GPU.")),
           integer("gradient_accumulation", 1, 1, 4096, QT_TRANSLATE_NOOP("Schema", "Gradient accumulation"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Forward passes whose gradients are summed before each optimizer step. "
                                     "Effective batch = batch size × accumulation × number of GPUs.")),
           integer("seed", 42, 0, 9007199254740991.0, QT_TRANSLATE_NOOP("Schema", "Seed"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Seed for data order, noise and timesteps; the same seed and settings give "
                                     "the same run.")),
           choice("device", "auto", {"auto", "cpu", "cuda"}, QT_TRANSLATE_NOOP("Schema", "Device"),
                  QT_TRANSLATE_NOOP("Schema", "auto trains on all local GPUs when there are any, otherwise on the CPU.")),
           choice("precision", "bf16", {"fp32", "bf16", "fp16"}, QT_TRANSLATE_NOOP("Schema", "Precision"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Number format of weights and activations. bf16 keeps fp32 master weights in "
                                    "the optimizer; fp16 adds dynamic loss scaling; on the CPU fp32 is used.")),
           boolean("shard_optimizer", false, QT_TRANSLATE_NOOP("Schema", "Shard the optimizer state"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "ZeRO-1: each GPU keeps the optimizer state (fp32 master weights and moments) "
                                     "of its share of the parameters only and sends its updated weights to the "
                                     "others. Less memory per GPU, the same results.")),
           boolean("gradient_checkpointing", false, QT_TRANSLATE_NOOP("Schema", "Gradient checkpointing"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Recompute activations in the backward pass instead of storing them: much "
                                     "less memory, about a third slower.")),
           choice("checkpointing_scope", "all", {"all", "attention", "resnets", "alternate"},
                  QT_TRANSLATE_NOOP("Schema", "Checkpointed blocks"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Which blocks of the UNet recompute their activations when gradient "
                                    "checkpointing is on: all of them (least memory), only the attention blocks, "
                                    "only the resnets, or every other block; the last three trade less of the "
                                    "speed for less of the memory saving.")),
           choice("channels_last", "auto", {"auto", "on", "off"}, QT_TRANSLATE_NOOP("Schema", "Channels-last layout"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Run the UNet on a GPU with its activations stored channels-last, which its "
                                    "convolutions and group norms read without conversions: about a tenth faster at "
                                    "large batches, slower at small ones. auto: on for batches of 8 or more. "
                                    "Ignored on the CPU.")),
           boolean("train_unet", true, QT_TRANSLATE_NOOP("Schema", "Train the UNet"),
                   QT_TRANSLATE_NOOP("Schema", "Update the UNet (or its LoRA adapters).")),
           boolean("train_text_encoder", false, QT_TRANSLATE_NOOP("Schema", "Train the text encoders"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Also update the text encoder(s) (or give them LoRA adapters). Turns off the "
                                     "text embedding cache.")),
           number("max_grad_norm", 1.0, atLeast(0), std::nullopt, QT_TRANSLATE_NOOP("Schema", "Gradient clipping"),
                  QT_TRANSLATE_NOOP("Schema", "Clip gradients to this global norm before each step; 0 turns clipping off.")),
           number("noise_offset", 0.0, atLeast(0), atMost(1), QT_TRANSLATE_NOOP("Schema", "Noise offset"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Adds this much per-channel constant noise, which helps the model learn very "
                                    "dark and very bright images. 0 turns it off; 0.05 to 0.1 is typical.")),
           number("min_snr_gamma", 0.0, atLeast(0), atMost(100), QT_TRANSLATE_NOOP("Schema", "Min-SNR γ"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Weights the loss of each timestep by min(SNR, γ)/SNR, which speeds up "
                                    "convergence. 0 turns it off; 5 is the usual value.")),
           boolean("zero_terminal_snr", false, QT_TRANSLATE_NOOP("Schema", "Zero terminal SNR"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Rescale the noise schedule so the last timestep is pure noise (best with "
                                     "v-prediction).")),
           integer("timestep_min", 0, 0, 9999, QT_TRANSLATE_NOOP("Schema", "Lowest timestep"),
                   QT_TRANSLATE_NOOP("Schema", "Training timesteps are drawn uniformly from lowest to highest, inclusive.")),
           integer("timestep_max", 999, 0, 9999, QT_TRANSLATE_NOOP("Schema", "Highest timestep"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Upper end of the timestep range; at most the model's number of training "
                                     "timesteps minus one (999 for Stable Diffusion).")),
           number("vae_kl_weight", 1e-6, atLeast(0), atMost(1), QT_TRANSLATE_NOOP("Schema", "VAE KL weight"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Method vae only: weight of the KL term that keeps the latents close to a "
                                    "unit Gaussian, next to the reconstruction error.")),
       }},
      {"distributed", QT_TRANSLATE_NOOP("Schema", "Multi-GPU"),
       QT_TRANSLATE_NOOP("Schema",
                         "Data-parallel training: one worker process per GPU (or CPU process), each training "
                         "its share of every batch. See docs/distributed.md for clusters."),
       {
           text("gpus", "all", QT_TRANSLATE_NOOP("Schema", "GPUs"),
                QT_TRANSLATE_NOOP("Schema",
                                  "GPUs to train on when the device is auto or cuda: all, a count (2: the first "
                                  "two) or indices (0,2). Effective batch = batch size × accumulation × GPUs.")),
           integer("cpu_processes", 1, 1, 256, QT_TRANSLATE_NOOP("Schema", "CPU processes"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Worker processes when training on the CPU, each with its share of every "
                                     "batch. More than one is mainly for testing and CPU clusters.")),
           number("timeout_s", 300.0, above(0), atMost(86400), QT_TRANSLATE_NOOP("Schema", "Exchange timeout"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Seconds a worker waits for the others at a step's exchange before the run "
                                    "ends with an error. A worker that dies is noticed at once.")),
       }},
      {"lora", QT_TRANSLATE_NOOP("Schema", "LoRA"),
       QT_TRANSLATE_NOOP("Schema", "Low-rank adapters, used when the training method is lora."),
       {
           integer("rank", 16, 1, 1024, QT_TRANSLATE_NOOP("Schema", "Rank"),
                   QT_TRANSLATE_NOOP("Schema", "Inner dimension of each adapter; larger learns more and makes larger files.")),
           number("alpha", 16.0, above(0), std::nullopt, QT_TRANSLATE_NOOP("Schema", "Alpha"),
                  QT_TRANSLATE_NOOP("Schema", "The adapter's output is scaled by alpha / rank.")),
           number("dropout", 0.0, atLeast(0), below(1), QT_TRANSLATE_NOOP("Schema", "Dropout"),
                  QT_TRANSLATE_NOOP("Schema", "Dropout probability inside the adapters during training.")),
           list("target_modules", {"to_q", "to_k", "to_v", "to_out.0"}, QT_TRANSLATE_NOOP("Schema", "Target modules"),
                QT_TRANSLATE_NOOP("Schema",
                                  "Linear layers that get adapters, matched by the end of their name (for example "
                                  "to_q matches every attention query projection). One per line.")),
       }},
      {"dataset", QT_TRANSLATE_NOOP("Schema", "Dataset"),
       QT_TRANSLATE_NOOP("Schema", "Where the training images and their captions come from."),
       {
           path("path", "", QT_TRANSLATE_NOOP("Schema", "Images"),
                QT_TRANSLATE_NOOP("Schema",
                                  "A folder of images with a caption file beside each (cat.png + cat.txt; "
                                  "subfolders are concepts), WebDataset shards such as "
                                  "shards/shard-{000..099}.tar, or the address of a swarm's dataset server, "
                                  "http://HOST:PORT.")),
           choice("kind", "auto", {"auto", "folder", "webdataset", "shapes"}, QT_TRANSLATE_NOOP("Schema", "Kind"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "auto recognises folders and .tar shards. shapes generates the built-in "
                                    "demo's captioned images of coloured shapes into the path.")),
           integer("shapes_count", 256, 1, 100000, QT_TRANSLATE_NOOP("Schema", "Number of generated images"),
                   QT_TRANSLATE_NOOP("Schema", "How many images the shapes generator makes (kind = shapes only).")),
           text("caption_extension", ".txt", QT_TRANSLATE_NOOP("Schema", "Caption extension"),
                QT_TRANSLATE_NOOP("Schema", "Extension of the caption file beside each image."), true),
           text("default_caption", "", QT_TRANSLATE_NOOP("Schema", "Default caption"),
                QT_TRANSLATE_NOOP("Schema",
                                  "Caption for images that have no caption file. Empty: such images are "
                                  "reported and skipped.")),
           integer("repeats", 1, 1, 10000, QT_TRANSLATE_NOOP("Schema", "Repeats"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "How often each image is seen per epoch. A folder named like 10_concept "
                                     "sets its own repeat count.")),
           boolean("shuffle_tags", false, QT_TRANSLATE_NOOP("Schema", "Shuffle tags"),
                   QT_TRANSLATE_NOOP("Schema", "Shuffle the comma-separated tags of each caption every time it is used.")),
           integer("keep_tags", 0, 0, 255, QT_TRANSLATE_NOOP("Schema", "Leading tags kept first"),
                   QT_TRANSLATE_NOOP("Schema", "Number of leading tags that stay first when tags are shuffled.")),
           number("caption_dropout", 0.0, atLeast(0), atMost(1), QT_TRANSLATE_NOOP("Schema", "Caption dropout"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Probability of training on an empty caption instead, which helps "
                                    "classifier-free guidance.")),
           integer("min_image_size", 256, 1, 65536, QT_TRANSLATE_NOOP("Schema", "Smallest image side"),
                   QT_TRANSLATE_NOOP("Schema", "Images whose shorter side has fewer pixels are reported and skipped.")),
           list("filters", {}, QT_TRANSLATE_NOOP("Schema", "Metadata filters"),
                QT_TRANSLATE_NOOP("Schema",
                                  "WebDataset shards only: conditions on each sample's json metadata, such as "
                                  "original_width >= 512 or pwatermark <= 0.5 (a number field, one of >= <= == "
                                  "!= > <, a number). Samples that fail one, or lack its field, are skipped and "
                                  "counted in the dataset check. One per line.")),
           boolean("cache_latents", true, QT_TRANSLATE_NOOP("Schema", "Cache latents"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Encode each image with the VAE once and keep the result in the project's "
                                     "cache folder, so training steps only run the UNet.")),
           boolean("cache_text_embeddings", true, QT_TRANSLATE_NOOP("Schema", "Cache text embeddings"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Encode fixed captions once while the text encoders are frozen (ignored when "
                                     "tags are shuffled or text encoders train).")),
           integer("workers", 0, 0, 64, QT_TRANSLATE_NOOP("Schema", "Loader threads"),
                   QT_TRANSLATE_NOOP("Schema", "Background threads that decode and resize images; 0 picks one per CPU core, up to 8.")),
       }},
      {"resolution", QT_TRANSLATE_NOOP("Schema", "Resolution"),
       QT_TRANSLATE_NOOP("Schema", "Training resolution and aspect-ratio buckets."),
       {
           integer("size", 512, 64, 4096, QT_TRANSLATE_NOOP("Schema", "Resolution"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Side of the square training size in pixels; buckets hold about this many "
                                     "pixels squared. 512 for SD 1.x, 768 for SD 2.x, 1024 for SDXL."),
                   64),
           boolean("buckets", true, QT_TRANSLATE_NOOP("Schema", "Aspect-ratio buckets"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Group images by aspect ratio and train each group at its own size, instead "
                                     "of cropping everything square.")),
           integer("min_bucket_side", 256, 64, 8192, QT_TRANSLATE_NOOP("Schema", "Shortest bucket side"),
                   QT_TRANSLATE_NOOP("Schema", "No bucket is narrower or lower than this many pixels."), 64),
           integer("max_bucket_side", 1024, 64, 8192, QT_TRANSLATE_NOOP("Schema", "Longest bucket side"),
                   QT_TRANSLATE_NOOP("Schema", "No bucket is wider or taller than this many pixels."), 64),
           boolean("random_crop", false, QT_TRANSLATE_NOOP("Schema", "Random crop"),
                   QT_TRANSLATE_NOOP("Schema", "Crop a random part of each resized image instead of its centre.")),
           boolean("flip", false, QT_TRANSLATE_NOOP("Schema", "Random flip"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Mirror half of the images horizontally (avoid for text, logos and asymmetric "
                                     "subjects).")),
       }},
      {"optimizer", QT_TRANSLATE_NOOP("Schema", "Optimizer"),
       QT_TRANSLATE_NOOP("Schema", "How the weights are updated from their gradients."),
       {
           choice("type", "adamw", {"adamw", "adamw8bit"}, QT_TRANSLATE_NOOP("Schema", "Optimizer"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "adamw keeps two fp32 moments per weight; adamw8bit stores them block-wise "
                                    "quantized in 8 bits, using a quarter of the memory.")),
           number("learning_rate", 1e-5, above(0), atMost(1), QT_TRANSLATE_NOOP("Schema", "Learning rate"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Peak learning rate. Typical: 5e-6 to 1e-5 for a full fine-tune, 1e-4 for "
                                    "LoRA.")),
           number("text_encoder_learning_rate", 0.0, atLeast(0), atMost(1),
                  QT_TRANSLATE_NOOP("Schema", "Text encoder learning rate"),
                  QT_TRANSLATE_NOOP("Schema", "Learning rate of the text encoders when they train; 0 uses the learning rate above.")),
           number("beta1", 0.9, atLeast(0), below(1), QT_TRANSLATE_NOOP("Schema", "β1"),
                  QT_TRANSLATE_NOOP("Schema", "Decay rate of the first moment (the running mean of gradients).")),
           number("beta2", 0.999, atLeast(0), below(1), QT_TRANSLATE_NOOP("Schema", "β2"),
                  QT_TRANSLATE_NOOP("Schema", "Decay rate of the second moment (the running mean of squared gradients).")),
           number("weight_decay", 0.01, atLeast(0), atMost(1), QT_TRANSLATE_NOOP("Schema", "Weight decay"),
                  QT_TRANSLATE_NOOP("Schema", "Decoupled weight decay, as in AdamW.")),
           number("epsilon", 1e-8, above(0), atMost(1), QT_TRANSLATE_NOOP("Schema", "Epsilon"),
                  QT_TRANSLATE_NOOP("Schema", "Added to the denominator for numerical stability.")),
       }},
      {"lr_schedule", QT_TRANSLATE_NOOP("Schema", "Learning-rate schedule"),
       QT_TRANSLATE_NOOP("Schema", "How the learning rate changes over the run."),
       {
           choice("type", "constant",
                  {"constant", "constant_with_warmup", "linear", "cosine", "cosine_with_restarts", "polynomial"},
                  QT_TRANSLATE_NOOP("Schema", "Schedule"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Shape of the learning rate over the run, after warmup (the same schedules "
                                    "as the diffusers scripts).")),
           integer("warmup_steps", 0, 0, maxSteps, QT_TRANSLATE_NOOP("Schema", "Warmup steps"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Steps over which the learning rate rises linearly from 0 (ignored by "
                                     "constant).")),
           integer("cycles", 1, 1, 10000, QT_TRANSLATE_NOOP("Schema", "Restarts"),
                   QT_TRANSLATE_NOOP("Schema", "Number of cosine cycles (cosine_with_restarts only).")),
           number("power", 1.0, above(0), std::nullopt, QT_TRANSLATE_NOOP("Schema", "Power"),
                  QT_TRANSLATE_NOOP("Schema", "Exponent of the polynomial decay (polynomial only; 1 is linear).")),
           number("end_learning_rate", 1e-7, atLeast(0), atMost(1), QT_TRANSLATE_NOOP("Schema", "Final learning rate"),
                  QT_TRANSLATE_NOOP("Schema", "Learning rate reached at the last step (polynomial only).")),
       }},
      {"ema", QT_TRANSLATE_NOOP("Schema", "EMA"),
       QT_TRANSLATE_NOOP("Schema", "An exponential moving average of the trained weights, often the better model to keep."),
       {
           boolean("enabled", false, QT_TRANSLATE_NOOP("Schema", "Keep an EMA"),
                   QT_TRANSLATE_NOOP("Schema", "Keep an exponential moving average of the weights and save it with the model.")),
           number("decay", 0.9999, atLeast(0), below(1), QT_TRANSLATE_NOOP("Schema", "Decay"),
                  QT_TRANSLATE_NOOP("Schema", "Weight of the previous average at each update; closer to 1 averages over more steps.")),
           integer("update_every", 1, 1, 10000, QT_TRANSLATE_NOOP("Schema", "Update interval"),
                   QT_TRANSLATE_NOOP("Schema", "Optimizer steps between two updates of the average.")),
           boolean("on_cpu", false, QT_TRANSLATE_NOOP("Schema", "Keep on the CPU"),
                   QT_TRANSLATE_NOOP("Schema", "Hold the average in main memory instead of GPU memory (slower, saves GPU memory).")),
       }},
      {"checkpointing", QT_TRANSLATE_NOOP("Schema", "Checkpoints"),
       QT_TRANSLATE_NOOP("Schema", "Saved training state, from which a run resumes exactly."),
       {
           integer("every_n_steps", 500, 0, maxSteps, QT_TRANSLATE_NOOP("Schema", "Interval"),
                   QT_TRANSLATE_NOOP("Schema", "Steps between two saves of the complete training state; 0 saves only at the end.")),
           integer("keep_last", 3, 0, 100000, QT_TRANSLATE_NOOP("Schema", "Checkpoints kept"),
                   QT_TRANSLATE_NOOP("Schema", "How many of the newest checkpoints to keep; 0 keeps all.")),
           boolean("save_on_stop", true, QT_TRANSLATE_NOOP("Schema", "Save when stopped"),
                   QT_TRANSLATE_NOOP("Schema", "Save a checkpoint when the run is stopped or interrupted (Ctrl+C, SIGTERM).")),
           path("resume_from", "", QT_TRANSLATE_NOOP("Schema", "Resume from"),
                QT_TRANSLATE_NOOP("Schema",
                                  "A checkpoint folder to continue from, or latest for the newest checkpoint in "
                                  "the output folder. Empty: start a new run.")),
       }},
      {"sampling", QT_TRANSLATE_NOOP("Schema", "Samples"),
       QT_TRANSLATE_NOOP("Schema", "Images generated during training with fixed prompts and seeds, to watch progress."),
       {
           integer("every_n_steps", 250, 0, maxSteps, QT_TRANSLATE_NOOP("Schema", "Interval"),
                   QT_TRANSLATE_NOOP("Schema", "Steps between two rounds of samples; 0 makes samples only on request.")),
           list("prompts", {"a photo of a cat"}, QT_TRANSLATE_NOOP("Schema", "Prompts"),
                QT_TRANSLATE_NOOP("Schema", "One sample image is made for each prompt. One per line.")),
           text("negative_prompt", "", QT_TRANSLATE_NOOP("Schema", "Negative prompt"),
                QT_TRANSLATE_NOOP("Schema", "What the samples should not show (used with classifier-free guidance).")),
           integer("seed", 1234, 0, 9007199254740991.0, QT_TRANSLATE_NOOP("Schema", "Seed"),
                   QT_TRANSLATE_NOOP("Schema", "Noise seed of the samples; fixed, so that samples of different steps can be compared.")),
           integer("steps", 25, 1, 1000, QT_TRANSLATE_NOOP("Schema", "Sampling steps"),
                   QT_TRANSLATE_NOOP("Schema", "Denoising steps per sample.")),
           number("guidance", 7.5, atLeast(0), atMost(50), QT_TRANSLATE_NOOP("Schema", "Guidance scale"),
                  QT_TRANSLATE_NOOP("Schema", "Classifier-free guidance strength; 1 turns guidance off.")),
           choice("sampler", "dpmpp_2m_karras", {"ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras"},
                  QT_TRANSLATE_NOOP("Schema", "Sampler"), QT_TRANSLATE_NOOP("Schema", "The scheduler that turns noise into a sample.")),
           integer("width", 0, 0, 8192, QT_TRANSLATE_NOOP("Schema", "Width"),
                   QT_TRANSLATE_NOOP("Schema", "Sample width in pixels, a multiple of 8; 0 uses the training resolution."), 8),
           integer("height", 0, 0, 8192, QT_TRANSLATE_NOOP("Schema", "Height"),
                   QT_TRANSLATE_NOOP("Schema", "Sample height in pixels, a multiple of 8; 0 uses the training resolution."), 8),
       }},
      {"validation", QT_TRANSLATE_NOOP("Schema", "Validation"),
       QT_TRANSLATE_NOOP("Schema", "Loss on held-out images at fixed noise and timesteps, to spot overfitting."),
       {
           number("split", 0.0, atLeast(0), atMost(0.5), QT_TRANSLATE_NOOP("Schema", "Held-out fraction"),
                  QT_TRANSLATE_NOOP("Schema", "Fraction of the images kept out of training for validation; 0 turns validation off.")),
           integer("every_n_steps", 100, 1, maxSteps, QT_TRANSLATE_NOOP("Schema", "Interval"),
                   QT_TRANSLATE_NOOP("Schema", "Steps between two computations of the validation loss.")),
       }},
      {"output", QT_TRANSLATE_NOOP("Schema", "Output"),
       QT_TRANSLATE_NOOP("Schema", "Where results go and in which formats."),
       {
           path("directory", "output", QT_TRANSLATE_NOOP("Schema", "Output folder"),
                QT_TRANSLATE_NOOP("Schema",
                                  "Folder for the run: checkpoints, samples, logs and the trained model. "
                                  "Relative paths are relative to the project file.")),
           choice("model_format", "both", {"diffusers", "single_file", "both"},
                  QT_TRANSLATE_NOOP("Schema", "Model format"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Save the trained model as a diffusers folder, as one .safetensors checkpoint "
                                    "in the original layout (for A1111 and ComfyUI), or both.")),
           choice("lora_format", "kohya", {"kohya", "peft", "both"}, QT_TRANSLATE_NOOP("Schema", "LoRA format"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Key layout of saved LoRA files: kohya (loaded by A1111 and ComfyUI), "
                                    "diffusers/PEFT, or both.")),
           choice("save_precision", "fp16", {"fp32", "fp16", "bf16"}, QT_TRANSLATE_NOOP("Schema", "Saved precision"),
                  QT_TRANSLATE_NOOP("Schema", "Number format of the saved model weights.")),
           boolean("tensorboard", true, QT_TRANSLATE_NOOP("Schema", "TensorBoard logs"),
                   QT_TRANSLATE_NOOP("Schema", "Write TensorBoard event files into the run folder.")),
       }},
      {"swarm", QT_TRANSLATE_NOOP("Schema", "Swarm"),
       QT_TRANSLATE_NOOP("Schema",
                         "Training together with other peers over the internet: each peer accumulates "
                         "gradients until the swarm reaches the target batch, then all average them and take "
                         "the same step. See docs/swarm.md."),
       {
           boolean("enabled", false, QT_TRANSLATE_NOOP("Schema", "Join a swarm"),
                   QT_TRANSLATE_NOOP("Schema", "Train as a peer of the swarm that the run key names.")),
           text("run_key", "", QT_TRANSLATE_NOOP("Schema", "Run key"),
                QT_TRANSLATE_NOOP("Schema",
                                  "The run's secret key (sdtrain swarm new-key makes one), or the path of a file "
                                  "holding it. Every peer of the run uses the same key; keep it private.")),
           list("peers", {}, QT_TRANSLATE_NOOP("Schema", "Peers"),
                QT_TRANSLATE_NOOP("Schema",
                                  "host:port of a bootstrap node or of any peer of the run, to find the others. "
                                  "Empty for the first peer. One per line.")),
           integer("port", 0, 0, 65535, QT_TRANSLATE_NOOP("Schema", "Port"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "TCP port for the other peers and UDP port for finding them (the same number); "
                                     "0 picks a free one.")),
           text("public_address", "", QT_TRANSLATE_NOOP("Schema", "Public address"),
                QT_TRANSLATE_NOOP("Schema",
                                  "The address other peers reach this one at. Empty: the local address that "
                                  "reaches the first of the peers.")),
           boolean("client_mode", false, QT_TRANSLATE_NOOP("Schema", "Client mode"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Accept no connections (behind a firewall): this peer sends its gradients and "
                                     "receives the averages, but averages no part for the others.")),
           boolean("upnp", true, QT_TRANSLATE_NOOP("Schema", "UPnP port mapping"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "With no public address: ask the home router (UPnP, or NAT-PMP) to forward the "
                                     "port to this computer and publish the router's external address. Where no "
                                     "router answers within seconds or it refuses, this peer is relayed by a "
                                     "bootstrap node that relays, or else takes part in client mode.")),
           choice("mode", "sync", {"sync", "diloco"}, QT_TRANSLATE_NOOP("Schema", "Mode"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "sync: peers average gradients until the swarm has the target batch and all take "
                                    "the same step. diloco (for slow links): each peer takes local_steps steps of "
                                    "its own, then peers average how far their weights moved and take one outer "
                                    "Nesterov step.")),
           integer("target_batch_size", 256, 1, 1e9, QT_TRANSLATE_NOOP("Schema", "Target batch size"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Mode sync: samples all peers together accumulate before each averaging round "
                                     "and optimizer step. Every peer of a run must use the same value.")),
           integer("local_steps", 100, 1, 1e6, QT_TRANSLATE_NOOP("Schema", "Local steps"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Mode diloco: optimizer steps per peer between two averaging rounds, counted "
                                     "for the swarm together (a faster peer takes more of them).")),
           boolean("overlap_rounds", true, QT_TRANSLATE_NOOP("Schema", "Overlap rounds"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Mode diloco: a round averages in the background while the next window of local "
                                     "steps trains, and its outer step is applied when it ends (one window late), so "
                                     "that the link's time hides behind training. Off: training waits for each "
                                     "round.")),
           integer("average_state_every", 10, 0, 1e6, QT_TRANSLATE_NOOP("Schema", "Average state every"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Mode sync: epochs between two averagings of the weights and the optimizer's "
                                     "moments, which keep peers from drifting apart after a round some missed; 0 "
                                     "never.")),
           number("outer_learning_rate", 0.7, above(0), atMost(10), QT_TRANSLATE_NOOP("Schema", "Outer learning rate"),
                  QT_TRANSLATE_NOOP("Schema", "Mode diloco: learning rate of the outer Nesterov step.")),
           number("outer_momentum", 0.9, atLeast(0), below(1), QT_TRANSLATE_NOOP("Schema", "Outer momentum"),
                  QT_TRANSLATE_NOOP("Schema", "Mode diloco: momentum of the outer Nesterov step.")),
           number("matchmaking_time_s", 5.0, above(0), atMost(300), QT_TRANSLATE_NOOP("Schema", "Matchmaking time"),
                  QT_TRANSLATE_NOOP("Schema", "Seconds a round waits for the peers to gather before averaging.")),
           number("averaging_timeout_s", 30.0, above(0), atMost(3600), QT_TRANSLATE_NOOP("Schema", "Averaging timeout"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "Seconds an averaging round may take; parts of peers that do not answer in time "
                                    "are left out.")),
           integer("max_group_size", 16, 2, 256, QT_TRANSLATE_NOOP("Schema", "Largest group"),
                   QT_TRANSLATE_NOOP("Schema", "Most peers that average together in one group.")),
           integer("max_connections", 256, 4, 4096, QT_TRANSLATE_NOOP("Schema", "Most connections"),
                   QT_TRANSLATE_NOOP("Schema",
                                     "Most other peers this peer keeps connections with at once (their parts of a "
                                     "round, matchmaking, state downloads); more are turned away until one ends. At "
                                     "least the largest group: every member of a group sends this peer its part.")),
           choice("compression", "auto", {"auto", "none", "fp16", "uniform8", "quantile8"},
                  QT_TRANSLATE_NOOP("Schema", "Compression"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "How values travel: exact 32-bit floats, 16-bit floats, or 8 bits per value "
                                    "(uniform or quantile buckets); auto is none in mode sync and uniform8 in mode "
                                    "diloco. Tensors under 65536 values are never compressed.")),
           choice("aggregation", "mean", {"mean", "centered_clip"}, QT_TRANSLATE_NOOP("Schema", "Aggregation"),
                  QT_TRANSLATE_NOOP("Schema",
                                    "The weighted mean, or CenteredClip, which bounds what a single faulty or "
                                    "malicious peer can move the average.")),
       }},
  };
}

}  // namespace

const Schema& Schema::project() {
  static const Schema schema(projectSections());
  return schema;
}

}  // namespace sds::config
