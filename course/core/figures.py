"""Figures drawn from a recorded bench result: one command shape for every lesson's figure.

python -m course bench KEY --json RESULT.json
python -m course.<lesson>.<figure module> RESULT.json FIGURE.png
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path


def figure_command(argv: list[str], module: str, bench: str, draw: Callable, needs: str | None = None) -> int:
    """Read the bench result argv[0], draw it with `draw(result)` and save the figure to argv[1];
    a clear error (exit 2) for a wrong call, a missing file or a result without the `needs` key."""
    if len(argv) != 2:
        print(
            f"usage: python -m {module} RESULT.json FIGURE.png  "
            f"(RESULT.json from `python -m course bench {bench} --json RESULT.json`)",
            file=sys.stderr,
        )
        return 2
    source = Path(argv[0])
    if not source.is_file():
        print(
            f"no bench result at {source}: run `python -m course bench {bench} --json {source}` first", file=sys.stderr
        )
        return 2
    try:
        result = json.loads(source.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError):
        print(f"{source} is not a bench result (not JSON): rerun `python -m course bench {bench}`", file=sys.stderr)
        return 2
    if needs is not None and needs not in result:
        print(f"{source} has no {needs!r}: rerun `python -m course bench {bench} --json {source}`", file=sys.stderr)
        return 2
    draw(result).savefig(argv[1], dpi=110)
    return 0
