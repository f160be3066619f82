"""Grade a class offline: `python -m course grade AUTOGRADER_ZIP SUBMISSIONS_DIR --out grades.csv`.

Every submission (a notebook, or the zip otter's export cell writes) is graded by otter's own
runner without Docker (`otter.api.grade_submission`, in a fresh process per submission with a time
limit), as many at once as there are cores. One row per student: points per exercise, total, and
a reason whenever something kept a submission from being graded (not a notebook, empty, crashed,
too slow) — that row gets 0 and the run goes on. The table is rewritten atomically after every
submission, and a second run skips the submissions already graded (same student, same file).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from course.core.paths import REPO_ROOT

SUBMISSION_SUFFIXES = (".ipynb", ".zip")
DEFAULT_TIMEOUT_S = 300


@dataclass
class Row:
    student: str
    sha256: str
    scores: dict[str, float]
    total: float
    possible: float
    seconds: float
    reason: str = ""


def autograder_questions(autograder_zip: Path) -> dict[str, float]:
    """Question name -> points, read from the autograder zip's test files."""
    import ast

    questions: dict[str, float] = {}
    with zipfile.ZipFile(autograder_zip) as archive:
        for name in archive.namelist():
            if name.startswith("tests/") and name.endswith(".py"):
                tree = ast.parse(archive.read(name).decode())
                values = {
                    node.targets[0].id: node.value
                    for node in tree.body
                    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                }
                question = ast.literal_eval(values["name"]) if "name" in values else Path(name).stem
                questions[question] = float(ast.literal_eval(values["points"])) if "points" in values else 1.0
    return questions


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _problem(path: Path) -> str:
    """Why this file cannot be graded, or "" if it looks like a submission."""
    import nbformat

    if path.stat().st_size == 0:
        return "empty file"
    if path.suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                notebooks = [n for n in archive.namelist() if n.endswith(".ipynb")]
        except zipfile.BadZipFile:
            return "not a zip file"
        return "" if notebooks else "zip holds no notebook"
    if path.suffix != ".ipynb":
        return f"not a notebook ({path.suffix or 'no extension'}): submit the .ipynb or otter's export zip"
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as err:  # nbformat raises several kinds for a broken file
        return f"not a notebook: {type(err).__name__}"
    if not notebook.cells:
        return "empty notebook"
    return ""


