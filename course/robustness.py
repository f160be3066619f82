"""`python -m course bench robustness`: the bad inputs a careful user might try, run as code.

Each probe runs the real command line (`python -m course …`) in a fresh process, in a folder of
its own that holds temporary copies of its inputs (and, where it changes them, a private copy of
data/ made of links: the repository's data/ is never written). After the run it checks:

- crash: a traceback, an exit code other than 0/1/2, or an error that is not one `error:` line;
  a valid input that is refused counts too;
- silent wrong output: a bad input accepted (exit 0), or a valid input's output that is not what
  the course's own functions give (an image compared pixel for pixel, a bench's JSON by value);
- partial file left: a file in the folder that was not there before and is no finished output
  (a temporary file, or an output written by a command that failed);
- input overwritten: a file that was there before and changed or vanished.

Offline bypasses are separate probes: a way out of the machine (a connection, a datagram, a name
lookup, a child process) tried from a process with COURSE_OFFLINE=1; one is open unless the
guard refused it or, for programs no Python guard reaches, the loopback-only network namespace
of `course.core.run_offline` left it no route. The four verify cases remove the manifest, one
manifest entry, data/checkpoints/ and data/photos/; each is caught when `verify` exits 1.

Not probed, by design: a .glc file whose payload was changed and whose CRC-32 was recomputed. It
decodes into another image, and nothing in the format can tell: the checksum catches accidents,
not forgery (see `course.compression.bitstream`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import textwrap
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from course.core.paths import REPO_ROOT, data_dir

TIMEOUT = 240  # seconds a probe may take before it counts as a crash (a hang)
MIN_PSNR = 20.0  # dB: a decoded image this close to its source is the right image, not another one


@dataclass
class Probe:
    name: str  # "area/what": distinct for every input tried
    args: list[str]  # after `python -m course`
    expect: str  # "error" (exit 2, one error line), "fail" (exit 1: verify found a problem) or "ok" (exit 0)
    setup: Callable[[Path], object] | None = None  # puts the inputs into the probe's folder (what it returns is unused)
    check: Callable[[Path, str], bool] | None = None  # for "ok": is the output right? (folder, stdout)
    outputs: tuple[str, ...] = ()  # files (relative to the folder) the command is meant to write
    own_data: bool = False  # a private linked copy of data/ in folder/data, which `setup` may change
    env: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------------ inputs


def linked_copy(source: Path, target: Path) -> Path:
    """A copy of the folder `source` made of symbolic links to its files: cheap, and writing
    through the course's atomic writes replaces a link, never the file it points to."""
    for folder, _, files in os.walk(source):
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            (target / relative / name).symlink_to(Path(folder, name).resolve())
    return target


def picture(height: int = 96, width: int = 128, seed: int = 0) -> np.ndarray:
    """A smooth (H, W, 3) uint8 test picture: gradients and a disc, which the codec codes well."""
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    disc = ((x - 0.5) ** 2 + (y - 0.4) ** 2 < 0.06).astype(float)
    rng = np.random.default_rng(seed)
    channels = [(0.2 + 0.6 * x) * 255, (0.3 + 0.5 * y) * 255, (0.5 + 0.4 * disc - 0.2 * x) * 255]
    image = np.stack(channels, axis=2) + rng.normal(0, 2, (height, width, 3))
    return np.clip(image, 0, 255).astype(np.uint8)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width × height pixels and holds none: what Pillow reads before decoding."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def _save(array_or_image, path: Path, **options) -> None:
    from PIL import Image

    image = array_or_image if isinstance(array_or_image, Image.Image) else Image.fromarray(array_or_image)
    image.save(path, **options)


def _write(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data() if callable(data) else data)

    return setup


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0**2 / mse)


def _read_image(path: Path) -> np.ndarray | None:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except (OSError, ValueError, SyntaxError):
        return None


def _reforge(data: bytes, **changes) -> bytes:
    """A .glc file with header fields changed and a valid CRC: a well-formed file that lies."""
    from dataclasses import replace

    from course.compression.bitstream import pack, unpack

    header, words = unpack(data)
    return pack(replace(header, **changes), words)


def _edit_manifest(edit: Callable[[dict], object]) -> Callable[[Path], None]:
    """Change the (private) manifest in place with `edit(manifest)`."""

    def setup(folder: Path) -> None:
        path = folder / "data" / "checkpoints" / "manifest.json"
        manifest = json.loads(path.read_text())
        edit(manifest)
        path.unlink()  # the link; the repository's file stays as it is
        path.write_text(json.dumps(manifest))

    return setup


def _remove(relative: str) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        path = folder / "data" / relative
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()

    return setup


