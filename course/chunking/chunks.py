"""A chunk learner in the spirit of EPAM/CHREST: it looks at master positions and slowly builds a
vocabulary of familiar piece-on-square patterns.

How it studies a position. It fixates each piece once, in random order. Around a fixation it sees a
5×5 field of view (two king steps each way, CHREST's parafovea). It recognises what it can in that
view with the chunks it already knows (`ChunkVocabulary.parse`), then notices pairs: the unit under
its eye together with each other unit in view that is *related* to it — adjacent, attacking or
defending, the relations Chase & Simon found between the pieces of a chunk. A pair noticed in
`theta` different games becomes a new chunk. So a chunk is built from two smaller familiar units,
chunks grow into larger ones, and only patterns that recur from game to game are kept.

Expertise is the number of positions studied. Chunks are only ever added, so one learner's
career holds every level: the vocabulary after N positions is the chunks learned by then.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from course.chunking.data import N_ITEMS, board_items, learning_boards, load_games, split_games, to_chess_board
from course.core.checkpoints import load_checkpoint
from course.core.progress import progress

CHUNKS_NAME = "chess_chunks"

# Named levels (positions studied). A novice has seen a few games, a class-A player a hundred,
# the master every learning game (about 680 games, 21,000 positions).
EXPERTISE = {"novice": 100, "class A": 3000, "master": None}


@dataclass
class ChunkConfig:
    """The chunk learner and the snapshots it ships (the shipped one: preset `chess_chunks` in `chunking/presets.yaml`)."""

    theta: int = 2  # a pattern becomes a chunk once it has been noticed in this many games
    view_radius: int = 2  # field of view: squares within 2 king steps of the fixation (5×5)
    levels: tuple = (0, 30, 100, 300, 1000, 3000, 10000, None)  # snapshots; None = all studied
    max_positions: int | None = None  # None = every learning position
    code_positions: int = 5000  # studied positions parsed to estimate each level's code
    seed: int = 0  # seeds the order of study and the glances

    def smoke(self) -> ChunkConfig:
        """A learner that studies 400 positions, for tests and `train --quick`."""
        return replace(self, levels=(0, 30, 100, None), max_positions=400, code_positions=200)


# ---------------------------------------------------------------- recognising chunks


class ChunkVocabulary:
    """Chunks (frozensets of items) in the order they were learned. Earlier chunks are
    recognised first, as a learner's oldest, most practised patterns are."""

    def __init__(self, chunks: Iterable[frozenset] = ()) -> None:
        self.chunks: list[frozenset] = []
        self.rank: dict[frozenset, int] = {}
        for chunk in chunks:
            self.add(chunk)

    def __len__(self) -> int:
        return len(self.chunks)

    def __contains__(self, pattern) -> bool:
        return pattern in self.rank

    def add(self, chunk) -> None:
        chunk = frozenset(chunk)
        if len(chunk) < 2:
            raise ValueError("a chunk joins at least two pieces")
        if chunk not in self.rank:
            self.rank[chunk] = len(self.chunks)
            self.chunks.append(chunk)

    def parse(self, items) -> list[frozenset]:
        """Group `items` into units: start from single pieces and keep joining the two units whose
        union is the oldest known chunk, until no two units make a chunk. Returns the units."""
        units = {k: frozenset([item]) for k, item in enumerate(items)}
        heap: list[tuple[int, int, int]] = []

        def offer(a: int, others) -> None:  # every chunk unit `a` makes with another live unit
            for b in others:
                rank = self.rank.get(units[a] | units[b])
                if rank is not None:
                    heapq.heappush(heap, (rank, min(a, b), max(a, b)))

        keys = list(units)
        for i, a in enumerate(keys):
            offer(a, keys[i + 1 :])
        next_key = len(keys)
        while heap:
            _, a, b = heapq.heappop(heap)
            if a not in units or b not in units:
                continue  # one side was already joined into something else
            units[next_key] = units.pop(a) | units.pop(b)
            offer(next_key, [k for k in units if k != next_key])
            next_key += 1
        return list(units.values())


