"""`python -m course bench coursework`: the instructor's path measured end to end.

Every lesson is assigned with otter and graded with otter's own runner: the instructor's solutions
(full marks), the untouched student copy (0), a copy with exactly two exercises right (one where a
lesson has only two), a copy that calls the course's own implementations, and broken submissions
of every kind. The hub's figures come from the recorded load test (docs/bench/hub_load.json,
written by `python -m course.coursework.hub_load`).
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from course.core.paths import REPO_ROOT

HUB_LOAD = REPO_ROOT / "docs" / "bench" / "hub_load.json"
LOOP_TIMEOUT_S = 240  # a submission that never ends is stopped after this


def _children_cpu() -> float:
    """CPU seconds of the finished grading processes (and the kernels they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def partial_indices(count: int) -> list[int]:
    """Which exercises the partial submission gets right: two, or one of a lesson's two."""
    return [0, count - 1] if count >= 3 else [0]


def grade_lesson(work: Path, summary: dict, bad: bool, timeout_s: float, workers: int | None = None) -> dict:
    import nbformat

    from course.coursework.grade import grade_class
    from course.coursework.submissions import with_shortcuts, with_solutions, write_bad_submissions

    lesson = summary["lesson"]
    student = nbformat.read(summary["student"], as_version=4)
    solutions = nbformat.read(summary["solutions"], as_version=4)
    names = summary["exercises"]
    points = [summary["points"][name] for name in names]
    folder = work / "submissions" / lesson
    folder.mkdir(parents=True)
    nbformat.write(solutions, folder / "instructor.ipynb")
    nbformat.write(student, folder / "untouched.ipynb")
    right = partial_indices(len(names))
    nbformat.write(with_solutions(student, solutions, right), folder / "partial.ipynb")
    shortcut, short_cut = with_shortcuts(student)
    if short_cut:
        nbformat.write(shortcut, folder / "shortcut.ipynb")
    bad_kinds = write_bad_submissions(student, folder) if bad else {}
    start, cpu_start = time.perf_counter(), _children_cpu()
    rows = grade_class(
        Path(summary["autograder"]),
        folder,
        work / "grades" / f"{lesson}.csv",
        timeout_s=timeout_s,
        workers=workers,
        progress=lambda line: None,
    )
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu_start
    possible = sum(points)
    graded = [row for name, row in rows.items() if name not in bad_kinds]
    return {
        "lesson": lesson,
        "exercises": len(names),
        "possible": possible,
        "instructor": rows["instructor"].total,
        "untouched": rows["untouched"].total,
        "partial": rows["partial"].total,
        "partial_expected": sum(points[i] for i in right),
        "shortcut": rows["shortcut"].total if short_cut else None,
        "shortcut_exercises": short_cut,
        "bad": {name: rows[name].reason for name in bad_kinds},
        "bad_totals": {name: rows[name].total for name in bad_kinds},
        "seconds_per_submission": [row.seconds for row in graded],
        "wall_seconds": round(wall, 1),
        "cpu_seconds": cpu,
        "kernel_submissions": len(graded) + sum(1 for r in bad_kinds if rows[r].seconds > 1),
        "submissions": len(rows),
    }


def bench(quick: bool = False) -> dict:
    """quick: Lesson 01 only (for tests); otherwise every lesson."""
    from course.coursework.assign import assign, lesson_sources, read_exercises

    sources = lesson_sources()
    if quick:
        sources = sources[:1]
    work = Path(tempfile.mkdtemp(prefix="course-coursework-bench-"))
    try:
        start = time.perf_counter()
        summaries = assign(work / "assignments", sources)
        assign_seconds = time.perf_counter() - start
        lessons = [grade_lesson(work, s, bad=(i == 0), timeout_s=LOOP_TIMEOUT_S) for i, s in enumerate(summaries)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    exercises_total = sum(len(read_exercises(source)[1]) for source in sources)
    graded = sum(lesson["exercises"] for lesson in lessons)  # every graded exercise has a hidden test
    seconds = [s for lesson in lessons for s in lesson["seconds_per_submission"]]
    bad = {name: reason for lesson in lessons for name, reason in lesson["bad"].items()}
    result = {
        "lessons": [lesson["lesson"] for lesson in lessons],
        "exercises_total": exercises_total,
        "exercises_with_hidden_tests": graded,
        "instructor_score_pct": round(
            100 * sum(x["instructor"] for x in lessons) / sum(x["possible"] for x in lessons), 1
        ),
        "student_stub_score_pct": round(
            100 * sum(x["untouched"] for x in lessons) / sum(x["possible"] for x in lessons), 1
        ),
        "partial_submission_score_exact": all(x["partial"] == x["partial_expected"] for x in lessons),
        "shortcut_submissions_points": sum(x["shortcut"] or 0 for x in lessons),
        "shortcut_exercises_tried": sum(x["shortcut_exercises"] for x in lessons),
        "bad_submissions_tried": len(bad),
        # a bad submission is reported with a reason and 0 points; a crash would have lost its row
        "bad_submissions_crashed_grader": sum(
            1 for lesson in lessons for name in lesson["bad"] if not lesson["bad"][name] or lesson["bad_totals"][name]
        ),
        "bad_submission_reasons": bad,
        "grade_seconds_per_submission": round(statistics.mean(seconds), 1),
        "grade_seconds_per_submission_max": round(max(seconds), 1),
        # load-independent: CPU time of otter's runner and the kernel, per submission that ran
        "grade_cpu_seconds_per_submission": round(
            sum(x["cpu_seconds"] for x in lessons) / sum(x["kernel_submissions"] for x in lessons), 1
        ),
        "grade_wall_seconds_per_lesson": {x["lesson"]: x["wall_seconds"] for x in lessons},
        "assign_seconds": round(assign_seconds, 1),
    }
    if HUB_LOAD.exists():
        hub = json.loads(HUB_LOAD.read_text())
        result |= {
            "hub_students_measured": hub["students"],
            "hub_peak_mib_per_busy_student": hub["peak_mib_per_busy_student"],
            "hub_students_capacity_24gib": hub["capacity_24gib"]["busy"],
            "hub_students_capacity_24gib_idle": hub["capacity_24gib"]["idle"],
            "hub_server_ready_seconds_median": hub["server_ready_seconds"]["median"],
        }
    return result
