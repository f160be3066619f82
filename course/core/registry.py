"""The course's table of contents: lessons, their notebooks, models and benchmarks.

Each lesson subpackage exposes `MODELS` (a list of `ModelSpec`) and `bench(quick) -> dict`.
The CLI reads everything from here, so adding a lesson means adding one line to LESSONS.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from course.core.checkpoints import CheckpointError, save_checkpoint
from course.core.seeding import seed_everything, torch_threads


@dataclass(frozen=True)
class Lesson:
    key: str  # the name used on the command line: `python -m course bench KEY`
    number: int
    title: str
    module: str
    notebook: str | None  # None: models and a benchmark, no notebook of its own (yet)


LESSONS = {
    lesson.key: lesson
    for lesson in [
        Lesson("embeddings", 1, "Embeddings, entanglement and distance", "course.embeddings", "01_embeddings.py"),
        Lesson("ngu", 2, "Novelty: an embedding that ignores the noisy TV", "course.novelty", "02_novelty.py"),
        Lesson(
            "glc",
            3,
            "Compression: generative latent coding vs JPEG",
            "course.compression.experiments",
            "03_compression.py",
        ),
        Lesson("codec", 3, "Compression: a learned image codec with real bitstreams", "course.compression", None),
        Lesson("chunking", 4, "Chunking: experts compress game states", "course.chunking", "04_chunking.py"),
        Lesson("arc", 5, "Compression solves puzzles: ARC without pretraining", "course.arc", "05_compressarc.py"),
        Lesson("dreamer", 6, "World models: learning to act inside a dream", "course.dreamer", "06_dreamer.py"),
    ]
}


# Benchmarks of the course as a whole rather than of one lesson: `python -m course bench KEY` runs
# the `bench(quick)` of the module named here.
COURSE_BENCHES: dict[str, str] = {"coursework": "course.coursework.bench"}


@dataclass(frozen=True)
class ModelSpec:
    name: str
    lesson: str
    description: str
    make_config: Callable[[bool], Any]  # quick -> a config dataclass with a `seed` field
    train: Callable[[Any], tuple[dict, dict]]  # config -> (tensors, headline metrics)


def lazy_lesson(package: str, analysis: str, models: Callable[[], list[ModelSpec]]):
    """A lesson package's module `__getattr__`: its `bench` (from the `analysis` module) and
    `MODELS` are imported on first use, not with the package, so that `python -m PACKAGE.runs` is
    the first to import `runs` (runpy warns otherwise)."""

    def __getattr__(name: str):
        if name == "bench":
            return importlib.import_module(analysis).bench
        if name == "MODELS":
            return models()
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


def lesson_module(key: str):
    return importlib.import_module(LESSONS[key].module)


def all_models() -> dict[str, ModelSpec]:
    return {spec.name: spec for key in LESSONS for spec in lesson_module(key).MODELS}


def get_model_spec(name: str) -> ModelSpec:
    models = all_models()
    if name not in models:
        raise CheckpointError(f"unknown model {name!r}; known models: {', '.join(sorted(models))}")
    return models[name]


def get_lesson(key: str) -> Lesson:
    if key not in LESSONS:
        raise KeyError(f"unknown lesson {key!r}; known lessons: {', '.join(LESSONS)}")
    return LESSONS[key]


def get_bench(key: str) -> Callable[..., dict]:
    """The `bench` function for KEY: a lesson's, or one of the course-wide COURSE_BENCHES."""
    if key in COURSE_BENCHES:
        return importlib.import_module(COURSE_BENCHES[key]).bench
    if key not in LESSONS:
        known = ", ".join([*LESSONS, *COURSE_BENCHES])
        raise KeyError(f"unknown benchmark {key!r}; known: {known}")
    return lesson_module(key).bench


def train_model(name: str, *, quick: bool = False, seed: int | None = None) -> dict:
    """Train NAME from scratch with its seeded config and save checkpoint + manifest entry."""
    spec = get_model_spec(name)
    config = spec.make_config(quick)
    if seed is not None:
        config.seed = seed
    seed_everything(config.seed)
    start = time.perf_counter()
    with torch_threads(1):  # the same seed gives the same checkpoint on any number of cores
        tensors, metrics = spec.train(config)
    seconds = time.perf_counter() - start
    # a resumable training (the Kodak codecs) reports the time of all its runs, not just this last one
    seconds = metrics.pop("train_seconds_all_runs", seconds)
    save_checkpoint(name, tensors, config=asdict(config), seed=config.seed, train_seconds=seconds, metrics=metrics)
    return {"name": name, "train_seconds": round(seconds, 1), **metrics}
