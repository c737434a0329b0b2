#!/usr/bin/env bash
# Training peers on the simulated internet: N `sdtrain train` peers of the tiny model (generated
# shapes) in network namespaces behind shaped links (network.sh), a bootstrap node, K peers killed a
# third of the way through and K newcomers joining in their place; before them, one process alone
# with the swarm's batch (N × 4 images a step) for the same steps, so for the same samples. Prints per
# peer its link, rounds, bytes, the share of its time its rounds took and the share its training
# waited for them (less than the rounds took where DiLoCo's rounds overlap the next window), and the
# swarm's loss beside the single process's at the same samples.
#
#   tests/swarm/netsim/train.sh [--peers N] [--mode diloco|sync] [--steps S] [--local-steps H]
#                               [--rtt MIN-MAX] [--mbit MIN-MAX] [--loss PERCENT] [--churn K]
#                               [--overlap on|off]
#
# Needs root (network namespaces); exits 77, saying so, where they are not permitted. BUILD_DIR:
# the build; SDS_NETSIM_LOG_LEVEL: the peers' --log-level (debug shows each DHT record dropped);
# SDS_DHT_LOG=dht.log: OpenDHT's own log of each peer, kept beside its events. Each peer runs one thread: N peers share this machine's cores.
set -euo pipefail

peers=8 mode=diloco steps=96 local=12 rtt=50-200 mbit=20-100 loss=0.1 churn=2 overlap=on
while [ $# -gt 0 ]; do
  case $1 in
    --peers) peers=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --local-steps) local=$2; shift 2 ;;
    --rtt) rtt=$2; shift 2 ;;
    --mbit) mbit=$2; shift 2 ;;
    --loss) loss=$2; shift 2 ;;
    --churn) churn=$2; shift 2 ;;
    --overlap) overlap=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/../../.." && pwd)
sdtrain=${BUILD_DIR:-$root/build}/bin/sdtrain
[ -x "$sdtrain" ] || { echo "build $sdtrain first" >&2; exit 2; }
export OMP_NUM_THREADS=1

source "$(dirname "$0")/network.sh"

project() {  # project BATCH SWARM_SECTION
  cat <<TOML
[project]
name = "netsim"
[model]
init = "scratch"
architecture = "tiny"
[training]
max_steps = $steps
batch_size = $1
seed = 7
device = "cpu"
precision = "fp32"
[dataset]
path = "$work/data"
kind = "shapes"
shapes_count = 256
min_image_size = 32
workers = 1
[resolution]
size = 64
buckets = false
min_bucket_side = 64
max_bucket_side = 64
[checkpointing]
every_n_steps = 0
[sampling]
every_n_steps = 0
[output]
directory = "out"
model_format = "diffusers"
save_precision = "fp32"
tensorboard = false
$2
TOML
}

# One process alone with the swarm's batch (it also generates the shared dataset).
mkdir -p "$work/single"
project $((4 * peers)) "" > "$work/single/project.toml"
single_start=$(date +%s)
(cd "$work/single" && "$sdtrain" --events jsonl train project.toml > events.jsonl 2> stderr.log)
single_s=$(( $(date +%s) - single_start ))

