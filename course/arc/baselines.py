"""Two baselines for the compression solver: copy the input, and a small hand-written DSL search.

The DSL tries every program `colour map ∘ shape op ∘ symmetry` over a fixed list of shape ops
(tilings, mirrored tilings, scalings, crops to content, object or colour, halves) and the eight
symmetries of the square. A
program is consistent when, for every train pair, its output has the train output's shape and a
single colour map (the same across pairs) turns one into the other. The first two consistent
programs (in the order listed: simplest first) that give distinct test outputs are the two
attempts.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage

from course.arc.data import MAX_SIDE, Task

Grid = np.ndarray
Program = tuple[str, Callable[[Grid], Grid | None]]

SYMMETRIES: list[Program] = [
    ("identity", lambda g: g),
    ("rot90", lambda g: np.rot90(g, 1)),
    ("rot180", lambda g: np.rot90(g, 2)),
    ("rot270", lambda g: np.rot90(g, 3)),
    ("flip_lr", np.fliplr),
    ("flip_ud", np.flipud),
    ("transpose", lambda g: g.T),
    ("antitranspose", lambda g: np.rot90(g, 2).T),
]


def copy_input(task: Task) -> list[list[Grid]]:
    """One attempt per test input: the input itself."""
    return [[g.copy()] for g in task.test_inputs]


def _crop(g: Grid, mask: np.ndarray) -> Grid | None:
    if not mask.any():
        return None
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    return g[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _largest_object(g: Grid) -> Grid | None:
    labels, n = ndimage.label(g != 0, structure=np.ones((3, 3)))
    if n == 0:
        return None
    sizes = ndimage.sum(np.ones_like(g), labels, index=range(1, n + 1))
    return _crop(g, labels == 1 + int(np.argmax(sizes)))


def _colour_crop(g: Grid, rarest: bool) -> Grid | None:
    colours, counts = np.unique(g[g != 0], return_counts=True)
    if len(colours) == 0:
        return None
    colour = colours[np.argmin(counts) if rarest else np.argmax(counts)]
    return _crop(g, g == colour)


def _halves(g: Grid, axis: int) -> tuple[Grid, Grid] | None:
    """Two halves of g along axis, split by a one-colour separator line or by the middle."""
    n = g.shape[axis]
    if n % 2 == 1:
        mid = n // 2
        line = g[mid] if axis == 0 else g[:, mid]
        if len(np.unique(line)) != 1:
            return None
        first, second = (g[:mid], g[mid + 1 :]) if axis == 0 else (g[:, :mid], g[:, mid + 1 :])
    else:
        first, second = (g[: n // 2], g[n // 2 :]) if axis == 0 else (g[:, : n // 2], g[:, n // 2 :])
    return first, second


def _tile(a: int, b: int) -> Callable[[Grid], Grid | None]:
    return lambda g: np.tile(g, (a, b))


def _scale(k: int) -> Callable[[Grid], Grid | None]:
    return lambda g: np.kron(g, np.ones((k, k), dtype=g.dtype))


def _shrink(k: int) -> Callable[[Grid], Grid | None]:
    return lambda g: g[::k, ::k] if g.shape[0] % k == 0 and g.shape[1] % k == 0 else None


def _shape_ops() -> list[Program]:
    ops: list[Program] = [("same", lambda g: g)]
    for a in range(1, 4):
        for b in range(1, 4):
            if (a, b) != (1, 1):
                ops.append((f"tile{a}x{b}", _tile(a, b)))
    for k in (2, 3, 4):
        ops.append((f"scale{k}", _scale(k)))
        ops.append((f"shrink{k}", _shrink(k)))
    ops += [
        ("mirror_tile", lambda g: np.block([[g, np.fliplr(g)], [np.flipud(g), np.rot90(g, 2)]])),
        ("mirror_lr", lambda g: np.hstack([g, np.fliplr(g)])),
        ("mirror_ud", lambda g: np.vstack([g, np.flipud(g)])),
        ("self_kron", lambda g: np.kron(g != 0, g) if g.size <= 25 else None),
        ("crop_content", lambda g: _crop(g, g != 0)),
        ("crop_largest_object", _largest_object),
        ("crop_rarest_colour", lambda g: _colour_crop(g, rarest=True)),
        ("crop_commonest_colour", lambda g: _colour_crop(g, rarest=False)),
        ("top_half", lambda g: (_halves(g, 0) or (None,))[0]),
        ("left_half", lambda g: (_halves(g, 1) or (None,))[0]),
    ]
    return ops


SHAPE_OPS = _shape_ops()


def _fit_colour_map(pairs: list[tuple[Grid, Grid]]) -> dict[int, int] | None:
    """One map colour → colour turning every produced grid into its target, or None."""
    mapping: dict[int, int] = {}
    for produced, target in pairs:
        if produced.shape != target.shape:
            return None
        for src, dst in zip(produced.ravel().tolist(), target.ravel().tolist()):
            if mapping.setdefault(src, dst) != dst:
                return None
    return mapping


def _apply(program: list[Program], g: Grid) -> Grid | None:
    for _, fn in program:
        out = fn(g)
        if out is None or out.size == 0 or max(out.shape) > MAX_SIDE:
            return None
        g = out
    return np.ascontiguousarray(g)


def dsl_programs(task: Task, limit: int = 2) -> list[tuple[str, list[Grid]]]:
    """Up to `limit` consistent programs with distinct test outputs: (name, one grid per test input)."""
    found: list[tuple[str, list[Grid]]] = []
    seen: set[bytes] = set()
    for shape_name, shape_fn in SHAPE_OPS:
        for sym_name, sym_fn in SYMMETRIES:
            program = [(sym_name, sym_fn), (shape_name, shape_fn)]
            produced = [p for p in (_apply(program, g) for g in task.train_inputs) if p is not None]
            if len(produced) != len(task.train_inputs):
                continue
            mapping = _fit_colour_map(list(zip(produced, task.train_outputs)))
            if mapping is None:
                continue
            answers = []
            for g in task.test_inputs:
                out = _apply(program, g)
                if out is None:
                    break
                answers.append(np.vectorize(lambda c, mapping=mapping: mapping.get(c, c), otypes=[np.int64])(out))
            if len(answers) != len(task.test_inputs):
                continue
            key = b"".join(a.tobytes() + bytes(a.shape) for a in answers)
            if key in seen:
                continue
            seen.add(key)
            found.append((f"{sym_name} → {shape_name} → colour map", answers))
            if len(found) == limit:
                return found
    return found


def dsl_search(task: Task) -> list[list[Grid]]:
    """Per test input, up to two attempts from the DSL (empty lists when nothing fits)."""
    programs = dsl_programs(task, limit=2)
    return [[answers[i] for _, answers in programs] for i in range(len(task.test_inputs))]


def is_solved(task: Task, attempts: list[list[Grid]]) -> bool:
    """ARC's rule: every test output must equal one of (at most two) attempts for it."""
    if task.test_outputs is None:
        raise ValueError(f"task {task.name} has no test outputs to score against")
    if len(attempts) != len(task.test_outputs):
        raise ValueError(f"{len(attempts)} attempt lists for {len(task.test_outputs)} test inputs")
    return all(
        any(a.shape == truth.shape and np.array_equal(a, truth) for a in tries[:2])
        for tries, truth in zip(attempts, task.test_outputs)
    )
