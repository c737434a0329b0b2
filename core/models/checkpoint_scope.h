#pragma once
// Which of a UNet's pieces (each resnet, each transformer) recompute their activations in the
// backward pass (models/gradient_checkpointing.h): all of them (least memory), only the transformers
// or only the resnets, or every other piece in the order they run — steps between no checkpointing
// and all of it. No torch: the settings name it.

#include <optional>
#include <string>

namespace sds::models {

enum class CheckpointScope { None, All, Attention, Resnets, Alternate };

inline const char* checkpointScopeName(CheckpointScope scope) {
  switch (scope) {
    case CheckpointScope::None: return "none";
    case CheckpointScope::All: return "all";
    case CheckpointScope::Attention: return "attention";
    case CheckpointScope::Resnets: return "resnets";
    case CheckpointScope::Alternate: return "alternate";
  }
  return "none";
}

// "none", "all", "attention", "resnets", "alternate"; nothing for anything else.
inline std::optional<CheckpointScope> checkpointScopeNamed(const std::string& name) {
  for (CheckpointScope scope : {CheckpointScope::None, CheckpointScope::All, CheckpointScope::Attention,
                                CheckpointScope::Resnets, CheckpointScope::Alternate})
    if (name == checkpointScopeName(scope)) return scope;
  return std::nullopt;
}

}  // namespace sds::models
