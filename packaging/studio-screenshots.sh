#!/usr/bin/env bash
# Launches sdstudio under Xvfb on a freshly made demo project, visits every page (training for a
# while on the Training page) and saves a screenshot of each, then checks that every picture was
# written and shows a real window (many colours, not a blank screen).
#
#   packaging/studio-screenshots.sh OUT_DIR [--theme light|dark] [--scale 2] [--seconds N] [--language de]
#
# BUILD_DIR (default: build) names the build. ctest runs it as studio_screenshots.
set -euo pipefail

out=${1:?usage: $0 OUT_DIR [--theme NAME] [--scale F] [--seconds N] [--language CODE]}
shift
theme=light scale=1 seconds=20 language=en
while [ $# -gt 0 ]; do
  case "$1" in
    --theme) theme=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --language) language=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A demo folder whose autoencoder is trained (briefly) and whose text-to-image run has not started,
# so that the studio's Start trains it from step 1. Samples every 25 steps so some appear.
"$build/bin/sdtrain" demo --out "$work/demo" --max-steps 20 >/dev/null
rm -rf "$work/demo/output"
sed -i 's/^every_n_steps = [0-9]*/every_n_steps = 25/' "$work/demo/demo.toml"

mkdir -p "$out"
width=$(awk "BEGIN { print int(1280 * $scale) }")
height=$(awk "BEGIN { print int(860 * $scale) }")
(cd "$work/demo" && QT_SCALE_FACTOR=$scale HOME="$work/home" XDG_CONFIG_HOME="$work/config" \
  xvfb-run -a -s "-screen 0 ${width}x${height}x24" \
  "$build/bin/sdstudio" --theme "$theme" --language "$language" --screenshots "$out" \
  --screenshot-training-seconds "$seconds" "$work/demo/demo.toml")

status=0
for page in 1-project 2-dataset 3-training 4-samples; do
  file="$out/$page.png"
  if [ ! -s "$file" ]; then
    echo "missing screenshot: $file" >&2
    status=1
    continue
  fi
  colours=$(identify -format '%k' "$file")
  echo "$file: $(identify -format '%wx%h' "$file"), $colours colours"
  if [ "$colours" -lt 64 ]; then
    echo "$file looks blank ($colours colours)" >&2
    status=1
  fi
done
exit $status