node boot 2 20 1000
(cd "$work" && exec ip netns exec "$prefix-boot" "$sdtrain" swarm bootstrap --port 4222 > "$work/boot.log" 2>&1) &
pids+=($!)
declare -A rtt_of rate_of
start_peer() {  # start_peer I NAME: peer I's namespace, a fresh folder NAME
  mkdir -p "$work/$2"
  project 4 "[swarm]
enabled = true
run_key = \"sdsrun-netsim-training-peers-check\"
peers = [\"10.77.0.2:4222\"]
public_address = \"10.77.0.$((10 + $1))\"
port = 4300
mode = \"$mode\"
target_batch_size = $((8 * peers))
local_steps = $local
overlap_rounds = $([ "$overlap" = on ] && echo true || echo false)
matchmaking_time_s = 5
averaging_timeout_s = 60" > "$work/$2/project.toml"
  (cd "$work/$2" && exec ip netns exec "$prefix-p$1" "$sdtrain" --log-level "${SDS_NETSIM_LOG_LEVEL:-info}" --events jsonl train project.toml > events.jsonl 2> stderr.log) &
  pids+=($!)
  eval "pid_$1=$!"
}
for i in $(seq 1 "$peers"); do
  rtt_of[$i]=$(draw "$rtt" "$i")
  rate_of[$i]=$(draw "$mbit" "$((i + 101))")
  node "p$i" "$((10 + i))" "${rtt_of[$i]}" "${rate_of[$i]}"
done
echo "netsim training: $peers peers in $mode mode$([ "$mode" = diloco ] && echo " (rounds overlapped: $overlap)"), RTT $rtt ms$([ "$netem" = 1 ] || echo ' (not applied)'), $mbit Mbit/s, loss $loss %, $steps steps of 4 images each; one process alone took $single_s s"
swarm_start=$(date +%s)
for i in $(seq 1 "$peers"); do start_peer "$i" "p$i"; done

if [ "$churn" -gt 0 ]; then
  # A third of the way (peer 1's steps): K peers killed outright, K newcomers in their places.
  while :; do
    at=$(grep -o '"event":"step","[^}]*' "$work/p$peers/events.jsonl" 2>/dev/null | grep -o '"step":[0-9]*' | tail -1 | cut -d: -f2 || true)
    [ "${at:-0}" -ge $((steps / 3)) ] && break
    sleep 1
  done
  for i in $(seq 1 "$churn"); do eval "kill -9 \$pid_$i" 2>/dev/null || true; done
  echo "netsim training: killed peers 1 to $churn at step $at of peer $peers"
  sleep 5
  for i in $(seq 1 "$churn"); do start_peer "$i" "p$i-new"; done
  echo "netsim training: $churn newcomers joined in their places"
fi
for i in $(seq 1 "$peers"); do eval "wait \$pid_$i" 2>/dev/null || true; done
swarm_s=$(( $(date +%s) - swarm_start ))
# The events stay for a closer look (the namespaces' folder goes on exit).
results=${SDS_NETSIM_RESULTS:-/tmp/sds-netsim-train}
rm -rf "$results" && mkdir -p "$results"
for d in "$work"/single "$work"/p*; do cp "$d/events.jsonl" "$results/$(basename "$d").jsonl" 2>/dev/null || true; cp "$d/stderr.log" "$results/$(basename "$d").log" 2>/dev/null || true; cp "$d/dht.log" "$results/$(basename "$d").dht.log" 2>/dev/null || true; done
echo "events and logs: $results"

python3 - "$work" "$peers" "$churn" "$swarm_s" "$single_s" "$mode" <<'PY'
import json, os, sys
work, peers, churn, swarm_s, single_s, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]

def events(folder):
    path = os.path.join(work, folder, "events.jsonl")
    if not os.path.exists(path):
        return []
    out = []
    for line in open(path):
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out

def steps(evs):
    return [e for e in evs if e["event"] == "step"]

kind = "pseudo_gradients" if mode == "diloco" else "gradients"
print("| peer | rounds averaged / run | group sizes | MB sent | s in rounds | s waited | s training | share in rounds | share waited | last step | errors |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
folders = [f"p{i}" for i in range(1, peers + 1)] + [f"p{i}-new" for i in range(1, churn + 1)]
curves = []
for folder in folders:
    evs = events(folder)
    st = steps(evs)
    rounds = [e for e in evs if e["event"] == "swarm_round" and e.get("kind", "gradients") == kind]
    done = [e for e in rounds if e["outcome"] != "alone"]
    sizes = sorted({e["group_size"] for e in done})
    sent = sum(e["bytes_sent"] for e in rounds) / 1e6
    in_rounds = sum(e["matchmaking_s"] + e["averaging_s"] for e in done)
    waited = sum(e.get("waited_s", 0) for e in rounds)
    wall = st[-1]["time"] - st[0]["time"] if len(st) > 1 else 0
    share = f"{100 * in_rounds / wall:.0f} %" if wall else "-"
    share_waited = f"{100 * waited / wall:.0f} %" if wall else "-"
    errors = "; ".join(e["message"] for e in evs if e["event"] == "error")
    print(f"| {folder} | {len(done)} / {len(rounds)} | {sizes} | {sent:.1f} | {in_rounds:.1f} | {waited:.1f} | {wall:.1f} | "
          f"{share} | {share_waited} | {st[-1]['step'] if st else '-'} | {errors} |")
    if st and not folder.endswith("-new") and int(folder[1:]) > churn:
        curves.append({e["step"]: e["loss_smoothed"] for e in st})

single = {e["step"]: e["loss_smoothed"] for e in steps(events("single"))}
print(f"\nwall: swarm {swarm_s} s, one process {single_s} s")
print("| step (same samples) | one process, smoothed loss | swarm peers that ran throughout, mean smoothed loss |")
print("|---|---|---|")
last = max(single) if single else 0
for k in sorted({max(1, last * q // 8) for q in range(1, 9)}):
    mine = [c[k] for c in curves if k in c]
    swarm = f"{sum(mine) / len(mine):.4f}" if mine else "-"
    print(f"| {k} | {single.get(k, float('nan')):.4f} | {swarm} |")
PY
