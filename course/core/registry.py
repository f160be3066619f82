"""What a lesson registers: a `ModelSpec` per shipped model, and how one is trained and saved.

Lesson-agnostic: which lessons exist, and which models each ships, is the course's table of
contents (`course.lessons`), not core's business.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from course.core.checkpoints import save_checkpoint
from course.core.seeding import reproducible, seed_everything


@dataclass(frozen=True)
class ModelSpec:
    name: str  # the checkpoint's name: `python -m course train NAME`, data/checkpoints/NAME.safetensors
    description: str  # one line for `python -m course list`
    # the shipped config, complete, from the lesson's presets: a dataclass with a `seed` field and a
    # `smoke()` method that returns its tiny variant (`train --quick`, tests)
    config: Any
    train: Callable[[Any], tuple[dict, dict]]  # config -> (tensors, headline metrics)
    # loads the shipped model as the lessons do (None: not given): `verify` calls it to check that
    # the tensors fit the model the manifest's config builds
    load: Callable[[], Any] | None = None

    def make_config(self, quick: bool = False) -> Any:
        """A fresh copy of the shipped config, or of its smoke variant (training never edits a preset)."""
        return self.config.smoke() if quick else copy.deepcopy(self.config)


def train_spec(spec: ModelSpec, *, quick: bool = False, seed: int | None = None) -> dict:
    """Train SPEC from scratch with its seeded config and save checkpoint + manifest entry."""
    config = spec.make_config(quick)
    if seed is not None:
        config = replace(config, seed=seed)
    seed_everything(config.seed)
    start = time.perf_counter()
    with reproducible(threads=1):  # the same seed gives the same checkpoint on any number of cores
        tensors, metrics = spec.train(config)
    seconds = time.perf_counter() - start
    # a resumable training (the Kodak codecs) reports the time of all its runs, not just this last one
    seconds = metrics.pop("train_seconds_all_runs", seconds)
    save_checkpoint(spec.name, tensors, config=asdict(config), seed=config.seed, train_seconds=seconds, metrics=metrics)
    return {"name": spec.name, "train_seconds": round(seconds, 1), **metrics}
