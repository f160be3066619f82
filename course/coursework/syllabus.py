"""The generated parts of docs/instructors.md: the syllabus (read from the lessons), what grading
costs (docs/bench/coursework.json, from `python -m course bench coursework`) and what the class
hub holds (docs/bench/hub_load.json, from the load test).

`python -m course.coursework.syllabus` rewrites them between their markers; the instructor tests
check the doc is current."""

from __future__ import annotations

import json
import re

from course.core.paths import REPO_ROOT
from course.coursework.assign import lesson_sources, read_exercises
from course.syllabus import outline

DOC = REPO_ROOT / "docs" / "instructors.md"
COURSEWORK_BENCH = REPO_ROOT / "docs" / "bench" / "coursework.json"
HUB_LOAD = REPO_ROOT / "docs" / "bench" / "hub_load.json"


def _prerequisites(markdown: str) -> str:
    """The paragraph that starts with **Prerequisites:**, on one line."""
    match = re.search(r"\*\*Prerequisites:\*\*\s*(.+?)(?:\n\s*\n|\Z)", markdown, flags=re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip().rstrip(".") if match else "—"


def syllabus_table() -> str:
    lines = [
        "| lesson | topic | prerequisites | learner time | graded: functions | graded: questions | points |",
        "|---|---|---|---|---|---|---|",
    ]
    for source in lesson_sources():
        lesson = outline(source)
        notebook, exercises = read_exercises(source)
        markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        functions = ", ".join(f"`{e.name}`" for e in exercises if e.kind == "function") or "—"
        questions = ", ".join(f"`{e.name}`" for e in exercises if e.kind == "question") or "—"
        minutes = f"about {lesson.learner_minutes} min" if lesson.learner_minutes else "—"
        lines.append(
            f"| {source.stem} | {lesson.title or source.stem} | {_prerequisites(markdown)} | {minutes} | "
            f"{functions} | {questions} | {sum(e.points for e in exercises)} |"
        )
    return "\n".join(lines)


# The generated tables of docs/instructors.md, filled from the recorded benches (`str.format_map`)
COSTS_TABLE = """\
| step | measured |
|---|---|
| assign all {lessons} lessons (`make assign`) | {assign_seconds:.0f} s |
| grade one submission, 2 at once (mean, wall clock) | {grade_seconds_per_submission:.0f} s \
(slowest {grade_seconds_per_submission_max:.0f} s) |
| CPU time per graded submission (otter's runner + kernel) | {grade_cpu_seconds_per_submission:.0f} s |
| a class of N on this machine, 2 at once | about N × {half_grade_seconds:.0f} s |
| exercises graded, all with hidden tests | {exercises_with_hidden_tests} of {exercises_total} |
| solutions / untouched copies / partial exact | {instructor_score_pct:g} % / {student_stub_score_pct:g} % / \
{partial_submission_score_exact} |
| shortcut exercises tried / their points | {shortcut_exercises_tried} / {shortcut_submissions_points:g} |
| kinds of broken submission tried / grader crashes | {bad_submissions_tried} / {bad_submissions_crashed_grader} |"""

HUB_TABLE = """\
| | measured |
|---|---|
| students at once | {students} (on {cores} cores) |
| a server ready after start (median / all {students} ready) | {server_ready_seconds[median]:.0f} s / \
{all_servers_ready_seconds:.0f} s |
| Lesson 01 up to the explorer, all at once (median / slowest) | {explorer_seconds_all_at_once[median]:.0f} s / \
{explorer_seconds_all_at_once[max]:.0f} s |
| memory of a student: server only / busy (peak) / kernel idle after the lesson | \
{server_idle_mib_per_student:.0f} / {peak_mib_per_busy_student:.0f} / {idle_mib_per_student_after_lesson:.0f} MiB |
| hub and proxy | {hub_and_proxy_mib:.0f} MiB |
| students a 24 GiB machine holds, every kernel busy / idle | {capacity_24gib[busy]} / {capacity_24gib[idle]} \
({capacity_24gib[rule]}) |
| limits set (hub config and Helm values) | memory {limits[mem_limit_mib]} MiB (guarantee \
{limits[mem_guarantee_mib]}), CPU {limits[cpu_limit]:g} (guarantee {limits[cpu_guarantee]:g}), at most \
{limits[active_servers]} servers |"""


def costs_table(bench: dict) -> str:
    lessons = len(bench["grade_wall_seconds_per_lesson"])
    return COSTS_TABLE.format_map(
        bench | {"lessons": lessons, "half_grade_seconds": bench["grade_seconds_per_submission"] / 2}
    )


def hub_table(hub: dict) -> str:
    return HUB_TABLE.format_map(hub)


def render(doc: str) -> str:
    """The doc with its generated sections rewritten."""
    sections = {"syllabus": syllabus_table()}
    if COURSEWORK_BENCH.exists():
        sections["costs"] = costs_table(json.loads(COURSEWORK_BENCH.read_text()))
    if HUB_LOAD.exists():
        sections["hub"] = hub_table(json.loads(HUB_LOAD.read_text()))
    for name, text in sections.items():
        block = f"<!-- {name} -->\n{text}\n<!-- /{name} -->"
        start, end = f"<!-- {name} -->\n", f"<!-- /{name} -->"
        before, found, rest = doc.partition(start)
        if found:
            doc = before + block + rest.partition(end)[2]
    return doc


def main() -> int:
    from course.core.files import atomic_write_text

    atomic_write_text(DOC, render(DOC.read_text()))
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
