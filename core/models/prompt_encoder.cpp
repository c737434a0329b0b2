#include "models/prompt_encoder.h"

#include <torch/torch.h>

namespace sds::models {

at::Tensor tokenize(const text::ClipTokenizer& tokenizer, const std::vector<std::string>& texts,
                    const c10::Device& device) {
  std::vector<std::int64_t> ids;
  for (const std::string& text : texts) {
    const std::vector<std::int64_t> one = tokenizer.encodePadded(text);
    ids.insert(ids.end(), one.begin(), one.end());
  }
  return torch::tensor(ids, torch::kLong).view({static_cast<int64_t>(texts.size()), tokenizer.maxLength()}).to(device);
}

PromptEmbeddings encodePrompts(StableDiffusionModel& m, const std::vector<std::string>& texts) {
  const c10::Device device = m.textEncoder->final_layer_norm->weight.device();
  if (m.family != ModelFamily::SDXL) {
    // SD 2.x's encoder already ends a layer early, so its last state is OpenCLIP's penultimate.
    return {m.textEncoder->forward(tokenize(*m.tokenizer, texts, device)).lastHiddenState, {}};
  }
  const ClipTextOutput one = m.textEncoder->forward(tokenize(*m.tokenizer, texts, device));
  const ClipTextOutput two = m.textEncoder2->forward(tokenize(*m.tokenizer2, texts, device));
  return {torch::cat({one.penultimateHiddenState, two.penultimateHiddenState}, -1), two.textEmbeds};
}

}  // namespace sds::models
