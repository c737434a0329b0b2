// Training batches per second from a folder of JPEGs: scan, epoch plan at 512 px with aspect buckets,
// then the background loader decoding, resizing and cropping into float tensors, for 1, 2 and 4
// threads. Prints images per second.
//
// bench_data_loader [images=64]

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "train/data/batch_loader.h"
#include "data/epoch_plan.h"
#include "data/image_reader.h"
#include "image_encoders.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using Clock = std::chrono::steady_clock;
  const int count = argc > 1 ? std::max(8, std::atoi(argv[1])) : 64;
  const fs::path root = fs::temp_directory_path() / ("sds-bench-loader-" + std::to_string(::getpid()));
  fs::create_directories(root);

  // Photo-like JPEGs of a few shapes (1024×768, 768×1024, 900×900), q90 4:2:0.
  const int sizes[3][2] = {{1024, 768}, {768, 1024}, {900, 900}};
  for (int i = 0; i < count; ++i) {
    sds::testimg::JpegSpec spec;
    spec.width = sizes[i % 3][0], spec.height = sizes[i % 3][1];
    spec.pixels = sds::testimg::smooth(spec.width, spec.height, 3);
    const std::vector<std::uint8_t> grain = sds::testimg::noise(spec.width, spec.height, 3, static_cast<std::uint32_t>(i));
    for (std::size_t k = 0; k < spec.pixels.size(); ++k) spec.pixels[k] = static_cast<std::uint8_t>((spec.pixels[k] + grain[k] / 16) & 0xFF);
    spec.quality = 90;
    spec.subsample = true;
    const std::string name = "img" + std::to_string(i);
    std::ofstream((root / (name + ".jpg")).string(), std::ios::binary) << sds::testimg::encodeJpeg(spec);
    std::ofstream((root / (name + ".txt")).string()) << "a photo number " << i;
  }

  sds::data::DatasetOptions options;
  options.path = root.string();
  const auto scanStart = Clock::now();
  const sds::data::Dataset dataset = sds::data::scanDataset(options);
  const double scanSeconds = std::chrono::duration<double>(Clock::now() - scanStart).count();
  std::printf("scanned %zu images in %.2f s (%.0f images/s, decoding each to check it)\n", dataset.samples.size(),
              scanSeconds, dataset.samples.size() / scanSeconds);

  sds::data::PlanOptions plan;
  plan.buckets.resolution = 512;
  plan.batchSize = 4;
  plan.flip = true;
  for (const int workers : {1, 2, 4}) {
    sds::data::ImageReader reader;
    sds::data::LoaderOptions loader;
    loader.workers = workers;
    loader.prefetch = 8;
    const auto start = Clock::now();
    sds::data::BatchLoader batches(dataset, sds::data::planEpoch(dataset, plan, 0), reader, nullptr, loader);
    std::size_t images = 0;
    while (auto batch = batches.next()) images += batch->entries.size();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("loader, %d thread%s: %zu images in %.2f s = %.1f images/s at 512 px (decode, Lanczos resize, crop, "
                "flip, float tensor)\n",
                workers, workers == 1 ? "" : "s", images, seconds, images / seconds);
  }
  fs::remove_all(root);
  return 0;
}
