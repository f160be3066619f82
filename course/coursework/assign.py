"""Lessons as otter-grader assignments: `python -m course assign OUTDIR`.

Each lesson's jupytext source becomes an otter *master notebook* (otter's assign format: raw cells
`# ASSIGNMENT CONFIG`, `# BEGIN QUESTION`, `# BEGIN SOLUTION`, `# BEGIN TESTS`), and otter's own
`otter assign` turns it into a student notebook, an autograder zip and a solutions notebook.

One exercise (a cell tagged `exercise` and its `check` cell) is one otter question, all or nothing:
- a public test: the lesson's own check cell, run on the learner's function or answer (the ✓/✗ the
  learner sees while working);
- a hidden test, only in the autograder zip: the learner's function against the instructor's
  solution on inputs drawn from a seed the learner never sees, with every course function that
  could stand in for it poisoned (so calling the course's own implementation fails), or, for a
  question, the plain reference answer.
The hidden inputs live in `instructor/hidden_tests/<lesson>.py`, outside the importable package.

When grading, otter runs only the cells that matter (the others are tagged `otter_ignore`): one
cell of the lesson's imports, the exercises, and whatever cells the learner added.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from course.core.exercises import BEGIN, END, strip_solutions
from course.core.files import atomic_write_text
from course.core.paths import NOTEBOOKS_DIR, REPO_ROOT

HIDDEN_TESTS_DIR = REPO_ROOT / "instructor" / "hidden_tests"
IGNORE_TAG = "otter_ignore"  # otter skips these cells when it grades
# Points per exercise: an implemented function (a public and a hidden test) and a question.
FUNCTION_POINTS, QUESTION_POINTS = 2, 1
PRELUDE_HEADER = "# The lesson's imports. When your work is graded only this cell, the exercises and cells you add run."


@dataclass
class Exercise:
    lesson: str  # the notebook's stem, e.g. "01_embeddings"
    name: str  # the function the learner writes, or the question's `answer_<id>` variable
    kind: str  # "function" or "question"
    cell: int  # index of the exercise cell in the lesson
    check: int | None  # index of its check cell
    reference: Any = None  # a question's plain answer (only the autograder sees it)
    points: int = field(init=False)

    def __post_init__(self):
        self.points = QUESTION_POINTS if self.kind == "question" else FUNCTION_POINTS


def lesson_sources() -> list[Path]:
    from course.lessons import LESSONS

    return [NOTEBOOKS_DIR / lesson.notebook for lesson in LESSONS.values() if lesson.notebook]


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def _solution_block(source: str) -> tuple[int, int]:
    lines = source.splitlines()
    begin = next(i for i, line in enumerate(lines) if BEGIN.match(line))
    end = next(i for i, line in enumerate(lines) if END.match(line) and i > begin)
    return begin, end


def _exercise_name(source: str, origin: str) -> tuple[str, str, Any]:
    """(name, kind, reference answer) of an exercise cell: the function whose body holds the
    solution block, or the `answer_<id>` the block assigns."""
    begin, end = _solution_block(source)
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            node.lineno <= begin + 1 <= (node.end_lineno or node.lineno)
        ):
            return node.name, "function", None
    block = ast.parse(textwrap.dedent("\n".join(source.splitlines()[begin + 1 : end])))
    for node in block.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id.startswith("answer_"):
                # a literal, or arithmetic on literals (`24 / 2.7`): the instructor's own source
                value = eval(compile(ast.Expression(node.value), origin, "eval"), {"__builtins__": {}})
                return node.targets[0].id, "question", value
    raise ValueError(f"{origin}: an exercise cell must define a function or assign one answer_<id>")


def read_exercises(source_path: Path) -> tuple[Any, list[Exercise]]:
    """The lesson's notebook (jupytext) and its exercises in order."""
    import jupytext

    notebook = jupytext.reads(source_path.read_text(), fmt="py:percent")
    exercises = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or "exercise" not in _tags(cell):
            continue
        name, kind, reference = _exercise_name(cell.source, f"{source_path.name} cell {index}")
        check = next(
            (j for j in range(index + 1, len(notebook.cells)) if "check" in _tags(notebook.cells[j])),
            None,
        )
        if check is not None and any("exercise" in _tags(c) for c in notebook.cells[index + 1 : check]):
            check = None  # that check belongs to a later exercise
        exercises.append(Exercise(source_path.stem, name, kind, index, check, reference))
    return notebook, exercises


def _names_used(source: str) -> set[str]:
    try:
        return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
    except SyntaxError:
        return set()


def lesson_imports(notebook) -> str:
    """The top-level imports of the lesson's ordinary cells that its exercise and check cells use,
    once each, in order: all a graded run needs (the lesson's heavier imports stay out)."""
    used: set[str] = set()
    for cell in notebook.cells:
        if cell.cell_type == "code" and {"exercise", "check"} & set(_tags(cell)):
            used |= _names_used(cell.source)
    seen: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or "exercise" in _tags(cell):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            bound = {(alias.asname or alias.name).split(".")[0] for alias in node.names}
            line = ast.get_source_segment(cell.source, node)
            if bound & used and line and line not in seen:
                seen.append(line)
    return "\n".join(seen) + "\n"


