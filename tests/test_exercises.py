"""The exercise convention: solutions between markers, stubs in the student version, checks
that pass the reference and fail wrong answers."""

import numpy as np
import pytest

from course.core.checking import ExerciseCheckFailed
from course.core.exercises import ExerciseFormatError, count_exercises, strip_solutions
from course.core.paths import NOTEBOOKS_DIR
from course.embeddings import checks
from course.embeddings import metrics as M

SOURCE = '''def f(x):
    """doc"""
    # BEGIN SOLUTION
    y = x + 1
    return y
    # END SOLUTION


print(f)
'''


def test_strip_solutions_replaces_block_with_indented_stub():
    student = strip_solutions(SOURCE)
    assert "y = x + 1" not in student and "BEGIN SOLUTION" not in student
    assert '    raise NotImplementedError("Exercise: replace this line with your solution")\n' in student
    namespace = {}
    exec(compile(student, "student", "exec"), namespace)
    with pytest.raises(NotImplementedError):
        namespace["f"](1)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("x = 1\n# END SOLUTION\n", "without a BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside another"),
    ],
)
def test_malformed_markers_are_reported(bad, message):
    with pytest.raises(ExerciseFormatError, match=message):
        strip_solutions(bad)


def test_every_lesson_has_an_exercise_and_balanced_markers():
    for source in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py")):
        text = source.read_text()
        assert count_exercises(text) >= 1, f"{source.name} has no exercise"
        strip_solutions(text, origin=source.name)  # raises on unbalanced markers


def test_checks_pass_the_reference_solutions(capsys):
    checks.check_participation_ratio(M.participation_ratio)
    checks.check_mig_from_mutual_info(
        lambda mi, h: float(((np.sort(mi, 0)[::-1][0] - np.sort(mi, 0)[::-1][1]) / h).mean())
    )
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong",
    [
        lambda z: float(z.shape[1]),  # counts dimensions
        lambda z: float(z.var(axis=0).sum() ** 2 / (z.var(axis=0) ** 2).sum()),  # per-axis variances
        lambda z: float(np.linalg.eigvalsh(np.cov(z.T)).sum()),  # total variance
    ],
)
def test_participation_ratio_check_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseCheckFailed):
        checks.check_participation_ratio(wrong)


@pytest.mark.parametrize(
    "wrong",
    [
        lambda mi, h: float((mi.max(0) / h).mean()),  # no gap
        lambda mi, h: float((np.sort(mi, 0)[::-1][0] - np.sort(mi, 0)[::-1][1]).mean()),  # not normalised
        lambda mi, h: float((np.sort(mi, 1)[:, ::-1][:, 0] - np.sort(mi, 1)[:, ::-1][:, 1]).mean()),  # wrong axis
    ],
)
def test_mig_check_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseCheckFailed):
        checks.check_mig_from_mutual_info(wrong)
