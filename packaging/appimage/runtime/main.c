// The runtime at the head of SD Studio's AppImage (type 2: this ELF program, the bytes "AI\2" at
// offset 8, then a squashfs image of the application folder). It mounts the image with FUSE and
// runs its AppRun; where FUSE is missing it extracts the image to a temporary folder instead.
#define _GNU_SOURCE
#include "extract.h"
#include "launch.h"
#include "mount.h"
#include "payload.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

// The sections the AppImage format reserves for update information and a signature; this image
// carries neither, so they stay zero-filled for tools that look for them.
__attribute__((section(".upd_info"), used)) static char update_information[1024];
__attribute__((section(".sha256_sig"), used)) static char signature[1024];
__attribute__((section(".sig_key"), used)) static char signature_key[8192];

static const char help[] =
    "Options of the AppImage itself (all others go to the application):\n"
    "  --appimage-extract [PATTERN]  copy the image (or the paths matching PATTERN) into ./squashfs-root\n"
    "  --appimage-extract-and-run …  run from a temporary copy instead of mounting with FUSE\n"
    "                                (also with APPIMAGE_EXTRACT_AND_RUN=1)\n"
    "  --appimage-mount              mount the image, print where, and wait for Ctrl+C\n"
    "  --appimage-offset             print the byte offset at which the image begins\n"
    "  --appimage-help               this text\n";

static int mount_and_wait(const char *image, off_t offset, const char *mountpoint) {
  char error[512];
  pid_t server = mount_payload(image, offset, mountpoint, error, sizeof error);
  if (server < 0) {
    fprintf(stderr, "%s: %s\n", image, error);
    rmdir(mountpoint);
    return 1;
  }
  printf("%s\n", mountpoint);
  fflush(stdout);
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGINT);
  sigaddset(&wanted, SIGTERM);
  sigaddset(&wanted, SIGHUP);
  sigprocmask(SIG_BLOCK, &wanted, NULL);
  int received = 0;
  sigwait(&wanted, &received);
  kill(server, SIGTERM);
  waitpid(server, NULL, 0);
  return 0;
}

// A new empty folder $TMPDIR/.mount_<name>XXXXXX for the image, or false.
static bool make_mountpoint(const char *image, char *mountpoint, size_t size) {
  char copy[PATH_MAX];
  snprintf(copy, sizeof copy, "%s", image);
  snprintf(mountpoint, size, "%s/.mount_%.8sXXXXXX", temporary_root(), basename(copy));
  return mkdtemp(mountpoint) != NULL;
}

int main(int argc, char **argv) {
  char image[PATH_MAX];
  ssize_t length = readlink("/proc/self/exe", image, sizeof image - 1);
  if (length <= 0) {
    fprintf(stderr, "cannot find this program's own file: %s\n", strerror(errno));
    return 127;
  }
  image[length] = '\0';
  int fd = open(image, O_RDONLY | O_CLOEXEC);
  char error[512];
  off_t offset = fd < 0 ? -1 : payload_offset(fd, error, sizeof error);
  if (fd >= 0) close(fd);
  if (offset < 0) {
    fprintf(stderr, "%s: %s\n", image, fd < 0 ? strerror(errno) : error);
    return 127;
  }

  const char *option = argc > 1 ? argv[1] : "";
  if (strncmp(option, "--appimage-", 11) == 0) {
    if (strcmp(option, "--appimage-offset") == 0) {
      printf("%lld\n", (long long)offset);
      return 0;
    }
    if (strcmp(option, "--appimage-extract") == 0)
      return extract_payload(image, offset, "squashfs-root", argc > 2 ? argv[2] : NULL, true) == 0 ? 0 : 1;
    if (strcmp(option, "--appimage-extract-and-run") == 0) {
      argv[1] = argv[0];
      return run_extracted(image, offset, argc - 1, argv + 1);
    }
    if (strcmp(option, "--appimage-help") == 0) {
      fputs(help, stdout);
      return 0;
    }
    char mountpoint[PATH_MAX];
    if (strcmp(option, "--appimage-mount") == 0)
      return make_mountpoint(image, mountpoint, sizeof mountpoint) ? mount_and_wait(image, offset, mountpoint) : 1;
    fprintf(stderr, "%s: unknown option %s\n%s", image, option, help);
    return 2;
  }

  const char *extract_and_run = getenv("APPIMAGE_EXTRACT_AND_RUN");
  if (extract_and_run && strcmp(extract_and_run, "1") == 0) return run_extracted(image, offset, argc, argv);

  char mountpoint[PATH_MAX];
  if (!make_mountpoint(image, mountpoint, sizeof mountpoint)) {
    fprintf(stderr, "%s: cannot make a folder to mount the image in: %s\n", image, strerror(errno));
    return run_extracted(image, offset, argc, argv);
  }
  if (mount_payload(image, offset, mountpoint, error, sizeof error) < 0) {
    rmdir(mountpoint);
    fprintf(stderr, "%s: %s; running from a temporary copy instead (APPIMAGE_EXTRACT_AND_RUN=1 skips the attempt)\n",
            image, error);
    return run_extracted(image, offset, argc, argv);
  }
  return exec_app(mountpoint, image, argc, argv);
}
