#!/usr/bin/env bash
# A simulated internet for the swarm: peers in network namespaces joined by a bridge, every link with
# tc netem delay, jitter, loss and a rate limit, a bootstrap node, and peers killed and started
# during the run. Prints per peer and per round what was averaged, the bytes sent, the time of each
# round against its bandwidth bound, and the deviation from the exact mean of each group.
#
#   tests/swarm/netsim/run.sh [--peers N] [--rounds R] [--values N] [--period-ms P] [--timeout-ms T]
#                             [--group-size G] [--compression C] [--rtt MIN-MAX] [--mbit MIN-MAX]
#                             [--loss PERCENT] [--churn K] [--check]
#
# Each peer i gets a round-trip time L_i and a rate B_i drawn from the ranges (one quarter of L_i of
# delay, 10 % jitter, on each side of its link), so two peers are (L_i + L_j) / 2 apart. --churn K
# kills K peers during round 2 and starts them again for the second half. --check exits 1 unless every
# peer that ran a round averaged all of it within 1e-6 of its group's mean (the ctest case). Needs
# root (network namespaces); exits 77, saying so, where they are not permitted. BUILD_DIR: the build.
set -euo pipefail

peers=16 rounds=6 values=1000000 period=30000 timeout=20000 group=16 compression=none
rtt=50-200 mbit=20-100 loss=0.1 churn=2 check=0
while [ $# -gt 0 ]; do
  case $1 in
    --peers) peers=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --values) values=$2; shift 2 ;;
    --period-ms) period=$2; shift 2 ;;
    --timeout-ms) timeout=$2; shift 2 ;;
    --group-size) group=$2; shift 2 ;;
    --compression) compression=$2; shift 2 ;;
    --rtt) rtt=$2; shift 2 ;;
    --mbit) mbit=$2; shift 2 ;;
    --loss) loss=$2; shift 2 ;;
    --churn) churn=$2; shift 2 ;;
    --check) check=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${BUILD_DIR:-$root/build}
sdtrain=$build/bin/sdtrain
peer_bin=$build/tests/swarm_sim_peer
for b in "$sdtrain" "$peer_bin"; do [ -x "$b" ] || { echo "build $b first" >&2; exit 2; }; done

source "$(dirname "$0")/network.sh"

node boot 2 20 1000
ip netns exec "$prefix-boot" "$sdtrain" swarm bootstrap --port 4222 > "$work/boot.log" 2>&1 &
pids+=($!)

declare -A rtt_of rate_of
for i in $(seq 1 "$peers"); do
  rtt_of[$i]=$(draw "$rtt" "$i")
  rate_of[$i]=$(draw "$mbit" "$((i + 101))")
  node "p$i" "$((10 + i))" "${rtt_of[$i]}" "${rate_of[$i]}"
done

# Bytes a value takes on the wire (8-bit codes: their chunks' scales and offsets are left out).
case $compression in none) wire=4 ;; fp16) wire=2 ;; *) wire=1 ;; esac
start=$(( $(date +%s%3N) + 8000 ))
run_peer() {  # run_peer I FIRST_ROUND ROUNDS
  ip netns exec "$prefix-p$1" "$peer_bin" --listen "10.77.0.$((10 + $1))" --bootstrap 10.77.0.2:4222 \
    --start-ms "$start" --period-ms "$period" --first-round "$2" --rounds "$3" --values "$values" \
    --group-size "$group" --timeout-ms "$timeout" --compression "$compression" >> "$work/peer-$1.jsonl" 2>> "$work/peer-$1.log" &
  pids+=($!)
  eval "pid_$1=$!"
}
for i in $(seq 1 "$peers"); do run_peer "$i" 1 "$rounds"; done
echo "netsim: $peers peers, RTT $rtt ms$([ "$netem" = 1 ] || echo ' (not applied)'), $mbit Mbit/s, loss $loss %$([ "$netem" = 1 ] || echo ' (not applied)'), $values values ($(( values * 4 / 1000000 )) MB) a round, groups of up to $group, $compression, $rounds rounds of $(( period / 1000 )) s"

if [ "$churn" -gt 0 ] && [ "$rounds" -ge 4 ]; then
  # Kill some peers in the middle of round 2; start them again for the second half.
  sleep $(( (start - $(date +%s%3N)) / 1000 + period / 1000 + 4 ))
  for i in $(seq 1 "$churn"); do eval "kill -9 \$pid_$i" 2>/dev/null || true; echo "netsim: killed peer $i during round 2"; done
  half=$(( rounds / 2 + 1 ))
  sleep $(( (start + (half - 1) * period - $(date +%s%3N)) / 1000 - 6 ))
  for i in $(seq 1 "$churn"); do run_peer "$i" "$half" $(( rounds - half + 1 )); echo "netsim: started peer $i again for round $half"; done
