#pragma once
// Random draws for the rows of a global batch that one rank trains: drawn for the whole global batch
// from the step's generator, then cut to the rank's rows. W ranks thus draw exactly what one process
// training the whole batch draws, which makes data-parallel runs equal to single-process ones.

#include <ATen/core/Tensor.h>

#include "data/batch_share.h"

namespace sds::train {

// Standard normal float32 on the CPU; `sizes` are the rank's (its rows first).
at::Tensor randnRows(at::IntArrayRef sizes, const data::BatchShare& share);

// Whole numbers in [low, high) as int64 on the CPU, one per row of the rank.
at::Tensor randintRows(std::int64_t low, std::int64_t high, const data::BatchShare& share);

}  // namespace sds::train
