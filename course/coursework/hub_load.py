"""How many students one machine holds: `python -m course.coursework.hub_load --students 8`.

Starts the class hub (etc/hub/jupyterhub_config.py) in a scratch folder on 127.0.0.1 only, creates
N students through its REST API, starts their servers at once (time to ready), then runs Lesson
01's cells up to the β-TCVAE explorer (models loaded, embeddings computed, the latent-traversal
widget built) in every student's kernel at the same time, sampling the resident memory (RSS) of
each student's server and kernel processes. Writes the measurement and the per-student limits
derived from it (read by the hub config and checked against the Helm values) as JSON.

Bounded: N servers, one kernel each, a fixed list of cells, a wall-clock limit; the hub and every
server are stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from course.core.files import atomic_write_text
from course.core.paths import NOTEBOOKS_DIR, REPO_ROOT

MIB = 2**20
CLASS_MACHINE_GIB = 24  # the machine the capacity is stated for
RESERVE_FRACTION = 0.10  # memory kept for the OS, the hub and the proxy
LIMIT_HEADROOM = 1.25  # a student's memory limit over the measured peak


def explorer_cells() -> list[str]:
    """Lesson 01's code cells up to and including the β-TCVAE latent-traversal explorer, as a
    student who has done the exercises runs them (later cells use the student's functions)."""
    import jupytext

    notebook = jupytext.read(NOTEBOOKS_DIR / "01_embeddings.py")
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cells.append(cell.source)
        if "latent_traversal" in cell.source:
            return cells
    raise ValueError("Lesson 01 has no latent_traversal cell: update explorer_cells()")


def _user_processes(name: str) -> list[psutil.Process]:
    """The student's single-user server and everything it started (the kernel)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            if any("jupyterhub-singleuser" in part for part in process.info["cmdline"] or []):
                if process.environ().get("JUPYTERHUB_USER") == name:
                    found.append(process)
                    found += process.children(recursive=True)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def _rss_mib(name: str) -> float:
    total = 0
    for process in _user_processes(name):
        try:
            total += process.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / MIB


def _hub_rss_mib(hub) -> float:
    """The hub and its proxy, not the students' servers and kernels below them."""
    root = psutil.Process(hub.process.pid)
    students = set()
    for process in root.children(recursive=True):
        if "jupyterhub-singleuser" in " ".join(process.cmdline()):
            students |= {process.pid, *(child.pid for child in process.children(recursive=True))}
    processes = [root, *(p for p in root.children(recursive=True) if p.pid not in students)]
    return sum(p.memory_info().rss for p in processes) / MIB


def measure(students: int, port: int, time_limit_s: float, notebooks: Path | None = None) -> dict:
    from course.coursework.hub import Hub, run_in_new_kernel

    names = [f"student{i:02d}" for i in range(students)]
    cells = explorer_cells()
    with tempfile.TemporaryDirectory(prefix="course-hub-load-") as tmp:
        seed = notebooks or Path(tmp) / "notebooks"
        seed.mkdir(exist_ok=True)
        started = time.monotonic()
        with Hub(Path(tmp) / "hub", seed, port=port) as hub:
            tokens = {name: hub.add_student(name) for name in names}
            spawn_start = time.monotonic()

            def start(name: str) -> float:
                begin = time.monotonic()
                hub.start_server(name)
                hub.wait_ready(name)
                return time.monotonic() - begin

            with ThreadPoolExecutor(max_workers=students) as pool:  # every student clicks "start" at once
                ready = dict(zip(names, pool.map(start, names)))
            all_ready_s = time.monotonic() - spawn_start
            idle_server_mib = {name: _rss_mib(name) for name in names}

            peaks = dict.fromkeys(names, 0.0)
            done = threading.Event()

            def sample() -> None:
                while not done.is_set():
                    for name in names:
                        peaks[name] = max(peaks[name], _rss_mib(name))
                    done.wait(0.5)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            remaining = max(60.0, time_limit_s - (time.monotonic() - started))
            with ThreadPoolExecutor(max_workers=students) as pool:
                runs = dict(
                    zip(names, pool.map(lambda n: run_in_new_kernel(hub, n, tokens[n], cells, remaining), names))
                )
            done.set()
            sampler.join()
            time.sleep(2)  # the kernels now idle, holding what they loaded
            idle_kernel_mib = {name: _rss_mib(name) for name in names}
            hub_mib = _hub_rss_mib(hub)
            for name in names:
                hub.stop_server(name)

    errors = {name: run["errors"] for name, run in runs.items() if run["errors"]}
    peak = max(peaks.values())
    idle = max(idle_kernel_mib.values())
    usable_mib = CLASS_MACHINE_GIB * 1024 * (1 - RESERVE_FRACTION) - hub_mib
    busy_capacity = int(usable_mib // peak)
    idle_capacity = int(usable_mib // idle)
    cores = psutil.cpu_count()
    cells_s = [run["seconds"] for run in runs.values()]
    return {
        "students": students,
        "cells": len(cells),
        "cells_errors": errors,
        "cores": cores,
        "server_ready_seconds": {"median": _median(list(ready.values())), "max": round(max(ready.values()), 1)},
        "all_servers_ready_seconds": round(all_ready_s, 1),
        "explorer_seconds_all_at_once": {"median": _median(cells_s), "max": round(max(cells_s), 1)},
        "server_idle_mib_per_student": round(max(idle_server_mib.values()), 1),
        "peak_mib_per_busy_student": round(peak, 1),
        "idle_mib_per_student_after_lesson": round(idle, 1),
        "hub_and_proxy_mib": round(hub_mib, 1),
        "capacity_24gib": {
            "busy": busy_capacity,
            "idle": idle_capacity,
            "rule": f"({CLASS_MACHINE_GIB} GiB x {1 - RESERVE_FRACTION:.2f} - hub) / per-student memory",
        },
        "limits": {
            # a limit with headroom over the measured peak, rounded up to 256 MiB
            "mem_limit_mib": int(math.ceil(peak * LIMIT_HEADROOM / 256) * 256),
            # on 2 cores every busy kernel gets a share: one core at most, so no one starves the rest
            "cpu_limit": 1.0,
            "cpu_guarantee": round(cores / busy_capacity, 2) if busy_capacity else 1.0,
            "mem_guarantee_mib": int(math.ceil(idle / 256) * 256),
            "active_servers": busy_capacity,
        },
    }


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return round(value, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.coursework.hub_load", description=__doc__)
    parser.add_argument("--students", type=int, default=8, help="students logged in and busy at once")
    parser.add_argument("--port", type=int, default=18400, help="the hub's port on 127.0.0.1 (and the next ones)")
    parser.add_argument("--time-limit", type=float, default=900, help="seconds the whole measurement may take")
    parser.add_argument("--out", default=str(REPO_ROOT / "docs" / "bench" / "hub_load.json"))
    args = parser.parse_args(argv)
    # stopped from outside: still stop the hub and every student's server on the way out
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = measure(args.students, args.port, args.time_limit)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
