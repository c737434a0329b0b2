#pragma once
// A page that says what it is for and what will appear on it, for parts of the studio that a later
// version fills (no fake controls).

#include <QWidget>

namespace sds::widgets {

class InfoPage : public QWidget {
  Q_OBJECT
 public:
  InfoPage(const QString& title, const QString& description, QWidget* parent = nullptr);
};

}  // namespace sds::widgets
