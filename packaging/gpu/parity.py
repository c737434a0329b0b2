#!/usr/bin/env python3
"""Parity of `sdtrain generate` on the GPU with diffusers' pipelines: the reference fixtures' golden
images (tiny SD 1.5 with DDIM, tiny SDXL with Euler), made from the goldens' own initial latents, in
fp32, bf16 and fp16. Prints a Markdown table and exits 1 when a bound is missed.

Bounds (images in [0, 1]): fp32 within 1e-3 of the golden at every pixel. bf16 and fp16 by mean
absolute difference: 0.02 for SDXL (guidance 5, Euler). The SD 1.5 golden (guidance 7.5, DDIM)
magnifies every rounding difference through its four steps (on the CPU a float64 run already differs
from the float32 one by 1.5e-6, and convolutions in TF32, a 10-bit mantissa, moved its mean by 8e-3):
bf16 (8-bit mantissa) within 0.25, fp16 (11-bit) within 0.05.

Usage: parity.py SDTRAIN FIXTURES_DIR
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64}


def read_safetensors(path):
    """The tensors and metadata of a safetensors file (8-byte header length, JSON header, data)."""
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length])
    data = blob[8 + length:]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = bytearray(data[begin:end])
        tensors[name] = torch.frombuffer(raw, dtype=DTYPES[info["dtype"]]).reshape(info["shape"]).float()
    return tensors, metadata


def main():
    sdtrain, fixtures = sys.argv[1], sys.argv[2]
    # model, golden, sampler, mean bound for bf16, for fp16
    cases = [("tiny-sd15", "sd15_pipeline_ddim", "ddim", 0.25, 0.05),
             ("tiny-sdxl", "sdxl_pipeline_euler", "euler", 0.02, 0.02)]
    rows, failed = [], False
    with tempfile.TemporaryDirectory() as work:
        for model, golden_name, sampler, bf16_bound, fp16_bound in cases:
            golden_path = os.path.join(fixtures, "golden", golden_name + ".safetensors")
            golden, meta = read_safetensors(golden_path)
            for dtype in ("fp32", "bf16", "fp16"):
                raw = os.path.join(work, f"{golden_name}-{dtype}.safetensors")
                subprocess.run(
                    [sdtrain, "--log-level", "warn", "generate", "--model", os.path.join(fixtures, model),
                     "--prompt", meta["prompt"], "--negative-prompt", meta["negative_prompt"],
                     "--steps", meta["steps"], "--guidance", meta["guidance_scale"], "--sampler", sampler,
                     "--width", "64", "--height", "64", "--seed", "0", "--init-latents", golden_path,
                     "--device", "cuda", "--dtype", dtype, "--out", os.path.join(work, "out.png"),
                     "--save-raw", raw],
                    check=True, stdout=subprocess.DEVNULL)
                image, _ = read_safetensors(raw)
                difference = (image["image"] - golden["image"]).abs()
                worst, mean = difference.max().item(), difference.mean().item()
                limit = {"fp32": 1e-3, "bf16": bf16_bound, "fp16": fp16_bound}[dtype]
                ok = (worst if dtype == "fp32" else mean) <= limit
                failed = failed or not ok
                bound = f"max ≤ {limit:g}" if dtype == "fp32" else f"mean ≤ {limit:g}"
                rows.append(f"| {golden_name} | {dtype} | {worst:.2e} | {mean:.2e} | {bound} | "
                            f"{'pass' if ok else 'FAIL'} |")
    print("| golden | dtype | max abs difference | mean abs difference | bound | result |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
