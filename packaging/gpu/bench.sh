#!/bin/bash
# The training-step benchmarks of docs/performance.md on a CUDA GPU, each beside diffusers' figure
# measured on an H200 (bf16 autocast, fused AdamW, SDPA; see the device notes). Prints a Markdown
# table. Usage: packaging/gpu/bench.sh path/to/sdtrain [quick|scopes|geglu|groupnorm] (scopes: the curve
# of training.checkpointing_scope; geglu: the fused GEGLU kernels against LibTorch's, and --full;
# groupnorm: channels-last with our group norm against channels-first and LibTorch's group norm)
set -euo pipefail
sdtrain=${1:?usage: $0 SDTRAIN [quick|scopes|geglu|groupnorm]}
mode=${2:-all}
out=$(mktemp)

# model batch resolution extra-flags | reference images/s | reference GiB
cases=(
  "sd15 32 512 |97.6|48.9"
  "sd15 32 512 --checkpointing|77.3|18.3"
  "sd15 1 512 --checkpointing|3.4|14.6"
  "sdxl 8 1024 --checkpointing|10.8|45.0"
)
if [ "$mode" = scopes ]; then  # the memory/speed curve of training.checkpointing_scope
  cases=()
  for scope in none alternate attention resnets all; do
    flags="--checkpointing --checkpointing-scope $scope"
    [ "$scope" = none ] && flags=""
    cases+=("sd15 32 512 $flags|-|-")
  done
  for scope in alternate attention resnets all; do cases+=("sdxl 8 1024 --checkpointing --checkpointing-scope $scope|-|-"); done
fi
if [ "$mode" = geglu ]; then  # the fused GEGLU kernels against LibTorch's
  cases=("sd15 32 512 |-|-" "sd15 32 512 --reference-geglu|-|-" "sd15 32 512 --checkpointing|-|-"
         "sd15 32 512 --checkpointing --reference-geglu|-|-" "sdxl 8 1024 --checkpointing|-|-"
         "sdxl 8 1024 --checkpointing --reference-geglu|-|-" "sd15 32 512 --full|-|-")
fi
if [ "$mode" = groupnorm ]; then  # channels-last, which our group norm kernels make worth it
  cases=()
  for spec in "sd15 32 512" "sd15 32 512 --checkpointing" "sd15 8 512" "sd15 4 512" "sd15 1 512 --checkpointing" \
              "sdxl 8 1024 --checkpointing" "sdxl 1 1024 --checkpointing"; do
    cases+=("$spec|-|-" "$spec --channels-last|-|-")
  done
  cases+=("sd15 32 512 --channels-last --reference-group-norm|-|-")
fi
if [ "$mode" = all ]; then
  cases+=(
    "sd15 8 512 |55.4|20.8"
    "sd15 32 512 --channels-last|-|-"
    "sd15 32 512 --attention torch-sdpa|-|-"
    "sd15 32 512 --attention math|-|-"
    "sd21 16 768 --checkpointing|32.6|19.4"
    "sd15 1 512 --checkpointing --optimizer adamw8bit|-|-"
    "sdxl 1 1024 --checkpointing --lora-rank 32|0.97|10.1"
    "sdxl 8 1024 --checkpointing --lora-rank 32|8.1|10.9"
    "sd15 8 512 --full|-|-"
  )
fi

echo "| model | batch | px | settings | images/s | TFLOP/s | peak GiB | diffusers images/s | diffusers GiB |"
echo "|---|---|---|---|---|---|---|---|---|"
for c in "${cases[@]}"; do
  IFS='|' read -r spec ref_ips ref_gib <<< "$c"
  read -r model batch px flags <<< "$spec"
  # shellcheck disable=SC2086
  if "$sdtrain" --log-level warn bench --model "$model" --batch "$batch" --resolution "$px" --precision bf16 \
      --steps 10 --warmup 3 --json $flags > "$out" 2> "$out.err"; then
    python3 - "$out" "$model" "$batch" "$px" "$flags" "$ref_ips" "$ref_gib" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
flags = sys.argv[5].strip() or "-"
peak = r.get("peak_gib")
print(f"| {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {flags} | {r['images_per_s']:.2f} | "
      f"{r['achieved_tflops']:.0f} | {peak:.1f} | {sys.argv[6]} | {sys.argv[7]} |" if peak is not None else
      f"| {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {flags} | {r['images_per_s']:.2f} | "
      f"{r['achieved_tflops']:.0f} | - | {sys.argv[6]} | {sys.argv[7]} |")
PY
  else
    echo "| $model | $batch | $px | $flags | failed: $(tail -c 300 "$out.err" | tr '\n' ' ') | | | $ref_ips | $ref_gib |"
  fi
done
rm -f "$out" "$out.err"
