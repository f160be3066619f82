"""The table of contents (`course.lessons`): every lesson registers the same way; core knows none."""

import ast
import subprocess
import sys

from course.core.paths import REPO_ROOT
from course.lessons import LESSONS, all_models


def _imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_core_imports_no_lesson():
    core = REPO_ROOT / "course" / "core"
    for path in sorted(core.glob("*.py")):
        for module in _imported_modules(path):
            if module.startswith("course."):
                assert module.startswith("course.core"), f"{path.name} imports {module}: core must know no lesson"


def test_importing_core_loads_no_lesson_package():
    code = (
        "import sys, pkgutil, importlib, course.core\n"
        "for m in pkgutil.iter_modules(course.core.__path__): importlib.import_module('course.core.' + m.name)\n"
        "print(sorted(n for n in sys.modules if n.startswith('course.') and not n.startswith('course.core')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout


def test_every_lesson_registers_models_in_its_presets_and_a_bench():
    for key, lesson in LESSONS.items():
        assert lesson.presets.endswith(".presets"), f"{key}: models are registered in a `presets` module"
        assert callable(lesson.bench()), key
        for spec in lesson.models():
            assert spec.name and spec.description and callable(spec.make_config) and callable(spec.train), spec


def test_model_names_are_unique_across_lessons():
    names = [spec.name for lesson in LESSONS.values() for spec in lesson.models()]
    assert len(names) == len(set(names)) == len(all_models())


def test_lesson_packages_register_nothing_at_import():
    # a lesson package's __init__ only documents it: registering happens in its presets module,
    # so `python -m PACKAGE.runs` is the first to import `runs`
    for lesson in LESSONS.values():
        package = lesson.presets.rsplit(".", 1)[0]
        assert lesson.analysis == f"{package}.analysis", f"{lesson.key}: the bench lives in {package}.analysis"
        while package != "course":
            init = REPO_ROOT / package.replace(".", "/") / "__init__.py"
            assert not list(_imported_modules(init)), f"{init} imports modules; register in {lesson.presets}"
            package = package.rsplit(".", 1)[0]


def test_library_code_never_runs_a_notebook():
    for path in sorted((REPO_ROOT / "course").rglob("*.py")):
        for module in _imported_modules(path):
            assert module.split(".")[0] not in {"nbclient", "nbconvert", "papermill"}, f"{path} runs notebooks"