def _replace_file(relative: str, data: bytes) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        path = folder / "data" / relative
        path.unlink()
        path.write_bytes(data)

    return setup


def _both(*setups: Callable[[Path], object]) -> Callable[[Path], None]:
    def setup_all(folder: Path) -> None:
        for setup in setups:
            setup(folder)

    return setup_all


# ------------------------------------------------------------------ the probes


class Reference:
    """Inputs made once, and what the course's own functions give for them (loaded lazily)."""

    def __init__(self, full: bool):
        from course.compression.coding import encode, load_codec

        self.full = full
        self.image = picture()
        self.codec = load_codec("codec_hyperprior")
        self.glc = encode(self.image, self.codec, 4)
        self.files = {"codec_hyperprior": self.glc}
        if full:
            from course.compression.glc.domains import faces
            from course.compression.glc.glc import fixed_length_file, load_glc
            from course.compression.glc.vq import load_vq, prior_bytes, uniform_bytes

            face = self.face = faces(1, seed=5)[0]
            self.files["codec_factorized"] = encode(face, load_codec("codec_factorized"), 2)
            self.files["glc_faces"] = encode(face, load_glc("glc_faces"), 3)
            self.files["tc_faces"] = encode(face, load_glc("tc_faces"), 2)
            self.files["glc_flowers-fixed"] = fixed_length_file(load_glc("glc_flowers", "stage1"), face, 2)
            vq, prior = load_vq("vq_faces")
            self.files["vq_faces-uniform"] = uniform_bytes(vq, face)
            self.files["vq_faces-prior"] = prior_bytes(vq, prior, face)

    def decoded(self, name: str) -> np.ndarray:
        from course.compression.files import decoder_for

        return decoder_for(name.split(".")[0])(self.files[name])

    def encoded_right(self, expected: np.ndarray, output: str) -> Callable[[Path, str], bool]:
        """The .glc the command wrote decodes to an image close to `expected` (the input, converted)."""

        def check(folder: Path, stdout: str) -> bool:
            from course.compression.coding import decode

            data = (folder / output).read_bytes()
            return _psnr(decode(data, self.codec), expected) >= MIN_PSNR

        return check

    def decoded_right(self, name: str, output: str, source: np.ndarray) -> Callable[[Path, str], bool]:
        """The image the command wrote is the course's decoding, and close to its source."""

        def check(folder: Path, stdout: str) -> bool:
            image = _read_image(folder / output)
            reference = self.decoded(name)
            # within a grey level or two: the synthesis transform's floats may round differently with
            # another number of threads; another image (or model) differs by far more
            if image is None or image.shape != reference.shape:
                return False
            same = int(np.abs(image.astype(int) - reference.astype(int)).max()) <= 2
            return same and _psnr(reference, source) >= 15

        return check


