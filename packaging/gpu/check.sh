#!/bin/bash
# Builds sdtrain on a CUDA machine against its Python torch package's LibTorch, checks our CUDA
# kernels against their reference paths (kernel_checks), and checks training on the GPU: a tiny model
# trained from scratch in fp32, bf16 and fp16 (dynamic loss scaling), resumed, and used for
# generation; then the training-step benchmarks (packaging/gpu/bench.sh). Prints the
# summary tables last; with the fixtures in .gpu-fixtures/, also the parity of `sdtrain generate` with
# diffusers' golden images in fp32, bf16 and fp16 (packaging/gpu/parity.py). `check.sh kernels`,
# `check.sh train`, `check.sh parity`, `check.sh bench [quick|scopes|geglu|groupnorm]` or `check.sh sampling` (the denoising loop's time per step,
# packaging/gpu/sampling.sh) or `check.sh presets` (the memory of
# every preset's step, packaging/gpu/presets.sh) or
# `check.sh swarm` (two swarm peers on the GPU, packaging/gpu/swarm.sh) or `check.sh oom` (a step that
# cannot fit ends with the out-of-memory event, packaging/gpu/oom.sh) or `check.sh appimage` (the
# CUDA AppImage made and run on the GPU, packaging/gpu/appimage.sh) or `check.sh interop` (our files in diffusers, PEFT and transformers and theirs in sdtrain,
# packaging/gpu/interop.py) or `check.sh distributed` (data-parallel training over NCCL: one rank
# through torchrun's variables beside the plain run, the distributed path's overhead in `sdtrain
# bench --gpus`, and several GPUs where there are) runs one part after the build; `check.sh build`
# only builds.
#
# Run from the repository root with .devdeps/ beside it: Debian -dev packages (and their runtime
# libraries) fetched with `apt-get download` on a Debian 12 machine (see docs/development.md), since
# the GPU machine has no package registry.
set -euo pipefail
part=${1:-all}
root=$(pwd)
deps=/tmp/sds-deps
build=${SDS_GPU_BUILD:-$root/build-gpu}
work=${SDS_GPU_WORK:-/tmp/sds-gpu-work}

