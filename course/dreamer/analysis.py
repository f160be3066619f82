"""The lesson's experiments as functions, shared by the notebook and `python -m course bench dreamer`.

Shipped checkpoints: `dreamer_catch` (the seed-0 Dreamer agent: world model, actor and critic),
`dreamer_catch_umap` (a UMAP map of its latent codes, since UMAP compiles for a minute on first
use), `dreamer_room` (the seed-0 agent of the longer game, MiniGrid's empty room), and the small
head ensembles on their frozen world models that make latent planning trustworthy and give the
room new goals (`dreamer_catch_heads`, `dreamer_room_heads`; see `heads` and `goals`). Training
curves over seeds are recorded in `data/dreamer/runs.json` and `runs_room.json` (see `runs`).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import mutual_info_score
from sklearn.neighbors import NearestNeighbors

from course.core.checkpoints import load_checkpoint
from course.dreamer.dreamer import Dreamer, DreamerConfig, frames_match, imagination_accuracy, make_agent
from course.dreamer.envs import Catch, EmptyRoom, make_env
from course.dreamer.runs import median_or_none, read_runs, steps_to_solve, train_agent
from course.embeddings.analysis import umap_coordinates
from course.embeddings.metrics import factor_entropy, gaps_from_mutual_info, knn_purity

DREAMER_NAME = "dreamer_catch"
UMAP_NAME = "dreamer_catch_umap"
ROOM_NAME = "dreamer_room"
CATCH_HEADS_NAME = "dreamer_catch_heads"  # reward heads on the frozen Catch world model (`heads`)
ROOM_HEADS_NAME = "dreamer_room_heads"  # cell heads on the frozen empty-room world model


# ---------------------------------------------------------------- the shipped agent


def load_agent(name: str = DREAMER_NAME) -> Dreamer:
    """The shipped agent, hash-checked, in eval mode."""
    tensors, entry = load_checkpoint(name)
    config = DreamerConfig(**entry["config"])
    agent = make_agent(config)
    agent.load_state_dict(tensors)
    return agent.eval()


# ---------------------------------------------------------------- states, codes and dreams


STATE_PARTS = ("ball row", "ball column", "paddle column")  # a Catch state, in `catch_state`'s order


def catch_state(env: Catch) -> tuple[int, int, int]:
    return env.ball_row, env.ball_col, env.paddle


def play_game(seed: int, actions=None, env_name: str = "catch", max_steps: int | None = None) -> dict:
    """Play one game: the given actions, then random ones (seeded) until it ends or `max_steps`.

    Returns a dict: frames (T+1, *frame shape), actions (T,), and on Catch states (T+1, 3) as
    (ball row, ball column, paddle)."""
    env = make_env(env_name, seed=seed)
    rng = np.random.default_rng(seed)
    frames, done = [env.reset()], False
    taken: list[int] = []
    states = [catch_state(env)] if env_name == "catch" else None
    while not done and (max_steps is None or len(taken) < max_steps):
        t = len(taken)
        a = int(actions[t]) if actions is not None and t < len(actions) else int(rng.integers(env.n_actions))
        obs, _, done = env.step(a)
        frames.append(obs)
        taken.append(a)
        if states is not None:
            states.append(catch_state(env))
    game = {"frames": np.stack(frames), "actions": np.array(taken)}
    return game if states is None else {**game, "states": np.array(states)}


@torch.no_grad()
def observe_episode(agent: Dreamer, seed: int, actions=None):
    """Play one Catch game (`play_game`) and read it with the world model.

    Adds to `play_game`'s dict: feats (T+1, F) posterior model states, recon (T+1, 1, H, W)
    decoded from them, probs (T+1, stoch, classes) the posterior categorical codes."""
    wm = agent.wm
    game = play_game(seed, actions)
    frames_t = torch.from_numpy(game["frames"])[None]  # (1, T+1, 1, H, W)
    acts = torch.zeros(1, len(game["frames"]), wm.n_actions)
    acts[0, 1:] = F.one_hot(torch.from_numpy(game["actions"]), wm.n_actions).float()
    first = torch.zeros(1, len(game["frames"]), dtype=torch.bool)
    first[0, 0] = True
    feats, post, _ = wm.observe(frames_t, acts, first)
    return {**game, "feats": feats[0], "recon": wm.decode(feats[0]).numpy(), "probs": post[0].numpy()}


@torch.no_grad()
def dream(agent: Dreamer, start_feat: torch.Tensor, actions, seed: int = 0, sample: bool = False) -> dict:
    """Open-loop imagination from one model state (F,) under a list of actions: the model's best
    guess at each step, or with `sample` codes drawn as in training (`seed` fixes the draws).

    Returns frames (T, *frame shape) decoded, probs (T, stoch, classes) prior codes, rewards (T,)."""
    wm = agent.wm
    torch.manual_seed(seed)
    h, z = start_feat[None, : wm.c.hidden], start_feat[None, wm.c.hidden :]
    frames, probs, rewards = [], [], []
    for a in actions:
        h, z, prior = wm.rssm.img_step(h, z, F.one_hot(torch.tensor([int(a)]), wm.n_actions).float(), sample)
        feat = torch.cat([h, z], -1)
        frames.append(wm.decode(feat)[0].numpy())
        probs.append(prior[0].numpy())
        rewards.append(float(wm.predict_reward(feat)[0]))
    return {
        "frames": np.stack(frames) if frames else np.zeros((0, *wm.obs_shape), np.float32),
        "probs": np.stack(probs) if probs else np.zeros((0, wm.c.stoch, wm.c.classes), np.float32),
        "rewards": np.array(rewards),
    }


def object_positions(frame: np.ndarray) -> tuple[tuple[int, int] | None, int | None]:
    """(ball (row, column) or None, paddle column or None) read from a frame at 0.5.

    The paddle is the lit pixel of the bottom row under which no ball is; the ball the lit pixel
    above it (or, on the last frame, a second lit pixel of the bottom row)."""
    lit = np.argwhere(frame[0] > 0.5)
    bottom = frame.shape[1] - 1
    above = [tuple(p) for p in lit if p[0] < bottom]
    low = [int(p[1]) for p in lit if p[0] == bottom]
    ball = above[0] if len(above) == 1 else None
    paddle = low[0] if len(low) == 1 else None
    return ball, paddle


@torch.no_grad()
def dream_drift(
    agent: Dreamer, episodes: int = 50, seed: int = 0, sample: bool = False, env_name: str = "catch", horizon: int = 9
) -> np.ndarray:
    """Share of imagined frames equal to reality at each open-loop step 1..horizon (random moves),
    the model dreaming its best guess or, with `sample`, drawing its codes as in training. A game
    that ends early counts only at the steps it lasted.

    All games are played, then dreamed side by side from their first frames, as one batch."""
    wm = agent.wm
    torch.manual_seed(seed)  # `sample`d dreams draw codes: the same seed gives the same figure
    games = [play_game(seed + e, env_name=env_name, max_steps=horizon) for e in range(episodes)]  # the real games
    first_frames = torch.from_numpy(np.stack([g["frames"][0] for g in games])).flatten(1)  # (N, pixels)
    h, z = wm.rssm.initial(episodes)
    # the first frame is read the way the dream goes on: best guess, or a drawn code
    h, z, _, _ = wm.rssm.obs_step(h, z, torch.zeros(episodes, wm.n_actions), wm.encoder(first_frames), sample)
    steps = max(len(g["actions"]) for g in games)
    actions = torch.zeros(episodes, steps, dtype=torch.long)  # (N, T), padded after a game's end
    for i, g in enumerate(games):
        actions[i, : len(g["actions"])] = torch.from_numpy(g["actions"])
    right = np.zeros(steps)
    for t in range(steps):
        h, z, _ = wm.rssm.img_step(h, z, F.one_hot(actions[:, t], wm.n_actions).float(), sample)
        imagined = wm.decode(torch.cat([h, z], -1)).numpy()
        right[t] = np.mean(
            [frames_match(imagined[i], g["frames"][t + 1]) for i, g in enumerate(games) if t < len(g["actions"])]
        )
    return right


# ---------------------------------------------------------------- the longer game: the empty room


@torch.no_grad()
def room_episode(agent: Dreamer, seed: int, moves=None) -> dict:
    """One empty-room game, played by the agent's greedy actor or, if given, by `moves` (ints:
    0 turn left, 1 turn right, 2 forward; those after the game ends are not played); the model
    then dreams the game again from the first frame and the moves alone.

    Returns frames (T+1, 5, 6, 6) real, dreams (T+1, 5, 6, 6) (the first is the first frame
    redrawn, the rest imagined), matches (T+1,) whether each dream frame is right, actions (T,),
    the return, `shortest`, the fewest moves that reach the goal from that start, and `unplayed`,
    the moves given but not played. The agent reads each frame into a drawn code, as in training:
    `seed` also fixes those draws."""
    torch.manual_seed(seed)
    env = EmptyRoom(seed=seed)
    frames = [env.reset()]
    x, y = env.game.agent_pos
    shortest = int(EmptyRoom.moves_to_goal()[x - 1, y - 1, env.game.agent_dir])
    player = agent.policy(greedy=True)
    planned = None if moves is None else [int(m) for m in moves]
    if planned is not None and not all(0 <= m < env.n_actions for m in planned):
        raise ValueError(f"moves must be 0 (turn left), 1 (turn right) or 2 (forward), got {planned}")
    first, done, total = True, False, 0.0
    actions: list[int] = []
    while not done and (planned is None or len(actions) < len(planned)):
        if planned is None:
            action = int(player(torch.from_numpy(frames[-1])[None], torch.tensor([first]))[0])
        else:
            action = planned[len(actions)]
        first = False
        obs, reward, done = env.step(action)
        frames.append(obs)
        actions.append(action)
        total += reward
    wm = agent.wm
    h, z = wm.rssm.initial(1)
    embed = wm.encoder(torch.from_numpy(frames[0]).reshape(1, -1))
    h, z, _, _ = wm.rssm.obs_step(h, z, torch.zeros(1, wm.n_actions), embed, sample=False)
    start = torch.cat([h, z], -1)[0]
    dreams = np.concatenate([wm.decode(start[None]).numpy(), dream(agent, start, actions)["frames"]])
    matches = np.array([frames_match(d, f) for d, f in zip(dreams, frames)])
    return {
        "frames": np.stack(frames),
        "dreams": dreams,
        "matches": matches,
        "actions": np.array(actions),
        "return": total,
        "shortest": shortest,
        "unplayed": 0 if planned is None else len(planned) - len(actions),
    }


ROOM_CELL = 9  # pixels per floor cell in pictures of the room


def _arrow(heading: int) -> np.ndarray:
    """A (ROOM_CELL, ROOM_CELL) mask of a triangle pointing along MiniGrid's heading (0 right, 1 down, ...)."""
    n = ROOM_CELL
    y, x = np.mgrid[:n, :n]
    right = (x >= 1) & (x <= n - 2) & (np.abs(y - n // 2) <= (n - 2 - x) * 0.55)
    return np.rot90(right, k=-heading)


def room_picture(frame: np.ndarray) -> np.ndarray:
    """An RGB picture (H, W, 3) of a room frame (5, 6, 6), real or imagined, walls added: the goal
    green, the agent a red arrow along its heading; an imagined frame's probabilities fade them."""
    n, cell = frame.shape[-1], ROOM_CELL
    side = (n + 2) * cell
    rgb = np.full((side, side, 3), 0.5)  # the walls
    floor = np.zeros((n * cell, n * cell, 3)) + 0.08
    goal = np.kron(frame[4], np.ones((cell, cell)))[..., None]
    floor = floor * (1 - goal) + goal * np.array([0.1, 0.75, 0.25])
    for heading in range(4):
        alpha = np.kron(frame[heading], np.ones((cell, cell))) * np.tile(_arrow(heading), (n, n))
        floor = floor * (1 - alpha[..., None]) + alpha[..., None] * np.array([0.95, 0.15, 0.1])
    rgb[cell:-cell, cell:-cell] = floor
    return np.clip(rgb, 0, 1)


# ---------------------------------------------------------------- the latent map (shipped)


@dataclass
class LatentMapConfig:
    """UMAP of the posterior codes z of frames from random play (the shipped map: `presets`)."""

    episodes: int = 200  # random games whose frames the map shows
    n_neighbors: int = 15  # UMAP's neighbourhood size: local (small) against global (large) structure
    min_dist: float = 0.1  # how tightly UMAP may pack points in the map
    seed: int = 0  # seeds the games and UMAP's layout

    def smoke(self) -> LatentMapConfig:
        """A map of 10 games, for tests and `train --quick`."""
        return replace(self, episodes=10)


def latent_codes(agent: Dreamer, episodes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(codes (N, stoch * classes) posterior probabilities, states (N, 3)) over random games."""
    codes, states = [], []
    for e in range(episodes):
        run = observe_episode(agent, 50_000 + seed * 1000 + e)
        codes.append(run["probs"].reshape(len(run["probs"]), -1))
        states.append(run["states"])
    return np.concatenate(codes), np.concatenate(states)


def train_latent_map(config: LatentMapConfig) -> tuple[dict, dict]:
    """Numba compiles UMAP on first use (about a minute): the notebook loads these coordinates."""
    agent = load_agent()
    codes, states = latent_codes(agent, config.episodes, config.seed)
    xy = umap_coordinates(codes, config.n_neighbors, config.min_dist, config.seed)
    tensors = {"xy": torch.from_numpy(xy), "states": torch.from_numpy(states.astype(np.int64))}
    return tensors, {"points": len(xy)}


def load_latent_map() -> dict[str, np.ndarray]:
    """{'xy': (N, 2) UMAP coordinates, 'states': (N, 3) ball row, ball column, paddle}."""
    tensors, _ = load_checkpoint(UMAP_NAME)
    return {k: v.numpy() for k, v in tensors.items()}


def map_neighbours(xy: np.ndarray, states: np.ndarray, k: int = 10) -> dict:
    """What a map of frames keeps of the true state (N, 3 parts). For each part: Lesson 01's k-NN
    purity ('neighbours'), the same among each frame's k nearest frames of *another* state ('other
    states': does the map put similar states near each other?), and chance, Σ p². Also 'same
    state': the share of neighbours in exactly the frame's state."""
    _, state_id = np.unique(states, axis=0, return_inverse=True)
    state_id = state_id.ravel()
    enough = k + int(np.bincount(state_id).max()) + 1  # past every frame of the frame's own state
    near = NearestNeighbors(n_neighbors=min(enough, len(xy))).fit(xy).kneighbors(xy, return_distance=False)[:, 1:]
    others = np.array([row[state_id[row] != state_id[i]][:k] for i, row in enumerate(near)])  # (N, k)
    purity = knn_purity(xy, np.column_stack([states, state_id]), k=k)  # (4,): each part, then the whole state
    parts = {}
    for j, name in enumerate(STATE_PARTS):
        values = states[:, j]
        parts[name] = {
            "neighbours": float(purity[j]),
            "other states": float((values[others] == values[:, None]).mean()),
            "chance": float(sum((np.bincount(values) / len(values)) ** 2)),
        }
    return {"same state": float(purity[-1]), "parts": parts}


def code_information(codes: np.ndarray, states: np.ndarray, stoch: int) -> dict:
    """How much of each part of the state (N, 3) the codes (N, stoch * classes) pin down, as
    I(code; part) / H(part) of the best-guess classes: 1 = it fixes the part, 0 = it says nothing.

    'per_variable' (stoch, 3) asks it of each code variable alone, Lesson 01's question; 'together'
    (3,) of all of them at once, which means something only while there are far fewer
    'distinct_codes' than frames; 'mig' (3,) is Lesson 01's gap between the best two variables."""
    best = codes.reshape(len(codes), stoch, -1).argmax(-1)  # (N, stoch) class of each variable
    entropy = factor_entropy(states)
    per_variable = np.array([[mutual_info_score(part, var) for part in states.T] for var in best.T])
    _, whole = np.unique(best, axis=0, return_inverse=True)  # one label per distinct code
    together = np.array([mutual_info_score(part, whole.ravel()) for part in states.T])
    return {
        "per_variable": per_variable / entropy,
        "together": together / entropy,
        "mig": gaps_from_mutual_info(per_variable, entropy),
        "distinct_codes": int(whole.max()) + 1,
    }


# ---------------------------------------------------------------- the benchmark


def sample_efficiency(runs: dict, only_seeds=None) -> dict:
    """Steps to solve (medians over seeds) and per-seed ratios DQN / Dreamer, from recorded runs;
    `only_seeds` keeps some seeds (say, those held out when the recipe was chosen)."""
    seeds = sorted(set(runs["dreamer"]) & set(runs["dqn"]) & set(runs["dqn_matched"]), key=int)  # paired
    if only_seeds is not None:
        keep = set(only_seeds)
        seeds = [s for s in seeds if int(s) in keep]
    dreamer, dqn, matched = (
        steps_to_solve({m: {k: runs[m][k] for k in seeds}}, m) for m in ("dreamer", "dqn", "dqn_matched")
    )

    def ratios(baseline):
        out = []
        for d, b in zip(dreamer, baseline):
            if d is None:
                out.append(0.0 if b is not None else None)  # Dreamer never solved: no advantage
            else:
                out.append(None if b is None else b / d)  # None: the baseline never solved
        return out

    def median_ratio(values):
        known = [v if v is not None else float("inf") for v in values]
        return round(statistics.median(known), 2) if known else None

    return {
        "seeds": [int(k) for k in seeds],
        "dreamer": dreamer,
        "dqn": dqn,
        "dqn_matched": matched,
        "ratio": median_ratio(ratios(dqn)),
        "ratio_matched": median_ratio(ratios(matched)),
        "ratios": ratios(dqn),
        "ratios_matched": ratios(matched),
    }


def bench(quick: bool = False) -> dict:
    """The figures of `python -m course bench dreamer`.

    Training curves come from the recorded runs (`data/dreamer/runs.json`, re-recorded by
    `python -m course.dreamer.runs`); imagination accuracy and planning are measured now on the
    shipped seed-0 agents and their heads, every planner on the same games (seed 7, never used to
    choose anything); DQN on new goals comes from `data/dreamer/new_goal_dqn.json`. `quick` plays
    fewer games, on fewer new goals."""
    from course.dreamer.goals import NEW_GOALS, cell_index, dqn_steps_for, zero_shot
    from course.dreamer.heads import load_heads, trusted_score
    from course.dreamer.planning import compare_planners

    agent = load_agent()
    episodes = 10 if quick else 100
    dreamed_games = 20 if quick else 100
    catch_heads, _ = load_heads(CATCH_HEADS_NAME)
    planners = compare_planners(agent, episodes, seed=7, trusted=trusted_score(agent, catch_heads))
    catch = run_figures(read_runs())
    room = run_figures(read_runs(env="empty_room"))
    room_agent = load_agent(ROOM_NAME)
    room_heads, _ = load_heads(ROOM_HEADS_NAME)
    room_accuracy = imagination_accuracy(room_agent.wm, "empty_room", episodes=dreamed_games, seed=1)
    corner = EmptyRoom.size - 3
    room_planners = compare_planners(
        room_agent, episodes, seed=7, trusted=trusted_score(room_agent, room_heads, goal=cell_index(corner, corner))
    )
    goals = NEW_GOALS[:3] if quick else NEW_GOALS
    new_goals = zero_shot(room_agent, room_heads, goals, None, episodes, seed=7)
    success = statistics.mean(new_goals["planner"].values())
    dqn = dqn_steps_for(success)
    return {
        "optimal_return": Catch.optimal_return,
        **{
            k: catch[k]
            for k in (
                "dreamer_return",
                "seeds",
                "seeds_solved",
                "dreamer_env_steps_to_95pct",
                "dqn_env_steps_to_95pct",
                "dqn_matched_env_steps_to_95pct",
                "sample_efficiency_ratio",
                "sample_efficiency_ratio_matched",
            )
        },
        "imagination_accuracy": round(imagination_accuracy(agent.wm, episodes=dreamed_games, seed=1), 4),
        # latent search valued by the reward heads (mean - κ·spread); the world model's own reward
        # head, as before, is `planning_return_plain_cem`
        **planner_figures(planners),
        "actor_ms_per_move": round(planners["actor"]["ms_per_move"], 3),
        "train_seconds": catch["train_seconds"],
        # the longer game, measured the same way
        "room_optimal_return": EmptyRoom.optimal_return,
        **{f"room_{k}": v for k, v in room.items()},
        "room_imagination_accuracy": round(room_accuracy, 4),
        **planner_figures(room_planners, prefix="room_"),
        # new goals in the room: cell heads, zero new real steps per goal
        "new_goal_cells": len(goals),
        "new_goal_games_per_cell": episodes,
        "new_goal_success_latent_zero_shot": round(success, 3),
        "new_goal_success_latent_worst_cell": round(min(new_goals["planner"].values()), 3),
        "new_goal_success_old_actor": round(statistics.mean(new_goals["actor"].values()), 3),
        "new_goal_planning_ms_per_move": round(new_goals["ms_per_move"], 2),
        "dqn_steps_for_new_goal": dqn["median"],
        "dqn_steps_for_new_goal_per_seed": dqn["per_seed"],
    }


def planner_figures(planners: dict, prefix: str = "") -> dict:
    """The returns and move times of `compare_planners`' players, as the bench names them."""
    return {
        f"{prefix}planning_return": round(planners["trusted"]["return"], 3),
        f"{prefix}planning_return_plain_cem": round(planners["latent"]["return"], 3),
        f"{prefix}planning_return_pixel": round(planners["pixels"]["return"], 3),
        f"{prefix}actor_return": round(planners["actor"]["return"], 3),
        f"{prefix}planning_ms_per_move_latent": round(planners["trusted"]["ms_per_move"], 2),
        f"{prefix}planning_ms_per_move_pixel": round(planners["pixels"]["ms_per_move"], 2),
    }


def run_figures(runs: dict) -> dict:
    """One game's figures from its recorded runs: medians over seeds, and how many solved."""
    efficiency = sample_efficiency(runs)
    dreamer_runs = [runs["dreamer"][k] for k in sorted(runs["dreamer"], key=int)]
    return {
        "dreamer_return": round(statistics.median(r["final_return"] for r in dreamer_runs), 3),
        "seeds": len(dreamer_runs),
        "seeds_solved": sum(r["solved"] for r in dreamer_runs),
        "dreamer_env_steps_to_95pct": median_or_none(efficiency["dreamer"]),
        "dqn_env_steps_to_95pct": median_or_none(efficiency["dqn"]),
        "dqn_matched_env_steps_to_95pct": median_or_none(efficiency["dqn_matched"]),
        "sample_efficiency_ratio": efficiency["ratio"],
        "sample_efficiency_ratio_matched": efficiency["ratio_matched"],
        # CPU seconds of the one training thread: on a shared machine wall time measures the neighbours
        "train_seconds": round(statistics.median(r.get("cpu_seconds", r["train_seconds"]) for r in dreamer_runs), 1),
    }


__all__ = [
    "CATCH_HEADS_NAME",
    "DREAMER_NAME",
    "ROOM_HEADS_NAME",
    "ROOM_NAME",
    "UMAP_NAME",
    "bench",
    "train_agent",
    "train_latent_map",
]
