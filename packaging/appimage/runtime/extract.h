// Copies the squashfs image appended to an AppImage into a folder, as `--appimage-extract` and
// the run without FUSE need it: folders, files with their permissions, and symbolic links.
#pragma once
#include <stdbool.h>
#include <sys/types.h>

// Extracts the image in the file image from byte offset into target (made when missing). With a
// pattern (fnmatch, as `--appimage-extract 'usr/bin/*'`), only the entries whose path inside the
// image matches, and the folders that lead to them. Lists each path on stdout when verbose.
// Returns 0, or -1 after saying on stderr which entry could not be written and why.
int extract_payload(const char *image, off_t offset, const char *target, const char *pattern, bool verbose);
