#!/bin/bash
# The denoising loop's time per step on a CUDA GPU (`sdtrain bench --sampling`: random weights of
# the real shapes, DDIM, guidance 7.5), beside diffusers' figure from the issue's H200 session
# (docs/performance.md), then a trace of SD 1.5 at batch 1 summarised by trace_summary.py.
# Prints a Markdown table. Usage: packaging/gpu/sampling.sh path/to/sdtrain [trace-folder]
set -euo pipefail
sdtrain=${1:?usage: $0 SDTRAIN [TRACE_FOLDER]}
traces=${2:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/../.." && pwd)

# model batch resolution precision | diffusers ms per step (H200, fp16)
cases=(
  "sd15 1 512 fp16|49.5"
  "sd15 8 512 fp16|57.5"
  "sd15 1 512 bf16|-"
  "sd15 8 512 bf16|-"
  "sdxl 1 1024 fp16|-"
)
rows=()
for c in "${cases[@]}"; do
  IFS='|' read -r settings reference <<< "$c"
  read -r model batch px precision <<< "$settings"
  json=$("$sdtrain" bench --sampling --json --model "$model" --batch "$batch" --resolution "$px" \
           --precision "$precision" --steps 30 2>/dev/null | tail -1) || { rows+=("| $model | $batch | $px | $precision | failed | | | | | $reference |"); continue; }
  rows+=("$(python3 - "$json" "$reference" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
ms = 1e3 * r["seconds_per_step"]
print("| %s | %d | %d | %s | %.1f | %.3f | %.2f | | %.1f | %s |" % (r["model"], r["batch"], r["resolution"], r["precision"], ms,
      r["one_step_generation_s"], r["first_generation_s"], r.get("peak_gib", 0), sys.argv[2]))
PY
)")
  echo "${rows[-1]}" >&2  # as it comes, for a run cut short
done

# A saved model of SD 1.5's shapes (trained 1 step from scratch at 64 px, exported in fp16 as a
# diffusers folder): loaded weights must sample as fast as fresh ones, and `sdtrain generate` as fast
# as the benchmark (its time per step: the difference between 31 and 1 steps, as for diffusers).
saved=$traces/saved-sd15
mkdir -p "$saved" && cat > "$saved/project.toml" <<TOML
[project]
name = "saved-sd15"
[model]
init = "scratch"
architecture = "sd1"
[training]
max_steps = 1
batch_size = 1
device = "cuda"
precision = "bf16"
[dataset]
path = "data"
kind = "shapes"
shapes_count = 4
min_image_size = 32
[resolution]
size = 64
buckets = false
[sampling]
every_n_steps = 0
[output]
directory = "out"
model_format = "diffusers"
save_precision = "fp16"
TOML
if (cd "$saved" && "$sdtrain" train project.toml > train.log 2>&1); then
  for batch in 1 8; do
    json=$("$sdtrain" bench --sampling --json --model "$saved/out/model" --batch "$batch" --resolution 512 \
             --precision fp16 --steps 30 2>/dev/null | tail -1)
    rows+=("$(python3 - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print("| sd15 saved (bench) | %d | %d | fp16 | %.1f | %.3f | %.2f | | %.1f | |" % (r["batch"], r["resolution"],
      1e3 * r["seconds_per_step"], r["one_step_generation_s"], r["first_generation_s"], r.get("peak_gib", 0)))
PY
)")
    echo "${rows[-1]}" >&2
    [ "$batch" = 1 ] && "$sdtrain" bench --sampling --model "$saved/out/model" --batch 1 --resolution 512 --precision fp16 \
      --steps 5 --profile "$traces/sampling-saved-b1.json" > /dev/null 2>&1
    # The first process reads the libraries from disk; the second and third are timed.
    for run in cold 1 31; do
      steps=${run/cold/1}
      "$sdtrain" generate --model "$saved/out/model" --device cuda --dtype fp16 --sampler ddim --guidance 7.5 \
        --prompt "a photograph of a red fox in the snow" --steps "$steps" --batch "$batch" --width 512 --height 512 \
        --seed 1 --out "$saved/b$batch-s$steps.png" > "$saved/generate-b$batch-$run.log" 2>&1
    done
    rows+=("$(python3 - "$saved/generate-b$batch-1.log" "$saved/generate-b$batch-31.log" "$batch" <<'PY'
import re, sys
def times(path):  # "finished: ... in 1.40 s (0.05 s per step; model loaded in 6.89 s)"
    m = re.search(r"\) in ([0-9.]+) s \(.*model loaded in ([0-9.]+) s", open(path).read())
    return float(m.group(1)), float(m.group(2))
one, load = times(sys.argv[1])
longer, _ = times(sys.argv[2])
print("| sd15 saved (`sdtrain generate`) | %s | 512 | fp16 | %.1f | | %.2f | %.2f | | |" % (sys.argv[3], 1e3 * (longer - one) / 30, one, load))
PY
)")
    echo "${rows[-1]}" >&2
    grep -ho "loaded .* model in .*" "$saved/generate-b$batch-1.log" >&2 || true
  done
else
  echo "(the saved model could not be made: $(tail -3 "$saved/train.log"))" >&2
fi

"$sdtrain" bench --sampling --model sd15 --batch 1 --precision fp16 --steps 5 --profile "$traces/sampling-sd15-b1.json" > /dev/null 2>&1 &&
  python3 "$root/packaging/gpu/trace_summary.py" "$traces/sampling-sd15-b1.json" 30 || echo "(no trace)"

echo
echo "| model | batch | px | precision | ms per step | warm 1-step generation s | first generation s | model load s | peak GiB | diffusers ms per step |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
