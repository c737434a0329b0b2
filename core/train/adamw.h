#pragma once
// AdamW (decoupled weight decay), step for step as torch.optim.AdamW computes it, with two memory
// options:
//  * master weights: parameters kept in bf16/fp16 are updated through float32 copies held here, so small
//    updates are not lost to rounding; the model's tensors receive the rounded result.
//  * 8-bit moments: m and v stored block-wise quantized (blocks of 2048 values, one float32 scale per
//    block, 8-bit codes with fourth-power companding so tiny second moments keep their precision), a
//    quarter of float32 moments' memory.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "train/adamw_options.h"

namespace sds::train {

// Block-wise 8-bit storage of one moment tensor, exposed for tests.
struct QuantizedMoment {
  at::Tensor codes;   // uint8 (v) or int8 (m), padded to whole blocks
  at::Tensor scales;  // float32, one absolute maximum per block
  bool isSigned = true;
  static constexpr std::int64_t kBlock = 2048;

  static QuantizedMoment zeros(std::int64_t numel, bool isSigned, const c10::Device& device);
  at::Tensor decode(std::int64_t numel) const;  // float32, flat, on the codes' device
  void encode(const at::Tensor& values);        // float32, numel() ≤ capacity, on the codes' device
};

class AdamW {
 public:
  // `parameters` are the tensors to update (their grad() is read); named for checkpoints.
  AdamW(std::vector<std::pair<std::string, at::Tensor>> parameters, AdamWOptions options);

  // One update at learning rate `lr`; parameters whose grad is undefined are left alone (and their
  // step count with them, as in torch).
  void step(double lr);
  void zeroGrad();

  // Bytes held for moments and master weights.
  std::size_t stateBytes() const;
  std::int64_t steps() const { return steps_; }

  // The complete state for checkpoints ("<name>.m", "<name>.v", "<name>.master", scales, step);
  // restoring it continues bit for bit. loadState throws std::runtime_error naming a missing or
  // mis-shaped entry.
  std::map<std::string, at::Tensor> state() const;
  void loadState(const std::map<std::string, at::Tensor>& state);

  // The float32 values of the parameter named `name` (its master copy, or the parameter itself);
  // undefined when this optimizer does not update it.
  at::Tensor weights(const std::string& name) const;
  // Sets that parameter's value from float32 `value`: the master copy and the rounded parameter.
  // False when this optimizer does not update it.
  bool assignWeights(const std::string& name, const at::Tensor& value);

 private:
  struct Slot {
    std::string name;
    at::Tensor parameter;
    at::Tensor master;       // float32 copy when the parameter is lower precision
    at::Tensor m, v;         // float32 moments (not 8-bit)
    QuantizedMoment qm, qv;  // 8-bit moments
    std::int64_t steps = 0;
  };
  // One multi-tensor kernel for all parameters (LibTorch 2.1+ on CUDA, 32-bit moments): a few
  // launches per step instead of ten per parameter. False when this step needs the per-tensor path.
  bool fusedStep(double lr);

  std::vector<Slot> slots_;
  AdamWOptions options_;
  std::int64_t steps_ = 0;
  // The fused path's tensors, made on its first use and again after loadState.
  struct Fused {
    struct Group {
      std::vector<std::size_t> members;  // slot indices
      std::vector<at::Tensor> weights, m, v, steps;  // steps: float32 on the device
      std::vector<at::Tensor> lowParameters, masters, wide;  // wide: float32 gradients in gradBuffer
    };
    bool ready = false;
    std::vector<Group> groups;
    at::Tensor gradBuffer;  // float32 gradients of the largest group's masters
  } fused_;
};

}  // namespace sds::train
