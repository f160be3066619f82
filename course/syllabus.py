"""The course as a whole, read from its files: each lesson's outline, the docs' quoted figures, and
`python -m course bench course`.

Everything here is counted from the notebooks' sources (the skeleton every lesson follows: a title
and question, `## You will learn to`, `**Learner time:**`, `## Papers`, exercises tagged `exercise`
or `["exercise", "question"]`, `## Summary` and a code cell tagged `summary`) and from files the
tests write (docs/bench/), never typed.

Docs quote a benchmark figure as an inline code span `` `BENCH.KEY = VALUE` ``, e.g.
`` `dreamer.planning_return = 0.18` ``: BENCH names the JSON that `python -m course bench BENCH
--json docs/bench/BENCH.json` recorded, KEY the figure in it (dots go into nested objects, numbers
index lists), VALUE the figure as the docs print it (rounded as the docs please: the recorded value,
rounded to VALUE's decimals, must equal it). `check_quotes` finds every quote that disagrees.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.core.paths import NOTEBOOKS_DIR, REPO_ROOT

BENCH_DIR = REPO_ROOT / "docs" / "bench"
DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
WIDGET_RESPONSE_FILE = BENCH_DIR / "widget_response.json"  # written by the browser tests
SITE_CHECK_FILE = BENCH_DIR / "site_offline.json"  # written by the read-only site's browser test
LESSON_COUNT_EXPECTED = 6

PAPER_LINK = re.compile(r"https?://(?:arxiv\.org/abs/|doi\.org/)\S+")
LEARNER_TIME = re.compile(r"\*\*Learner time:\*\*\s*about\s+(\d+)\s+minutes", re.IGNORECASE)
BULLET = re.compile(r"^\s*[*-]\s+\S")
# A figure typed into a summary's text: a decimal number or a percentage (a lesson number or
# "10 nearest" is not a measurement).
TYPED_FIGURE = re.compile(r"\d+[.,]\d+|\d+\s*%")


@dataclass
class Outline:
    """One lesson, as its notebook source states it."""

    name: str  # the notebook's stem, e.g. "01_embeddings"
    title: str = ""  # from "# Lesson NN — Title"
    question: str = ""  # the first question (a sentence ending in "?") before the objectives
    objectives: list[str] = field(default_factory=list)  # the bullets under "## You will learn to"
    learner_minutes: int | None = None  # "**Learner time:** about N minutes"
    papers: list[str] = field(default_factory=list)  # arXiv / DOI links under "## Papers"
    exercises: int = 0  # cells tagged "exercise"
    question_exercises: int = 0  # cells tagged "exercise" and "question"
    computed_summary: bool = False  # "## Summary", then a "summary" cell printing f-strings only

    @property
    def has_objectives(self) -> bool:
        return 3 <= len(self.objectives) <= 5


def _tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def _sections(markdown: str) -> dict[str, list[str]]:
    """The lines under each `## heading` of a markdown text (heading text -> lines)."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in markdown.splitlines():
        heading = re.match(r"^#{2,}\s+(.*?)\s*$", line)
        if heading:
            current = heading.group(1)
            sections.setdefault(current, [])
        elif current is not None:
            sections[current].append(line)
    return sections


def _bullets(lines: list[str]) -> list[str]:
    """Bullet items (continuation lines joined) up to the first line that is neither."""
    items: list[str] = []
    for line in lines:
        if BULLET.match(line):
            items.append(re.sub(r"^\s*[*-]\s+", "", line).strip())
        elif items and line.strip() and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()
        elif items and not line.strip():
            continue
        elif items:
            break
    return items


