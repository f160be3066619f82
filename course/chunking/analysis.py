"""The lesson's experiments as functions, shared by the notebook and `python -m course bench chunking`.

Every figure is measured on positions from held-out games, which the learner never studied, and on
random boards made from the same pieces.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.chunking.chunks import EXPERTISE, ChunkLevels, load_chunk_levels
from course.chunking.compression import PLAIN_BITS, ChunkCode, load_made, mean_nll_bits
from course.chunking.data import load_games, random_boards, sample_boards, split_games
from course.chunking.recall import mean_recall

# Chase & Simon (1973), first 5-second trial on middle-game positions of about 25 pieces: pieces
# placed correctly by their master, class-A player and beginner. On random placements of the same
# pieces all three placed only a few.
CHASE_SIMON_PIECES = {"master": 16, "class A": 8, "novice": 4}
CHASE_SIMON_BOARD = 25
# Gobet & Simon's estimate of the chunks a human master knows (CHREST; Gobet & Simon 1996, 2000).
GOBET_SIMON_MASTER_CHUNKS = 50_000

TEST_PER_GAME = 3  # positions drawn from each held-out game
TEST_SEED, RANDOM_SEED, RECALL_SEED = 0, 1, 2


@dataclass
class TestBoards:
    real: np.ndarray  # (n, 64) positions from held-out games
    random: np.ndarray  # (n, 64) the same pieces on random squares


def test_boards(quick: bool = False) -> TestBoards:
    _, held_out = split_games(load_games())
    if quick:
        held_out = held_out[:40]
    real = sample_boards(held_out, 1 if quick else TEST_PER_GAME, TEST_SEED)
    return TestBoards(real, random_boards(real, RANDOM_SEED))


def recall_table(levels: ChunkLevels, boards: TestBoards, names=tuple(EXPERTISE)) -> dict[str, dict[str, float]]:
    """Simulated share of pieces recalled, per expertise level, on real and random boards."""
    return {
        name: {
            "real": mean_recall(levels.vocabulary(name), boards.real, seed=RECALL_SEED),
            "random": mean_recall(levels.vocabulary(name), boards.random, seed=RECALL_SEED),
            "chunks": levels.n_chunks(name),
        }
        for name in names
    }


def bits_table(levels: ChunkLevels, boards: TestBoards, names=tuple(EXPERTISE)) -> dict[str, dict[str, float]]:
    """Mean bits per position under each level's chunk code, real and random."""
    table = {}
    for name in names:
        code = ChunkCode.at(levels, name)
        table[name] = {"real": code.mean_bits(boards.real), "random": code.mean_bits(boards.random)}
    return table


def chase_simon_shares() -> dict[str, float]:
    return {name: pieces / CHASE_SIMON_BOARD for name, pieces in CHASE_SIMON_PIECES.items()}


def bench(quick: bool = False) -> dict:
    """The figures of `python -m course bench chunking`, from the shipped checkpoints."""
    levels = load_chunk_levels()
    boards = test_boards(quick)
    recall = recall_table(levels, boards)
    bits = bits_table(levels, boards, names=("master",))
    made = load_made()
    return {
        "recall_master_real": round(recall["master"]["real"], 4),
        "recall_classa_real": round(recall["class A"]["real"], 4),
        "recall_novice_real": round(recall["novice"]["real"], 4),
        "recall_master_random": round(recall["master"]["random"], 4),
        "recall_novice_random": round(recall["novice"]["random"], 4),
        "chunks_master": recall["master"]["chunks"],
        "bits_real_master": round(bits["master"]["real"], 2),
        "bits_random_master": round(bits["master"]["random"], 2),
        "bits_real_plain": round(PLAIN_BITS, 2),
        "nll_bits_real": round(mean_nll_bits(made, boards.real), 2),
        "nll_bits_random": round(mean_nll_bits(made, boards.random), 2),
    }
