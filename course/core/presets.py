"""Presets: the complete config of every shipped model and recorded run, read from the lesson's
`presets.yaml` (beside its `presets.py`).

A presets file has one section per config class and, in it, one entry per preset:

    DreamerConfig:
      # Dreamer on Catch, as recorded on seeds 0-9
      catch_run:
        env: catch
        seed: 0
        ...

Every field of the class is given (a preset is complete: no dataclass default decides what a
shipped model is), no field the class lacks, each of its type. Anything else is an error that
names the file, the preset and the field. Floats are written with a dot (`0.001` or `1.0e-3`):
YAML reads `1e-3` as a string, which the type check then reports.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any

PRESETS_FILE = "presets.yaml"


class PresetError(ValueError):
    """A presets file that is missing, not YAML, or does not fit its config classes."""


def read_presets(module_file: str | Path, *classes: type) -> dict[str, Any]:
    """{preset name: config instance} from the `presets.yaml` beside `module_file` (a lesson's
    presets.py passes its `__file__`); `classes` are the config dataclasses its sections name."""
    import yaml

    path = Path(module_file).with_name(PRESETS_FILE)
    if not path.exists():
        raise PresetError(f"{path} is missing: restore it with `git checkout -- {path}`")
    try:
        sections = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise PresetError(f"{path} is not valid YAML ({err}); fix the file") from None
    by_name = {cls.__name__: cls for cls in classes}
    if not isinstance(sections, dict) or set(sections) - set(by_name):
        unknown = sorted(set(sections) - set(by_name)) if isinstance(sections, dict) else []
        raise PresetError(
            f"{path}: sections must be config classes ({', '.join(by_name)})"
            + (f"; unknown: {', '.join(map(str, unknown))}" if unknown else "")
        )
    presets: dict[str, Any] = {}
    for class_name, entries in sections.items():
        if not isinstance(entries, dict):
            raise PresetError(f"{path}: section {class_name} must map preset names to their fields")
        for name, fields in entries.items():
            if name in presets:
                raise PresetError(f"{path}: preset {name!r} is defined twice")
            presets[name] = build_config(by_name[class_name], fields, f"{path.name}: {name}")
    return presets


def build_config(cls: type, fields: Any, where: str) -> Any:
    """An instance of the dataclass `cls` from a mapping that gives every field, each of its type."""
    if not isinstance(fields, dict):
        raise PresetError(f"{where}: expected the fields of a {cls.__name__}, got {fields!r}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    missing, unknown = [n for n in names if n not in fields], [str(n) for n in fields if n not in names]
    if missing or unknown:
        raise PresetError(
            f"{where}: a {cls.__name__} preset gives every field and no other"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    return cls(**{n: _typed(fields[n], hints[n], f"{where}.{n}") for n in names})


def _typed(value: Any, hint: Any, where: str) -> Any:
    """`value` as the type `hint` says (lists become tuples, mappings nested configs), or an error."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return build_config(hint, value, where)
    if origin in (typing.Union, types.UnionType):
        for option in args:
            try:
                return _typed(value, option, where)
            except PresetError:
                continue
        raise PresetError(f"{where}: {value!r} is none of {hint}")
    if hint is type(None):
        if value is None:
            return None
        raise PresetError(f"{where}: expected null, got {value!r}")
    if hint is tuple or origin is tuple:
        if not isinstance(value, list):
            raise PresetError(f"{where}: expected a list, got {value!r}")
        item = args[0] if len(args) == 2 and args[1] is Ellipsis else None
        return tuple(_typed(v, item, where) if item is not None else _scalar(v, where) for v in value)
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    else:
        raise PresetError(f"{where}: fields of type {hint} cannot be read from a presets file")
    raise PresetError(f"{where}: expected {hint.__name__}, got {value!r} ({type(value).__name__})")


def _scalar(value: Any, where: str) -> Any:
    """An item of an untyped tuple: a number, a string or null."""
    if value is None or isinstance(value, (int, float, str)):
        return value
    raise PresetError(f"{where}: expected numbers, strings or null in the list, got {value!r}")


__all__ = ["PRESETS_FILE", "PresetError", "build_config", "read_presets"]
