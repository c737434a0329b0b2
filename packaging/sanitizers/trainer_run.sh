#!/usr/bin/env bash
# The trainer process under a sanitizer: `sdtrain train` of the demo's tiny model from scratch on
# generated shapes, with its threads all at work (the data loader's workers, the latent and text
# caches filled, the command reader on stdin, the event writer, samples, validation, checkpoints and
# the exported model), driven by commands written to its stdin while it trains: a garbage line, pause,
# sample and save while paused, resume. Then the run is resumed from its last checkpoint to a later
# step, and the exported model generates an image. Any sanitizer report ends the process with a
# non-zero status, and so this script.
#
#   packaging/sanitizers/trainer_run.sh path/to/sanitized/sdtrain      (packaging/sanitize.sh runs it)
set -euo pipefail
sdtrain=${1:?usage: $0 SDTRAIN}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
cat > project.toml <<'TOML'
[project]
name = "sanitized"
[model]
init = "scratch"
architecture = "tiny"
[training]
max_steps = 24
batch_size = 8
seed = 5
train_text_encoder = false
[dataset]
path = "data"
kind = "shapes"
shapes_count = 48
min_image_size = 32
cache_latents = true
cache_text_embeddings = true
workers = 3
[resolution]
size = 64
buckets = false
[ema]
enabled = true
[checkpointing]
every_n_steps = 8
[sampling]
every_n_steps = 12
prompts = ["a red circle on a blue background"]
steps = 4
sampler = "ddim"
[validation]
split = 0.1
every_n_steps = 12
[output]
directory = "out"
model_format = "both"
TOML

# Commands arrive while it trains: a garbage line and pause at its first step; sample and save once it
# is paused (it waits there, so nothing races the end of the run); resume once both are written.
mkfifo commands
"$sdtrain" --events jsonl train project.toml < commands > run1.jsonl 2> run1.err &
trainer=$!
exec 3> commands
wait_for() {  # count pattern: until run1.jsonl holds `count` lines matching `pattern`
  for _ in $(seq 1200); do
    local seen
    seen=$(grep -c "$2" run1.jsonl 2>/dev/null || true)
    [ "${seen:-0}" -ge "$1" ] && return 0
    kill -0 "$trainer" 2>/dev/null || break
    sleep 0.5
  done
  echo "trainer_run: never saw $1 × $2 in the first run" >&2; tail -40 run1.err >&2; exit 1
}
wait_for 1 '"event":"step"'
printf '%s\n' 'this is not json' '{"cmd":"pause"}' >&3
wait_for 1 '"state":"paused"'
samples=$(grep -c '"event":"sample"' run1.jsonl || true)
checkpoints=$(grep -c '"event":"checkpoint"' run1.jsonl || true)
printf '%s\n' '{"cmd":"sample"}' '{"cmd":"save"}' >&3
wait_for $((samples + 1)) '"event":"sample"'
wait_for $((checkpoints + 1)) '"event":"checkpoint"'
echo '{"cmd":"resume"}' >&3
status=0
wait "$trainer" || status=$?
exec 3>&-
if [ "$status" -ne 0 ] || ! grep -q '"state":"finished"' run1.jsonl; then
  echo "trainer_run: the first run failed (status $status)" >&2; tail -40 run1.err >&2; exit 1
fi
grep -q 'ignored command line' run1.jsonl || { echo "trainer_run: the garbage line was not reported" >&2; exit 1; }

"$sdtrain" --events jsonl train project.toml --resume latest --max-steps 32 < /dev/null > run2.jsonl 2> run2.err ||
  { echo "trainer_run: the resumed run failed" >&2; tail -40 run2.err >&2; exit 1; }
grep -q '"state":"finished"' run2.jsonl || { echo "trainer_run: the resumed run did not finish" >&2; exit 1; }

"$sdtrain" generate --model out/model --prompt "a green square" --steps 4 --seed 1 --out sample.png > /dev/null 2> generate.err ||
  { echo "trainer_run: generation failed" >&2; tail -40 generate.err >&2; exit 1; }
[ -s sample.png ] || { echo "trainer_run: no image generated" >&2; exit 1; }
steps=$(grep -c '"event":"step"' run1.jsonl run2.jsonl | awk -F: '{s += $2} END {print s}')
echo "trainer_run: trained $steps steps in two runs under commands, resumed, generated; no sanitizer report"
