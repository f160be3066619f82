"""Training the sprite embeddings: one loop for all three models, seeded and resumable-free
(each run takes minutes on two CPU cores)."""

from __future__ import annotations

import numpy as np
import torch

from course.core.progress import progress
from course.embeddings.metrics import mig
from course.embeddings.models import EmbeddingConfig, SpriteEmbedding
from course.embeddings.sprites import make_sprites


def train_embedding(config: EmbeddingConfig) -> tuple[dict, dict]:
    """Train on the full sprite grid; return (state dict, headline metrics)."""
    data = make_sprites()
    images = torch.from_numpy(np.array(data.images))
    model = SpriteEmbedding(config)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    generator = torch.Generator().manual_seed(config.seed)
    bar = progress(range(config.steps), desc=f"train {config.kind}")
    for step in bar:
        batch = images[torch.randint(len(images), (config.batch_size,), generator=generator)]
        losses = model.loss(batch, warmup=min(1.0, (step + 1) / max(config.warmup_steps, 1)))
        optimizer.zero_grad(set_to_none=True)
        losses["loss"].backward()
        optimizer.step()
        if step % 100 == 0:
            bar.set_postfix(rec=f"{losses['reconstruction'].item():.1f}", kl=f"{losses['kl'].item():.2f}")
    model.eval()
    z, _ = encode_all_with_variance(model, images)
    with torch.no_grad():
        final = model.loss(images[:1024])
    metrics = {
        "reconstruction_nats": round(final["reconstruction"].item(), 2),
        "kl_nats": round(final["kl"].item(), 3),
        "mig": round(mig(z, data.factors), 4),
    }
    return model.state_dict(), metrics


@torch.no_grad()
def encode_all_with_variance(model: SpriteEmbedding, images: torch.Tensor, batch_size: int = 1024):
    """Encoder means and log-variances for every image, each (N, D)."""
    parts = [model.encoder(images[i : i + batch_size]) for i in range(0, len(images), batch_size)]
    return torch.cat([m for m, _ in parts]).numpy(), torch.cat([v for _, v in parts]).numpy()
