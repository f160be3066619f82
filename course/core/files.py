"""Writing the course's output files so that none is ever half-written, lost or oddly private.

Every file the course writes (checkpoints, the manifest, codec outputs, bench JSON, student
notebooks, journals) goes through here:

- `atomic_write_bytes` / `atomic_write_text` / `atomic_write` write a temporary file in the
  target's folder, flush it to disk, then rename it over the target in one step (`os.replace`):
  a reader, or a run that is killed half-way, sees the old file or the new one, never a mix.
- The new file gets the permissions an ordinary `open(path, "w")` would give it: those of the
  file it replaces, else 0666 minus the umask (a temporary file is created 0600, and renaming
  it would keep that).
- `append_line` adds one whole line to a journal (one `write` of the line, then `fsync`), and
  `read_jsonl` reads a journal back, dropping a last line that a killed run left cut off.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process's umask (reading it means setting it, so briefly and under a lock)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def check_target(path: Path) -> Path:
    """Refuse a target that cannot be a file (a folder), naming the target, not a temporary file."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file: give a file name", str(path))
    return path


def atomic_write(path: Path | str, write: Callable[[Path], object]) -> Path:
    """Call `write(tmp)` to fill a temporary file beside `path`, then rename it to `path`.

    For writers that want a file name (safetensors' save_file, Pillow's save). The folder is
    created if need be. On any failure the temporary file is removed and `path` is untouched."""
    path = check_target(Path(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:  # on disk before the rename, so a crash leaves old or new
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        try:
            os.replace(tmp, path)
        except OSError as err:  # name the target (e.g. it became a folder), not the temporary file
            raise OSError(err.errno, err.strerror, str(path)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` atomically (see the module's docstring)."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically (see the module's docstring)."""
    return atomic_write_bytes(path, text.encode(encoding))


def append_line(path: Path | str, line: str) -> None:
    """Append one line to a journal in a single write, then fsync: a run killed at any moment leaves
    whole lines, plus at worst one cut-off last line that `read_jsonl` drops."""
    if "\n" in line:
        raise ValueError("a journal line holds no newline")
    path = check_target(Path(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)  # the umask applies, as for open()
    try:
        data = (line + "\n").encode()
        written = os.write(fd, data)
        while written < len(data):  # a regular file takes it whole; a short write goes on, never retries
            written += os.write(fd, data[written:])
        os.fsync(fd)
    finally:
        os.close(fd)


def read_jsonl(path: Path | str, *, repair: bool = True) -> list[dict]:
    """The JSON objects of a journal, one per line. A line that is not a whole JSON object (the
    last line of a run that was killed while writing it) is dropped with a note on stderr; with
    `repair` the file is rewritten without it, so that the next `append_line` starts a fresh line."""
    path = Path(path)
    if not path.exists():
        return []
    raw = path.read_bytes()
    records, kept, dropped = [], [], 0
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (UnicodeDecodeError, ValueError):
            record = None
        if isinstance(record, dict):
            records.append(record)
            kept.append(line)
        else:
            dropped += 1
    if dropped:
        print(f"note: {path}: dropped {dropped} line(s) that were cut off or not JSON records", file=sys.stderr)
    if repair and (dropped or (raw and not raw.endswith(b"\n"))):
        atomic_write_bytes(path, b"".join(line + b"\n" for line in kept))
    return records


def _mode_for(path: Path) -> int:
    """The permissions `open(path, "w")` would leave: the existing file's, else 0666 minus the umask."""
    with contextlib.suppress(FileNotFoundError):
        return stat.S_IMODE(path.stat().st_mode)
    return 0o666 & ~current_umask()


__all__ = ["append_line", "atomic_write", "atomic_write_bytes", "atomic_write_text", "check_target", "read_jsonl"]
