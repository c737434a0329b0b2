#pragma once
// What people read for a choice's value: "lora" is shown as "LoRA", "pretrained" as "From the base
// model". The project file keeps the value; front ends show the label (translated through the
// "Choice" context) with the value beside it.

#include <string_view>

namespace sds::config {

// The English label of a choice value, or nullptr when the value has none (then show the value).
const char* choiceLabel(std::string_view value);

}  // namespace sds::config
