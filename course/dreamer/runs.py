"""Training curves of Dreamer and DQN over several seeds, recorded once and shipped.

One Dreamer run takes minutes on a CPU, so `python -m course bench dreamer` reads the curves that
this module recorded in `data/dreamer/runs.json` (Catch) and `data/dreamer/runs_room.json` (the
empty room) instead of training every seed again. Re-record them (up to 10 minutes of one core
per Dreamer seed, seconds to minutes per DQN seed; a run still going after 10 CPU minutes is cut
and its record says `cut_by_time_limit`) with:

    python -m course.dreamer.runs                     # Catch: every seed, every method
    python -m course.dreamer.runs --seeds 0 1         # some seeds only (merged into the file)
    python -m course.dreamer.runs --method dqn        # one method only
    python -m course.dreamer.runs --game empty_room   # the longer game
    python -m course.dreamer.runs --method dreamer_shown_catches   # is it exploration? (`ShowEveryCatch`)

On one game every run uses the same evaluation grid (the recipes' `eval_every` env steps, 100 greedy
games; the recipes are in `presets`) and the same definition of solved: two consecutive evaluations whose mean return is 95 %
of the way from the worst return to the optimal one (Catch: 0.9; the empty room: 0.95 × 0.909).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass, replace
from pathlib import Path

from course.core.paths import data_dir
from course.core.runs import CPUTimeLimit, merge_run
from course.core.runs import read_runs as recorded_runs
from course.core.seeding import reproducible, seed_everything
from course.dreamer.dqn import DQNConfig, train_dqn
from course.dreamer.dreamer import DreamerConfig, HeldRandomActions, imagination_accuracy, make_agent, train_dreamer
from course.dreamer.envs import ENVS, Catch, solved_at

METHODS = ("dreamer", "dqn", "dqn_matched")  # what the bench compares
DIAGNOSTICS = ("dreamer_shown_catches",)  # recorded beside them, on Catch only: `ShowEveryCatch`


@dataclass(frozen=True)
class Game:
    """How runs on one game are recorded (their recipes, one per method: `presets`)."""

    runs_file: str  # the game's runs file in data/dreamer/
    worst_return: float  # the lowest return a game can end with (the solve line starts from it)
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)  # recorded by default
    tuned_on: tuple[int, ...] = (0, 1, 2, 3, 4)  # the seeds the recipe was chosen on: the rest are held out


GAMES = {
    # seeds 5-9 were recorded after the recipe was chosen and never used to choose anything
    "catch": Game("runs.json", worst_return=-1.0, seeds=tuple(range(10))),
    "empty_room": Game("runs_room.json", worst_return=0.0),
}

# The record harness's guard (never part of a recipe): a run still going after this much CPU time
# of its one thread is cut, and its record says so (`cut_by_time_limit`).
RECORD_CPU_SECONDS = 600.0


def game(env: str) -> Game:
    if env not in GAMES:
        raise KeyError(f"unknown game {env!r}; known: {', '.join(GAMES)}")
    return GAMES[env]


def solve_return(env: str) -> float:
    """The solve line of a game: 95 % of the way from its worst return to the optimal one."""
    worst, optimal = game(env).worst_return, ENVS[env].optimal_return
    return round(worst + 0.95 * (optimal - worst), 4)


def recipe(method: str, env: str = "catch", quick: bool = False) -> DreamerConfig | DQNConfig:
    """The recorded runs' recipe of `method` on `env` (`presets`; quick: its smoke variant), seed 0."""
    from course.dreamer import presets

    game(env)  # an unknown game names the known ones
    config: DreamerConfig | DQNConfig
    if method in ("dreamer", "dreamer_shown_catches"):
        config = presets.DREAMER_RUNS[env]
    elif method in ("dqn", "dqn_matched"):
        config = presets.DQN_RUNS[env]
        if method == "dqn_matched":  # as many updates per real step as Dreamer makes
            config = replace(config, updates_per_step=presets.DREAMER_RUNS[env].updates_per_step)
    else:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS + DIAGNOSTICS)}")
    return config.smoke() if quick else config


