#!/bin/sh
# The desktop entry passes desktop-file-validate without a single message: its hints (such as two
# main categories, which put the program in two menus) count as problems too. Skips (77) where
# desktop-file-utils is not installed.
command -v desktop-file-validate >/dev/null || { echo "skipped: desktop-file-validate (desktop-file-utils) is not installed"; exit 77; }
out=$(desktop-file-validate "$1" 2>&1)
status=$?
[ -n "$out" ] && echo "$out"
[ $status -eq 0 ] && [ -z "$out" ] && echo "$1: valid"
[ $status -eq 0 ] && [ -z "$out" ]
