"""Thinking in Latent Space: the working models behind the course notebooks.

One subpackage per lesson (`embeddings`, ...) on top of a small shared `core`
(seeding, checkpoints, data, progress, exercises).
"""

import os as _os

__version__ = "0.1.0"

if _os.environ.get("COURSE_OFFLINE") == "1":  # set by `make test`: any network access is a bug
    from course.core.offline import install_network_guard as _guard

    _guard()
