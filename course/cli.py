"""`python -m course …`: list, train, bench, verify, student; for instructors assign and grade.

Every command fails with a one-line message that says what is wrong and how to fix it.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
from pathlib import Path


def _cmd_list(args) -> int:
    from course.core.checkpoints import checkpoint_status
    from course.lessons import LESSONS

    if args.lessons:
        print("\n".join(LESSONS))
        return 0
    shown: set[int] = set()
    for key, lesson in LESSONS.items():
        # A lesson with two benchmarks (Lesson 03: the Kodak codec and GLC) is listed under one number.
        if lesson.number not in shown:
            notebook = next(
                (other.notebook for other in LESSONS.values() if other.number == lesson.number and other.notebook), None
            )
            print(f"{lesson.number:02d} {lesson.title}  notebooks/{notebook}" if notebook else f"{lesson.number:02d}")
            shown.add(lesson.number)
        print(f"   bench [{key}]" + ("" if lesson.notebook else f": {lesson.title}"))
        for spec in lesson.models():
            print(f"     {spec.name:<24} {checkpoint_status(spec.name):<8} {spec.description}")
    return 0


def _cmd_train(args) -> int:
    from course.core.checkpoints import read_manifest
    from course.lessons import all_models, get_model_spec, train_model

    names = list(all_models()) if args.names == ["all"] else args.names
    for name in names:  # every name and the manifest checked before hours of training, not after
        get_model_spec(name)
    read_manifest()
    for name in names:
        result = train_model(name, quick=args.quick, seed=args.seed)
        print(json.dumps(result))
    return 0


def _cmd_bench(args) -> int:
    from course.core.files import atomic_write_text, check_target
    from course.lessons import get_bench

    bench = get_bench(args.lesson)
    if args.json:
        check_target(Path(args.json))  # before the run, not after it
    options = {"quick": args.quick}
    # flags only some lessons' benches take: (flag, bench parameter, value, given)
    for flag, parameter, value, given in (
        ("--all", "all_tasks", True, args.all),
        ("--workers", "workers", args.workers, args.workers is not None),
        ("--resume", "resume", True, args.resume),
    ):
        if given:
            if parameter not in inspect.signature(bench).parameters:
                raise ValueError(f"`bench {args.lesson}` has no {flag}; run it without {flag}")
            options[parameter] = value
    result = bench(**options)
    text = json.dumps(result, indent=2)
    if args.json:
        path = Path(args.json)
        atomic_write_text(path, text + "\n")
    print(text)
    return 0


def _error_of(function, *args) -> Exception | None:
    try:
        function(*args)
    except Exception as err:  # noqa: BLE001 -- the caller reports it
        return err
    return None


def _cmd_verify(args) -> int:
    from course.core.checkpoints import (
        CheckpointError,
        checkpoint_status,
        config_from_entry,
        manifest_entry,
        read_manifest,
        repo_relative,
        verify_datasets,
    )
    from course.core.paths import data_dir
    from course.lessons import DATASETS, all_models

    models = all_models()
    manifest = read_manifest()  # a manifest of the wrong shape stops here, with its own fix
    retrain, restore = [], []
    for name, spec in models.items():
        status = checkpoint_status(name)
        if status == "ok":  # the hash is right; do the recorded config and the tensors still build this model?
            try:
                config_from_entry(type(spec.make_config(False)), manifest_entry(name) or {}, name)
                if spec.load is not None:
                    spec.load()
            except CheckpointError as err:
                status, why = "config", str(err).split(". Rebuild")[0]
        elif status == "malformed":
            why = str(_error_of(manifest_entry, name)).split(". Rebuild")[0]
        print(f"{status:<8} checkpoint {name}" + (f": {why}" if status in ("config", "malformed") else ""))
        if status != "ok":
            retrain.append(name)
    for name in sorted(set(manifest) - set(models)):
        print(f"{'unused':<8} checkpoint {name} (in the manifest, but no lesson has a model of that name)")
    for path, status in verify_datasets(list(DATASETS)):
        print(f"{status:<8} dataset    {path}")
        if status != "ok":
            restore.append(path.split("/")[0])
    if not retrain and not restore:
        return 0
    fixes = []
    data = repo_relative(data_dir())
    in_git = not data.startswith("/")
    if retrain:
        names = " ".join(retrain)
        git = f" or `git checkout -- {data}/checkpoints`" if in_git else ""
        fixes.append(f"{len(retrain)} checkpoint(s) failed: `python -m course train {names}`{git}")
    if restore:
        folders = " ".join(f"{data}/{folder}" for folder in sorted(set(restore)))
        how = f"`git checkout -- {folders}`" if in_git else f"copy {folders} back from the course's data/ folder"
        fixes.append(f"dataset(s) failed: {how}")
    print("verification failed. " + "; ".join(fixes) + " (from the repository root).", file=sys.stderr)
    return 1


def _cmd_student(args) -> int:
    from course.core.exercises import write_student_notebooks
    from course.core.paths import NOTEBOOKS_DIR
    from course.lessons import LESSONS

    outdir = Path(args.outdir)
    if outdir.resolve() == NOTEBOOKS_DIR.resolve() or NOTEBOOKS_DIR.resolve() in outdir.resolve().parents:
        raise ValueError(
            f"{args.outdir} is the course's own notebooks/ folder: student copies there would replace the "
            "lessons that `make test` runs. Give another folder, e.g. `python -m course student student`."
        )
    sources = [NOTEBOOKS_DIR / lesson.notebook for lesson in LESSONS.values() if lesson.notebook]
    for path in write_student_notebooks(sources, outdir):
        print(path)
    return 0


def _instructor_tools() -> None:
    try:
        import otter  # noqa: F401
    except ImportError:
        raise ValueError("the instructor tools (otter-grader) are not installed: run `make setup-instructor`") from None


def _cmd_assign(args) -> int:
    _instructor_tools()
    from course.coursework.assign import assign, lesson_sources

    sources = lesson_sources()
    if args.lessons:
        known = {source.stem: source for source in sources}
        unknown = [name for name in args.lessons if name not in known]
        if unknown:
            raise ValueError(f"unknown lesson {', '.join(unknown)}; known: {', '.join(known)}")
        sources = [known[name] for name in args.lessons]
    for summary in assign(Path(args.outdir), sources):
        print(f"{summary['lesson']}: {len(summary['exercises'])} graded exercises -> {summary['autograder']}")
    print(f"student notebooks in {Path(args.outdir) / 'student'}, solutions in {Path(args.outdir) / 'solutions'}")
    return 0


def _cmd_grade(args) -> int:
    _instructor_tools()
    from course.coursework.grade import grade_class

    rows = grade_class(
        Path(args.autograder), Path(args.submissions), Path(args.out), workers=args.workers, timeout_s=args.timeout
    )
    flagged = sum(1 for row in rows.values() if row.reason)
    print(f"{len(rows)} students in {args.out}" + (f"; {flagged} with a reason to look at" if flagged else ""))
    return 0


def _cmd_codec(args) -> int:
    from course.compression.files import decode_file, encode_file

    if args.action == "encode":
        result = encode_file(args.source, args.target, args.quality, args.kind)
    else:
        result = decode_file(args.source, args.target)
    print(json.dumps(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="lessons, models and checkpoint status")
    p.add_argument("--lessons", action="store_true", help="print only the lesson keys")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("train", help="retrain models and rewrite their checkpoints (seeded)")
    p.add_argument("names", nargs="+", help="model names from `list`, or `all`")
    p.add_argument("--quick", action="store_true", help="a tiny run for tests (use with --data-dir)")
    p.add_argument("--seed", type=int, default=None, help="override the config's seed")
    p.add_argument("--data-dir", help="write checkpoints under this folder instead of data/")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("bench", help="a lesson's figures as one JSON object")
    p.add_argument("lesson", help="lesson key from `list --lessons`")
    p.add_argument("--json", metavar="PATH", help="also write the JSON object to PATH")
    p.add_argument("--quick", action="store_true", help="a fast, smaller measurement (for tests)")
    p.add_argument("--all", action="store_true", help="arc: all 178 small tasks instead of the fixed sample of 20")
    p.add_argument("--workers", type=int, help="arc: tasks solved at once, one process (and core) each")
    p.add_argument(
        "--resume",
        action="store_true",
        help="arc: go on from the task outcomes a stopped run recorded (build/bench/) instead of starting over",
    )
    p.set_defaults(func=_cmd_bench)

    p = sub.add_parser("verify", help="SHA-256 of every shipped checkpoint and dataset")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser(
        "codec", help="compress an image with a learned codec, or decompress a .glc file of any course model"
    )
    p.add_argument("action", choices=["encode", "decode"])
    p.add_argument("source", help="encode: an RGB image file; decode: a .glc file")
    p.add_argument("target", help="encode: the .glc file to write; decode: the image file to write")
    p.add_argument("--quality", type=int, default=4, help="encode: the rate point, 1 (fewest bits) … 8 (best quality)")
    p.add_argument("--kind", default="hyperprior", choices=["hyperprior", "factorized"], help="encode: which codec")
    p.set_defaults(func=_cmd_codec)

    p = sub.add_parser("student", help="write the student notebooks (exercises stubbed) to OUTDIR")
    p.add_argument("outdir")
    p.set_defaults(func=_cmd_student)

    p = sub.add_parser("assign", help="instructors: each lesson as an otter-grader assignment in OUTDIR")
    p.add_argument("outdir")
    p.add_argument("--lessons", nargs="+", metavar="NN_NAME", help="only these lessons, e.g. 01_embeddings")
    p.set_defaults(func=_cmd_assign)

    p = sub.add_parser("grade", help="instructors: grade a folder of submissions with an autograder zip")
    p.add_argument("autograder", metavar="AUTOGRADER_ZIP", help="from `assign`: OUTDIR/autograder/NN_NAME.zip")
    p.add_argument("submissions", metavar="SUBMISSIONS_DIR", help="one .ipynb (or otter export zip) per student")
    p.add_argument("--out", default="grades.csv", help="the table to write (rows already graded are kept)")
    p.add_argument("--workers", type=int, default=None, help="submissions graded at once (default: the cores)")
    p.add_argument("--timeout", type=float, default=300, help="seconds one submission may take before it gets 0")
    p.set_defaults(func=_cmd_grade)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "data_dir", None):
        os.environ["COURSE_DATA_DIR"] = str(Path(args.data_dir).resolve())
    elif getattr(args, "quick", False) and args.command == "train":
        print(
            "error: `train --quick` writes small test checkpoints; give --data-dir so the "
            "shipped ones in data/ are not replaced.",
            file=sys.stderr,
        )
        return 2
    from course.core.checkpoints import CheckpointError

    try:
        return args.func(args)
    except (CheckpointError, KeyError, ValueError) as err:
        message = err.args[0] if isinstance(err, KeyError) and err.args else err
        print(f"error: {message}", file=sys.stderr)
        return 2
    except OSError as err:  # a file that is missing, unreadable, a folder, or on a full disk: one line
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{err.strerror or err}", file=sys.stderr)
        return 2
