"""Shipped checkpoints: safetensors files plus one manifest with their SHA-256 and provenance.

Layout under the data folder:
    checkpoints/NAME.safetensors   the tensors (never pickled: safetensors cannot run code)
    checkpoints/manifest.json      {NAME: {file, sha256, config, command, seed, train_seconds,
                                    metrics, created, torch}}
Loading always checks the hash, so a notebook never runs on a file that is not the one whose
figures the course states.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
from pathlib import Path
from typing import Any

from course.core.files import atomic_write, atomic_write_text
from course.core.paths import REPO_ROOT, data_dir


class CheckpointError(RuntimeError):
    """A checkpoint is missing, altered or unknown; the message says how to fix it."""


def checkpoint_dir() -> Path:
    return data_dir() / "checkpoints"


def manifest_path() -> Path:
    return checkpoint_dir() / "manifest.json"


def train_command(name: str) -> str:
    return f"python -m course train {name}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def repo_relative(path: Path) -> str:
    """`path` as a command run from the repository root spells it (absolute if it lies elsewhere)."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def restore_hint(path: Path) -> str:
    """How to get a shipped file back: from git when it lies in the repository, else by hand."""
    relative = repo_relative(path)
    if Path(relative).is_absolute():
        return f"copy {path} back from the course's data/ folder"
    return f"restore it with `git checkout -- {relative}`"


def read_manifest() -> dict[str, dict[str, Any]]:
    """{name: entry} from the manifest; {} when there is none. A manifest that is not JSON, or not
    an object of objects, raises CheckpointError naming the problem and the fix."""
    path = manifest_path()
    if not path.is_file():
        return {}
    fix = f"{restore_hint(path)}, or retrain the models with `python -m course train NAME`"
    try:
        manifest = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path} is not valid JSON ({err}): {fix}.") from err
    problem: str | None
    if not isinstance(manifest, dict):
        problem = f"it holds a JSON {type(manifest).__name__}"
    else:
        odd = [name for name, entry in manifest.items() if not isinstance(entry, dict)]
        problem = f"its entry {odd[0]!r} is a {type(manifest[odd[0]]).__name__}" if odd else None
    if problem:
        raise CheckpointError(
            f"{path} is not a manifest: {problem}, not an object {{NAME: {{file, sha256, …}}}}. "
            f"{fix[0].upper()}{fix[1:]}."
        )
    return manifest


def manifest_entry(name: str) -> dict[str, Any] | None:
    """NAME's manifest entry (None if it has none), checked to name a file and its SHA-256."""
    entry = read_manifest().get(name)
    if entry is None:
        return None
    file, digest = entry.get("file"), entry.get("sha256")
    problem = None
    if not isinstance(file, str) or not file or Path(file).name != file:
        problem = f"its 'file' is {file!r}, not a file name in {checkpoint_dir()}"
    elif not isinstance(digest, str) or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        problem = f"its 'sha256' is {digest!r}, not 64 hex digits"
    if problem:
        raise CheckpointError(
            f"the manifest entry of {name!r} is malformed: {problem}. Rebuild it with "
            f"`{train_command(name)}`, or {restore_hint(manifest_path())}."
        )
    return entry


def checkpoint_status(name: str) -> str:
    """'ok'; 'missing' (no file or no manifest entry); 'altered' (the hash differs); 'malformed'
    (a manifest or entry of the wrong shape)."""
    try:
        entry = manifest_entry(name)
    except CheckpointError:
        return "malformed"
    if entry is None:
        return "missing"
    path = checkpoint_dir() / entry["file"]
    if not path.is_file():
        return "missing"
    return "ok" if sha256_file(path) == entry["sha256"] else "altered"


def load_checkpoint(name: str) -> tuple[dict, dict[str, Any]]:
    """Return (tensors, manifest entry) of a shipped checkpoint, after checking its SHA-256."""
    from safetensors.torch import load_file

    entry = manifest_entry(name)
    fix = f"Rebuild it with `{train_command(name)}`"
    if entry is None:
        raise CheckpointError(
            f"no checkpoint named {name!r} in {manifest_path()}. {fix}, or {restore_hint(manifest_path())}."
        )
    path = checkpoint_dir() / entry["file"]
    if not path.is_file():
        raise CheckpointError(f"checkpoint file {path} is missing. {fix}, or {restore_hint(path)}.")
    actual = sha256_file(path)
    if actual != entry["sha256"]:
        raise CheckpointError(
            f"checkpoint file {path} is altered: its SHA-256 is {actual[:12]}…, the manifest "
            f"expects {entry['sha256'][:12]}…. {fix}, or {restore_hint(path)}."
        )
    try:
        return load_file(str(path)), entry
    except Exception as err:  # hashes right but is no safetensors file: the manifest was rewritten by hand
        raise CheckpointError(
            f"checkpoint file {path} cannot be read ({err}). {fix}, or {restore_hint(path)}."
        ) from err


