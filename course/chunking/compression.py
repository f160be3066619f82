"""Chunks as a code: how many bits does it take to write a position down?

Three yardsticks, all measured in bits per position:

* the plain code: every square says which of 13 things stands on it, log2(13) bits each;
* a learner's chunk code: the position is parsed into units (chunks and lone pieces) and each
  unit is written with −log2 p bits, p its frequency in the positions the learner studied
  (Krichevsky–Trofimov estimate, count + ½), plus an end-of-board symbol. The units form a set,
  so the log2(m!) orders in which m units could be written carry no information and are not paid;
* a small neural model (MADE, Germain et al. 2015) that gives every position a probability,
  square after square: its negative log-likelihood in bits, as in Lessons 01 and 03.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn

from course.chunking.chunks import ChunkLevels, ChunkVocabulary
from course.chunking.data import N_CODES, board_items, learning_boards, load_games, sample_boards, split_games
from course.core.checkpoints import load_checkpoint
from course.core.progress import progress

PLAIN_BITS = 64 * math.log2(N_CODES)  # square by square, knowing nothing of chess: any position
MADE_NAME = "chess_made"


def set_code_bits(probabilities) -> float:
    """Bits to write a set of distinct symbols, each with probability p: −Σ log2 p − log2(m!)."""
    p = np.asarray(probabilities, dtype=float)
    return float(-np.log2(p).sum() - math.lgamma(len(p) + 1) / math.log(2))


@dataclass
class ChunkCode:
    """One expertise level's code: its vocabulary and how often it used each symbol."""

    vocabulary: ChunkVocabulary
    counts: np.ndarray  # (n_chunks + 768 + 1,): chunks, lone items, end of board

    @classmethod
    def at(cls, levels: ChunkLevels, expertise) -> ChunkCode:
        return cls(levels.vocabulary(expertise), levels.counts(expertise))

    def probabilities(self, units) -> np.ndarray:
        """p of each unit's symbol, then of end-of-board."""
        n = len(self.vocabulary)
        index = [self.vocabulary.rank[u] if len(u) > 1 else n + next(iter(u)) for u in units] + [len(self.counts) - 1]
        return (self.counts[index] + 0.5) / (self.counts.sum() + 0.5 * len(self.counts))

    def units(self, board: np.ndarray) -> list[frozenset]:
        return self.vocabulary.parse(board_items(board))

    def bits(self, board: np.ndarray) -> float:
        units = self.units(board)
        p = self.probabilities(units)
        # end-of-board is not a member of the set: pay for it, but do not count it in m!
        return set_code_bits(p[:-1]) - math.log2(p[-1])

    def mean_bits(self, boards: np.ndarray) -> float:
        return float(np.mean([self.bits(b) for b in boards]))


# ---------------------------------------------------------------- a small neural model of positions


@dataclass
class MadeConfig:
    """MADE on middle-game positions (the shipped one: preset `chess_made` in `chunking/presets.yaml`)."""

    hidden: int = 256  # units of the masked hidden layer
    steps: int = 3000  # optimiser steps (the run stops on this count)
    batch_size: int = 128  # positions per step
    lr: float = 1e-3  # AdamW's learning rate
    weight_decay: float = 1e-4  # AdamW's decoupled weight decay
    seed: int = 0  # seeds the weights, the masks' order and the batches

    def smoke(self) -> MadeConfig:
        """A 30-step run, for tests and `train --quick`."""
        return replace(self, steps=30)


class MaskedLinear(nn.Linear):
    def __init__(self, mask: torch.Tensor):
        super().__init__(mask.shape[1], mask.shape[0])
        self.register_buffer("mask", mask.float(), persistent=False)  # rebuilt from the config

    def forward(self, x):
        return nn.functional.linear(x, self.weight * self.mask, self.bias)


class PositionMADE(nn.Module):
    """p(board) = Π_s p(square s | squares before s), squares a1 … h8. One hidden layer whose
    masks let the output for square s see only squares 0 … s−1 (MADE)."""

    def __init__(self, config: MadeConfig):
        super().__init__()
        self.config = config
        square_in = torch.arange(64).repeat_interleave(N_CODES)  # the square each input unit shows
        generator = torch.Generator().manual_seed(config.seed)
        degree = torch.randint(0, 63, (config.hidden,), generator=generator)  # hidden k sees squares ≤ degree
        self.hidden = MaskedLinear(degree[:, None] >= square_in[None, :])
        self.out = MaskedLinear(square_in[:, None] > degree[None, :])

    def logits(self, boards: torch.Tensor) -> torch.Tensor:
        """(B, 64) piece codes -> (B, 64, 13) logits, each square's from earlier squares only."""
        x = nn.functional.one_hot(boards.long(), N_CODES).flatten(1).float()
        return self.out(torch.relu(self.hidden(x))).view(-1, 64, N_CODES)

    def nll_bits(self, boards: torch.Tensor) -> torch.Tensor:
        """−log2 p(board) for each board, (B,)."""
        logits = self.logits(boards)
        nats = nn.functional.cross_entropy(logits.transpose(1, 2), boards.long(), reduction="none").sum(1)
        return nats / math.log(2)


def train_made(config: MadeConfig) -> tuple[dict, dict]:
    """Fit the MADE to the learning games' positions; report bits on held-out games."""
    learn, held_out = split_games(load_games())
    boards = torch.from_numpy(learning_boards(learn).astype(np.int64))
    model = PositionMADE(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.steps)
    generator = torch.Generator().manual_seed(config.seed)
    bar = progress(range(config.steps), desc="train MADE")
    for step in bar:
        batch = boards[torch.randint(len(boards), (config.batch_size,), generator=generator)]
        loss = model.nll_bits(batch).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % 200 == 0:
            bar.set_postfix(bits=f"{loss.item():.1f}")
    model.eval()
    test = sample_boards(held_out, per_game=3, seed=0)
    metrics = {
        "train_bits": round(mean_nll_bits(model, boards[:5000].numpy()), 2),
        "held_out_bits": round(mean_nll_bits(model, test), 2),
    }
    return model.state_dict(), metrics


@torch.no_grad()
def position_bits(model: PositionMADE, boards: np.ndarray) -> np.ndarray:
    """−log2 p(board) under the model for each of `boards`, (n,)."""
    return model.nll_bits(torch.as_tensor(np.asarray(boards), dtype=torch.long)).numpy()


def mean_nll_bits(model: PositionMADE, boards: np.ndarray) -> float:
    return float(position_bits(model, boards).mean())


def load_made() -> PositionMADE:
    """The shipped model, its checkpoint verified by SHA-256."""
    tensors, entry = load_checkpoint(MADE_NAME)
    model = PositionMADE(MadeConfig(**entry["config"]))
    model.load_state_dict(tensors)
    return model.eval()
