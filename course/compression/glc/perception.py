"""Perception measured without anybody's pretrained weights: a face-parameter reader the course trains.

The faces come from a known generator (`domains.render_face`), so "does the decoded face still
*mean* the same face?" has an exact answer: read its parameters back. The `FaceReader` is a small
CNN trained on clean faces only; for each of the 35 parameters it predicts the level.

- `param_recovery(originals, decoded)`: the share of (face, parameter) pairs that the reader reads
  at exactly the same level from the decoded face as from the original. Identity scores 1; noise
  scores near chance. `tolerant=True` allows the reader's own resolution instead: a parameter's
  tolerance is the error the reader itself makes on 90 % of *clean* validation faces
  (`ReaderConfig.resolution_share`). The shipped reader is coarse (it reads a quarter of clean
  faces' levels exactly), so its tolerances are wide and the tolerant count is high even for
  noise: the bench reports it beside the exact one, with noise's score for scale.
- `frechet_distance(originals, decoded)`: the Fréchet distance between Gaussians fitted to the
  reader's features (its last hidden layer) of the two sets — the FID recipe with a course-made
  feature extractor. 0 for identity, large for noise.

Faces are read at 128×128 (larger faces are average-pooled down first): the reader's job is the
parameters, and 128 pixels resolve every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course.compression.glc.domains import FACE_PARAMETERS, render_face, sample_face_levels
from course.core.progress import progress
from course.core.seeding import torch_threads

READ_SIZE = 128  # the reader's input side: faces are pooled down to it
LEVELS = tuple(p.levels for p in FACE_PARAMETERS)  # (35,) levels per parameter


@dataclass
class ReaderConfig:
    """The face-parameter reader and its training run on clean faces."""

    size: int = 256  # side of the training faces (they are pooled to READ_SIZE inside the reader)
    images: int = 2000  # clean training faces (seed `seed`) …
    validation: int = 300  # … and clean validation faces (seed `seed + 1`) that set each parameter's tolerance
    width: int = 32  # channels of the first convolution (doubling, up to 4× this)
    features: int = 256  # width of the last hidden layer: the features of `frechet_distance`
    steps: int = 4000  # Adam steps (cosine-decayed learning rate)
    batch_size: int = 32  # faces per step
    lr: float = 2e-3  # Adam's learning rate at the start
    # a parameter's tolerance (for `tolerant` recovery): the error the reader stays within on this share of clean faces
    resolution_share: float = 0.9
    threads: int = 1  # CPU threads of the training run: a fixed number, whatever the machine has
    seed: int = 2  # faces of seeds 2 and 3: the codecs train on seed 0, test faces use analysis.TEST_SEED

    @property
    def name(self) -> str:
        return "face_reader"

    def smoke(self) -> ReaderConfig:
        return replace(self, size=128, images=16, validation=8, width=8, features=8, steps=4, batch_size=4, threads=1)


class FaceReader(nn.Module):
    """(B, 3, S, S) faces in [0, 1] -> per parameter, logits over its levels; `features` -> (B, F)."""

    tolerance: torch.Tensor  # (35,) levels: a buffer, saved with the weights

    def __init__(self, config: ReaderConfig):
        super().__init__()
        w = config.width
        chans = (3, w, 2 * w, 2 * w, 4 * w, 4 * w)
        layers: list[nn.Module] = []
        for c_in, c_out in zip(chans, chans[1:]):  # 128 -> 64 -> 32 -> 16 -> 8 -> 4
            layers += [nn.Conv2d(c_in, c_out, 3, stride=2, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]
        self.body = nn.Sequential(*layers)
        self.hidden = nn.Sequential(nn.Flatten(), nn.Linear(4 * w * 16, config.features), nn.ReLU())
        self.heads = nn.Linear(config.features, sum(LEVELS))
        # a per-parameter tolerance in levels, set from clean validation faces after training
        self.register_buffer("tolerance", torch.zeros(len(LEVELS)))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != READ_SIZE:
            x = F.adaptive_avg_pool2d(x, READ_SIZE)
        return self.hidden(self.body(x))  # (B, F)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        return list(self.heads(self.features(x)).split(LEVELS, dim=1))  # 35 × (B, levels)


def _tensor(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 255.0


def _faces(levels: np.ndarray, size: int) -> np.ndarray:
    return np.stack([render_face(row, size) for row in levels])


@torch.no_grad()
def read_faces(reader: FaceReader, images: np.ndarray, batch: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """One pass of the reader: ((N, 35) levels, (N, F) features) of (N, S, S, 3) uint8 faces."""
    reader.eval()
    levels, features = [], []
    for i in range(0, len(images), batch):
        f = reader.features(_tensor(images[i : i + batch]))
        logits = reader.heads(f).split(LEVELS, dim=1)
        levels.append(torch.stack([l.argmax(1) for l in logits], dim=1).numpy())
        features.append(f.double().numpy())
    return np.concatenate(levels), np.concatenate(features)


def read_levels(reader: FaceReader, images: np.ndarray) -> np.ndarray:
    """(N, S, S, 3) uint8 faces -> (N, 35) levels as the reader reads them."""
    return read_faces(reader, images)[0]


def reader_features(reader: FaceReader, images: np.ndarray) -> np.ndarray:
    """(N, S, S, 3) uint8 faces -> (N, F) float64 features of the reader's last hidden layer."""
    return read_faces(reader, images)[1]


