"""The file format: a small versioned header, the ANS payload, and a checksum.

    offset  size  field
    0       3     magic b"GLC"
    3       1     format version (2)
    4       1–3   image height − 1, as a LEB128 varint (height 1 … 65535)
    …       1–3   image width − 1
    …       1     rate point the image was coded at (1 … 255; a model has a few)
    …       1     the model: its number in `KNOWN_MODELS`, or 0 and then …
    (…      1+L   … the length L of the model's name (1 … 64) and the name, ASCII)
    …       4     fingerprint of the checkpoint's weights (first 4 bytes of their SHA-256)
    …       1–3   number of 32-bit payload words, as a LEB128 varint
    …       4·n   the payload: constriction ANS words, little-endian
    end-4   4     CRC-32 of everything before it

The checksum turns a flipped or lost byte into a named error instead of a silently wrong image
(an ANS decoder happily decodes garbage); the fingerprint does the same for a file decoded
with another checkpoint of the same name.

The checksum is not authentication. CRC-32 is linear and unkeyed: whoever changes the payload
and recomputes the last four bytes has a file that passes every check here and decodes into
another image (`python -m course bench robustness` leaves such forged files out of its count of
silent wrong outputs for this reason). To know a file is the one that was sent, compare its
SHA-256 with the sender's, or sign it.

The course's own models are named by one byte, so a 128×128 face costs 17 bytes of header,
length and checksum: at 0.02 bpp the whole file is about 40 bytes, and a 16-character name
would have been a third of it. A 768×512 photo costs 20.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import numpy as np

MAGIC = b"GLC"
VERSION = 2
# Models with a one-byte code (code = position + 1). Append only: a file names its model by code.
KNOWN_MODELS = (
    "codec_hyperprior",
    "codec_factorized",
    "glc_faces",
    "glc_flowers",
    "glc_natural",
    "glc_faces-fixed",
    "glc_flowers-fixed",
    "glc_natural-fixed",
    "vq_faces-uniform",
    "vq_faces-prior",
    "tc_faces",
    "glc_faces_generative",
    "glc_natural_generative",
)
MAX_NAME = 64
FINGERPRINT_BYTES = 4
SHORTEST = len(MAGIC) + 5 + FINGERPRINT_BYTES + 1 + 4  # a known model, a tiny image, no payload


class BitstreamError(ValueError):
    """A byte string that cannot be decoded; the message says what is wrong and what to do."""


class NotABitstreamError(BitstreamError):
    pass


class TruncatedBitstreamError(BitstreamError):
    pass


class CorruptBitstreamError(BitstreamError):
    pass


class UnsupportedVersionError(BitstreamError):
    pass


class WrongModelError(BitstreamError):
    pass


@dataclass(frozen=True)
class Header:
    height: int
    width: int
    model: str
    quality: int
    fingerprint: bytes = bytes(FINGERPRINT_BYTES)
    version: int = VERSION


def pack(header: Header, words: np.ndarray) -> bytes:
    """Header + payload words (uint32) + CRC-32."""
    if not (1 <= header.height <= 0xFFFF and 1 <= header.width <= 0xFFFF):
        raise ValueError(f"image size {header.height}×{header.width} does not fit the format (1 … 65535 per side)")
    if not 1 <= header.quality <= 255:
        raise ValueError(f"rate point {header.quality} does not fit the format (1 … 255)")
    name = header.model.encode("ascii")
    if not 1 <= len(name) <= MAX_NAME:
        raise ValueError(f"model name {header.model!r} must be 1 … {MAX_NAME} ASCII characters")
    if len(header.fingerprint) != FINGERPRINT_BYTES:
        raise ValueError(f"a fingerprint is {FINGERPRINT_BYTES} bytes, got {len(header.fingerprint)}")
    words = np.asarray(words, dtype="<u4")
    model = (
        bytes([KNOWN_MODELS.index(header.model) + 1])
        if header.model in KNOWN_MODELS
        else b"\x00" + bytes([len(name)]) + name
    )
    body = (
        MAGIC
        + bytes([header.version])
        + _varint(header.height - 1)
        + _varint(header.width - 1)
        + bytes([header.quality])
        + model
        + header.fingerprint
        + _varint(words.size)
        + words.tobytes()
    )
    return body + struct.pack(">I", zlib.crc32(body))


def unpack(data: bytes) -> tuple[Header, np.ndarray]:
    """Parse and verify a bitstream; return its header and payload words (uint32)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"a bitstream is bytes, not {type(data).__name__}; read the file with open(path, 'rb').read()")
    data = bytes(data)
    if len(data) < len(MAGIC) and MAGIC.startswith(data):
        raise TruncatedBitstreamError(_truncated(len(data), f"at least {SHORTEST}"))
    if data[: len(MAGIC)] != MAGIC:
        raise NotABitstreamError(
            f"not a course codec file: it starts with {data[:3]!r}, a codec file with {MAGIC!r}. "
            "Give the bytes that `encode` returned (or a .glc file)."
        )
    if len(data) < len(MAGIC) + 1:
        raise TruncatedBitstreamError(_truncated(len(data), f"at least {SHORTEST}"))
    version = data[len(MAGIC)]
    if version != VERSION:
        raise UnsupportedVersionError(
            f"bitstream format version {version}; this version of the course reads version {VERSION} only. "
            "Re-encode the image with this version of the course."
        )
    height, pos = _read_varint(data, len(MAGIC) + 1)
    width, pos = _read_varint(data, pos)
    height, width = height + 1, width + 1
    _require(data, pos + 2)
    quality, code = data[pos], data[pos + 1]
    pos += 2
    if height > 0xFFFF or width > 0xFFFF or quality == 0 or code > len(KNOWN_MODELS):
        raise CorruptBitstreamError(_corrupt("the header holds impossible values"))
    if code:
        model = KNOWN_MODELS[code - 1]
    else:
        _require(data, pos + 1)
        name_len, pos = data[pos], pos + 1
        if not 1 <= name_len <= MAX_NAME:
            raise CorruptBitstreamError(_corrupt("the header holds impossible values"))
        _require(data, pos + name_len)
        try:
            model = data[pos : pos + name_len].decode("ascii")
        except UnicodeDecodeError:
            raise CorruptBitstreamError(_corrupt("the model name is not ASCII")) from None
        pos += name_len
    _require(data, pos + FINGERPRINT_BYTES + 1)
    fingerprint = data[pos : pos + FINGERPRINT_BYTES]
    pos += FINGERPRINT_BYTES
    n_words, pos = _read_varint(data, pos)
    expected = pos + 4 * n_words + 4
    if len(data) < expected:
        raise TruncatedBitstreamError(_truncated(len(data), str(expected)))
    if len(data) > expected:
        raise CorruptBitstreamError(_corrupt(f"{len(data) - expected} unexpected byte(s) after the end of the stream"))
    (crc,) = struct.unpack(">I", data[-4:])
    if zlib.crc32(data[:-4]) != crc:
        raise CorruptBitstreamError(_corrupt("its checksum does not match: bytes were changed"))
    words = np.frombuffer(data[pos : pos + 4 * n_words], dtype="<u4").astype(np.uint32)
    return Header(height, width, model, quality, fingerprint, version), words


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    n, shift = 0, 0
    for i in range(pos, min(pos + 5, len(data))):
        n |= (data[i] & 0x7F) << shift
        shift += 7
        if not data[i] & 0x80:
            return n, i + 1
    if len(data) < pos + 5:
        raise TruncatedBitstreamError(_truncated(len(data), f"more than {len(data)} (the payload length)"))
    raise CorruptBitstreamError(_corrupt("the payload length is malformed"))


def _require(data: bytes, size: int) -> None:
    """Refuse a stream too short to hold the header field that ends at byte `size`."""
    if len(data) < size:
        raise TruncatedBitstreamError(_truncated(len(data), f"at least {size} (the header)"))


def _truncated(actual: int, expected: str) -> str:
    return (
        f"bitstream is truncated: {actual} bytes, expected {expected}. "
        "The file was cut short (an interrupted copy or download?): copy it again or re-encode the image."
    )


def _corrupt(what: str) -> str:
    return f"bitstream is corrupt: {what}. Copy the file again or re-encode the image."
