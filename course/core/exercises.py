"""Exercises, one convention for every lesson.

Implement exercises
-------------------
In a notebook source the reference solution sits between two marker lines, in a cell tagged
`exercise`:

    def participation_ratio(z):
        # BEGIN SOLUTION
        ...
        # END SOLUTION

The student version replaces everything between the markers (markers included) with a stub that
raises NotImplementedError, at the marker's indentation. The next cell, tagged `check`, grades the
learner's function against properties it must have, and decides which function the rest of the
lesson uses:

    solved = check_participation_ratio(participation_ratio)
    participation_ratio = participation_ratio if solved else M.participation_ratio

A check (see `course.core.checking.exercise_check`) prints ✓ for each property that holds and
returns True; it raises with a hint on the first that fails; and when the function is still the
stub it prints "not done yet" and returns False, so that the lesson goes on — with the course's
own implementation — and "Run All" reaches the end of a student notebook.

Question exercises
------------------
A prediction or an interpretation, checked automatically. The cell is tagged
`["exercise", "question"]` and its solution block assigns one variable `answer_<id>`, a lower-case
letter for a multiple-choice question or a number, with the explanation as comments:

    # Before you move the slider: (a) ..., (b) ..., (c) ...
    # BEGIN SOLUTION
    answer_rotation = "b"
    # Explanation: ...
    # END SOLUTION

The student version reads `answer_rotation = None  # your answer: "a", "b" or "c"`. The next cell,
tagged `check`, calls `check_answer("embeddings.rotation", answer_rotation)`, which looks the
question up in the lesson's `questions.toml` (a table per question id; the prefix is the
lesson's key in `course.lessons.LESSONS`). The package never holds the plain answer, only a
salted SHA-256 of it: of the normalised letter, or, for a number, of the bucket it falls in
(`tolerance` wide), so that any answer within ± tolerance of the reference is accepted. Authors
compute the digest with

    python -m course.core.exercises hash embeddings.rotation b
    python -m course.core.exercises hash embeddings.active_dims 4 --tolerance 0.5
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.util
import math
import numbers
import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^[ \t]*# END SOLUTION\s*$")
ANSWER = re.compile(r"^(?P<indent>[ \t]*)answer_(?P<id>\w+)\s*=")
STUB = 'raise NotImplementedError("Exercise: replace this line with your solution")'
QUESTIONS_FILE = "questions.toml"  # in each lesson's package, beside checks.py
SALT = "thinking-in-latent-space"  # with the question's id: equal answers hash differently per question


class ExerciseFormatError(ValueError):
    pass


@dataclass(frozen=True)
class Question:
    """A question exercise: multiple choice (`choices`) or a number (`tolerance`)."""

    prompt: str  # what is asked, in one line (the notebook cell states it in full)
    digest: str  # `answer_digest(qualified_id, reference, tolerance)`: the answer, never in plain text
    choices: tuple[str, ...] = ()  # allowed letters, e.g. ("a", "b", "c"); empty for a numeric answer
    tolerance: float | None = None  # numeric answers within ± tolerance of the reference count as right

    def __post_init__(self):
        if bool(self.choices) == (self.tolerance is not None):
            raise ExerciseFormatError(f"question {self.prompt!r}: give either choices or a tolerance, not both")
        if self.tolerance is not None and not self.tolerance > 0:
            raise ExerciseFormatError(f"question {self.prompt!r}: the tolerance must be positive")

    def stub_hint(self) -> str:
        """What the student copy says next to `answer_<id> = None`."""
        if self.choices:
            quoted = [f'"{c}"' for c in self.choices]
            return f"{', '.join(quoted[:-1])} or {quoted[-1]}" if len(quoted) > 1 else quoted[0]
        return "a number"


# ---------------------------------------------------------------------------------------------
# Answers and their digests


def _normalise_choice(value) -> str | None:
    """'b', ' B ', '(b)' and 'b)' all mean choice b; anything that is not a string is no choice."""
    if not isinstance(value, str):
        return None
    return value.strip().strip("()'\". ").lower()


def _as_number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _bucket(value: float, tolerance: float) -> int:
    # floor(x + ½) is monotone and moves by one when x does, so answers within one tolerance of the
    # reference land in its bucket or a neighbour (accepted), and answers more than two away never do.
    return math.floor(value / tolerance + 0.5)


def _hash(qualified_id: str, normalised: str) -> str:
    return hashlib.sha256(f"{SALT}:{qualified_id}:{normalised}".encode()).hexdigest()


def answer_digest(qualified_id: str, answer, tolerance: float | None = None) -> str:
    """The digest a `Question` stores for the reference `answer` (a letter, or a number with a tolerance)."""
    if tolerance is None:
        choice = _normalise_choice(answer)
        if not choice:
            raise ExerciseFormatError(f"{qualified_id}: a multiple-choice answer is a letter, not {answer!r}")
        return _hash(qualified_id, choice)
    number = _as_number(answer)
    if number is None:
        raise ExerciseFormatError(f"{qualified_id}: a numeric answer is a finite number, not {answer!r}")
    return _hash(qualified_id, str(_bucket(number, tolerance)))


def lesson_questions(lesson_key: str) -> dict[str, Question]:
    """The question exercises of a lesson: its package's `questions.toml` (none if it has none)."""
    lesson = _table_of_contents().get_lesson(lesson_key)
    package = lesson.presets.rpartition(".")[0]  # the lesson's package: `course.X` of `course.X.presets`
    spec = importlib.util.find_spec(package)
    folders = list(spec.submodule_search_locations or []) if spec else []
    return read_questions(Path(folders[0]) / QUESTIONS_FILE) if folders else {}