def load_hidden(lesson: str) -> tuple[str, dict]:
    """The lesson's hidden-input generators: (source, module namespace)."""
    path = HIDDEN_TESTS_DIR / f"{lesson}.py"
    if not path.exists():
        return "", {}
    source = path.read_text()
    namespace: dict[str, Any] = {"__name__": f"hidden_{lesson}"}
    exec(compile(source, str(path), "exec"), namespace)
    return source, namespace


def _master_solution(source: str) -> str:
    """The exercise cell in otter's markup: the stub the learner sees as a prompt (a string the
    solution skips), then the solution (which the student copy drops)."""
    lines = source.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        begin = BEGIN.match(lines[i])
        if not begin:
            out.append(lines[i])
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if END.match(lines[j]))
        block = "\n".join(lines[i : end + 1]) + "\n"
        stub = strip_solutions(block).rstrip("\n").splitlines()
        indent = begin.group("indent")
        out += [f'{indent}""" # BEGIN PROMPT', *stub, f'{indent}""" # END PROMPT']
        out += [f"{indent}# BEGIN SOLUTION NO PROMPT", *lines[i + 1 : end], f"{indent}# END SOLUTION"]
        i = end + 1
    return "\n".join(out)


def _test_cell(config: dict, function: str) -> str:
    head = '""" # BEGIN TEST CONFIG\n' + yaml.safe_dump(config).strip() + '\n""" # END TEST CONFIG\n'
    return head + function


def _public_test(exercise: Exercise, prelude: str, check_source: str) -> str:
    return _test_cell(
        {"hidden": False},
        f"def test_public({exercise.name}):\n"
        f"    from course.coursework.hidden import public_check\n\n"
        f"    public_check({prelude!r}, {check_source!r}, {{{exercise.name!r}: {exercise.name}}})\n\n\n"
        f"test_public({exercise.name})\n",
    )


def _hidden_function_test(exercise: Exercise, prelude: str, reference: str, hidden: tuple[str, dict]) -> str:
    source, namespace = hidden
    if exercise.name not in namespace:
        raise ValueError(
            f"{exercise.lesson}: exercise {exercise.name!r} has no hidden inputs; add a function "
            f"`{exercise.name}(rng)` returning argument tuples to instructor/hidden_tests/{exercise.lesson}.py"
        )
    shortcuts = sorted({*exercise_shortcuts(exercise.name), *namespace.get("SHORTCUTS", {}).get(exercise.name, [])})
    rtol, atol = namespace.get("TOLERANCE", {}).get(exercise.name, (1e-5, 1e-6))
    options = (
        f"prelude={prelude!r}, reference_source={reference!r}, inputs_source={source!r}, "
        f"shortcuts={shortcuts!r}, seed={namespace.get('SEED', 0)!r}, rtol={rtol!r}, atol={atol!r}"
    )
    return _test_cell(
        {"hidden": True},
        f"def test_hidden({exercise.name}):\n"
        f"    from course.coursework.hidden import hidden_check\n\n"
        f"    hidden_check({exercise.name!r}, {exercise.name}, {options})\n\n\n"
        f"test_hidden({exercise.name})\n",
    )


