// Decoded + resized images per second at 512 px, one thread: the data loader's per-image cost.
// Inputs are made here (photo-like content: gradients and grain) as JPEG and PNG at common sizes;
// each is decoded, resized to cover 512 × 512 (Lanczos3) and centre-cropped, once decoding at full
// size and once letting the decoder reduce on the way (DCT scaling, row averaging).
//
//   bench_image_decode [seconds per case, default 1.5]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "image/crop.h"
#include "image/decode.h"
#include "image/resize.h"
#include "image_encoders.h"

using namespace sds::image;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kTarget = 512;

std::vector<std::uint8_t> photoLike(int w, int h) {
  std::vector<std::uint8_t> rgb = sds::testimg::smooth(w, h, 3);
  const std::vector<std::uint8_t> grain = sds::testimg::noise(w, h, 3, 99);
  for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<std::uint8_t>(std::min(255, rgb[i] + grain[i] % 12));
  return rgb;
}

struct Input {
  std::string label;
  std::string bytes;
};

// Returns images per second and the mean milliseconds spent decoding and resizing.
void run(const Input& input, bool reduce, double seconds) {
  DecodeOptions options;
  if (reduce) options.minWidth = options.minHeight = kTarget;
  int count = 0;
  double decodeS = 0, resizeS = 0;
  int decodedW = 0, decodedH = 0;
  const auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds || count < 3) {
    const auto t0 = Clock::now();
    DecodeResult result = decodeImage(reinterpret_cast<const std::uint8_t*>(input.bytes.data()), input.bytes.size(),
                                      input.label, options);
    if (!result.ok()) {
      std::fprintf(stderr, "%s\n", result.message().c_str());
      std::exit(1);
    }
    const Rgb8Image& image = result.value().image;
    decodedW = image.width;
    decodedH = image.height;
    const auto t1 = Clock::now();
    const Size cover = coverSize(image.width, image.height, kTarget, kTarget);
    const Rgb8Image sized = resize(image, cover.width, cover.height);
    const Rgb8Image out = crop(sized, centerCrop(sized.width, sized.height, kTarget, kTarget));
    const auto t2 = Clock::now();
    if (out.width != kTarget) std::exit(1);
    decodeS += std::chrono::duration<double>(t1 - t0).count();
    resizeS += std::chrono::duration<double>(t2 - t1).count();
    ++count;
  }
  std::printf("  %-30s %-8s decoded at %4d × %-4d  %7.1f images/s   (decode %6.2f ms, resize+crop %6.2f ms)\n",
              input.label.c_str(), reduce ? "reduced" : "full", decodedW, decodedH, count / (decodeS + resizeS),
              1e3 * decodeS / count, 1e3 * resizeS / count);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.5;
  std::vector<Input> inputs;
  for (const auto& [w, h] : {std::pair{768, 768}, std::pair{1024, 768}, std::pair{2048, 1536}, std::pair{4032, 3024}}) {
    sds::testimg::JpegSpec spec;
    spec.width = w;
    spec.height = h;
    spec.pixels = photoLike(w, h);
    spec.quality = 90;
    spec.subsample = true;
    const std::string bytes = sds::testimg::encodeJpeg(spec);
    inputs.push_back({"JPEG " + std::to_string(w) + "x" + std::to_string(h) + " q90 (" +
                          std::to_string(bytes.size() / 1024) + " KiB)",
                      bytes});
  }
  for (const auto& [w, h] : {std::pair{768, 768}, std::pair{1024, 768}, std::pair{2048, 1536}}) {
    sds::testimg::PngSpec spec;
    spec.width = w;
    spec.height = h;
    for (std::uint8_t v : photoLike(w, h)) spec.samples.push_back(v);
    const std::string bytes = sds::testimg::encodePng(spec);
    inputs.push_back({"PNG " + std::to_string(w) + "x" + std::to_string(h) + " RGB (" +
                          std::to_string(bytes.size() / 1024) + " KiB)",
                      bytes});
  }
  std::printf("decode + resize to cover %d × %d (Lanczos3) + centre crop, one thread, %.1f s per case\n", kTarget,
              kTarget, seconds);
  for (const Input& input : inputs) {
    run(input, false, seconds);
    run(input, true, seconds);
  }
  return 0;
}