def read_questions(path: Path) -> dict[str, Question]:
    """A `questions.toml`: one table per question id, with `prompt`, `digest` and either `choices`
    (allowed letters) or `tolerance` (for a number)."""
    if not path.exists():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ExerciseFormatError(f"{path} is not valid TOML ({err}): fix the file") from None
    questions = {}
    for question_id, fields in table.items():
        unknown = set(fields) - {"prompt", "digest", "choices", "tolerance"}
        if unknown or not {"prompt", "digest"} <= set(fields):
            raise ExerciseFormatError(
                f"{path} [{question_id}]: a question has `prompt`, `digest` and `choices` or `tolerance`"
                + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else "")
            )
        questions[question_id] = Question(
            fields["prompt"], fields["digest"], tuple(fields.get("choices", ())), fields.get("tolerance")
        )
    return questions


def get_question(qualified_id: str) -> Question:
    lesson_key, _, question_id = qualified_id.partition(".")
    try:
        questions = lesson_questions(lesson_key)
    except KeyError as error:
        raise KeyError(f"question {qualified_id!r}: {error.args[0]}") from None
    if question_id not in questions:
        known = ", ".join(f"{lesson_key}.{q}" for q in questions) or "none"
        raise KeyError(f"unknown question {qualified_id!r}; questions of lesson {lesson_key!r}: {known}")
    return questions[question_id]


def answer_is_right(qualified_id: str, value) -> bool | None:
    """True or False for a valid answer, None for one that is not an answer to this question."""
    question = get_question(qualified_id)
    if question.choices:
        choice = _normalise_choice(value)
        if choice not in question.choices:
            return None
        return _hash(qualified_id, choice) == question.digest
    number = _as_number(value)
    if number is None or question.tolerance is None:  # a numeric question always has a tolerance
        return None
    bucket = _bucket(number, question.tolerance)
    return any(_hash(qualified_id, str(bucket + k)) == question.digest for k in (-1, 0, 1))


def check_answer(qualified_id: str, value) -> bool:
    """Print whether `value` answers the question `"<lesson_key>.<id>"` rightly; True if it does.

    Never raises for a learner's answer: None is "not answered yet", anything else ✓ or ✗."""
    question = get_question(qualified_id)
    if value is None:
        print(f"not answered yet — set the answer above to {question.stub_hint()} and run both cells again")
        return False
    right = answer_is_right(qualified_id, value)
    if right is None:
        print(f"✗ {value!r} is not an answer here: answer with {question.stub_hint()}")
        return False
    if right:
        print(f"✓ {question.prompt}: right")
    else:
        print(f"✗ {question.prompt}: not this one — read the question again, then run the next cells and see")
    return right


# ---------------------------------------------------------------------------------------------
# Student copies


