#pragma once
// The device a setting or option names ("cpu", "cuda", or "auto": the first GPU when there is one),
// one rule for training, generation and the benchmark, with one explanation when CUDA is asked for
// and cannot be had.

#include <c10/core/Device.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace sds::runtime {

// Why CUDA was asked for and cannot be used (this LibTorch has no CUDA, or no GPU answers), with
// what to do about it.
struct DeviceUnavailable : std::runtime_error {
  DeviceUnavailable(const std::string& message, std::string hint) : std::runtime_error(message), hint(std::move(hint)) {}
  std::string hint;
};

// `what` names the setting or option in the message ("--device cuda", "training.device = \"cuda\"").
// Throws std::invalid_argument for another name, DeviceUnavailable when CUDA cannot be used.
c10::Device resolveDevice(std::string_view name, const std::string& what);

}  // namespace sds::runtime
