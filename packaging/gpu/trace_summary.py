#!/usr/bin/env python3
"""Sums the GPU time of a Chrome trace written by `sdtrain bench --profile FILE`.

Prints how busy the GPU was over the traced steps, then the kernels and the ATen operators that
launched them (the outermost aten:: operator around each launch), largest first; then the host's
side: the CUDA runtime calls (synchronisations and copies show up there) and the outermost
operators by CPU time, for loops bound by launching rather than by the GPU.
Usage: trace_summary.py TRACE.json [ROWS]
"""
import bisect
import collections
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)["traceEvents"]


def main():
    path = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    events = [e for e in load(path) if e.get("ph") == "X"]
    kernels = [e for e in events if e.get("cat") in ("kernel", "gpu_memcpy", "gpu_memset")]
    if not kernels:
        sys.exit(f"{path}: no GPU kernels in the trace")
    launches = {e["args"].get("correlation"): e for e in events if e.get("cat") in ("cuda_runtime", "cuda_driver")}

    # The outermost aten:: operator around each launch, per CPU thread.
    ops_by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("cat") == "cpu_op" and e["name"].startswith("aten::"):
            ops_by_thread[e["tid"]].append(e)
    for ops in ops_by_thread.values():
        ops.sort(key=lambda e: e["ts"])
    starts = {tid: [e["ts"] for e in ops] for tid, ops in ops_by_thread.items()}

    def launching_op(kernel):
        launch = launches.get(kernel["args"].get("correlation"))
        if launch is None:
            return "(no launch recorded)"
        ops = ops_by_thread.get(launch["tid"], [])
        i = bisect.bisect_right(starts.get(launch["tid"], []), launch["ts"])
        outermost = None
        for op in reversed(ops[max(0, i - 400):i]):  # enclosing operators start shortly before
            if op["ts"] <= launch["ts"] <= op["ts"] + op["dur"]:
                outermost = op["name"]
        return outermost or "(outside any operator)"

    busy = sum(k["dur"] for k in kernels)
    span = max(k["ts"] + k["dur"] for k in kernels) - min(k["ts"] for k in kernels)
    print(f"{len(kernels)} kernels, GPU busy {busy / 1e3:.1f} ms of {span / 1e3:.1f} ms ({100 * busy / span:.1f} %)")

    by_kernel = collections.Counter()
    count = collections.Counter()
    by_op = collections.Counter()
    for k in kernels:
        name = k["name"] if len(k["name"]) <= 110 else k["name"][:107] + "..."
        by_kernel[name] += k["dur"]
        count[name] += 1
        by_op[launching_op(k)] += k["dur"]

    print(f"\n| ATen operator | GPU ms | share |\n|---|---|---|")
    for name, dur in by_op.most_common(rows):
        print(f"| {name} | {dur / 1e3:.2f} | {100 * dur / busy:.1f} % |")
    print(f"\n| kernel | calls | GPU ms | share |\n|---|---|---|---|")
    for name, dur in by_kernel.most_common(rows):
        print(f"| `{name}` | {count[name]} | {dur / 1e3:.2f} | {100 * dur / busy:.1f} % |")

    runtime_calls = collections.Counter()
    runtime_count = collections.Counter()
    for e in launches.values():
        runtime_calls[e["name"]] += e["dur"]
        runtime_count[e["name"]] += 1
    print(f"\n| CUDA runtime call | calls | CPU ms |\n|---|---|---|")
    for name, dur in runtime_calls.most_common(rows):
        print(f"| {name} | {runtime_count[name]} | {dur / 1e3:.2f} |")

    outermost_cpu = collections.Counter()
    outermost_count = collections.Counter()
    for ops in ops_by_thread.values():
        end = -1
        for op in ops:  # sorted by start: an operator starting after the last outermost one's end is outermost
            if op["ts"] >= end:
                outermost_cpu[op["name"]] += op["dur"]
                outermost_count[op["name"]] += 1
                end = op["ts"] + op["dur"]
    total = sum(outermost_cpu.values())
    print(f"\nOutermost operators: {total / 1e3:.1f} ms of CPU time")
    print(f"| ATen operator | calls | CPU ms |\n|---|---|---|")
    for name, dur in outermost_cpu.most_common(rows):
        print(f"| {name} | {outermost_count[name]} | {dur / 1e3:.2f} |")


if __name__ == "__main__":
    main()
