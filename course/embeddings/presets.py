"""Lesson 01's shipped models, each with its complete config.

The three embeddings share one recipe and differ only in their loss (`kind`, `beta`); the map is
drawn from all three. `python -m course train NAME` trains exactly these configs.
"""

from dataclasses import replace

from course.core.registry import ModelSpec
from course.embeddings.analysis import MODEL_NAMES, UMAP_NAME, UmapConfig, train_umap
from course.embeddings.models import EmbeddingConfig
from course.embeddings.train import train_embedding

SPRITES_AE = EmbeddingConfig(
    kind="ae",
    beta=0.0,
    dataset_size=9000,
    latent_dim=10,
    steps=6000,
    warmup_steps=2000,
    batch_size=64,
    lr=1e-3,
    seed=0,
)
SPRITES_VAE = replace(SPRITES_AE, kind="vae", beta=1.0)
SPRITES_BETA_TCVAE = replace(SPRITES_AE, kind="beta_tcvae", beta=6.0)
SPRITES_UMAP = UmapConfig(n_points=3000, n_neighbors=15, min_dist=0.1, seed=0)

MODELS = [
    ModelSpec(MODEL_NAMES["ae"], "plain autoencoder, 10-d latent", SPRITES_AE, train_embedding),
    ModelSpec(MODEL_NAMES["vae"], "VAE (β = 1), 10-d latent", SPRITES_VAE, train_embedding),
    ModelSpec(MODEL_NAMES["disentangled"], "β-TCVAE (β = 6), 10-d latent", SPRITES_BETA_TCVAE, train_embedding),
    ModelSpec(UMAP_NAME, "UMAP maps of the three embeddings (needs them first)", SPRITES_UMAP, train_umap),
]
