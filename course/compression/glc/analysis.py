"""The lesson's experiments, shared by the notebook and `python -m course bench glc`.

Every curve is a list of points {rate, bpp, psnr}: the mean over a test set of the bits of real
files and of the PSNR of their decoded images. Test images come from seeds the training never
uses (`TEST_SEED`), natural test crops from Kodak.
"""

from __future__ import annotations

import numpy as np
import torch

from course.compression.baselines import jpeg
from course.compression.coding import bits_per_pixel, decode, encode
from course.compression.glc.domains import DOMAINS, faces_entropy_bound_bpp, natural
from course.compression.metrics import bd_rate, psnr, ssim
from course.core.paths import recorded_notebook_seconds

TEST_SEED = 10_000  # training sets use seeds 0, 1, …: test images never overlap them
JPEG_SWEEP = (1, 2, 3, 5, 8, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 95)
RAW_BITS_PER_PIXEL = 24  # 8-bit red, green and blue: what a compression ratio is measured against


def test_images(domain: str, count: int) -> np.ndarray:
    """(count, 128, 128, 3) uint8 test images of a domain, from seeds training never uses.
    Natural test crops come from `natural_test_photos`."""
    if domain == "natural":
        return natural(count, seed=TEST_SEED, photos=natural_test_photos())
    return DOMAINS[domain](count, seed=TEST_SEED)


KODAK = "Kodak"
PACKAGED_PHOTO = "scikit-learn's china.jpg (Kodak is not installed)"


def natural_test_source() -> str:
    """Where natural test crops come from: the Kodak set when it is installed (../shared/datasets/kodak
    or $COURSE_KODAK_DIR), else the photograph of a Chinese temple that ships with scikit-learn.
    Neither is ever trained on."""
    from course.compression.codec.analysis import kodak_dir

    try:
        kodak_dir()
    except FileNotFoundError:
        return PACKAGED_PHOTO
    return KODAK


def natural_test_photos() -> list[np.ndarray]:
    """The photographs `natural_test_source` names (Kodak's checked against its SHA256SUMS)."""
    if natural_test_source() == KODAK:
        from course.compression.codec.analysis import kodak_dir
        from course.compression.codec.evaluate import load_image_folder

        return load_image_folder(kodak_dir())
    from sklearn.datasets import load_sample_image

    return [np.array(load_sample_image("china.jpg"))]


def codec_curve(model, images: np.ndarray, qualities=None) -> list[dict]:
    points = []
    for q in qualities or range(1, model.config.rate_points + 1):
        files = [encode(image, model, q) for image in images]
        points.append(
            {
                "rate": q,
                "bpp": float(np.mean([bits_per_pixel(f, *image.shape[:2]) for f, image in zip(files, images)])),
                "psnr": float(np.mean([psnr(image, decode(f, model)) for f, image in zip(files, images)])),
            }
        )
    return points


def jpeg_curve(images: np.ndarray, qualities=JPEG_SWEEP) -> list[dict]:
    points = []
    for q in qualities:
        results = [jpeg(image, q) for image in images]
        points.append(
            {
                "rate": q,
                "bpp": float(
                    np.mean([bits_per_pixel(data, *image.shape[:2]) for (data, _), image in zip(results, images)])
                ),
                "psnr": float(np.mean([psnr(image, decoded) for (_, decoded), image in zip(results, images)])),
            }
        )
    return points


def jpeg_at_bpp(images: np.ndarray, target_bpp: float) -> dict:
    """JPEG at the one quality (1 … 100) whose mean rate over `images` is nearest `target_bpp` (in
    log terms; quality 100 when even that stays below the target): the `jpeg_curve` point {rate,
    bpp, psnr} plus 'ratio' (24-bit pixels ÷ bpp), 'ssim' and 'decoded', the (N, H, W, 3) images."""
    if not target_bpp > 0:
        raise ValueError(f"the target rate must be a positive number of bits per pixel, got {target_bpp}")
    points: dict[int, dict] = {}

    def point(quality: int) -> dict:
        if quality not in points:
            points[quality] = jpeg_curve(images, (quality,))[0]
        return points[quality]

    low, high = 1, 100  # files grow with quality, so bisect for the two qualities around the target
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if point(middle)["bpp"] < target_bpp else (low, middle)
    best = dict(min((point(low), point(high)), key=lambda p: abs(np.log(p["bpp"] / target_bpp))))
    decoded = np.stack([jpeg(image, best["rate"])[1] for image in images])
    best["ratio"] = RAW_BITS_PER_PIXEL / best["bpp"]
    best["ssim"] = float(np.mean([ssim(image, d) for image, d in zip(images, decoded)]))
    best["decoded"] = decoded
    return best