def _grade_in_child(autograder_zip: Path, submission: Path, timeout_s: float) -> tuple[dict, str]:
    """Run otter on one submission in its own process group; (results, reason)."""
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        result_path = Path(tmp) / "result.json"
        env = {**os.environ, "MPLBACKEND": "Agg", "COURSE_OFFLINE": "1"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
        process = subprocess.Popen(
            [sys.executable, "-m", "course.coursework.grade", str(autograder_zip), str(submission), str(result_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=tmp,
            start_new_session=True,  # its kernel joins the group, so a timeout ends both
        )
        try:
            output, _ = process.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return {}, f"timed out after {timeout_s:.0f} s (an endless loop?)"
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # a kernel left behind
            except ProcessLookupError:
                pass
        if process.returncode != 0 or not result_path.exists():
            last = [line for line in (output or "").strip().splitlines() if line.strip()][-1:] or ["no output"]
            return {}, f"grader failed: {last[0][:200]}"
        return json.loads(result_path.read_text()), ""


def grade_one(autograder_zip: Path, submission: Path, questions: dict[str, float], timeout_s: float) -> Row:
    start = time.perf_counter()
    student = submission.stem
    digest = _sha256(submission)
    reason = _problem(submission)
    scores = {name: 0.0 for name in questions}
    if not reason:
        results, reason = _grade_in_child(autograder_zip, submission, timeout_s)
        for name, score in results.get("scores", {}).items():
            if name in scores:
                scores[name] = float(score)
        if not reason and results.get("failed_cells"):
            reason = f"{results['failed_cells']} cell(s) raised an error; graded what ran"
    return Row(
        student,
        digest,
        scores,
        sum(scores.values()),
        sum(questions.values()),
        round(time.perf_counter() - start, 1),
        reason,
    )


def _columns(questions: dict[str, float]) -> list[str]:
    return ["student", *questions, "total", "possible", "reason", "seconds", "sha256"]


def _write_rows(path: Path, rows: dict[str, Row], questions: dict[str, float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_columns(questions))
        for student in sorted(rows):
            row = rows[student]
            writer.writerow(
                [
                    row.student,
                    *(f"{row.scores.get(q, 0.0):g}" for q in questions),
                    f"{row.total:g}",
                    f"{row.possible:g}",
                    row.reason,
                    f"{row.seconds:g}",
                    row.sha256,
                ]
            )
    tmp.replace(path)


def _read_rows(path: Path, questions: dict[str, float]) -> dict[str, Row]:
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != _columns(questions):
            raise ValueError(f"{path} was written for another assignment; give another --out or remove it")
        return {
            r["student"]: Row(
                r["student"],
                r["sha256"],
                {q: float(r[q]) for q in questions},
                float(r["total"]),
                float(r["possible"]),
                float(r["seconds"]),
                r["reason"],
            )
            for r in reader
        }


def grade_class(
    autograder_zip: Path,
    submissions_dir: Path,
    out: Path,
    *,
    workers: int | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    progress=print,
) -> dict[str, Row]:
    """Grade every file in SUBMISSIONS_DIR into the CSV `out`; returns the rows by student."""
    autograder_zip, submissions_dir, out = Path(autograder_zip), Path(submissions_dir), Path(out)
    if not autograder_zip.is_file() or not zipfile.is_zipfile(autograder_zip):
        raise ValueError(f"{autograder_zip} is not an autograder zip: run `python -m course assign OUTDIR` first")
    if not submissions_dir.is_dir():
        raise ValueError(f"{submissions_dir} is not a folder of submissions (one .ipynb or export zip per student)")
    questions = autograder_questions(autograder_zip)
    rows = _read_rows(out, questions)
    files = sorted(p for p in submissions_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    stems = [p.stem for p in files]
    clashes = sorted({s for s in stems if stems.count(s) > 1})
    if clashes:
        raise ValueError(f"two submissions for {', '.join(clashes)}: keep one file per student in {submissions_dir}")
    todo = [p for p in files if not (p.stem in rows and rows[p.stem].sha256 == _sha256(p))]
    progress(f"{len(files) - len(todo)} already graded, {len(todo)} to grade, {len(questions)} questions")
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(grade_one, autograder_zip, p, questions, timeout_s): p for p in todo}
        for future in as_completed(futures):
            try:
                row = future.result()
            except Exception as err:  # never lose the other rows over one submission
                path = futures[future]
                row = Row(path.stem, _sha256(path), {q: 0.0 for q in questions}, 0.0, sum(questions.values()), 0.0)
                row.reason = f"grader failed: {type(err).__name__}: {err}"[:200]
            rows[row.student] = row
            _write_rows(out, rows, questions)
            progress(f"{row.student}: {row.total:g}/{row.possible:g} {row.reason}".rstrip())
    if not rows:
        _write_rows(out, rows, questions)
    return rows


def _child(autograder_zip: str, submission: str, result_path: str) -> None:
    """In the child process: otter's own runner on one submission; scores to a JSON file."""
    import logging
    import warnings

    import otter.api

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    results = otter.api.grade_submission(submission, autograder_zip, quiet=True)
    scores = {name: result.score for name, result in results.results.items()}
    failed = 0
    notebook = getattr(results, "notebook", None)
    if notebook is not None:
        failed = sum(
            any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            for cell in notebook.cells
            if cell.cell_type == "code"
        )
    Path(result_path).write_text(json.dumps({"scores": scores, "failed_cells": failed}))


if __name__ == "__main__":
    _child(*sys.argv[1:4])
