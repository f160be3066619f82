"""Three image domains for the experience experiment: procedural faces, flowers, natural photographs.

A codec's skill is its experience. To measure that we need domains whose content we control:

- **faces**: cartoon faces drawn from a known list of parameters (`FACE_PARAMETERS`), each drawn
  uniformly from a fixed number of levels. A face is *exactly* its parameter vector, so the
  information content of the domain is computable: Σ log2(levels) bits per image
  (`faces_entropy_bits`). No codec can describe a random face losslessly in fewer bits on
  average — the yardstick for "how close to the truth does a learned codec get?".
- **flowers**: procedural flowers (petal count, shape, colours, rotation, a leafy background with
  texture) plus crops of the real flower photograph that ships with scikit-learn.
- **natural**: crops of the course's training photographs (`data/photos`) — and, for evaluation
  only, of Kodak.

Every generator is seeded: `faces(count, seed)` gives the same images on every machine.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE_SIZE = 128  # pixels per side: big enough that a JPEG header is not the whole file


@dataclass(frozen=True)
class Parameter:
    name: str
    levels: int  # drawn uniformly from 0 … levels - 1
    low: float  # the value of level 0 …
    high: float  # … and of level levels - 1 (evenly spaced in between)

    def value(self, level: np.ndarray) -> np.ndarray:
        return self.low + (self.high - self.low) * level / max(self.levels - 1, 1)


# Lengths are in units of the image side, colours are indices into the palettes below.
FACE_PARAMETERS = (
    Parameter("background_hue", 16, 0, 15),
    Parameter("background_light", 8, 0.45, 0.9),
    Parameter("background_tilt", 8, -0.35, 0.35),  # the gradient's direction
    Parameter("face_x", 32, 0.42, 0.58),
    Parameter("face_y", 32, 0.5, 0.6),
    Parameter("face_width", 32, 0.48, 0.62),
    Parameter("face_height", 32, 0.6, 0.74),
    Parameter("face_turn", 32, -0.25, 0.25),  # radians
    Parameter("skin", 16, 0, 15),
    Parameter("ear_size", 8, 0.06, 0.1),
    Parameter("hair_colour", 16, 0, 15),
    Parameter("hair_volume", 16, 1.02, 1.2),
    Parameter("fringe", 16, -0.75, -0.35),  # where the hair ends on the forehead (half face heights)
    Parameter("eye_spacing", 32, 0.3, 0.5),  # half face widths, from the centre
    Parameter("eye_height", 32, -0.3, -0.05),  # half face heights, from the centre
    Parameter("eye_size", 16, 0.11, 0.18),  # half face widths
    Parameter("iris_colour", 8, 0, 7),
    Parameter("gaze_x", 8, -0.5, 0.5),
    Parameter("gaze_y", 4, -0.4, 0.4),
    Parameter("eye_open", 4, 0.45, 1.0),
    Parameter("brow_tilt", 8, -0.35, 0.35),
    Parameter("brow_lift", 8, 0.03, 0.07),  # of the image
    Parameter("brow_thickness", 4, 0.008, 0.018),
    Parameter("nose_length", 16, 0.06, 0.13),
    Parameter("nose_width", 8, 0.012, 0.03),
    Parameter("mouth_y", 16, 0.35, 0.55),  # half face heights, below the centre
    Parameter("mouth_width", 16, 0.25, 0.5),  # half face widths
    Parameter("smile", 16, -0.6, 1.0),
    Parameter("mouth_open", 8, 0.0, 0.05),
    Parameter("lip_colour", 8, 0, 7),
    Parameter("cheeks", 4, 0.0, 0.45),  # blush strength
    Parameter("mole_x", 16, -0.6, 0.6),  # half face widths
    Parameter("mole_y", 16, -0.1, 0.5),  # half face heights
    Parameter("glasses", 2, 0, 1),
    Parameter("beard", 2, 0, 1),
)


def faces_entropy_bits() -> float:
    """Bits that name one face exactly: the entropy of the uniform, independent parameters."""
    return float(sum(math.log2(p.levels) for p in FACE_PARAMETERS))


def faces_entropy_bound_bpp(size: int = IMAGE_SIZE) -> float:
    """The faces' information content per pixel: a floor for the average rate of any lossless code."""
    return faces_entropy_bits() / (size * size)


