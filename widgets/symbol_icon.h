#pragma once
// Icons drawn as simple symbols in the palette's text colour at the moment they are painted, so they
// read on light and dark themes alike and follow a theme change (the style's standard icons are
// black bitmaps on some styles, invisible on a dark sidebar). Vector-drawn: sharp at any scale.

#include <QIcon>

namespace sds::widgets {

enum class Symbol {
  Project, Dataset, Training, Samples, Swarm,  // the sections
  Start, Pause, Stop, Save, Sample,            // the trainer's buttons
};

QIcon symbolIcon(Symbol symbol);

}  // namespace sds::widgets
