"""Training a codec: random photo crops, loss R + λ·D, resumable.

    R = bits of y and z (from the entropy models' likelihoods) / pixels     (bits per pixel)
    D = 255² · MSE with pixels in [0, 1]                                    (MSE on 0–255 values)

A full run takes hours of CPU, so the loop writes a training state (weights, Adam moments, the
crop generator's state, the step) every `save_every` steps, atomically, as safetensors; running
the same command again continues from it. The state lives in build/training/ (or in
$COURSE_TRAINING_DIR) and is not a shipped file.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from course.compression.data import load_photos, package_images, random_crops
from course.compression.entropy import bits
from course.compression.models import CodecConfig, make_codec
from course.core.checkpoints import _write_atomically
from course.core.paths import REPO_ROOT
from course.core.progress import progress

# λ per rate point, on the CompressAI scale (λ · 255² · MSE): about 0.05 … 1 bpp on Kodak
LAMBDAS = {1: 0.0009, 2: 0.0018, 3: 0.0035, 4: 0.0067, 5: 0.0130, 6: 0.0250}


class TrainingStateError(ValueError):
    pass


def codec_config(kind: str, quality: int, quick: bool = False) -> CodecConfig:
    if quality not in LAMBDAS:
        raise ValueError(f"rate point {quality} is not one of {sorted(LAMBDAS)}")
    config = CodecConfig(kind=kind, quality=quality, lam=LAMBDAS[quality])
    if quick:
        config.n, config.m, config.steps, config.batch_size, config.crop = 8, 12, 20, 2, 64
        config.save_every = 10
    return config


def training_state_path(name: str) -> Path:
    root = Path(os.environ.get("COURSE_TRAINING_DIR", REPO_ROOT / "build" / "training"))
    return root / f"{name}.state.safetensors"


def learning_rate(config: CodecConfig, step: int) -> float:
    """Constant, then a tenth of it for the last 10 % of the steps."""
    return config.lr * (0.1 if step >= 0.9 * config.steps else 1.0)


def rd_loss(model, x: torch.Tensor, lam: float) -> dict[str, torch.Tensor]:
    out = model(x)
    pixels = x.shape[0] * x.shape[2] * x.shape[3]
    bpp = sum(bits(lik) for lik in out["likelihoods"].values()) / pixels
    mse = torch.mean((out["x_hat"] - x) ** 2)
    return {"loss": bpp + lam * 255**2 * mse, "bpp": bpp, "mse": mse}


def _save_state(path: Path, config: CodecConfig, model, optimizer, generator: torch.Generator, step: int, seconds: float) -> None:
    from safetensors.torch import save_file

    tensors = {f"model.{k}": v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    for index, state in optimizer.state_dict()["state"].items():
        for key, value in state.items():
            tensors[f"optim.{index}.{key}"] = torch.as_tensor(value).clone().contiguous()
    tensors["generator"] = generator.get_state().clone()  # the crops
    tensors["torch_rng"] = torch.get_rng_state().clone()  # the quantization noise
    metadata = {"config": json.dumps(asdict(config), sort_keys=True), "step": str(step), "seconds": f"{seconds:.1f}"}
    _write_atomically(path, lambda tmp: save_file(tensors, str(tmp), metadata=metadata))


def _load_state(path: Path, config: CodecConfig, model, optimizer, generator: torch.Generator) -> tuple[int, float]:
    """Restore everything; return (steps done, training seconds spent in all earlier runs)."""
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            metadata = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    except Exception as err:
        raise TrainingStateError(f"training state {path} cannot be read ({err}); delete it to start over") from err
    if metadata.get("config") != json.dumps(asdict(config), sort_keys=True):
        raise TrainingStateError(
            f"training state {path} was written with a different config ({metadata.get('config')}); "
            "delete it to train this config from scratch, or restore the config it was written with"
        )
    try:
        model.load_state_dict({k[len("model.") :]: v for k, v in tensors.items() if k.startswith("model.")})
        optim = optimizer.state_dict()
        for index in range(len(list(model.parameters()))):
            keys = [k for k in tensors if k.startswith(f"optim.{index}.")]
            if keys:
                optim["state"][index] = {k.split(".", 2)[2]: tensors[k] for k in keys}
        optimizer.load_state_dict(optim)
        generator.set_state(tensors["generator"])
        torch.set_rng_state(tensors["torch_rng"])
    except (RuntimeError, KeyError, ValueError) as err:
        raise TrainingStateError(
            f"training state {path} does not fit this version of the model ({str(err).splitlines()[0]}); "
            "delete it to start over"
        ) from err
    return int(metadata["step"]), float(metadata.get("seconds", 0.0))


def train_codec(config: CodecConfig, images: list[np.ndarray] | None = None) -> tuple[dict, dict]:
    """Train (or resume) one rate point; return (state dict, headline metrics)."""
    if images is None:
        images = load_photos(config.photos or None) + package_images()
    model = make_codec(config)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    generator = torch.Generator().manual_seed(config.seed)
    path = training_state_path(config.name)
    start, earlier = _load_state(path, config, model, optimizer, generator) if path.exists() else (0, 0.0)
    run_start = time.monotonic()
    model.train()
    bar = progress(range(start, config.steps), desc=f"train {config.name}", initial=start, total=config.steps)
    last_save = time.monotonic()
    for step in bar:
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(config, step)
        losses = rd_loss(model, random_crops(images, config.batch_size, config.crop, generator), config.lam)
        optimizer.zero_grad(set_to_none=True)
        losses["loss"].backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip)
        optimizer.step()
        if step % 50 == 0:
            bar.set_postfix(bpp=f"{losses['bpp'].item():.3f}", psnr=f"{-10 * np.log10(losses['mse'].item()):.2f}")
        done = step + 1
        if done % config.save_every == 0 or done == config.steps or time.monotonic() - last_save > 600:
            _save_state(path, config, model, optimizer, generator, done, earlier + time.monotonic() - run_start)
            last_save = time.monotonic()
    model.eval()
    metrics = evaluate_on_crops(model, images, config)
    metrics["train_seconds_all_runs"] = round(earlier + time.monotonic() - run_start, 1)
    return model.state_dict(), metrics


@torch.no_grad()
def evaluate_on_crops(model, images: list[np.ndarray], config: CodecConfig, count: int = 16) -> dict:
    """Rate (from the likelihoods, rounded latents) and PSNR on fixed training crops: a quick health
    check, not the lesson's figures (those come from real bitstreams on Kodak)."""
    model.eval()
    crops = random_crops(images, count, config.crop, torch.Generator().manual_seed(config.seed + 1))
    losses = rd_loss(model, crops, config.lam)
    return {"crop_bpp": round(losses["bpp"].item(), 4), "crop_psnr": round(float(-10 * np.log10(losses["mse"].item())), 2)}