def in_view(items, fixation: int, radius: int) -> list[int]:
    """The items within `radius` king steps of the fixated item's square."""
    fx, fy = fixation % 64 % 8, fixation % 64 // 8
    return [i for i in items if max(abs(i % 64 % 8 - fx), abs(i % 64 // 8 - fy)) <= radius]


def unit_of(units, item: int) -> frozenset:
    return next(u for u in units if item in u)


# ---------------------------------------------------------------- relations between pieces


def reach_masks(board: np.ndarray) -> dict[int, int]:
    """For each occupied square, a bitboard of the squares it is related to: its neighbours and
    the squares its piece attacks or defends (python-chess attack maps, blockers included)."""
    import chess

    position = to_chess_board(board)
    return {int(s): int(position.attacks_mask(int(s))) | chess.BB_KING_ATTACKS[int(s)] for s in np.flatnonzero(board)}


def related(a: frozenset, b: frozenset, reach: dict[int, int]) -> bool:
    """True if some piece of `a` and some piece of `b` are adjacent, or one attacks/defends the other."""
    squares_a = sum(1 << (i % 64) for i in a)
    squares_b = sum(1 << (i % 64) for i in b)
    return any(reach[i % 64] & squares_b for i in a) or any(reach[i % 64] & squares_a for i in b)


# ---------------------------------------------------------------- learning


@dataclass
class ChunkLearner:
    theta: int = 2
    view_radius: int = 2
    vocabulary: ChunkVocabulary = field(default_factory=ChunkVocabulary)
    born: list[int] = field(default_factory=list)  # positions studied when each chunk was learned
    studied: int = 0
    noticed: Counter = field(default_factory=Counter)  # pattern -> games it was noticed in
    _this_game: set = field(default_factory=set)

    def start_game(self) -> None:
        self._this_game = set()  # a pattern counts once per game: chunks must recur across games

    def study(self, board: np.ndarray, rng: np.random.Generator) -> None:
        items = board_items(board)
        reach = reach_masks(board)
        for fixation in rng.permutation(items):
            units = self.vocabulary.parse(in_view(items, int(fixation), self.view_radius))
            focus = unit_of(units, int(fixation))
            for other in units:
                if other is not focus and related(focus, other, reach):
                    self._notice(focus | other)
        self.studied += 1

    def _notice(self, pattern: frozenset) -> None:
        if pattern in self.vocabulary or pattern in self._this_game:
            return
        self._this_game.add(pattern)
        self.noticed[pattern] += 1
        if self.noticed[pattern] >= self.theta:
            del self.noticed[pattern]
            self.vocabulary.add(pattern)
            self.born.append(self.studied + 1)


# ---------------------------------------------------------------- a learner's career, saved


def pack_chunks(chunks) -> torch.Tensor:
    """Chunks -> (n, max size) int16 tensor of items, padded with -1 (safetensors: no pickles)."""
    width = max((len(c) for c in chunks), default=1)
    out = torch.full((len(chunks), width), -1, dtype=torch.int16)
    for row, chunk in enumerate(chunks):
        out[row, : len(chunk)] = torch.tensor(sorted(chunk), dtype=torch.int16)
    return out


def unpack_chunks(packed: torch.Tensor) -> list[frozenset]:
    return [frozenset(int(i) for i in row if i >= 0) for row in packed.tolist()]


def n_learned(born: np.ndarray, positions: int) -> int:
    """How many chunks a learner knew after studying `positions` positions."""
    return int(np.searchsorted(born, positions, side="right"))


@dataclass
class ChunkLevels:
    """Every expertise level of one learner: chunks in learning order and each one's birth."""

    chunks: list[frozenset]
    born: np.ndarray  # (n,) positions studied when each chunk was learned (non-decreasing)
    levels: np.ndarray  # (L,) positions studied at each snapshot
    code_counts: np.ndarray  # (L, n + 768 + 1) symbol uses when each level parses studied positions
    _cache: dict = field(default_factory=dict, repr=False)

    def level_of(self, expertise) -> int:
        """A snapshot (positions studied) from a name in EXPERTISE or a number of positions."""
        wanted = EXPERTISE[expertise] if isinstance(expertise, str) else expertise
        if wanted is None:
            return int(self.levels[-1])
        return int(self.levels[self.levels <= wanted].max())

    def n_chunks(self, expertise) -> int:
        return n_learned(self.born, self.level_of(expertise))

    def vocabulary(self, expertise) -> ChunkVocabulary:
        level = self.level_of(expertise)
        if level not in self._cache:
            self._cache[level] = ChunkVocabulary(self.chunks[: self.n_chunks(level)])
        return self._cache[level]

    def counts(self, expertise) -> np.ndarray:
        """Symbol counts of this level: its chunks, then the 768 lone items, then end-of-board."""
        row = int(np.flatnonzero(self.levels == self.level_of(expertise))[0])
        n = self.n_chunks(expertise)
        counts = self.code_counts[row]
        return np.concatenate([counts[:n], counts[len(self.chunks) :]])


def symbol_index(unit: frozenset, vocabulary: ChunkVocabulary) -> int:
    """The code symbol of a parsed unit: chunk rank, or n_chunks + item for a lone piece."""
    if len(unit) > 1:
        return vocabulary.rank[unit]
    return len(vocabulary) + next(iter(unit))


def count_symbols(vocabulary: ChunkVocabulary, boards: np.ndarray, width: int) -> np.ndarray:
    """How often each symbol is used when `vocabulary` parses `boards`. Laid out as
    [chunk 0 … width−1 | lone item 0 … 767 | end of board], so every level shares one layout."""
    counts = np.zeros(width + N_ITEMS + 1, dtype=np.int64)
    for board in boards:
        for unit in vocabulary.parse(board_items(board)):
            counts[vocabulary.rank[unit] if len(unit) > 1 else width + next(iter(unit))] += 1
        counts[-1] += 1
    return counts


def train_chunks(config: ChunkConfig) -> tuple[dict, dict]:
    """Study every learning position in game order; snapshot the code at each level."""
    rng = np.random.default_rng(config.seed)
    learn, _ = split_games(load_games())
    studied = learning_boards(learn)
    total = len(studied) if config.max_positions is None else min(len(studied), config.max_positions)
    levels = sorted({min(level if level is not None else total, total) for level in config.levels})
    learner = ChunkLearner(config.theta, config.view_radius)
    bar = progress(total=total, desc="study positions")
    for game in learn:
        if learner.studied >= total:
            break
        learner.start_game()
        for board in game.boards[: total - learner.studied]:
            learner.study(board, rng)
            bar.update()
        bar.set_postfix(chunks=len(learner.vocabulary))
    bar.close()
    chunks = learner.vocabulary.chunks
    born = np.array(learner.born, dtype=np.int64)
    code_counts = []
    for level in progress(levels, desc="estimate codes"):
        vocabulary = ChunkVocabulary(chunks[: n_learned(born, level)])
        sample = np.sort(rng.choice(level, size=min(level, config.code_positions), replace=False))
        code_counts.append(count_symbols(vocabulary, studied[sample], len(chunks)))
    tensors = {
        "chunks": pack_chunks(chunks),
        "born": torch.from_numpy(born),
        "levels": torch.tensor(levels, dtype=torch.int64),
        "code_counts": torch.from_numpy(np.stack(code_counts).astype(np.int32)),
    }
    sizes = np.array([len(c) for c in chunks]) if chunks else np.zeros(1)
    metrics = {
        "positions_studied": total,
        "chunks": len(chunks),
        "chunks_per_level": {str(level): n_learned(born, level) for level in levels},
        "mean_chunk_size": round(float(sizes.mean()), 2),
        "largest_chunk": int(sizes.max()),
    }
    return tensors, metrics


def load_chunk_levels() -> ChunkLevels:
    """The shipped learner's career (checkpoint verified by SHA-256)."""
    tensors, _ = load_checkpoint(CHUNKS_NAME)
    return ChunkLevels(
        chunks=unpack_chunks(tensors["chunks"]),
        born=tensors["born"].numpy(),
        levels=tensors["levels"].numpy(),
        code_counts=tensors["code_counts"].numpy().astype(np.int64),
    )
