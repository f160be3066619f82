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
import os
import tempfile
from pathlib import Path
from typing import Any

from course.core.paths import data_dir


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


def read_manifest() -> dict[str, dict[str, Any]]:
    path = manifest_path()
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise CheckpointError(
            f"{path} is not valid JSON ({err}). Restore it with `git checkout -- {path.name}` "
            "or retrain the models with `python -m course train NAME`."
        ) from err


def _write_atomically(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def checkpoint_status(name: str) -> str:
    """'ok', 'missing' (no file or no manifest entry) or 'altered' (hash differs)."""
    entry = read_manifest().get(name)
    if entry is None:
        return "missing"
    path = checkpoint_dir() / entry["file"]
    if not path.exists():
        return "missing"
    return "ok" if sha256_file(path) == entry["sha256"] else "altered"


def load_checkpoint(name: str) -> tuple[dict, dict[str, Any]]:
    """Return (tensors, manifest entry) of a shipped checkpoint, after checking its SHA-256."""
    from safetensors.torch import load_file

    entry = read_manifest().get(name)
    fix = f"Rebuild it with `{train_command(name)}`"
    if entry is None:
        raise CheckpointError(f"no checkpoint named {name!r} in {manifest_path()}. {fix}.")
    path = checkpoint_dir() / entry["file"]
    if not path.exists():
        raise CheckpointError(f"checkpoint file {path} is missing. {fix}, or restore it from git.")
    actual = sha256_file(path)
    if actual != entry["sha256"]:
        raise CheckpointError(
            f"checkpoint file {path} is altered: its SHA-256 is {actual[:12]}…, the manifest "
            f"expects {entry['sha256'][:12]}…. {fix}, or restore it with `git checkout -- {path}`."
        )
    return load_file(str(path)), entry


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
    _write_atomically(path, lambda tmp: save_file(tensors, str(tmp)))
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
    _write_atomically(manifest_path(), lambda tmp: tmp.write_text(text))


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


def verify_datasets() -> list[tuple[str, str]]:
    """Check every `SHA256SUMS` file under the data folder; return (file, status) pairs."""
    results = []
    for sums in sorted(data_dir().rglob("SHA256SUMS")):
        for rel, expected in read_sha256sums(sums).items():
            path = sums.parent / rel
            if not path.exists():
                status = "missing"
            else:
                status = "ok" if sha256_file(path) == expected else "altered"
            results.append((str(path.relative_to(data_dir())), status))
    return results