def _palette(hues: int, saturation: float, light: float) -> np.ndarray:
    """`hues` RGB colours in [0, 1] around the colour wheel."""
    h = np.arange(hues) / hues
    k = lambda n: (n + h * 12) % 12  # noqa: E731  (HSL to RGB)
    a = saturation * min(light, 1 - light)
    return np.stack([light - a * np.clip(np.minimum(k(n) - 3, 9 - k(n)), -1, 1) for n in (0, 8, 4)], axis=1)


# The faces' colours (RGB in [0, 1]): 16 skin tones, 16 hair colours, 8 irises, 8 lips.
PALETTES = {
    name: np.array(colours)
    for name, colours in json.loads((Path(__file__).with_name("face_palettes.json")).read_text()).items()
}
SKIN, HAIR, IRIS, LIPS = PALETTES["skin"], PALETTES["hair"], PALETTES["iris"], PALETTES["lips"]
BACKGROUND_HUES = _palette(16, 0.55, 0.5)


def sample_face_levels(count: int, seed: int) -> np.ndarray:
    """(count, P) integer levels, uniform and independent (P = len(FACE_PARAMETERS))."""
    rng = np.random.default_rng(seed)
    return np.stack([rng.integers(0, p.levels, count) for p in FACE_PARAMETERS], axis=1)


def _coverage(distance: np.ndarray, pixel: float) -> np.ndarray:
    """Anti-aliased coverage of a shape from its signed distance (negative inside), in [0, 1]."""
    return np.clip(0.5 - distance / pixel, 0.0, 1.0)[..., None]


def _ellipse(x, y, cx, cy, a, b, turn=0.0):
    """Approximate signed distance to an ellipse with half-axes a, b turned by `turn` radians."""
    c, s = math.cos(turn), math.sin(turn)
    u, v = (x - cx) * c + (y - cy) * s, -(x - cx) * s + (y - cy) * c
    r = np.sqrt((u / a) ** 2 + (v / b) ** 2)
    return (r - 1) * min(a, b)


def _segment(x, y, x0, y0, x1, y1, radius):
    """Signed distance to a capsule: the segment (x0, y0)–(x1, y1) thickened by `radius`."""
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy + 1e-12), 0, 1)
    return np.hypot(x - x0 - t * dx, y - y0 - t * dy) - radius


