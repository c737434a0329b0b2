#include "data/demo_judgement.h"

#include "data/shapes_dataset.h"

namespace sds::data {
namespace {

bool isHeldOutCaption(const std::string& caption) {
  for (const ShapeSpec& spec : heldOutShapes())
    if (spec.caption() == caption) return true;
  return false;
}

std::string ratio(int part, int whole) { return std::to_string(part) + "/" + std::to_string(whole); }

}  // namespace

bool DemoJudgement::learned() const {
  const bool trainedOk = trained > 0 && 4 * trainedColoursRight >= 3 * trained;
  const bool heldOutOk = heldOut == 0 || 4 * heldOutColoursRight >= 3 * heldOut;
  const int all = trained + heldOut;
  return trainedOk && heldOutOk && 2 * shapesRight > all;
}

std::string DemoJudgement::summary() const {
  std::string text = "training prompts: both colours " + ratio(trainedColoursRight, trained);
  if (heldOut > 0) text += "; held-out prompts: both colours " + ratio(heldOutColoursRight, heldOut);
  return text + "; shape " + ratio(shapesRight, trained + heldOut);
}

DemoJudgement judgeDemoSamples(const std::vector<std::pair<std::string, ShapesReading>>& samples) {
  DemoJudgement j;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto& [prompt, reading] = samples[i];
    const auto asked = parseShapesCaption(prompt);
    if (!asked) continue;
    JudgedSample s{i, prompt, reading, isHeldOutCaption(prompt), false, false};
    s.coloursRight = reading.colour == asked->colour && reading.background == asked->background;
    s.shapeRight = reading.shape == asked->shape;
    (s.heldOut ? j.heldOut : j.trained) += 1;
    (s.heldOut ? j.heldOutColoursRight : j.trainedColoursRight) += s.coloursRight;
    j.shapesRight += s.shapeRight;
    j.samples.push_back(std::move(s));
  }
  return j;
}

}  // namespace sds::data
