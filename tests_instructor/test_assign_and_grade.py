"""Assign a lesson with otter, then grade a made-up class with otter's own runner: the instructor's
solutions score full marks, the untouched student copy 0, exactly two exercises right exactly their
points, the course's own functions no points, and broken submissions a reason, never a crash."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from course.core.paths import REPO_ROOT
from course.coursework.bench import partial_indices
from course.coursework.grade import autograder_questions, grade_class
from course.coursework.submissions import with_shortcuts, with_solutions, write_bad_submissions, write_export_zip

TIMEOUT_S = 150  # the endless loop is stopped after this; a normal submission needs far less


def _test_cases(autograder_zip: Path) -> dict[str, list[bool]]:
    """Question -> the `hidden` flag of each of its test cases, read from the autograder zip."""
    cases = {}
    with zipfile.ZipFile(autograder_zip) as archive:
        for name in archive.namelist():
            if name.startswith("tests/") and name.endswith(".py"):
                tree = ast.parse(archive.read(name).decode())
                flags = [
                    keyword.value.value
                    for node in ast.walk(tree)
                    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "test_case"
                    for keyword in node.keywords
                    if keyword.arg == "hidden"
                ]
                cases[Path(name).stem] = flags
    return cases


def test_every_exercise_has_public_and_hidden_tests(assigned):
    summary, _ = assigned
    cases = _test_cases(Path(summary["autograder"]))
    assert set(cases) == set(summary["exercises"]) and cases
    for question, flags in cases.items():
        assert True in flags, f"{question} has no hidden test"
        assert False in flags, f"{question} has no public test"


def test_student_copy_holds_no_answers(assigned):
    summary, _ = assigned
    student = nbformat.read(summary["student"], as_version=4)
    text = nbformat.writes(student)
    assert "BEGIN SOLUTION" not in text and "hidden_check" not in text and "reference_source" not in text
    solutions = nbformat.read(summary["solutions"], as_version=4)
    exercises = [c for c in student.cells if "exercise" in c.metadata.get("tags", [])]
    assert len(exercises) == len(summary["exercises"])
    for cell, answer in zip(exercises, [c for c in solutions.cells if "exercise" in c.metadata.get("tags", [])]):
        assert "NotImplementedError" in cell.source or "= None" in cell.source, cell.source
        assert cell.source != answer.source
    # the student's local tests (otter's tests folder) are the public ones only
    for path in (Path(summary["student"]).parents[1] / "otter").glob("*/dist/student/tests/*.py"):
        assert "hidden_check" not in path.read_text()


@pytest.fixture(scope="module")
def graded(assigned, tmp_path_factory):
    summary, _ = assigned
    student = nbformat.read(summary["student"], as_version=4)
    solutions = nbformat.read(summary["solutions"], as_version=4)
    folder = tmp_path_factory.mktemp("submissions")
    nbformat.write(solutions, folder / "instructor.ipynb")
    write_export_zip(solutions, folder / "instructor_zip.zip")
    nbformat.write(student, folder / "untouched.ipynb")
    right = partial_indices(len(summary["exercises"]))
    nbformat.write(with_solutions(student, solutions, right), folder / "partial.ipynb")
    shortcut, count = with_shortcuts(student)
    assert count >= 1, "no exercise of this lesson has a course function to short-cut: pick another lesson"
    nbformat.write(shortcut, folder / "shortcut.ipynb")
    bad = write_bad_submissions(student, folder)
    out = folder.parent / "grades.csv"
    rows = grade_class(Path(summary["autograder"]), folder, out, timeout_s=TIMEOUT_S, progress=lambda line: None)
    return summary, rows, bad, right, folder, out


def test_instructor_solutions_score_full_marks(graded):
    summary, rows, *_ = graded
    possible = sum(summary["points"].values())
    for name in ("instructor", "instructor_zip"):
        assert rows[name].total == possible and not rows[name].reason, rows[name]


def test_untouched_student_copy_scores_zero(graded):
    _, rows, *_ = graded
    assert rows["untouched"].total == 0 and not rows["untouched"].reason


def test_exactly_the_right_exercises_score(graded):
    summary, rows, _, right, *_ = graded
    names = summary["exercises"]
    for index, name in enumerate(names):
        assert rows["partial"].scores[name] == (summary["points"][name] if index in right else 0), name
    assert rows["partial"].total == sum(summary["points"][names[i]] for i in right)


def test_calling_the_course_implementation_scores_nothing(graded):
    _, rows, *_ = graded
    assert rows["shortcut"].total == 0, rows["shortcut"]


def test_bad_submissions_are_reported_not_fatal(graded):
    _, rows, bad, *_ = graded
    assert len(bad) >= 5
    for name in bad:
        assert name in rows, f"{name} lost its row"
        assert rows[name].total == 0 and rows[name].reason, rows[name]
    assert "timed out" in rows["bad_endless_loop"].reason


def test_a_second_run_skips_what_is_graded(graded):
    summary, rows, _, _, folder, out = graded
    before = out.read_text()
    lines = []
    again = grade_class(Path(summary["autograder"]), folder, out, timeout_s=TIMEOUT_S, progress=lines.append)
    assert lines[0].startswith(f"{len(rows)} already graded, 0 to grade")
    assert out.read_text() == before and again.keys() == rows.keys()


def test_grade_command_explains_a_wrong_zip(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "course", "grade", str(tmp_path / "nope.zip"), str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "course assign" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_questions_read_from_the_zip_match_the_assignment(assigned):
    summary, _ = assigned
    assert autograder_questions(Path(summary["autograder"])) == {k: float(v) for k, v in summary["points"].items()}