def _question_tolerance(check_source: str) -> float:
    """The ± tolerance of the question the check cell asks (`check_answer("lesson.id", ...)`)."""
    from course.core.exercises import get_question

    for node in ast.walk(ast.parse(check_source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "check_answer":
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                return float(get_question(node.args[0].value).tolerance or 0.0)
    raise ValueError(f'a question\'s check cell must call check_answer("lesson.id", answer): {check_source!r}')


def _hidden_answer_test(exercise: Exercise, check_source: str) -> str:
    rel_tol, abs_tol = 0.0, _question_tolerance(check_source) if not isinstance(exercise.reference, str) else 0.0
    return _test_cell(
        {"hidden": True},
        f"def test_hidden({exercise.name}):\n"
        f"    from course.coursework.hidden import hidden_answer\n\n"
        f"    hidden_answer({exercise.name!r}, {exercise.name}, {exercise.reference!r}, {rel_tol!r}, {abs_tol!r})\n\n\n"
        f"test_hidden({exercise.name})\n",
    )


_SHORTCUT_CACHE: dict[str, list[str]] = {}


def exercise_shortcuts(name: str) -> list[str]:
    """Every function of the course's packages with the exercise's name: the course's own answer."""
    if name not in _SHORTCUT_CACHE:
        from course.coursework.hidden import course_functions_named
        from course.lessons import LESSONS

        packages = sorted({".".join(lesson.presets.split(".")[:2]) for lesson in LESSONS.values()})
        _SHORTCUT_CACHE[name] = course_functions_named(name, packages)
    return _SHORTCUT_CACHE[name]


def _raw(text: str):
    import nbformat

    return nbformat.v4.new_raw_cell(text)


def master_notebook(source_path: Path):
    """The otter master notebook of one lesson, and its exercises."""
    import nbformat

    notebook, exercises = read_exercises(source_path)
    lesson = source_path.stem
    prelude = lesson_imports(notebook)
    hidden = load_hidden(lesson)
    config = {
        "name": lesson,
        "init_cell": False,  # the learner's notebook needs no otter: the lesson's check cells give ✓/✗
        "check_all_cell": False,
        "export_cell": False,
        "run_tests": False,  # `course grade` scores the solutions instead (the same runner as a class)
        "solutions_pdf": False,
        "tests": {"files": True, "ok_format": False},
        "generate": {"pdf": False, "zips": False},
        "python_version": "3.11",
    }
    by_cell = {exercise.cell: exercise for exercise in exercises}
    cells = [_raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False))]
    prelude_cell = nbformat.v4.new_code_cell(PRELUDE_HEADER + "\n" + prelude)
    placed_prelude = False
    for index, cell in enumerate(notebook.cells):
        cell = nbformat.from_dict(json.loads(json.dumps(cell)))  # a copy with the notebook's node types
        if cell.cell_type == "code" and not placed_prelude:
            cells.append(prelude_cell)
            placed_prelude = True
        if index in by_cell:
            exercise = by_cell[index]
            check_source = notebook.cells[exercise.check].source if exercise.check is not None else ""
            question = {"name": exercise.name, "points": exercise.points, "all_or_nothing": True, "check_cell": False}
            cells.append(_raw("# BEGIN QUESTION\n" + yaml.safe_dump(question, sort_keys=False)))
            cells.append(_raw("# BEGIN SOLUTION"))
            cell.source = _master_solution(cell.source)
            cells.append(cell)
            cells.append(_raw("# END SOLUTION"))
            cells.append(_raw("# BEGIN TESTS"))
            if check_source:
                cells.append(nbformat.v4.new_code_cell(_public_test(exercise, prelude, check_source)))
            if exercise.kind == "function":
                test = _hidden_function_test(exercise, prelude, notebook.cells[index].source, hidden)
            else:
                test = _hidden_answer_test(exercise, check_source)
            cells.append(nbformat.v4.new_code_cell(test))
            cells.append(_raw("# END TESTS"))
            cells.append(_raw("# END QUESTION"))
            continue
        if cell.cell_type == "code":
            first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
            if first.lower().replace(" ", "").startswith(("#ignore", "##ignore##")):
                cell.source = "\n" + cell.source  # otter would drop a cell whose first line reads "# ignore"
            # a check cell too: the learner still sees it, and the graded public test reruns it
            cell.metadata["tags"] = [*_tags(cell), IGNORE_TAG]
        cells.append(cell)
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    master = nbformat.v4.new_notebook(cells=cells, metadata=dict(notebook.metadata))
    master.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    master.metadata.pop("jupytext", None)
    return master, exercises


def assign(outdir: Path, sources: list[Path] | None = None) -> list[dict]:
    """Write, for each lesson, OUTDIR/student/<lesson>.ipynb, OUTDIR/autograder/<lesson>.zip and
    OUTDIR/solutions/<lesson>.ipynb (otter's full output under OUTDIR/otter/<lesson>/).
    Returns one summary per lesson."""
    import nbformat

    outdir = Path(outdir)
    summaries = []
    for source in sources or lesson_sources():
        lesson = source.stem
        master, exercises = master_notebook(source)
        work = outdir / "otter" / lesson
        shutil.rmtree(work, ignore_errors=True)
        (work / "master").mkdir(parents=True)
        master_path = work / "master" / f"{lesson}.ipynb"
        nbformat.write(master, master_path)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        }
        result = subprocess.run(
            [sys.executable, "-m", "otter", "assign", "--no-pdfs", str(master_path), str(work / "dist")],
            capture_output=True,
            text=True,
            env=env,
            cwd=work / "master",
        )
        if result.returncode != 0:
            raise RuntimeError(f"otter assign failed for {lesson}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
        zips = sorted((work / "dist" / "autograder").glob("*.zip"))
        assert len(zips) == 1, f"otter assign wrote {len(zips)} autograder zips for {lesson}"
        targets = {
            "student": (work / "dist" / "student" / f"{lesson}.ipynb", outdir / "student" / f"{lesson}.ipynb"),
            "autograder": (zips[0], outdir / "autograder" / f"{lesson}.zip"),
            "solutions": (work / "dist" / "autograder" / f"{lesson}.ipynb", outdir / "solutions" / f"{lesson}.ipynb"),
        }
        for src, dst in targets.values():
            dst.parent.mkdir(parents=True, exist_ok=True)
            tmp = dst.with_name(dst.name + ".tmp")
            shutil.copyfile(src, tmp)
            tmp.replace(dst)
        summaries.append(
            {
                "lesson": lesson,
                "exercises": [e.name for e in exercises],
                "points": {e.name: e.points for e in exercises},
                **{key: str(dst) for key, (_, dst) in targets.items()},
            }
        )
    manifest = outdir / "assignments.json"
    atomic_write_text(manifest, json.dumps(summaries, indent=2) + "\n")
    return summaries
