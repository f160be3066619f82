"""The two learned codecs the lesson compares, one config for both.

- `HyperpriorCodec` (Minnen et al. 2018, mean-scale hyperprior): y is coded with a Gaussian per
  element whose mean and scale come from side information z; z itself has a factorized prior.
- `FactorizedCodec` (Ballé et al. 2018, factorized prior): y is coded with one learned density
  per channel, the same at every position: no side information, a weaker model.

One model covers every rate point (a variable-rate codec with gain vectors, Cui et al. 2021):
rate point q scales the latent channel by channel before quantization, y_q = y · gain[q], and
undoes it before synthesis, y_hat · inverse_gain[q]. A larger gain means finer quantization steps:
more bits, less distortion. Training draws a rate point per crop and weighs its distortion by that
point's λ, so one network learns the whole rate–distortion curve.

Both codecs expose the same four steps, which `course.compression.coding` strings together:
    analyse(x, q) -> integer symbols       write(symbols, coder)   (entropy coding)
    read(coder, size) -> integer symbols   synthesise(symbols, q) -> x_hat
and `forward(x, q)` for training (noisy latents, likelihoods for the rate term).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import torch
from torch import nn

from course.compression.coding import pad
from course.compression.entropy import FactorizedPrior, GaussianConditional, quantize
from course.compression.transforms import (
    DOWNSAMPLING,
    HYPER_DOWNSAMPLING,
    analysis,
    hyper_analysis,
    hyper_synthesis,
    synthesis,
)

KINDS = ("hyperprior", "factorized")


# λ of each rate point, on the CompressAI scale (loss R + λ·255²·MSE): doubling from point to point,
# about 0.05 … 1 bpp on Kodak
LAMBDAS = (0.0004, 0.0008, 0.0016, 0.0032, 0.0064, 0.0128, 0.0256, 0.0512)


@dataclass
class CodecConfig:
    """One codec: its architecture, its rate points and its training run (shipped: `codec.presets`)."""

    kind: str = "hyperprior"  # "hyperprior" or "factorized"
    lambdas: tuple = LAMBDAS  # rate point q (1, 2, …) trades bits for distortion with λ = lambdas[q - 1]
    n: int = 64  # channels of the hidden layers (and of z)
    m: int = 96  # channels of y
    steps: int = 150_000  # about 7 hours of one CPU thread, 45 minutes on a GPU (the factorized prior: 80,000)
    batch_size: int = 8  # photo crops per step
    crop: int = 128  # side of each random crop, in pixels
    lr: float = 1e-4  # Adam's learning rate (stepped down near the end: `codec.train.learning_rate`)
    clip: float = 1.0  # gradient-norm clipping
    save_every: int = 1000  # steps between training-state files (also every 10 minutes)
    photos: str = ""  # training photo folder; "" means data/photos
    bf16: bool = True  # training runs the transforms in bfloat16 (about 2x faster on a CPU); coding is always float32
    seed: int = 0  # seeds the weights and the crops
    label: str = ""  # the model's name in bitstreams, if not codec_<kind> (the lesson's codecs have their own)
    # Training feeds the synthesis the *rounded* latent (gradients pass straight through) while the
    # rate still sees the noisy one (Minnen & Singh 2020): the decoder then trains on what it decodes.
    rounded_synthesis: bool = False

    def smoke(self) -> CodecConfig:
        """A tiny codec trained for 20 steps, for tests and `train --quick`."""
        return replace(self, n=8, m=12, steps=20, batch_size=2, crop=64, save_every=10)

    def __post_init__(self):
        self.lambdas = tuple(float(lam) for lam in self.lambdas)  # a list from a JSON manifest, too

    @property
    def name(self) -> str:
        return self.label or f"codec_{self.kind}"

    @property
    def rate_points(self) -> int:
        return len(self.lambdas)


class RateGains(nn.Module):
    """Per rate point, a gain for each latent channel and its (separately learned) inverse.
    Initialised at sqrt(λ_q / λ_middle): quantization steps shrink as λ grows, as the high-rate
    theory of quantization says they should (distortion ∝ step², optimal distortion ∝ 1/λ)."""

    def __init__(self, lambdas: tuple, channels: int):
        super().__init__()
        lam = torch.tensor(lambdas, dtype=torch.float32)
        start = 0.5 * torch.log(lam / lam.median())[:, None].expand(len(lambdas), channels)  # (Q, M)
        self.log_gain = nn.Parameter(start.clone())
        self.log_inverse_gain = nn.Parameter(-start.clone())

    def check(self, quality) -> None:
        q = torch.as_tensor(quality)
        if q.numel() and (q.min() < 1 or q.max() > self.log_gain.shape[0]):
            raise ValueError(f"rate point {quality} is not one of this codec's 1 … {self.log_gain.shape[0]}")

    def scale(self, y: torch.Tensor, quality: torch.Tensor) -> torch.Tensor:
        """y (B, M, h, w) · gain of each sample's rate point (quality: (B,) ints, 1-based)."""
        return y * torch.exp(self.log_gain[quality - 1])[:, :, None, None]

    def unscale(self, y_hat: torch.Tensor, quality: torch.Tensor) -> torch.Tensor:
        return y_hat * torch.exp(self.log_inverse_gain[quality - 1])[:, :, None, None]


