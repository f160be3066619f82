"""Tiny trainings the tests share: a shipped preset's smoke variant, seeded, on one thread."""

import torch

from course.compression.glc.presets import PRESETS


def train_smoke(name: str, train) -> tuple:
    """(config, tensors, metrics): `train` run on the smoke variant of the GLC preset `name`."""
    torch.manual_seed(0)
    torch.set_num_threads(1)
    config = PRESETS[name].smoke()
    return config, *train(config)
