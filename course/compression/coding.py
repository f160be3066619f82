"""Image -> bytes -> image with a learned codec. Every rate in the course is measured on these bytes:

    bpp = 8 · len(encode(image, model, quality)) / (height · width)

The image is padded (edge pixels repeated) to a multiple of 64 on each side, analysed at the
chosen rate point, quantized and entropy-coded into one ANS stream (z first out, then y);
`decode` reads the header, checks that the bytes were made by this model (name and weights),
decodes at the rate point the header records and crops back. Decoding needs only the bytes and
the model's checkpoint.
"""

from __future__ import annotations

import hashlib

import numpy as np
import torch
import torch.nn.functional as F

from course.compression.bitstream import (
    FINGERPRINT_BYTES,
    CorruptBitstreamError,
    Header,
    WrongModelError,
    pack,
    unpack,
)
from course.compression.transforms import HYPER_DOWNSAMPLING

# The largest image the codec takes: 16 megapixels (2^20 pixels each), so that coding one fits in
# about 4 GB. Peak memory (ru_maxrss) of encoding and of decoding, measured at 1, 2 and 4 MP at the
# best rate point, grows by ~210 MB per megapixel over ~350 MB for Python, torch and the model
# (tests/test_compression.py measures it again): 16 MP take ~3.7 GB. Bigger images: cut them into tiles.
MEGABYTES_PER_MEGAPIXEL = 210
MAX_PIXELS = 16 * 2**20


def as_rgb_array(image) -> np.ndarray:
    """A PIL image or a uint8 array -> (H, W, 3) uint8. Grayscale and RGBA are refused, each with the fix."""
    from PIL import Image

    if isinstance(image, Image.Image):
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            raise ValueError(
                f"the image has an alpha channel (mode {image.mode!r}), which the codec does not code. "
                "Drop it with image.convert('RGB'), or composite it onto a background first."
            )
        if image.mode in ("L", "1", "I", "F") or image.mode.startswith("I;16"):
            raise ValueError(
                f"the image is grayscale (mode {image.mode!r}); the codec codes RGB images. Convert it with "
                "course.compression.coding.rgb8(image), which scales 16-bit and float pixels to 0–255 "
                "(image.convert('RGB') clips them: a 16-bit image turns white)."
            )
        image = image.convert("RGB")
    array = np.asarray(image)
    if array.dtype != np.uint8:
        raise ValueError(
            f"the image array has dtype {array.dtype}; the codec takes uint8 pixels 0–255. "
            "Convert it with (array * 255).round().clip(0, 255).astype(np.uint8) if it holds values in [0, 1]."
        )
    if array.ndim == 2 or (array.ndim == 3 and array.shape[2] == 1):
        raise ValueError(
            f"the image is grayscale (shape {array.shape}); the codec codes RGB images. "
            "Repeat the channel with np.repeat(array.reshape(*array.shape[:2], 1), 3, axis=2)."
        )
    if array.ndim == 3 and array.shape[2] == 4:
        raise ValueError(
            "the image has an alpha channel (4 channels), which the codec does not code. "
            "Drop it with array[..., :3], or composite it onto a background first."
        )
    if array.ndim != 3 or array.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) RGB image, got an array of shape {array.shape}")
    if min(array.shape[:2]) < 1 or max(array.shape[:2]) > 0xFFFF:
        raise ValueError(f"image size {array.shape[0]}×{array.shape[1]} is outside 1 … 65535 pixels per side")
    if array.shape[0] * array.shape[1] > MAX_PIXELS:
        raise ValueError(
            f"image of {array.shape[0]}×{array.shape[1]} pixels is larger than the codec's {MAX_PIXELS // 2**20} megapixels: cut it into tiles"
        )
    return array


def rgb8(image) -> np.ndarray:
    """A PIL image of any mode without alpha -> (H, W, 3) uint8, greyscale repeated into three channels.

    Deeper pixels are scaled to 0–255, not clipped (Pillow's convert("RGB") clips a 16-bit
    image's values above 255, so it turns white): 16-bit (I;16*) by 255/65535, a 32-bit integer
    image by the same when its values exceed 255, a float image (F) by 255 when they lie in [0, 1]."""
    mode = image.mode
    if mode in ("RGBA", "LA", "PA", "La", "RGBa") or (mode == "P" and "transparency" in image.info):
        return as_rgb_array(image)  # refused there, with the fix
    if mode in ("I", "F") or mode.startswith("I;16"):
        values = np.asarray(image, dtype=np.float64)
        top = float(values.max(initial=0))
        if float(values.min(initial=0)) < 0 or not np.isfinite(values).all():
            raise ValueError(f"the {mode} image holds negative or non-finite values: no pixel scale fits it")
        if mode == "F" and top <= 1.0:
            scale = 255.0
        elif mode.startswith("I;16") or 255 < top <= 65535:
            scale = 255.0 / 65535.0
        elif top <= 255:
            scale = 1.0
        else:
            raise ValueError(f"the {mode} image holds values up to {top:g}: more than 16 bits, no pixel scale fits it")
        grey = np.clip(np.round(values * scale), 0, 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2)
    return np.asarray(image.convert("RGB"))


