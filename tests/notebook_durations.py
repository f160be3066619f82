"""pytest plugin: print how long each notebook took under nbval (`-p tests.notebook_durations`), and
record the times of the notebooks that ran without a failure in build/notebook_seconds.json (what
`bench glc` reports as `notebook_seconds`)."""

import json
import os
from collections import defaultdict
from pathlib import Path

from course.core.paths import NOTEBOOK_SECONDS

_seconds: dict[str, float] = defaultdict(float)
_failed: set[str] = set()


def pytest_runtest_logreport(report):
    notebook = report.nodeid.split("::")[0]
    _seconds[notebook] += report.duration
    if report.failed:
        _failed.add(notebook)


def pytest_terminal_summary(terminalreporter):
    terminalreporter.section("notebook durations")
    for notebook, seconds in sorted(_seconds.items()):
        terminalreporter.write_line(f"{seconds:7.1f} s  {notebook}")
    passed = {Path(nb).stem: round(s, 1) for nb, s in _seconds.items() if nb not in _failed}
    if passed:
        try:
            recorded = json.loads(NOTEBOOK_SECONDS.read_text())
        except (OSError, ValueError):
            recorded = {}
        NOTEBOOK_SECONDS.parent.mkdir(parents=True, exist_ok=True)
        tmp = NOTEBOOK_SECONDS.with_name(f".{NOTEBOOK_SECONDS.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({**recorded, **passed}, indent=2, sort_keys=True) + "\n")
        tmp.replace(NOTEBOOK_SECONDS)
