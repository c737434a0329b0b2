#!/bin/bash
# Out of memory on the GPU on purpose: an SD 1.x-sized model from scratch at 512 px and batch 256 (about
# eight times what an 80 GB card holds). With cached latents the VAE runs out first, encoding a batch
# for the cache; without, the step does. Each run must end by itself, exit code 1, with the error
# event of its phase and its advice.
#   packaging/gpu/oom.sh SDTRAIN
set -uo pipefail
sdtrain=${1:?usage: oom.sh SDTRAIN}
work=${SDS_GPU_WORK:-/tmp/sds-gpu-work}/oom
rm -rf "$work" && mkdir -p "$work" && cd "$work"
cat > step.toml <<'TOML'
[project]
name = "oom-step"
[model]
init = "scratch"
architecture = "sd1"
[training]
max_steps = 2
batch_size = 256
device = "cuda"
precision = "bf16"
[dataset]
path = "data"
kind = "shapes"
shapes_count = 256
min_image_size = 32
[resolution]
size = 512
buckets = false
min_bucket_side = 512
max_bucket_side = 512
[sampling]
every_n_steps = 0
[output]
directory = "out"
TOML
sed -e 's/^\[dataset\]/[dataset]\ncache_latents = false/' -e 's/^directory = "out"/directory = "out-nocache"/' step.toml > nocache.toml
status=0
for case in step:caching nocache:step; do
  file=${case%%:*} phase=${case#*:}
  start=$(date +%s)
  timeout 480 "$sdtrain" --events jsonl train "$file.toml" > "$file.jsonl" 2> "$file.err"
  code=$?
  echo "$file.toml: exit code $code after $(( $(date +%s) - start )) s"
  grep '"event":"error"' "$file.jsonl" || { echo "no error event; last lines:"; tail -5 "$file.jsonl" "$file.err"; }
  case $phase in
    caching) expected='"message":"out of memory while caching latents (the VAE encoding 256 images of 512 px at a time)"' ;;
    step) expected='"message":"out of memory at step 1 (batch size 256 at 512 px)"' ;;
  esac
  grep -q "$expected" "$file.jsonl" && [ "$code" = 1 ] || { echo "FAILED: expected $expected"; status=1; }
done
exit $status
