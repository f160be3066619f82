"""The lesson's benchmark: the compression solver against copy-the-input and the DSL search."""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

from course.arc.baselines import copy_input, dsl_search, is_solved
from course.arc.data import load_task, sample_names, task_names
from course.arc.solver import SolverConfig, solve
from course.core.files import append_line, read_jsonl
from course.core.paths import build_dir
from course.core.progress import progress

BENCH_SECONDS = 110.0  # solver budget per task: with set-up and scoring, each task stays under 120 s
QUICK_TASKS = ("a699fb00", "d037b0a7")  # two small tasks the solver gets within a few seconds
QUICK_SECONDS = 6.0


def task_outcome(name: str, cfg: SolverConfig) -> dict:
    """Solve one task with the three methods: whether each got it, and the solver's time and speed.

    The bench gives the solver a wall-clock budget per task (`cfg.seconds`), so its outcome depends
    on the machine's speed; `cut_by_time_limit` says when the budget, not the step count or the
    solver's own patience, ended the run."""
    task = load_task(name)
    start = time.perf_counter()
    result = solve(task, cfg)
    return {
        "task": name,
        "seconds": round(time.perf_counter() - start, 2),
        "cut_by_time_limit": result.seconds >= cfg.seconds and result.steps < cfg.max_steps * cfg.restarts,
        "steps_per_second": round(result.steps_per_second, 2),
        "compression": is_solved(task, result.attempts),
        "copy": is_solved(task, copy_input(task)),
        "dsl": is_solved(task, dsl_search(task)),
    }


def _outcomes(names: list[str], cfg: SolverConfig, workers: int) -> Iterator[dict]:
    """Each task's outcome as it ends: one task at a time, or `workers` at a time in as many
    processes (one task per core: each keeps its whole budget of wall time on its own core)."""
    if workers <= 1:
        yield from (task_outcome(name, cfg) for name in names)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for future in as_completed([pool.submit(task_outcome, name, cfg) for name in names]):
            yield future.result()


def _is_outcome(record: dict) -> bool:
    """Whether a journal record holds a whole task outcome (what `task_outcome` returns)."""
    flags = all(isinstance(record.get(key), bool) for key in ("compression", "copy", "dsl"))
    numbers = all(
        isinstance(record.get(key), (int, float)) and not isinstance(record.get(key), bool)
        for key in ("seconds", "steps_per_second")
    )
    return isinstance(record.get("task"), str) and flags and numbers


def run_tasks(names: list[str], cfg: SolverConfig, workers: int = 1, journal: Path | None = None) -> dict:
    """Solve each task with the three methods; return the bench's figures.

    With a `journal`, each task's outcome is appended to it as soon as the task ends, and tasks
    it already holds for the same solver settings are not solved again: a long run that was
    stopped goes on where it stopped."""
    settings = json.loads(json.dumps(asdict(cfg)))  # as a journal line reads back (tuples as lists)
    done: dict[str, dict] = {}
    if journal is not None:  # a line a killed run left cut off is dropped (and solved again)
        for record in read_jsonl(journal):
            if record.get("settings") == settings and _is_outcome(record):
                done[record["task"]] = record
    todo = [name for name in names if name not in done]
    bar = progress(total=len(names), initial=len(names) - len(todo), desc="ARC tasks")
    for outcome in _outcomes(todo, cfg, workers):
        done[outcome["task"]] = outcome
        if journal is not None:  # one whole line per task, on disk before the next task starts
            append_line(journal, json.dumps({**outcome, "settings": settings}))
        bar.update(1)
    bar.close()
    outcomes = [done[name] for name in names]
    return {
        "tasks_tried": len(names),
        "solved_compression": sum(o["compression"] for o in outcomes),
        "solved_copy": sum(o["copy"] for o in outcomes),
        "solved_dsl": sum(o["dsl"] for o in outcomes),
        "seconds_per_task": round(statistics.mean(o["seconds"] for o in outcomes), 2),
        "steps_per_second": round(statistics.median(o["steps_per_second"] for o in outcomes), 2),
    }


def journal_path(all_tasks: bool) -> Path:
    """Where `bench arc` records each task's outcome as it ends (`--resume` goes on from it)."""
    return build_dir() / "bench" / f"arc_{'all' if all_tasks else 'sample'}_tasks.jsonl"


def bench(
    quick: bool = False, all_tasks: bool = False, seconds: float | None = None, workers: int = 1, resume: bool = False
) -> dict:
    """`python -m course bench arc`: the fixed sample of 20 small tasks, `--all` all 178,
    `--quick` two tasks with a few seconds each (for tests). `workers` tasks are solved at once,
    each in its own process on its own core. Each task's outcome goes to `journal_path` as it
    ends; `resume` keeps the outcomes already there (same solver settings) instead of starting over."""
    if not 1 <= workers <= (os.cpu_count() or 1):
        raise ValueError(
            f"--workers {workers}: give 1 … {os.cpu_count() or 1} (one task per core; this machine's cores)"
        )
    if quick:
        return run_tasks(list(QUICK_TASKS), SolverConfig(seconds=seconds or QUICK_SECONDS), workers)
    names = task_names() if all_tasks else sample_names()
    journal = journal_path(all_tasks)
    if not resume:
        journal.unlink(missing_ok=True)
    return run_tasks(names, SolverConfig(seconds=seconds or BENCH_SECONDS), workers, journal)
