#pragma once
// Text conditioning as the pipelines and the trainer use it: SD 1.x and 2.x take the text encoder's
// last hidden state; SDXL takes both encoders' penultimate states side by side and the second's
// projected pooled output.

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "models/stable_diffusion.h"

namespace sds::models {

struct PromptEmbeddings {
  at::Tensor hidden;  // [B, tokens, cross_attention_dim]
  at::Tensor pooled;  // SDXL: [B, projection_dim]; undefined otherwise
};

// Token ids [B, maxLength] of each text, padded or truncated as the tokenizer does, on `device`.
at::Tensor tokenize(const text::ClipTokenizer& tokenizer, const std::vector<std::string>& texts, const c10::Device& device);

// Encodes one text per batch entry on the text encoders' device (gradients flow when enabled).
PromptEmbeddings encodePrompts(StableDiffusionModel& model, const std::vector<std::string>& texts);

}  // namespace sds::models
