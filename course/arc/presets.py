"""Lesson 05's shipped records and their configs."""

from course.arc.runs import RUNS_NAME, runs_config, train_runs
from course.core.registry import ModelSpec

MODELS = [
    ModelSpec(
        name=RUNS_NAME,
        description="recorded solver runs on six ARC tasks (guesses and bits every 10 steps)",
        make_config=runs_config,
        train=train_runs,
    ),
]
