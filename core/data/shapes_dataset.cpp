#include "data/shapes_dataset.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "data/random.h"
#include "image/png_writer.h"
#include "util/atomic_file.h"

namespace sds::data {
namespace {

namespace fs = std::filesystem;
constexpr int kGeneratorVersion = 2;  // 2: shapes near the centre, held-out combinations left out
constexpr int kSupersampling = 4;  // 4×4 sub-pixels per pixel smooth the edges

std::string manifest(const ShapesOptions& o) {
  std::ostringstream out;
  out << "{\"generator\": \"sdstudio-shapes\", \"version\": " << kGeneratorVersion << ", \"count\": " << o.count
      << ", \"size\": " << o.size << ", \"seed\": " << o.seed << "}\n";
  return out.str();
}

bool inside(const ShapeSpec& s, double x, double y) {
  const double dx = x - s.centreX, dy = y - s.centreY, r = s.radius;
  switch (s.shape) {
    case 0: return dx * dx + dy * dy <= r * r;
    case 1: return std::abs(dx) <= r * 0.85 && std::abs(dy) <= r * 0.85;
    default: {  // upright triangle with its apex at the top
      const double top = s.centreY - r, bottom = s.centreY + r * 0.8;
      if (y < top || y > bottom) return false;
      const double halfWidth = r * (y - top) / (bottom - top);
      return std::abs(dx) <= halfWidth;
    }
  }
}

image::Rgb8Image draw(const ShapeSpec& s, int size) {
  image::Rgb8Image img(size, size);
  const auto& fg = shapesPalette()[s.colour].rgb;
  const auto& bg = shapesPalette()[s.background].rgb;
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      int covered = 0;
      for (int sy = 0; sy < kSupersampling; ++sy)
        for (int sx = 0; sx < kSupersampling; ++sx)
          covered += inside(s, x + (sx + 0.5) / kSupersampling, y + (sy + 0.5) / kSupersampling);
      const double a = covered / double(kSupersampling * kSupersampling);
      std::uint8_t* p = img.at(x, y);
      for (int c = 0; c < 3; ++c) p[c] = static_cast<std::uint8_t>(std::lround(a * fg[c] + (1 - a) * bg[c]));
    }
  return img;
}

}  // namespace

std::string shapesFileStem(std::size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "shape-%05zu", index);
  return name;
}

const std::vector<PaletteColour>& shapesPalette() {
  static const std::vector<PaletteColour> palette{
      {"red", {220, 30, 30}},    {"green", {30, 170, 50}}, {"blue", {30, 60, 220}},
      {"yellow", {240, 220, 30}}, {"white", {245, 245, 245}}, {"black", {15, 15, 15}},
  };
  return palette;
}

const std::vector<std::string>& shapeNames() {
  static const std::vector<std::string> names{"circle", "square", "triangle"};
  return names;
}

std::string ShapeSpec::caption() const {
  return "a " + std::string(shapesPalette()[colour].name) + " " + shapeNames()[shape] + " on a " +
         shapesPalette()[background].name + " background";
}

const std::vector<ShapeSpec>& heldOutShapes() {
  // One combination per object colour, each with another shape and background, none of them a demo
  // prompt: every colour, shape and background is still seen, only these pairings are not.
  static const std::vector<ShapeSpec> heldOut = [] {
    std::vector<ShapeSpec> list;
    const std::size_t colours = shapesPalette().size(), shapes = shapeNames().size();
    for (std::size_t c = 0; c < colours; ++c) list.push_back({c, (c + 3) % colours, (c + 1) % shapes, 0, 0, 0});
    return list;
  }();
  return heldOut;
}

bool isHeldOut(const ShapeSpec& s) {
  for (const ShapeSpec& h : heldOutShapes())
    if (h.colour == s.colour && h.background == s.background && h.shape == s.shape) return true;
  return false;
}

