"""Recorded training runs: curves too slow to retrain at every `bench`, kept as JSON in `data/`.

A lesson's runs file maps method -> seed -> the run's figures, plus a "config" entry naming the
command that records them. Runs are merged in one at a time, so a long recording that stops
early keeps what it finished, and runs recorded by another command are kept.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from course.core.files import atomic_write_text


class CPUTimeLimit:
    """A record harness's guard, never part of a recipe: `stop()` turns true once this process has
    spent `seconds` of CPU time since the guard was made, and `cut` remembers that it did, so the
    record can say so (`cut_by_time_limit`). A shipped model or a recorded run stops on its step
    count; a guarded run that is cut depends on the machine, and its record says it was cut."""

    def __init__(self, seconds: float):
        self.seconds, self.start, self.cut = seconds, time.process_time(), False

    def __call__(self) -> bool:
        if time.process_time() - self.start > self.seconds:
            self.cut = True
        return self.cut


def read_runs(path: Path, command: str) -> dict:
    """The runs file at `path`; a missing file names the `command` that records it."""
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: record the training runs with `{command}`")
    return json.loads(path.read_text())


def merge_run(path: Path, config: dict, method: str, seed: int, result: dict) -> dict:
    """Add one run to the file at `path` (written whole, then renamed: never half-written)."""
    runs = {**(json.loads(path.read_text()) if path.exists() else {}), "config": config}
    runs.setdefault(method, {})[str(seed)] = result
    atomic_write_text(path, json.dumps(runs, indent=1) + "\n")
    return runs
