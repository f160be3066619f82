"""Procedural sprites with known generative factors (a small, coloured dSprites).

Every image is drawn from five factors, each on a small grid of values, and the dataset is the
full product of the grids: every combination appears exactly once. Because we know the factors,
we can ask of any embedding how much it knows about each of them, and where.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import product

import numpy as np

IMAGE_SIZE = 32
SHAPES = ("square", "circle", "triangle")
# hues spread over the colour wheel, all fully saturated and bright on a black background
HUES = (0.0, 0.1, 0.2, 0.45, 0.6, 0.8)


@dataclass(frozen=True)
class Factor:
    name: str
    values: tuple
    categorical: bool = False

    @property
    def n_values(self) -> int:
        return len(self.values)


FACTORS = (
    Factor("shape", SHAPES, categorical=True),
    Factor("scale", (0.5, 0.625, 0.75, 0.875, 1.0)),
    Factor("colour", HUES),
    Factor("x", tuple(np.linspace(0.0, 1.0, 10).round(3))),
    Factor("y", tuple(np.linspace(0.0, 1.0, 10).round(3))),
)
FACTOR_NAMES = tuple(f.name for f in FACTORS)


def _hue_to_rgb(hue: float) -> np.ndarray:
    import colorsys

    return np.array(colorsys.hsv_to_rgb(hue, 1.0, 1.0), dtype=np.float32)


def render(shape: int, scale: float, hue: float, x: float, y: float, size: int = IMAGE_SIZE) -> np.ndarray:
    """Draw one sprite. Returns an (size, size, 3) float32 image in [0, 1]."""
    half = 0.25 * size * scale  # half-width of the sprite in pixels
    margin = 0.25 * size + 1
    cx = margin + x * (size - 2 * margin)
    cy = margin + y * (size - 2 * margin)
    # 4x supersampling gives anti-aliased edges, so small moves change pixels smoothly
    ss = 4
    coords = (np.arange(size * ss) + 0.5) / ss
    px, py = np.meshgrid(coords, coords)
    dx, dy = px - cx, py - cy
    if SHAPES[shape] == "square":
        mask = (np.abs(dx) <= half) & (np.abs(dy) <= half)
    elif SHAPES[shape] == "circle":
        mask = dx**2 + dy**2 <= (1.15 * half) ** 2
    else:  # upward triangle inscribed in the square
        mask = (dy <= half) & (dy >= -half) & (np.abs(dx) <= (dy + half) / 2)
    alpha = mask.reshape(size, ss, size, ss).mean(axis=(1, 3)).astype(np.float32)
    return alpha[..., None] * _hue_to_rgb(hue)


@dataclass(frozen=True)
class SpriteDataset:
    images: np.ndarray  # (N, 3, H, W) float32 in [0, 1]
    factors: np.ndarray  # (N, n_factors) int, the index of each factor's value
    factor_values: np.ndarray  # (N, n_factors) float, factor values scaled to [0, 1]

    def __len__(self) -> int:
        return len(self.images)


@lru_cache(maxsize=2)
def make_sprites(size: int = IMAGE_SIZE) -> SpriteDataset:
    """The full factor grid, rendered deterministically (no randomness, no download)."""
    grids = [range(f.n_values) for f in FACTORS]
    index = np.array(list(product(*grids)), dtype=np.int64)  # (N, 5)
    images = np.stack(
        [
            render(s, FACTORS[1].values[k], FACTORS[2].values[c], FACTORS[3].values[i], FACTORS[4].values[j], size)
            for s, k, c, i, j in index
        ]
    )
    images = np.ascontiguousarray(images.transpose(0, 3, 1, 2))
    scaled = index / np.array([f.n_values - 1 for f in FACTORS], dtype=np.float64)
    images.setflags(write=False)
    index.setflags(write=False)
    scaled.setflags(write=False)
    return SpriteDataset(images=images, factors=index, factor_values=scaled)
