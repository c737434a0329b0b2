#pragma once
// Reads an image of the demo's kind back: the background's colour (its border), the object's colour and
// its shape, so that the demo's samples can be judged against their prompts by rule rather than by eye.
// Torch-free.

#include <string>

#include "image/image_types.h"

namespace sds::data {

struct ShapesReading {
  std::string colour, background;  // nearest palette colours (shapes_dataset.h)
  std::string shape;               // circle, square, triangle; "none" when no object stands out
};

// The background is the median of the border pixels; the object is what differs from it by more than
// half the largest difference; its colour is the median of its clearest pixels. The shape follows from
// the object's rows: a triangle (apex up) widens downwards, a square fills its bounding box, a circle
// does neither.
ShapesReading readShapesImage(const image::Rgb8Image& image);

// How many of the three (object colour, background colour, shape) a reading gets right for a caption
// of the demo's form; -1 when the caption is not of that form.
int shapesAgreement(const ShapesReading& reading, const std::string& caption);

}  // namespace sds::data
