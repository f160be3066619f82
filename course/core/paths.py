"""Where the course keeps its files. `COURSE_DATA_DIR` moves the data folder, `COURSE_BUILD_DIR`
the folder of things a run makes and may go on from (bench journals); tests use both."""

import json
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
# How long each notebook took, top to bottom, in the last `make test` (written by its nbval run:
# the course's code times notebooks, it never runs one).
NOTEBOOK_SECONDS = REPO_ROOT / "build" / "notebook_seconds.json"


def data_dir() -> Path:
    return Path(os.environ.get("COURSE_DATA_DIR", REPO_ROOT / "data"))


def build_dir() -> Path:
    return Path(os.environ.get("COURSE_BUILD_DIR", REPO_ROOT / "build"))


def recorded_notebook_seconds(stem: str) -> float | None:
    """Wall time of notebooks/STEM in the last `make test` that ran it without a failure (None: not recorded)."""
    try:
        seconds = json.loads(NOTEBOOK_SECONDS.read_text()).get(stem)
    except (OSError, ValueError, AttributeError):
        return None
    return float(seconds) if isinstance(seconds, (int, float)) else None
