#!/usr/bin/env bash
# The README's two commands:
#   packaging/quickstart.sh demo   install, build, and open sdstudio training the demo project
#                                  (without a display: run the demo headless through sdtrain)
#   packaging/quickstart.sh test   install, build, and run the whole test suite through ctest
# BUILD_DIR (default: build) and JOBS (default: all cores) can be set in the environment.
set -euo pipefail

mode=${1:-}
case "$mode" in
  demo|test) ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}

"$root/packaging/install-deps.sh"

generator=()
if command -v ninja >/dev/null 2>&1 && [ ! -f "$build/Makefile" ]; then generator=(-G Ninja); fi
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" --parallel "$jobs"

if [ "$mode" = test ]; then
  cd "$build"
  exec ctest --output-on-failure --parallel "$jobs"
fi

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  echo "Starting SD Studio with the demo project, training it…"
  exec "$build/bin/sdstudio" --demo --train
fi
echo "No display found: running the demo headless with sdtrain."
exec "$build/bin/sdtrain" demo --out "${SDS_DEMO_DIR:-$HOME/sdstudio-demo}"
