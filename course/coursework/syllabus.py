"""The syllabus table of docs/instructors.md, read from the lessons themselves:
`python -m course.coursework.syllabus` prints it (tests_instructor checks the doc holds it)."""

from __future__ import annotations

import re

from course.coursework.assign import lesson_sources, read_exercises


def _field(text: str, label: str) -> str:
    match = re.search(rf"\*\*{label}:\*\*\s*(.+)", text)
    return match.group(1).strip().rstrip(".") if match else "—"


def syllabus_rows() -> list[dict]:
    rows = []
    for source in lesson_sources():
        text = source.read_text()
        title = re.search(r"^# # Lesson (\d+) — (.+)$", text, flags=re.M)
        _, exercises = read_exercises(source)
        functions = [e.name for e in exercises if e.kind == "function"]
        questions = [e.name for e in exercises if e.kind == "question"]
        rows.append(
            {
                "lesson": source.stem,
                "number": title.group(1) if title else source.stem[:2],
                "topic": title.group(2) if title else source.stem,
                "prerequisites": _field(text, "Prerequisites"),
                "time": _field(text, "Learner time"),
                "graded": ", ".join(f"`{name}`" for name in functions + questions),
                "points": sum(e.points for e in exercises),
            }
        )
    return rows


def syllabus_table() -> str:
    lines = [
        "| # | topic | prerequisites | learner time | graded exercises | points |",
        "|---|---|---|---|---|---|",
    ]
    for row in syllabus_rows():
        lines.append(
            f"| {row['number']} | {row['topic']} | {row['prerequisites']} | {row['time']} | "
            f"{row['graded']} | {row['points']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(syllabus_table())
