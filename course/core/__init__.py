"""What every lesson shares: seeding, checkpoints, data paths, progress bars, exercises."""

from course.core import offline  # noqa: F401 -- bound here too when a child's sitecustomize loaded it first
from course.core.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from course.core.paths import NOTEBOOKS_DIR, REPO_ROOT, data_dir
from course.core.progress import progress
from course.core.seeding import seed_everything

__all__ = [
    "CheckpointError",
    "NOTEBOOKS_DIR",
    "REPO_ROOT",
    "data_dir",
    "load_checkpoint",
    "progress",
    "save_checkpoint",
    "seed_everything",
]
