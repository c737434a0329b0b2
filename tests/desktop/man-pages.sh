#!/bin/sh
# The man pages are true to the programs: every command that `sdtrain --help` lists (and every
# subcommand under it) has its section in sdtrain.1, every option a command's --help lists is in its
# page, the same for sdstudio, and groff renders both without a warning. Skips (77) without groff.
# Usage: man-pages.sh MAN_FOLDER SDTRAIN [SDSTUDIO]
set -u
command -v groff >/dev/null || { echo "skipped: groff (groff-base) is not installed"; exit 77; }
man=$1 sdtrain=$2 sdstudio=${3:-}
failed=0

# The options a --help text lists (CLI11's "  --name" and "  -h,--help", Qt's "  -h, --help"), as
# the page writes them: each '-' as '\-'.
options() { sed -n 's/^  \(-[a-zA-Z?], *\)\{0,1\}\(--[a-z0-9-]*\).*/\2/p' | sed 's/-/\\-/g'; }
# The subcommands a CLI11 --help text lists.
subcommands() { sed -n '/^Subcommands:/,$s/^  \([a-z][a-z0-9-]*\) .*/\1/p'; }

need() {  # need PAGE TEXT WHAT
  if grep -qF -- "$2" "$1"; then :; else echo "$(basename "$1"): $3 is not described"; failed=1; fi
}

walk() {  # walk COMMAND...: the command's section and options, then its subcommands'
  help=$("$sdtrain" "$@" --help) || { echo "sdtrain $* --help failed"; failed=1; return; }
  subs=$(printf '%s\n' "$help" | subcommands)
  if [ -z "$subs" ]; then
    need "$man/sdtrain.1" ".SS sdtrain $(echo "$*" | sed 's/-/\\-/g')" "sdtrain $*"
    for o in $(printf '%s\n' "$help" | options); do need "$man/sdtrain.1" "$o" "sdtrain $* option $o"; done
  fi
  for s in $subs; do walk "$@" "$s"; done
}

for o in $("$sdtrain" --help | options); do need "$man/sdtrain.1" "$o" "sdtrain option $o"; done
for c in $("$sdtrain" --help | subcommands); do walk "$c"; done
pages=sdtrain.1
if [ -n "$sdstudio" ]; then
  for o in $("$sdstudio" --help | options); do need "$man/sdstudio.1" "$o" "sdstudio option $o"; done
  pages="$pages sdstudio.1"
fi
for p in $pages; do
  warnings=$(groff -man -Tutf8 -ww -z "$man/$p" 2>&1)
  [ -z "$warnings" ] || { echo "$p: $warnings"; failed=1; }
done
[ $failed -eq 0 ] && echo "man pages: every command and option described, no groff warning"
exit $failed
