#include "train/out_of_memory.h"

namespace sds::train {

OutOfMemoryReport describeOutOfMemory(const std::string& phase, std::int64_t step, int batchSize, int resolution) {
  const std::string px = std::to_string(resolution) + " px";
  if (phase == "loading")
    return {"out of memory while putting the model on the GPU",
            "the model does not fit the GPU's free memory: end other programs that use the GPU, choose "
            "training.precision = \"bf16\" or \"fp16\", or train with method lora"};
  if (phase == "caching")  // the VAE encodes a training batch at a time
    return {"out of memory while caching latents (the VAE encoding " + std::to_string(batchSize) + " images of " + px +
                " at a time)",
            "lower training.batch_size (raise gradient_accumulation to keep the effective batch) or resolution.size, "
            "or end other programs that use the GPU"};
  if (phase == "sampling")
    return {"out of memory while making samples at step " + std::to_string(step),
            "the training itself fits: make the samples smaller (sampling.width and sampling.height) or rarer, "
            "or turn them off (sampling.every_n_steps = 0); then resume"};
  return {"out of memory at step " + std::to_string(step + 1) + " (batch size " + std::to_string(batchSize) + " at " +
              px + ")",
          "lower training.batch_size (raise gradient_accumulation to keep the effective batch), turn on "
          "training.gradient_checkpointing, use optimizer.type = \"adamw8bit\" or method lora"};
}

}  // namespace sds::train
