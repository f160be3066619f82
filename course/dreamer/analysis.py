"""The lesson's experiments as functions, shared by the notebook and `python -m course bench dreamer`.

Shipped checkpoints: `dreamer_catch` (the seed-0 Dreamer agent: world model, actor and critic) and
`dreamer_catch_umap` (a UMAP map of its latent codes, since UMAP compiles for a minute on first
use). Training curves over seeds are recorded in `data/dreamer/runs.json` (see `runs`).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from course.core.checkpoints import load_checkpoint
from course.dreamer.dreamer import Dreamer, DreamerConfig, frames_match, imagination_accuracy, make_agent
from course.dreamer.envs import Catch
from course.dreamer.runs import dreamer_config, median_or_none, read_runs, steps_to_solve, train_agent

DREAMER_NAME = "dreamer_catch"
UMAP_NAME = "dreamer_catch_umap"
SHIPPED_AGENT_STEPS = 2000  # real steps the shipped agent trains for (the runs stop once solved)


# ---------------------------------------------------------------- the shipped agent


def load_agent(name: str = DREAMER_NAME) -> Dreamer:
    """The shipped agent, hash-checked, in eval mode."""
    tensors, entry = load_checkpoint(name)
    config = DreamerConfig(**entry["config"])
    agent = make_agent(config)
    agent.load_state_dict(tensors)
    return agent.eval()


# ---------------------------------------------------------------- states, codes and dreams


def catch_state(env: Catch) -> tuple[int, int, int]:
    return env.ball_row, env.ball_col, env.paddle


def play_episode(seed: int, actions=None) -> dict:
    """Play one Catch game (random actions unless given, then random once they run out).

    Returns a dict: frames (T+1, 1, H, W), actions (T,), states (T+1, 3) as (ball row, ball
    column, paddle)."""
    env = Catch(seed=seed)
    rng = np.random.default_rng(seed)
    frames, states, taken = [env.reset()], [catch_state(env)], []
    done, t = False, 0
    while not done:
        a = int(actions[t]) if actions is not None and t < len(actions) else int(rng.integers(3))
        obs, _, done = env.step(a)
        frames.append(obs)
        states.append(catch_state(env))
        taken.append(a)
        t += 1
    return {"frames": np.stack(frames), "actions": np.array(taken), "states": np.array(states)}


@torch.no_grad()
def observe_episode(agent: Dreamer, seed: int, actions=None):
    """Play one Catch game (`play_episode`) and read it with the world model.

    Adds to `play_episode`'s dict: feats (T+1, F) posterior model states, recon (T+1, 1, H, W)
    decoded from them, probs (T+1, stoch, classes) the posterior categorical codes."""
    wm = agent.wm
    game = play_episode(seed, actions)
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

    Returns frames (T, 1, H, W) decoded, probs (T, stoch, classes) prior codes, rewards (T,)."""
    wm = agent.wm
    torch.manual_seed(seed)
    h, z = start_feat[None, : wm.c.hidden], start_feat[None, wm.c.hidden:]
    frames, probs, rewards = [], [], []
    for a in actions:
        h, z, prior = wm.rssm.img_step(h, z, F.one_hot(torch.tensor([int(a)]), wm.n_actions).float(), sample)
        feat = torch.cat([h, z], -1)
        frames.append(wm.decode(feat)[0].numpy())
        probs.append(prior[0].numpy())
        rewards.append(float(wm.predict_reward(feat)[0]))
    return {"frames": np.stack(frames) if frames else np.zeros((0, 1, 10, 5), np.float32),
            "probs": np.stack(probs) if probs else np.zeros((0, wm.c.stoch, wm.c.classes), np.float32),
            "rewards": np.array(rewards)}


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
def dream_drift(agent: Dreamer, episodes: int = 50, seed: int = 0, sample: bool = False) -> np.ndarray:
    """Share of imagined frames equal to reality at each open-loop step 1..9 (random actions), the
    model dreaming its best guess or, with `sample`, drawing its codes as in training.

    All games are played, then dreamed side by side from their first frames, as one batch."""
    wm = agent.wm
    torch.manual_seed(seed)  # `sample`d dreams draw codes: the same seed gives the same figure
    games = [play_episode(seed + e) for e in range(episodes)]  # the real games and their actions
    first_frames = torch.from_numpy(np.stack([g["frames"][0] for g in games])).flatten(1)  # (N, H·W)
    h, z = wm.rssm.initial(episodes)
    # the first frame is read the way the dream goes on: best guess, or a drawn code
    h, z, _, _ = wm.rssm.obs_step(h, z, torch.zeros(episodes, wm.n_actions), wm.encoder(first_frames), sample)
    actions = torch.tensor(np.stack([g["actions"] for g in games]))  # (N, T)
    real = np.stack([g["frames"] for g in games])  # (N, T+1, 1, H, W)
    right = np.zeros(actions.shape[1])
    for t in range(actions.shape[1]):
        h, z, _ = wm.rssm.img_step(h, z, F.one_hot(actions[:, t], wm.n_actions).float(), sample)
        imagined = wm.decode(torch.cat([h, z], -1)).numpy()
        right[t] = np.mean([frames_match(imagined[i], real[i, t + 1]) for i in range(episodes)])
    return right