std::vector<ShapeSpec> planShapes(const ShapesOptions& o) {
  const std::size_t colours = shapesPalette().size(), shapes = shapeNames().size();
  std::vector<ShapeSpec> combinations;
  for (std::size_t c = 0; c < colours; ++c)
    for (std::size_t b = 0; b < colours; ++b)
      if (b != c)
        for (std::size_t s = 0; s < shapes; ++s)
          if (!isHeldOut({c, b, s, 0, 0, 0})) combinations.push_back({c, b, s, 0, 0, 0});
  Rng rng = Rng::derive(o.seed, 0x5A4E5);
  std::vector<ShapeSpec> plan;
  plan.reserve(static_cast<std::size_t>(std::max(0, o.count)));
  while (plan.size() < static_cast<std::size_t>(std::max(0, o.count))) {
    std::vector<ShapeSpec> round = combinations;  // each combination once per round, in a fresh order
    rng.shuffle(round);
    for (ShapeSpec& s : round) {
      if (plan.size() == static_cast<std::size_t>(o.count)) break;
      // Near the centre, at a similar size: where the object is then follows from the prompt, so even
      // at high noise the text predicts the object's colour and outline. Anywhere in the image, the
      // object's colour was spread over every place it might be and taught the model little.
      const double size = o.size;
      s.radius = size * (0.25 + 0.08 * rng.uniform());
      s.centreX = size * (0.5 + 0.08 * (2 * rng.uniform() - 1));
      s.centreY = size * (0.5 + 0.08 * (2 * rng.uniform() - 1));
      plan.push_back(s);
    }
  }
  return plan;
}

ShapesResult generateShapesDataset(const ShapesOptions& o) {
  if (o.count < 1 || o.size < 8) throw std::invalid_argument("shapes dataset: count must be ≥ 1 and size ≥ 8");
  const fs::path folder(o.folder);
  const fs::path manifestFile = folder / "shapes.json";
  const std::string expected = manifest(o);
  std::error_code ec;
  if (fs::exists(manifestFile, ec)) {
    bool complete = false;
    try {
      complete = readFile(manifestFile.string()) == expected;
    } catch (const std::exception&) {
    }
    for (std::size_t i = 0; complete && i < static_cast<std::size_t>(o.count); ++i)
      complete = fs::exists(folder / (shapesFileStem(i) + ".png"), ec) &&
                 fs::exists(folder / (shapesFileStem(i) + ".txt"), ec);
    if (complete) return {0, true};
  }
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder))
    throw std::runtime_error("cannot create the shapes dataset folder " + o.folder + ": " +
                             (ec ? ec.message() : "a file of that name is in the way"));
  fs::remove(manifestFile, ec);  // the set is incomplete until the manifest is written again
  ShapesResult result;
  const std::vector<ShapeSpec> plan = planShapes(o);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const std::string stem = (folder / shapesFileStem(i)).string();
    image::writePng(stem + ".png", draw(plan[i], o.size));
    writeFileAtomically(stem + ".txt", plan[i].caption() + "\n");
    ++result.written;
  }
  writeFileAtomically(manifestFile.string(), expected);
  return result;
}

std::string nearestPaletteColour(int r, int g, int b) {
  const PaletteColour* best = nullptr;
  long bestDistance = 0;
  for (const PaletteColour& c : shapesPalette()) {
    const long dr = r - c.rgb[0], dg = g - c.rgb[1], db = b - c.rgb[2];
    const long d = dr * dr + dg * dg + db * db;
    if (!best || d < bestDistance) best = &c, bestDistance = d;
  }
  return best->name;
}

std::optional<ParsedCaption> parseShapesCaption(const std::string& caption) {
  std::istringstream in(caption);
  std::string a, colour, shape, on, a2, background, word;
  if (!(in >> a >> colour >> shape >> on >> a2 >> background >> word) || a != "a" || on != "on" || a2 != "a" ||
      word != "background" || (in >> word))
    return std::nullopt;
  auto known = [](const std::string& name) {
    for (const PaletteColour& c : shapesPalette())
      if (name == c.name) return true;
    return false;
  };
  if (!known(colour) || !known(background) ||
      std::find(shapeNames().begin(), shapeNames().end(), shape) == shapeNames().end())
    return std::nullopt;
  return ParsedCaption{colour, shape, background};
}

}  // namespace sds::data
