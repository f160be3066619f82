"""pytest plugin: print how long each notebook took under nbval (`-p tests.notebook_durations`)."""

from collections import defaultdict

_seconds: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    _seconds[report.nodeid.split("::")[0]] += report.duration


def pytest_terminal_summary(terminalreporter):
    terminalreporter.section("notebook durations")
    for notebook, seconds in sorted(_seconds.items()):
        terminalreporter.write_line(f"{seconds:7.1f} s  {notebook}")
