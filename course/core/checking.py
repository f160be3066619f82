"""Grading helpers for exercise check cells: every check prints what passed, or fails with a hint."""

from __future__ import annotations


class ExerciseCheckFailed(AssertionError):
    pass


def expect(condition: bool, what: str, hint: str) -> None:
    if not condition:
        raise ExerciseCheckFailed(f"✗ {what}\n  hint: {hint}")
    print(f"✓ {what}")