fi
sleep $(( (start + rounds * period - $(date +%s%3N)) / 1000 + 2 ))
for i in $(seq 1 "$peers"); do eval "wait \$pid_$i" 2>/dev/null || true; done

# Per peer: its link, the rounds it averaged, bytes sent, mean averaging time and the bandwidth bound
# (butterfly: it uploads 2·(G−1)/G of the values, its parts and its results).
field() { grep -o "\"$1\":[0-9.e+-]*" | cut -d: -f2; }
echo
printf "%-5s %-7s %-7s %-9s %-10s %-12s %-12s %-10s\n" peer "RTT ms" Mbit/s averaged "MB sent" "averaging s" "own bound s" "max dev"
fail=0
for i in $(seq 1 "$peers"); do
  f="$work/peer-$i.jsonl"
  [ -s "$f" ] || { printf "%-5s no rounds\n" "$i"; fail=1; continue; }
  rounds_done=$(grep -c '"averaging_s"' "$f" || true)
  full=$(grep '"averaging_s"' "$f" | field averaged_share | awk '$1 >= 1' | wc -l)
  sent=$(field bytes_sent < "$f" | awk '{s+=$1} END {printf "%.1f", s/1e6}')
  secs=$(field averaging_s < "$f" | awk '{s+=$1; n++} END {if (n) printf "%.2f", s/n; else print "-"}')
  g=$(field group < "$f" | awk '$1 > 0 {s+=$1; n++} END {if (n) print s/n; else print 1}')
  bound=$(awk -v g="$g" -v v="$values" -v w="$wire" -v b="${rate_of[$i]}" 'BEGIN {printf "%.2f", 2*(g-1)/g*v*w*8/(b*1e6)}')
  dev=$(field max_deviation_from_group_mean < "$f" | sort -g | tail -1)
  printf "%-5s %-7s %-7s %-9s %-10s %-12s %-12s %-10s\n" "$i" "${rtt_of[$i]}" "${rate_of[$i]}" "$full/$rounds_done" "$sent" "$secs" "$bound" "${dev:--}"
  if [ "$check" = 1 ]; then
    [ "$full" = "$rounds_done" ] && [ "$rounds_done" -gt 0 ] || fail=1
    awk -v d="${dev:-1}" 'BEGIN {exit !(d < 1e-6)}' || fail=1
  fi
done
echo
echo "per round: peers that averaged all their values / that ran it, group sizes, averaging time (mean, max)"
echo "against the bandwidth bound of the slowest link among them, and the whole round (matchmaking included)"
for r in $(seq 1 "$rounds"); do
  lines=$(cat "$work"/peer-*.jsonl | grep "\"round\":$r," || true)
  [ -n "$lines" ] || continue
  ran=$(grep -c . <<<"$lines")
  averaged=$(grep '"averaging_s"' <<<"$lines" | field averaged_share | awk '$1 >= 1' | wc -l)
  sizes=$(field group <<<"$lines" | sort -n | uniq -c | awk '{printf "%s×%s ", $1, $2}')
  times=$(field averaging_s <<<"$lines" | awk '{s+=$1; if ($1>m) m=$1; n++} END {if (n) printf "%.2f s, %.2f s", s/n, m; else print "-"}')
  match=$(field matchmaking_s <<<"$lines" | awk '{s+=$1; n++} END {if (n) printf "%.2f", s/n}')
  slowest=$(for i in $(seq 1 "$peers"); do grep -q "\"round\":$r," "$work/peer-$i.jsonl" 2>/dev/null && echo "${rate_of[$i]}"; done | sort -n | head -1)
  g=$(field group <<<"$lines" | sort -n | tail -1)
  bound=$(awk -v g="$g" -v v="$values" -v w="$wire" -v b="$slowest" 'BEGIN {if (g > 1) printf "%.2f", 2*(g-1)/g*v*w*8/(b*1e6); else print "-"}')
  echo "round $r: $averaged / $ran   $sizes  averaging $times  (bound $bound s at $slowest Mbit/s), matchmaking $match s"
done
if [ "$check" = 1 ] && [ "$fail" = 1 ]; then
  echo "netsim: FAILED (see the table)"; for f in "$work"/peer-*.log; do tail -3 "$f"; done; exit 1
fi