def render_face(levels: np.ndarray, size: int = IMAGE_SIZE) -> np.ndarray:
    """One face from its parameter levels (a row of `sample_face_levels`) -> (size, size, 3) uint8."""
    levels = np.asarray(levels)
    if levels.shape != (len(FACE_PARAMETERS),):
        raise ValueError(f"a face needs {len(FACE_PARAMETERS)} parameter levels, got an array of shape {levels.shape}")
    p = {par.name: par.value(level) for par, level in zip(FACE_PARAMETERS, levels)}
    idx = {par.name: int(level) for par, level in zip(FACE_PARAMETERS, levels)}
    px = 1.0 / size
    y, x = (np.mgrid[0:size, 0:size] + 0.5) * px  # pixel centres in [0, 1]

    tilt = p["background_tilt"]
    ramp = (x - 0.5) * math.sin(tilt) + (y - 0.5) * math.cos(tilt)  # -0.7 … 0.7
    base = BACKGROUND_HUES[idx["background_hue"]] * (0.6 + 0.8 * p["background_light"])
    image = np.clip(base[None, None] * (1.0 - 0.35 * ramp[..., None]), 0, 1)

    def paint(distance, colour, strength=1.0):
        nonlocal image
        alpha = _coverage(distance, px) * strength
        image = image * (1 - alpha) + np.asarray(colour)[None, None] * alpha

    cx, cy, w, h, turn = p["face_x"], p["face_y"], p["face_width"] / 2, p["face_height"] / 2, p["face_turn"]
    c, s = math.cos(turn), math.sin(turn)

    def at(u: float | np.ndarray, v: float | np.ndarray) -> tuple[float | np.ndarray, float | np.ndarray]:
        # face coordinates (units of half-width / half-height) -> image coordinates
        return cx + u * w * c - v * h * s, cy + u * w * s + v * h * c

    skin, hair = SKIN[idx["skin"]], HAIR[idx["hair_colour"]]
    volume = p["hair_volume"]
    paint(_ellipse(x, y, *at(0, -0.12), w * volume * 1.08, h * volume, turn), hair)  # hair behind the head
    for side in (-1, 1):
        paint(_ellipse(x, y, *at(side * 1.0, 0.0), p["ear_size"] / 2, p["ear_size"] * 0.75, turn), skin * 0.93)
    paint(_ellipse(x, y, cx, cy, w, h, turn), skin)
    if idx["beard"]:
        jaw = np.maximum(
            _ellipse(x, y, cx, cy, w, h, turn), -((-(x - cx) * s + (y - cy) * c) - 0.3 * h)
        )  # below the mouth line
        paint(jaw, hair * 0.9 + skin * 0.1)
    fringe_line = (-(x - cx) * s + (y - cy) * c) - p["fringe"] * h  # < 0 above the fringe
    paint(np.maximum(_ellipse(x, y, cx, cy, w * 1.04, h * 1.04, turn), fringe_line), hair)
    if p["cheeks"] > 0:
        for side in (-1, 1):
            paint(
                _ellipse(x, y, *at(side * 0.55, 0.2), 0.16 * w, 0.1 * h, turn),
                np.array([0.95, 0.45, 0.45]),
                p["cheeks"],
            )

    eye_r = p["eye_size"] * w  # in image units
    for side in (-1, 1):
        ex, ey = at(side * p["eye_spacing"], p["eye_height"])
        white = _ellipse(x, y, ex, ey, eye_r * 1.3, eye_r * p["eye_open"], turn)
        paint(white, np.array([0.97, 0.97, 0.97]))
        gx, gy = ex + p["gaze_x"] * eye_r * 0.6, ey + p["gaze_y"] * eye_r * 0.5 * p["eye_open"]
        paint(np.maximum(_ellipse(x, y, gx, gy, eye_r * 0.62, eye_r * 0.62), white), IRIS[idx["iris_colour"]])
        paint(np.maximum(_ellipse(x, y, gx, gy, eye_r * 0.3, eye_r * 0.3), white), np.array([0.03, 0.03, 0.03]))
        bx, by = ex + (p["brow_lift"] + eye_r) * s, ey - (p["brow_lift"] + eye_r) * c  # straight up the face
        dx, dy = eye_r * 1.4 * c, eye_r * 1.4 * s
        lift = side * p["brow_tilt"] * eye_r
        paint(_segment(x, y, bx - dx, by - dy + lift, bx + dx, by + dy - lift, p["brow_thickness"]), hair * 0.8)
        if idx["glasses"]:
            paint(np.abs(_ellipse(x, y, ex, ey, eye_r * 1.9, eye_r * 1.6, turn)) - 0.007, np.array([0.1, 0.1, 0.12]))

    nx0, ny0 = at(0, p["eye_height"] + 0.1)
    nx1, ny1 = at(0, p["eye_height"] + 0.1 + p["nose_length"] / h)
    paint(_segment(x, y, nx0, ny0, nx1, ny1, p["nose_width"]), skin * 0.82)
    paint(_ellipse(x, y, *at(p["mole_x"], p["mole_y"]), 0.009, 0.009), skin * 0.45)

    mx, my = at(0, p["mouth_y"])
    half = p["mouth_width"] * w
    u = (x - mx) * c + (y - my) * s  # along the mouth
    v = -(x - mx) * s + (y - my) * c  # across it (down is positive)
    curve = -p["smile"] * 0.06 * h * (1 - (u / half) ** 2)  # a smile lifts the corners
    lips = np.maximum(np.abs(v - curve) - (0.012 + p["mouth_open"] / 2), np.abs(u) - half)
    paint(lips, LIPS[idx["lip_colour"]])
    if p["mouth_open"] > 0.004:
        paint(
            np.maximum(np.abs(v - curve) - p["mouth_open"] / 2 + 0.004, np.abs(u) - half * 0.85),
            np.array([0.25, 0.05, 0.08]),
        )
    return (np.clip(image, 0, 1) * 255).round().astype(np.uint8)


def faces(count: int, seed: int, size: int = IMAGE_SIZE) -> np.ndarray:
    """(count, size, size, 3) uint8 faces with seeded random parameters."""
    return np.stack([render_face(levels, size) for levels in sample_face_levels(count, seed)])


PETALS = np.array(
    [
        [0.95, 0.9, 0.95],
        [0.95, 0.85, 0.2],
        [0.95, 0.55, 0.1],
        [0.9, 0.2, 0.2],
        [0.95, 0.5, 0.7],
        [0.75, 0.3, 0.8],
        [0.45, 0.35, 0.9],
        [0.3, 0.5, 0.95],
        [0.95, 0.75, 0.8],
        [0.8, 0.1, 0.4],
    ]
)


