"""Lesson 05's shipped record and its complete config. The solver has no shipped weights: it
learns each puzzle anew (`solver.SolverConfig`); what ships is the record of a few runs."""

from course.arc.runs import RUN_TASKS, RUNS_NAME, RunsConfig, train_runs
from course.core.registry import ModelSpec

ARC_RUNS = RunsConfig(tasks=RUN_TASKS, steps=400, log_every=10, seed=0)

MODELS = [
    ModelSpec(
        RUNS_NAME, "recorded solver runs on six ARC tasks (guesses and bits every 10 steps)", ARC_RUNS, train_runs
    ),
]