mkdir -p "$deps" && for f in .devdeps/*.deb; do dpkg -x "$f" "$deps"; done
torch_prefix=$(python3 -c "import torch; print(torch.utils.cmake_prefix_path)")
nccl_dir=$(python3 -c "import nvidia.nccl; print(list(nvidia.nccl.__path__)[0])" 2>/dev/null || true)
nccl_args=()
if [ -n "$nccl_dir" ]; then
  nccl_args=(-DNCCL_INCLUDE_DIR="$nccl_dir/include" -DNCCL_LIBRARY="$(ls "$nccl_dir"/lib/libnccl.so* | head -1)")
fi
# Our kernels for this machine's GPU (compute capability 9.0 → 90), or Hopper when none answers.
cuda_arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .' || true)
cuda_arch=${cuda_arch:-90}
# The swarm where its packages came in .devdeps (OpenDHT, libsodium, asio and what they need).
swarm=OFF
[ -f "$deps/usr/include/opendht.h" ] && [ -f "$deps/usr/include/sodium.h" ] && swarm=ON
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSDS_BUILD_GUI=OFF -DSDS_BUILD_TESTS=OFF -DSDS_WITH_SWARM=$swarm \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$deps/usr;$deps/usr/lib/x86_64-linux-gnu/cmake" \
  -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,$deps/usr/lib/x86_64-linux-gnu" \
  -DCMAKE_CUDA_ARCHITECTURES="$cuda_arch" "${nccl_args[@]}" > "$build.configure.log" 2>&1 || { tail -30 "$build.configure.log"; exit 1; }
start=$(date +%s)
cmake --build "$build" --target sdtrain kernel_checks --parallel "$(nproc)" > "$build.build.log" 2>&1 || { grep -E 'error|Error' "$build.build.log" | head -40; exit 1; }
build_s=$(( $(date +%s) - start ))
export LD_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
sdtrain="$build/bin/sdtrain"
"$sdtrain" version

# A project: the tiny architecture from scratch on generated shapes, on the GPU.
project() {  # precision steps optimizer
  cat <<TOML
[project]
name = "tiny-$1"
[model]
init = "scratch"
architecture = "tiny"
[training]
max_steps = $2
batch_size = 16
seed = 3
device = "cuda"
precision = "$1"
train_text_encoder = true
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
[optimizer]
type = "$3"
learning_rate = 0.001
[ema]
enabled = true
[checkpointing]
every_n_steps = 20
[sampling]
every_n_steps = 0
prompts = ["a red circle on a blue background"]
steps = 10
sampler = "ddim"
[validation]
split = 0.1
every_n_steps = 20
[output]
directory = "out-$1"
model_format = "both"
save_precision = "$1"
TOML
}

[ "$part" = build ] && exit 0
# Our CUDA kernels against their reference paths (tests/gpu/kernel_checks.cpp).
if [ "$part" = all ] || [ "$part" = kernels ]; then
  "$build/bin/kernel_checks" || exit 1
  [ "$part" = kernels ] && exit 0
fi
# Two swarm peers sharing the GPU beside one process alone (packaging/gpu/swarm.sh).
if [ "$part" = swarm ]; then
  [ "$swarm" = ON ] || { echo "check.sh swarm: the swarm's packages are not in .devdeps (docs/development.md)"; exit 1; }
  "$root/packaging/gpu/swarm.sh" "$sdtrain"
  exit $?
fi
# A step that cannot fit the GPU must end with the out-of-memory error event (packaging/gpu/oom.sh).
if [ "$part" = oom ]; then
  "$root/packaging/gpu/oom.sh" "$sdtrain"
  exit $?
fi
# The CUDA AppImage, made here and run on the GPU (packaging/gpu/appimage.sh).
if [ "$part" = appimage ]; then
  mkdir -p "$work" && project bf16 40 adamw > "$work/appimage-tiny.toml"
  "$root/packaging/gpu/appimage.sh" "$build" "$deps" "$work/appimage-tiny.toml"
  exit $?
fi
if [ "$part" = presets ]; then
  "$root/packaging/gpu/presets.sh" "$sdtrain"
  exit $?
fi
if [ "$part" = sampling ]; then
  "$root/packaging/gpu/sampling.sh" "$sdtrain" "${SDS_TRACE_DIR:-$work}"
  exit $?
fi
if [ "$part" = bench ]; then
  "$root/packaging/gpu/bench.sh" "$sdtrain" "${2:-all}"
  exit 0
fi
# The reference fixtures travel in the git-ignored .gpu-fixtures/ (tiny-sd15, tiny-sdxl, golden/).
fixtures=${SDS_FIXTURES_DIR:-$root/.gpu-fixtures}
if [ "$part" = parity ]; then
  python3 "$root/packaging/gpu/parity.py" "$sdtrain" "$fixtures"
  exit $?
fi
# Our files in diffusers/PEFT and theirs in sdtrain (packaging/gpu/interop.py); needs those packages.
if [ "$part" = interop ]; then
  if ! python3 -c "import diffusers, transformers, peft" 2>/dev/null; then
    echo "check.sh interop: diffusers, transformers and peft must be importable by python3 here"; exit 1
  fi
  python3 "$root/packaging/gpu/interop.py" "$sdtrain" "$fixtures"
  exit $?
fi

if [ "$part" = distributed ]; then
  rm -rf "$work" && mkdir -p "$work" && cd "$work"
  gpus=$(nvidia-smi --list-gpus | wc -l)
  project bf16 40 adamw > bf16.toml
  sed 's/out-bf16/out-nccl1/' bf16.toml > nccl1.toml
  "$sdtrain" --events jsonl train bf16.toml > plain.jsonl
  # One rank through NCCL, as torchrun would start it.
  RANK=0 WORLD_SIZE=1 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=29561 \
    "$sdtrain" --events jsonl train nccl1.toml > nccl1.jsonl
  grep -ho 'rank 0 of 1[^"]*' nccl1.jsonl | head -1 || true
  runs=(plain.jsonl nccl1.jsonl)
  if [ "$gpus" -ge 2 ]; then
    sed 's/out-bf16/out-gpus2/; s/batch_size = 16/batch_size = 8/' bf16.toml > gpus2.toml
    "$sdtrain" --events jsonl train gpus2.toml --gpus 2 > gpus2.jsonl
    runs+=(gpus2.jsonl)
  fi
  python3 - "${runs[@]}" <<'PY'
import json, sys
print("| run | first loss | last loss | images/s | checkpoints | errors |")
print("|---|---|---|---|---|---|")
for f in sys.argv[1:]:
    events = [json.loads(l) for l in open(f)]
    steps = [e for e in events if e["event"] == "step"]
    print(f"| {f[:-6]} | {steps[0]['loss']:.6f} | {steps[-1]['loss']:.6f} | {steps[-1]['images_per_s']:.1f} | "
          f"{sum(e['event'] == 'checkpoint' for e in events)} | {sum(e['event'] == 'error' for e in events)} |")
PY
  for args in "--model sd15 --batch 32" "--model sd15 --batch 1 --checkpointing"; do
    # shellcheck disable=SC2086
    "$sdtrain" bench $args --gpus "$gpus"
  done
  exit 0
fi

rm -rf "$work" && mkdir -p "$work"
summary=()
for precision in fp32 bf16 fp16; do
  # 32-bit AdamW (the fused kernel) in fp32 and bf16, 8-bit AdamW in fp16.
  optimizer=adamw
  [ "$precision" = fp16 ] && optimizer=adamw8bit
  project "$precision" 40 "$optimizer" > "$work/$precision.toml"
  t0=$(date +%s.%N)
  "$sdtrain" --events jsonl train "$work/$precision.toml" --max-steps 20 > "$work/$precision-1.jsonl"
  "$sdtrain" --events jsonl train "$work/$precision.toml" --resume latest > "$work/$precision-2.jsonl"
  t1=$(date +%s.%N)
  "$sdtrain" generate --model "$work/out-$precision/model" --device cuda --dtype "$precision" \
    --prompt "a red circle on a blue background" --steps 10 --seed 1 --out "$work/$precision.png" > /dev/null
  read -r first last ips <<< "$(python3 - "$work/$precision-1.jsonl" "$work/$precision-2.jsonl" <<'PY'
import json, sys
steps = [json.loads(l) for f in sys.argv[1:] for l in open(f) if '"event":"step"' in l]
print(steps[0]["loss"], steps[-1]["loss_smoothed"], round(steps[-1]["images_per_s"], 1))
PY
)"
  summary+=("| $precision | $optimizer | 40 (resumed at 20) | $first | $last | $ips | $(python3 -c "print(round($t1 - $t0, 1))") s |")
done

echo
echo "| precision | optimizer | steps | first loss | smoothed loss at the end | images/s | wall |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${summary[@]}"
echo "build: ${build_s} s on $(nproc) cores; GPU: $(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader)"
if [ "$part" = all ]; then
  echo
  if [ -d "$fixtures/golden" ]; then python3 "$root/packaging/gpu/parity.py" "$sdtrain" "$fixtures" || parity_failed=1; fi
  echo
  "$root/packaging/gpu/bench.sh" "$sdtrain" "${2:-all}"
  [ -z "${parity_failed:-}" ]
fi