class HasBF16Switch(Protocol):
    """A codec whose config says whether its transforms train in bfloat16."""

    training: bool
    config: Any  # with a `bf16: bool` field


def transform(codec: HasBF16Switch, net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """net(x), in bfloat16 while training if the config asks for it. The entropy models always run in
    float32: a likelihood is a difference of two CDF values, which bfloat16's 3 digits would ruin."""
    if codec.training and codec.config.bf16:
        with torch.autocast(x.device.type, dtype=torch.bfloat16):
            return net(x).float()
    return net(x)


def _qualities(quality, batch: int) -> torch.Tensor:
    """An int or a (B,) tensor of rate points -> a (B,) long tensor."""
    q = torch.as_tensor(quality, dtype=torch.long)
    return q.expand(batch) if q.dim() == 0 else q


class MeanScaleCoding(nn.Module):
    """The coding steps of a mean-scale hyperprior codec (`analyse`, `write`, `read`, `synthesise`),
    shared by every codec that has its modules: g_a, h_a, h_s, gains, z_prior, y_model and a
    synthesis transform (`synthesis_net`). `downsampling` and `hyper_downsampling` are how many
    pixels per side one position of y and of z stands for."""

    downsampling = DOWNSAMPLING
    hyper_downsampling = HYPER_DOWNSAMPLING
    config: Any
    g_a: nn.Module
    g_s: nn.Module
    h_a: nn.Module
    h_s: nn.Module
    gains: RateGains
    z_prior: FactorizedPrior
    y_model: GaussianConditional

    @property
    def name(self) -> str:
        return self.config.name

    def synthesis_net(self) -> nn.Module:
        """The transform `synthesise` decodes with."""
        return self.g_s

    def mean_scale(self, z_hat: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, scale = self.h_s(z_hat).chunk(2, dim=1)  # each (B, M, H/d, W/d), d = downsampling
        return mean, scale

    @torch.no_grad()
    def analyse(self, x: torch.Tensor, quality: int) -> dict[str, np.ndarray]:
        """x (1, 3, H, W) -> {'z': (N, H/D, W/D), 'y': (M, H/d, W/d)} integer symbols (D, d: the
        hyper and latent downsampling; x is padded to a multiple of D); y's symbols are the
        residuals round(y - mean)."""
        self.gains.check(quality)
        y = self.gains.scale(self.g_a(pad(x, self.hyper_downsampling)), _qualities(quality, 1))
        z_hat = torch.round(self.h_a(y))
        mean, _ = self.mean_scale(z_hat)
        return {"z": _int(z_hat[0]), "y": _int(torch.round(y - mean)[0])}

    @torch.no_grad()
    def write(self, symbols: dict[str, np.ndarray], coder) -> None:
        _, scale = self.mean_scale(_tensor(symbols["z"]))
        self.y_model.encode(coder, symbols["y"], self.y_model.coding_scales(scale))
        self.z_prior.encode(coder, symbols["z"])  # pushed last: the decoder needs z first

    @torch.no_grad()
    def information_bits(self, symbols: dict[str, np.ndarray]) -> float:
        """What an ideal entropy coder would spend on these symbols under the coding models."""
        _, scale = self.mean_scale(_tensor(symbols["z"]))
        y_bits = self.y_model.information_bits(symbols["y"], self.y_model.coding_scales(scale))
        return y_bits + self.z_prior.information_bits(symbols["z"])

    @torch.no_grad()
    def read(self, coder, height: int, width: int) -> dict[str, np.ndarray]:
        """Symbols of an image of height × width, padded to a multiple of `hyper_downsampling`."""
        hyper, latent = self.hyper_downsampling, self.downsampling
        height, width = -(-height // hyper) * hyper, -(-width // hyper) * hyper
        z = self.z_prior.decode(coder, (self.config.n, height // hyper, width // hyper))
        _, scale = self.mean_scale(_tensor(z))
        y = self.y_model.decode(
            coder, self.y_model.coding_scales(scale), (self.config.m, height // latent, width // latent)
        )
        return {"z": z, "y": y}

    @torch.no_grad()
    def synthesise(self, symbols: dict[str, np.ndarray], quality: int) -> torch.Tensor:
        self.gains.check(quality)
        mean, _ = self.mean_scale(_tensor(symbols["z"]))
        y_hat = self.gains.unscale(_tensor(symbols["y"]) + mean, _qualities(quality, 1))
        return self.synthesis_net()(y_hat).clamp(0, 1)  # (1, 3, H, W)


class HyperpriorCodec(MeanScaleCoding):
    def __init__(self, config: CodecConfig):
        super().__init__()
        self.config = config
        n, m = config.n, config.m
        self.g_a, self.g_s = analysis(n, m), synthesis(n, m)
        self.h_a, self.h_s = hyper_analysis(n, m), hyper_synthesis(n, m)
        self.gains = RateGains(config.lambdas, m)
        self.z_prior = FactorizedPrior(n)
        self.y_model = GaussianConditional()

    def forward(self, x: torch.Tensor, quality) -> dict:
        """x (B, 3, H, W) in [0, 1], H and W multiples of 64; quality: a rate point, or one per image."""
        q = _qualities(quality, x.shape[0])
        self.gains.check(q)
        y = self.gains.scale(transform(self, self.g_a, x), q)  # (B, M, H/16, W/16)
        z = transform(self, self.h_a, y)  # (B, N, H/64, W/64)
        z_hat = quantize(z, self.training)
        mean, scale = transform(self, self.h_s, z_hat).chunk(2, dim=1)  # each (B, M, H/16, W/16)
        y_hat = quantize(y - mean, self.training) + mean
        y_dec = y_hat
        if self.training and self.config.rounded_synthesis:
            y_dec = y + (torch.round(y - mean) + mean - y).detach()  # rounded forward, identity backward
        return {
            "x_hat": transform(self, self.g_s, self.gains.unscale(y_dec, q)),
            "likelihoods": {"y": self.y_model.likelihood(y_hat, mean, scale), "z": self.z_prior.likelihood(z_hat)},
        }


class FactorizedCodec(nn.Module):
    def __init__(self, config: CodecConfig):
        super().__init__()
        self.config = config
        self.g_a, self.g_s = analysis(config.n, config.m), synthesis(config.n, config.m)
        self.gains = RateGains(config.lambdas, config.m)
        self.y_prior = FactorizedPrior(config.m)

    @property
    def name(self) -> str:
        return self.config.name

    def forward(self, x: torch.Tensor, quality) -> dict:
        q = _qualities(quality, x.shape[0])
        self.gains.check(q)
        y_hat = quantize(self.gains.scale(transform(self, self.g_a, x), q), self.training)  # (B, M, H/16, W/16)
        x_hat = transform(self, self.g_s, self.gains.unscale(y_hat, q))
        return {"x_hat": x_hat, "likelihoods": {"y": self.y_prior.likelihood(y_hat)}}

    @torch.no_grad()
    def analyse(self, x: torch.Tensor, quality: int) -> dict[str, np.ndarray]:
        self.gains.check(quality)
        return {"y": _int(torch.round(self.gains.scale(self.g_a(x), _qualities(quality, 1)))[0])}

    @torch.no_grad()
    def write(self, symbols: dict[str, np.ndarray], coder) -> None:
        self.y_prior.encode(coder, symbols["y"])

    @torch.no_grad()
    def information_bits(self, symbols: dict[str, np.ndarray]) -> float:
        return self.y_prior.information_bits(symbols["y"])

    @torch.no_grad()
    def read(self, coder, height: int, width: int) -> dict[str, np.ndarray]:
        return {"y": self.y_prior.decode(coder, (self.config.m, height // DOWNSAMPLING, width // DOWNSAMPLING))}

    @torch.no_grad()
    def synthesise(self, symbols: dict[str, np.ndarray], quality: int) -> torch.Tensor:
        self.gains.check(quality)
        return self.g_s(self.gains.unscale(_tensor(symbols["y"]), _qualities(quality, 1))).clamp(0, 1)


def make_codec(config: CodecConfig) -> HyperpriorCodec | FactorizedCodec:
    if config.kind not in KINDS:
        raise ValueError(f"unknown codec kind {config.kind!r}; choose one of {', '.join(KINDS)}")
    return (HyperpriorCodec if config.kind == "hyperprior" else FactorizedCodec)(config)


def _int(t: torch.Tensor) -> np.ndarray:
    return t.cpu().numpy().astype(np.int32)


def _tensor(symbols: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(symbols.astype(np.float32))[None]  # (1, C, h, w)
