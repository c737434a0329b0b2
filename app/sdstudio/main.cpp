// sdstudio: the SD Studio desktop application.

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>
#include <cstdio>

#include "main_window.h"
#include "screenshot_tour.h"
#include "theme.h"
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
  const QCommandLineOption theme("theme", "Colours: system (the desktop's), light or dark.", "name", "system");
  const QCommandLineOption screenshots(
      "screenshots", "Visit every page (training the project for a few seconds), save screenshots to a folder, quit.",
      "folder");
  const QCommandLineOption trainSeconds("screenshot-training-seconds",
                                        "How long --screenshots trains before the Training page's picture.", "s", "25");
  const QCommandLineOption train("train", "Start training the opened project right away.");
  parser.addOption(demo);
  parser.addOption(train);
  parser.addOption(language);
  parser.addOption(theme);
  parser.addOption(screenshots);
  parser.addOption(trainSeconds);
  parser.addPositionalArgument("project", "A project file (.toml) to open.", "[project]");
  parser.process(app);

  sds::widgets::installTranslations(parser.value(language));
  if (!sds::widgets::applyTheme(parser.value(theme))) {
    std::fprintf(stderr, "sdstudio: unknown theme \"%s\"; expected system, light or dark\n", qPrintable(parser.value(theme)));
    return 2;
  }

  sds::widgets::MainWindow window;
  window.show();
  const QStringList files = parser.positionalArguments();
  if (!files.isEmpty())
    window.openProject(files.first());
  else if (parser.isSet(demo))
    window.openDemoProject();
  if (parser.isSet(train)) QTimer::singleShot(0, &window, [&window] { window.startTraining(); });
  if (parser.isSet(screenshots)) {
    auto* tour = new ScreenshotTour(&window, parser.value(screenshots), parser.value(trainSeconds).toInt());
    tour->start();
  }
  return app.exec();
}
