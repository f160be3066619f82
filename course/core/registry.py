"""What a lesson registers: a `ModelSpec` per shipped model, and how one is trained and saved.

Lesson-agnostic: which lessons exist, and which models each ships, is the course's table of
contents (`course.lessons`), not core's business.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from course.core.checkpoints import save_checkpoint
from course.core.seeding import reproducible, seed_everything


@dataclass(frozen=True)
class ModelSpec:
    name: str  # the checkpoint's name: `python -m course train NAME`, data/checkpoints/NAME.safetensors
    description: str  # one line for `python -m course list`
    make_config: Callable[[bool], Any]  # quick -> a config dataclass with a `seed` field
    train: Callable[[Any], tuple[dict, dict]]  # config -> (tensors, headline metrics)
    # loads the shipped model as the lessons do (None: not given): `verify` calls it to check that
    # the tensors fit the model the manifest's config builds
    load: Callable[[], Any] | None = None


def train_spec(spec: ModelSpec, *, quick: bool = False, seed: int | None = None) -> dict:
    """Train SPEC from scratch with its seeded config and save checkpoint + manifest entry."""
    config = spec.make_config(quick)
    if seed is not None:
        config.seed = seed
    seed_everything(config.seed)
    start = time.perf_counter()
    with reproducible(threads=1):  # the same seed gives the same checkpoint on any number of cores
        tensors, metrics = spec.train(config)
    seconds = time.perf_counter() - start
    # a resumable training (the Kodak codecs) reports the time of all its runs, not just this last one
    seconds = metrics.pop("train_seconds_all_runs", seconds)
    save_checkpoint(spec.name, tensors, config=asdict(config), seed=config.seed, train_seconds=seconds, metrics=metrics)
    return {"name": spec.name, "train_seconds": round(seconds, 1), **metrics}
