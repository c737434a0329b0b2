#!/usr/bin/env bash
# Checks an AppImage made by build.sh, as CI does:
#   packaging/appimage/check.sh SD_Studio-<version>-x86_64.AppImage
# the type 2 magic and the runtime's offset, extraction, no excluded library inside, every ELF
# inside resolving against the image's own libraries plus the excluded ones, the desktop entry
# valid with its icon, and the programs starting through FUSE (where it works here), by
# extraction, by a link named sdtrain and by name. Prints each check; exits 1 at the first failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=$(readlink -f "${1:?usage: check.sh APPIMAGE}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# shellcheck source=elf-needs.sh
source "$here/elf-needs.sh"

magic=$(od -An -c -j 8 -N 3 "$image" | tr -d ' ')
[ "$magic" = 'AI002' ] || fail "no AppImage type 2 magic at offset 8 (found '$magic')"
offset=$("$image" --appimage-offset)
is_elf "$image" || fail "the runtime is no ELF file"
[ "$(tail -c +"$((offset + 1))" "$image" | head -c 4)" = hsqs ] || fail "no squashfs at the offset $offset the runtime names"
echo "appimage: type 2 magic, runtime of $offset bytes, squashfs after it"

(cd "$work" && "$image" --appimage-extract > /dev/null) || fail "--appimage-extract failed"
root=$work/squashfs-root
for entry in AppRun usr/bin/sdtrain .DirIcon; do [ -e "$root/$entry" ] || fail "$entry is missing from the image"; done
echo "appimage: extracted $(find "$root" -type f | wc -l) files"

for library in "$root"/usr/lib/*; do
  is_excluded "$(basename "$library")" && fail "the image carries $(basename "$library"), which is on the exclusion list"
done
elves=0
while IFS= read -r -d '' file; do
  is_elf "$file" || continue
  elves=$((elves + 1))
  for name in $(needed_of "$file"); do
    [ -e "$root/usr/lib/$name" ] || is_excluded "$name" || fail "${file#"$root"/} needs $name, which is neither inside nor excluded"
  done
done < <(find "$root/usr" -type f -print0)
echo "appimage: all $elves ELF files inside resolve against usr/lib and the exclusion list"

desktop=$(find "$root" -maxdepth 1 -name '*.desktop' | head -1)
[ -n "$desktop" ] || fail "no desktop entry at the image's root"
if command -v desktop-file-validate > /dev/null; then
  desktop-file-validate "$desktop" || fail "the desktop entry is not valid"
fi
icon=$(sed -n 's/^Icon=//p' "$desktop" | head -1)
[ -e "$root/$icon.svg" ] || [ -e "$root/$icon.png" ] || fail "no icon $icon.svg or $icon.png at the image's root"
echo "appimage: desktop entry $(basename "$desktop") valid, icon $icon present"

version_line() { "$@" 2>/dev/null | head -1; }
output=$("$image" sdtrain --version 2>&1)
line=$(grep '^sdtrain ' <<< "$output" | head -1 || true)
[ -n "$line" ] || fail "'sdtrain --version' from the image said: $output"
if grep -q 'temporary copy' <<< "$output"; then
  echo "appimage: FUSE does not work here; the image extracted itself instead: $line"
else
  echo "appimage: mounted through FUSE: $line"
fi
line=$(APPIMAGE_EXTRACT_AND_RUN=1 version_line "$image" sdtrain --version)
[[ $line == "sdtrain "* ]] || fail "extracted, 'sdtrain --version' said: $line"
ln -s "$image" "$work/sdtrain"
line=$(APPIMAGE_EXTRACT_AND_RUN=1 version_line "$work/sdtrain" --version)
[[ $line == "sdtrain "* ]] || fail "through a link named sdtrain, '--version' said: $line"
echo "appimage: extracted and through a link named sdtrain: $line"
if [ -x "$root/usr/bin/sdstudio" ]; then
  line=$(QT_QPA_PLATFORM=offscreen APPIMAGE_EXTRACT_AND_RUN=1 version_line "$image" --version)
  [[ $line == *[0-9].[0-9]* ]] || fail "'sdstudio --version' from the image said: $line"
  echo "appimage: the studio by default: $line"
fi
echo "appimage: all checks passed"
