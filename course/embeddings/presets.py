"""Lesson 01's shipped models and their configs."""

from functools import partial

from course.core.registry import ModelSpec
from course.embeddings.analysis import MODEL_NAMES, UMAP_NAME, UmapConfig, model_config, train_umap
from course.embeddings.train import train_embedding

MODELS = [
    ModelSpec(
        name=MODEL_NAMES[kind],
        description=description,
        make_config=partial(model_config, kind),
        train=train_embedding,
    )
    for kind, description in [
        ("ae", "plain autoencoder, 10-d latent"),
        ("vae", "VAE (β = 1), 10-d latent"),
        ("disentangled", "β-TCVAE (β = 6), 10-d latent"),
    ]
] + [
    ModelSpec(
        name=UMAP_NAME,
        description="UMAP maps of the three embeddings (needs them first)",
        make_config=lambda quick: UmapConfig(n_points=300 if quick else 3000),
        train=train_umap,
    )
]