def codec_probes(ref: Reference) -> list[Probe]:
    from PIL import Image

    image, glc = ref.image, ref.glc
    png = lambda folder: _save(image, folder / "in.png")  # noqa: E731
    good = lambda folder: (folder / "in.glc").write_bytes(glc)  # noqa: E731
    grey16 = np.linspace(0, 65535, 96 * 128).reshape(96, 128).astype(np.uint16)
    grey16_as_rgb = np.repeat(np.round(grey16 / 257.0).astype(np.uint8)[..., None], 3, axis=2)
    grey8 = image.mean(axis=2).astype(np.uint8)
    enc = lambda *args: ["codec", "encode", *args]  # noqa: E731
    dec = lambda *args: ["codec", "decode", *args]  # noqa: E731
    flip = lambda at: bytes(b ^ 0xFF if i == at else b for i, b in enumerate(glc))  # noqa: E731
    probes = [
        # encode: the source
        Probe("codec/encode a missing file", enc("nope.png", "out.glc"), "error"),
        Probe("codec/encode a folder", enc(".", "out.glc"), "error"),
        Probe("codec/encode an empty file", enc("in.png", "out.glc"), "error", _write("in.png", b"")),
        Probe("codec/encode a text file", enc("in.png", "out.glc"), "error", _write("in.png", b"just some words\n")),
        Probe("codec/encode a .glc file", enc("in.glc", "out.glc"), "error", good),
        Probe(
            "codec/encode a PNG cut in half",
            enc("in.png", "out.glc"),
            "error",
            lambda f: (png(f), (f / "in.png").write_bytes((f / "in.png").read_bytes()[:300])),
        ),
        Probe(
            "codec/encode a PNG with a damaged chunk",
            enc("in.png", "out.glc"),
            "error",
            lambda f: (png(f), (f / "in.png").write_bytes(_damage((f / "in.png").read_bytes(), 60))),
        ),
        Probe(
            "codec/encode a 225-megapixel PNG",
            enc("in.png", "out.glc"),
            "error",
            _write("in.png", png_header_only(15000, 15000)),
        ),
        Probe(
            "codec/encode just over the limit",
            enc("in.png", "out.glc"),
            "error",
            _write("in.png", png_header_only(4200, 4200)),
        ),
        Probe(
            "codec/encode a 70000-pixel-wide PNG",
            enc("in.png", "out.glc"),
            "error",
            _write("in.png", png_header_only(70000, 1)),
        ),
        Probe(
            "codec/encode RGBA",
            enc("in.png", "out.glc"),
            "error",
            lambda f: _save(Image.fromarray(image).convert("RGBA"), f / "in.png"),
        ),
        Probe(
            "codec/encode greyscale with alpha",
            enc("in.png", "out.glc"),
            "error",
            lambda f: _save(Image.fromarray(image).convert("LA"), f / "in.png"),
        ),
        # encode: sources it takes, converted
        Probe(
            "codec/encode 8-bit greyscale",
            enc("in.png", "out.glc"),
            "ok",
            lambda f: _save(grey8, f / "in.png"),
            ref.encoded_right(np.repeat(grey8[..., None], 3, axis=2), "out.glc"),
            ("out.glc",),
        ),
        Probe(
            "codec/encode 16-bit greyscale",
            enc("in.png", "out.glc"),
            "ok",
            lambda f: _save(Image.fromarray(grey16), f / "in.png"),
            ref.encoded_right(grey16_as_rgb, "out.glc"),
            ("out.glc",),
        ),
        Probe(
            "codec/encode a palette image",
            enc("in.png", "out.glc"),
            "ok",
            lambda f: _save(Image.fromarray(image).quantize(64), f / "in.png"),
            ref.encoded_right(np.asarray(Image.fromarray(image).quantize(64).convert("RGB")), "out.glc"),
            ("out.glc",),
        ),
        Probe(
            "codec/encode a PNG named .jpg into a new folder",
            enc("in.jpg", "new/deeper/out.glc"),
            "ok",
            lambda f: _save(image, f / "in.jpg", format="PNG"),
            ref.encoded_right(image, "new/deeper/out.glc"),
            ("new/deeper/out.glc",),
        ),
        Probe(
            "codec/encode a 1×1 image",
            enc("in.png", "out.glc"),
            "ok",
            lambda f: _save(image[:1, :1], f / "in.png"),
            ref.encoded_right(image[:1, :1], "out.glc"),
            ("out.glc",),
        ),
        # encode: options and the target
        Probe("codec/encode quality 0", enc("in.png", "out.glc", "--quality", "0"), "error", png),
        Probe("codec/encode quality 9", enc("in.png", "out.glc", "--quality", "9"), "error", png),
        Probe("codec/encode quality 'best'", enc("in.png", "out.glc", "--quality", "best"), "error", png),
        Probe("codec/encode an unknown kind", enc("in.png", "out.glc", "--kind", "jpeg"), "error", png),
        Probe("codec/encode onto its input", enc("in.png", "in.png"), "error", png),
        Probe("codec/encode onto its input, spelt ./", enc("in.png", "./in.png"), "error", png),
        Probe(
            "codec/encode onto a hard link to its input",
            enc("in.png", "link.png"),
            "error",
            _both(png, lambda f: os.link(f / "in.png", f / "link.png")),
        ),
        Probe(
            "codec/encode onto a symbolic link to its input",
            enc("in.png", "link.png"),
            "error",
            _both(png, lambda f: (f / "link.png").symlink_to("in.png")),
        ),
        Probe("codec/encode into a folder", enc("in.png", "out"), "error", _both(png, lambda f: (f / "out").mkdir())),
        Probe("codec/encode under a file", enc("in.png", "in.png/out.glc"), "error", png),
        Probe("codec/encode without a target", ["codec", "encode", "in.png"], "error", png),
        # decode: files of the course's models
        Probe(
            "codec/decode a codec_hyperprior file",
            dec("in.glc", "out.png"),
            "ok",
            good,
            ref.decoded_right("codec_hyperprior", "out.png", image),
            ("out.png",),
        ),
        Probe(
            "codec/decode to BMP",
            dec("in.glc", "out.bmp"),
            "ok",
            good,
            ref.decoded_right("codec_hyperprior", "out.bmp", image),
            ("out.bmp",),
        ),
        Probe(
            "codec/decode a header naming sprites_vae",
            dec("in.glc", "out.png"),
            "error",
            _write("in.glc", lambda: _reforge(glc, model="sprites_vae")),
        ),
        Probe(
            "codec/decode a header naming an unknown model",
            dec("in.glc", "out.png"),
            "error",
            _write("in.glc", lambda: _reforge(glc, model="my_codec")),
        ),
        Probe(
            "codec/decode a header naming glc_faces-fixed on codec bytes",
            dec("in.glc", "out.png"),
            "error",
            _write("in.glc", lambda: _reforge(glc, model="glc_faces-fixed")),
        ),
        Probe(
            "codec/decode other weights' fingerprint",
            dec("in.glc", "out.png"),
            "error",
            _write("in.glc", lambda: _reforge(glc, fingerprint=b"\0\0\0\0")),
        ),
        Probe(
            "codec/decode a header claiming 60000×60000",
            dec("in.glc", "out.png"),
            "error",
            _write("in.glc", lambda: _reforge(glc, height=60000, width=60000)),
        ),
        Probe(
            "codec/decode a rate point the model lacks",
            dec("in.glc", "out.png"),
            "error",
            _write("in.glc", lambda: _reforge(glc, quality=200)),
        ),
        # decode: damaged and foreign files
        Probe("codec/decode an empty file", dec("in.glc", "out.png"), "error", _write("in.glc", b"")),
        Probe("codec/decode 2 bytes", dec("in.glc", "out.png"), "error", _write("in.glc", glc[:2])),
        Probe("codec/decode the header only", dec("in.glc", "out.png"), "error", _write("in.glc", glc[:12])),
        Probe(
            "codec/decode a file cut in half", dec("in.glc", "out.png"), "error", _write("in.glc", glc[: len(glc) // 2])
        ),
        Probe("codec/decode a file one byte short", dec("in.glc", "out.png"), "error", _write("in.glc", glc[:-1])),
        Probe("codec/decode a byte too many", dec("in.glc", "out.png"), "error", _write("in.glc", glc + b"\0")),
        Probe("codec/decode a flipped magic", dec("in.glc", "out.png"), "error", _write("in.glc", flip(0))),
        Probe(
            "codec/decode a future version",
            dec("in.glc", "out.png"),
            "error",
            _write("in.glc", glc[:3] + b"\x09" + glc[4:]),
        ),
        Probe("codec/decode a flipped height", dec("in.glc", "out.png"), "error", _write("in.glc", flip(4))),
        Probe("codec/decode a flipped rate point", dec("in.glc", "out.png"), "error", _write("in.glc", flip(6))),
        Probe("codec/decode a flipped model code", dec("in.glc", "out.png"), "error", _write("in.glc", flip(7))),
        Probe("codec/decode a flipped fingerprint", dec("in.glc", "out.png"), "error", _write("in.glc", flip(9))),
        Probe(
            "codec/decode a flipped payload byte",
            dec("in.glc", "out.png"),
            "error",
            _write("in.glc", flip(len(glc) // 2)),
        ),
        Probe(
            "codec/decode a flipped checksum", dec("in.glc", "out.png"), "error", _write("in.glc", flip(len(glc) - 1))
        ),
        Probe("codec/decode a PNG", dec("in.png", "out.png"), "error", png),
        Probe(
            "codec/decode random bytes",
            dec("in.glc", "out.png"),
            "error",
            _write("in.glc", np.random.default_rng(3).bytes(500)),
        ),
        Probe(
            "codec/decode a 70 MB file",
            dec("in.glc", "out.png"),
            "error",
            _both(good, lambda f: os.truncate(f / "in.glc", 70 * 2**20)),
        ),
        Probe("codec/decode a missing file", dec("nope.glc", "out.png"), "error"),
        # decode: the target
        Probe("codec/decode onto its input", dec("in.glc", "in.glc"), "error", good),
        Probe("codec/decode into a folder", dec("in.glc", "out"), "error", _both(good, lambda f: (f / "out").mkdir())),
        Probe("codec/decode to an unknown format", dec("in.glc", "out.xyz"), "error", good),
        Probe("codec/decode to a name without extension", dec("in.glc", "out"), "error", good),
        Probe("codec/decode to a format Pillow only reads", dec("in.glc", "out.psd"), "error", good),
    ]
    if ref.full:  # every other model whose files `codec decode` reads
        for name in ref.files:
            if name == "codec_hyperprior":
                continue
            probes.append(
                Probe(
                    f"codec/decode a {name} file",
                    dec("in.glc", "out.png"),
                    "ok",
                    _write("in.glc", ref.files[name]),
                    ref.decoded_right(name, "out.png", ref.face),
                    ("out.png",),
                )
            )
    return probes


def _damage(png: bytes, at: int) -> bytes:
    return png[:at] + bytes([png[at] ^ 0x55]) + png[at + 1 :]


def checkpoint_probes() -> list[Probe]:
    """Broken checkpoints and manifests, met by `codec encode` (which loads one) and by `verify`."""
    png = lambda folder: _save(picture(), folder / "in.png")  # noqa: E731
    enc = ["codec", "encode", "in.png", "out.glc"]
    entry = "codec_hyperprior"

    def set_field(key, value):
        return _edit_manifest(lambda m: m[entry].__setitem__(key, value))

    def set_config(key, value):
        return _edit_manifest(lambda m: m[entry]["config"].__setitem__(key, value))

    cases = [
        ("no manifest", _remove("checkpoints/manifest.json")),
        ("no checkpoints folder", _remove("checkpoints")),
        ("no manifest entry", _edit_manifest(lambda m: m.pop(entry))),
        ("no checkpoint file", _remove(f"checkpoints/{entry}.safetensors")),
        ("an altered checkpoint", _replace_file(f"checkpoints/{entry}.safetensors", b"\0" * 4096)),
        ("a manifest that is a list", _replace_file("checkpoints/manifest.json", b"[]")),
        ("a manifest that is not JSON", _replace_file("checkpoints/manifest.json", b'{"codec_hyperprior": ')),
        ("a manifest in UTF-16", _replace_file("checkpoints/manifest.json", "{}".encode("utf-16"))),
        ("an entry that is a string", _edit_manifest(lambda m: m.__setitem__(entry, "x"))),
        ("an entry without sha256", _edit_manifest(lambda m: m[entry].pop("sha256"))),
        ("an entry without file", _edit_manifest(lambda m: m[entry].pop("file"))),
        ("an entry naming a file outside", set_field("file", "../../README.md")),
        ("a sha256 that is a number", set_field("sha256", 12345)),
        ("a config field the model lacks", set_config("colour_depth", 10)),
        ("a config that is a list", set_field("config", [1, 2])),
        ("a config whose tensors do not fit", set_config("n", 32)),
    ]
    probes = [
        Probe(f"checkpoints/encode with {what}", enc, "error", _both(png, setup), own_data=True)
        for what, setup in cases
    ]
    probes += [
        Probe(
            f"checkpoints/verify with {what}",
            ["verify"],
            "error" if what in UNREADABLE else "fail",
            setup,
            own_data=True,
        )
        for what, setup in cases
        if what not in ("no manifest", "no checkpoints folder", "no manifest entry")  # the verify cases below
    ]
    return probes


# manifests `verify` cannot read at all: a one-line error (exit 2), not a per-model report (exit 1)
UNREADABLE = ("a manifest that is a list", "a manifest that is not JSON", "an entry that is a string")

VERIFY_MISSING = {
    "manifest.json": "checkpoints/manifest.json",
    "a manifest entry": None,
    "data/checkpoints/": "checkpoints",
    "data/photos/": "photos",
}


def verify_probes() -> list[Probe]:
    probes = []
    for what, relative in VERIFY_MISSING.items():
        setup = _remove(relative) if relative else _edit_manifest(lambda m: m.pop("tc_faces"))
        probes.append(Probe(f"verify/missing {what}", ["verify"], "fail", setup, own_data=True))
    return probes


def cli_probes() -> list[Probe]:
    return [
        Probe("cli/no command", [], "error"),
        Probe("cli/an unknown command", ["frobnicate"], "error"),
        Probe("cli/train an unknown model", ["train", "glc_faces-fixed", "--data-dir", "d"], "error"),
        Probe("cli/train --quick into data/", ["train", "sprites_ae", "--quick"], "error"),
        Probe(
            "cli/train with a manifest that is a list",
            ["train", "sprites_ae", "--quick", "--data-dir", "d"],
            "error",
            lambda f: _make_manifest(f / "d", "[]"),
        ),
        Probe("cli/train --seed 'one'", ["train", "sprites_ae", "--seed", "one"], "error"),
        Probe("cli/bench an unknown key", ["bench", "mnist"], "error"),
        Probe("cli/bench --all where it has none", ["bench", "embeddings", "--all"], "error"),
        Probe("cli/bench arc --workers 0", ["bench", "arc", "--workers", "0"], "error"),
        Probe("cli/bench arc --workers 100000", ["bench", "arc", "--workers", "100000"], "error"),
        Probe(
            "cli/bench --json into a folder",
            ["bench", "arc", "--quick", "--json", "out"],
            "error",
            lambda f: (f / "out").mkdir(),
        ),
        Probe(
            "cli/list with a manifest that is a list",
            ["list"],
            "ok",
            _replace_file("checkpoints/manifest.json", b"[]"),
            lambda f, out: "malformed" in out,
            own_data=True,
        ),
    ]


def _make_manifest(data: Path, text: str) -> None:
    (data / "checkpoints").mkdir(parents=True)
    (data / "checkpoints" / "manifest.json").write_text(text)


def student_probes() -> list[Probe]:
    def notebooks_complete(folder: Path, stdout: str) -> bool:
        written = sorted((folder / "out").glob("*.ipynb"))
        return len(written) == len(stdout.split()) > 0 and all(json.loads(p.read_text())["cells"] for p in written)

    return [
        Probe("student/into notebooks/", ["student", str(REPO_ROOT / "notebooks")], "error"),
        Probe("student/into a folder under notebooks/", ["student", str(REPO_ROOT / "notebooks" / "student")], "error"),
        Probe("student/into an existing file", ["student", "out"], "error", _write("out", b"notes\n")),
        Probe("student/under an existing file", ["student", "out/students"], "error", _write("out", b"notes\n")),
        Probe("student/into a new folder", ["student", "out"], "ok", None, notebooks_complete, ("out",)),
    ]


def arc_probes() -> list[Probe]:
    """`bench arc --resume` on journals that a killed run, or a hand, left: every sample task is
    recorded whole, so the run goes on without solving anything, and its figures must be theirs."""
    from dataclasses import asdict

    from course.arc.analysis import BENCH_SECONDS
    from course.arc.data import sample_names
    from course.arc.solver import SolverConfig

    settings = json.loads(json.dumps(asdict(SolverConfig(seconds=BENCH_SECONDS))))
    names = sample_names()
    records = [
        {
            "task": name,
            "seconds": 1.5,
            "steps_per_second": 10.0,
            "compression": i % 3 == 0,
            "copy": False,
            "dsl": i % 5 == 0,
            "settings": settings,
        }
        for i, name in enumerate(names)
    ]
    whole = "".join(json.dumps(record) + "\n" for record in records)
    expected = {
        "tasks_tried": len(names),
        "solved_compression": sum(r["compression"] for r in records),
        "solved_dsl": sum(r["dsl"] for r in records),
    }
    journal = "build/bench/arc_sample_tasks.jsonl"
    args = ["bench", "arc", "--resume", "--json", "out.json"]

    def right(folder: Path, stdout: str) -> bool:
        result = json.loads((folder / "out.json").read_text())
        lines = (folder / journal).read_text().splitlines()
        whole_lines = all(isinstance(json.loads(line), dict) for line in lines)
        return all(result[k] == v for k, v in expected.items()) and whole_lines

    variants = {
        "a cut-off last line": whole + whole.splitlines()[0][:37],
        "a cut-off line in the middle": whole[:200] + "\n" + whole,
        "a line of binary noise": whole + "\x00\x01\x02\xff\n",
        "a record of other settings": whole + json.dumps({**records[0], "settings": {"seconds": 1}}) + "\n",
        "a record without its flags": whole + json.dumps({"task": names[0], "settings": settings}) + "\n",
        "a JSON list for a line": whole + "[1, 2, 3]\n",
        "blank lines and no last newline": "\n\n" + whole.rstrip("\n"),
    }
    probes = [
        Probe(
            f"arc/resume from a journal with {what}",
            args,
            "ok",
            _write(journal, text.encode()),
            right,
            ("out.json", journal),
        )
        for what, text in variants.items()
    ]
    probes.append(
        Probe("arc/resume from a journal that is a folder", args, "error", lambda f: (f / journal).mkdir(parents=True))
    )
    return probes


# ------------------------------------------------------------------ offline bypasses

_ATTEMPTS = {
    "socket.create_connection": "socket.create_connection(('203.0.113.7', 80), timeout=1)",
    "socket.getaddrinfo": "socket.getaddrinfo('example.org', 443)",
    "socket.gethostbyname": "socket.gethostbyname('example.org')",
    "socket.gethostbyname_ex": "socket.gethostbyname_ex('example.org')",
    "socket.gethostbyaddr": "socket.gethostbyaddr('203.0.113.7')",
    "socket.getnameinfo": "socket.getnameinfo(('203.0.113.7', 80), 0)",
    "UDP sendto": "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('203.0.113.7', 53))",
    "UDP sendmsg": "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendmsg([b'x'], [], 0, ('203.0.113.7', 53))",
    "raw _socket": "import _socket; _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM).connect(('203.0.113.7', 80))",
    "IPv6 connect": "socket.socket(socket.AF_INET6).connect(('2001:db8::1', 80))",
    "ctypes libc connect": "import ctypes; ctypes.CDLL(None).connect",
    "urllib": "import urllib.request; urllib.request.urlopen('http://203.0.113.7/', timeout=1)",
    "asyncio": "import asyncio; asyncio.run(asyncio.wait_for(asyncio.open_connection('203.0.113.7', 80), 1))",
}
_CHILD = "import socket\ntry:\n    socket.create_connection(('203.0.113.7', 80), timeout=1)\nexcept Exception as e:\n    print(type(e).__name__, getattr(e, 'errno', ''))"
_CHILDREN = {
    "a child Python": f"r = subprocess.run([sys.executable, '-c', {_CHILD!r}], capture_output=True, text=True)",
    "a child Python with env=": f"r = subprocess.run([sys.executable, '-c', {_CHILD!r}], env={{'PATH': '/usr/bin:/bin'}}, capture_output=True, text=True)",
    "a child Python through a shell": f"open('c.py', 'w').write({_CHILD!r}); r = type('R', (), {{'stdout': subprocess.getoutput(sys.executable + ' c.py')}})",
}
# programs no Python guard reaches: only the loopback-only network namespace stops them
_NAMESPACED = {
    "a python -I child (in run_offline)": [sys.executable, "-I", "-c", _CHILD],
    "bash /dev/tcp (in run_offline)": [
        "timeout",
        "5",
        "bash",
        "-c",
        "exec 3<>/dev/tcp/203.0.113.7/80 && echo OPEN || echo 101",
    ],
}


def _bypass_script(attempt: str) -> str:
    return (
        "import socket, subprocess, sys\n"
        "import course\n"
        "from course.core.offline import NetworkAccessError\n"
        "try:\n"
        f"{textwrap.indent(attempt, '    ')}\n"
        "    print('OPEN')\n"
        "except NetworkAccessError:\n"
        "    print('REFUSED')\n"
        "except Exception as err:\n"
        "    print('OPEN', type(err).__name__)\n"
    )


def offline_bypasses(folder: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    """(bypasses tried, the names of those left open)."""
    open_ = []
    scripts = dict(_ATTEMPTS)
    for name, run in _CHILDREN.items():
        scripts[name] = run + "\nif 'NetworkAccessError' in r.stdout: raise NetworkAccessError('child')"
    for name, attempt in scripts.items():
        done = subprocess.run(
            [sys.executable, "-c", _bypass_script(attempt)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.stdout.strip() != "REFUSED":
            open_.append(name)
    for name, command in _NAMESPACED.items():
        check = (
            "import subprocess, sys\n"
            "from course.core.offline import loopback_only\n"
            f"r = subprocess.run({command!r}, capture_output=True, text=True)\n"
            "print(loopback_only(), r.stdout.strip() or r.stderr.strip()[-80:])\n"
        )
        done = subprocess.run(
            [sys.executable, "-m", "course.core.run_offline", sys.executable, "-c", check],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        words = done.stdout.split()  # [in a loopback-only namespace?, what the program met]
        if not (words[:1] == ["True"] and ("101" in words or "NetworkAccessError" in words)):  # 101: ENETUNREACH
            open_.append(name)
    return len(scripts) + len(_NAMESPACED), open_


# ------------------------------------------------------------------ running and judging


def _snapshot(folder: Path) -> dict[str, str]:
    """{relative path: SHA-256} of every file in the folder, through links (data/ included)."""
    files = {}
    for path in folder.rglob("*"):
        if path.is_symlink():  # a link into data/: the link itself (the repository's files are checked once)
            files[path.relative_to(folder).as_posix()] = "link:" + os.readlink(path)
        elif path.is_file():
            files[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def run_probe(probe: Probe, folder: Path, env: dict[str, str]) -> dict:
    """Run one probe in `folder`; return its verdicts."""
    folder.mkdir(parents=True)
    env = dict(env)
    if probe.own_data:
        linked_copy(data_dir(), folder / "data")
        env["COURSE_DATA_DIR"] = str(folder / "data")
    env["COURSE_BUILD_DIR"] = str(folder / "build")
    if probe.setup:
        probe.setup(folder)
    before = _snapshot(folder)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "course", *probe.args],
            cwd=folder,
            env={**env, **probe.env},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        code, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired:
        code, stdout, stderr = None, "", "timed out"
    after = _snapshot(folder)
    outputs = {o for o in probe.outputs}
    in_outputs = lambda path: any(path == o or path.startswith(o + "/") for o in outputs)  # noqa: E731
    errors = [line for line in stderr.splitlines() if "error:" in line or line.startswith("verification failed")]
    crash = code not in (0, 1, 2) or "Traceback" in stderr or (code != 0 and len(errors) != 1)
    expected_code = {"ok": 0, "fail": 1, "error": 2}[probe.expect]
    wrong = False
    if code == 0 and probe.expect != "ok":
        wrong = True  # a bad input accepted
    elif code != expected_code:
        crash = True  # a valid input refused, or the wrong kind of failure
    elif code == 0 and probe.check is not None:
        try:
            wrong = not probe.check(folder, stdout)
        except (OSError, ValueError, KeyError, TypeError):
            wrong = True
    new = [p for p in after if p not in before]
    partial = [p for p in new if (code != 0 or not in_outputs(p))]
    partial += [p for p in after if p.endswith(".tmp")]
    overwritten = [p for p, digest in before.items() if after.get(p) != digest and not in_outputs(p)]
    return {
        "name": probe.name,
        "crash": crash,
        "wrong": wrong,
        "partial": sorted(set(partial)),
        "overwritten": overwritten,
        "code": code,
        "stderr": stderr.strip().splitlines()[-1:] if stderr.strip() else [],
    }


def probes(quick: bool) -> tuple[list[Probe], Reference]:
    ref = Reference(full=not quick)
    every = codec_probes(ref) + checkpoint_probes() + cli_probes() + student_probes() + arc_probes()
    if quick:  # one of each kind of mistake, and the checks that matter most
        keep = {
            "codec/encode a missing file",
            "codec/encode a 225-megapixel PNG",
            "codec/encode 16-bit greyscale",
            "codec/encode onto its input",
            "codec/decode a codec_hyperprior file",
            "codec/decode a header naming sprites_vae",
            "codec/decode a file one byte short",
            "codec/decode onto its input",
            "codec/decode into a folder",
            "checkpoints/encode with a manifest that is a list",
            "checkpoints/encode with a config whose tensors do not fit",
            "cli/bench arc --workers 0",
            "student/into notebooks/",
            "student/into an existing file",
            "arc/resume from a journal with a cut-off last line",
        }
        every = [probe for probe in every if probe.name in keep]
    names = [probe.name for probe in every]
    assert len(names) == len(set(names)), "every probe tries a distinct input"
    return every, ref


def bench(quick: bool = False, workers: int = 2) -> dict:
    """`python -m course bench robustness`: every probe's verdicts, summed (see the module's docstring)."""
    every, _ = probes(quick)
    missing = verify_probes()
    shipped = _snapshot(data_dir())  # must be the same after every probe
    with tempfile.TemporaryDirectory(prefix="course-robustness-") as tmp:
        root = Path(tmp)
        env = {**os.environ, "COURSE_OFFLINE": "1", "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"}
        env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])])
        shared = linked_copy(data_dir(), root / "data")  # read by the probes that do not change data/
        env["COURSE_DATA_DIR"] = str(shared)
        jobs = [*every, *missing]
        with ThreadPoolExecutor(workers) as pool:
            results = list(
                pool.map(lambda item: run_probe(item[1], root / f"probe{item[0]:03d}", env), enumerate(jobs))
            )
        (root / "offline").mkdir()
        tried, open_ = offline_bypasses(root / "offline", env)
    verdicts, verify = results[: len(every)], results[len(every) :]
    changed = [path for path, digest in _snapshot(data_dir()).items() if shipped.get(path) != digest]
    if changed:
        print(f"robustness: the shipped data/ changed: {', '.join(changed)}", file=sys.stderr)
    for verdict in results:
        problems = [k for k in ("crash", "wrong", "partial", "overwritten") if verdict[k]]
        if problems:
            print(
                f"robustness: {verdict['name']}: {', '.join(problems)} (exit {verdict['code']}: {verdict['stderr']})",
                file=sys.stderr,
            )
    if open_:
        print(f"robustness: offline bypasses open: {', '.join(open_)}", file=sys.stderr)
    return {
        "bad_inputs_tried": len(verdicts),
        "crashes": sum(v["crash"] for v in results),
        "silent_wrong_outputs": sum(v["wrong"] for v in results),
        "partial_files_left": sum(len(v["partial"]) for v in results),
        "inputs_overwritten": sum(len(v["overwritten"]) for v in results) + len(changed),
        "offline_bypasses_tried": tried,
        "offline_bypasses_open": len(open_),
        "verify_missing_cases_tried": len(verify),
        "verify_missing_cases_caught": sum(v["code"] == 1 and not v["crash"] for v in verify),
    }
