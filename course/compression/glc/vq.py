"""Vector quantization: the other way to make a latent countable — and why GLC does not use it.

A VQ autoencoder (van den Oord et al. 2017, the tokenizer of VQ-GAN) snaps every latent vector
to the nearest of K learned codewords, so an image becomes a grid of codebook indices:

    x (B, 3, S, S) --analysis--> y (B, M, S/16, S/16) --nearest codeword--> indices (B, S/16, S/16)
    indices --codebook--> y_q (B, M, S/16, S/16) --synthesis--> x_hat

Its rate is fixed by the grid and K: log2(K) bits per index with no prior (`uniform_bytes`), or
fewer with a learned prior over the indices (`prior_bytes`: the codebook's usage frequencies,
entropy-coded with ANS). Transform coding instead quantizes every latent *number* with a step
the rate point chooses and predicts each one's distribution from side information — the
comparison `bench glc` makes at equal PSNR.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course.compression.glc.domains import DOMAINS
from course.compression.models import transform
from course.compression.transforms import analysis, synthesis
from course.core.progress import progress
from course.core.seeding import torch_threads


@dataclass
class VQConfig:
    """The VQ autoencoder and its training run (the shipped one: preset `vq_faces` in `glc/presets.yaml`)."""

    domain: str = "faces"  # the image domain it learns (`domains.DOMAINS`)
    n: int = 32  # hidden channels (as the GLC codec's transforms)
    m: int = 48  # codeword dimension (= the GLC codec's latent channels)
    codewords: int = 256  # K: an index costs log2(K) = 8 bits without a prior
    images: int = 2000  # training images, generated from seeds 0, 1, …
    batch_size: int = 8  # as the GLC codec's stage 1
    # Whole images, float32, one thread: with the GLC codec's crops, bfloat16 and two threads for
    # 18,000 steps the VQ came out weaker (21.1 dB against 21.3), so it keeps the stronger recipe.
    crop: int = 0  # random crops of this many pixels a side (0: whole images)
    steps: int = 5000  # optimiser steps (the run stops on this count)
    lr: float = 1e-3  # Adam's learning rate
    commitment: float = 0.25  # β of the VQ-VAE loss: keeps the encoder close to its codewords
    ssim_weight: float = 0.05  # the structural term, as the GLC codec's stage 1
    bf16: bool = False  # train the transforms in bfloat16 (the codebook stays float32)
    threads: int = 1  # CPU threads of the training run: a fixed number, whatever the machine has
    seed: int = 0  # seeds the training images, the weights and the batches

    def smoke(self) -> VQConfig:
        """A tiny VQ trained for 8 steps, for tests and `train --quick`."""
        return replace(self, n=8, m=12, codewords=16, images=24, batch_size=4, steps=8)

    @property
    def name(self) -> str:
        return f"vq_{self.domain}"


class VQAutoencoder(nn.Module):
    def __init__(self, config: VQConfig):
        super().__init__()
        self.config = config
        self.g_a, self.g_s = analysis(config.n, config.m), synthesis(config.n, config.m)
        self.codebook = nn.Parameter(torch.randn(config.codewords, config.m) * 0.5)  # (K, M)

    def indices(self, y: torch.Tensor) -> torch.Tensor:
        """(B, M, h, w) -> (B, h, w): the nearest codeword of every latent vector."""
        flat = y.permute(0, 2, 3, 1).reshape(-1, y.shape[1])  # (B·h·w, M)
        distance = (flat**2).sum(1, keepdim=True) - 2 * flat @ self.codebook.T + (self.codebook**2).sum(1)
        return distance.argmin(1).reshape(y.shape[0], y.shape[2], y.shape[3])

    def lookup(self, indices: torch.Tensor) -> torch.Tensor:
        """(B, h, w) indices -> (B, M, h, w) codewords."""
        return self.codebook[indices].permute(0, 3, 1, 2)

    def forward(self, x: torch.Tensor) -> dict:
        y = transform(self, self.g_a, x)
        y_q = self.lookup(self.indices(y))
        codebook_loss = F.mse_loss(y_q, y.detach()) + self.config.commitment * F.mse_loss(y, y_q.detach())
        x_hat = transform(
            self, self.g_s, y + (y_q - y).detach()
        )  # straight-through: the decoder sees codewords, gradients reach the encoder
        return {"x_hat": x_hat, "codebook_loss": codebook_loss}


def train_vq(config: VQConfig) -> tuple[dict, dict]:
    with torch_threads(config.threads):
        return _train_vq(config)


def _train_vq(config: VQConfig) -> tuple[dict, dict]:
    from course.compression.glc.glc import batch, random_crop, structural_loss

    images = torch.from_numpy(np.ascontiguousarray(DOMAINS[config.domain](config.images, seed=config.seed))).permute(
        0, 3, 1, 2
    )
    model = VQAutoencoder(config).train()
    generator = torch.Generator().manual_seed(config.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    with torch.no_grad():  # start the codebook on real latents, not on noise far from them
        y = model.g_a(batch(images, max(config.codewords // 16, 1), generator))
        vectors = y.permute(0, 2, 3, 1).reshape(-1, config.m)
        model.codebook.copy_(vectors[torch.randint(len(vectors), (config.codewords,), generator=generator)])
    for step in progress(range(config.steps), desc=f"train {config.name}"):
        for group in optimizer.param_groups:
            group["lr"] = config.lr * (0.1 if step >= 0.9 * config.steps else 1.0)
        x = random_crop(batch(images, config.batch_size, generator), config.crop, generator)
        out = model(x)
        loss = (
            F.mse_loss(out["x_hat"], x) + config.ssim_weight * structural_loss(out["x_hat"], x) + out["codebook_loss"]
        )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():  # the learned prior: how often each codeword is used on the training images
        counts = torch.zeros(config.codewords, dtype=torch.float64)
        for start in range(0, len(images), 64):
            idx = model.indices(model.g_a(images[start : start + 64].float() / 255))
            counts += torch.bincount(idx.reshape(-1), minlength=config.codewords).double()
    tensors = {**{k: v.detach().clone() for k, v in model.state_dict().items()}, "usage": counts}
    used = int((counts > 0).sum())
    return tensors, {"loss": round(loss.item(), 5), "codewords_used": used}


def load_vq(name: str = "vq_faces") -> tuple[VQAutoencoder, np.ndarray]:
    """The shipped VQ autoencoder and its prior: P(codeword), smoothed so no index is impossible."""
    from course.core.checkpoints import CheckpointError, config_from_entry, load_checkpoint, load_weights

    tensors, entry = load_checkpoint(name)
    model = VQAutoencoder(config_from_entry(VQConfig, entry, name))
    if "usage" not in tensors:
        raise CheckpointError(f"checkpoint {name!r} has no 'usage' tensor (the codeword counts): retrain it")
    usage = tensors.pop("usage")
    return load_weights(model, tensors, name).eval(), prior_from_usage(usage.numpy())


def prior_from_usage(usage: np.ndarray) -> np.ndarray:
    p = usage + 0.5  # add-half smoothing (Krichevsky–Trofimov): unseen codewords stay codable
    return p / p.sum()


def _pack(model: VQAutoencoder, image: np.ndarray, words: np.ndarray, kind: str) -> bytes:
    from course.compression.bitstream import Header, pack
    from course.compression.coding import fingerprint

    return pack(Header(image.shape[0], image.shape[1], f"{model.config.name}-{kind}", 1, fingerprint(model)), words)


@torch.no_grad()
def encode_indices(model: VQAutoencoder, image: np.ndarray) -> np.ndarray:
    from course.compression.coding import as_rgb_array, pad, to_tensor

    return model.indices(model.g_a(pad(to_tensor(as_rgb_array(image)))))[0].numpy()  # (h, w)


def uniform_bytes(model: VQAutoencoder, image: np.ndarray) -> bytes:
    """The index grid with log2(K) bits per index (a uniform ANS model: the same as fixed length)."""
    import constriction

    indices = encode_indices(model, image).reshape(-1).astype(np.int32)
    coder = constriction.stream.stack.AnsCoder()
    coder.encode_reverse(indices, constriction.stream.model.Uniform(model.config.codewords))
    return _pack(model, image, coder.get_compressed(), "uniform")


def prior_bytes(model: VQAutoencoder, prior: np.ndarray, image: np.ndarray) -> bytes:
    """The index grid entropy-coded under the learned codeword frequencies."""
    import constriction

    indices = encode_indices(model, image).reshape(-1).astype(np.int32)
    coder = constriction.stream.stack.AnsCoder()
    coder.encode_reverse(indices, constriction.stream.model.Categorical(prior.astype(np.float64), perfect=False))
    return _pack(model, image, coder.get_compressed(), "prior")


@torch.no_grad()
def reconstruct(model: VQAutoencoder, image: np.ndarray) -> np.ndarray:
    from course.compression.coding import to_array

    indices = torch.from_numpy(encode_indices(model, image))[None]
    x_hat = model.g_s(model.lookup(indices)).clamp(0, 1)
    return to_array(x_hat[..., : image.shape[0], : image.shape[1]])


@torch.no_grad()
def decode_bytes(data: bytes, model: VQAutoencoder, prior: np.ndarray | None = None) -> np.ndarray:
    """A file from `uniform_bytes` (prior None) or `prior_bytes` -> the (H, W, 3) uint8 image."""
    import constriction

    from course.compression.bitstream import WrongModelError, unpack
    from course.compression.coding import padded_size, to_array

    header, words = unpack(data)
    kind = "uniform" if prior is None else "prior"
    if header.model != f"{model.config.name}-{kind}":
        raise WrongModelError(
            f"the file was written as {header.model!r}; this decoder reads {model.config.name}-{kind}"
        )
    ph, pw = padded_size(header.height, header.width)
    h, w = ph // 16, pw // 16
    coder = constriction.stream.stack.AnsCoder(words)
    if prior is None:
        flat = coder.decode(constriction.stream.model.Uniform(model.config.codewords), h * w)
    else:
        flat = coder.decode(constriction.stream.model.Categorical(prior.astype(np.float64), perfect=False), h * w)
    indices = torch.from_numpy(np.asarray(flat, dtype=np.int64).reshape(1, h, w))
    x_hat = model.g_s(model.lookup(indices)).clamp(0, 1)
    return to_array(x_hat[..., : header.height, : header.width])
