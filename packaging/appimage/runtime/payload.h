// Where the squashfs image of an AppImage begins: right after the runtime's own ELF file, which
// ends with its section header table (or, in unusual layouts, its last section or program header).
#pragma once
#include <sys/types.h>

// The byte offset of the appended payload in the ELF file open at fd, or -1 with a message in
// error when the file is no ELF this runtime understands.
off_t payload_offset(int fd, char *error, size_t error_size);