class ShowEveryCatch:
    """An exploration oracle for one diagnostic, never for the recipe: during the random warm-up,
    a game whose ball falls in a column where no ball has been caught yet is played with the
    catching move (`Catch.optimal_action`). So the model has seen a catch in every column before
    it starts to learn, and any time it still needs is not spent waiting for exploration."""

    def __init__(self, env: Catch, explore: HeldRandomActions):
        if not isinstance(env, Catch):
            raise ValueError(f"ShowEveryCatch plays Catch only, not {type(env).__name__}")
        self.env, self.explore = env, explore
        self.caught: set[int] = set()

    def __call__(self, step: int, policy_action: int) -> int:
        env = self.env
        if step > self.explore.prefill or env.ball_col in self.caught:
            return self.explore(step, policy_action)
        self.explore.left = 0  # a held random move does not carry into the shown game
        action = env.optimal_action()
        if env.catches(action):
            self.caught.add(env.ball_col)
        return action


class FirstCatches:
    """Plays exactly what `explore` chooses and notes, for each ball column, the real step of the
    first game caught there (None while there is none): when the model could first learn that a
    catch in that column pays."""

    def __init__(self, env: Catch, explore):
        if not isinstance(env, Catch):
            raise ValueError(f"FirstCatches watches Catch only, not {type(env).__name__}")
        self.env, self.explore = env, explore
        self.first_catch: list[int | None] = [None] * env.width

    def __call__(self, step: int, policy_action: int) -> int:
        action = self.explore(step, policy_action)
        column = self.env.ball_col
        if self.first_catch[column] is None and self.env.catches(action):
            self.first_catch[column] = step
        return action


def columns_caught(explore, env: Catch, steps: int) -> set[int]:
    """Play `steps` moves of Catch chosen by `explore(step, policy_action)` (the agent would stay):
    the columns in which a ball was caught. The warm-up without any learning."""
    watched = FirstCatches(env, explore)
    env.reset()
    for step in range(1, steps + 1):
        _, _, done = env.step(watched(step, policy_action=1))
        if done:
            env.reset()
    return {column for column, first in enumerate(watched.first_catch) if first is not None}


def runs_path(env: str = "catch") -> Path:
    return data_dir() / "dreamer" / game(env).runs_file


def _curve(history: list[dict]) -> list[list[float]]:
    return [[r["env_steps"], round(r["eval_return"], 3)] for r in history]


def train_agent(config: DreamerConfig, guide=None, stop=None) -> tuple[dict, dict]:
    """One Dreamer run: its tensors, and its figures with the training curve and how well it dreams.

    `python -m course train dreamer_catch` trains the shipped agent with it (preset `dreamer_catch`)."""
    tensors, metrics, history = train_dreamer(config, guide=guide, stop=stop)
    agent = make_agent(config)
    agent.load_state_dict(tensors)
    metrics["imagination_accuracy"] = round(imagination_accuracy(agent.wm, config.env, episodes=100, seed=1), 4)
    metrics["imagination_accuracy_sampled"] = round(
        imagination_accuracy(agent.wm, config.env, episodes=100, seed=1, sample=True), 4
    )
    metrics["curve"] = _curve(history)
    return tensors, metrics


def record_dreamer(config: DreamerConfig, guide=None, stop=None) -> tuple[dict, dict]:
    """(tensors, metrics) of one seeded, single-thread Dreamer run, as `python -m course train` makes it.

    On Catch the metrics also say when each ball column was first caught (`FirstCatches`)."""
    watchers: list[FirstCatches] = []

    def watched(game_env, explore):
        watchers.append(FirstCatches(game_env, explore if guide is None else guide(game_env, explore)))
        return watchers[-1]

    seed_everything(config.seed)
    with reproducible(threads=1):
        tensors, metrics = train_agent(config, watched if ENVS[config.env] is Catch else guide, stop)
    if watchers:
        metrics["first_catch_by_column"] = watchers[0].first_catch
    return tensors, metrics


