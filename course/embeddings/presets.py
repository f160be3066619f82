"""Lesson 01's shipped models. Their complete configs are in `presets.yaml`, beside this file:
`python -m course train NAME` trains exactly those."""

from course.core.presets import read_presets
from course.core.registry import ModelSpec
from course.embeddings.analysis import MODEL_NAMES, UMAP_NAME, UmapConfig, train_umap
from course.embeddings.models import EmbeddingConfig
from course.embeddings.train import train_embedding

PRESETS = read_presets(__file__, EmbeddingConfig, UmapConfig)

MODELS = [
    ModelSpec(MODEL_NAMES["ae"], "plain autoencoder, 10-d latent", PRESETS["sprites_ae"], train_embedding),
    ModelSpec(MODEL_NAMES["vae"], "VAE (β = 1), 10-d latent", PRESETS["sprites_vae"], train_embedding),
    ModelSpec(
        MODEL_NAMES["disentangled"], "β-TCVAE (β = 6), 10-d latent", PRESETS["sprites_beta_tcvae"], train_embedding
    ),
    ModelSpec(UMAP_NAME, "UMAP maps of the three embeddings (needs them first)", PRESETS["sprites_umap"], train_umap),
]
