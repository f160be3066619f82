"""The lesson's benchmark: the compression solver against copy-the-input and the DSL search."""

from __future__ import annotations

import statistics
import time
from typing import Callable

from course.arc.baselines import copy_input, dsl_search, is_solved
from course.arc.data import load_task, sample_names, task_names
from course.arc.solver import SolveResult, SolverConfig, solve
from course.core.progress import progress

BENCH_SECONDS = 110.0  # solver budget per task: with set-up and scoring, each task stays under 120 s
QUICK_TASKS = ("a699fb00", "d037b0a7")  # two small tasks the solver gets within a few seconds
QUICK_SECONDS = 6.0


def run_tasks(names: list[str], cfg: SolverConfig,
              on_task: Callable[[str, SolveResult, dict], None] | None = None) -> dict:
    """Solve each task with the three methods; return the bench's figures."""
    solved = {"compression": 0, "copy": 0, "dsl": 0}
    seconds, rates = [], []
    for name in progress(names, desc="ARC tasks"):
        task = load_task(name)
        start = time.perf_counter()
        result = solve(task, cfg)
        seconds.append(time.perf_counter() - start)
        rates.append(result.steps_per_second)
        outcome = {
            "compression": is_solved(task, result.attempts),
            "copy": is_solved(task, copy_input(task)),
            "dsl": is_solved(task, dsl_search(task)),
        }
        for method, ok in outcome.items():
            solved[method] += ok
        if on_task is not None:
            on_task(name, result, outcome)
    return {
        "tasks_tried": len(names),
        "solved_compression": solved["compression"],
        "solved_copy": solved["copy"],
        "solved_dsl": solved["dsl"],
        "seconds_per_task": round(statistics.mean(seconds), 2),
        "steps_per_second": round(statistics.median(rates), 2),
    }


def bench(quick: bool = False, all_tasks: bool = False, seconds: float | None = None) -> dict:
    """`python -m course bench arc`: the fixed sample of 20 small tasks, `--all` all 178,
    `--quick` two tasks with a few seconds each (for tests)."""
    if quick:
        names, budget = list(QUICK_TASKS), QUICK_SECONDS
    else:
        names, budget = (task_names() if all_tasks else sample_names()), BENCH_SECONDS
    return run_tasks(names, SolverConfig(seconds=seconds or budget))
