"""ARC tasks: loading, validation and the fixed lists the lesson measures on.

The 178 public ARC-AGI-1 training tasks whose grids all fit in 10×10 ship in data/arc/training/
with a SHA256SUMS file; loading a shipped task checks its file against it. Any task file (shipped
or not) is validated: a grid must be a non-empty rectangle of integers 0–9, at most 30×30, and a
task needs at least one train pair and one test input. A malformed file stops with a message
that names the file, the pair and what is wrong.

A grid is a 2-D numpy array of int64 colours (0 is black, the usual background).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course.core.checkpoints import check_shipped_file, read_sha256sums
from course.core.paths import REPO_ROOT, data_dir

N_COLOURS = 10
MAX_SIDE = 30  # ARC's largest grid
SAMPLE_SIZE = 20  # tasks in the bench's fixed sample (without --all)
SAMPLE_SEED = 2025
RESTORE = "Restore it with `git checkout -- data/arc/` (the tasks also sit in ../shared/datasets/arc/)."


class ArcDataError(ValueError):
    """A task file is missing, altered or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Task:
    """One ARC puzzle. `test_outputs` may be None when the answers are unknown (a user's puzzle)."""

    name: str
    train_inputs: tuple[np.ndarray, ...]
    train_outputs: tuple[np.ndarray, ...]
    test_inputs: tuple[np.ndarray, ...]
    test_outputs: tuple[np.ndarray, ...] | None

    @property
    def n_train(self) -> int:
        return len(self.train_inputs)

    def grids(self) -> list[np.ndarray]:
        return [*self.train_inputs, *self.train_outputs, *self.test_inputs, *(self.test_outputs or ())]

    def max_side(self) -> int:
        return max(max(g.shape) for g in self.grids())


def arc_dir() -> Path:
    """data/arc/ under the course data folder (`train --data-dir` moves only checkpoints)."""
    folder = data_dir() / "arc"
    return folder if folder.exists() else REPO_ROOT / "data" / "arc"


def to_grid(rows, where: str = "grid") -> np.ndarray:
    """A list of rows of colours → (H, W) int64 array, or ArcDataError saying what is wrong."""
    if not isinstance(rows, (list, tuple, np.ndarray)) or len(rows) == 0:
        raise ArcDataError(f"{where}: a grid must be a non-empty list of rows, got {type(rows).__name__} {rows!r:.40}")
    if not all(isinstance(row, (list, tuple, np.ndarray)) and len(row) > 0 for row in rows):
        raise ArcDataError(f"{where}: every row must be a non-empty list of colours")
    widths = {len(row) for row in rows}
    if len(widths) != 1:
        raise ArcDataError(f"{where}: rows have different lengths {sorted(widths)}; a grid must be a rectangle")
    try:
        grid = np.array(rows, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ArcDataError(f"{where}: colours must be integers 0–9 ({err})") from err
    if not np.all(np.isfinite(grid)) or not np.all(grid == np.round(grid)):
        raise ArcDataError(f"{where}: colours must be integers 0–9")
    grid = grid.astype(np.int64)
    if grid.min() < 0 or grid.max() >= N_COLOURS:
        raise ArcDataError(f"{where}: colour {int(grid.min() if grid.min() < 0 else grid.max())} is outside 0–9")
    if max(grid.shape) > MAX_SIDE:
        raise ArcDataError(
            f"{where}: grid is {grid.shape[0]}×{grid.shape[1]}; ARC grids are at most {MAX_SIDE}×{MAX_SIDE}"
        )
    return grid


def task_from_dict(raw, name: str = "task") -> Task:
    """Validate a task in ARC's JSON layout ({"train": [{"input", "output"}], "test": [...]})."""
    if not isinstance(raw, dict) or "train" not in raw or "test" not in raw:
        raise ArcDataError(f"{name}: a task is a JSON object with a 'train' and a 'test' list of pairs")
    parts = {}
    for split in ("train", "test"):
        pairs = raw[split]
        if not isinstance(pairs, list) or not pairs:
            raise ArcDataError(f"{name}: '{split}' must be a non-empty list of pairs")
        inputs, outputs = [], []
        for i, pair in enumerate(pairs):
            if not isinstance(pair, dict) or "input" not in pair:
                raise ArcDataError(f"{name}: {split} pair {i} has no 'input' grid")
            inputs.append(to_grid(pair["input"], f"{name}: {split} pair {i} input"))
            if "output" in pair and pair["output"] is not None:
                outputs.append(to_grid(pair["output"], f"{name}: {split} pair {i} output"))
            elif split == "train":
                raise ArcDataError(f"{name}: train pair {i} has no 'output' grid; every train pair needs one")
        if split == "test" and outputs and len(outputs) != len(inputs):
            raise ArcDataError(f"{name}: some test pairs have an output and some do not; give all or none")
        parts[split] = (tuple(inputs), tuple(outputs) if outputs else None)
    train_outputs = parts["train"][1]
    assert train_outputs is not None  # every train pair has an output (checked above)
    return Task(name, parts["train"][0], train_outputs, parts["test"][0], parts["test"][1])


def load_task_file(path: Path | str) -> Task:
    """Read and validate one task file (any location; shipped files are checked by `load_task`)."""
    path = Path(path)
    if not path.exists():
        raise ArcDataError(f"ARC task file {path} is missing")
    try:
        raw = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ArcDataError(
            f"{path}: not valid JSON ({err.msg} at line {err.lineno}); an ARC task is a JSON object"
        ) from err
    return task_from_dict(raw, path.stem)


@functools.lru_cache(maxsize=1)
def _expected_sums(folder: Path) -> dict[str, str]:
    sums = folder / "SHA256SUMS"
    if not sums.exists():
        raise ArcDataError(f"{sums} is missing, so the ARC tasks cannot be checked. {RESTORE}")
    return read_sha256sums(sums)


def task_names() -> list[str]:
    """The shipped tasks (the 178 small training tasks), sorted by id."""
    expected = _expected_sums(arc_dir())
    return sorted(Path(rel).stem for rel in expected if rel.startswith("training/"))


def sample_names(size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED) -> list[str]:
    """The bench's fixed sample: `size` shipped tasks drawn once with a fixed seed, sorted."""
    names = task_names()
    picked = np.random.default_rng(seed).choice(len(names), size=min(size, len(names)), replace=False)
    return sorted(names[i] for i in picked)


@functools.cache
def load_task(name: str) -> Task:
    """A shipped task by id (e.g. "a699fb00"), checked against data/arc/SHA256SUMS."""
    folder = arc_dir()
    rel = f"training/{name}.json"
    expected = _expected_sums(folder)
    if rel not in expected:
        raise ArcDataError(
            f"unknown ARC task {name!r}: data/arc/ ships the {len(task_names())} small training "
            f"tasks (see `course.arc.data.task_names()`); load other files with `load_task_file`"
        )
    path = folder / rel
    check_shipped_file(
        path, expected[rel], what="ARC task file", shipped_as=f"data/arc/{rel}", restore=RESTORE, error=ArcDataError
    )
    return load_task_file(path)
