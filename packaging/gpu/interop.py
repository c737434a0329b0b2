#!/usr/bin/env python3
"""Interoperability with diffusers, PEFT and transformers, in both directions, on the tiny reference
models. Run where diffusers, transformers and peft are installed (the GPU machine); nothing here enters
the repository's builds or tests.

Our files in their tools: `sdtrain train` makes LoRAs (UNet and text encoders, rank 4, alpha 2, so
scale 0.5) for SD 1.x and SDXL in kohya's and diffusers' layouts, full fine-tunes exported as a diffusers
folder and as a single file, and a trained VAE; diffusers loads each (`load_lora_weights`,
`from_pretrained`, `from_single_file`) and its image is compared with `sdtrain generate`'s from the same
initial latents, both in float64 on the GPU (so that only real differences show).

Their files in ours: a diffusers pipeline LoRA made with PEFT (`save_lora_weights` with its adapter
metadata, alpha != rank, and a text encoder alpha of its own), a single model's `save_lora_adapter`
file, and a pipeline saved by this transformers version (whose tokenizers may hold only tokenizer.json)
are given to `sdtrain generate` and compared with diffusers' images.

Prints a Markdown table; exits 1 when an image differs by more than 1e-5 (max abs, images in [0, 1]).
Usage: interop.py SDTRAIN FIXTURES_DIR
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch

import diffusers
import peft
import transformers
from diffusers import (AutoencoderKL, DDIMScheduler, EulerDiscreteScheduler, StableDiffusionPipeline,
                       StableDiffusionXLPipeline)

BOUND = 1e-5
DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64}
SD15 = {"pipeline": StableDiffusionPipeline, "scheduler": DDIMScheduler, "sampler": "ddim", "guidance": 7.5}
SDXL = {"pipeline": StableDiffusionXLPipeline, "scheduler": EulerDiscreteScheduler, "sampler": "euler", "guidance": 5.0}
PROMPT, NEGATIVE, STEPS = "a red circle on a blue background", "blurry", 4


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length])
    metadata = header.pop("__metadata__", {})
    data = blob[8 + length:]
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return tensors, metadata


def write_latents(path, latents):
    import safetensors.torch
    safetensors.torch.save_file({"latents": latents.contiguous().cpu()}, path)


class Interop:
    def __init__(self, sdtrain, fixtures, work):
        self.sdtrain, self.fixtures, self.work = sdtrain, fixtures, work
        self.rows, self.failed = [], False
        generator = torch.Generator().manual_seed(11)
        self.latents = torch.randn(1, 4, 8, 8, generator=generator)
        self.latents_file = os.path.join(work, "latents.safetensors")
        write_latents(self.latents_file, self.latents)

    # ---- running both sides

    def ours(self, model, family, lora=None, config=None):
        raw = os.path.join(self.work, "ours.safetensors")
        command = [self.sdtrain, "--log-level", "warn", "generate", "--model", model, "--prompt", PROMPT,
                   "--negative-prompt", NEGATIVE, "--steps", str(STEPS), "--guidance", str(family["guidance"]),
                   "--sampler", family["sampler"], "--width", "64", "--height", "64", "--seed", "0",
                   "--init-latents", self.latents_file, "--device", "cuda", "--dtype", "fp64",
                   "--out", os.path.join(self.work, "ours.png"), "--save-raw", raw]
        if lora:
            command += ["--lora", lora]
        if config:
            command += ["--config", config]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError("sdtrain generate: " + (result.stderr or result.stdout).strip()[-600:])
        return read_safetensors(raw)[0]["image"].double().numpy()

    def theirs(self, pipe, family):
        pipe.scheduler = family["scheduler"].from_config(pipe.scheduler.config)
        pipe = pipe.to("cuda", torch.float64)
        image = pipe(PROMPT, negative_prompt=NEGATIVE, num_inference_steps=STEPS, guidance_scale=family["guidance"],
                     height=64, width=64, latents=self.latents.to("cuda", torch.float64), output_type="np").images
        return np.asarray(image, dtype=np.float64)

    def compare(self, case, ours, theirs, note=""):
        difference = np.abs(ours - theirs)
        worst, mean = float(difference.max()), float(difference.mean())
        ok = worst <= BOUND
        self.failed = self.failed or not ok
        self.rows.append(f"| {case} | {worst:.1e} | {mean:.1e} | {'pass' if ok else 'FAIL'} | {note} |")

    def case(self, name, run):
        try:
            run()
        except Exception as e:  # one failing case must not hide the others
            self.failed = True
            message = " ".join(str(e).split())[:300].replace("|", "/")
            self.rows.append(f"| {name} | – | – | FAIL | {type(e).__name__}: {message} |")

    # ---- training with sdtrain

    def train(self, name, base, method, extra=""):
        folder = os.path.join(self.work, name)
        os.makedirs(folder, exist_ok=True)
        project = f"""[project]
