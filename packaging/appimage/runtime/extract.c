#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <squashfuse/squashfuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// Makes every folder of path (relative to target) that is missing, like mkdir -p.
static int make_parents(const char *path) {
  char copy[PATH_MAX];
  snprintf(copy, sizeof copy, "%s", path);
  for (char *slash = strchr(copy + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    if (mkdir(copy, 0755) != 0 && errno != EEXIST) return -1;
    *slash = '/';
  }
  return 0;
}

static int write_file(sqfs *fs, sqfs_inode *inode, const char *destination) {
  unlink(destination);  // an earlier extraction may have left it read-only
  int out = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) return -1;
  static char buffer[1 << 20];
  off_t size = (off_t)inode->xtra.reg.file_size;
  for (off_t done = 0; done < size;) {
    sqfs_off_t chunk = size - done < (off_t)sizeof buffer ? size - done : (off_t)sizeof buffer;
    if (sqfs_read_range(fs, inode, done, &chunk, buffer) != SQFS_OK || chunk <= 0) {
      errno = EIO;
      close(out);
      return -1;
    }
    for (sqfs_off_t written = 0; written < chunk;) {
      ssize_t n = write(out, buffer + written, (size_t)(chunk - written));
      if (n < 0) {
        if (errno == EINTR) continue;
        close(out);
        return -1;
      }
      written += n;
    }
    done += chunk;
  }
  if (fchmod(out, inode->base.mode & 07777) != 0 || close(out) != 0) return -1;
  return 0;
}

static int write_link(sqfs *fs, sqfs_inode *inode, const char *destination) {
  char target[PATH_MAX];
  size_t size = sizeof target;
  if (sqfs_readlink(fs, inode, target, &size) != SQFS_OK) {
    errno = EIO;
    return -1;
  }
  unlink(destination);
  return symlink(target, destination);
}

// A name inside the image that would leave the target folder is refused, whoever made the image.
static bool path_is_safe(const char *path) {
  if (path[0] == '/') return false;
  for (const char *part = path; part; part = strchr(part, '/')) {
    if (*part == '/') ++part;
    if (strncmp(part, "..", 2) == 0 && (part[2] == '/' || part[2] == '\0')) return false;
  }
  return true;
}

static bool wanted(const char *path, const char *pattern) {
  return !pattern || fnmatch(pattern, path, 0) == 0;
}

int extract_payload(const char *image, off_t offset, const char *target, const char *pattern, bool verbose) {
  sqfs fs;
  if (sqfs_open_image(&fs, image, (size_t)offset) != SQFS_OK) {
    fprintf(stderr, "%s: the squashfs image at byte %lld cannot be read (a damaged or incomplete file?)\n", image,
            (long long)offset);
    return -1;
  }
  if (mkdir(target, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr, "cannot make %s: %s\n", target, strerror(errno));
    sqfs_destroy(&fs);
    return -1;
  }
  sqfs_traverse traversal;
  int result = 0;
  if (sqfs_traverse_open(&traversal, &fs, sqfs_inode_root(&fs)) != SQFS_OK) {
    fprintf(stderr, "%s: the image's root folder cannot be read\n", image);
    sqfs_destroy(&fs);
    return -1;
  }
  sqfs_err error = SQFS_OK;
  while (result == 0 && sqfs_traverse_next(&traversal, &error)) {
    if (traversal.dir_end) continue;
    const char *path = traversal.path;
    if (!path_is_safe(path)) {
      fprintf(stderr, "%s: refused the entry %s, which leads outside the folder\n", image, path);
      result = -1;
      break;
    }
    sqfs_inode inode;
    if (sqfs_inode_get(&fs, &inode, traversal.entry.inode) != SQFS_OK) {
      fprintf(stderr, "%s: the entry %s cannot be read\n", image, path);
      result = -1;
      break;
    }
    if (!wanted(path, pattern)) continue;
    char destination[PATH_MAX];
    if (snprintf(destination, sizeof destination, "%s/%s", target, path) >= (int)sizeof destination) {
      fprintf(stderr, "%s: the path %s is too long here\n", image, path);
      result = -1;
      break;
    }
    int status = make_parents(destination);
    if (status == 0) {
      if (S_ISDIR(inode.base.mode))
        status = (mkdir(destination, 0755) == 0 || errno == EEXIST) ? chmod(destination, (inode.base.mode & 07777) | S_IRWXU) : -1;
      else if (S_ISREG(inode.base.mode))
        status = write_file(&fs, &inode, destination);
      else if (S_ISLNK(inode.base.mode))
        status = write_link(&fs, &inode, destination);
      else
        continue;  // devices, pipes and sockets have no place in an application image
    }
    if (status != 0) {
      fprintf(stderr, "cannot write %s: %s\n", destination, strerror(errno));
      result = -1;
    } else if (verbose) {
      printf("%s\n", destination);
    }
  }
  if (result == 0 && error != SQFS_OK) {
    fprintf(stderr, "%s: the image is damaged (its folder tree cannot be read to the end)\n", image);
    result = -1;
  }
  sqfs_traverse_close(&traversal);
  sqfs_destroy(&fs);
  return result;
}