def summary_is_computed(source: str) -> bool:
    """A summary cell that prints, whose printed text is built from variables (f-strings or
    format calls) and types no figure of its own."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    prints = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "print"]
    fstrings = [n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)]
    if not prints or not any(any(isinstance(v, ast.FormattedValue) for v in f.values) for f in fstrings):
        return False
    specs = {
        id(c)
        for n in ast.walk(tree)
        if isinstance(n, ast.FormattedValue) and n.format_spec
        for c in ast.walk(n.format_spec)
    }
    texts = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in specs
    ]  # the text a reader sees, not format specs such as ".0%"
    return not any(TYPED_FIGURE.search(text) for text in texts)


def outline(source: Path) -> Outline:
    """Read a lesson's outline from its jupytext source (or any notebook jupytext reads)."""
    import jupytext

    notebook = jupytext.read(source)
    lesson = Outline(name=source.stem)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for line in markdown.splitlines():
        title = re.match(r"^#\s+(Lesson\s+\d+\s*[—–-]\s*.+?)\s*$", line)
        if title:
            lesson.title = title.group(1)
            break
    intro = re.sub(r"\s+", " ", markdown.split("## You will learn to")[0])
    # the lesson's question: the first one in bold, else the first sentence that asks one
    questions = re.findall(r"\*\*([^*]+?\?)\*\*", intro) or re.findall(
        r"([A-Z][^.!?*\"“”]*?\?)", intro.replace("**", "")
    )
    question = questions[0].strip() if questions else ""
    lesson.question = question[:1].upper() + question[1:]
    sections = _sections(markdown)
    lesson.objectives = _bullets(sections.get("You will learn to", []))
    time = LEARNER_TIME.search(markdown)
    lesson.learner_minutes = int(time.group(1)) if time else None
    lesson.papers = PAPER_LINK.findall("\n".join(sections.get("Papers", [])))
    lesson.exercises = sum(1 for c in notebook.cells if "exercise" in _tags(c))
    lesson.question_exercises = sum(1 for c in notebook.cells if {"exercise", "question"} <= _tags(c))
    after_summary_heading = False
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and re.search(r"^##\s+Summary\s*$", cell.source, re.MULTILINE):
            after_summary_heading = True
        elif after_summary_heading and cell.cell_type == "code" and "summary" in _tags(cell):
            lesson.computed_summary = summary_is_computed(cell.source)
    return lesson


def lesson_sources() -> list[Path]:
    """Each lesson's notebook source, in teaching order (course/lessons.py)."""
    from course.lessons import LESSONS

    notebooks = {lesson.notebook: lesson.number for lesson in LESSONS.values() if lesson.notebook}
    return [NOTEBOOKS_DIR / name for name in sorted(notebooks, key=lambda name: notebooks[name])]


# ------------------------------------------------------------------ figures quoted in the docs

QUOTE = re.compile(r"`(?P<bench>[a-z_][a-z0-9_]*)\.(?P<key>[A-Za-z0-9_.]+) = (?P<value>[-−+]?[\d,]*\.?\d+)`")


@dataclass(frozen=True)
class Quote:
    path: Path
    line: int
    bench: str
    key: str
    text: str  # the value as the docs print it

    def __str__(self) -> str:
        return f"{self.path.name}:{self.line}: `{self.bench}.{self.key} = {self.text}`"


def find_quotes(paths: list[Path] | None = None) -> list[Quote]:
    quotes = []
    for path in paths if paths is not None else DOCS:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for m in QUOTE.finditer(line):
                quotes.append(Quote(path, number, m["bench"], m["key"], m["value"]))
    return quotes


def _lookup(record, key: str):
    for part in key.split("."):
        if isinstance(record, list) and part.isdigit() and int(part) < len(record):
            record = record[int(part)]
        elif isinstance(record, dict) and part in record:
            record = record[part]
        else:
            raise KeyError(part)
    return record


def quote_problem(quote: Quote, bench_dir: Path = BENCH_DIR) -> str | None:
    """None when the quoted figure matches the recorded bench JSON, else what is wrong."""
    path = bench_dir / f"{quote.bench}.json"
    if not path.exists():
        return f"{quote}: no recorded {path.relative_to(path.parents[2])} (python -m course bench {quote.bench} --json {path.name})"
    try:
        recorded = _lookup(json.loads(path.read_text()), quote.key)
    except KeyError:
        return f"{quote}: {path.name} has no {quote.key!r}"
    if isinstance(recorded, bool) or not isinstance(recorded, (int, float)):
        return f"{quote}: {quote.key!r} in {path.name} is {recorded!r}, not a number"
    text = quote.text.replace("−", "-").replace(",", "")
    decimals = len(text.split(".")[1]) if "." in text else 0
    if round(float(recorded), decimals) != round(float(text), decimals):
        return f"{quote}: {path.name} records {recorded!r}"
    return None


def check_quotes(paths: list[Path] | None = None, bench_dir: Path = BENCH_DIR) -> tuple[int, list[str]]:
    """(how many quotes were checked, the problems found)."""
    quotes = find_quotes(paths)
    problems = [p for q in quotes if (p := quote_problem(q, bench_dir))]
    return len(quotes), problems


# ------------------------------------------------------------------ student notebooks


# How each student copy ran in the last `make test` (written by tests/test_student_notebooks.py:
# the course's code reads the record, it never runs a notebook).
STUDENT_NOTEBOOKS_RECORD = REPO_ROOT / "build" / "student_notebooks.json"


