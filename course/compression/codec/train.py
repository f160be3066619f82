"""Training a codec: random photo crops, loss R + λ·D, resumable.

    R = bits of y and z (from the entropy models' likelihoods) / pixels     (bits per pixel)
    D = 255² · MSE with pixels in [0, 1]                                    (MSE on 0–255 values)

Each crop is coded at a random rate point q and weighted by that point's λ_q, so one model learns
every point of the rate–distortion curve. Training runs on a GPU when torch sees one (the same
command, the same recipe; only the speed differs), else on the CPU.

A full run takes hours of CPU, so the loop writes a training state (weights, Adam moments, the
crop generator's state, the step) every `save_every` steps, atomically, as safetensors; running
the same command again continues from it. The state lives in build/training/ (or in
$COURSE_TRAINING_DIR) and is not a shipped file.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from course.compression.data import load_photos, package_images, random_crops
from course.compression.entropy import rate_bpp
from course.compression.models import CodecConfig, make_codec
from course.core.files import atomic_write
from course.core.paths import REPO_ROOT
from course.core.progress import progress
from course.core.seeding import torch_flags


class TrainingStateError(ValueError):
    pass


def training_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def training_state_path(name: str) -> Path:
    root = Path(os.environ.get("COURSE_TRAINING_DIR", REPO_ROOT / "build" / "training"))
    return root / f"{name}.state.safetensors"


def learning_rate(config: CodecConfig, step: int) -> float:
    """Constant, then a tenth of it for the last 10 % of the steps."""
    return config.lr * (0.1 if step >= 0.9 * config.steps else 1.0)


def rd_loss(model, x: torch.Tensor, quality: torch.Tensor) -> dict[str, torch.Tensor]:
    """x (B, 3, H, W), quality (B,) rate points -> the mean of R_i + λ_i·D_i, and its parts."""
    out = model(x, quality)
    lam = torch.tensor(model.config.lambdas, device=x.device)[quality - 1]  # (B,)
    bpp = rate_bpp(out["likelihoods"], x)  # (B,)
    mse = torch.mean((out["x_hat"] - x) ** 2, dim=(1, 2, 3))  # (B,)
    return {"loss": torch.mean(bpp + lam * 255**2 * mse), "bpp": bpp, "mse": mse}


def _save_state(
    path: Path,
    config: CodecConfig,
    model,
    optimizer,
    generator: torch.Generator,
    step: int,
    seconds: float,
    history: list[dict],
) -> None:
    from safetensors.torch import save_file

    tensors = {f"model.{k}": v.detach().cpu().clone().contiguous() for k, v in model.state_dict().items()}
    for index, state in optimizer.state_dict()["state"].items():
        for key, value in state.items():
            tensors[f"optim.{index}.{key}"] = torch.as_tensor(value).cpu().clone().contiguous()
    tensors["generator"] = generator.get_state().clone()  # the crops and their rate points
    tensors["torch_rng"] = torch.get_rng_state().clone()  # the quantization noise (on the CPU)
    if torch.cuda.is_available():
        tensors["cuda_rng"] = torch.cuda.get_rng_state().clone()  # (on a GPU)
    metadata = {
        "config": json.dumps(asdict(config), sort_keys=True),
        "step": str(step),
        "seconds": f"{seconds:.1f}",
        "history": json.dumps(history),
    }
    atomic_write(path, lambda tmp: save_file(tensors, str(tmp), metadata=metadata))


def _same_config(saved_json: str | None, config: CodecConfig) -> bool:
    """A state belongs to this config if every field agrees; a field added to CodecConfig after the
    state was written counts as agreeing while it keeps its default (old states stay resumable)."""
    if saved_json is None:
        return False
    saved, current = json.loads(saved_json), json.loads(json.dumps(asdict(config)))
    defaults = json.loads(json.dumps(asdict(type(config)())))
    for key, value in current.items():
        if key not in saved and value == defaults[key]:
            saved[key] = value
    return saved == current


def _load_state(
    path: Path, config: CodecConfig, model, optimizer, generator: torch.Generator
) -> tuple[int, float, list[dict]]:
    """Restore everything; return (steps done, training seconds spent in all earlier runs, those runs:
    [{"device", "from_step", "to_step"}, …], empty for a state written before runs were recorded)."""
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            metadata = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}
    except Exception as err:
        raise TrainingStateError(f"training state {path} cannot be read ({err}); delete it to start over") from err
    if not _same_config(metadata.get("config"), config):
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
        if "cuda_rng" in tensors and torch.cuda.is_available():
            torch.cuda.set_rng_state(tensors["cuda_rng"])
    except (RuntimeError, KeyError, ValueError) as err:
        raise TrainingStateError(
            f"training state {path} does not fit this version of the model ({str(err).splitlines()[0]}); "
            "delete it to start over"
        ) from err
    return int(metadata["step"]), float(metadata.get("seconds", 0.0)), json.loads(metadata.get("history", "[]"))


def train_codec(config: CodecConfig, images: list[np.ndarray] | None = None, device=None) -> tuple[dict, dict]:
    """Train (or resume) a codec at all its rate points; return (state dict on the CPU, headline metrics)."""
    device = torch.device(device) if device is not None else training_device()
    # On a GPU: fast, not bit-reproducible (the one-thread CPU run is the reference). The process's
    # settings come back afterwards.
    gpu_speed = torch_flags(deterministic=False, cudnn_benchmark=True, tf32=True)
    with gpu_speed if device.type == "cuda" else contextlib.nullcontext():
        return _train_codec(config, images, device)


def _train_codec(config: CodecConfig, images: list[np.ndarray] | None, device: torch.device) -> tuple[dict, dict]:
    if images is None:
        images = load_photos(Path(config.photos) if config.photos else None) + package_images()
    model = make_codec(config).to(device)
    sources: list[np.ndarray] | list[torch.Tensor] = images
    if device.type != "cpu":  # crop on the device: a few kilobytes of indices instead of a batch of floats
        sources = [torch.from_numpy(np.ascontiguousarray(im)).to(device) for im in images]
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    generator = torch.Generator().manual_seed(config.seed)
    path = training_state_path(config.name)
    start, earlier, history = _load_state(path, config, model, optimizer, generator) if path.exists() else (0, 0.0, [])
    device_name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"

    def runs_until(step: int) -> list[dict]:  # the earlier runs, and this one up to `step` if it did any
        return history + ([{"device": device_name, "from_step": start, "to_step": step}] if step > start else [])

    run_start = time.monotonic()
    model.train()
    bar = progress(range(start, config.steps), desc=f"train {config.name}", initial=start, total=config.steps)
    last_save = time.monotonic()
    for step in bar:
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(config, step)
        crops = random_crops(sources, config.batch_size, config.crop, generator)
        quality = torch.randint(1, config.rate_points + 1, (config.batch_size,), generator=generator).to(device)
        losses = rd_loss(model, crops, quality)
        optimizer.zero_grad(set_to_none=True)
        losses["loss"].backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip)
        optimizer.step()
        if step % 100 == 0:
            bar.set_postfix(loss=f"{losses['loss'].item():.3f}")
        done = step + 1
        if done % config.save_every == 0 or done == config.steps or time.monotonic() - last_save > 600:
            _save_state(
                path,
                config,
                model,
                optimizer,
                generator,
                done,
                earlier + time.monotonic() - run_start,
                runs_until(done),
            )
            last_save = time.monotonic()
    model.eval()
    metrics = evaluate_on_crops(model, sources, config)
    metrics["train_seconds_all_runs"] = round(earlier + time.monotonic() - run_start, 1)
    # a run resumed on another device (a GPU for speed, say) is reproducible only run by run: say which did what
    metrics["train_runs"] = runs_until(config.steps)
    metrics["train_devices"] = list(dict.fromkeys(run["device"] for run in metrics["train_runs"]))
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}, metrics


@torch.no_grad()
def evaluate_on_crops(model, images: list, config: CodecConfig, count: int = 16) -> dict:
    """Rate (from the likelihoods, rounded latents) and PSNR on fixed training crops at the lowest and
    highest rate points: a quick health check, not the lesson's figures (those come from real
    bitstreams on Kodak)."""
    model.eval()
    device = next(model.parameters()).device
    crops = random_crops(images, count, config.crop, torch.Generator().manual_seed(config.seed + 1))
    metrics = {}
    for name, q in (("lowest", 1), ("highest", config.rate_points)):
        losses = rd_loss(model, crops, torch.full((count,), q, device=device))
        metrics[f"crop_bpp_{name}"] = round(losses["bpp"].mean().item(), 4)
        metrics[f"crop_psnr_{name}"] = round(float(-10 * np.log10(losses["mse"].mean().item())), 2)
    return metrics
