"""environment.yml (conda) and pyproject.toml (pip) must install the same packages."""

import sys
from pathlib import Path

import yaml
from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement: str) -> str:
    req = Requirement(requirement)
    name = req.name.lower().replace("_", "-")
    marker = f"; {req.marker}" if req.marker else ""
    return f"{name}{req.specifier}{marker}"


def pyproject_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    return {_normalise(r) for r in reqs}


def environment_requirements() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_lists = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_lists) == 1, "environment.yml needs exactly one pip: section"
    return {_normalise(r) for r in pip_lists[0] if not r.startswith("-")}


def test_environment_yml_matches_pyproject():
    ours, conda = pyproject_requirements(), environment_requirements()
    assert conda == ours, (
        f"only in pyproject.toml: {sorted(ours - conda)}; only in environment.yml: {sorted(conda - ours)}"
    )


def test_torch_is_pinned_to_the_cpu_release():
    assert "torch==2.13.0" in pyproject_requirements()


def test_environment_python_matches_requires_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    from packaging.specifiers import SpecifierSet

    version = python[0].split("=")[-1]
    assert version in SpecifierSet(requires), f"environment.yml's {python[0]} is outside {requires}"
