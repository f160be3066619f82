"""The course's table of contents: lessons, their notebooks, models and benchmarks.

Every lesson registers the same way: its `presets` module has `MODELS` (a list of
`course.core.registry.ModelSpec`, one per shipped model or recorded run) and its `analysis`
module has `bench(quick) -> dict`. Both are imported only when asked for. The CLI reads
everything from here, so adding a lesson means adding one entry to LESSONS.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from course.core.checkpoints import CheckpointError
from course.core.registry import ModelSpec, train_spec


@dataclass(frozen=True)
class Lesson:
    key: str  # the name used on the command line: `python -m course bench KEY`
    number: int  # the lesson's number in teaching order (two benchmarks may share one)
    title: str
    presets: str  # the module whose `MODELS` lists the lesson's shipped models
    analysis: str  # the module whose `bench(quick)` measures the lesson's figures
    notebook: str | None  # None: models and a benchmark, no notebook of its own

    def models(self) -> list[ModelSpec]:
        return importlib.import_module(self.presets).MODELS

    def bench(self) -> Callable[..., dict]:
        return importlib.import_module(self.analysis).bench


LESSONS = {
    lesson.key: lesson
    for lesson in [
        Lesson(
            "embeddings",
            1,
            "Embeddings, entanglement and distance",
            "course.embeddings.presets",
            "course.embeddings.analysis",
            "01_embeddings.py",
        ),
        Lesson(
            "ngu",
            2,
            "Novelty: an embedding that ignores the noisy TV",
            "course.novelty.presets",
            "course.novelty.analysis",
            "02_novelty.py",
        ),
        Lesson(
            "glc",
            3,
            "Compression: generative latent coding vs JPEG",
            "course.compression.glc.presets",
            "course.compression.glc.analysis",
            "03_compression.py",
        ),
        Lesson(
            "codec",
            3,
            "Compression: a learned image codec with real bitstreams",
            "course.compression.codec.presets",
            "course.compression.codec.analysis",
            None,
        ),
        Lesson(
            "chunking",
            4,
            "Chunking: experts compress game states",
            "course.chunking.presets",
            "course.chunking.analysis",
            "04_chunking.py",
        ),
        Lesson(
            "arc",
            5,
            "Compression solves puzzles: ARC without pretraining",
            "course.arc.presets",
            "course.arc.analysis",
            "05_compressarc.py",
        ),
        Lesson(
            "dreamer",
            6,
            "World models: learning to act inside a dream",
            "course.dreamer.presets",
            "course.dreamer.analysis",
            "06_dreamer.py",
        ),
    ]
}


# Benchmarks of the course as a whole rather than of one lesson: `python -m course bench KEY` runs
# the `bench(quick)` of the module named here.
COURSE_BENCHES: dict[str, str] = {
    "course": "course.syllabus",
    "coursework": "course.coursework.bench",
    "robustness": "course.robustness",
}

# The data folders the lessons read, each shipped with a SHA256SUMS that `python -m course verify`
# checks (a folder that is missing, or lacks its SHA256SUMS, fails the check): folder -> its use.
DATASETS: dict[str, str] = {
    "photos": "photographs the Kodak codecs and GLC's natural-image model train on (Lesson 03)",
    "chess": "master games whose positions the chess chunks are learned from (Lesson 04)",
    "arc": "the ARC training tasks the puzzle solver is measured on (Lesson 05)",
}


def get_lesson(key: str) -> Lesson:
    if key not in LESSONS:
        raise KeyError(f"unknown lesson {key!r}; known lessons: {', '.join(LESSONS)}")
    return LESSONS[key]


def all_models() -> dict[str, ModelSpec]:
    """Every shipped model of every lesson, by name (a name belongs to exactly one lesson)."""
    models: dict[str, ModelSpec] = {}
    for key, lesson in LESSONS.items():
        for spec in lesson.models():
            if spec.name in models:
                raise ValueError(f"model {spec.name!r} is registered twice (again by lesson {key!r})")
            models[spec.name] = spec
    return models


def get_model_spec(name: str) -> ModelSpec:
    models = all_models()
    if name not in models:
        raise CheckpointError(f"unknown model {name!r}; known models: {', '.join(sorted(models))}")
    return models[name]


def get_bench(key: str) -> Callable[..., dict]:
    """The `bench` function for KEY: a lesson's, or one of the course-wide COURSE_BENCHES."""
    if key in COURSE_BENCHES:
        return importlib.import_module(COURSE_BENCHES[key]).bench
    if key not in LESSONS:
        known = ", ".join([*LESSONS, *COURSE_BENCHES])
        raise KeyError(f"unknown benchmark {key!r}; known: {known}")
    return LESSONS[key].bench()


def train_model(name: str, *, quick: bool = False, seed: int | None = None) -> dict:
    """Train NAME from scratch with its seeded config and save checkpoint + manifest entry."""
    return train_spec(get_model_spec(name), quick=quick, seed=seed)
