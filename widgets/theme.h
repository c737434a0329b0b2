#pragma once
// The studio's colour themes: the desktop's own ("system"), or Fusion with a light or a dark palette
// for desktops whose theme Qt does not follow.

#include <QString>

namespace sds::widgets {

// "system", "light" or "dark"; false (and nothing changed) for another name.
bool applyTheme(const QString& name);

}  // namespace sds::widgets
