// sdstudio: the SD Studio desktop application.

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

#include "main_window.h"
#include "translation.h"

int main(int argc, char** argv) {
  // Fractional scale factors (150 %, 175 %) as the system sets them, not rounded.
  QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
  QApplication app(argc, argv);
  QCoreApplication::setOrganizationName("SDStudio");
  QCoreApplication::setApplicationName("sdstudio");
  QCoreApplication::setApplicationVersion(SDS_VERSION);
  QGuiApplication::setApplicationDisplayName("SD Studio");
  QGuiApplication::setDesktopFileName("sdstudio");
  QApplication::setWindowIcon(QIcon(":/icons/sdstudio.svg"));

  QCommandLineParser parser;
  parser.setApplicationDescription("SD Studio: a training studio for Stable Diffusion.");
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption demo("demo", "Open the built-in demo project.");
  const QCommandLineOption language("language", "User interface language, for example de or en.", "code");
  parser.addOption(demo);
  parser.addOption(language);
  parser.addPositionalArgument("project", "A project file (.toml) to open.", "[project]");
  parser.process(app);

  sds::widgets::installTranslations(parser.value(language));

  sds::widgets::MainWindow window;
  window.show();
  const QStringList files = parser.positionalArguments();
  if (!files.isEmpty())
    window.openProject(files.first());
  else if (parser.isSet(demo))
    window.openDemoProject();
  return app.exec();
}
