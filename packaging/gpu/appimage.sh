#!/bin/bash
# The CUDA AppImage on the GPU machine: packaging/appimage/build.sh makes it from the build against
# the CUDA LibTorch (the runtime built on Debian travels in .devdeps/appimage_runtime, mksquashfs and
# patchelf as Debian packages there), then, from the image with no library path set: `sdtrain
# version` finds the GPU, the tiny model trains 50 steps on it in bf16, and the SD 1.5 step at batch
# 32 is timed beside the build's own sdtrain. Prints the image's sizes and the figures.
#   packaging/gpu/appimage.sh BUILD DEPS        (check.sh appimage)
set -euo pipefail
build=${1:?usage: appimage.sh BUILD DEPS}
deps=${2:?usage: appimage.sh BUILD DEPS}
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
cat > tiny.toml <<'TOML'
[project]
name = "appimage-tiny"
[model]
init = "scratch"
architecture = "tiny"
[training]
max_steps = 50
batch_size = 8
device = "cuda"
precision = "bf16"
[dataset]
path = "data"
kind = "shapes"
shapes_count = 64
min_image_size = 32
[resolution]
size = 64
buckets = false
min_bucket_side = 64
max_bucket_side = 64
[checkpointing]
every_n_steps = 25
[sampling]
every_n_steps = 0
[output]
directory = "out"
TOML
start=$(date +%s)
from_image --log-level warn train tiny.toml > train.log 2>&1 || { tail -20 train.log; exit 1; }
echo "appimage: the tiny model trained 50 steps on the GPU from the image in $(( $(date +%s) - start )) s: $(ls out/checkpoints 2>/dev/null | tr '\n' ' ')"
bench=(--log-level warn bench --model sd15 --batch 32 --resolution 512 --precision bf16 --steps 10 --warmup 3 --json)
echo "appimage: SD 1.5 512 px batch 32 bf16, from the image:"
from_image "${bench[@]}"
echo "appimage: the same with the build's own sdtrain:"
"$build/bin/sdtrain" "${bench[@]}"
