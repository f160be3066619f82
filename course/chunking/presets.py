"""Lesson 04's shipped models and their configs."""

from course.chunking.chunks import CHUNKS_NAME, ChunkConfig, train_chunks
from course.chunking.compression import MADE_NAME, MadeConfig, train_made
from course.core.registry import ModelSpec


def chunk_config(quick: bool = False) -> ChunkConfig:
    """The shipped learner; `quick` studies 400 positions, for tests."""
    if quick:
        return ChunkConfig(levels=(0, 30, 100, None), max_positions=400, code_positions=200)
    return ChunkConfig()


def made_config(quick: bool = False) -> MadeConfig:
    return MadeConfig(steps=30) if quick else MadeConfig()


MODELS = [
    ModelSpec(
        name=CHUNKS_NAME,
        description="chunk vocabularies learned from master games, novice to master",
        make_config=chunk_config,
        train=train_chunks,
    ),
    ModelSpec(
        name=MADE_NAME,
        description="MADE: a small neural model of middle-game positions",
        make_config=made_config,
        train=train_made,
    ),
]