class Yardstick:
    """The perception figures of many decodings of the same originals, reading the originals once."""

    def __init__(self, reader: FaceReader, originals: np.ndarray):
        self.reader, self.shape = reader, originals.shape
        self.levels, self.features = read_faces(reader, originals)

    def measure(self, decoded: np.ndarray) -> dict:
        """{'param_recovery' (exact levels), 'param_recovery_tolerant', 'fd'} of `decoded` against the originals."""
        if decoded.shape != self.shape:
            raise ValueError(f"originals {self.shape} and decoded faces {decoded.shape} must have the same shape")
        levels, features = read_faces(self.reader, decoded)
        difference = np.abs(levels - self.levels)
        return {
            "param_recovery": float(np.mean(difference == 0)),
            "param_recovery_tolerant": float(np.mean(difference <= self.reader.tolerance.numpy()[None])),
            "fd": gaussian_frechet(self.features, features),
        }


def param_recovery(reader: FaceReader, originals: np.ndarray, decoded: np.ndarray, tolerant: bool = False) -> float:
    """Share of (face, parameter) pairs read at exactly the same level from `decoded` as from
    `originals`; with `tolerant=True`, within the reader's own tolerance on clean faces."""
    if originals.shape != decoded.shape:
        raise ValueError(f"originals {originals.shape} and decoded faces {decoded.shape} must have the same shape")
    a, b = read_levels(reader, originals), read_levels(reader, decoded)
    tolerance = reader.tolerance.numpy()[None] if tolerant else 0
    return float(np.mean(np.abs(a - b) <= tolerance))


def frechet_distance(reader: FaceReader, originals: np.ndarray, decoded: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to the reader's features of two face sets
    (FID's formula, ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½), with the course's own features)."""
    return gaussian_frechet(reader_features(reader, originals), reader_features(reader, decoded))


def gaussian_frechet(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to feature sets a (N, F) and b (M, F)."""
    from scipy import linalg

    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    root, _ = linalg.sqrtm(cov_a @ cov_b, disp=False)
    root = np.real(root)
    value = float(np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a + cov_b - 2 * root))
    return max(value, 0.0)  # sqrtm's rounding can leave identical sets a hair below zero


def train_reader(config: ReaderConfig) -> tuple[dict, dict]:
    with torch_threads(config.threads):
        return _train_reader(config)


def _train_reader(config: ReaderConfig) -> tuple[dict, dict]:
    levels = sample_face_levels(config.images, config.seed)
    images = _tensor(_faces(levels, config.size))
    if config.size != READ_SIZE:
        images = F.adaptive_avg_pool2d(images, READ_SIZE)  # pooled once: the reader pools anyway
    targets = torch.from_numpy(levels).long()
    reader = FaceReader(config).train()
    optimizer = torch.optim.Adam(reader.parameters(), lr=config.lr)
    generator = torch.Generator().manual_seed(config.seed)
    loss = torch.tensor(float("nan"))
    for step in progress(range(config.steps), desc="face reader"):
        for group in optimizer.param_groups:  # cosine decay: the last steps settle the fine levels
            group["lr"] = config.lr * 0.5 * (1 + np.cos(np.pi * step / config.steps))
        picks = torch.randint(len(images), (config.batch_size,), generator=generator)
        logits = reader(images[picks])
        loss = torch.stack([F.cross_entropy(l, targets[picks, i]) for i, l in enumerate(logits)]).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    val_levels = sample_face_levels(config.validation, config.seed + 1)
    read = read_levels(reader, _faces(val_levels, config.size))
    errors = np.abs(read - val_levels)  # (V, 35)
    reader.tolerance.copy_(torch.from_numpy(np.quantile(errors, config.resolution_share, axis=0, method="higher")))
    metrics = {
        "loss": round(float(loss.detach()), 4),
        "clean_exact_accuracy": round(float(np.mean(errors == 0)), 4),
        "clean_accuracy_within_tolerance": round(float(np.mean(errors <= reader.tolerance.numpy()[None])), 4),
        "mean_tolerance_levels": round(float(reader.tolerance.mean()), 3),
    }
    tensors = {k: v.detach().clone() for k, v in reader.state_dict().items()}
    return {k: (v.half() if v.is_floating_point() and k != "tolerance" else v) for k, v in tensors.items()}, metrics


def load_reader(name: str = "face_reader") -> FaceReader:
    from course.core.checkpoints import config_from_entry, load_checkpoint, load_weights

    tensors, entry = load_checkpoint(name)
    reader = FaceReader(config_from_entry(ReaderConfig, entry, name))
    return load_weights(reader, {k: v.float() if v.is_floating_point() else v for k, v in tensors.items()}, name).eval()
