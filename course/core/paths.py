"""Where the course keeps its files. `COURSE_DATA_DIR` moves the data folder, `COURSE_BUILD_DIR`
the folder of things a run makes and may go on from (bench journals); tests use both."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"


def data_dir() -> Path:
    return Path(os.environ.get("COURSE_DATA_DIR", REPO_ROOT / "data"))


def build_dir() -> Path:
    return Path(os.environ.get("COURSE_BUILD_DIR", REPO_ROOT / "build"))
