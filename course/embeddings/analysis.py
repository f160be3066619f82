"""The lesson's experiments as functions: load the three embeddings, measure them, entangle them.

The notebook and `python -m course bench embeddings` call the same functions, so the figures
in the text and in the README come from one place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from course.core.checkpoints import load_checkpoint, read_manifest
from course.embeddings import metrics as M
from course.embeddings.models import EmbeddingConfig, SpriteEmbedding
from course.embeddings.sprites import FACTORS, SpriteDataset, make_sprites
from course.embeddings.train import encode_all_with_variance

MODEL_NAMES = {"ae": "sprites_ae", "vae": "sprites_vae", "disentangled": "sprites_beta_tcvae"}
CATEGORICAL = np.array([f.categorical for f in FACTORS])
N_TRUE_FACTORS = len(FACTORS)
ENTANGLE_SEED = 7


def load_embedding(kind: str) -> SpriteEmbedding:
    """A shipped model, its checkpoint verified by SHA-256."""
    tensors, entry = load_checkpoint(MODEL_NAMES[kind])
    model = SpriteEmbedding(EmbeddingConfig(**entry["config"]))
    model.load_state_dict(tensors)
    return model.eval()


@dataclass
class Embedded:
    """One model's view of the whole dataset."""

    kind: str
    mean: np.ndarray  # (N, D), the embedding we measure
    log_var: np.ndarray  # (N, D), the encoder's uncertainty (meaningless for the autoencoder)


def embed_sprites(model: SpriteEmbedding, data: SpriteDataset | None = None) -> Embedded:
    data = data or make_sprites()
    mean, log_var = encode_all_with_variance(model, torch.from_numpy(np.array(data.images)))
    return Embedded(model.config.kind, mean, log_var)


def measure(z: np.ndarray, data: SpriteDataset, n_pairs: int = 20000) -> dict:
    """The lesson's table for one embedding."""
    return {
        "mig": M.mig(z, data.factors),
        "participation_ratio": M.participation_ratio(z),
        **{
            f"distance_spearman_{metric}": M.distance_spearman(z, data.factor_values, CATEGORICAL, metric, n_pairs)
            for metric in M.METRICS
        },
    }


def neighbourhood_table(z: np.ndarray, data: SpriteDataset, k: int = 10) -> dict[str, dict[str, float]]:
    """k-NN purity (with its chance level) and k-means ARI per factor: do neighbourhoods and
    clusters in the embedding follow that factor?"""
    purity = M.knn_purity(z, data.factors, k)
    return {
        f.name: {
            "knn_purity": float(purity[i]),
            "chance": float(1.0 / f.n_values),
            "kmeans_ari": M.kmeans_ari(z, data.factors[:, i]),
        }
        for i, f in enumerate(FACTORS)
    }


def rotated_distance_agreement(z: np.ndarray, rotated: np.ndarray, n_pairs: int = 20000) -> float:
    """Spearman correlation between pairwise distances before and after a map."""
    i, j = M.random_pairs(len(z), n_pairs)
    before = np.linalg.norm(z[i] - z[j], axis=1)
    after = np.linalg.norm(rotated[i] - rotated[j], axis=1)
    from scipy.stats import spearmanr

    return float(spearmanr(before, after).statistic)


def entanglement_experiment(z: np.ndarray, data: SpriteDataset, seed: int = ENTANGLE_SEED) -> dict:
    """Rotate a disentangled latent space, then bend it nonlinearly; measure what survives."""
    rotated = z @ M.random_rotation(z.shape[1], seed).T
    bent = M.nonlinear_entangle(z, strength=1.0, seed=seed)
    return {
        "mig": M.mig(z, data.factors),
        "mig_rotated": M.mig(rotated, data.factors),
        "mig_nonlinear": M.mig(bent, data.factors),
        "distance_spearman_euclidean": M.distance_spearman(z, data.factor_values, CATEGORICAL),
        "distance_spearman_rotated": M.distance_spearman(rotated, data.factor_values, CATEGORICAL),
        "distance_spearman_nonlinear": M.distance_spearman(bent, data.factor_values, CATEGORICAL),
        "rotated_vs_original_distance_spearman": rotated_distance_agreement(z, rotated),
        "nonlinear_vs_original_distance_spearman": rotated_distance_agreement(z, bent),
    }


