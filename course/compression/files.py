"""`python -m course codec encode|decode`: image files to .glc files and back.

`encode` codes an image file with a shipped Kodak codec. `decode` reads any .glc file a course
model wrote and decodes it with the model its header names:

    codec_hyperprior, codec_factorized          the Kodak codecs              (`coding.decode`)
    glc_faces, glc_flowers, glc_natural,        GLC, and its twin at the VQ's  (`coding.decode`)
    tc_faces                                    rates
    glc_faces-fixed, … (any GLC name + -fixed)  GLC's stage-1 latent in a      (`glc.fixed_length_decode`)
                                                fixed-length code
    vq_faces-uniform, vq_faces-prior            the VQ's codebook indices     (`vq.decode_bytes`)

A file that names any other model (one that codes no images, such as `sprites_vae`, or none of
the course's) gets an error that lists these. Before decoding, the file's weights fingerprint is
checked against the checkpoint's: a file made by other weights of the same name is refused, not
decoded into a wrong image. Both commands refuse to write over their input, and write their
output atomically (`course.core.files`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from course.compression.bitstream import KNOWN_MODELS, WrongModelError, unpack
from course.compression.coding import MAX_PIXELS, as_rgb_array, rgb8

CODEC_MODELS = ("codec_hyperprior", "codec_factorized")
GLC_MODELS = ("glc_faces", "glc_flowers", "glc_natural", "tc_faces")
VQ_MODELS = ("vq_faces",)
# No .glc file is larger than this: the largest image at the best rate point takes a few MB
MAX_FILE_BYTES = 64 * 2**20


def decodable_models() -> list[str]:
    """Every model name a .glc file can carry that `decode_file` decodes."""
    return [
        *CODEC_MODELS,
        *GLC_MODELS,
        *(f"{name}-fixed" for name in GLC_MODELS),
        *(f"{name}-{kind}" for name in VQ_MODELS for kind in ("uniform", "prior")),
    ]


def decoder_for(model_name: str) -> Callable[[bytes], np.ndarray]:
    """bytes -> (H, W, 3) uint8 for files of `model_name`, its checkpoint loaded and verified; a
    ValueError that lists the decodable models for any other name."""
    from course.compression.coding import decode, fingerprint, load_codec

    def checked(model, data: bytes):  # the weights that wrote the file, or a named error
        header, _ = unpack(data)
        if header.fingerprint != fingerprint(model):
            raise WrongModelError(
                f"the file was made by other weights of {model_name!r} (fingerprint {header.fingerprint.hex()}, "
                f"the shipped checkpoint's is {fingerprint(model).hex()}): decode it where it was made, "
                "or re-encode the image with the shipped checkpoint."
            )
        return model

    if model_name in CODEC_MODELS:
        return lambda data: decode(data, load_codec(model_name))
    if model_name in GLC_MODELS:
        from course.compression.glc.glc import load_glc

        return lambda data: decode(data, load_glc(model_name))
    base, _, kind = model_name.rpartition("-")
    if base in GLC_MODELS and kind == "fixed":
        from course.compression.glc.glc import fixed_length_decode, load_glc

        return lambda data: fixed_length_decode(data, checked(load_glc(base, "stage1"), data))
    if base in VQ_MODELS and kind in ("uniform", "prior"):
        from course.compression.glc.vq import decode_bytes, load_vq

        def vq(data: bytes) -> np.ndarray:
            model, prior = load_vq(base)
            return decode_bytes(data, checked(model, data), prior if kind == "prior" else None)

        return vq
    raise ValueError(_not_decodable(model_name))


def _not_decodable(model_name: str) -> str:
    from course.lessons import all_models

    known = ", ".join(decodable_models())
    if model_name in all_models():
        return (
            f"the file names model {model_name!r}, a model of the course that codes no images: files of {known} decode"
        )
    if model_name in KNOWN_MODELS:
        return f"the file names {model_name!r}, a format this course no longer ships a decoder for: files of {known} decode"
    return f"the file names model {model_name!r}, which is none of the course's: files of {known} decode"


# ------------------------------------------------------------------ files


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_paths(source, target) -> tuple[Path, Path]:
    """The source must be a readable file and the target another file: never the input itself."""
    from course.core.files import check_target

    source, target = Path(source), Path(target)
    if source.is_dir():
        raise IsADirectoryError(21, "is a folder, not a file", str(source))
    if not source.exists():
        raise FileNotFoundError(2, "no such file", str(source))
    if _same_file(source, target):
        raise ValueError(f"the output {target} is the input file: give another name, or the input would be lost")
    check_target(target)
    return source, target


def read_image(path: Path) -> tuple[np.ndarray, str | None]:
    """An image file -> ((H, W, 3) uint8, a note on any conversion made). Greyscale and 16-bit images
    are converted to 8-bit RGB (scaled, not clipped); an image over the codec's size limit, or a
    file Pillow cannot read, raises a one-line ValueError before any large allocation."""
    import warnings

    from PIL import Image

    limit = f"the codec's limit of {MAX_PIXELS / 1e6:.0f} megapixels"
    with warnings.catch_warnings():  # the size is checked here against the codec's own limit
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise ValueError(
                        f"{path} is {image.width}×{image.height} pixels ({image.width * image.height / 1e6:.0f} "
                        f"megapixels), over {limit}: cut it into tiles and encode each"
                    )
                mode = image.mode
                image.load()
                array = rgb8(image)
        except Image.DecompressionBombError as err:
            raise ValueError(f"{path} is far larger than {limit} ({err}): cut it into tiles") from None
        except (OSError, SyntaxError, EOFError, IndexError, TypeError, KeyError, ArithmeticError) as err:
            if isinstance(err, FileNotFoundError | PermissionError | IsADirectoryError):
                raise
            raise ValueError(f"{path} is not an image Pillow can read ({err or type(err).__name__})") from None
    note = None if mode == "RGB" else f"{mode} image converted to 8-bit RGB"
    return as_rgb_array(array), note


def encode_file(source, target, quality: int, kind: str = "hyperprior") -> dict:
    """Encode an image file into a .glc file (written atomically); return its size and bpp."""
    from course.compression.coding import bits_per_pixel, encode, load_codec
    from course.compression.models import CodecConfig
    from course.core.files import atomic_write_bytes

    source, target = check_paths(source, target)
    array, note = read_image(source)
    model = load_codec(CodecConfig(kind=kind).name)
    data = encode(array, model, quality)
    atomic_write_bytes(target, data)
    height, width = array.shape[:2]
    result = {
        "model": model.name,
        "quality": quality,
        "bytes": len(data),
        "bpp": round(bits_per_pixel(data, height, width), 4),
    }
    return {**result, "converted": note} if note else result


def decode_file(source, target) -> dict:
    """Decode a .glc file with the model its header names; write the image in the format the
    target's extension names (.png, .bmp, .tiff, … any Pillow writes)."""
    from PIL import Image

    from course.core.files import atomic_write

    source, target = check_paths(source, target)
    fmt = Image.registered_extensions().get(target.suffix.lower())
    if fmt is None or fmt not in Image.SAVE:
        raise ValueError(
            f"{target}: {target.suffix or 'no extension'} is no image format Pillow writes; name the output .png (lossless)"
        )
    if source.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(
            f"{source} is {source.stat().st_size / 2**20:.0f} MB, larger than any .glc file the codec writes"
        )
    data = source.read_bytes()
    header, _ = unpack(data)
    if header.height * header.width > MAX_PIXELS:
        raise ValueError(f"{source} claims a {header.height}×{header.width} image, larger than any the codec writes")
    image = decoder_for(header.model)(data)
    atomic_write(target, lambda tmp: Image.fromarray(image).save(tmp, format=fmt))
    return {"model": header.model, "quality": header.quality, "height": header.height, "width": header.width}


__all__ = ["check_paths", "decodable_models", "decode_file", "decoder_for", "encode_file", "read_image"]
