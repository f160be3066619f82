"""Where the course keeps its files. `COURSE_DATA_DIR` moves the data folder (tests use it)."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


def data_dir() -> Path:
    return Path(os.environ.get("COURSE_DATA_DIR", REPO_ROOT / "data"))
