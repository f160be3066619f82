"""Lesson 05's shipped record. The solver has no shipped weights: it learns each puzzle anew
(`solver.SolverConfig`); what ships is the record of a few runs, whose complete config is in
`presets.yaml`, beside this file."""

from course.arc.runs import RUNS_NAME, RunsConfig, train_runs
from course.core.presets import read_presets
from course.core.registry import ModelSpec

PRESETS = read_presets(__file__, RunsConfig)

MODELS = [
    ModelSpec(
        RUNS_NAME,
        "recorded solver runs on six ARC tasks (guesses and bits every 10 steps)",
        PRESETS[RUNS_NAME],
        train_runs,
    ),
]
