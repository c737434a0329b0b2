// sdstudio: the SD Studio desktop application.

#include <QApplication>
#include <QIcon>
#include <QTimer>
#include <cstdio>

#include "command_line.h"
#include "main_window.h"
#include "screenshot_tour.h"
#include "theme.h"
#include "translation.h"

int main(int argc, char** argv) {
  if (wantsTextOnly(argc, argv)) return answerWithoutDisplay(argc, argv);
  explainWhenTheGuiCannotStart();
  // Fractional scale factors (150 %, 175 %) as the system sets them, not rounded.
  QGuiApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
  QApplication app(argc, argv);
  guiStarted();
  QCoreApplication::setOrganizationName("SDStudio");
  QCoreApplication::setApplicationName("sdstudio");
  QCoreApplication::setApplicationVersion(SDS_VERSION);
  QGuiApplication::setApplicationDisplayName("SD Studio");
  QGuiApplication::setDesktopFileName("io.github.sdstudio.SDStudio");
  QApplication::setWindowIcon(QIcon(":/icons/sdstudio.svg"));

  QCommandLineParser parser;
  const StudioOptions options;
  options.addTo(parser);
  parser.process(app);

  sds::widgets::installTranslations(parser.value(options.language));
  if (!sds::widgets::applyTheme(parser.value(options.theme))) {
    std::fprintf(stderr, "sdstudio: unknown theme \"%s\"; expected system, light or dark\n",
                 qPrintable(parser.value(options.theme)));
    return 2;
  }

  sds::widgets::MainWindow window;
  window.show();
  const QStringList files = parser.positionalArguments();
  if (!files.isEmpty())
    window.openPath(files.first());
  else if (parser.isSet(options.demo))
    window.openDemoProject();
  if (parser.isSet(options.train)) QTimer::singleShot(0, &window, [&window] { window.startTraining(); });
  if (parser.isSet(options.screenshots)) {
    auto* tour = new ScreenshotTour(&window, parser.value(options.screenshots),
                                    parser.value(options.trainSeconds).toInt());
    tour->start();
  }
  return app.exec();
}
