"""Recorded solver runs for the notebook: what the solver guessed and how many bits the puzzle
cost, every few steps, on a handful of tasks.

The solver trains a fresh network per puzzle, so there are no weights to ship; what ships is the
record of its runs (`data/checkpoints/arc_runs.safetensors`), so the notebook can tell the story
in seconds. `python -m course train arc_runs` reruns them: a fixed number of steps (not a time
budget) and a fixed seed, so the same machine gives the same record.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import torch

from course.arc.baselines import copy_input, dsl_search, is_solved
from course.arc.data import load_task
from course.arc.solver import SolverConfig, solve
from course.core.checkpoints import load_checkpoint
from course.core.progress import progress

RUNS_NAME = "arc_runs"
# Puzzles the solver gets within 400 steps (a699fb00, d037b0a7, bc1d5164) and ones it misses.
RUN_TASKS = ("a699fb00", "d037b0a7", "bc1d5164", "5582e5ca", "60b61512", "1f0c79e5")
FIELDS = ("step", "seconds", "rate_bits", "outputs_bits", "answer_bits", "train_cells_wrong")


@dataclass
class RunsConfig:
    """Which solver runs are recorded, and how (the shipped record: preset `arc_runs` in `arc/presets.yaml`)."""

    tasks: tuple[str, ...] = RUN_TASKS  # ARC task names, one solver run each
    steps: int = 400  # solver steps per task (a step count, never a time budget)
    log_every: int = 10  # steps between recorded guesses and bits
    seed: int = 0  # the solver's seed on every task

    def smoke(self) -> RunsConfig:
        """Two tasks, 20 steps each, for tests and `train --quick`."""
        return replace(self, tasks=self.tasks[:2], steps=20, log_every=5)


def _pad(grids: list, side: int) -> np.ndarray:
    """Grids of any shapes → (n, side, side) int8, −1 outside each grid."""
    out = np.full((len(grids), side, side), -1, np.int8)
    for i, g in enumerate(grids):
        g = np.asarray(g)
        out[i, : g.shape[0], : g.shape[1]] = g
    return out


def train_runs(cfg: RunsConfig) -> tuple[dict, dict]:
    tensors, solved = {}, []
    for name in progress(cfg.tasks, desc="recording solver runs"):
        task = load_task(name)
        result = solve(
            task,
            SolverConfig(
                seconds=float("inf"), max_steps=cfg.steps, patience=10**9, log_every=cfg.log_every, seed=cfg.seed
            ),
        )
        for key in FIELDS:
            tensors[f"{name}/{key}"] = torch.tensor([h[key] for h in result.history], dtype=torch.float32)
        # guesses: (records, test inputs, 10, 10); attempts: (test inputs, 2, 10, 10); −1 = outside
        side = max(10, max(max(np.shape(g)) for h in result.history for g in h["guess"]))
        tensors[f"{name}/guess"] = torch.from_numpy(np.stack([_pad(h["guess"], side) for h in result.history]))
        tries = [(list(t) + [t[-1]] * 2)[:2] if t else [np.zeros((1, 1), int)] * 2 for t in result.attempts]
        tensors[f"{name}/attempts"] = torch.from_numpy(np.stack([_pad(t, side) for t in tries]))
        if is_solved(task, result.attempts):
            solved.append(name)
    return tensors, {"tasks": len(cfg.tasks), "solved": solved}


@dataclass
class Run:
    task: str
    curves: dict[str, np.ndarray]  # FIELDS → (records,)
    guesses: list[list[np.ndarray]]  # per record, one grid per test input
    attempts: list[list[np.ndarray]]  # per test input, two grids
    solved: bool = field(default=False)


def _unpad(grid: np.ndarray) -> np.ndarray:
    rows, cols = int((grid[:, 0] >= 0).sum()), int((grid[0] >= 0).sum())
    return grid[:rows, :cols].astype(np.int64)


def load_runs() -> dict[str, Run]:
    """The shipped runs, by task id (checked against the manifest's SHA-256)."""
    tensors, entry = load_checkpoint(RUNS_NAME)
    runs = {}
    for name in entry["config"]["tasks"]:
        curves = {key: tensors[f"{name}/{key}"].numpy() for key in FIELDS}
        guesses = [[_unpad(g) for g in record] for record in tensors[f"{name}/guess"].numpy()]
        attempts = [[_unpad(g) for g in tries] for tries in tensors[f"{name}/attempts"].numpy()]
        task = load_task(name)
        runs[name] = Run(name, curves, guesses, attempts, is_solved(task, attempts))
    return runs


def baseline_outcomes(name: str) -> dict[str, bool]:
    task = load_task(name)
    return {"copy": is_solved(task, copy_input(task)), "dsl": is_solved(task, dsl_search(task))}
