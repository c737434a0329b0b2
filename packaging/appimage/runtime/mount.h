// Mounts the squashfs image appended to an AppImage with FUSE, served by a child process of its
// own session (so that Ctrl+C in the terminal reaches the application, not the file system).
#pragma once
#include <stdbool.h>
#include <sys/types.h>

// Mounts the image at mountpoint (an empty folder) and returns the serving process's pid once the
// mount answers, or -1 with the reason in error. The server unmounts, removes mountpoint and exits
// when the calling process ends (its parent-death signal) or on SIGTERM.
pid_t mount_payload(const char *image, off_t offset, const char *mountpoint, char *error, size_t error_size);