def _stub_block(block: list[str], indent: str, questions: dict[str, Question]) -> str:
    """The student's stub for one solution block (its lines between the markers)."""
    code = [line for line in block if line.strip() and not line.strip().startswith("#")]
    answer = ANSWER.match(code[0]) if len(code) == 1 else None
    if answer is None or answer.group("indent") != indent:
        return f"{indent}{STUB}\n"
    name = answer.group("id")
    hint = questions[name].stub_hint() if name in questions else "see the question above"
    return f"{indent}answer_{name} = None  # your answer: {hint}\n"


def strip_solutions(source: str, origin: str = "notebook", questions: dict[str, Question] | None = None) -> str:
    """Return `source` with every solution block replaced by a stub: `raise NotImplementedError`,
    or `answer_<id> = None` for a block that only assigns a question's answer (`questions`, the
    lesson's questions, lists the allowed answers in the stub's comment)."""
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        begin = BEGIN.match(line)
        if begin:
            if block is not None:
                raise ExerciseFormatError(f"{origin}:{number}: BEGIN SOLUTION inside another solution block")
            block, indent = [], begin.group("indent")
        elif END.match(line):
            if block is None:
                raise ExerciseFormatError(f"{origin}:{number}: END SOLUTION without a BEGIN SOLUTION")
            out.append(_stub_block(block, indent, questions or {}))
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise ExerciseFormatError(f"{origin}: a BEGIN SOLUTION block is never closed with END SOLUTION")
    return "".join(out)


def count_exercises(source: str) -> int:
    return sum(1 for line in source.splitlines() if BEGIN.match(line))


def question_answers(source: str) -> dict[str, str]:
    """id -> the solution block's code, for every question block of a notebook source."""
    answers: dict[str, str] = {}
    block: list[str] | None = None
    for line in source.splitlines(keepends=True):
        if BEGIN.match(line):
            block = []
        elif END.match(line) and block is not None:
            code = [c for c in block if c.strip() and not c.strip().startswith("#")]
            answer = ANSWER.match(code[0]) if len(code) == 1 else None
            if answer:
                answers[answer.group("id")] = code[0].strip()
            block = None
        elif block is not None:
            block.append(line)
    return answers


def lesson_key_of(source: Path) -> str | None:
    """The key of the lesson whose notebook is `source`, or None."""
    lessons = _table_of_contents().LESSONS.values()
    return next((lesson.key for lesson in lessons if lesson.notebook == source.name), None)


def _table_of_contents():
    """`course.lessons`, which sits above core: looked up by name when a question is asked, so that
    core itself imports no lesson."""
    return importlib.import_module("course.lessons")


def write_student_notebooks(sources: list[Path], outdir: Path) -> list[Path]:
    """Write NAME.ipynb for each jupytext source, solutions stripped. Returns the paths.

    Refuses a folder that is not one (a file) and the sources' own folder, where the stubbed
    copies would stand in for the lessons' notebooks; each notebook is written atomically."""
    import jupytext

    from course.core.files import atomic_write_text

    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise ValueError(f"{outdir} is a file, not a folder: give a folder for the student notebooks")
    if any(outdir.resolve() == Path(src).resolve().parent for src in sources):
        raise ValueError(
            f"{outdir} holds the lessons themselves: student copies there would replace them. Give another folder."
        )
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sources:
        key = lesson_key_of(src)
        text = strip_solutions(src.read_text(), origin=str(src), questions=lesson_questions(key) if key else {})
        notebook = jupytext.reads(text, fmt="py:percent")
        target = outdir / f"{src.stem}.ipynb"
        atomic_write_text(target, jupytext.writes(notebook, fmt="ipynb"))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course.core.exercises", description="Tools for authors of question exercises."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("hash", help="print the digest a Question stores for a reference answer")
    p.add_argument("qualified_id", help='"<lesson_key>.<id>", e.g. embeddings.rotation')
    p.add_argument("answer", help="a letter, or a number with --tolerance")
    p.add_argument("--tolerance", type=float, help="for a numeric answer: accept answers within ± this")
    args = parser.parse_args(argv)
    answer = args.answer
    if args.tolerance is not None:
        try:
            answer = float(answer)
        except ValueError:
            parser.error(f"with --tolerance the answer must be a number, not {answer!r}")
        if not args.tolerance > 0:
            parser.error("--tolerance must be positive")
    try:
        print(answer_digest(args.qualified_id, answer, args.tolerance))
    except ExerciseFormatError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
