"""Embeddings of the same sprites: an autoencoder, a VAE, a β-VAE and a β-TCVAE.

All three share one encoder and one decoder; they differ only in the loss:
- autoencoder: reconstruction alone, the latent is a point;
- VAE: reconstruction + KL(q(z|x) || N(0, I)), the latent is a distribution;
- β-VAE: the same with the KL weighted by β > 1, which presses each latent dimension to carry
  as little information as it can, and so (often) one factor of variation each;
- β-TCVAE: splits the KL into mutual information + total correlation + per-dimension KL and
  weights only the total correlation by β: it pays for dependence *between* dimensions, which
  is exactly entanglement, without blurring the reconstruction as much as a β-VAE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F
from torch import nn

LATENT_DIM = 10


@dataclass
class EmbeddingConfig:
    """Hyperparameters of one embedding model and its training run (shipped ones: `presets`)."""

    kind: str = "vae"  # "ae", "vae", "beta_vae" or "beta_tcvae"
    beta: float = 1.0  # weight of the KL term (β-TCVAE: of the total correlation; AE: unused)
    dataset_size: int = 9000  # β-TCVAE's minibatch-weighted estimate of q(z) needs it
    latent_dim: int = LATENT_DIM  # coordinates of the embedding
    steps: int = 6000  # optimiser steps (the run stops on this count)
    warmup_steps: int = 2000  # the KL price rises linearly from 0 over these steps (avoids early collapse)
    batch_size: int = 64  # sprites per step
    lr: float = 1e-3  # Adam's learning rate
    seed: int = 0  # seeds the weights and the order of the sprites

    def smoke(self) -> EmbeddingConfig:
        """A tiny run of the same model, for tests and `train --quick`."""
        return replace(self, steps=30, warmup_steps=10)


# Channels of the convolutional stack, 32×32 pixels halved at each layer down to 2×2: the encoder
# goes along it, the decoder back.
CHANNELS = (3, 32, 32, 64, 64)


def halving_convs(channels: tuple[int, ...], transpose: bool = False) -> list[nn.Module]:
    """4×4 stride-2 convolutions between consecutive `channels`, each followed by a ReLU: each
    halves the picture's side (transpose: doubles it)."""
    conv = nn.ConvTranspose2d if transpose else nn.Conv2d
    layers: list[nn.Module] = []
    for c_in, c_out in zip(channels, channels[1:]):
        layers += [conv(c_in, c_out, 4, 2, 1), nn.ReLU()]
    return layers


class Encoder(nn.Module):
    def __init__(self, latent_dim: int):
        super().__init__()
        self.conv = nn.Sequential(  # (B, 3, 32, 32) -> (B, 64, 2, 2)
            *halving_convs(CHANNELS),
            nn.Flatten(),  # (B, 256)
            nn.Linear(256, 256),
            nn.ReLU(),
        )
        self.mean = nn.Linear(256, latent_dim)
        self.log_var = nn.Linear(256, latent_dim)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.conv(x)
        return self.mean(h), self.log_var(h)  # (B, D), (B, D)


class Decoder(nn.Module):
    def __init__(self, latent_dim: int):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(latent_dim, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU())
        # (B, 64, 2, 2) -> (B, 3, 32, 32) logits: no ReLU after the last layer
        self.deconv = nn.Sequential(*halving_convs(CHANNELS[::-1], transpose=True)[:-1])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.deconv(self.fc(z).view(-1, 64, 2, 2))


class SpriteEmbedding(nn.Module):
    """Encoder + decoder; `kind` decides whether the latent is a point or a distribution."""

    def __init__(self, config: EmbeddingConfig):
        super().__init__()
        self.config = config
        self.encoder = Encoder(config.latent_dim)
        self.decoder = Decoder(config.latent_dim)

    @property
    def variational(self) -> bool:
        return self.config.kind != "ae"

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """The embedding we cluster and measure: the encoder's mean, (B, D)."""
        return self.encoder(x)[0]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latent (B, D) -> image (B, 3, H, W) in [0, 1]."""
        return torch.sigmoid(self.decoder(z))

    def loss(self, x: torch.Tensor, warmup: float = 1.0) -> dict[str, torch.Tensor]:
        """Per-image losses in nats, averaged over the batch; `warmup` in [0, 1] scales the price
        of information while training starts."""
        mean, log_var = self.encoder(x)
        if self.variational:
            z = mean + torch.randn_like(mean) * torch.exp(0.5 * log_var)  # reparameterisation
            kl_per_dim = kl_to_standard_normal(mean, log_var).mean(0)  # (D,)
        else:
            z = mean
            kl_per_dim = torch.zeros_like(mean[0])
        logits = self.decoder(z)
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / len(x)
        kl = kl_per_dim.sum()
        if self.config.kind == "beta_tcvae":
            # KL = mutual information + total correlation + per-dimension KL; only the total
            # correlation (dependence between dimensions) gets the extra weight.
            tc = total_correlation(z, mean, log_var, self.config.dataset_size)
            loss = reconstruction + warmup * (kl + (self.config.beta - 1.0) * tc)
        else:
            loss = reconstruction + warmup * (self.config.beta if self.variational else 0.0) * kl
        return {"loss": loss, "reconstruction": reconstruction, "kl": kl}


def kl_to_standard_normal(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, exp(log_var)) || N(0, 1)) per sample and dimension, in nats."""
    return 0.5 * (mean.pow(2) + log_var.exp() - 1.0 - log_var)


def gaussian_log_density(z: torch.Tensor, mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    return -0.5 * (math.log(2 * math.pi) + log_var + (z - mean).pow(2) / log_var.exp())


def total_correlation(z: torch.Tensor, mean: torch.Tensor, log_var: torch.Tensor, dataset_size: int) -> torch.Tensor:
    """KL(q(z) || Π_j q(z_j)), estimated on the batch by minibatch-weighted sampling
    (Chen et al., 2018). Zero when the dimensions of z are independent."""
    batch = len(z)
    # log q(z_i | x_k) for every pair (i, k) in the batch, per dimension: (B, B, D)
    pairwise = gaussian_log_density(z[:, None], mean[None], log_var[None])
    log_norm = math.log(batch * dataset_size)
    log_qz = torch.logsumexp(pairwise.sum(2), dim=1) - log_norm  # (B,)
    log_prod_qzj = (torch.logsumexp(pairwise, dim=1) - log_norm).sum(1)  # (B,)
    return (log_qz - log_prod_qzj).mean()
