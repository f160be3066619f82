"""Grading helpers for exercise check cells: every check prints what passed, or fails with a hint.

A lesson's check function is decorated with `exercise_check`: it then returns True when the
learner's function passes, raises `ExerciseCheckFailed` with a hint when it does not, and, while the
function is still the student copy's stub, prints "not done yet" and returns False, so that the
notebook goes on with the course's own implementation (see `course.core.exercises`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

NOT_DONE = "not done yet — the lesson goes on with the course's own implementation"


class ExerciseCheckFailed(AssertionError):
    pass


def expect(condition: bool, what: str, hint: str) -> None:
    if not condition:
        raise ExerciseCheckFailed(f"✗ {what}\n  hint: {hint}")
    print(f"✓ {what}")


def exercise_check(check: Callable[..., None]) -> Callable[..., bool]:
    """Decorate `check(function, ...)`: True when it passes; False, with "not done yet", when the
    learner's function still raises NotImplementedError; a wrong answer still raises."""

    @functools.wraps(check)
    def run(function, *args, **kwargs) -> bool:
        try:
            check(function, *args, **kwargs)
        except NotImplementedError:
            print(NOT_DONE)
            return False
        return True

    return run
