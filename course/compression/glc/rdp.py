"""Rate, distortion and perception, measured: one file decoded by an MSE and by a generative decoder.

Blau & Michaeli (2018) proved that at a fixed rate, distortion (PSNR) and perception (how far the
decoded images' distribution lies from the real one) cannot both be optimal: to look real, a
decoder must give up some PSNR. This module measures both sides on real files:

- distortion: PSNR against the original;
- perception, on faces: `param_recovery` (does the face still *mean* the same face, read by the
  course's `FaceReader`) and `fd` (Fréchet distance of the reader's features, a course-made FID);
- on natural crops (no reader knows photographs): PSNR and pictures only.

Figure for the README and docs/results.md, from a bench result:

python -m course bench glc --json bench/glc.json
python -m course.compression.glc.rdp bench/glc.json docs/figures/03_perception_distortion.png
"""

from __future__ import annotations

import sys

import numpy as np

from course.compression.baselines import jpeg
from course.compression.coding import bits_per_pixel, encode
from course.compression.glc.domains import faces, natural
from course.compression.glc.generative import decode_with
from course.compression.glc.perception import FaceReader, Yardstick
from course.compression.metrics import psnr
from course.core.figures import figure_command

SIZE = 256  # the side of the faces and crops of this experiment
TEST_SEED = 10_000  # as `analysis.TEST_SEED`: seeds no training set uses
JPEG_QUALITIES = (1, 2, 3, 5, 8, 12, 20)  # JPEG's smallest files, up to ~0.3 bpp on a 256-pixel face
BLUR_SIGMAS = (1.0, 2.0, 4.0)  # Gaussian blurs (pixels at 256×256) that calibrate the reader: how soft is too soft?


def test_faces(count: int) -> np.ndarray:
    """(count, 256, 256, 3) uint8 faces from the test seed."""
    return faces(count, seed=TEST_SEED, size=SIZE)


def test_crops(count: int) -> np.ndarray:
    """(count, 256, 256, 3) natural test crops: Kodak when installed, else a packaged photo (never trained on)."""
    from course.compression.glc.analysis import natural_test_photos

    return natural(count, seed=TEST_SEED, size=SIZE, photos=natural_test_photos())


def _mean_bpp(files: list[bytes], images: np.ndarray) -> float:
    return float(np.mean([bits_per_pixel(f, *im.shape[:2]) for f, im in zip(files, images)]))


def _mean_psnr(images: np.ndarray, decoded: np.ndarray) -> float:
    return float(np.mean([psnr(a, b) for a, b in zip(images, decoded)]))


def codec_points(model, images: np.ndarray, reader: FaceReader | None = None) -> list[dict]:
    """Per rate point, the same files decoded twice: {rate, bpp, bytes, psnr_mse, psnr_generative}
    and, with a reader, param_recovery_* (exact levels), param_recovery_tolerant_* and fd_* of each decoder."""
    yardstick = None if reader is None else Yardstick(reader, images)
    points = []
    for q in range(1, model.config.rate_points + 1):
        files = [encode(image, model, q) for image in images]
        point = {"rate": q, "bpp": _mean_bpp(files, images), "bytes": float(np.mean([len(f) for f in files]))}
        for decoder in ("mse", "generative"):
            decoded = np.stack([decode_with(f, model, decoder) for f in files])
            point[f"psnr_{decoder}"] = _mean_psnr(images, decoded)
            if yardstick is not None:
                point |= perception(yardstick, decoded, decoder)
        points.append(point)
    return points


def perception(yardstick: Yardstick, decoded: np.ndarray, suffix: str) -> dict:
    return {f"{key}_{suffix}": value for key, value in yardstick.measure(decoded).items()}


def jpeg_points(images: np.ndarray, reader: FaceReader | None = None, qualities=JPEG_QUALITIES) -> list[dict]:
    yardstick = None if reader is None else Yardstick(reader, images)
    points = []
    for quality in qualities:
        results = [jpeg(image, quality) for image in images]
        decoded = np.stack([d for _, d in results])
        point = {
            "rate": quality,
            "bpp": _mean_bpp([f for f, _ in results], images),
            "psnr": _mean_psnr(images, decoded),
        }
        if yardstick is not None:
            point |= perception(yardstick, decoded, "jpeg")
        points.append(point)
    return points


def noise_baseline(yardstick: Yardstick, seed: int = 0) -> dict:
    """What the yardsticks say of uniform noise in place of every face: chance recovery, a large FD."""
    noise = np.random.default_rng(seed).integers(0, 256, yardstick.shape, dtype=np.uint8)
    return perception(yardstick, noise, "noise")


def blur_baseline(yardstick: Yardstick, images: np.ndarray, sigmas=BLUR_SIGMAS) -> list[dict]:
    """How sharp must a face be to be read the same? The originals (`images`, the yardstick's)
    blurred by a Gaussian of σ pixels, measured like a decoding: {sigma, psnr, param_recovery_blur,
    …_tolerant_blur, fd_blur} per σ. The yardstick's calibration, as noise is its floor."""
    from scipy.ndimage import gaussian_filter

    points = []
    for sigma in sigmas:
        soft = [gaussian_filter(image.astype(np.float64), (sigma, sigma, 0)) for image in images]
        blurred = np.clip(np.round(np.stack(soft)), 0, 255).astype(np.uint8)
        points.append({"sigma": sigma, "psnr": _mean_psnr(images, blurred), **perception(yardstick, blurred, "blur")})
    return points