def _procedural_flower(rng: np.random.Generator, size: int) -> np.ndarray:
    """A flower on foliage: petals around a centre, each petal an ellipse, on blotchy greens."""
    px = 1.0 / size
    y, x = (np.mgrid[0:size, 0:size] + 0.5) * px
    image = np.zeros((size, size, 3)) + np.array([0.18, 0.38, 0.15]) * rng.uniform(0.6, 1.2)
    for _ in range(rng.integers(20, 40)):  # foliage: soft leaves of many greens
        (cx, cy), (a, b) = rng.uniform(0, 1, 2), rng.uniform(0.03, 0.15, 2)
        leaf = _ellipse(x, y, cx, cy, a, b, rng.uniform(-3, 3))
        alpha = np.clip(0.5 - leaf / (4 * px), 0, 1)[..., None] * rng.uniform(0.3, 0.9)
        image = (
            image * (1 - alpha)
            + np.array([rng.uniform(0.05, 0.35), rng.uniform(0.3, 0.6), rng.uniform(0.05, 0.25)]) * alpha
        )
    image += rng.normal(0, 0.03, (size, size, 1))  # texture
    for _ in range(rng.integers(1, 3)):
        cx, cy = rng.uniform(0.3, 0.7, 2)
        petals, length, width = rng.integers(5, 13), rng.uniform(0.18, 0.36), rng.uniform(0.3, 0.6)
        colour = PETALS[rng.integers(len(PETALS))] * rng.uniform(0.8, 1.1)
        start = rng.uniform(0, 2 * math.pi)
        for k in range(petals):
            angle = start + 2 * math.pi * k / petals
            px_, py_ = cx + 0.5 * length * math.cos(angle), cy + 0.5 * length * math.sin(angle)
            d = _ellipse(x, y, px_, py_, 0.5 * length, 0.5 * length * width, angle)
            shade = 0.85 + 0.3 * rng.uniform()
            alpha = _coverage(d, px)
            image = image * (1 - alpha) + np.clip(colour * shade, 0, 1) * alpha
        centre = np.array([rng.uniform(0.6, 1.0), rng.uniform(0.4, 0.8), rng.uniform(0.0, 0.2)])
        alpha = _coverage(_ellipse(x, y, cx, cy, length * 0.25, length * 0.25), px)
        image = image * (1 - alpha) + centre * alpha
    return (np.clip(image, 0, 1) * 255).round().astype(np.uint8)


def _photo_crops(photos: list[np.ndarray], count: int, rng: np.random.Generator, size: int) -> np.ndarray:
    """Random crops of photographs, each first scaled down by a random factor (more content per crop)."""
    from PIL import Image

    crops = []
    for _ in range(count):
        photo = photos[rng.integers(len(photos))]
        scale = rng.uniform(max(size / min(photo.shape[:2]), 0.35), 1.0)
        small = np.asarray(
            Image.fromarray(photo).resize(
                (round(photo.shape[1] * scale), round(photo.shape[0] * scale)), Image.Resampling.LANCZOS
            )
        )
        top, left = rng.integers(0, small.shape[0] - size + 1), rng.integers(0, small.shape[1] - size + 1)
        crops.append(small[top : top + size, left : left + size])
    return np.stack(crops)


def flower_photo() -> np.ndarray:
    """The flower photograph that ships with scikit-learn (427×640)."""
    from sklearn.datasets import load_sample_image

    return np.array(load_sample_image("flower.jpg"))


def flowers(count: int, seed: int, size: int = IMAGE_SIZE, photo_share: float = 0.25) -> np.ndarray:
    """(count, size, size, 3) uint8: procedural flowers, and a share of crops of a real flower photo."""
    rng = np.random.default_rng(seed)
    real = int(round(photo_share * count))
    images = [_procedural_flower(rng, size) for _ in range(count - real)]
    if real:
        images += list(_photo_crops([flower_photo()], real, rng, size))
    order = rng.permutation(count)
    return np.stack(images)[order]


def natural(count: int, seed: int, size: int = IMAGE_SIZE, photos: list[np.ndarray] | None = None) -> np.ndarray:
    """(count, size, size, 3) uint8 crops of natural photographs: the training photos by default;
    pass other photographs (e.g. Kodak's) to draw evaluation crops."""
    from course.compression.data import load_photos

    return _photo_crops(load_photos() if photos is None else photos, count, np.random.default_rng(seed), size)


DOMAINS = {"faces": faces, "flowers": flowers, "natural": natural}
