"""Installs the course's network guard in a Python process started by a guarded one (see
`course.core.offline`), then runs the `sitecustomize` this one stands in front of, if any."""

import importlib.util
import os
import sys
from pathlib import Path

if os.environ.get("COURSE_OFFLINE") == "1" and "course.core.offline" not in sys.modules:
    # The guard's module is loaded from its file under its own name, without its package (whose
    # imports take a second): `course.core` binds it when imported, so there is one guard class.
    _spec = importlib.util.spec_from_file_location("course.core.offline", Path(__file__).parents[1] / "offline.py")
    if _spec is None or _spec.loader is None:
        raise ImportError("the course's network guard (course/core/offline.py) cannot be loaded")
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["course.core.offline"] = _module
    _spec.loader.exec_module(_module)
    _module.install_network_guard()


def _chain() -> None:
    """Run the next sitecustomize on sys.path (a distribution's own), which this one hides."""
    here = Path(__file__).resolve().parent
    for entry in sys.path:
        candidate = Path(entry or ".") / "sitecustomize.py"
        try:
            if candidate.resolve().parent == here or not candidate.is_file():
                continue
        except OSError:
            continue
        spec = importlib.util.spec_from_file_location("_course_next_sitecustomize", candidate)
        if spec is None or spec.loader is None:
            continue
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
        return


_chain()