def bench_keys(quick: bool = False) -> dict:
    """The rate–distortion–perception figures of `bench glc`, from the shipped checkpoints."""
    from course.compression.glc.generative import load_generative
    from course.compression.glc.perception import load_reader

    count = 6 if quick else 96
    reader = load_reader()
    images = test_faces(count)
    model = load_generative("glc_faces_generative")
    ours = codec_points(model, images, reader)
    jpegs = jpeg_points(images, reader, JPEG_QUALITIES[:2] if quick else JPEG_QUALITIES)
    lowest, smallest = min(ours, key=lambda p: p["bpp"]), min(jpegs, key=lambda p: p["bpp"])
    yardstick = Yardstick(reader, images)  # the originals read once for both calibrations
    crops = test_crops(4 if quick else 24)
    natural_points = codec_points(load_generative("glc_natural_generative"), crops)
    natural_jpeg = jpeg_points(crops, None, JPEG_QUALITIES[:2] if quick else JPEG_QUALITIES)
    return {
        "generative_test_faces": count,
        "generative_image_side": SIZE,
        "faces_generative_points": ours,
        "jpeg_faces_256_points": jpegs,
        "faces_generative_lowest_bpp": lowest["bpp"],
        "faces_generative_lowest_bytes": lowest["bytes"],
        # one file, two decoders: the MSE decoder at the lowest point has exactly the generative one's bits
        "param_recovery_generative_at_lowest": lowest["param_recovery_generative"],
        "param_recovery_mse": lowest["param_recovery_mse"],
        "param_recovery_tolerant_generative_at_lowest": lowest["param_recovery_tolerant_generative"],
        "param_recovery_tolerant_mse": lowest["param_recovery_tolerant_mse"],
        "fd_generative": lowest["fd_generative"],
        "fd_mse": lowest["fd_mse"],
        "fd_ratio_generative_to_mse": lowest["fd_generative"] / lowest["fd_mse"] if lowest["fd_mse"] > 0 else None,
        "psnr_generative": lowest["psnr_generative"],
        "psnr_mse": lowest["psnr_mse"],
        "jpeg_smallest_file_bpp": smallest["bpp"],
        "jpeg_psnr_smallest_file": smallest["psnr"],
        "jpeg_param_recovery_smallest_file": smallest["param_recovery_jpeg"],
        "jpeg_fd_smallest_file": smallest["fd_jpeg"],
        **noise_baseline(yardstick),
        "blurred_faces_points": blur_baseline(yardstick, images, BLUR_SIGMAS[:1] if quick else BLUR_SIGMAS),
        "reader_tolerance_levels": reader.tolerance.tolist(),
        "natural_test_crops": len(crops),
        "natural_generative_points": natural_points,
        "jpeg_natural_256_points": natural_jpeg,
    }


def perception_distortion_figure(result: dict):
    """Two panels at the faces' rate points: PSNR vs fd and PSNR vs param_recovery, for the MSE
    decoder, the generative decoder (the same files) and JPEG's smallest files; the fewest and the
    most bytes annotated."""
    import matplotlib.pyplot as plt

    ours, jpegs = result["faces_generative_points"], result["jpeg_faces_256_points"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, key, label in (
        (axes[0], "fd", "Fréchet distance, reader features (lower: more real)"),
        (axes[1], "param_recovery", "share of parameters read the same"),
    ):
        for decoder, style in (("mse", "o-"), ("generative", "s-")):
            xs = [p[f"psnr_{decoder}"] for p in ours]
            ys = [p[f"{key}_{decoder}"] for p in ours]
            ax.plot(xs, ys, style, label=f"{decoder} decoder (same files)")
            # the fewest and the most bytes only: points close together would print over each other
            for i in sorted({0, len(ours) - 1}):
                offset = (4, 4) if i == 0 else (4, -10)
                text = f"{ours[i]['bytes']:.0f} B"
                ax.annotate(text, (xs[i], ys[i]), textcoords="offset points", xytext=offset, fontsize=7)
        for p in ours:  # join the two decodings of the same files
            ax.plot(
                [p["psnr_mse"], p["psnr_generative"]], [p[f"{key}_mse"], p[f"{key}_generative"]], ":", c="grey", lw=0.8
            )
        smallest = min(p["bpp"] for p in jpegs)
        ax.plot(
            [p["psnr"] for p in jpegs],
            [p[f"{key}_jpeg"] for p in jpegs],
            "^-",
            label=f"JPEG, files ≥ {smallest:.2f} bpp",
        )
        ax.set_xlabel("PSNR (dB): distortion, higher is closer")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0].set_yscale("log")
    axes[0].legend(fontsize=8)
    fig.suptitle(
        f"Faces {result['generative_image_side']}×{result['generative_image_side']}, {ours[0]['bpp']:.4f}–{ours[-1]['bpp']:.3f} bpp: "
        "the same files decoded twice (MSE and generative), and JPEG's smallest files",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def main(argv: list[str]) -> int:
    return figure_command(
        argv, "course.compression.glc.rdp", "glc", perception_distortion_figure, needs="faces_generative_points"
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
