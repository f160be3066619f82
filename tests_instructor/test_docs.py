"""docs/instructors.md states what the lessons and the measurements say: its syllabus, grading
costs and hub capacity are the ones `python -m course.coursework.syllabus` renders."""

from course.coursework.syllabus import DOC, render


def test_instructor_guide_is_current():
    text = DOC.read_text()
    assert render(text) == text, "docs/instructors.md is out of date: run `python -m course.coursework.syllabus`"
    for marker in ("syllabus", "costs", "hub"):
        assert f"<!-- {marker} -->" in text and f"<!-- /{marker} -->" in text
