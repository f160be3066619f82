"""Generative Latent Coding (Jia et al., CVPR 2024) in three stages, small enough for a laptop.

GLC does not code pixels. It first learns a latent space in which images are *visually* right,
then learns to predict that latent, then tunes both for rate and distortion together:

    stage 1  autoencoder     x -> y -> x_hat          loss: MSE + w·(1 - SSIM)        (no rate; 64×64 crops)
    stage 2  code predictor  y -> z -> (mean, scale)  loss: bits of y and z           (autoencoder frozen)
    stage 3  joint           everything               loss: bits + λ_q·255²·MSE       (one λ per rate point)

The latent is *transform-coded*: y is quantized to integers (finer at higher rate points, via
the per-channel gains of `models.RateGains`) and entropy-coded under the predicted Gaussians
with real ANS bitstreams (`course.compression.coding`). Every figure is bytes of a file.

After stage 1 there is no code predictor yet; its rate is that of a fixed-length code of the
latent — every symbol written with log2(2·bound + 1) bits (`fixed_length_bytes`). That is also
how a VQ codebook index is coded without a prior: the comparison at the heart of the lesson.

One `GLCConfig` per domain (faces, flowers, natural crops); the checkpoint keeps the weights
after each stage, so the notebook can draw the RD curve stage by stage. A fourth, `tc_faces`,
is the VQ's opponent on equal terms: the faces recipe at three rate points near the VQ's quality.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch

from course.compression.entropy import decode_bound, encode_bound, rate_bpp, symbol_bound
from course.compression.glc.domains import DOMAINS, IMAGE_SIZE
from course.compression.metrics import ssim_terms
from course.compression.models import CodecConfig, HyperpriorCodec, transform
from course.core.progress import progress
from course.core.seeding import torch_threads

STAGES = ("stage1", "stage2", "final")


@dataclass
class GLCConfig:
    """One GLC codec and its three-stage training run (the shipped ones: `glc.presets`)."""

    domain: str = "faces"  # faces | flowers | natural: what the codec learns from (its experience)
    n: int = 32  # channels of the hidden layers and of z
    m: int = 48  # channels of y
    # one rate point each (R + λ·255²·MSE), about ×3 apart: from a few dozen bytes per face to ~0.4 bpp
    lambdas: tuple = (0.000003, 0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01)
    images: int = 2000  # training images, generated (faces, flowers) or cut from data/photos (natural)
    batch_size: int = 8  # small batches, many steps: more updates per CPU second
    ae_steps: int = 8000  # stage 1
    # stage 1 learns to draw on random 64×64 crops: 1.7× the steps per second of whole images, and
    # +1 dB after the same 150 s (the later stages see whole images: z needs the whole face)
    ae_crop: int = 64
    prior_steps: int = 500  # stage 2 (stage 3 goes on training the predictor)
    joint_steps: int = 10000  # stage 3
    lr: float = 1e-3  # GDN transforms sit on a plateau for hundreds of steps at 3e-4
    joint_lr: float = 3e-4  # stage 3's learning rate: fine-tuning, not learning anew
    rounded_synthesis: bool = True  # stage 3 decodes rounded latents, as at test time (see CodecConfig)
    ssim_weight: float = 0.05  # stage 1's structural term, next to an MSE of ~1e-3
    threads: int = 2  # CPU threads of the training run: a fixed number, whatever the machine has
    seed: int = 0  # seeds the training images, the weights and the batches
    label: str = ""  # the model's name, if not glc_<domain>

    def smoke(self) -> GLCConfig:
        """A tiny codec, a few steps per stage, one thread: for tests and `train --quick`."""
        return replace(self, n=8, m=12, images=24, batch_size=4, ae_steps=6, prior_steps=4, joint_steps=6, threads=1)

    def __post_init__(self):
        self.lambdas = tuple(float(lam) for lam in self.lambdas)
        if self.domain not in DOMAINS:
            raise ValueError(f"unknown domain {self.domain!r}; choose one of {', '.join(DOMAINS)}")

    @property
    def name(self) -> str:
        return self.label or f"glc_{self.domain}"

    def codec(self) -> CodecConfig:
        return CodecConfig(
            kind="hyperprior",
            n=self.n,
            m=self.m,
            lambdas=self.lambdas,
            bf16=True,
            label=self.name,
            rounded_synthesis=self.rounded_synthesis,
        )


def train_vq_twin(config: GLCConfig) -> tuple[dict, dict]:
    """`train_glc`, keeping only the final weights (the stage-by-stage curve is glc_faces's to show)."""
    tensors, metrics = train_glc(config)
    return {k: v for k, v in tensors.items() if not k.startswith("stage")}, metrics


def middle_rate_point(config: GLCConfig) -> int:
    """The rate point whose gain starts at 1: stage 1 trains the autoencoder there."""
    lam = torch.tensor(config.lambdas)
    return int(torch.argmin(torch.abs(lam - lam.median()))) + 1


def training_images(config: GLCConfig) -> torch.Tensor:
    """(images, 3, S, S) uint8: the domain's training set (seeded; never Kodak)."""
    images = DOMAINS[config.domain](config.images, seed=config.seed)
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)