def bench(quick: bool = False) -> dict:
    """The figures of `python -m course bench embeddings`, from the shipped checkpoints."""
    data = make_sprites()
    embedded = {kind: embed_sprites(load_embedding(kind), data) for kind in MODEL_NAMES}
    tables = {kind: measure(e.mean, data) for kind, e in embedded.items()}
    experiment = entanglement_experiment(embedded["disentangled"].mean, data)
    manifest = read_manifest()
    return {
        "mig_ae": tables["ae"]["mig"],
        "mig_vae": tables["vae"]["mig"],
        "mig_disentangled": tables["disentangled"]["mig"],
        "mig_rotated": experiment["mig_rotated"],
        "mig_nonlinear": experiment["mig_nonlinear"],
        "participation_ratio_ae": tables["ae"]["participation_ratio"],
        "participation_ratio_vae": tables["vae"]["participation_ratio"],
        "participation_ratio_disentangled": tables["disentangled"]["participation_ratio"],
        "n_true_factors": N_TRUE_FACTORS,
        "distance_spearman_euclidean": experiment["distance_spearman_euclidean"],
        "distance_spearman_rotated": experiment["distance_spearman_rotated"],
        "distance_spearman_nonlinear": experiment["distance_spearman_nonlinear"],
        "rotated_vs_original_distance_spearman": experiment["rotated_vs_original_distance_spearman"],
        "distance_spearman_by_model": {
            kind: {m: t[f"distance_spearman_{m}"] for m in M.METRICS} for kind, t in tables.items()
        },
        "kl_bits_per_dim": {
            kind: M.kl_bits_per_dim(e.mean, e.log_var).round(3).tolist() for kind, e in embedded.items() if kind != "ae"
        },
        "train_seconds": {kind: manifest[name]["train_seconds"] for kind, name in MODEL_NAMES.items()},
    }


# ---------------------------------------------------------------- UMAP maps (shipped, like a model)

UMAP_NAME = "sprites_umap"


@dataclass
class UmapConfig:
    """UMAP of each shipped embedding on a fixed subsample of sprites."""

    n_points: int = 3000  # sprites in the map (a fixed subsample)
    n_neighbors: int = 15  # UMAP's neighbourhood size: local (small) against global (large) structure
    min_dist: float = 0.1  # how tightly UMAP may pack points in the map
    seed: int = 0  # seeds the subsample and UMAP's layout

    def smoke(self) -> UmapConfig:
        """A small map, for tests and `train --quick`."""
        return replace(self, n_points=300)


def umap_coordinates(points: np.ndarray, n_neighbors: int, min_dist: float, seed: int) -> np.ndarray:
    """(N, D) points -> (N, 2) float32 UMAP coordinates, seeded. Numba compiles UMAP on first use
    (about a minute), which is why the lessons ship their maps as checkpoints."""
    import umap

    reducer = umap.UMAP(n_neighbors=n_neighbors, min_dist=min_dist, random_state=seed)
    return reducer.fit_transform(points).astype(np.float32)


def train_umap(config: UmapConfig) -> tuple[dict, dict]:
    """Fit UMAP to every embedding. Numba compiles UMAP on first use (about a minute), so the
    notebook loads these coordinates instead of computing them."""
    data = make_sprites()
    index = np.sort(np.random.default_rng(config.seed).choice(len(data), config.n_points, replace=False))
    tensors = {"index": torch.from_numpy(index)}
    for kind in MODEL_NAMES:
        z = embed_sprites(load_embedding(kind), data).mean[index]
        xy = umap_coordinates(z, config.n_neighbors, config.min_dist, config.seed)
        tensors[kind] = torch.from_numpy(xy)
    return tensors, {"n_points": config.n_points}


def load_umap() -> dict[str, np.ndarray]:
    """{'index': sample indices, kind: (n, 2) UMAP coordinates for each model}."""
    tensors, _ = load_checkpoint(UMAP_NAME)
    return {k: v.numpy() for k, v in tensors.items()}
