"""Training curves of Dreamer and DQN over several seeds, recorded once and shipped.

One Dreamer run takes minutes on a CPU, so `python -m course bench dreamer` reads the curves that
this module recorded in `data/dreamer/runs.json` (Catch) and `data/dreamer/runs_room.json` (the
empty room) instead of training every seed again. Re-record them (up to 10 minutes of one core
per Dreamer seed, seconds to minutes per DQN seed) with:

    python -m course.dreamer.runs                     # Catch: every seed, every method
    python -m course.dreamer.runs --seeds 0 1         # some seeds only (merged into the file)
    python -m course.dreamer.runs --method dqn        # one method only
    python -m course.dreamer.runs --game empty_room   # the longer game
    python -m course.dreamer.runs --method dreamer_shown_catches   # is it exploration? (`ShowEveryCatch`)

On one game every run uses the same evaluation grid (`Game.eval_every` env steps, 100 greedy
games) and the same definition of solved: two consecutive evaluations whose mean return is 95 %
of the way from the worst return to the optimal one (Catch: 0.9; the empty room: 0.95 × 0.909).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from course.core.paths import data_dir
from course.core.runs import merge_run
from course.core.runs import read_runs as recorded_runs
from course.core.seeding import reproducible, seed_everything
from course.dreamer.dqn import DQNConfig, train_dqn
from course.dreamer.dreamer import DreamerConfig, HeldRandomActions, imagination_accuracy, make_agent, train_dreamer
from course.dreamer.envs import ENVS, Catch, solved_at

METHODS = ("dreamer", "dqn", "dqn_matched")  # what the bench compares
DIAGNOSTICS = ("dreamer_shown_catches",)  # recorded beside them, on Catch only: `ShowEveryCatch`
EVAL_EPISODES = 100


@dataclass(frozen=True)
class Game:
    """How runs on one game are measured and recorded, and what its Dreamer recipe changes."""

    runs_file: str
    eval_every: int  # env steps between evaluations, for every method
    worst_return: float
    dreamer: dict = field(default_factory=dict)  # DreamerConfig fields that differ from the defaults
    dqn_env_steps: int = 20_000
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)  # recorded by default
    tuned_on: tuple[int, ...] = (0, 1, 2, 3, 4)  # the seeds the recipe was chosen on: the rest are held out


GAMES = {
    # seeds 5-9 were recorded after the recipe was chosen and never used to choose anything
    "catch": Game("runs.json", eval_every=50, worst_return=-1.0, seeds=tuple(range(10))),
    # a game lasts up to 64 steps, not 9: a longer random warm-up (about 18 games, a third of them
    # reach the goal), longer replayed sequences, and 4 updates per real step rather than 32, since
    # the room takes ten times more real steps than Catch and 32 would not fit the CPU budget
    "empty_room": Game(
        "runs_room.json",
        eval_every=250,
        worst_return=0.0,
        dqn_env_steps=60_000,
        dreamer={"env_steps": 10_000, "prefill_steps": 1000, "updates_per_step": 4.0, "seq_len": 16},
    ),
}


def game(env: str) -> Game:
    if env not in GAMES:
        raise KeyError(f"unknown game {env!r}; known: {', '.join(GAMES)}")
    return GAMES[env]


def solve_return(env: str) -> float:
    """The solve line of a game: 95 % of the way from its worst return to the optimal one."""
    worst, optimal = game(env).worst_return, ENVS[env].optimal_return
    return round(worst + 0.95 * (optimal - worst), 4)


def dreamer_config(seed: int = 0, quick: bool = False, env: str = "catch") -> DreamerConfig:
    """The lesson's Dreamer recipe for `env`; `quick` is a tiny run for tests."""
    if quick:
        return DreamerConfig(
            env=env,
            seed=seed,
            env_steps=60,
            prefill_steps=30,
            updates_per_step=0.2,
            hidden=32,
            batch_size=4,
            seq_len=6,
            eval_every=30,
            eval_episodes=10,
            stop_when_solved=False,
        )
    g = game(env)
    return DreamerConfig(
        env=env,
        seed=seed,
        eval_every=g.eval_every,
        eval_episodes=EVAL_EPISODES,
        solve_return=solve_return(env),
        **g.dreamer,
    )


