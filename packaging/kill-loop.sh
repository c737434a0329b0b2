#!/usr/bin/env bash
# SIGKILL at random moments of training runs, many times over, and the run still resumes:
#
#   packaging/kill-loop.sh [ITERATIONS] [FOLDER]     (default 100 iterations, a temporary folder)
#
# Each iteration resumes a tiny from-scratch run (`sdtrain train --resume latest`) for two more steps
# (loading, checking the latent cache — filled again every tenth iteration —, training, a sample every
# 3 steps, a checkpoint each step, the model's export) and kills it with SIGKILL at a random moment,
# which lands in any of those phases.
# After every iteration each checkpoint folder must be complete (one being written or removed is
# allowed: the next save clears it), and every run that was not killed must have ended well: a run that
# cannot resume from what a killed one left counts as a failure, with its error printed. At the end
# the run trains to completion and its model must load. Prints the kills by the phase they hit.
# SDTRAIN (default build/bin/sdtrain) is the trainer to test.
set -uo pipefail

iterations=${1:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
sdtrain=${SDTRAIN:-$root/build/bin/sdtrain}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
cat > p.toml <<'EOF'
[project]
name = "kill-loop"
[model]
init = "scratch"
architecture = "tiny"
[training]
max_steps = 100000
batch_size = 2
seed = 5
device = "cpu"
precision = "fp32"
[dataset]
path = "data"
kind = "shapes"
shapes_count = 32
min_image_size = 32
cache_latents = true
workers = 1
[resolution]
size = 64
buckets = false
min_bucket_side = 64
max_bucket_side = 64
[checkpointing]
every_n_steps = 1
keep_last = 2
[sampling]
every_n_steps = 3
prompts = ["a red circle on a blue background"]
steps = 4
sampler = "ddim"
[output]
directory = "out"
model_format = "diffusers"
save_precision = "fp32"
EOF

# The step of the newest complete checkpoint (0 without one).
newest_step() {
  local newest=0 c
  for c in out/checkpoints/step-*; do
    [[ -d $c && $c =~ /step-[0-9]+$ ]] || continue
    local step=$((10#${c##*/step-}))
    ((step > newest)) && newest=$step
  done
  echo "$newest"
}

# Every checkpoint folder holds both of its files (folders being written, `.partial`, or being
# removed, `.removing` and `.old`, are no checkpoints).
checkpoints_complete() {
  local c
  for c in out/checkpoints/step-*; do
    [[ -d $c && $c =~ /step-[0-9]+$ ]] || continue
    [[ -s $c/state.safetensors && -s $c/progress.json ]] || { echo "incomplete checkpoint $c"; return 1; }
  done
}

# Two runs, not killed: the first generates the dataset and caches its latents, the second times a
# run of two steps; the kills land within that time.
"$sdtrain" train p.toml --resume latest --max-steps 2 > first.log 2>&1 || { echo "the first run failed:"; tail -5 first.log; exit 1; }
start=$(date +%s.%N)
"$sdtrain" train p.toml --resume latest --max-steps 4 > first.log 2>&1 || { echo "the second run failed:"; tail -5 first.log; exit 1; }
window=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
echo "a run of two steps takes ${window} s; killing $iterations runs at random moments within that"

declare -A by_phase=()
killed=0 completed=0 failures=0
for ((i = 1; i <= iterations; i++)); do
  target=$(($(newest_step) + 2))
  ((i % 10 == 0)) && rm -rf out/cache  # this run fills the latent cache again, and may be killed doing so
  "$sdtrain" --events jsonl train p.toml --resume latest --max-steps "$target" > run.jsonl 2> run.err &
  pid=$!
  # Odd iterations count from the start (loading, caching), even ones from the first step (training,
  # samples, checkpoints, the export), where a start-up of its own would leave few kills.
  if ((i % 2 == 0)); then
    for ((wait = 0; wait < 600; wait++)); do
      grep -q '"state":"training"' run.jsonl 2> /dev/null && break
      kill -0 "$pid" 2> /dev/null || break
      sleep 0.05
    done
    sleep "$(awk -v r=$RANDOM -v w="$window" 'BEGIN { printf "%.2f", w / 2 * r / 32767 }')"
  else
    sleep "$(awk -v r=$RANDOM -v w="$window" 'BEGIN { printf "%.2f", 0.05 + w * r / 32767 }')"
  fi
  if kill -9 "$pid" 2> /dev/null; then
    wait "$pid" 2> /dev/null
    last=$(grep '"event":"state"' run.jsonl | tail -1)
    phase=$(grep -o '"state":"[a-z]*"' <<< "$last" | cut -d'"' -f4)
    case $last in
      *'the trained model'*) phase="saving the model" ;;
      *'"saving"'*) phase="saving a checkpoint" ;;
    esac
    phase=${phase:-starting}
    by_phase[$phase]=$((${by_phase[$phase]:-0} + 1))
    killed=$((killed + 1))
  else
    wait "$pid"
    code=$?
    if ((code == 0)); then
      completed=$((completed + 1))
    else
      failures=$((failures + 1))
      echo "iteration $i: sdtrain exited with $code after the previous kill:"
      grep '"event":"error"' run.jsonl | tail -1
      tail -3 run.err
    fi
  fi
  if ! checkpoints_complete; then failures=$((failures + 1)); fi
done

final=$(($(newest_step) + 2))
if "$sdtrain" train p.toml --resume latest --max-steps "$final" > final.log 2>&1 && "$sdtrain" model info out/model > /dev/null 2>&1; then
  ending="the last run trained to step $final and its model loads"
else
  failures=$((failures + 1))
  ending="the last run FAILED: $(tail -3 final.log)"
fi

echo "$iterations iterations: $killed killed, $completed ended by themselves, $failures failures"
for phase in "${!by_phase[@]}"; do echo "  killed while ${phase}: ${by_phase[$phase]}"; done | sort
echo "$ending (folder: $work)"
((failures == 0))