def recorded_student_notebooks(sources: list[Path]) -> tuple[int | None, dict[str, str]]:
    """(how many student copies of `sources` ran to the end, {lesson: why not} for the rest), as the
    last `make test` recorded them: no error outside exercise and check cells, and the summary
    printed. None when some lesson's copy has no record yet."""
    try:
        record = json.loads(STUDENT_NOTEBOOKS_RECORD.read_text())
    except (OSError, ValueError):
        return None, {}
    runs = {path.stem: record.get(path.stem) for path in sources}
    if not all(isinstance(run, dict) for run in runs.values()):
        return None, {}
    failures = {stem: run.get("why", "") for stem, run in runs.items() if not run.get("ok")}
    return len(runs) - len(failures), failures


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def widget_response_p95(path: Path = WIDGET_RESPONSE_FILE) -> float | None:
    record = _read_json(path)
    return None if record is None else record.get("p95_seconds")


def site_offline_widgets_ok(path: Path = SITE_CHECK_FILE) -> int | None:
    record = _read_json(path)
    if record is None:
        return None
    return sum(1 for lesson in record.get("lessons", {}).values() if lesson.get("ok"))


def bench(quick: bool = False) -> dict:
    """`python -m course bench course`: the course's shape, counted from its files. `quick` leaves
    out the student notebooks (their key is then None)."""
    outlines = [outline(source) for source in lesson_sources()]
    checked, problems = check_quotes()
    student_ok: int | None = None
    student_failures: dict[str, str] = {}
    if not quick:
        student_ok, student_failures = recorded_student_notebooks(lesson_sources())
    result: dict[str, Any] = {
        "lessons": len(outlines),
        "lessons_with_objectives": sum(o.has_objectives for o in outlines),
        "lessons_with_computed_summary": sum(o.computed_summary for o in outlines),
        "lessons_with_paper_links": sum(bool(o.papers) for o in outlines),
        "lessons_with_learner_time": sum(o.learner_minutes is not None for o in outlines),
        "exercises_per_lesson_min": min((o.exercises for o in outlines), default=0),
        "interpretive_exercises": sum(o.question_exercises for o in outlines),
        "student_notebooks_run_to_end": student_ok,
        "readme_lines": len((REPO_ROOT / "README.md").read_text().splitlines()),
        "docs_keys_checked_against_bench": checked - len(problems),
        "site_offline_widgets_ok": site_offline_widgets_ok(),
        "widget_response_p95_seconds": widget_response_p95(),
    }
    if problems:
        result["docs_keys_disagreeing"] = problems
    if student_failures:
        result["student_notebooks_failing"] = student_failures
    return result


# ------------------------------------------------------------------ the README's lesson table

TABLE_BEGIN = "<!-- lesson table: written by `python -m course.syllabus`, from the notebooks -->"
TABLE_END = "<!-- end of lesson table -->"


def status(lesson: Outline) -> str:
    """'ready' when the lesson has its whole skeleton, else what it still lacks."""
    missing = [
        what
        for what, ok in [
            ("objectives", lesson.has_objectives),
            ("learner time", lesson.learner_minutes is not None),
            ("paper links", bool(lesson.papers)),
            ("2 exercises", lesson.exercises >= 2),
            ("a question exercise", lesson.question_exercises >= 1),
            ("a computed summary", lesson.computed_summary),
        ]
        if not ok
    ]
    return "ready" if not missing else "still lacks " + ", ".join(missing)


def lesson_table(sources: list[Path] | None = None) -> str:
    rows = ["| # | lesson | its question | learner time | status |", "|---|---|---|---|---|"]
    for source in sources if sources is not None else lesson_sources():
        lesson = outline(source)
        number, _, title = lesson.title.partition(" — ")
        minutes = f"about {lesson.learner_minutes} min" if lesson.learner_minutes else "—"
        link = f"[{title or lesson.name}](notebooks/{source.name})"
        rows.append(f"| {number.removeprefix('Lesson ')} | {link} | {lesson.question} | {minutes} | {status(lesson)} |")
    return "\n".join(rows)


def readme_with_table(readme: str, table: str) -> str:
    """README text with the lesson table between its two markers replaced by `table`."""
    before, begin, rest = readme.partition(TABLE_BEGIN)
    _, end, after = rest.partition(TABLE_END)
    if not begin or not end:
        raise ValueError(f"README.md lacks the lesson table's markers {TABLE_BEGIN!r} … {TABLE_END!r}")
    return f"{before}{TABLE_BEGIN}\n{table}\n{TABLE_END}{after}"


def main() -> int:
    """Rewrite the README's lesson table from the notebooks."""
    path = REPO_ROOT / "README.md"
    from course.core.files import atomic_write_text

    atomic_write_text(path, readme_with_table(path.read_text(), lesson_table()))
    print(f"wrote the lesson table in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
