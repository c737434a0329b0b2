#define _GNU_SOURCE
#include "launch.h"

#include "extract.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *temporary_root(void) {
  const char *tmp = getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

static void set_environment(const char *appdir, const char *image, const char *argv0) {
  char cwd[PATH_MAX];
  setenv("APPIMAGE", image, 1);
  setenv("APPDIR", appdir, 1);
  setenv("ARGV0", argv0, 1);
  if (getcwd(cwd, sizeof cwd)) setenv("OWD", cwd, 1);
}

int exec_app(const char *appdir, const char *image, int argc, char **argv) {
  char app_run[PATH_MAX];
  snprintf(app_run, sizeof app_run, "%s/AppRun", appdir);
  set_environment(appdir, image, argv[0]);
  char **arguments = calloc((size_t)argc + 1, sizeof *arguments);
  if (!arguments) return 127;
  arguments[0] = app_run;
  for (int i = 1; i < argc; ++i) arguments[i] = argv[i];
  execv(app_run, arguments);
  fprintf(stderr, "%s: cannot start %s: %s\n", image, app_run, strerror(errno));
  return 127;
}

static pid_t running_child = -1;

// Signals that another process sends to the launcher go on to the application. Those the
// terminal sends (Ctrl+C, Ctrl+\) reach the application by its process group already.
static void pass_on(int signal_number, siginfo_t *info, void *context) {
  (void)context;
  if (running_child > 0 && info->si_code != SI_KERNEL) kill(running_child, signal_number);
}

static int remove_entry(const char *path, const struct stat *status, int flag, struct FTW *walk) {
  (void)status, (void)flag, (void)walk;
  remove(path);
  return 0;
}

int run_extracted(const char *image, off_t offset, int argc, char **argv) {
  char folder[PATH_MAX];
  snprintf(folder, sizeof folder, "%s/appimage_extracted_XXXXXX", temporary_root());
  if (!mkdtemp(folder)) {
    fprintf(stderr, "%s: cannot make a temporary folder in %s: %s\n", image, temporary_root(), strerror(errno));
    return 127;
  }
  if (extract_payload(image, offset, folder, NULL, false) != 0) {
    fprintf(stderr, "%s: cannot run: extracting it to %s failed\n", image, folder);
    nftw(folder, remove_entry, 32, FTW_DEPTH | FTW_PHYS);
    return 127;
  }
  struct sigaction forward = {0};
  forward.sa_sigaction = pass_on;
  forward.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&forward.sa_mask);
  const int passed[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  for (size_t i = 0; i < sizeof passed / sizeof passed[0]; ++i) sigaction(passed[i], &forward, NULL);

  running_child = fork();
  if (running_child == 0) {
    for (size_t i = 0; i < sizeof passed / sizeof passed[0]; ++i) signal(passed[i], SIG_DFL);
    _exit(exec_app(folder, image, argc, argv));
  }
  int status = 0;
  if (running_child < 0) {
    fprintf(stderr, "%s: cannot fork: %s\n", image, strerror(errno));
    status = 127 << 8;
  } else {
    while (waitpid(running_child, &status, 0) < 0 && errno == EINTR) {}
  }
  nftw(folder, remove_entry, 32, FTW_DEPTH | FTW_PHYS);
  if (WIFSIGNALED(status)) {
    signal(WTERMSIG(status), SIG_DFL);
    raise(WTERMSIG(status));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
