#!/bin/bash
# The GPU memory and speed of every preset's training step (`sdtrain config presets`), measured with
# `sdtrain bench --preset ID` (bf16, cached latents, random weights of the real UNet shapes). Prints
# a Markdown table for docs/presets.md. Usage: packaging/gpu/presets.sh path/to/sdtrain
#
# "Fits" allows 0.8 GiB beside the step's tensors for the CUDA context and the allocator's slack.
set -euo pipefail
sdtrain=${1:?usage: $0 SDTRAIN}
out=$(mktemp)
echo "| preset | card | images/s | peak GiB | fits the card |"
echo "|---|---|---|---|---|"
for row in $("$sdtrain" config presets --json | python3 -c 'import json,sys; print(" ".join(p["id"]+":"+str(p["card_gib"]) for p in json.load(sys.stdin)))'); do
  id=${row%%:*} card=${row##*:}
  if "$sdtrain" --log-level warn bench --preset "$id" --steps 5 --warmup 2 --json > "$out" 2> "$out.err"; then
    python3 - "$out" "$id" "$card" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
card = float(sys.argv[3])
peak = r.get("peak_gib")
fits = "—" if peak is None else ("yes" if peak + 0.8 <= card else "no")
print(f"| {sys.argv[2]} | {int(card)} GB | {r['images_per_s']:.2f} | {peak if peak is None else round(peak, 2)} | {fits} |")
PY
  else
    echo "| $id | $card GB | failed: $(tail -1 "$out.err") | | |"
  fi
done