def bpp_at_psnr(curve: list[dict], target: float) -> float | None:
    """The rate a curve needs for `target` dB (log-linear between its points); None if it never gets there
    or the target lies below its lowest point."""
    points = sorted(curve, key=lambda p: p["bpp"])
    for a, b in zip(points, points[1:]):
        if min(a["psnr"], b["psnr"]) <= target <= max(a["psnr"], b["psnr"]) and a["psnr"] != b["psnr"]:
            t = (target - a["psnr"]) / (b["psnr"] - a["psnr"])
            return float(np.exp(np.log(a["bpp"]) + t * (np.log(b["bpp"]) - np.log(a["bpp"]))))
    return None


def psnr_at_bpp(curve: list[dict], target: float) -> float | None:
    """The quality a curve reaches at `target` bpp (linear in log bpp); None outside its range."""
    points = sorted(curve, key=lambda p: p["bpp"])
    for a, b in zip(points, points[1:]):
        if a["bpp"] <= target <= b["bpp"]:
            t = (np.log(target) - np.log(a["bpp"])) / (np.log(b["bpp"]) - np.log(a["bpp"]))
            return float(a["psnr"] + t * (b["psnr"] - a["psnr"]))
    return None


def bd_rate_of(reference: list[dict], test: list[dict]) -> float | None:
    """BD-rate (PSNR) of test against reference in percent; None when the curves do not overlap."""
    try:
        return bd_rate(
            [p["bpp"] for p in reference],
            [p["psnr"] for p in reference],
            [p["bpp"] for p in test],
            [p["psnr"] for p in test],
        )
    except ValueError:
        return None


def experience_matrix(codecs: dict, test_sets: dict, at_bpp: float) -> dict:
    """{trained_on: {tested_on: PSNR at `at_bpp`}}: every codec on every domain."""
    return {
        trained: {tested: psnr_at_bpp(codec_curve(model, images), at_bpp) for tested, images in test_sets.items()}
        for trained, model in codecs.items()
    }


def vq_point(vq_model, prior, images: np.ndarray) -> dict:
    """The VQ's one operating point on `images`: its mean PSNR and its bpp with both ways of coding the indices."""
    from course.compression.glc import vq as V

    uniform = [V.uniform_bytes(vq_model, image) for image in images]
    prior_files = [V.prior_bytes(vq_model, prior, image) for image in images]
    mean_bpp = lambda files: float(np.mean([bits_per_pixel(f, *im.shape[:2]) for f, im in zip(files, images)]))  # noqa: E731
    return {
        "vq_psnr": float(np.mean([psnr(image, V.decode_bytes(f, vq_model)) for f, image in zip(uniform, images)])),
        "vq_uniform_bpp": mean_bpp(uniform),
        "vq_prior_bpp": mean_bpp(prior_files),
    }


def vq_bits_ratios(point: dict, tc_curve: list[dict]) -> dict:
    """VQ bits ÷ transform-coding bits at the VQ's PSNR (`point` from `vq_point`), for both ways of
    coding the VQ indices; None where the curve does not reach the VQ's PSNR."""
    tc_bpp = bpp_at_psnr(tc_curve, point["vq_psnr"])
    return {
        "tc_bpp_at_vq_psnr": tc_bpp,
        "vq_uniform_bits_ratio": None if tc_bpp is None else point["vq_uniform_bpp"] / tc_bpp,
        "vq_prior_bits_ratio": None if tc_bpp is None else point["vq_prior_bpp"] / tc_bpp,
    }


