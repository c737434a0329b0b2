// Starts the application inside an AppImage: its AppRun, with the environment AppImages define
// (APPIMAGE, APPDIR, ARGV0, OWD), from a mounted image or from a temporary extraction.
#pragma once
#include <sys/types.h>

// Where temporary folders go: $TMPDIR, or /tmp when it is unset or empty.
const char *temporary_root(void);

// Replaces this process with appdir/AppRun, giving it argv[1..]. Returns only when exec fails
// (after saying so), with the exit status to use.
int exec_app(const char *appdir, const char *image, int argc, char **argv);

// Extracts the image into a new temporary folder, runs AppRun there as a child (signals sent to
// this process by another are passed on), removes the folder and returns the child's exit status
// (or re-raises the signal that ended it).
int run_extracted(const char *image, off_t offset, int argc, char **argv);
