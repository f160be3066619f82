"""Rate–distortion points from real files: every codec, every rate point, averaged over a set of images.

A point is {rate, bpp, psnr, ms_ssim}: the mean over the images of each figure at one rate point
(a JPEG/WebP/AVIF quality, or a rate point of one of our codecs). bpp always comes from the bytes of a file that
decodes on its own.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from course.compression.baselines import BASELINES
from course.compression.coding import bits_per_pixel, decode, encode
from course.compression.metrics import bd_rate, quality


def load_image_folder(folder: Path) -> list[np.ndarray]:
    """RGB images of an evaluation folder (e.g. Kodak), checked against its SHA256SUMS."""
    from PIL import Image

    from course.compression.data import verify_photo_folder

    images = []
    for path in verify_photo_folder(Path(folder), training=False):
        with Image.open(path) as image:
            images.append(np.asarray(image.convert("RGB")))
    return images


def _mean_point(rate, results: list[dict]) -> dict:
    return {"rate": rate, **{key: float(np.mean([r[key] for r in results])) for key in ("bpp", "psnr", "ms_ssim")}}


def baseline_points(images: list[np.ndarray], name: str, qualities=None) -> list[dict]:
    """RD points of a Pillow codec ('jpeg', 'webp' or 'avif') at each quality."""
    function, default = BASELINES[name]
    points = []
    for q in qualities or default:
        results = []
        for image in images:
            data, decoded = function(image, q)
            results.append({"bpp": bits_per_pixel(data, *image.shape[:2]), **quality(image, decoded)})
        points.append(_mean_point(q, results))
    return points


def codec_points(images: list[np.ndarray], model, qualities=None) -> tuple[list[dict], dict]:
    """RD points of a learned codec at each rate point (default: all), and mean encode/decode
    seconds per image."""
    points, encode_s, decode_s = [], [], []
    for q in qualities or range(1, model.config.rate_points + 1):
        results = []
        for image in images:
            start = time.perf_counter()
            data = encode(image, model, q)
            middle = time.perf_counter()
            decoded = decode(data, model)
            decode_s.append(time.perf_counter() - middle)
            encode_s.append(middle - start)
            results.append({"bpp": bits_per_pixel(data, *image.shape[:2]), **quality(image, decoded)})
        points.append(_mean_point(q, results))
    timing = {
        "encode_seconds_per_image": float(np.mean(encode_s)),
        "decode_seconds_per_image": float(np.mean(decode_s)),
    }
    return points, timing


def bd_rate_of(reference: list[dict], test: list[dict]) -> float:
    """BD-rate (PSNR) of one list of points against another, in percent."""
    return bd_rate(
        [p["bpp"] for p in reference],
        [p["psnr"] for p in reference],
        [p["bpp"] for p in test],
        [p["psnr"] for p in test],
    )
