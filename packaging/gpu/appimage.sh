#!/bin/bash
# The CUDA AppImage on the GPU machine: packaging/appimage/build.sh makes it from the build against
# the CUDA LibTorch (the runtime built on Debian travels in .devdeps/appimage_runtime, mksquashfs and
# patchelf as Debian packages there), then, from the image with no library path set: `sdtrain
# version` finds the GPU, PROJECT (check.sh's tiny model in bf16) trains on it, and the SD 1.5 step
# at batch 32 is timed beside the build's own sdtrain. Prints the image's sizes and the figures.
#   packaging/gpu/appimage.sh BUILD DEPS PROJECT        (check.sh appimage)
set -euo pipefail
build=${1:?usage: appimage.sh BUILD DEPS PROJECT}
deps=${2:?usage: appimage.sh BUILD DEPS PROJECT}
project=$(readlink -f "${3:?usage: appimage.sh BUILD DEPS PROJECT}")
root=$(pwd)
work=${SDS_GPU_WORK:-/tmp/sds-gpu-work}/appimage
rm -rf "$work" && mkdir -p "$work"
export PATH="$deps/usr/bin:$deps/usr/sbin:$deps/sbin:$PATH"
export LD_LIBRARY_PATH="$deps/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"  # mksquashfs's liblzo2
cmake --build "$build" --target sds_desktop_files > /dev/null  # the man pages the install tree holds
start=$(date +%s)
APPIMAGE_RUNTIME=$root/.devdeps/appimage_runtime SDS_LIBRARY_PATH=${LD_LIBRARY_PATH:-} \
  "$root/packaging/appimage/build.sh" "$build" "$work"
image=$(ls "$work"/SD_Studio-*-x86_64.AppImage)
echo "appimage: made in $(( $(date +%s) - start )) s: $(du -m "$image" | cut -f1) MiB, $(du -sm "$work/AppDir" | cut -f1) MiB unpacked"
"$root/packaging/appimage/check.sh" "$image"
rm -rf "$work/AppDir"

from_image() { env -u LD_LIBRARY_PATH -u PYTHONPATH "$image" sdtrain "$@"; }
from_image version
cd "$work"
cp "$project" tiny.toml
start=$(date +%s)
from_image --log-level warn train tiny.toml > train.log 2>&1 || { tail -20 train.log; exit 1; }
echo "appimage: the tiny model trained on the GPU from the image in $(( $(date +%s) - start )) s: $(ls out-*/checkpoints 2>/dev/null | tr '\n' ' ')"
bench=(--log-level warn bench --model sd15 --batch 32 --resolution 512 --precision bf16 --steps 10 --warmup 3 --json)
echo "appimage: SD 1.5 512 px batch 32 bf16, from the image:"
from_image "${bench[@]}"
echo "appimage: the same with the build's own sdtrain:"
"$build/bin/sdtrain" "${bench[@]}"
