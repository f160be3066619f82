"""Made-up submissions that test the grading path: the instructor's solutions, the untouched
student copy, one with exactly some exercises right, one that calls the course's own
implementations, and broken ones of every kind a class hands in."""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path

import nbformat

from course.coursework.assign import exercise_shortcuts


def _exercise_cells(notebook) -> list:
    return [c for c in notebook.cells if c.cell_type == "code" and "exercise" in c.metadata.get("tags", [])]


def _function_name(cell) -> str | None:
    import ast

    for node in ast.parse(cell.source).body:
        if isinstance(node, ast.FunctionDef):
            return node.name
    return None


def with_solutions(student, solutions, which: list[int]):
    """The student notebook with the exercises numbered `which` (0-based) answered as the solutions do."""
    notebook = copy.deepcopy(student)
    mine, theirs = _exercise_cells(notebook), _exercise_cells(solutions)
    assert len(mine) == len(theirs), "student and solutions notebooks have different exercises"
    for index in which:
        mine[index].source = theirs[index].source
    return notebook


def with_shortcuts(student):
    """Every function exercise delegated to the course's own function of that name, where one exists.
    Returns (notebook, how many exercises were short-cut)."""
    notebook = copy.deepcopy(student)
    count = 0
    for number, cell in enumerate(_exercise_cells(notebook)):
        name = _function_name(cell)
        paths = exercise_shortcuts(name) if name else []
        if not paths:
            continue
        module, _, attribute = paths[0].partition(":")
        if number % 2 == 0:  # a wrapper that calls it ...
            cell.source = (
                f"from {module} import {attribute} as _course_{name}\n\n\n"
                f"def {name}(*args, **kwargs):\n    return _course_{name}(*args, **kwargs)\n"
            )
        else:  # ... or the course's function itself under the exercise's name
            cell.source = f"from {module} import {attribute} as {name}\n"
        count += 1
    return notebook, count


def write_bad_submissions(student, outdir: Path) -> dict[str, str]:
    """One file per kind of broken submission; returns student name -> what is wrong with it."""
    outdir.mkdir(parents=True, exist_ok=True)
    kinds = {}

    (outdir / "bad_not_a_notebook.txt").write_text("I attached my essay instead.\n")
    kinds["bad_not_a_notebook"] = "a text file"
    (outdir / "bad_empty.ipynb").write_bytes(b"")
    kinds["bad_empty"] = "an empty file"
    (outdir / "bad_malformed.ipynb").write_text('{"cells": [ {"cell_type": "code", "source": ')
    kinds["bad_malformed"] = "truncated JSON"
    nbformat.write(nbformat.v4.new_notebook(), outdir / "bad_no_cells.ipynb")
    kinds["bad_no_cells"] = "a notebook without cells"
    with zipfile.ZipFile(outdir / "bad_zip_without_notebook.zip", "w") as archive:
        archive.writestr("notes.txt", "no notebook here")
    kinds["bad_zip_without_notebook"] = "an export zip without a notebook"

    looping = copy.deepcopy(student)
    _exercise_cells(looping)[0].source = "while True:\n    pass\n"
    nbformat.write(looping, outdir / "bad_endless_loop.ipynb")
    kinds["bad_endless_loop"] = "a cell that never ends"

    crashing = copy.deepcopy(student)
    _exercise_cells(crashing)[0].source = "import os\n\nos._exit(3)  # the kernel dies\n"
    nbformat.write(crashing, outdir / "bad_kernel_dies.ipynb")
    kinds["bad_kernel_dies"] = "a cell that kills the kernel"

    raising = copy.deepcopy(student)
    raising.cells.insert(0, nbformat.v4.new_code_cell("raise RuntimeError('my own bug')"))
    nbformat.write(raising, outdir / "bad_raises.ipynb")
    kinds["bad_raises"] = "a cell that raises"

    not_json = json.loads(nbformat.writes(student))
    not_json["nbformat"] = 99
    (outdir / "bad_future_format.ipynb").write_text(json.dumps(not_json))
    kinds["bad_future_format"] = "an unknown notebook format version"
    return kinds


def write_export_zip(notebook, path: Path) -> None:
    """A submission as otter's export cell packs it: the notebook inside a zip."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{path.stem}.ipynb", nbformat.writes(notebook))
