#!/usr/bin/env bash
# CI's check of the Debian package: cpack makes it from this build into a temporary folder, and its
# contents must hold what a desktop needs (both programs, the desktop entry, metainfo, MIME type,
# icons, man pages), no library that a Debian package provides (those are dependencies), and a
# Depends line from dpkg-shlibdeps naming LibTorch and, with the studio, Qt.
#   deb-package.sh BUILD_DIR WITH_STUDIO(ON|OFF)       exits 77 where dpkg-deb or cpack is missing
set -euo pipefail
build=${1:?usage: deb-package.sh BUILD_DIR ON|OFF}
studio=${2:-ON}
for tool in dpkg-deb dpkg-shlibdeps cpack; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is missing (packaging/install-deps.sh installs it)"; exit 77; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
(cd "$build" && cpack -G DEB -B "$out" > "$out/cpack.log" 2>&1) || { cat "$out/cpack.log"; fail "cpack failed"; }
deb=$(ls "$out"/sdstudio_*.deb)
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' > "$out/contents"
expected=(/usr/bin/sdtrain /usr/share/man/man1/sdtrain.1.gz)
if [ "$studio" = ON ]; then
  expected+=(/usr/bin/sdstudio /usr/share/man/man1/sdstudio.1.gz
             /usr/share/applications/io.github.sdstudio.SDStudio.desktop
             /usr/share/metainfo/io.github.sdstudio.SDStudio.metainfo.xml
             /usr/share/mime/packages/sdstudio.xml
             /usr/share/icons/hicolor/scalable/apps/sdstudio.svg)
fi
for path in "${expected[@]}"; do grep -qx "$path" "$out/contents" || fail "the package lacks $path"; done
echo "deb: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB, $(grep -c '[^/]$' "$out/contents") files, among them ${expected[*]}"

# Privately carried libraries must be ones no installed package provides.
for library in $(grep '^/usr/lib/sdstudio/.' "$out/contents"); do
  name=$(basename "$library")
  if dpkg -S "*/$name" > /dev/null 2>&1; then fail "the package carries $name, which a Debian package provides"; fi
  echo "deb: carries privately $name (no Debian package provides it)"
done

depends=$(dpkg-deb -f "$deb" Depends)
[[ $depends == *libtorch* ]] || fail "Depends names no LibTorch: $depends"
if [ "$studio" = ON ]; then [[ $depends == *libqt6widgets6* ]] || fail "Depends names no Qt: $depends"; fi
[ "$(dpkg-deb -f "$deb" Package)" = sdstudio ] || fail "the package is not named sdstudio"
echo "deb: Depends: $depends"
echo "deb: all checks passed"
