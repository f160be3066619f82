"""`python -m course bench codec`: our two codecs against JPEG, WebP (and AVIF) on the 24 Kodak images.

Every rate is 8 · bytes / pixels of a file that decodes on its own; every quality is measured on
the decoded image. Kodak is read from the shared datasets folder (or $COURSE_KODAK_DIR): it is
the evaluation set and never ships with, or trains, the course's models.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from course.compression.baselines import avif_available
from course.compression.codec.evaluate import baseline_points, bd_rate_of, codec_points, load_image_folder
from course.compression.coding import bitstream_overhead, load_codec
from course.core.paths import REPO_ROOT

BD_RATE_MAX_BPP = 1.0  # the BD-rate range: where learned codecs are used, and where JPEG is still sane


def kodak_dir() -> Path:
    folder = Path(os.environ.get("COURSE_KODAK_DIR", REPO_ROOT.parent / "shared" / "datasets" / "kodak"))
    if not folder.is_dir():
        raise FileNotFoundError(
            f"the Kodak evaluation images are not at {folder}. Put the 24 kodim*.png files (with their "
            "SHA256SUMS) there, or point COURSE_KODAK_DIR at the folder that holds them."
        )
    return folder


def up_to(points: list[dict], max_bpp: float = BD_RATE_MAX_BPP) -> list[dict]:
    return [p for p in points if p["bpp"] <= max_bpp]


def bench(quick: bool = False) -> dict:
    """The codec issue's figures. `quick`: two images and a few rate points, for tests."""
    images = load_image_folder(kodak_dir())
    qualities = None
    jpeg_q, webp_q = None, None
    if quick:
        images, qualities = images[:2], (1, 3, 5, 8)
        jpeg_q, webp_q = (5, 10, 20, 40, 60), (5, 20, 40, 60, 80)
    hyperprior, factorized = load_codec("codec_hyperprior"), load_codec("codec_factorized")
    ours, timing = codec_points(images, hyperprior, qualities)
    ours_factorized, _ = codec_points(images, factorized, qualities)
    points = {
        "ours-hyperprior": ours,
        "ours-factorized": ours_factorized,
        "jpeg": baseline_points(images, "jpeg", jpeg_q),
        "webp": baseline_points(images, "webp", webp_q),
    }
    if avif_available():
        points["avif"] = baseline_points(images, "avif", webp_q)
    overhead = [
        bitstream_overhead(image, hyperprior, q)["overhead_pct"]
        for image in images
        for q in (qualities or range(1, hyperprior.config.rate_points + 1))
    ]
    jpeg = up_to(points["jpeg"])

    def bd(test: list[dict]) -> float | None:
        try:
            return round(bd_rate_of(jpeg, up_to(test)), 2)
        except ValueError:  # fewer than 4 points under the cap, or no overlap: no honest number
            return None

    return {
        "images": len(images),
        "kodak_points": points,
        "kodak_bd_rate_vs_jpeg_pct": bd(ours),
        "kodak_bd_rate_factorized_vs_jpeg_pct": bd(ours_factorized),
        "kodak_bd_rate_webp_vs_jpeg_pct": bd(points["webp"]),
        "bd_rate_max_bpp": BD_RATE_MAX_BPP,
        "bitstream_overhead_pct": round(float(np.mean(overhead)), 3),
        "bitstream_overhead_pct_worst": round(float(np.max(overhead)), 3),
        "encode_seconds_per_image": round(timing["encode_seconds_per_image"], 3),
        "decode_seconds_per_image": round(timing["decode_seconds_per_image"], 3),
    }


# Published Kodak points (CompressAI model zoo, quality 1, real bitstreams, PSNR on RGB 0–255), as
# listed in the shared datasets' README: drawn as single marked points, never as our measurements.
PUBLISHED_POINTS = {
    "bmshj2018-factorized (published)": (0.123, 26.91),
    "bmshj2018-hyperprior (published)": (0.131, 27.58),
    "mbt2018 (published)": (0.111, 28.09),
}


def kodak_rd_figure(result: dict):
    """The Kodak rate–distortion plot of a `bench codec` result: PSNR against bpp, every codec."""
    import matplotlib.pyplot as plt

    styles = {
        "ours-hyperprior": ("tab:blue", "o", "ours: hyperprior"),
        "ours-factorized": ("tab:cyan", "s", "ours: factorized prior"),
        "jpeg": ("tab:red", "^", "JPEG (Pillow, optimize, 4:2:0)"),
        "webp": ("tab:orange", "v", "WebP (Pillow)"),
        "avif": ("tab:purple", "D", "AVIF (Pillow)"),
    }
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, points in result["kodak_points"].items():
        colour, marker, label = styles.get(name, ("grey", ".", name))
        points = sorted(points, key=lambda p: p["bpp"])
        ax.plot(
            [p["bpp"] for p in points],
            [p["psnr"] for p in points],
            marker=marker,
            color=colour,
            label=label,
            lw=2 if name.startswith("ours") else 1.2,
            ms=4,
        )
    for (label, (bpp, psnr)), marker in zip(PUBLISHED_POINTS.items(), "*PX"):
        ax.plot(bpp, psnr, marker=marker, ls="none", color="k", ms=8, label=label)
    ax.axvline(result.get("bd_rate_max_bpp", BD_RATE_MAX_BPP), color="grey", ls=":", lw=1)
    ax.set(
        xlabel="bits per pixel (8 · bytes / pixels of real files)",
        ylabel="PSNR (dB, RGB 0–255)",
        xlim=(0, 1.6),
        ylim=(23, 40),
        title=f"Kodak, {result['images']} images: BD-rate vs JPEG up to 1 bpp — "
        f"hyperprior {result['kodak_bd_rate_vs_jpeg_pct']:+.1f} %, factorized {result['kodak_bd_rate_factorized_vs_jpeg_pct']:+.1f} %",
    )
    ax.title.set_fontsize(9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