def batch(images: torch.Tensor, size: int, generator: torch.Generator) -> torch.Tensor:
    """(size, 3, S, S) floats in [0, 1]: random images, each mirrored with probability 1/2."""
    picks = torch.randint(len(images), (size,), generator=generator)
    x = images[picks].float() / 255.0
    flip = torch.rand(size, generator=generator) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(-1), x)


def random_crop(x: torch.Tensor, size: int, generator: torch.Generator) -> torch.Tensor:
    """One random size × size window per image of x (B, 3, S, S); the whole image if size is 0."""
    if not size or size >= x.shape[-1]:
        return x
    top, left = torch.randint(x.shape[-1] - size + 1, (2, x.shape[0]), generator=generator)
    return torch.stack([img[:, t : t + size, l : l + size] for img, t, l in zip(x, top.tolist(), left.tolist())])


def structural_loss(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """1 - SSIM, averaged over the batch (images in [0, 1])."""
    return 1.0 - ssim_terms(x_hat * 255.0, x * 255.0)[0].mean()


def stage1_loss(model: HyperpriorCodec, x: torch.Tensor, config: GLCConfig) -> torch.Tensor:
    q = middle_rate_point(config)
    y = model.gains.scale(transform(model, model.g_a, x), torch.full((x.shape[0],), q))
    y_hat = y + torch.empty_like(y).uniform_(-0.5, 0.5)  # the quantization it will have to survive
    x_hat = transform(model, model.g_s, model.gains.unscale(y_hat, torch.full((x.shape[0],), q)))
    return torch.mean((x_hat - x) ** 2) + config.ssim_weight * structural_loss(x_hat, x)


def stage2_loss(model: HyperpriorCodec, x: torch.Tensor, quality: torch.Tensor) -> torch.Tensor:
    return rate_bpp(model(x, quality)["likelihoods"], x).mean()


def stage3_loss(model: HyperpriorCodec, x: torch.Tensor, quality: torch.Tensor) -> torch.Tensor:
    out = model(x, quality)
    lam = torch.tensor(model.config.lambdas)[quality - 1]
    mse = torch.mean((out["x_hat"] - x) ** 2, dim=(1, 2, 3))
    return torch.mean(rate_bpp(out["likelihoods"], x) + lam * 255**2 * mse)


def decay_learning_rate(optimizer: torch.optim.Optimizer, lr: float, step: int, steps: int) -> None:
    """`lr` for the first 90 % of `steps`, a tenth of it for the last 10 %."""
    for group in optimizer.param_groups:
        group["lr"] = lr * (0.1 if step >= 0.9 * steps else 1.0)


def descend(optimizer: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    """One step down `loss`, its gradient clipped to norm 1."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], 1.0)
    optimizer.step()


def _optimise(parameters, steps: int, lr: float, loss_of_batch, desc: str) -> float:
    optimizer = torch.optim.Adam(parameters, lr=lr)
    loss = float("nan")
    for step in progress(range(steps), desc=desc):
        decay_learning_rate(optimizer, lr, step, steps)
        value = loss_of_batch()
        descend(optimizer, value)
        loss = value.item()
    return loss


def train_glc(config: GLCConfig) -> tuple[dict, dict]:
    """All three stages; returns (tensors with 'stage1.', 'stage2.' and final keys, metrics)."""
    with torch_threads(config.threads):
        return _train_glc(config)


def _train_glc(config: GLCConfig) -> tuple[dict, dict]:
    images = training_images(config)
    model = HyperpriorCodec(config.codec()).train()
    generator = torch.Generator().manual_seed(config.seed)
    points = config.codec().rate_points

    def qualities() -> torch.Tensor:
        return torch.randint(1, points + 1, (config.batch_size,), generator=generator)

    autoencoder = [*model.g_a.parameters(), *model.g_s.parameters()]
    predictor = [*model.h_a.parameters(), *model.h_s.parameters(), *model.z_prior.parameters()]
    metrics = {}
    metrics["stage1_loss"] = _optimise(
        autoencoder,
        config.ae_steps,
        config.lr,
        lambda: stage1_loss(
            model, random_crop(batch(images, config.batch_size, generator), config.ae_crop, generator), config
        ),
        f"{config.name}: 1 autoencoder",
    )
    tensors = {f"stage1.{k}": v.detach().clone() for k, v in model.state_dict().items()}
    metrics["stage2_bpp"] = _optimise(
        predictor,
        config.prior_steps,
        config.lr,
        lambda: stage2_loss(model, batch(images, config.batch_size, generator), qualities()),
        f"{config.name}: 2 code predictor",
    )
    tensors |= {f"stage2.{k}": v.detach().clone() for k, v in model.state_dict().items()}
    metrics["stage3_loss"] = _optimise(
        model.parameters(),
        config.joint_steps,
        config.joint_lr,
        lambda: stage3_loss(model, batch(images, config.batch_size, generator), qualities()),
        f"{config.name}: 3 joint",
    )
    tensors |= {k: v.detach().clone() for k, v in model.state_dict().items()}
    return tensors, {k: round(v, 5) for k, v in metrics.items()}


def load_glc(name: str, stage: str = "final") -> HyperpriorCodec:
    """A shipped GLC codec ('glc_faces', …) as it was after `stage` ('stage1', 'stage2' or 'final')."""
    from course.core.checkpoints import config_from_entry, load_checkpoint, load_weights

    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; choose one of {', '.join(STAGES)}")
    tensors, entry = load_checkpoint(name)
    config = config_from_entry(GLCConfig, entry, name)
    prefix = "" if stage == "final" else f"{stage}."
    model = HyperpriorCodec(config.codec())
    stage_tensors = {
        k[len(prefix) :]: v
        for k, v in tensors.items()
        if (k.startswith(prefix) if prefix else not k.startswith("stage"))
    }
    return load_weights(model, stage_tensors, name).eval()


# ------------------------------------------------------------------ a code without a predictor


def fixed_length_bytes(model: HyperpriorCodec, image: np.ndarray, quality: int) -> int:
    """Size of `fixed_length_file`: the rate of stage 1."""
    return len(fixed_length_file(model, image, quality))


def fixed_length_file(model: HyperpriorCodec, image: np.ndarray, quality: int) -> bytes:
    """The latent written with a fixed-length code — log2(2·bound + 1) bits per symbol, no code
    predictor — with the same header and checksum as every file. `fixed_length_decode` reads it."""
    import constriction

    from course.compression.bitstream import Header, pack
    from course.compression.coding import check_quality, fingerprint, pad, to_tensor

    quality = check_quality(model, quality)
    with torch.no_grad():
        y = model.gains.scale(model.g_a(pad(to_tensor(image))), torch.tensor([quality]))
    symbols = torch.round(y).to(torch.int64).numpy().reshape(-1)
    bound = symbol_bound(symbols)
    coder = constriction.stream.stack.AnsCoder()
    coder.encode_reverse((symbols + bound).astype(np.int32), constriction.stream.model.Uniform(2 * bound + 1))
    encode_bound(coder, bound)
    header = Header(image.shape[0], image.shape[1], model.name + "-fixed", quality, fingerprint(model))
    return pack(header, coder.get_compressed())


@torch.no_grad()
def fixed_length_decode(data: bytes, model: HyperpriorCodec) -> np.ndarray:
    """A file from `fixed_length_file` -> the (H, W, 3) uint8 image (the stage-1 autoencoder's output)."""
    import constriction

    from course.compression.bitstream import WrongModelError, unpack
    from course.compression.coding import padded_size, to_array

    header, words = unpack(data)
    if header.model != model.name + "-fixed":
        raise WrongModelError(f"the file was written as {header.model!r}; this decoder reads {model.name}-fixed")
    coder = constriction.stream.stack.AnsCoder(words)
    bound = decode_bound(coder)
    ph, pw = padded_size(header.height, header.width)
    shape = (1, model.config.m, ph // 16, pw // 16)
    flat = coder.decode(constriction.stream.model.Uniform(2 * bound + 1), int(np.prod(shape)))
    y_hat = torch.from_numpy((np.asarray(flat, dtype=np.int64) - bound).reshape(shape).astype(np.float32))
    x_hat = model.g_s(model.gains.unscale(y_hat, torch.tensor([header.quality]))).clamp(0, 1)
    return to_array(x_hat[..., : header.height, : header.width])


def fixed_length_bits_per_symbol(bound: int) -> float:
    return math.log2(2 * bound + 1)


__all__ = [
    "GLCConfig",
    "IMAGE_SIZE",
    "STAGES",
    "train_vq_twin",
    "fixed_length_bytes",
    "fixed_length_decode",
    "fixed_length_file",
    "load_glc",
    "train_glc",
]
