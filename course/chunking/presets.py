"""Lesson 04's shipped models. Their complete configs are in `presets.yaml`, beside this file."""

from course.chunking.chunks import CHUNKS_NAME, ChunkConfig, train_chunks
from course.chunking.compression import MADE_NAME, MadeConfig, train_made
from course.core.presets import read_presets
from course.core.registry import ModelSpec

PRESETS = read_presets(__file__, ChunkConfig, MadeConfig)

MODELS = [
    ModelSpec(
        CHUNKS_NAME,
        "chunk vocabularies learned from master games, novice to master",
        PRESETS[CHUNKS_NAME],
        train_chunks,
    ),
    ModelSpec(MADE_NAME, "MADE: a small neural model of middle-game positions", PRESETS[MADE_NAME], train_made),
]