name = "{name}"
[model]
path = "{base}"
[training]
method = "{method}"
max_steps = 12
batch_size = 2
seed = 5
device = "cuda"
precision = "fp32"
train_text_encoder = {"true" if method != "vae" else "false"}
[dataset]
path = "data"
kind = "shapes"
shapes_count = 8
min_image_size = 32
[resolution]
size = 64
buckets = false
min_bucket_side = 64
max_bucket_side = 64
[optimizer]
learning_rate = 0.01
[lora]
rank = 4
alpha = 2
[sampling]
every_n_steps = 0
prompts = []
[checkpointing]
every_n_steps = 0
[output]
save_precision = "fp32"
model_format = "both"
lora_format = "both"
{extra}
"""
        path = os.path.join(folder, "project.toml")
        with open(path, "w") as f:
            f.write(project)
        result = subprocess.run([self.sdtrain, "--log-level", "warn", "train", path], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"sdtrain train {name}: " + (result.stderr or result.stdout).strip()[-600:])
        return os.path.join(folder, "output")  # output.directory's default

    # ---- the cases

    def our_loras(self, base_name, family):
        base = os.path.join(self.fixtures, base_name)
        run = self.train(f"lora-{base_name}", base, "lora")
        for layout, suffix in (("kohya", f"lora-{base_name}.safetensors"), ("peft", f"lora-{base_name}-peft.safetensors")):
            path = os.path.join(run, suffix)
            _, metadata = read_safetensors(path)
            leaked = [k for k, v in metadata.items() if self.work in v or os.path.expanduser("~") + "/" in v]

            def check(path=path, layout=layout, leaked=leaked):
                pipe = family["pipeline"].from_pretrained(base, torch_dtype=torch.float32, safety_checker=None) \
                    if family is SD15 else family["pipeline"].from_pretrained(base, torch_dtype=torch.float32)
                pipe.load_lora_weights(path)
                theirs = self.theirs(pipe, family)
                ours = self.ours(base, family, lora=path)
                note = "metadata holds a local path: " + ",".join(leaked) if leaked else "UNet + text encoder(s)"
                if leaked:
                    self.failed = True
                self.compare(f"our {base_name} LoRA ({layout}) → diffusers `load_lora_weights`", ours, theirs, note)
            self.case(f"our {base_name} LoRA ({layout})", check)

    def our_full_model(self):
        base = os.path.join(self.fixtures, "tiny-sd15")
        run = self.train("full-tiny-sd15", base, "full")
        folder = os.path.join(run, "model")
        single = os.path.join(run, "full-tiny-sd15.safetensors")

        def folder_case():
            pipe = StableDiffusionPipeline.from_pretrained(folder, torch_dtype=torch.float32, safety_checker=None)
            self.compare("our fine-tune, diffusers folder → `from_pretrained`", self.ours(folder, SD15), self.theirs(pipe, SD15))

        def single_case():
            pipe = StableDiffusionPipeline.from_single_file(single, config=base, torch_dtype=torch.float32,
                                                            safety_checker=None)
            self.compare("our fine-tune, single file → `from_single_file(config=…)`",
                         self.ours(single, SD15, config=base), self.theirs(pipe, SD15))
        self.case("our fine-tune folder", folder_case)
        self.case("our fine-tune single file", single_case)

    def our_vae(self):
        base = os.path.join(self.fixtures, "tiny-sd15")
        run = self.train("vae-tiny-sd15", base, "vae")
        vae = os.path.join(run, "vae")
        combined = os.path.join(self.work, "sd15-with-our-vae")
        shutil.copytree(base, combined)
        shutil.rmtree(os.path.join(combined, "vae"))
        shutil.copytree(vae, os.path.join(combined, "vae"))

        def check():
            pipe = StableDiffusionPipeline.from_pretrained(base, torch_dtype=torch.float32, safety_checker=None,
                                                           vae=AutoencoderKL.from_pretrained(vae))
            self.compare("our VAE → `AutoencoderKL.from_pretrained`", self.ours(combined, SD15), self.theirs(pipe, SD15))
        self.case("our VAE", check)

    def their_peft_lora(self):
        from peft import LoraConfig
        from peft.utils import get_peft_model_state_dict
        base = os.path.join(self.fixtures, "tiny-sd15")

        def check():
            torch.manual_seed(3)
            pipe = StableDiffusionPipeline.from_pretrained(base, torch_dtype=torch.float32, safety_checker=None)
            pipe.text_encoder.to(torch.float32)
            unet_config = LoraConfig(r=4, lora_alpha=2, init_lora_weights="gaussian",
                                     target_modules=["to_q", "to_k", "to_v", "to_out.0"])
            text_config = LoraConfig(r=4, lora_alpha=8, init_lora_weights="gaussian",
                                     target_modules=["q_proj", "k_proj", "v_proj", "out_proj"])
            pipe.unet.add_adapter(unet_config)
            pipe.text_encoder.add_adapter(text_config)
            with torch.no_grad():
                for module in (pipe.unet, pipe.text_encoder):
                    for name, p in module.named_parameters():
                        if "lora_B" in name:
                            p.normal_(0, 0.2)
            folder = os.path.join(self.work, "their-lora")
            StableDiffusionPipeline.save_lora_weights(
                folder, unet_lora_layers=get_peft_model_state_dict(pipe.unet),
                text_encoder_lora_layers=get_peft_model_state_dict(pipe.text_encoder),
                unet_lora_adapter_metadata=unet_config.to_dict(), text_encoder_lora_adapter_metadata=text_config.to_dict())
            path = os.path.join(folder, "pytorch_lora_weights.safetensors")
            theirs = self.theirs(pipe, SD15)
            self.compare("diffusers/PEFT LoRA (`save_lora_weights`, UNet α/r 0.5, text α/r 2) → `sdtrain generate --lora`",
                         self.ours(base, SD15, lora=path), theirs)

            unet_only = os.path.join(self.work, "their-unet-adapter")
            pipe.unet.save_lora_adapter(unet_only)
            pipe2 = StableDiffusionPipeline.from_pretrained(base, torch_dtype=torch.float32, safety_checker=None)
            pipe2.unet.load_lora_adapter(os.path.join(unet_only, "pytorch_lora_weights.safetensors"), prefix=None)
            self.compare("diffusers UNet `save_lora_adapter` (unprefixed) → `sdtrain generate --lora`",
                         self.ours(base, SD15, lora=os.path.join(unet_only, "pytorch_lora_weights.safetensors")),
                         self.theirs(pipe2, SD15))
        self.case("their PEFT LoRA", check)

    def their_saved_pipelines(self):
        for base_name, family in (("tiny-sd15", SD15), ("tiny-sdxl", SDXL)):
            def check(base_name=base_name, family=family):
                base = os.path.join(self.fixtures, base_name)
                kwargs = {"safety_checker": None} if family is SD15 else {}
                pipe = family["pipeline"].from_pretrained(base, torch_dtype=torch.float32, **kwargs)
                saved = os.path.join(self.work, f"saved-{base_name}")
                pipe.save_pretrained(saved)
                tokenizer_files = ",".join(sorted(os.listdir(os.path.join(saved, "tokenizer"))))
                self.compare(f"{base_name} saved by diffusers {diffusers.__version__} + transformers "
                             f"{transformers.__version__} → `sdtrain generate`",
                             self.ours(saved, family), self.theirs(pipe, family), "tokenizer/: " + tokenizer_files)
            self.case(f"{base_name} saved pipeline", check)


def main():
    sdtrain, fixtures = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    with tempfile.TemporaryDirectory() as work:
        interop = Interop(sdtrain, fixtures, work)
        interop.our_loras("tiny-sd15", SD15)
        interop.our_loras("tiny-sdxl", SDXL)
        interop.our_full_model()
        interop.our_vae()
        interop.their_peft_lora()
        interop.their_saved_pipelines()
    print(f"diffusers {diffusers.__version__}, transformers {transformers.__version__}, peft {peft.__version__}, "
          f"torch {torch.__version__}; bound: max abs difference ≤ {BOUND:g}")
    print()
    print("| case | max abs difference | mean abs difference | result | note |")
    print("|---|---|---|---|---|")
    print("\n".join(interop.rows))
    return 1 if interop.failed else 0


if __name__ == "__main__":
    sys.exit(main())
