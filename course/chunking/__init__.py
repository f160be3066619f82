"""Lesson 04: chunking — experts compress game states.

Middle-game positions from historical master games (`data`), a learner that builds a vocabulary
of piece-on-square chunks from them (`chunks`), the 5-second recall task (`recall`), chunks and a
small neural model as codes (`compression`), the lesson's experiments and benchmark (`analysis`)
and the interactive views (`widgets`).
"""

from course.chunking.analysis import bench
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
        lesson="chunking",
        description="chunk vocabularies learned from master games, novice to master",
        make_config=chunk_config,
        train=train_chunks,
    ),
    ModelSpec(
        name=MADE_NAME,
        lesson="chunking",
        description="MADE: a small neural model of middle-game positions",
        make_config=made_config,
        train=train_made,
    ),
]

__all__ = ["MODELS", "bench", "chunk_config", "made_config"]
