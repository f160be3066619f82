"""The project's habits stay wired: `make lint` type-checks, pre-commit runs the same tools from
.venv, and a plain pytest skips the slow tests that `make test` (and so CI) still runs."""

import re
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def make_target(name: str) -> list[str]:
    """The recipe lines of a Makefile target."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"{name}:", line))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_make_lint_runs_ruff_and_mypy():
    recipe = " ".join(make_target("lint"))
    assert "ruff check" in recipe and "ruff format --check" in recipe and "mypy" in recipe


def test_a_plain_pytest_skips_slow_tests_and_make_test_runs_them():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "-m 'not slow'" in options["addopts"]
    assert any(marker.startswith("slow:") for marker in options["markers"])
    unit_run = next(line for line in make_target("test") if "pytest" in line and " tests" in line)
    assert '-m "slow or not slow"' in unit_run


def test_pre_commit_runs_the_lint_tools_from_the_venv_offline():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"])  # nothing to download
    entries = {hook["entry"].split()[0] for hook in hooks}
    assert entries == {".venv/bin/ruff", ".venv/bin/mypy"}
    assert all(hook["language"] == "system" for hook in hooks)
