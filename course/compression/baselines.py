"""Classical codecs through Pillow, measured the same way as ours: on the bytes of a real file.

Each function returns (bytes, decoded (H, W, 3) uint8 image); bpp = 8 · len(bytes) / pixels.
"""

from __future__ import annotations

import io

import numpy as np

JPEG_QUALITIES = (5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 95)
WEBP_QUALITIES = (5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95)
AVIF_QUALITIES = (5, 10, 20, 30, 40, 50, 60, 70, 80, 90)


def _roundtrip(array: np.ndarray, fmt: str, **options) -> tuple[bytes, np.ndarray]:
    from PIL import Image

    from course.compression.coding import as_rgb_array

    buffer = io.BytesIO()
    Image.fromarray(as_rgb_array(array)).save(buffer, format=fmt, **options)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as decoded:
        return data, np.asarray(decoded.convert("RGB"))


def _check_quality(quality: int) -> None:
    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be 1 … 100, got {quality}")


def jpeg(image, quality: int) -> tuple[bytes, np.ndarray]:
    """Baseline JPEG: 4:2:0 chroma subsampling, optimized Huffman tables."""
    _check_quality(quality)
    return _roundtrip(image, "JPEG", quality=quality, optimize=True, subsampling=2)


def webp(image, quality: int) -> tuple[bytes, np.ndarray]:
    """Lossy WebP (method 6: the slowest, smallest)."""
    _check_quality(quality)
    return _roundtrip(image, "WEBP", quality=quality, method=6)


def avif_available() -> bool:
    from PIL import features

    return bool(features.check("avif"))


def avif(image, quality: int) -> tuple[bytes, np.ndarray]:
    """AVIF (AV1 intra), if this Pillow was built with it."""
    if not avif_available():
        raise RuntimeError("this Pillow cannot write AVIF (built without libavif); install Pillow ≥ 11.3 wheels")
    _check_quality(quality)
    return _roundtrip(image, "AVIF", quality=quality, speed=4, subsampling="4:2:0")


BASELINES = {"jpeg": (jpeg, JPEG_QUALITIES), "webp": (webp, WEBP_QUALITIES), "avif": (avif, AVIF_QUALITIES)}