def record_dqn(config: DQNConfig, stop=None) -> dict:
    seed_everything(config.seed)
    with reproducible(threads=1):
        _, metrics, history = train_dqn(config, stop=stop)
    return {**metrics, "curve": _curve(history)}


def _command(env: str) -> str:
    return "python -m course.dreamer.runs" + ("" if env == "catch" else f" --game {env}")


def read_runs(path: Path | None = None, env: str = "catch") -> dict:
    return recorded_runs(path or runs_path(env), _command(env))


def record(seeds=None, methods=METHODS, path: Path | None = None, quick: bool = False, env: str = "catch") -> dict:
    """Train every (method, seed) on `env` (seeds: the game's own by default), merging into its
    runs file after each run."""
    seeds = game(env).seeds if seeds is None else seeds
    unknown = [m for m in methods if m not in METHODS + DIAGNOSTICS]
    if unknown:
        raise ValueError(f"unknown method(s) {unknown}; known: {', '.join(METHODS + DIAGNOSTICS)}")
    if "dreamer_shown_catches" in methods and env != "catch":
        raise ValueError(f"dreamer_shown_catches is a Catch diagnostic; drop it from the methods for {env!r}")
    path = path or runs_path(env)
    runs: dict = {}
    dreamer = recipe("dreamer", env, quick)
    runs["config"] = {
        "game": env,
        "eval_every": dreamer.eval_every,
        "eval_episodes": dreamer.eval_episodes,
        "solve_return": dreamer.solve_return,
        "dreamer_updates_per_step": dreamer.updates_per_step,
        "threads": 1,
        "command": _command(env),
    }
    for method in methods:
        for seed in seeds:
            start = time.perf_counter()
            config = replace(recipe(method, env, quick), seed=seed)
            limit = CPUTimeLimit(RECORD_CPU_SECONDS)
            if isinstance(config, DreamerConfig):
                guide = ShowEveryCatch if method == "dreamer_shown_catches" else None
                _, result = record_dreamer(config, guide=guide, stop=limit)
            else:
                result = record_dqn(config, stop=limit)
            result["cut_by_time_limit"] = limit.cut
            runs = merge_run(path, runs["config"], method, seed, result)
            print(
                f"{method} seed {seed}: solved at {result['env_steps_to_solve']} env steps "
                f"({time.perf_counter() - start:.0f} s{', cut by the time limit' if limit.cut else ''})",
                flush=True,
            )
    return runs


def solved_at_curve(curve: list[list[float]], threshold: float) -> int | None:
    """`envs.solved_at` on a recorded curve of [env steps, mean return] pairs."""
    return solved_at([{"env_steps": s, "eval_return": r} for s, r in curve], threshold)


def steps_to_solve(runs: dict, method: str) -> list[int | None]:
    return [run["env_steps_to_solve"] for _, run in sorted(runs[method].items(), key=lambda kv: int(kv[0]))]


def median_or_none(values: list) -> float | None:
    """Median with unsolved runs (None) counted as worse than every solved one."""
    if not values:
        return None
    ordered = sorted(values, key=lambda v: float("inf") if v is None else v)
    n = len(ordered)
    middle = ordered[(n - 1) // 2 : n // 2 + 1]
    if any(v is None for v in middle):
        return None
    value = statistics.fmean(middle)
    return int(value) if value == int(value) else value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course.dreamer.runs", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, nargs="+", help="default: the game's seeds (Catch 0-9, the room 0-4)")
    parser.add_argument(
        "--method",
        choices=METHODS + DIAGNOSTICS,
        nargs="+",
        default=list(METHODS),
        help="dreamer_shown_catches (Catch only): a diagnostic whose warm-up shows a catch in "
        "every column (ShowEveryCatch)",
    )
    parser.add_argument("--game", choices=list(GAMES), default="catch")
    parser.add_argument("--out", help="write here instead of the game's file in data/dreamer/")
    args = parser.parse_args(argv)
    record(args.seeds, args.method, Path(args.out) if args.out else None, env=args.game)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
