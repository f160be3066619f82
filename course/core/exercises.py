"""Exercises, one convention for every lesson.

In a notebook source the reference solution sits between two marker lines:

    def participation_ratio(z):
        # BEGIN SOLUTION
        ...
        # END SOLUTION

and the cell is tagged `exercise`. The student version replaces everything between the markers
(markers included) with a stub that raises NotImplementedError, at the marker's indentation.
A following cell tagged `check` grades the learner's function against properties it must have.
"""

from __future__ import annotations

import re
from pathlib import Path

BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION\s*$")
END = re.compile(r"^[ \t]*# END SOLUTION\s*$")
STUB = 'raise NotImplementedError("Exercise: replace this line with your solution")'


class ExerciseFormatError(ValueError):
    pass


def strip_solutions(source: str, origin: str = "notebook") -> str:
    """Return `source` with every solution block replaced by a NotImplementedError stub."""
    out: list[str] = []
    indent: str | None = None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        begin = BEGIN.match(line)
        if begin:
            if indent is not None:
                raise ExerciseFormatError(f"{origin}:{number}: BEGIN SOLUTION inside another solution block")
            indent = begin.group("indent")
            out.append(f"{indent}{STUB}\n")
        elif END.match(line):
            if indent is None:
                raise ExerciseFormatError(f"{origin}:{number}: END SOLUTION without a BEGIN SOLUTION")
            indent = None
        elif indent is None:
            out.append(line)
    if indent is not None:
        raise ExerciseFormatError(f"{origin}: a BEGIN SOLUTION block is never closed with END SOLUTION")
    return "".join(out)


def count_exercises(source: str) -> int:
    return sum(1 for line in source.splitlines() if BEGIN.match(line))


def write_student_notebooks(sources: list[Path], outdir: Path) -> list[Path]:
    """Write NAME.ipynb for each jupytext source, solutions stripped. Returns the paths."""
    import jupytext

    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sources:
        text = strip_solutions(src.read_text(), origin=str(src))
        notebook = jupytext.reads(text, fmt="py:percent")
        target = outdir / f"{src.stem}.ipynb"
        tmp = target.with_suffix(".ipynb.tmp")
        tmp.write_text(jupytext.writes(notebook, fmt="ipynb"))  # jupytext.write refuses a .tmp name
        tmp.replace(target)
        written.append(target)
    return written
