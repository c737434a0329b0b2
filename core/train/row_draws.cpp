#include "train/row_draws.h"

#include <torch/torch.h>

#include <stdexcept>

namespace sds::train {

at::Tensor randnRows(at::IntArrayRef sizes, const data::BatchShare& share) {
  if (sizes.empty() || sizes[0] != share.rows)
    throw std::invalid_argument("random draws for " + std::to_string(share.rows) + " rows asked with another shape");
  std::vector<std::int64_t> global(sizes.begin(), sizes.end());
  global[0] = share.total;
  const at::Tensor all = torch::randn(global, torch::TensorOptions().dtype(torch::kFloat32));
  return share.rows == share.total ? all : all.narrow(0, share.begin, share.rows).contiguous();
}

at::Tensor randintRows(std::int64_t low, std::int64_t high, const data::BatchShare& share) {
  const at::Tensor all = torch::randint(low, high, {share.total}, torch::kLong);
  return share.rows == share.total ? all : all.narrow(0, share.begin, share.rows).contiguous();
}

}  // namespace sds::train