def dqn_config(seed: int = 0, updates_per_step: float = 1.0, quick: bool = False, env: str = "catch") -> DQNConfig:
    """DQN as tuned in `dqn.py`, only evaluated on the same grid as Dreamer."""
    if quick:
        return DQNConfig(
            env=env,
            seed=seed,
            env_steps=100,
            prefill_steps=30,
            eval_every=50,
            eval_episodes=10,
            updates_per_step=updates_per_step,
            stop_when_solved=False,
        )
    g = game(env)
    return DQNConfig(
        env=env,
        seed=seed,
        eval_every=g.eval_every,
        eval_episodes=EVAL_EPISODES,
        solve_return=solve_return(env),
        updates_per_step=updates_per_step,
        env_steps=g.dqn_env_steps,
    )


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


def train_agent(config: DreamerConfig, guide=None) -> tuple[dict, dict]:
    """One Dreamer run: its tensors, and its figures with the training curve and how well it dreams.

    `python -m course train dreamer_catch` trains the shipped agent with it (`analysis.agent_config`)."""
    tensors, metrics, history = train_dreamer(config, guide=guide)
    agent = make_agent(config)
    agent.load_state_dict(tensors)
    metrics["imagination_accuracy"] = round(imagination_accuracy(agent.wm, config.env, episodes=100, seed=1), 4)
    metrics["imagination_accuracy_sampled"] = round(
        imagination_accuracy(agent.wm, config.env, episodes=100, seed=1, sample=True), 4
    )
    metrics["curve"] = _curve(history)
    return tensors, metrics


def record_dreamer(seed: int, quick: bool = False, env: str = "catch", guide=None) -> tuple[dict, dict]:
    """(tensors, metrics) of one seeded, single-thread Dreamer run, as `python -m course train` makes it.

    On Catch the metrics also say when each ball column was first caught (`FirstCatches`)."""
    config = dreamer_config(seed, quick, env)
    watchers: list[FirstCatches] = []

    def watched(game_env, explore):
        watchers.append(FirstCatches(game_env, explore if guide is None else guide(game_env, explore)))
        return watchers[-1]

    seed_everything(seed)
    with reproducible(threads=1):
        tensors, metrics = train_agent(config, watched if ENVS[env] is Catch else guide)
    if watchers:
        metrics["first_catch_by_column"] = watchers[0].first_catch
    return tensors, metrics


def record_dqn(seed: int, updates_per_step: float, quick: bool = False, env: str = "catch") -> dict:
    seed_everything(seed)
    with reproducible(threads=1):
        _, metrics, history = train_dqn(dqn_config(seed, updates_per_step, quick, env))
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
    recipe = dreamer_config(quick=quick, env=env)
    matched = recipe.updates_per_step
    runs["config"] = {
        "game": env,
        "eval_every": recipe.eval_every,
        "eval_episodes": recipe.eval_episodes,
        "solve_return": recipe.solve_return,
        "dreamer_updates_per_step": matched,
        "threads": 1,
        "command": _command(env),
    }
    for method in methods:
        for seed in seeds:
            start = time.perf_counter()
            if method == "dreamer":
                _, result = record_dreamer(seed, quick, env)
            elif method == "dreamer_shown_catches":
                _, result = record_dreamer(seed, quick, env, guide=ShowEveryCatch)
            else:
                result = record_dqn(seed, matched if method == "dqn_matched" else 1.0, quick, env)
            runs = merge_run(path, runs["config"], method, seed, result)
            print(
                f"{method} seed {seed}: solved at {result['env_steps_to_solve']} env steps "
                f"({time.perf_counter() - start:.0f} s)",
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
