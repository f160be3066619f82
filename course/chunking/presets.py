"""Lesson 04's shipped models, each with its complete config."""

from course.chunking.chunks import CHUNKS_NAME, ChunkConfig, train_chunks
from course.chunking.compression import MADE_NAME, MadeConfig, train_made
from course.core.registry import ModelSpec

CHESS_CHUNKS = ChunkConfig(
    theta=2,
    view_radius=2,
    levels=(0, 30, 100, 300, 1000, 3000, 10000, None),
    max_positions=None,
    code_positions=5000,
    seed=0,
)
CHESS_MADE = MadeConfig(hidden=256, steps=3000, batch_size=128, lr=1e-3, weight_decay=1e-4, seed=0)

MODELS = [
    ModelSpec(
        CHUNKS_NAME, "chunk vocabularies learned from master games, novice to master", CHESS_CHUNKS, train_chunks
    ),
    ModelSpec(MADE_NAME, "MADE: a small neural model of middle-game positions", CHESS_MADE, train_made),
]
