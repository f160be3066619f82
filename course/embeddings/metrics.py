"""Measurements of an embedding against the factors that generated the data.

Each function takes latent codes `z` of shape (N, D) and, where needed, the true factors of the
same N samples: `factors` (N, K) integer value indices, or `factor_values` (N, K) scaled to [0, 1].
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import expm
from scipy.stats import spearmanr
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, mutual_info_score
from sklearn.neighbors import NearestNeighbors

# ---------------------------------------------------------------- information per dimension


def kl_bits_per_dim(mean: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    """Average KL(q(z_j | x) || N(0, 1)) over the data, per dimension, in bits. Shape (D,).

    This is the rate a VAE pays for each dimension: a dimension at ~0 bits carries nothing.
    """
    kl_nats = 0.5 * (mean**2 + np.exp(log_var) - 1.0 - log_var)
    return kl_nats.mean(axis=0) / np.log(2.0)


def participation_ratio(z: np.ndarray) -> float:
    """Effective number of dimensions: (Σ λ)² / Σ λ², λ the eigenvalues of z's covariance.

    D for isotropic data in D dimensions, 1 for data on a line.
    """
    eigenvalues = np.clip(np.linalg.eigvalsh(np.cov(z, rowvar=False)), 0.0, None)
    return float(eigenvalues.sum() ** 2 / (eigenvalues**2).sum())


# ---------------------------------------------------------------- mutual information and MIG


def discretize(z: np.ndarray, bins: int = 20) -> np.ndarray:
    """Equal-width histogram bin of each value, per dimension. (N, D) ints in [0, bins)."""
    lo, hi = z.min(axis=0), z.max(axis=0)
    width = np.where(hi > lo, hi - lo, 1.0)
    return np.clip(((z - lo) / width * bins).astype(int), 0, bins - 1)


def factor_entropy(factors: np.ndarray) -> np.ndarray:
    """Entropy of each factor in nats, (K,)."""
    return np.array([mutual_info_score(f, f) for f in factors.T])


def mutual_info_matrix(z: np.ndarray, factors: np.ndarray, bins: int = 20) -> np.ndarray:
    """I(z_j; v_k) in nats for every latent dimension j and factor k, (D, K)."""
    binned = discretize(z, bins)
    return np.array([[mutual_info_score(f, b) for f in factors.T] for b in binned.T])


def gaps_from_mutual_info(mi: np.ndarray, entropy: np.ndarray) -> np.ndarray:
    """Per factor: (top − second I(z_j; v_k) over dimensions j) / H(v_k), from the (D, K) matrix."""
    top_two = np.sort(mi, axis=0)[::-1][:2]  # (2, K)
    return (top_two[0] - top_two[1]) / entropy


def mig_from_mutual_info(mi: np.ndarray, entropy: np.ndarray) -> float:
    """MIG from the (D, K) mutual-information matrix and the (K,) factor entropies."""
    return float(gaps_from_mutual_info(mi, entropy).mean())


def mig_per_factor(z: np.ndarray, factors: np.ndarray, bins: int = 20) -> np.ndarray:
    """For each factor: (top I(z_j; v_k) − second I(z_j; v_k)) / H(v_k), (K,)."""
    return gaps_from_mutual_info(mutual_info_matrix(z, factors, bins), factor_entropy(factors))


def mig(z: np.ndarray, factors: np.ndarray, bins: int = 20) -> float:
    """Mutual Information Gap (Chen et al., 2018): 1 when each factor lives in exactly one
    dimension, 0 when every factor is spread evenly over two or more."""
    return mig_from_mutual_info(mutual_info_matrix(z, factors, bins), factor_entropy(factors))


# ---------------------------------------------------------------- distances


def pairwise_latent_distance(a: np.ndarray, b: np.ndarray, metric: str, scale: np.ndarray | None = None) -> np.ndarray:
    """Distance between rows a[i] and b[i] under `metric`: euclidean, cosine or standardised.

    `standardised` divides each dimension by its spread over the data (`scale`), so a
    dimension does not count more just because its units are larger.
    """
    if metric == "euclidean":
        return np.linalg.norm(a - b, axis=1)
    if metric == "cosine":
        dot = (a * b).sum(axis=1)
        norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
        return 1.0 - dot / np.maximum(norms, 1e-12)
    if metric == "standardised":
        if scale is None:
            raise ValueError("the standardised distance needs `scale`, the per-dimension std over the data")
        return np.linalg.norm((a - b) / np.maximum(scale, 1e-12), axis=1)
    raise ValueError(f"unknown metric {metric!r}; use 'euclidean', 'cosine' or 'standardised'")


METRICS = ("euclidean", "cosine", "standardised")


def factor_distance(values_a: np.ndarray, values_b: np.ndarray, categorical: np.ndarray) -> np.ndarray:
    """Ground-truth distance between samples: Euclidean over factors scaled to [0, 1], with
    categorical factors counting 1 when they differ and 0 when they agree."""
    diff = np.abs(values_a - values_b)
    diff[:, categorical] = (diff[:, categorical] > 0).astype(float)
    return np.linalg.norm(diff, axis=1)


def random_pairs(n: int, n_pairs: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    i, j = rng.integers(0, n, n_pairs), rng.integers(0, n, n_pairs)
    keep = i != j
    return i[keep], j[keep]


def distance_spearman(
    z: np.ndarray,
    factor_values: np.ndarray,
    categorical: np.ndarray,
    metric: str = "euclidean",
    n_pairs: int = 20000,
    seed: int = 0,
) -> float:
    """Spearman correlation between latent and ground-truth distances over random pairs:
    1 when the embedding ranks every pair of samples as the true factors do."""
    i, j = random_pairs(len(z), n_pairs, seed)
    latent = pairwise_latent_distance(z[i], z[j], metric, scale=z.std(axis=0))
    truth = factor_distance(factor_values[i], factor_values[j], categorical)
    return float(spearmanr(latent, truth).statistic)


# ---------------------------------------------------------------- neighbours and clusters


def knn_purity(z: np.ndarray, labels: np.ndarray, k: int = 10, metric: str = "euclidean"):
    """Share of each sample's k nearest neighbours that share its label (chance: Σ p_c²).

    `labels` is (N,) for one factor, giving a float, or (N, K) for K factors at once, giving (K,):
    the neighbours are found once and scored against every factor.
    """
    if metric == "standardised":
        z, metric = z / np.maximum(z.std(axis=0), 1e-12), "euclidean"
    neighbours = NearestNeighbors(n_neighbors=k + 1, metric=metric).fit(z).kneighbors(z, return_distance=False)
    neighbours = neighbours[:, 1:]  # drop each sample itself
    if labels.ndim == 1:
        return float((labels[neighbours] == labels[:, None]).mean())
    return (labels[neighbours] == labels[:, None, :]).mean(axis=(0, 1))


def kmeans_ari(z: np.ndarray, labels: np.ndarray, seed: int = 0) -> float:
    """Adjusted Rand index between k-means clusters (k = number of label values) and labels:
    1 when the clusters are exactly the label groups, about 0 for unrelated clusters."""
    n_clusters = len(np.unique(labels))
    clusters = KMeans(n_clusters=n_clusters, n_init=4, random_state=seed).fit_predict(z)
    return float(adjusted_rand_score(labels, clusters))


# ---------------------------------------------------------------- entangling maps


def random_rotation(dim: int, seed: int = 0) -> np.ndarray:
    """A random orthogonal matrix with determinant +1, (dim, dim)."""
    return partial_rotation(dim, 1.0, seed)


def partial_rotation(dim: int, amount: float, seed: int = 0) -> np.ndarray:
    """exp(amount · A) for a fixed random skew-symmetric A: the identity at amount 0, a thorough
    random rotation at 1, and a smooth path in between (for the rotation slider)."""
    rng = np.random.default_rng(seed)
    g = rng.normal(size=(dim, dim))
    skew = (g - g.T) / 2.0
    return expm(amount * np.pi * skew / np.sqrt(dim) * 2.0)


def nonlinear_entangle(z: np.ndarray, strength: float = 1.0, seed: int = 0) -> np.ndarray:
    """An invertible but nonlinear map that mixes dimensions (two additive coupling layers).

    No information is lost (each layer can be undone by subtracting what it added), yet
    distances are bent: points far apart can land close together and vice versa.
    """
    rng = np.random.default_rng(seed)
    d = z.shape[1]
    half = d // 2
    scale = z.std()
    u = z / scale
    w1 = rng.normal(size=(d - half, half)) / np.sqrt(d - half)
    w2 = rng.normal(size=(half, d - half)) / np.sqrt(half)
    a, b = u[:, :half].copy(), u[:, half:].copy()
    a = a + strength * 2.0 * np.sin(3.0 * b @ w1)
    b = b + strength * 2.0 * np.sin(3.0 * a @ w2)
    return np.concatenate([a, b], axis=1) * scale
