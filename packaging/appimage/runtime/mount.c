#define _GNU_SOURCE
#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <squashfuse/ll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void fill_operations(struct fuse_lowlevel_ops *ops) {
  memset(ops, 0, sizeof *ops);
  ops->getattr = sqfs_ll_op_getattr;
  ops->opendir = sqfs_ll_op_opendir;
  ops->releasedir = sqfs_ll_op_releasedir;
  ops->readdir = sqfs_ll_op_readdir;
  ops->lookup = sqfs_ll_op_lookup;
  ops->open = sqfs_ll_op_open;
  ops->create = sqfs_ll_op_create;
  ops->release = sqfs_ll_op_release;
  ops->read = sqfs_ll_op_read;
  ops->readlink = sqfs_ll_op_readlink;
  ops->listxattr = sqfs_ll_op_listxattr;
  ops->getxattr = sqfs_ll_op_getxattr;
  ops->forget = sqfs_ll_op_forget;
  ops->statfs = stfs_ll_op_statfs;
}

// The serving child: mount, report on the pipe (one byte, or the reason as text), serve until the
// launching process ends, unmount. Never returns.
static void serve(const char *image, off_t offset, const char *mountpoint, pid_t launcher, int report) {
  setsid();
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != launcher) _exit(0);  // the launcher ended before the signal was armed

  // libfuse and squashfuse print their own errors; the launcher says what it means instead.
  int null = open("/dev/null", O_WRONLY);
  if (null >= 0) dup2(null, STDERR_FILENO);

  sqfs_ll *ll = sqfs_ll_open(image, (size_t)offset);
  if (!ll) {
    dprintf(report, "the squashfs image inside %s cannot be opened", image);
    _exit(1);
  }
  char *arguments[] = {"sdstudio-appimage", "-o", "ro,nodev,nosuid,default_permissions", NULL};
  struct fuse_args args = FUSE_ARGS_INIT(3, arguments);
  struct fuse_lowlevel_ops ops;
  fill_operations(&ops);
  sqfs_ll_chan channel;
  if (sqfs_ll_mount(&channel, mountpoint, &args, &ops, sizeof ops, ll) != SQFS_OK) {
    dprintf(report, "FUSE could not mount it (is the fuse3 package installed and /dev/fuse usable?)");
    _exit(1);
  }
  fuse_set_signal_handlers(channel.session);  // SIGTERM, SIGHUP and SIGINT end the loop
  if (write(report, "1", 1) != 1) _exit(1);
  close(report);
  fuse_session_loop(channel.session);
  fuse_remove_signal_handlers(channel.session);
  sqfs_ll_unmount(&channel, mountpoint);
  rmdir(mountpoint);
  _exit(0);
}

pid_t mount_payload(const char *image, off_t offset, const char *mountpoint, char *error, size_t error_size) {
  int pipe_ends[2];
  if (pipe2(pipe_ends, O_CLOEXEC) != 0) {
    snprintf(error, error_size, "no pipe: %s", strerror(errno));
    return -1;
  }
  pid_t launcher = getpid();
  pid_t server = fork();
  if (server < 0) {
    snprintf(error, error_size, "cannot fork: %s", strerror(errno));
    return -1;
  }
  if (server == 0) {
    close(pipe_ends[0]);
    serve(image, offset, mountpoint, launcher, pipe_ends[1]);
  }
  close(pipe_ends[1]);
  char reply[512] = {0};
  ssize_t n = read(pipe_ends[0], reply, sizeof reply - 1);
  close(pipe_ends[0]);
  if (n == 1 && reply[0] == '1') return server;
  snprintf(error, error_size, "%s", n > 0 ? reply : "the FUSE server ended before mounting");
  waitpid(server, NULL, 0);
  return -1;
}
