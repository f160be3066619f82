"""Training curves of Dreamer and DQN over several seeds, recorded once and shipped.

One Dreamer run takes minutes on a CPU, so `python -m course bench dreamer` reads the curves that
this module recorded in `data/dreamer/runs.json` instead of training every seed again. Re-record
them (up to 10 minutes of one core per Dreamer seed, seconds per DQN seed) with:

    python -m course.dreamer.runs                 # every seed, both methods
    python -m course.dreamer.runs --seeds 0 1     # some seeds only (merged into the file)
    python -m course.dreamer.runs --method dqn    # one method only

Every run uses the same evaluation grid (`EVAL_EVERY` env steps, `EVAL_EPISODES` greedy games)
and the same definition of solved (two consecutive evaluations with mean return >= 0.9).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from course.core.paths import data_dir
from course.core.runs import merge_run
from course.core.runs import read_runs as recorded_runs
from course.core.seeding import seed_everything, torch_threads
from course.dreamer.dqn import DQNConfig, train_dqn
from course.dreamer.dreamer import DreamerConfig, imagination_accuracy, make_agent, train_dreamer
from course.dreamer.envs import solved_at

SEEDS = (0, 1, 2, 3, 4)
EVAL_EVERY = 50  # env steps between evaluations, for every method
EVAL_EPISODES = 100
SOLVE_RETURN = 0.9  # 95 % of the way from -1 to the optimal +1


def dreamer_config(seed: int = 0, quick: bool = False) -> DreamerConfig:
    """The lesson's Dreamer recipe; `quick` is a tiny run for tests."""
    if quick:
        return DreamerConfig(seed=seed, env_steps=60, prefill_steps=30, updates_per_step=0.2, hidden=32,
                             batch_size=4, seq_len=6, eval_every=30, eval_episodes=10, stop_when_solved=False)
    return DreamerConfig(seed=seed, eval_every=EVAL_EVERY, eval_episodes=EVAL_EPISODES, solve_return=SOLVE_RETURN)


def dqn_config(seed: int = 0, updates_per_step: float = 1.0, quick: bool = False) -> DQNConfig:
    """DQN as tuned in `dqn.py`, only evaluated on the same grid as Dreamer."""
    if quick:
        return DQNConfig(seed=seed, env_steps=100, prefill_steps=30, eval_every=50, eval_episodes=10,
                         updates_per_step=updates_per_step, stop_when_solved=False)
    return DQNConfig(seed=seed, eval_every=EVAL_EVERY, eval_episodes=EVAL_EPISODES, solve_return=SOLVE_RETURN,
                     updates_per_step=updates_per_step, env_steps=20_000)


def runs_path() -> Path:
    return data_dir() / "dreamer" / "runs.json"


def _curve(history: list[dict]) -> list[list[float]]:
    return [[r["env_steps"], round(r["eval_return"], 3)] for r in history]


def train_agent(config: DreamerConfig) -> tuple[dict, dict]:
    """One Dreamer run: its tensors, and its figures with the training curve and how well it dreams.

    `python -m course train dreamer_catch` trains the shipped agent with it (`analysis.agent_config`)."""
    tensors, metrics, history = train_dreamer(config)
    agent = make_agent(config)
    agent.load_state_dict(tensors)
    metrics["imagination_accuracy"] = round(imagination_accuracy(agent.wm, episodes=100, seed=1), 4)
    metrics["imagination_accuracy_sampled"] = round(imagination_accuracy(agent.wm, episodes=100, seed=1, sample=True), 4)
    metrics["curve"] = _curve(history)
    return tensors, metrics


def record_dreamer(seed: int, quick: bool = False) -> tuple[dict, dict]:
    """(tensors, metrics) of one seeded, single-thread Dreamer run, as `python -m course train` makes it."""
    config = dreamer_config(seed, quick)
    seed_everything(seed)
    with torch_threads(1):
        return train_agent(config)


def record_dqn(seed: int, updates_per_step: float, quick: bool = False) -> dict:
    seed_everything(seed)
    with torch_threads(1):
        _, metrics, history = train_dqn(dqn_config(seed, updates_per_step, quick))
    return {**metrics, "curve": _curve(history)}


def read_runs(path: Path | None = None) -> dict:
    return recorded_runs(path or runs_path(), "python -m course.dreamer.runs")


def record(seeds=SEEDS, methods=("dreamer", "dqn", "dqn_matched"), path: Path | None = None,
           quick: bool = False) -> dict:
    """Train every (method, seed), merging into the runs file after each run."""
    path = path or runs_path()
    runs: dict = {}
    matched = dreamer_config(quick=quick).updates_per_step
    runs["config"] = {"eval_every": EVAL_EVERY, "eval_episodes": EVAL_EPISODES, "solve_return": SOLVE_RETURN,
                      "dreamer_updates_per_step": matched, "threads": 1,
                      "command": "python -m course.dreamer.runs"}
    for method in methods:
        for seed in seeds:
            start = time.perf_counter()
            if method == "dreamer":
                _, result = record_dreamer(seed, quick)
            else:
                result = record_dqn(seed, matched if method == "dqn_matched" else 1.0, quick)
            runs = merge_run(path, runs["config"], method, seed, result)
            print(f"{method} seed {seed}: solved at {result['env_steps_to_solve']} env steps "
                  f"({time.perf_counter() - start:.0f} s)", flush=True)
    return runs


def solved_at_curve(curve: list[list[float]], solve_return: float = SOLVE_RETURN) -> int | None:
    """`envs.solved_at` on a recorded curve of [env steps, mean return] pairs."""
    return solved_at([{"env_steps": s, "eval_return": r} for s, r in curve], solve_return)


def steps_to_solve(runs: dict, method: str) -> list[int | None]:
    return [run["env_steps_to_solve"] for _, run in sorted(runs[method].items(), key=lambda kv: int(kv[0]))]


def median_or_none(values: list) -> float | None:
    """Median with unsolved runs (None) counted as worse than every solved one."""
    if not values:
        return None
    ordered = sorted(values, key=lambda v: float("inf") if v is None else v)
    n = len(ordered)
    middle = ordered[(n - 1) // 2: n // 2 + 1]
    if any(v is None for v in middle):
        return None
    value = statistics.fmean(middle)
    return int(value) if value == int(value) else value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.dreamer.runs", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--method", choices=["dreamer", "dqn", "dqn_matched"], nargs="+",
                        default=["dreamer", "dqn", "dqn_matched"])
    parser.add_argument("--out", help="write here instead of data/dreamer/runs.json")
    args = parser.parse_args(argv)
    record(args.seeds, args.method, Path(args.out) if args.out else None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
