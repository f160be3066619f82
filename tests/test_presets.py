"""Every lesson's presets: the complete config of each shipped model, exactly as it was trained."""

import ast
import dataclasses
import inspect
import json
import textwrap

import pytest

from course.core.checkpoints import read_manifest
from course.lessons import all_models

MODELS = all_models()
SHIPPED = sorted(read_manifest())  # the checkpoints in data/ (a model not trained yet has none)


def _as_json(value):
    return json.loads(json.dumps(value))


def test_every_shipped_checkpoint_has_a_preset():
    assert set(SHIPPED) <= set(MODELS)


@pytest.mark.parametrize("name", SHIPPED)
def test_the_preset_is_the_config_the_shipped_checkpoint_was_trained_with(name):
    # so `python -m course train NAME` retrains exactly the shipped model, and every figure stays
    assert _as_json(dataclasses.asdict(MODELS[name].config)) == read_manifest()[name]["config"]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_the_smoke_variant_comes_from_the_preset_and_leaves_it_alone(name):
    spec = MODELS[name]
    before = dataclasses.asdict(spec.config)
    smoke = spec.make_config(quick=True)
    assert type(smoke) is type(spec.config) and dataclasses.asdict(smoke) != before
    assert smoke.seed == spec.config.seed
    shipped = spec.make_config()
    assert shipped == spec.config and shipped is not spec.config  # a copy: training never edits a preset
    assert dataclasses.asdict(spec.config) == before


def _config_classes():
    seen, todo = {}, [type(spec.config) for spec in MODELS.values()]
    from course.dreamer.dqn import DQNConfig

    todo.append(DQNConfig)  # the recorded runs' baseline
    while todo:
        cls = todo.pop()
        if cls.__qualname__ in seen:
            continue
        seen[cls.__qualname__] = cls
        todo += [f.default_factory for f in dataclasses.fields(cls) if dataclasses.is_dataclass(f.default_factory)]
    return seen


@pytest.mark.parametrize("cls", list(_config_classes().values()), ids=list(_config_classes()))
def test_every_config_field_is_documented(cls):
    # CleanRL's `Args` style: a comment on the field's line or on the line just above it
    lines = textwrap.dedent(inspect.getsource(cls)).splitlines()
    body = ast.parse("\n".join(lines)).body[0].body
    undocumented = [
        node.target.id
        for node in body
        if isinstance(node, ast.AnnAssign)
        and "#" not in lines[node.lineno - 1]
        and not lines[node.lineno - 2].strip().startswith("#")
    ]
    assert not undocumented, f"{cls.__name__}: document {', '.join(undocumented)}"


def test_every_config_dataclass_in_the_course_documents_its_fields():
    from course.core.paths import REPO_ROOT

    missing = []
    for path in sorted((REPO_ROOT / "course").rglob("*.py")):
        source = path.read_text()
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Config"):
                missing += [
                    f"{node.name}.{field.target.id}"
                    for field in node.body
                    if isinstance(field, ast.AnnAssign)
                    and "#" not in lines[field.lineno - 1]
                    and not lines[field.lineno - 2].strip().startswith("#")
                ]
    assert not missing, f"document {', '.join(missing)}"


def test_the_new_goal_dqn_stop_is_the_bar_its_curves_are_read_at():
    from course.dreamer import goals, presets

    assert presets.PRESETS["new_goal_dqn_run"].solve_return == goals.DQN_SUCCESS


# ---------------------------------------------------------------- the presets reader on bad files


@dataclasses.dataclass
class _Inner:
    k: int  # a count
    eps: float  # a small number


@dataclasses.dataclass
class _Demo:
    name: str  # a name
    steps: int  # how many
    lr: float  # a rate
    levels: tuple  # numbers or null
    tasks: tuple[str, ...]  # names
    limit: int | None  # at most, or null for none
    inner: _Inner  # a nested config
    fast: bool = False  # a switch


_GOOD = """
_Demo:
  # a comment
  demo:
    name: "x"
    steps: 10
    lr: 0.001
    levels: [0, 30, null]
    tasks: ["a", "b"]
    limit: null
    inner: {k: 3, eps: 1}
    fast: true
"""


def _read(tmp_path, text):
    from course.core.presets import read_presets

    (tmp_path / "presets.yaml").write_text(text)
    return read_presets(tmp_path / "presets.py", _Demo)


def test_presets_are_read_whole_and_typed(tmp_path):
    demo = _read(tmp_path, _GOOD)["demo"]
    assert demo == _Demo("x", 10, 0.001, (0, 30, None), ("a", "b"), None, _Inner(3, 1.0), True)
    assert isinstance(demo.inner.eps, float) and isinstance(demo.levels, tuple)


@pytest.mark.parametrize(
    "edit, message",
    [
        (("    fast: true\n", ""), "missing: fast"),
        (("    fast: true\n", "    fast: true\n    speed: 2\n"), "unknown: speed"),
        (("lr: 0.001", "lr: 1e-3"), r"demo.lr: expected float, got '1e-3'"),
        (("steps: 10", "steps: 10.5"), "demo.steps: expected int"),
        (("steps: 10", "steps: true"), "demo.steps: expected int"),
        (("limit: null", "limit: many"), "demo.limit"),
        (('tasks: ["a", "b"]', "tasks: [1]"), "demo.tasks: expected str"),
        (("inner: {k: 3, eps: 1}", "inner: {k: 3}"), "demo.inner.*missing: eps"),
        (("_Demo:", "Other:"), "sections must be config classes.*unknown: Other"),
        (("  demo:", "  demo: [1"), "not valid YAML"),
    ],
)
def test_a_bad_presets_file_names_the_preset_and_field(tmp_path, edit, message):
    from course.core.presets import PresetError

    with pytest.raises(PresetError, match=message):
        _read(tmp_path, _GOOD.replace(*edit))


def test_a_missing_presets_file_says_how_to_restore_it(tmp_path):
    from course.core.presets import PresetError, read_presets

    with pytest.raises(PresetError, match="git checkout"):
        read_presets(tmp_path / "presets.py", _Demo)
