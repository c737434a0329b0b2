#!/usr/bin/env bash
# Builds test suites with a sanitizer (clang) and runs them under ctest.
#
#   packaging/sanitize.sh address|thread [REGEX]     e.g. packaging/sanitize.sh thread swarm
#
# address: AddressSanitizer and UndefinedBehaviorSanitizer (any error aborts the test); thread:
# ThreadSanitizer, for the threaded parts (swarm, loader, caches, protocol reader). REGEX picks the
# ctest cases (default: all) and only their programs are built; SANITIZE_EXCLUDE (a regex) leaves
# cases out, SANITIZE_BUILD_DIR (default build-<sanitizer>) is the build, JOBS the parallel jobs. Suppressions, each with its reason, live in
# packaging/sanitizers/.
set -euo pipefail

kind=${1:?address or thread}
regex=${2:-.}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SANITIZE_BUILD_DIR:-$root/build-$kind}
jobs=${JOBS:-$(nproc)}
case $kind in
  address) flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" ;;
  thread) flags="-fsanitize=thread -fno-omit-frame-pointer" ;;
  *) echo "unknown sanitizer $kind (address or thread)" >&2; exit 2 ;;
esac
command -v clang++ >/dev/null || { echo "clang++ is needed (packaging/install-deps.sh installs it)" >&2; exit 1; }
generator=()
if command -v ninja >/dev/null 2>&1 && [ ! -f "$build/Makefile" ]; then generator=(-G Ninja); fi
CC=clang CXX=clang++ cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSDS_WITH_CUDA=OFF -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" >/dev/null

# The programs of the chosen cases, built alone (with what they depend on: sdtrain for the CLI
# suites, the helper peers for the swarm's); cases that run a script name their programs here.
exclude=()
if [ -n "${SANITIZE_EXCLUDE:-}" ]; then exclude=(-E "$SANITIZE_EXCLUDE"); fi
cases=$(cd "$build" && ctest -N -R "$regex" "${exclude[@]}" | sed -n 's/^ *Test *#[0-9]*: //p')
targets=()
for c in $cases; do
  case $c in
    swarm_netsim) targets+=(sdtrain swarm_sim_peer) ;;
    trainer_process_commands) targets+=(sdtrain) ;;
    studio_screenshots) targets+=(sdstudio sdtrain) ;;
    *) targets+=("$c") ;;
  esac
done
cmake --build "$build" --parallel "$jobs" --target "${targets[@]}"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$root/packaging/sanitizers/ubsan.supp:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/packaging/sanitizers/lsan.supp:${LSAN_OPTIONS:-}"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/packaging/sanitizers/tsan.supp:${TSAN_OPTIONS:-}"
cd "$build" && ctest -R "$regex" "${exclude[@]}" --output-on-failure
