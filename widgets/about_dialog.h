#pragma once
// About SD Studio: the version, and the versions of the libraries the studio and its trainer use
// (the trainer is asked with `sdtrain version --json`, since the GUI process holds no torch).

#include <QDialog>

class QTableWidget;

namespace sds::widgets {

class AboutDialog : public QDialog {
  Q_OBJECT
 public:
  explicit AboutDialog(QWidget* parent = nullptr);

  QTableWidget* table() const { return table_; }

 private:
  void addRow(const QString& name, const QString& version);
  void addTrainerRows();

  QTableWidget* table_ = nullptr;
};

}  // namespace sds::widgets
