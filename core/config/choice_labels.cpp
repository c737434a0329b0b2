#include "config/choice_labels.h"

#include <utility>

// Marks the labels for Qt's lupdate; core itself stays free of Qt.
#define QT_TRANSLATE_NOOP(context, text) text

namespace sds::config {
namespace {

// Values mean the same in every setting they appear in ("auto", "fp16"), so one table serves all.
constexpr std::pair<std::string_view, const char*> kLabels[] = {
    {"auto", QT_TRANSLATE_NOOP("Choice", "Automatic")},
    {"pretrained", QT_TRANSLATE_NOOP("Choice", "From the base model")},
    {"scratch", QT_TRANSLATE_NOOP("Choice", "From scratch (random weights)")},
    {"sd1", QT_TRANSLATE_NOOP("Choice", "SD 1.x")},
    {"sd2", QT_TRANSLATE_NOOP("Choice", "SD 2.x")},
    {"sd2-v", QT_TRANSLATE_NOOP("Choice", "SD 2.x, v-prediction")},
    {"sdxl", QT_TRANSLATE_NOOP("Choice", "SDXL")},
    {"tiny", QT_TRANSLATE_NOOP("Choice", "Tiny (the demo's model)")},
    {"epsilon", QT_TRANSLATE_NOOP("Choice", "Noise (epsilon)")},
    {"v_prediction", QT_TRANSLATE_NOOP("Choice", "Velocity (v-prediction)")},
    {"full", QT_TRANSLATE_NOOP("Choice", "Full fine-tune")},
    {"lora", QT_TRANSLATE_NOOP("Choice", "LoRA")},
    {"vae", QT_TRANSLATE_NOOP("Choice", "Autoencoder (VAE)")},
    {"cpu", QT_TRANSLATE_NOOP("Choice", "CPU")},
    {"cuda", QT_TRANSLATE_NOOP("Choice", "GPU (CUDA)")},
    {"fp32", QT_TRANSLATE_NOOP("Choice", "32-bit float (fp32)")},
    {"bf16", QT_TRANSLATE_NOOP("Choice", "bfloat16 (bf16)")},
    {"fp16", QT_TRANSLATE_NOOP("Choice", "16-bit float (fp16)")},
    {"folder", QT_TRANSLATE_NOOP("Choice", "Folder of images")},
    {"webdataset", QT_TRANSLATE_NOOP("Choice", "WebDataset shards")},
    {"shapes", QT_TRANSLATE_NOOP("Choice", "Generated shapes (the demo's)")},
    {"adamw", QT_TRANSLATE_NOOP("Choice", "AdamW")},
    {"adamw8bit", QT_TRANSLATE_NOOP("Choice", "AdamW with 8-bit states")},
    {"constant", QT_TRANSLATE_NOOP("Choice", "Constant")},
    {"constant_with_warmup", QT_TRANSLATE_NOOP("Choice", "Constant after warmup")},
    {"linear", QT_TRANSLATE_NOOP("Choice", "Linear decay")},
    {"cosine", QT_TRANSLATE_NOOP("Choice", "Cosine")},
    {"cosine_with_restarts", QT_TRANSLATE_NOOP("Choice", "Cosine with restarts")},
    {"polynomial", QT_TRANSLATE_NOOP("Choice", "Polynomial")},
    {"ddim", QT_TRANSLATE_NOOP("Choice", "DDIM")},
    {"euler", QT_TRANSLATE_NOOP("Choice", "Euler")},
    {"euler_a", QT_TRANSLATE_NOOP("Choice", "Euler ancestral")},
    {"dpmpp_2m", QT_TRANSLATE_NOOP("Choice", "DPM++ 2M")},
    {"dpmpp_2m_karras", QT_TRANSLATE_NOOP("Choice", "DPM++ 2M Karras")},
    {"diffusers", QT_TRANSLATE_NOOP("Choice", "diffusers folder")},
    {"single_file", QT_TRANSLATE_NOOP("Choice", "Single file (A1111, ComfyUI)")},
    {"both", QT_TRANSLATE_NOOP("Choice", "Both")},
    {"kohya", QT_TRANSLATE_NOOP("Choice", "kohya (A1111, ComfyUI)")},
    {"peft", QT_TRANSLATE_NOOP("Choice", "diffusers / PEFT")},
    {"none", QT_TRANSLATE_NOOP("Choice", "None (32-bit floats)")},
    {"uniform8", QT_TRANSLATE_NOOP("Choice", "8 bits, uniform")},
    {"sync", QT_TRANSLATE_NOOP("Choice", "Synchronous (average gradients)")},
    {"diloco", QT_TRANSLATE_NOOP("Choice", "DiLoCo (for slow links)")},
    {"quantile8", QT_TRANSLATE_NOOP("Choice", "8 bits, quantile buckets")},
    {"mean", QT_TRANSLATE_NOOP("Choice", "Weighted mean")},
    {"centered_clip", QT_TRANSLATE_NOOP("Choice", "CenteredClip (robust)")},
    {"all", QT_TRANSLATE_NOOP("Choice", "Every block (least memory)")},
    {"attention", QT_TRANSLATE_NOOP("Choice", "Attention blocks only")},
    {"resnets", QT_TRANSLATE_NOOP("Choice", "Resnet blocks only")},
    {"alternate", QT_TRANSLATE_NOOP("Choice", "Every other block")},
    {"on", QT_TRANSLATE_NOOP("Choice", "On")},
    {"off", QT_TRANSLATE_NOOP("Choice", "Off")},
};

}  // namespace

const char* choiceLabel(std::string_view value) {
  for (const auto& [key, label] : kLabels)
    if (key == value) return label;
  return nullptr;
}

}  // namespace sds::config
