#pragma once
// Training images as the VAE takes them: read, prepared for their bucket (training_image.h) and turned
// into float tensors. Shared by the latent cache and the batch loader.

#include <ATen/core/Tensor.h>

#include "data/buckets.h"
#include "data/dataset.h"
#include "image/image_types.h"

namespace sds::data {

class ImageReader;

// 8-bit RGB to the VAE's input range [-1, 1], [3, H, W] float32.
at::Tensor imageToTensor(const image::Rgb8Image& image);

// A generated image, float [H, W, 3] in [0, 1], to 8-bit RGB as diffusers' numpy_to_pil rounds it
// ((x · 255).round()); NaN (an overflowing model) becomes black.
image::Rgb8Image tensorToImage(const at::Tensor& image);

// The image read, decoded, resized, cropped and maybe mirrored, as imageToTensor gives it. Throws
// std::runtime_error naming the file when it cannot be read or no longer decodes.
at::Tensor trainingPixels(ImageReader& reader, const ImageRef& image, const Bucket& bucket, const CropPlan& crop,
                          bool flip);

}  // namespace sds::data