def to_tensor(array: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 -> (1, 3, H, W) float in [0, 1]."""
    return torch.from_numpy(np.array(array, dtype=np.uint8, copy=True)).permute(2, 0, 1)[None].float() / 255.0


def to_array(x: torch.Tensor) -> np.ndarray:
    """(1, 3, H, W) float in [0, 1] -> (H, W, 3) uint8."""
    return (x[0].clamp(0, 1) * 255.0).round().to(torch.uint8).permute(1, 2, 0).numpy()


def padded_size(height: int, width: int, multiple: int = HYPER_DOWNSAMPLING) -> tuple[int, int]:
    return -(-height // multiple) * multiple, -(-width // multiple) * multiple


def pad(x: torch.Tensor, multiple: int = HYPER_DOWNSAMPLING) -> torch.Tensor:
    """Repeat the last row and column up to a multiple of `multiple` (works for a 1×1 image too)."""
    height, width = x.shape[-2:]
    ph, pw = padded_size(height, width, multiple)
    return F.pad(x, (0, pw - width, 0, ph - height), mode="replicate")


def fingerprint(model) -> bytes:
    """The first bytes of the SHA-256 of the model's weights: a file records which checkpoint made it."""
    digest = hashlib.sha256()
    for key, tensor in sorted(model.state_dict().items()):
        digest.update(key.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.digest()[:FINGERPRINT_BYTES]


def encode_symbols(symbols: dict[str, np.ndarray], model, height: int, width: int, quality: int) -> bytes:
    """Entropy-code a model's integer symbols into a complete bitstream for a height × width image."""
    import constriction

    coder = constriction.stream.stack.AnsCoder()
    model.write(symbols, coder)
    header = Header(height, width, model.name, quality, fingerprint(model))
    return pack(header, coder.get_compressed())


def decode_symbols(data: bytes, model) -> tuple[Header, dict[str, np.ndarray]]:
    """Parse, check and entropy-decode a bitstream back into the model's integer symbols."""
    import constriction

    header, words = unpack(data)
    if header.model != model.name:
        raise WrongModelError(
            f"the bitstream was made by model {header.model!r}; this is {model.name!r}. "
            "Decode it with the model named in the file."
        )
    if header.fingerprint != fingerprint(model):
        raise WrongModelError(
            f"the bitstream was made by another checkpoint of {model.name!r} (weights fingerprint "
            f"{header.fingerprint.hex()}, this model's is {fingerprint(model).hex()}). Decode it with the "
            "checkpoint that encoded it, or re-encode the image with this one."
        )
    if header.quality > model.config.rate_points:
        raise CorruptBitstreamError(
            f"bitstream is corrupt: it names rate point {header.quality}, but {model.name!r} has rate points "
            f"1 … {model.config.rate_points}. Re-encode the image."
        )
    if header.height * header.width > MAX_PIXELS:
        raise CorruptBitstreamError(
            f"bitstream is corrupt: it claims a {header.height}×{header.width} image, larger than any the codec writes"
        )
    coder = constriction.stream.stack.AnsCoder(words)
    ph, pw = padded_size(header.height, header.width)
    try:
        symbols = model.read(coder, ph, pw)
    except CorruptBitstreamError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as err:  # constriction refuses some malformed streams (a Rust panic is a BaseException)
        raise CorruptBitstreamError(
            f"bitstream is corrupt: the payload does not decode ({err}). Re-encode the image."
        ) from err
    if not coder.is_empty():
        raise CorruptBitstreamError(
            "bitstream is corrupt: payload words are left over after decoding every latent. "
            "It was probably made by a different checkpoint of the same model: re-encode the image."
        )
    return header, symbols


def check_quality(model, quality) -> int:
    """The rate point as an int, or a ValueError that names the valid ones."""
    points = model.config.rate_points
    if isinstance(quality, bool) or not isinstance(quality, (int, np.integer)) or not 1 <= quality <= points:
        raise ValueError(f"rate point {quality!r} is not one of {model.name}'s 1 … {points} (1: fewest bits)")
    return int(quality)


@torch.no_grad()
def encode(image, model, quality: int) -> bytes:
    """A PIL image or (H, W, 3) uint8 array -> the bytes of a self-contained bitstream, at rate point
    `quality` (1: fewest bits, … model.config.rate_points: best quality)."""
    quality = check_quality(model, quality)
    array = as_rgb_array(image)
    height, width = array.shape[:2]
    model.eval()
    symbols = model.analyse(pad(to_tensor(array)), quality)
    return encode_symbols(symbols, model, height, width, quality)


@torch.no_grad()
def decode(data: bytes, model) -> np.ndarray:
    """Bytes from `encode` -> the (H, W, 3) uint8 image. Raises a BitstreamError subclass on bad input."""
    header, symbols = decode_symbols(data, model)
    model.eval()
    x_hat = model.synthesise(symbols, header.quality)
    return to_array(x_hat[..., : header.height, : header.width])


def bits_per_pixel(data: bytes, height: int, width: int) -> float:
    return 8.0 * len(data) / (height * width)


@torch.no_grad()
def bitstream_overhead(image, model, quality: int) -> dict:
    """How far the real file is from ideal entropy coding: header, checksum and ANS overhead.
    {'bytes', 'ideal_bytes', 'overhead_pct'}, overhead relative to the file size."""
    quality = check_quality(model, quality)
    array = as_rgb_array(image)
    model.eval()
    symbols = model.analyse(pad(to_tensor(array)), quality)
    height, width = array.shape[:2]
    data = encode_symbols(symbols, model, height, width, quality)
    ideal = model.information_bits(symbols) / 8
    return {"bytes": len(data), "ideal_bytes": ideal, "overhead_pct": 100 * (len(data) - ideal) / len(data)}


# ------------------------------------------------------------------ shipped models


def load_codec(name: str):
    """A shipped codec by model name ('codec_hyperprior' or 'codec_factorized'), its checkpoint
    verified by SHA-256."""
    from course.compression.models import CodecConfig, make_codec
    from course.core.checkpoints import config_from_entry, load_checkpoint, load_weights

    tensors, entry = load_checkpoint(name)
    model = make_codec(config_from_entry(CodecConfig, entry, name))
    return load_weights(model, tensors, name).eval()
