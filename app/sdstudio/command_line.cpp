#include "command_line.h"

#include <QCoreApplication>
#include <QList>
#include <tuple>
#include <cstdio>
#include <cstdlib>
#include <cstring>

void StudioOptions::addTo(QCommandLineParser& parser) const {
  parser.setApplicationDescription("SD Studio: a training studio for Stable Diffusion.");
  parser.addHelpOption();
  parser.addVersionOption();
  for (const QCommandLineOption* option : {&demo, &train, &language, &theme, &screenshots, &trainSeconds})
    parser.addOption(*option);
  parser.addPositionalArgument("path", "A project file (.toml) to open, or a folder of images to start a new project with.",
                               "[project.toml|folder]");
}

bool wantsTextOnly(int argc, char** argv) {
  // Only these: other arguments may be Qt's own (-platform, -style), which QApplication consumes.
  for (int i = 1; i < argc; ++i)
    for (const char* flag : {"-h", "--help", "-help", "--help-all", "-?", "-v", "--version", "-version"})
      if (std::strcmp(argv[i], flag) == 0) return true;
  return false;
}

int answerWithoutDisplay(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  QCoreApplication::setApplicationName("sdstudio");
  QCoreApplication::setApplicationVersion(SDS_VERSION);
  QCommandLineParser parser;
  StudioOptions().addTo(parser);
  parser.process(app);  // prints help, version or the error, and exits
  return 0;
}

namespace {

QtMessageHandler previousHandler = nullptr;
// Qt's own platform messages while the GUI starts: said after all only if the GUI does start.
QList<std::tuple<QtMsgType, QString, QString>> heldPlatformMessages;

void messageHandler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (type == QtFatalMsg && message.contains("platform plugin")) {
    const QByteArray display = qgetenv("DISPLAY"), wayland = qgetenv("WAYLAND_DISPLAY");
    const QString where = display.isEmpty() && wayland.isEmpty()
                              ? QStringLiteral("no display was found (DISPLAY and WAYLAND_DISPLAY are not set)")
                              : QStringLiteral("the display %1 could not be opened")
                                    .arg(QString::fromLocal8Bit(display.isEmpty() ? wayland : display));
    std::fprintf(stderr,
                 "sdstudio: the desktop window cannot start because %s; to train without a display, use "
                 "sdtrain (for example: sdtrain train my-run.toml, or sdtrain --help).\n",
                 qPrintable(where));
    std::fflush(stderr);
    std::_Exit(1);  // no core dump: nothing went wrong inside the program
  }
  const QString category = QString::fromLatin1(context.category ? context.category : "");
  if (category.startsWith("qt.qpa") && type != QtFatalMsg) {
    heldPlatformMessages.append({type, category, message});
    return;
  }
  if (previousHandler) previousHandler(type, context, message);
}

}  // namespace

void explainWhenTheGuiCannotStart() { previousHandler = qInstallMessageHandler(messageHandler); }

void guiStarted() {
  qInstallMessageHandler(previousHandler);
  for (const auto& [type, category, message] : heldPlatformMessages) {
    const QByteArray name = category.toLatin1();
    const QMessageLogContext context(nullptr, 0, nullptr, name.constData());
    qt_message_output(type, context, message);
  }
  heldPlatformMessages.clear();
}
