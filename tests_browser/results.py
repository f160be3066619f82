"""What the browser tests measure, written where `python -m course bench course` reads it.

- docs/bench/widget_response.json: for every control the tests move, the seconds from the move
  to its widget's changed output, per lesson, with each lesson's and the whole course's 95th
  percentile over the controls that do not train a model, and every such control slower than
  RESPONSE_TARGET_S.
- docs/bench/site_offline.json: per lesson, whether the read-only site drew its widgets in their
  saved state with every request beyond this machine blocked.

A run that tests only some lessons (`-k`) replaces those lessons' entries and keeps the others'.
`COURSE_BENCH_DIR` writes elsewhere.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(os.environ.get("COURSE_BENCH_DIR", ROOT / "docs" / "bench"))
RESPONSE_TARGET_S = 0.5  # a control that trains no model answers within this

_responses: dict[str, list[dict]] = {}
_site: dict[str, dict] = {}


def record_response(lesson: str, widget: str, control: str, seconds: float, trains: bool) -> None:
    _responses.setdefault(lesson, []).append(
        {"widget": widget, "control": control, "seconds": round(seconds, 3), "trains_a_model": trains}
    )


def record_site_check(lesson: str, outcome: dict) -> None:
    _site[lesson] = outcome


def p95(values: list[float]) -> float | None:
    """The 95th percentile, by linear interpolation between the two nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = 0.95 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low), 3)


def _machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def _update(path: Path, lessons: dict[str, object], summarise) -> None:
    old = {}
    if path.exists():
        try:
            old = json.loads(path.read_text()).get("lessons", {})
        except ValueError:
            old = {}
    merged = {**old, **lessons}
    record = {"machine": _machine(), **summarise(merged), "lessons": dict(sorted(merged.items()))}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n")
    tmp.replace(path)


def _summarise_responses(lessons: dict[str, list[dict]]) -> dict:
    timed = {name: [m["seconds"] for m in moves if not m["trains_a_model"]] for name, moves in lessons.items()}
    every = [s for seconds in timed.values() for s in seconds]
    slow = [
        {"lesson": name, **move}
        for name, moves in lessons.items()
        for move in moves
        if not move["trains_a_model"] and move["seconds"] > RESPONSE_TARGET_S
    ]
    return {
        "target_seconds": RESPONSE_TARGET_S,
        "p95_seconds": p95(every),
        "p95_seconds_per_lesson": {name: p95(seconds) for name, seconds in sorted(timed.items())},
        "slow_controls": slow,
    }


def _summarise_site(lessons: dict[str, dict]) -> dict:
    return {"lessons_ok": sum(1 for outcome in lessons.values() if outcome.get("ok"))}


def write() -> None:
    """Write what this run measured (called once, at the end of the test session)."""
    if _responses:
        _update(BENCH_DIR / "widget_response.json", _responses, _summarise_responses)
    if _site:
        _update(BENCH_DIR / "site_offline.json", _site, _summarise_site)
