#pragma once
// Files for the dataset tests: small images in every format whose content differs by seed, a PNG
// header claiming an absurd size, and WebDataset tar shards.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sds::testimg {

// Pseudo-random RGB pixels, losslessly (PNG, WebP, BMP) or as JPEG q95.
std::string noisePng(int width, int height, std::uint32_t seed);
std::string noiseJpeg(int width, int height, std::uint32_t seed);
std::string noiseWebp(int width, int height, std::uint32_t seed);
std::string noiseBmp(int width, int height, std::uint32_t seed);

// A valid PNG whose IHDR (with a correct CRC) claims width × height: a decompression bomb's header.
std::string pngClaiming(std::uint32_t width, std::uint32_t height);

// A ustar archive (written by libarchive) with the members in the order given; throws
// std::runtime_error when libarchive fails.
std::string tarOf(const std::vector<std::pair<std::string, std::string>>& members);

}  // namespace sds::testimg
