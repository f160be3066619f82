"""The sparse-reward comparison on MultiRoom-N4-S5, recorded once and shipped.

Plain PPO, PPO + RND and PPO + NGU, each trained for a million environment steps on three seeds:
nine runs of 4–15 minutes of one core. `python -m course bench ngu` reads the runs this module
recorded in `data/novelty/multiroom_runs.json` instead of training them all again, and the
notebook plots their success curves. Re-record them with:

    python -m course.novelty.runs                    # every seed, every method
    python -m course.novelty.runs --seeds 2          # some seeds only (merged into the file)
    python -m course.novelty.runs --method ngu rnd   # some methods only

A run's success is the share of its last 100 training episodes that reached the goal.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from course.core.paths import data_dir
from course.core.runs import merge_run
from course.core.runs import read_runs as recorded_runs
from course.core.seeding import reproducible, seed_everything
from course.novelty.ppo import PPOConfig, train

SEEDS = (0, 1, 2)
METHODS = ("none", "rnd", "ngu")  # PPOConfig.novelty
LABELS = {"none": "PPO, extrinsic only", "rnd": "PPO + RND", "ngu": "PPO + NGU"}
LAST_EPISODES = 100


def multiroom_run(config: PPOConfig, show_progress: bool = True) -> dict:
    """Train one agent on MultiRoom-N4-S5 on one thread: its success over its last 100 training
    episodes, its time, and its success curve (share of the last 50 episodes, ~20 points)."""
    seed_everything(config.seed)
    with reproducible(threads=1):
        result = train(config, show_progress=show_progress)
    last = result["episodes"][-LAST_EPISODES:]
    curve = [[u["step"], round(u.get("success", 0.0), 3)] for u in result["updates"]]
    return dict(
        success=float(np.mean([e["success"] for e in last])) if last else 0.0,
        seconds=round(result["seconds"], 1),
        env_steps=result["env_steps"],
        curve=curve[:: max(1, len(curve) // 20)] + curve[-1:],
    )


def runs_path() -> Path:
    return data_dir() / "novelty" / "multiroom_runs.json"


def read_runs(path: Path | None = None) -> dict:
    return recorded_runs(path or runs_path(), "python -m course.novelty.runs")


def record(seeds=SEEDS, methods=METHODS, path: Path | None = None, quick: bool = False) -> dict:
    """Train every (method, seed) with the recorded recipe (`presets.MULTIROOM_RUN`; quick: its smoke
    variant), merging each run into the runs file as soon as it ends."""
    from course.novelty.presets import MULTIROOM_RUN

    recipe = MULTIROOM_RUN.smoke() if quick else MULTIROOM_RUN
    path = path or runs_path()
    config = {
        "env": "MultiRoom-N4-S5",
        "env_steps": recipe.total_steps,
        "last_episodes": LAST_EPISODES,
        "threads": 1,
        "command": "python -m course.novelty.runs",
    }
    runs: dict = {}
    for method in methods:
        for seed in seeds:
            start = time.perf_counter()
            result = multiroom_run(replace(recipe, novelty=method, seed=seed), show_progress=not quick)
            runs = merge_run(path, config, method, seed, result)
            print(
                f"{method} seed {seed}: success {result['success']:.2f} ({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
    return runs


def successes(runs: dict, method: str) -> list[float]:
    """Per-seed success of one method, in seed order."""
    return [run["success"] for _, run in sorted(runs.get(method, {}).items(), key=lambda kv: int(kv[0]))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course.novelty.runs", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--method", choices=METHODS, nargs="+", default=list(METHODS))
    parser.add_argument("--out", help="write here instead of data/novelty/multiroom_runs.json")
    args = parser.parse_args(argv)
    record(args.seeds, args.method, Path(args.out) if args.out else None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
