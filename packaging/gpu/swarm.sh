#!/bin/bash
# Swarm training on one GPU: two `sdtrain train` peers on loopback sharing the GPU, SD 1.5 shapes
# from scratch in bf16 (LoRA, then the full UNet in sync mode with its state averaged every 3
# epochs, and in DiLoCo mode), beside one process training alone. Prints per run: rounds, bytes per
# round, round time, each peer's images/s and the swarm's together against the process alone.
# Usage: swarm.sh SDTRAIN [WORKDIR]; SDS_SWARM_RUNS picks runs among "lora full diloco" (all).
set -euo pipefail
sdtrain=$(realpath "$1")
work=${2:-/tmp/sds-gpu-swarm}
rm -rf "$work" && mkdir -p "$work" && cd "$work"

project() {  # name method mode swarm(true|false) compression
  cat <<TOML
[project]
name = "$1"
[model]
init = "scratch"
architecture = "sd1"
[training]
method = "$2"
max_steps = 6
batch_size = 8
seed = 11
device = "cuda"
precision = "bf16"
[lora]
rank = 16
[dataset]
path = "data"
kind = "shapes"
shapes_count = 64
min_image_size = 512
[resolution]
size = 512
buckets = false
min_bucket_side = 512
max_bucket_side = 512
[checkpointing]
every_n_steps = 0
[sampling]
every_n_steps = 0
[output]
directory = "out"
model_format = "diffusers"
tensorboard = false
[swarm]
enabled = $4
run_key = "sdsrun-two-peers-on-one-gpu-check"
public_address = "127.0.0.1"
mode = "$3"
target_batch_size = 64
local_steps = 4
overlap_rounds = ${SDS_SWARM_OVERLAP:-true}
average_state_every = 3
compression = "$5"
matchmaking_time_s = 5
averaging_timeout_s = 120
TOML
}

# Two peers of one project; the second joins through the first's DHT port.
pair() {  # name method mode compression [max steps]
  for peer in a b; do
    mkdir -p "$1-$peer" && project "$1" "$2" "$3" true "$4" > "$1-$peer/project.toml"
  done
  local steps=()
  [ -n "${5:-}" ] && steps=(--max-steps "$5")
  (cd "$1-a" && "$sdtrain" --events jsonl train project.toml "${steps[@]}" > events.jsonl 2> stderr.log) &
  local port=""
  for _ in $(seq 600); do
    port=$(grep -o '"dht_port":[1-9][0-9]*' "$1-a/events.jsonl" 2>/dev/null | head -1 | cut -d: -f2 || true)
    [ -n "$port" ] && break
    sleep 0.2
  done
  (cd "$1-b" && "$sdtrain" --events jsonl train project.toml "${steps[@]}" --swarm-peer "127.0.0.1:$port" > events.jsonl 2> stderr.log) &
  wait
}

# Alone: the same steps of 8 images, as many as one peer takes in the swarm.
mkdir -p alone && project alone full sync false none > alone/project.toml
runs=${SDS_SWARM_RUNS:-lora full diloco}
mkdir -p alone-lora && project alone-lora lora sync false none > alone-lora/project.toml
case " $runs " in *" lora "*)
  (cd alone-lora && "$sdtrain" --events jsonl train project.toml --max-steps 24 > events.jsonl 2> stderr.log)
  pair lora lora sync none ;;
esac
case " $runs " in *" full "*|*" diloco "*)
  (cd alone && "$sdtrain" --events jsonl train project.toml --max-steps 24 > events.jsonl 2> stderr.log) ;;
esac
case " $runs " in *" full "*) pair full full sync fp16 ;; esac
# DiLoCo's steps are each peer's own: 24 of them, rounds after the swarm's 2 × 4.
case " $runs " in *" diloco "*) pair diloco full diloco uniform8 24 ;; esac

python3 - <<'PY'
import json, statistics as st

def events(path):
    out = []
    for line in open(path):
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out

def rate(evs):
    if not evs:
        return 0.0
    steps = [e for e in evs if e["event"] == "step"]
    return steps[-1]["images_per_s"] if steps else 0.0

def errors(evs):
    return [e["message"] for e in evs if e["event"] == "error"]

import os
def events_if(path):
    return events(path) if os.path.exists(path) else []
alone = {"lora": rate(events_if("alone-lora/events.jsonl")), "full": rate(events_if("alone/events.jsonl"))}
print("| run | rounds together (a / b) | MB sent per round | MB received | matchmaking s | averaging s | training waited s | images/s a + b = swarm | alone | digests agree |")
print("|---|---|---|---|---|---|---|---|---|---|")
for run, method in (("lora", "lora"), ("full", "full"), ("diloco", "full")):
    if not os.path.exists(f"{run}-a/events.jsonl"):
        continue
    a, b = events(f"{run}-a/events.jsonl"), events_if(f"{run}-b/events.jsonl")
    together = lambda evs, kind: [e for e in evs if e["event"] == "swarm_round" and e["outcome"] == "averaged"
                                  and e["group_size"] == 2 and e.get("kind", "gradients") == kind]
    kind = "pseudo_gradients" if run == "diloco" else "gradients"
    rounds = {"a": together(a, kind), "b": together(b, kind)}
    states = together(a, "state") + together(b, "state")
    both = rounds["a"] + rounds["b"]
    da = {e["epoch"]: e.get("digest") for e in rounds["a"]}
    agree = all(da.get(e["epoch"]) == e.get("digest") for e in rounds["b"] if e["epoch"] in da)
    mean = lambda key: st.mean(e[key] for e in both) if both else 0.0
    ra, rb = rate(a), rate(b)
    print(f"| {run} ({method}) | {len(rounds['a'])} / {len(rounds['b'])} | {mean('bytes_sent') / 1e6:.1f} | "
          f"{mean('bytes_received') / 1e6:.1f} | {mean('matchmaking_s'):.2f} | {mean('averaging_s'):.2f} | {mean('waited_s'):.2f} | "
          f"{ra:.1f} + {rb:.1f} = {ra + rb:.1f} | {alone[method]:.1f} | {'yes' if agree and both else 'no'} |")
    if states:
        print(f"| {run}: state (weights + moments) | {len(together(a, 'state'))} / {len(together(b, 'state'))} | "
              f"{st.mean(e['bytes_sent'] for e in states) / 1e6:.1f} | {st.mean(e['bytes_received'] for e in states) / 1e6:.1f} | "
              f"{st.mean(e['matchmaking_s'] for e in states):.2f} | {st.mean(e['averaging_s'] for e in states):.2f} | | | | |")
    for p, evs in (("a", a), ("b", b)):
        for message in errors(evs):
            print(f"  {run}-{p} error: {message}")
PY
