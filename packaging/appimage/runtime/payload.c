#include "payload.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int read_at(int fd, void *buffer, size_t size, off_t offset) {
  return pread(fd, buffer, size, offset) == (ssize_t)size ? 0 : -1;
}

static off_t max_off(off_t a, off_t b) { return a > b ? a : b; }

static off_t end_of_elf64(int fd, const Elf64_Ehdr *header) {
  off_t end = max_off((off_t)(header->e_shoff + (Elf64_Off)header->e_shentsize * header->e_shnum),
                      (off_t)(header->e_phoff + (Elf64_Off)header->e_phentsize * header->e_phnum));
  for (unsigned i = 0; i < header->e_shnum; ++i) {
    Elf64_Shdr section;
    if (read_at(fd, &section, sizeof section, (off_t)(header->e_shoff + (Elf64_Off)i * header->e_shentsize)) != 0)
      return -1;
    if (section.sh_type != SHT_NOBITS) end = max_off(end, (off_t)(section.sh_offset + section.sh_size));
  }
  return end;
}

static off_t end_of_elf32(int fd, const Elf32_Ehdr *header) {
  off_t end = max_off((off_t)header->e_shoff + (off_t)header->e_shentsize * header->e_shnum,
                      (off_t)header->e_phoff + (off_t)header->e_phentsize * header->e_phnum);
  for (unsigned i = 0; i < header->e_shnum; ++i) {
    Elf32_Shdr section;
    if (read_at(fd, &section, sizeof section, (off_t)header->e_shoff + (off_t)i * header->e_shentsize) != 0)
      return -1;
    if (section.sh_type != SHT_NOBITS) end = max_off(end, (off_t)section.sh_offset + section.sh_size);
  }
  return end;
}

off_t payload_offset(int fd, char *error, size_t error_size) {
  unsigned char ident[EI_NIDENT];
  if (read_at(fd, ident, sizeof ident, 0) != 0 || memcmp(ident, ELFMAG, SELFMAG) != 0) {
    snprintf(error, error_size, "the file does not begin with an ELF header");
    return -1;
  }
  if (ident[EI_DATA] != ELFDATA2LSB) {
    snprintf(error, error_size, "the ELF file is not little-endian");
    return -1;
  }
  off_t end = -1;
  if (ident[EI_CLASS] == ELFCLASS64) {
    Elf64_Ehdr header;
    if (read_at(fd, &header, sizeof header, 0) == 0) end = end_of_elf64(fd, &header);
  } else if (ident[EI_CLASS] == ELFCLASS32) {
    Elf32_Ehdr header;
    if (read_at(fd, &header, sizeof header, 0) == 0) end = end_of_elf32(fd, &header);
  }
  if (end <= 0) snprintf(error, error_size, "the ELF header or its section table cannot be read");
  return end;
}
