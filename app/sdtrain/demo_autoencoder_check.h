#pragma once
// The demo's autoencoder judged on its own: training images encoded and decoded again, and each
// reconstruction read back like a sample (data::readShapesImage). A text-to-image model cannot draw
// what its decoder cannot reproduce, so this is the ceiling of the demo's samples.

#include <string>

#include "data/demo_judgement.h"

namespace sds::cli {

// Judges the reconstructions of the first `count` images of the demo's dataset folder with the VAE in
// `vaeFolder` (prompts: the images' captions). Throws std::runtime_error naming what cannot be read.
data::DemoJudgement judgeDemoAutoencoder(const std::string& datasetFolder, const std::string& vaeFolder, int count);

}  // namespace sds::cli
