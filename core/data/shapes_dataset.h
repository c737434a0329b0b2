#pragma once
// The built-in demo's dataset: images of one filled shape (circle, square, triangle) of one colour on a
// plain background of another, captioned "a red circle on a blue background". Generated from a seed
// with our own generator, so every platform makes identical files. Torch-free.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sds::data {

struct PaletteColour {
  const char* name;
  std::array<std::uint8_t, 3> rgb;
};
// Clearly distinct colours a tiny model can learn.
const std::vector<PaletteColour>& shapesPalette();
const std::vector<std::string>& shapeNames();  // circle, square, triangle

struct ShapeSpec {
  std::size_t colour = 0, background = 0;  // indices into shapesPalette()
  std::size_t shape = 0;                    // index into shapeNames()
  double centreX = 0, centreY = 0, radius = 0;  // in pixels
  std::string caption() const;
};

struct ShapesOptions {
  std::string folder;
  int count = 256;
  int size = 64;
  std::uint64_t seed = 0;
};

// Combinations the generator never draws, to show that a model trained on the others follows the text
// rather than recalling images: none is one of the demo's training prompts.
const std::vector<ShapeSpec>& heldOutShapes();
bool isHeldOut(const ShapeSpec& spec);

// What generateShapesDataset draws: every (colour, shape, background) combination that is not held
// out equally often, in a seeded order, each shape near the centre at a seeded size and place.
std::vector<ShapeSpec> planShapes(const ShapesOptions& options);

struct ShapesResult {
  std::size_t written = 0;
  bool reused = false;  // the folder already held this exact dataset
};

// The name of the index-th image and caption without extension: shape-00000.
std::string shapesFileStem(std::size_t index);

// Writes shape-00000.png + shape-00000.txt, … and last a manifest (shapes.json). A folder whose
// manifest and files match the options is left as it is. Throws std::runtime_error naming the folder.
ShapesResult generateShapesDataset(const ShapesOptions& options);

// The palette colour nearest to an RGB value (Euclidean), by name.
std::string nearestPaletteColour(int r, int g, int b);

struct ParsedCaption {
  std::string colour, shape, background;
};
// "a red circle on a blue background" → {red, circle, blue}; nullopt for any other text.
std::optional<ParsedCaption> parseShapesCaption(const std::string& caption);

}  // namespace sds::data
