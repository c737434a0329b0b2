#include "about_dialog.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QTableWidget>
#include <QVBoxLayout>

#include "trainer_location.h"

namespace sds::widgets {

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("About SD Studio"));
  auto* layout = new QVBoxLayout(this);
  auto* heading = new QLabel(tr("<h2>SD Studio %1</h2><p>A training studio for Stable Diffusion: fine-tune SD 1.x, "
                                "SD 2.x and SDXL, in full or with LoRA, on every local GPU.</p>")
                                 .arg(QCoreApplication::applicationVersion()),
                             this);
  heading->setWordWrap(true);
  layout->addWidget(heading);

  table_ = new QTableWidget(0, 2, this);
  table_->setHorizontalHeaderLabels({tr("Component"), tr("Version")});
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  addRow(tr("Qt (running)"), QString::fromLatin1(qVersion()));
  addTrainerRows();
  table_->resizeColumnsToContents();
  layout->addWidget(table_, 1);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  resize(520, 420);
}

void AboutDialog::addRow(const QString& name, const QString& version) {
  const int row = table_->rowCount();
  table_->insertRow(row);
  table_->setItem(row, 0, new QTableWidgetItem(name));
  table_->setItem(row, 1, new QTableWidgetItem(version));
}

void AboutDialog::addTrainerRows() {
  const QString program = sdtrainPath();
  if (program.isEmpty()) {
    addRow(tr("Trainer"), tr("sdtrain was not found next to sdstudio or on the PATH"));
    return;
  }
  QProcess process;
  process.start(program, {"version", "--json"});
  if (!process.waitForFinished(20000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
    process.kill();
    addRow(tr("Trainer"), tr("%1 did not report its version: %2").arg(program, process.errorString()));
    return;
  }
  const QJsonDocument json = QJsonDocument::fromJson(process.readAllStandardOutput());
  for (const QJsonValue& entry : json.array()) {
    const QJsonObject component = entry.toObject();
    // Sentences and names from the engine are English source texts of context "Engine".
    addRow(QCoreApplication::translate("Engine", component.value("name").toString().toUtf8().constData()),
           QCoreApplication::translate("Engine", component.value("version").toString().toUtf8().constData()));
  }
}

}  // namespace sds::widgets
