#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs each for SECONDS (default 60) on its seed corpus.
#
#   packaging/fuzz.sh [SECONDS] [HARNESS...]     e.g. packaging/fuzz.sh 600 image_decode
#
# FUZZ_BUILD_DIR (default: build-fuzz) is the build; JOBS (default: all cores) the parallel jobs.
# New inputs that widen coverage go to FUZZ_BUILD_DIR/fuzz/corpus-<harness> (the seeds in the repo
# stay as they are); an input that crashes is written to FUZZ_BUILD_DIR/fuzz/crash-<harness>-*; copy
# it to tests/fuzz/crashes/<harness>/ with the fix, so that ctest replays it from then on.
set -euo pipefail

seconds=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${JOBS:-$(nproc)}
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  harnesses=(image_decode project_toml tokenizer protocol caption safetensors webdataset lora single_file
             swarm_messages relay_lines served_requests)
fi

command -v clang++ >/dev/null || { echo "clang++ is needed (packaging/install-deps.sh installs it)" >&2; exit 1; }
generator=()
if command -v ninja >/dev/null 2>&1 && [ ! -f "$build/Makefile" ]; then generator=(-G Ninja); fi
CC=clang CXX=clang++ cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSDS_FUZZ=ON -DSDS_BUILD_GUI=OFF -DSDS_WITH_CUDA=OFF >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" --parallel "$jobs" --target "${targets[@]}"

status=0
for h in "${harnesses[@]}"; do
  corpus="$build/fuzz/corpus-$h"
  mkdir -p "$corpus"
  echo "== $h: $seconds s"
  # -rss_limit_mb: a harness that allocates gigabytes for a small input is a finding too.
  if ! "$build/fuzz/fuzz_$h" "$corpus" "$root/tests/fuzz/corpus/$h" -max_total_time="$seconds" \
       -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$build/fuzz/crash-$h-" \
       2>"$build/fuzz/$h.log"; then
    echo "$h FAILED: see $build/fuzz/$h.log and $build/fuzz/crash-$h-*" >&2
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov: " "$build/fuzz/$h.log" | tail -3 || true
done
exit $status