# ---------------------------------------------------------------- the latent map (shipped)


@dataclass
class LatentMapConfig:
    """UMAP of the posterior codes z of frames from random play."""

    episodes: int = 200
    n_neighbors: int = 15
    min_dist: float = 0.1
    seed: int = 0


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
    import umap

    agent = load_agent()
    codes, states = latent_codes(agent, config.episodes, config.seed)
    reducer = umap.UMAP(n_neighbors=config.n_neighbors, min_dist=config.min_dist, random_state=config.seed)
    xy = reducer.fit_transform(codes).astype(np.float32)
    tensors = {"xy": torch.from_numpy(xy), "states": torch.from_numpy(states.astype(np.int64))}
    return tensors, {"points": len(xy)}


def load_latent_map() -> dict[str, np.ndarray]:
    """{'xy': (N, 2) UMAP coordinates, 'states': (N, 3) ball row, ball column, paddle}."""
    tensors, _ = load_checkpoint(UMAP_NAME)
    return {k: v.numpy() for k, v in tensors.items()}


# ---------------------------------------------------------------- the benchmark


def sample_efficiency(runs: dict) -> dict:
    """Steps to solve (medians over seeds) and per-seed ratios DQN / Dreamer, from recorded runs."""
    seeds = sorted(set(runs["dreamer"]) & set(runs["dqn"]) & set(runs["dqn_matched"]), key=int)  # paired
    dreamer, dqn, matched = (steps_to_solve({m: {k: runs[m][k] for k in seeds}}, m) for m in ("dreamer", "dqn", "dqn_matched"))

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

    return {"seeds": [int(k) for k in seeds], "dreamer": dreamer, "dqn": dqn, "dqn_matched": matched,
            "ratio": median_ratio(ratios(dqn)), "ratio_matched": median_ratio(ratios(matched)),
            "ratios": ratios(dqn), "ratios_matched": ratios(matched)}


def bench(quick: bool = False) -> dict:
    """The figures of `python -m course bench dreamer`.

    Training curves come from the recorded runs (`data/dreamer/runs.json`, re-recorded by
    `python -m course.dreamer.runs`); imagination accuracy and planning are measured now on the
    shipped seed-0 agent. `quick` plays fewer games."""
    from course.dreamer.planning import PlannerConfig, play

    runs = read_runs()
    efficiency = sample_efficiency(runs)
    agent = load_agent()
    dreamer_runs = [runs["dreamer"][k] for k in sorted(runs["dreamer"], key=int)]
    episodes = 10 if quick else 100
    torch.manual_seed(0)
    planning = play(agent, "latent", episodes, seed=7, config=PlannerConfig())
    return {
        "optimal_return": Catch.optimal_return,
        "dreamer_return": round(statistics.median(r["final_return"] for r in dreamer_runs), 3),
        "seeds": len(dreamer_runs),
        "seeds_solved": sum(r["solved"] for r in dreamer_runs),
        "dreamer_env_steps_to_95pct": median_or_none(efficiency["dreamer"]),
        "dqn_env_steps_to_95pct": median_or_none(efficiency["dqn"]),
        "dqn_matched_env_steps_to_95pct": median_or_none(efficiency["dqn_matched"]),
        "sample_efficiency_ratio": efficiency["ratio"],
        "sample_efficiency_ratio_matched": efficiency["ratio_matched"],
        "imagination_accuracy": round(imagination_accuracy(agent.wm, episodes=20 if quick else 100, seed=1), 4),
        "planning_return": round(planning["return"], 3),
        # CPU seconds of the one training thread: on a shared machine wall time measures the neighbours
        "train_seconds": round(statistics.median(r.get("cpu_seconds", r["train_seconds"]) for r in dreamer_runs), 1),
    }


def agent_config(quick: bool = False) -> DreamerConfig:
    """The shipped agent: the recorded seed-0 recipe, trained on past its solve point to 2,000 real
    steps (`quick`: a tiny run for tests). Solving needs a model good where the actor plays; the
    lesson's dreams and planners ask it about every move, which takes more of the game seen."""
    config = dreamer_config(0, quick)
    if not quick:
        config.env_steps, config.stop_when_solved, config.max_seconds = SHIPPED_AGENT_STEPS, False, 3600.0
    return config


def latent_map_config(quick: bool = False) -> LatentMapConfig:
    return LatentMapConfig(episodes=10 if quick else 200)


__all__ = ["DREAMER_NAME", "UMAP_NAME", "agent_config", "bench", "latent_map_config", "train_agent",
           "train_latent_map"]
