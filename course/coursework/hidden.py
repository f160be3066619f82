"""What the graded tests run inside a submission's kernel. It holds no answers: the hidden inputs and
the instructor's reference solutions travel inside each hidden test, which only the autograder zip
contains.

- `public_check` runs the lesson's own check cell on the learner's names: the ✓/✗ they see.
- `hidden_check` compares the learner's function with the instructor's solution on inputs the
  learner never sees, while every course function that could stand in for the exercise is
  poisoned, so a submission that calls the course's own implementation fails.
- `hidden_answer` compares a question's answer with the plain reference answer.
"""

from __future__ import annotations

import collections
import contextlib
import importlib
import io
import math
import numbers
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

# What a check prints when the learner has not done the exercise: not a pass.
NOT_DONE = ("not done", "not answered", "✗")


class ShortcutError(AssertionError):
    pass


def _namespace(prelude: str, source: str = "", extra: dict | None = None) -> dict:
    namespace: dict[str, Any] = {"__name__": "__graded__"}
    exec(compile(prelude, "<imports>", "exec"), namespace)
    namespace.update(extra or {})
    if source:
        exec(compile(source, "<cell>", "exec"), namespace)
    return namespace


def public_check(prelude: str, check_source: str, names: dict) -> str:
    """Run the lesson's check cell with the learner's `names`; fail unless every check passed."""
    for name, value in names.items():
        assert value is not None, f"`{name}` is not defined: run the exercise cell"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _namespace(prelude, check_source, names)
    printed = out.getvalue()
    for sign in NOT_DONE:
        assert sign not in printed, f"the check says: {printed.strip()[-300:]}"
    assert "✓" in printed, f"the check printed no ✓: {printed.strip()[-300:]}"
    return printed


def _as_plain(value: Any) -> Any:
    """A value comparable across numpy, torch and Python containers."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        return value.detach().cpu().double().numpy()
    if isinstance(value, np.ndarray) or isinstance(value, (float, np.floating, np.integer)):
        return np.asarray(value, dtype=float)
    if isinstance(value, (list, tuple, collections.deque)):
        return [_as_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_plain(v) for k, v in value.items()}
    return value


def same(got: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-6) -> bool:
    got, expected = _as_plain(got), _as_plain(expected)
    if isinstance(expected, np.ndarray):
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return False
        return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True))
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(same(g, e, rtol, atol) for g, e in zip(got, expected))
        )
    if isinstance(expected, dict):
        return isinstance(got, dict) and got.keys() == expected.keys() and all(same(got[k], expected[k]) for k in got)
    return got == expected


def _resolve(path: str) -> Callable:
    module, _, attribute = path.partition(":")
    target: Any = importlib.import_module(module)
    for part in attribute.split("."):
        target = getattr(target, part)
    return target


def course_functions_named(name: str, packages: list[str]) -> list[str]:
    """`module:name` of every function called `name` in these course packages' modules."""
    import pkgutil

    found = []
    for package in packages:
        root = importlib.import_module(package)
        modules = [root]
        for info in pkgutil.walk_packages(getattr(root, "__path__", []), prefix=package + "."):
            if info.name.rsplit(".", 1)[-1] in ("runs", "__main__"):
                continue  # scripts, not libraries
            try:
                modules.append(importlib.import_module(info.name))
            except Exception:  # a module that needs something optional: it cannot be a shortcut either
                continue
        for module in modules:
            candidate = getattr(module, name, None)
            if isinstance(candidate, types.FunctionType) and candidate.__module__ == module.__name__:
                found.append(f"{module.__name__}:{name}")
    return sorted(set(found))


@contextlib.contextmanager
def poisoned(paths: list[str]) -> Iterator[None]:
    """While inside, calling any of these functions (through any alias) raises ShortcutError."""
    saved = []
    for path in paths:
        try:
            function = _resolve(path)
        except (ImportError, AttributeError):
            continue
        if not isinstance(function, types.FunctionType) or function.__code__.co_freevars:
            continue

        def refuse(*args, _path=path, **kwargs):
            raise ShortcutError(f"calls the course's own {_path}: write the exercise yourself")

        saved.append((function, function.__code__, function.__defaults__, function.__kwdefaults__))
        function.__code__ = refuse.__code__
        function.__defaults__ = refuse.__defaults__
        function.__kwdefaults__ = {"_path": path}
    try:
        yield
    finally:
        for function, code, defaults, kwdefaults in saved:
            function.__code__, function.__defaults__, function.__kwdefaults__ = code, defaults, kwdefaults


def hidden_check(
    name: str,
    learner: Callable | None,
    *,
    prelude: str,
    reference_source: str,
    inputs_source: str,
    shortcuts: list[str],
    seed: int,
    rtol: float = 1e-5,
    atol: float = 1e-6,
) -> None:
    """The learner's `name` agrees with the instructor's solution on fresh inputs, on its own."""
    assert callable(learner), f"`{name}` is not a function: run the exercise cell"
    reference = _namespace(prelude, reference_source)[name]
    make_inputs = _namespace(prelude, inputs_source)[name]
    cases = list(make_inputs(np.random.default_rng(seed)))
    expected = [reference(*args) for args in cases]
    for function in [*(_safe_resolve(p) for p in shortcuts)]:
        if function is not None and (learner is function or getattr(learner, "__code__", None) is function.__code__):
            raise ShortcutError(f"`{name}` is the course's own function: write the exercise yourself")
    with poisoned(shortcuts):
        for number, (args, want) in enumerate(zip(cases, expected)):
            got = learner(*args)
            assert same(got, want, rtol, atol), f"hidden case {number}: the result differs from the reference"


def _safe_resolve(path: str):
    try:
        return _resolve(path)
    except (ImportError, AttributeError):
        return None


def hidden_answer(name: str, answer: Any, reference: Any, rel_tol: float = 0.0, abs_tol: float = 0.0) -> None:
    """A question's answer equals the reference (a letter), or is within the tolerance (a number)."""
    assert answer is not None, f"`{name}` is not answered"
    if isinstance(reference, str):
        assert str(answer).strip().lower().strip("()") == reference.strip().lower(), f"`{name}` is not the answer"
        return
    assert isinstance(answer, numbers.Real) and not isinstance(answer, bool), f"`{name}` should be a number"
    assert math.isclose(float(answer), float(reference), rel_tol=rel_tol, abs_tol=abs_tol), f"`{name}` is off"
