"""Image quality and rate–distortion comparison: PSNR, (MS-)SSIM and the Bjøntegaard delta rate.

All quality metrics take two (H, W, 3) uint8 images (RGB, 0–255).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

# Wang, Simoncelli & Bovik (2003): five scales, these weights, an 11-tap Gaussian window, σ = 1.5
MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
WINDOW, SIGMA = 11, 1.5
K1, K2 = 0.01, 0.03


def _check_pair(a: np.ndarray, b: np.ndarray) -> None:
    if a.shape != b.shape:
        raise ValueError(f"images differ in shape: {a.shape} vs {b.shape}; compare an image with its own decoding")


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB over all RGB values (peak 255); inf for identical images."""
    _check_pair(a, b)
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def _gaussian_window() -> torch.Tensor:
    t = torch.arange(WINDOW, dtype=torch.float64) - WINDOW // 2
    g = torch.exp(-(t**2) / (2 * SIGMA**2))
    return g / g.sum()  # (11,)


def _filter(x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """Separable Gaussian filter, 'valid' borders: (B, C, H, W) -> (B, C, H-10, W-10)."""
    c = x.shape[1]
    x = F.conv2d(x, g.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    return F.conv2d(x, g.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)


def ssim_terms(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean SSIM and mean contrast-structure term per image, x and y (B, 3, H, W) in 0–255."""
    g = _gaussian_window().to(x.dtype)
    c1, c2 = (K1 * 255) ** 2, (K2 * 255) ** 2
    mx, my = _filter(x, g), _filter(y, g)
    sxx = _filter(x * x, g) - mx * mx
    syy = _filter(y * y, g) - my * my
    sxy = _filter(x * y, g) - mx * my
    cs = (2 * sxy + c2) / (sxx + syy + c2)
    ssim_map = (2 * mx * my + c1) / (mx * mx + my * my + c1) * cs
    return ssim_map.mean(dim=(1, 2, 3)), cs.mean(dim=(1, 2, 3))


def _as_tensor(a: np.ndarray) -> torch.Tensor:
    if a.ndim == 2:
        a = a[..., None]
    return torch.from_numpy(a.astype(np.float64)).permute(2, 0, 1)[None]


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Single-scale SSIM (Gaussian window 11, σ 1.5), averaged over RGB channels."""
    _check_pair(a, b)
    if min(a.shape[:2]) < WINDOW:
        raise ValueError(f"SSIM needs images of at least {WINDOW}×{WINDOW} pixels, got {a.shape[0]}×{a.shape[1]}")
    return float(ssim_terms(_as_tensor(a), _as_tensor(b))[0])


def ms_ssim_min_size() -> int:
    return (WINDOW - 1) * 2 ** (len(MS_SSIM_WEIGHTS) - 1) + 1  # 161: the coarsest scale still fits the window


def ms_ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Multi-scale SSIM over five scales (2× average pooling between them)."""
    _check_pair(a, b)
    if min(a.shape[:2]) < ms_ssim_min_size():
        raise ValueError(
            f"MS-SSIM needs images of at least {ms_ssim_min_size()}×{ms_ssim_min_size()} pixels, "
            f"got {a.shape[0]}×{a.shape[1]}; use ssim() or quality() for small images"
        )
    x, y = _as_tensor(a), _as_tensor(b)
    weights = torch.tensor(MS_SSIM_WEIGHTS, dtype=torch.float64)
    values = []
    for level in range(len(MS_SSIM_WEIGHTS)):
        s, cs = ssim_terms(x, y)
        values.append(torch.relu(s if level == len(MS_SSIM_WEIGHTS) - 1 else cs))
        x, y = F.avg_pool2d(x, 2), F.avg_pool2d(y, 2)
    return float(torch.prod(torch.stack([v[0] for v in values]) ** weights))


def quality(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """{'psnr', 'ms_ssim'}: MS-SSIM where the image is large enough, single-scale SSIM otherwise."""
    big = min(a.shape[:2]) >= ms_ssim_min_size()
    return {"psnr": psnr(a, b), "ms_ssim": ms_ssim(a, b) if big else ssim(a, b)}


def bd_rate(rate_ref, quality_ref, rate_test, quality_test) -> float:
    """Bjøntegaard delta rate in percent: the average change in rate of the test codec against
    the reference at equal quality (negative: the test codec needs fewer bits).

    Fits log(rate) as a cubic in quality for each curve (at least 4 points each) and averages the
    difference over the quality range both curves cover.
    """
    curves = []
    for name, r, q in (("reference", rate_ref, quality_ref), ("test", rate_test, quality_test)):
        r, q = np.asarray(r, dtype=np.float64), np.asarray(q, dtype=np.float64)
        if r.shape != q.shape or r.ndim != 1 or len(r) < 4:
            raise ValueError(
                f"the {name} curve needs at least 4 (rate, quality) points of equal length, got {r.shape} and {q.shape}"
            )
        if np.any(r <= 0) or not np.all(np.isfinite(q)):
            raise ValueError(f"the {name} curve has a rate ≤ 0 or a non-finite quality; drop those points")
        if len(np.unique(q)) < len(q):
            raise ValueError(f"the {name} curve repeats a quality value; BD-rate needs distinct qualities")
        curves.append((np.log(r), q))
    low = max(q.min() for _, q in curves)
    high = min(q.max() for _, q in curves)
    if low >= high:
        raise ValueError(
            f"the curves do not overlap in quality (reference {curves[0][1].min():.2f}–{curves[0][1].max():.2f}, "
            f"test {curves[1][1].min():.2f}–{curves[1][1].max():.2f}); measure over a common range"
        )
    integrals = []
    for log_r, q in curves:
        poly = np.polyint(np.polyfit(q, log_r, 3))
        integrals.append((np.polyval(poly, high) - np.polyval(poly, low)) / (high - low))
    return float((np.exp(integrals[1] - integrals[0]) - 1) * 100)
