# Sourced by build.sh, check.sh and packaging/test-fresh-system.sh: the exclusion list and what an ELF
# file needs.
excluded_libraries_file=$(dirname "${BASH_SOURCE[0]}")/excluded-libraries
mapfile -t excluded < <(grep -v '^\s*\(#\|$\)' "$excluded_libraries_file")

# Whether a soname is one the AppImage leaves to the system.
is_excluded() {
  local pattern
  for pattern in "${excluded[@]}"; do
    # shellcheck disable=SC2053  # a glob on purpose
    [[ $1 == $pattern ]] && return 0
  done
  return 1
}

# Whether a file is an ELF object (by its first four bytes).
is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

# The sonames an ELF file names in DT_NEEDED, one a line.
needed_of() { objdump -p "$1" 2>/dev/null | awk '$1 == "NEEDED" { print $2 }'; }
