#!/usr/bin/env bash
# CI's check of the AppImage: packaging/appimage/build.sh makes it from this build (a quick zstd
# level, the contents are what matter here) into a temporary folder and packaging/appimage/check.sh
# checks it. Exits 77 (saying why) where the tools or the runtime are missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:?}
[ -x "$build/packaging/appimage_runtime" ] || { echo "SKIP: the AppImage runtime was not built (libsquashfuse-dev/libfuse3-dev missing)"; exit 77; }
for tool in mksquashfs patchelf objdump; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is missing (packaging/install-deps.sh installs it)"; exit 77; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
SQUASHFS_LEVEL=3 "$root/packaging/appimage/build.sh" "$build" "$out"
"$root/packaging/appimage/check.sh" "$out"/SD_Studio-*-x86_64.AppImage
