"""Progress bars that look right in a terminal and in JupyterLab."""

import os

from tqdm.auto import tqdm


def progress(iterable=None, *, desc: str = "", total: int | None = None, **kwargs):
    """A tqdm bar; silent when COURSE_QUIET=1 (e.g. in benchmarks writing JSON to stdout)."""
    disable = os.environ.get("COURSE_QUIET") == "1"
    return tqdm(iterable, desc=desc, total=total, disable=disable, dynamic_ncols=True, **kwargs)
