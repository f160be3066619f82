"""The two learned codecs the lesson compares, one config for both.

- `HyperpriorCodec` (Minnen et al. 2018, mean-scale hyperprior): y is coded with a Gaussian per
  element whose mean and scale come from side information z; z itself has a factorized prior.
- `FactorizedCodec` (Ballé et al. 2018, factorized prior): y is coded with one learned density
  per channel, the same at every position: no side information, a weaker model.

Both expose the same four steps, which `course.compression.codec` strings together:
    analyse(x) -> integer symbols          write(symbols, coder)   (entropy coding)
    read(coder, size) -> integer symbols   synthesise(symbols) -> x_hat
and `forward(x)` for training (noisy latents, likelihoods for the rate term).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

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


@dataclass
class CodecConfig:
    """One rate point of one codec: its architecture, its λ and its training run."""

    kind: str = "hyperprior"  # "hyperprior" or "factorized"
    quality: int = 3  # the rate point, 1 (fewest bits) … 8; recorded in every bitstream
    lam: float = 0.0067  # λ of the loss R + λ·D (D: MSE on 0–255 pixel values scaled to [0, 1], ×255²)
    n: int = 64  # channels of the hidden layers (and of z)
    m: int = 96  # channels of y
    steps: int = 200_000
    batch_size: int = 8
    crop: int = 128
    lr: float = 1e-4
    clip: float = 1.0  # gradient-norm clipping
    save_every: int = 1000  # steps between training-state files (also every 10 minutes)
    photos: str = ""  # training photo folder; "" means data/photos
    seed: int = 0

    @property
    def name(self) -> str:
        return f"codec_{self.kind}_q{self.quality}"


class HyperpriorCodec(nn.Module):
    def __init__(self, config: CodecConfig):
        super().__init__()
        self.config = config
        n, m = config.n, config.m
        self.g_a, self.g_s = analysis(n, m), synthesis(n, m)
        self.h_a, self.h_s = hyper_analysis(n, m), hyper_synthesis(n, m)
        self.z_prior = FactorizedPrior(n)
        self.y_model = GaussianConditional()

    @property
    def name(self) -> str:
        return self.config.name

    def _mean_scale(self, z_hat: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, scale = self.h_s(z_hat).chunk(2, dim=1)  # each (B, M, H/16, W/16)
        return mean, scale

    def forward(self, x: torch.Tensor) -> dict:
        """x (B, 3, H, W) in [0, 1], H and W multiples of 64."""
        y = self.g_a(x)  # (B, M, H/16, W/16)
        z = self.h_a(y)  # (B, N, H/64, W/64)
        z_hat = quantize(z, self.training)
        mean, scale = self._mean_scale(z_hat)
        y_hat = quantize(y - mean, self.training) + mean
        return {
            "x_hat": self.g_s(y_hat),
            "likelihoods": {"y": self.y_model.likelihood(y_hat, mean, scale), "z": self.z_prior.likelihood(z_hat)},
        }

    @torch.no_grad()
    def analyse(self, x: torch.Tensor) -> dict[str, np.ndarray]:
        """x (1, 3, H, W) -> {'z': (N, H/64, W/64), 'y': (M, H/16, W/16)} integer symbols;
        y's symbols are the residuals round(y - mean)."""
        y = self.g_a(x)
        z_hat = torch.round(self.h_a(y))
        mean, _ = self._mean_scale(z_hat)
        return {"z": _int(z_hat[0]), "y": _int(torch.round(y - mean)[0])}

    @torch.no_grad()
    def write(self, symbols: dict[str, np.ndarray], coder) -> None:
        _, scale = self._mean_scale(_tensor(symbols["z"]))
        self.y_model.encode(coder, symbols["y"], self.y_model.coding_scales(scale))
        self.z_prior.encode(coder, symbols["z"])  # pushed last: the decoder needs z first

    @torch.no_grad()
    def information_bits(self, symbols: dict[str, np.ndarray]) -> float:
        """What an ideal entropy coder would spend on these symbols under the coding models."""
        _, scale = self._mean_scale(_tensor(symbols["z"]))
        y_bits = self.y_model.information_bits(symbols["y"], self.y_model.coding_scales(scale))
        return y_bits + self.z_prior.information_bits(symbols["z"])

    @torch.no_grad()
    def read(self, coder, height: int, width: int) -> dict[str, np.ndarray]:
        """Symbols of a padded image of height × width (multiples of 64)."""
        z = self.z_prior.decode(coder, (self.config.n, height // HYPER_DOWNSAMPLING, width // HYPER_DOWNSAMPLING))
        _, scale = self._mean_scale(_tensor(z))
        y = self.y_model.decode(coder, self.y_model.coding_scales(scale), (self.config.m, height // DOWNSAMPLING, width // DOWNSAMPLING))
        return {"z": z, "y": y}

    @torch.no_grad()
    def synthesise(self, symbols: dict[str, np.ndarray]) -> torch.Tensor:
        mean, _ = self._mean_scale(_tensor(symbols["z"]))
        return self.g_s(_tensor(symbols["y"]) + mean).clamp(0, 1)  # (1, 3, H, W)


class FactorizedCodec(nn.Module):
    def __init__(self, config: CodecConfig):
        super().__init__()
        self.config = config
        self.g_a, self.g_s = analysis(config.n, config.m), synthesis(config.n, config.m)
        self.y_prior = FactorizedPrior(config.m)

    @property
    def name(self) -> str:
        return self.config.name

    def forward(self, x: torch.Tensor) -> dict:
        y_hat = quantize(self.g_a(x), self.training)  # (B, M, H/16, W/16)
        return {"x_hat": self.g_s(y_hat), "likelihoods": {"y": self.y_prior.likelihood(y_hat)}}

    @torch.no_grad()
    def analyse(self, x: torch.Tensor) -> dict[str, np.ndarray]:
        return {"y": _int(torch.round(self.g_a(x))[0])}

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
    def synthesise(self, symbols: dict[str, np.ndarray]) -> torch.Tensor:
        return self.g_s(_tensor(symbols["y"])).clamp(0, 1)


def make_codec(config: CodecConfig) -> HyperpriorCodec | FactorizedCodec:
    if config.kind not in KINDS:
        raise ValueError(f"unknown codec kind {config.kind!r}; choose one of {', '.join(KINDS)}")
    return (HyperpriorCodec if config.kind == "hyperprior" else FactorizedCodec)(config)


def _int(t: torch.Tensor) -> np.ndarray:
    return t.numpy().astype(np.int32)


def _tensor(symbols: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(symbols.astype(np.float32))[None]  # (1, C, h, w)
