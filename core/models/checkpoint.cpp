#include "models/checkpoint.h"

#include <torch/torch.h>

namespace sds::models {
namespace {

struct FunctionHolder : torch::CustomClassHolder {
  explicit FunctionHolder(CheckpointedFunction f) : fn(std::move(f)) {}
  CheckpointedFunction fn;
};

struct CheckpointFunction : torch::autograd::Function<CheckpointFunction> {
  // Runs without recording (autograd functions' forward does), keeping only the inputs.
  static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx,
                                                const c10::intrusive_ptr<FunctionHolder>& holder,
                                                at::TensorList inputs) {
    ctx->saved_data["fn"] = c10::IValue::make_capsule(holder);
    const std::vector<at::Tensor> list = inputs.vec();
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
    return grads;
  }
};

}  // namespace

at::Tensor checkpoint(const CheckpointedFunction& fn, const std::vector<at::Tensor>& inputs) {
  if (!torch::GradMode::is_enabled()) return fn(inputs);
  // A TensorList, not a vector: autograd counts the elements of a TensorList as the function's inputs.
  return CheckpointFunction::apply(c10::make_intrusive<FunctionHolder>(fn), at::TensorList(inputs))[0];
}

}  // namespace sds::models