def bench(quick: bool = False) -> dict:
    """The figures of the GLC issue, from the shipped checkpoints."""
    from course.compression.glc import rdp
    from course.compression.glc.glc import load_glc
    from course.compression.glc.vq import load_vq

    count = 4 if quick else 48
    faces = test_images("faces", count)
    faces_codec = load_glc("glc_faces")
    ours = codec_curve(faces_codec, faces)
    jpeg_points = jpeg_curve(faces, JPEG_SWEEP[::3] if quick else JPEG_SWEEP)
    lowest = min(ours, key=lambda p: p["bpp"])
    jpeg_same = bpp_at_psnr(jpeg_points, lowest["psnr"])
    if jpeg_same is None and lowest["psnr"] < min(p["psnr"] for p in jpeg_points):
        jpeg_same = min(p["bpp"] for p in jpeg_points)  # JPEG's lowest quality is already better: its smallest file
    codecs = {domain: load_glc(f"glc_{domain}") for domain in ("faces", "flowers", "natural")}
    tests = {domain: test_images(domain, count) for domain in codecs}
    at_bpp = 0.1
    matrix = experience_matrix(codecs, tests, at_bpp)
    gap = None
    if matrix["flowers"]["flowers"] is not None and matrix["faces"]["flowers"] is not None:
        gap = matrix["flowers"]["flowers"] - matrix["faces"]["flowers"]
    vq_model, prior = load_vq("vq_faces")
    vq = vq_point(vq_model, prior, faces)
    twin_points = codec_curve(load_glc("tc_faces"), faces)  # transform coding, like the VQ, for a few rates only
    one_codec = vq_bits_ratios(vq, ours)  # against glc_faces, one network for 0.02 … 0.35 bpp
    return {
        "test_images_per_domain": count,
        "faces_entropy_bound_bpp": faces_entropy_bound_bpp(),
        "faces_points": ours,
        "jpeg_faces_points": jpeg_points,
        "faces_lowest_bpp": lowest["bpp"],
        "faces_lowest_psnr": lowest["psnr"],
        "jpeg_bpp_for_same_psnr_faces": jpeg_same,
        "jpeg_reaches_that_psnr": bpp_at_psnr(jpeg_points, lowest["psnr"]) is not None,
        "faces_bd_rate_vs_jpeg_pct": bd_rate_of(jpeg_points, ours),
        "experience_matrix_at_bpp": at_bpp,
        "experience_matrix": matrix,
        "experience_gap_db": gap,
        **vq,
        "tc_faces_points": twin_points,
        **vq_bits_ratios(vq, twin_points),
        "glc_faces_bpp_at_vq_psnr": one_codec["tc_bpp_at_vq_psnr"],
        "vq_uniform_bits_ratio_vs_glc_faces": one_codec["vq_uniform_bits_ratio"],
        "vq_prior_bits_ratio_vs_glc_faces": one_codec["vq_prior_bits_ratio"],
        # the lesson's wall time as the last `make test` measured it (quick: tiny test models, no lesson to time)
        "notebook_seconds": None if quick else recorded_notebook_seconds("03_compression"),
        # rate, distortion and perception: 256×256 faces, one file decoded by two decoders
        **rdp.bench_keys(quick),
    }


@torch.no_grad()
def bit_allocation(model, image: np.ndarray, quality: int) -> dict:
    """Where a hyperprior codec spends its bits on one image, from the coding model itself:
    {'per_channel': (M,) bits of y per latent channel, 'per_position': (h, w) bits of y per latent
    pixel (each covers 16×16 image pixels), 'side_bits': bits of z, 'total_bits'}."""
    from course.compression.coding import check_quality, pad, to_tensor
    from course.compression.entropy import gaussian_bin_probability

    quality = check_quality(model, quality)
    symbols = model.analyse(pad(to_tensor(image)), quality)
    _, scale = model.mean_scale(torch.from_numpy(symbols["z"].astype(np.float32))[None])
    scales = model.y_model.coding_scales(scale).reshape(symbols["y"].shape)
    p = gaussian_bin_probability(symbols["y"], scales)
    bits = -np.log2(np.maximum(p, 2.0**-24))  # (M, h, w)
    side = model.z_prior.information_bits(symbols["z"])
    return {
        "per_channel": bits.sum(axis=(1, 2)),
        "per_position": bits.sum(axis=0),
        "side_bits": side,
        "total_bits": bits.sum() + side,
    }
