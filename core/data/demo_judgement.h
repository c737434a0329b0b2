#pragma once
// The demo's verdict on one round of samples: each sample read back (shapes_reading.h) and compared
// with its prompt, prompts of the training set and held-out combinations counted apart. Torch-free.

#include <string>
#include <vector>

#include "data/shapes_reading.h"

namespace sds::data {

struct JudgedSample {
  std::size_t index = 0;     // position in the list judged
  std::string prompt;
  ShapesReading reading;
  bool heldOut = false;      // a combination the demo's dataset leaves out
  bool coloursRight = false; // the object's colour and the background's
  bool shapeRight = false;
};

struct DemoJudgement {
  std::vector<JudgedSample> samples;  // those whose prompt is of the demo's form
  int trained = 0, trainedColoursRight = 0;
  int heldOut = 0, heldOutColoursRight = 0;
  int shapesRight = 0;

  // The demo has learned when at least three in four samples of the training set's prompts, and three in
  // four of the held-out ones (where there are any), get both colours right, and more than half of all
  // samples get the shape right.
  bool learned() const;
  // "training prompts: both colours 4/4; held-out prompts: both colours 3/4; shape 6/8"
  std::string summary() const;
};

// Judges samples given as (prompt, reading); prompts not of the demo's form are left out.
DemoJudgement judgeDemoSamples(const std::vector<std::pair<std::string, ShapesReading>>& samples);

}  // namespace sds::data
