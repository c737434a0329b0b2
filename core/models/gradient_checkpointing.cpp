#include "models/gradient_checkpointing.h"

#include <torch/torch.h>

namespace sds::models {
namespace {

struct FunctionHolder : torch::CustomClassHolder {
  explicit FunctionHolder(CheckpointedFunction f) : fn(std::move(f)) {}
  CheckpointedFunction fn;
};

struct CheckpointFunction : torch::autograd::Function<CheckpointFunction> {
  // Runs without recording (autograd functions' forward does), keeping only the inputs.
  // The last input is a marker that requires grad (see gradientCheckpoint()), not passed to the function.
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx,
                                                const c10::intrusive_ptr<FunctionHolder>& holder,
                                                at::TensorList inputs) {
    ctx->saved_data["fn"] = c10::IValue::make_capsule(holder);
    const std::vector<at::Tensor> list(inputs.begin(), inputs.end() - 1);
    ctx->save_for_backward(list);
    return {holder->fn(list)};
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list gradOutputs) {
    const auto holder = c10::static_intrusive_pointer_cast<FunctionHolder>(ctx->saved_data["fn"].toCapsule());
    std::vector<at::Tensor> inputs;
    for (const at::Tensor& saved : ctx->get_saved_variables()) {
      if (!saved.defined()) {
        inputs.push_back(saved);
        continue;
      }
      at::Tensor input = saved.detach();
      input.requires_grad_(saved.requires_grad());
      inputs.push_back(input);
    }
    at::Tensor output;
    {
      torch::AutoGradMode enable(true);
      output = holder->fn(inputs);
    }
    if (output.requires_grad()) torch::autograd::backward({output}, {gradOutputs[0]});
    torch::autograd::variable_list grads{at::Tensor()};  // for the holder
    for (const at::Tensor& input : inputs)
      grads.push_back(input.defined() && input.requires_grad() ? input.grad() : at::Tensor());
    grads.emplace_back();  // for the marker
    return grads;
  }
};

}  // namespace

at::Tensor gradientCheckpoint(const CheckpointedFunction& fn, const std::vector<at::Tensor>& inputs) {
  if (!torch::GradMode::is_enabled()) return fn(inputs);
  // The output must require grad even when no input does (LoRA on a frozen model: only parameters
  // inside the function are trained), or the backward pass would never reach it. A marker input that
  // requires grad makes it so, as torch's non-reentrant checkpoint achieves by other means.
  static const at::Tensor marker = torch::empty({0}).requires_grad_(true);
  std::vector<at::Tensor> withMarker = inputs;
  withMarker.push_back(marker);
  // A TensorList, not a vector: autograd counts the elements of a TensorList as the function's inputs.
  return CheckpointFunction::apply(c10::make_intrusive<FunctionHolder>(fn), at::TensorList(withMarker))[0];
}

}  // namespace sds::models
