#include "train/data/training_pixels.h"

#include <torch/torch.h>

#include "data/image_reader.h"
#include "data/training_image.h"

namespace sds::data {

at::Tensor imageToTensor(const image::Rgb8Image& image) {
  // A plain loop rather than tensor ops: loader threads must not start torch's intra-op thread pools.
  at::Tensor out = torch::empty({3, image.height, image.width}, torch::kFloat32);
  float* planes = out.data_ptr<float>();
  const std::size_t area = static_cast<std::size_t>(image.width) * image.height;
  const std::uint8_t* src = image.pixels.data();
  for (std::size_t i = 0; i < area; ++i)
    for (std::size_t c = 0; c < 3; ++c) planes[c * area + i] = static_cast<float>(src[i * 3 + c]) / 127.5f - 1.0f;
  return out;
}

at::Tensor trainingPixels(ImageReader& reader, const ImageRef& image, const Bucket& bucket, const CropPlan& crop,
                          bool flip) {
  const std::vector<std::uint8_t> bytes = reader.read(image);
  const TrainingImage prepared =
      prepareTrainingImage(bytes.data(), bytes.size(), image.displayName(), bucket, crop, flip);
  return imageToTensor(prepared.pixels);
}

image::Rgb8Image tensorToImage(const at::Tensor& image) {
  const at::Tensor bytes = (torch::nan_to_num(image.to(torch::kFloat32).cpu(), 0.0, 1.0, 0.0) * 255)
                               .round()
                               .clamp(0, 255)
                               .to(torch::kUInt8)
                               .contiguous();
  image::Rgb8Image out(static_cast<int>(image.size(1)), static_cast<int>(image.size(0)));
  std::copy(bytes.data_ptr<std::uint8_t>(), bytes.data_ptr<std::uint8_t>() + bytes.numel(), out.pixels.begin());
  return out;
}

}  // namespace sds::data
