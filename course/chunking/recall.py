"""The 5-second recall task, simulated.

The learner looks at a board for 5 seconds, one glance (fixation) every quarter second. Each glance
lands on a piece it has not yet encoded — the nearest one to the last glance, as eyes mostly make
short jumps — and it recognises, in its 5×5 field of view, the unit that piece belongs to: a chunk
it knows, or just the lone piece. Each unit goes into short-term memory (STM):

* STM has about 7 slots (Miller 1956; Chase & Simon 1973) and is a queue: when it overflows, the
  oldest units are forgotten first.
* A chunk takes one slot, whatever its size: it is one pointer to a familiar pattern.
* A lone piece that belongs to no chunk is not one familiar thing but two — the piece and the
  square it stands on — so it takes two slots.

Then the board is gone and the learner places the pieces of every unit still in STM. The score is
the share of the board's pieces placed correctly, as Chase & Simon scored it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.chunking.chunks import ChunkVocabulary, in_view, unit_of
from course.chunking.data import board_items

STM_SLOTS = 7
LONE_PIECE_SLOTS = 2
CHUNK_SLOTS = 1
EXPOSURE_SECONDS = 5.0
FIXATION_SECONDS = 0.25  # a typical fixation while scanning a chess board
VIEW_RADIUS = 2


def n_glances(exposure_seconds: float = EXPOSURE_SECONDS) -> int:
    return int(round(exposure_seconds / FIXATION_SECONDS))


def slots_needed(unit, lone_slots: int = LONE_PIECE_SLOTS) -> int:
    return CHUNK_SLOTS if len(unit) > 1 else lone_slots


def remember(units, slots: int = STM_SLOTS, lone_slots: int = LONE_PIECE_SLOTS) -> list:
    """What a queue-like STM holds after `units` arrive in order: each new unit pushes out the
    oldest ones until everything fits in `slots`."""
    kept: list = []
    for unit in units:
        kept.append(unit)
        while sum(slots_needed(u, lone_slots) for u in kept) > slots:
            kept.pop(0)
    return kept


def next_fixation(items, encoded: set, previous: int | None, rng: np.random.Generator) -> int | None:
    """The not-yet-encoded piece nearest (in king steps) to the last fixation; ties at random."""
    left = [i for i in items if i not in encoded]
    if not left:
        return None
    if previous is None:
        return int(rng.choice(left))
    px, py = previous % 64 % 8, previous % 64 // 8
    distance = np.array([max(abs(i % 64 % 8 - px), abs(i % 64 // 8 - py)) for i in left])
    return int(rng.choice(np.array(left)[distance == distance.min()]))


@dataclass
class RecallTrial:
    fixations: list[int]  # the fixated items, in order
    seen: list[frozenset]  # the unit recognised at each glance
    kept: list[frozenset]  # what STM still holds when the board is removed
    placed: frozenset  # the pieces put back on the board
    n_pieces: int

    @property
    def share(self) -> float:
        return len(self.placed) / self.n_pieces


def simulate_recall(
    vocabulary: ChunkVocabulary,
    board: np.ndarray,
    rng: np.random.Generator,
    glances: int | None = None,
    slots: int = STM_SLOTS,
) -> RecallTrial:
    """One 5-second presentation of `board` to a learner who knows `vocabulary`."""
    items = board_items(board)
    glances = n_glances() if glances is None else glances
    fixation: int | None = None
    encoded: set[int] = set()
    fixations: list[int] = []
    seen: list[frozenset] = []
    for _ in range(glances):
        fixation = next_fixation(items, encoded, fixation, rng)
        if fixation is None:
            break  # every piece is encoded already
        unit = unit_of(vocabulary.parse(in_view(items, fixation, VIEW_RADIUS)), fixation)
        fixations.append(fixation)
        seen.append(unit)
        encoded |= unit
    kept = remember(seen, slots)
    placed = frozenset().union(*kept) if kept else frozenset()
    return RecallTrial(fixations, seen, kept, placed & frozenset(items), len(items))


def mean_recall(vocabulary: ChunkVocabulary, boards: np.ndarray, seed: int = 0, **kwargs) -> float:
    """Average share of pieces recalled over `boards` (one seeded trial each)."""
    rng = np.random.default_rng(seed)
    return float(np.mean([simulate_recall(vocabulary, board, rng, **kwargs).share for board in boards]))