def config_from_entry(config_class, entry: dict[str, Any], name: str):
    """`config_class(**entry["config"])`, or a clear error when the manifest's config does not fit."""
    config = entry.get("config", {})
    try:
        if not isinstance(config, dict):
            raise TypeError(f"the config is a {type(config).__name__}, not an object")
        return config_class(**config)
    except TypeError as err:
        raise CheckpointError(
            f"the manifest config of {name!r} does not fit {config_class.__name__} ({err}). "
            f"Rebuild it with `{train_command(name)}`, or {restore_hint(manifest_path())}."
        ) from err


def load_weights(model, tensors: dict, name: str):
    """`model.load_state_dict(tensors)`, or a clear error when checkpoint NAME does not fit the
    model its manifest config builds (other layer names or shapes). Returns the model."""
    try:
        model.load_state_dict(tensors)
    except (RuntimeError, KeyError, ValueError) as err:
        lines = [line.strip() for line in str(err).splitlines() if line.strip()]
        detail = (lines[1:2] or lines[:1] or [type(err).__name__])[0]  # the first mismatch: one is enough
        detail = detail.split(". ")[0].rstrip(".")
        raise CheckpointError(
            f"checkpoint {name!r} does not fit the model its manifest config describes ({detail}). "
            f"Rebuild it with `{train_command(name)}`, or {restore_hint(checkpoint_dir())}."
        ) from err
    return model


def save_checkpoint(
    name: str,
    tensors: dict,
    *,
    config: dict[str, Any],
    seed: int,
    train_seconds: float,
    metrics: dict[str, Any],
) -> Path:
    """Write NAME.safetensors and its manifest entry, each atomically."""
    from safetensors.torch import save_file

    path = checkpoint_dir() / f"{name}.safetensors"
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
    atomic_write(path, lambda tmp: save_file(tensors, str(tmp)))
    with _manifest_lock():  # two trainings that finish together must not drop each other's entry
        _update_manifest(name, path, config=config, seed=seed, train_seconds=train_seconds, metrics=metrics)
    return path


@contextlib.contextmanager
def _manifest_lock():
    checkpoint_dir().mkdir(parents=True, exist_ok=True)
    with open(checkpoint_dir() / ".manifest.lock", "w") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; train one model at a time there
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _update_manifest(name: str, path: Path, *, config, seed, train_seconds, metrics) -> None:
    import torch

    manifest = read_manifest()
    manifest[name] = {
        "file": path.name,
        "sha256": sha256_file(path),
        "config": config,
        "command": train_command(name),
        "seed": seed,
        "train_seconds": round(train_seconds, 1),
        "metrics": metrics,
        "created": _dt.date.today().isoformat(),
        "torch": torch.__version__,
    }
    text = json.dumps(dict(sorted(manifest.items())), indent=2) + "\n"
    atomic_write_text(manifest_path(), text)


def read_sha256sums(sums: Path) -> dict[str, str]:
    """{file name: expected SHA-256} from a `sha256sum` listing, in its order (the binary-mode '*'
    dropped). A line that is not 'DIGEST  NAME' raises ValueError naming the file and line."""
    expected = {}
    for number, line in enumerate(Path(sums).read_text().splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2:
            raise ValueError(f"{sums}:{number}: expected 'SHA256  FILE', got {line!r}")
        expected[parts[1].strip().lstrip("*")] = parts[0]
    return expected


def check_shipped_file(
    path: Path, expected: str, *, what: str, shipped_as: str, restore: str, error: type[Exception]
) -> None:
    """Raise `error` when a shipped data file is missing (the message ends with `restore`) or its
    SHA-256 is not `expected` (the fix names `shipped_as`, its path in the repository)."""
    if not path.exists():
        raise error(f"{what} {path} is missing. {restore}")
    actual = sha256_file(path)
    if actual != expected:
        raise error(
            f"{what} {path} is altered: its SHA-256 is {actual[:12]}…, SHA256SUMS expects "
            f"{expected[:12]}…. Restore it with `git checkout -- {shipped_as}`."
        )


def verify_datasets(folders: list[str] | None = None) -> list[tuple[str, str]]:
    """(file, status) for every file listed in the `SHA256SUMS` of each dataset folder: 'ok',
    'missing', 'altered', or 'malformed' for a SHA256SUMS that cannot be read. A folder of
    `folders` (names under the data folder) without its SHA256SUMS is reported 'missing';
    without `folders`, every SHA256SUMS found under the data folder is checked."""
    root = data_dir()
    found = {sums.parent.relative_to(root).as_posix() for sums in root.rglob("SHA256SUMS")} if root.is_dir() else set()
    results = []
    for folder in sorted(set(folders or []) | found):
        sums = root / folder / "SHA256SUMS"
        if not sums.is_file():
            results.append((f"{folder}/SHA256SUMS", "missing"))
            continue
        try:
            listing = read_sha256sums(sums)
        except (UnicodeDecodeError, ValueError):
            results.append((f"{folder}/SHA256SUMS", "malformed"))
            continue
        if not listing:
            results.append((f"{folder}/SHA256SUMS", "malformed"))  # an empty listing checks nothing
        for rel, expected in listing.items():
            path = sums.parent / rel
            status = "missing" if not path.is_file() else "ok" if sha256_file(path) == expected else "altered"
            results.append((f"{folder}/{rel}", status))
    return results
