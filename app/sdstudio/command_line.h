#pragma once
// sdstudio's command line. --help and --version are answered before any display is opened (they
// work over SSH), and a GUI that cannot start is explained in one sentence instead of Qt's abort.

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QStringList>

struct StudioOptions {
  QCommandLineOption demo{"demo", "Open the built-in demo project."};
  QCommandLineOption train{"train", "Start training the opened project right away."};
  QCommandLineOption language{"language", "User interface language, for example de or en.", "code"};
  QCommandLineOption theme{"theme", "Colours: system (the desktop's), light or dark.", "name", "system"};
  QCommandLineOption screenshots{
      "screenshots", "Visit every page (training the project for a few seconds), save screenshots to a folder, quit.",
      "folder"};
  QCommandLineOption trainSeconds{"screenshot-training-seconds",
                                  "How long --screenshots trains before the Training page's picture.", "s", "25"};

  // Adds the options, --help, --version and the positional project file to `parser`.
  void addTo(QCommandLineParser& parser) const;
};

// True when the arguments ask for text only: --help, --help-all, -h, -?, --version, -v.
bool wantsTextOnly(int argc, char** argv);

// Answers --help and --version with a QCoreApplication (no display); returns the exit code.
int answerWithoutDisplay(int argc, char** argv);

// Makes Qt's fatal "could not load the Qt platform plugin" (no display, a display that cannot be
// reached) end the program with one plain sentence that points to sdtrain, instead of an abort.
// Qt's platform warnings on the way there are held back, and passed on by guiStarted() once the
// QApplication exists.
void explainWhenTheGuiCannotStart();
void guiStarted();
