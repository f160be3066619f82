"""The lesson's experiments: shipped agents, recorded episodes, coverage, TV share, the benchmark.

Four agents ship as checkpoints (no extrinsic reward at all, only novelty):
    novelty_pixel_four_rooms, novelty_ngu_four_rooms   how much of FourRooms they cover
    novelty_pixel_noisy_tv, novelty_ngu_noisy_tv       how much of their time the TV takes
The sparse-reward comparison on MultiRoom-N4-S5 (plain PPO, RND, NGU over seeds) is recorded by
`course.novelty.runs`; `python -m course bench ngu` reads it.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from course.core.checkpoints import load_checkpoint
from course.novelty import runs
from course.novelty.envs import N_ACTIONS, OBS_DIM, encode, make_env, pixels, tv_in_view, watching_tv
from course.novelty.ngu import EpisodicMemory, InverseDynamics, NGUConfig, RandomNetworkDistillation, intrinsic_reward
from course.novelty.ppo import Agent, PPOConfig, train

EVAL_EPISODES = 32
EVAL_SEED = 10_000  # the test episodes' environment seeds start here
METHOD_LABELS = {"random": "random policy", "pixel": "episodic novelty on pixels", "ngu": "NGU (learned embedding)"}


def model_name(kind: str, env: str) -> str:
    return f"novelty_{kind}_{env}"


# ---------------------------------------------------------------- checkpoints


def agent_tensors(result: dict) -> dict[str, torch.Tensor]:
    """What a notebook needs of a trained agent: its policy, and for NGU its novelty models."""
    tensors = {f"actor.{k}": v for k, v in result["agent"].actor.state_dict().items()}
    novelty = result["novelty"]
    if novelty.kind == "ngu":
        tensors.update({f"embed.{k}": v for k, v in novelty.inverse.embed.state_dict().items()})
        tensors.update({f"rnd.{k}": v for k, v in novelty.rnd.state_dict().items()})  # with its error statistics
        tensors["mean_sq_distance"] = torch.tensor(
            [np.mean([m.mean_sq_distance for m in novelty.memories])], dtype=torch.float64
        )
    return {k: v.detach().clone().contiguous() for k, v in tensors.items()}


def train_novelty_agent(config: PPOConfig) -> tuple[dict, dict]:
    """ModelSpec.train: train, then measure the agent on fresh episodes."""
    result = train(config)
    agent = TrainedAgent.from_tensors(agent_tensors(result), config)
    stats = evaluate(agent.policy, config.env, episodes=EVAL_EPISODES)
    metrics = dict(
        coverage=stats["coverage"],
        tv_share=stats["tv_share"],
        watching=stats["watching"],
        env_steps=result["env_steps"],
        steps_per_second=round(result["steps_per_second"]),
    )
    if config.novelty == "ngu":
        metrics["inverse_accuracy"] = result["updates"][-1].get("inverse_accuracy")
    return agent_tensors(result), metrics


def with_rnd_buffers(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Checkpoints written before RND's statistics became module buffers keep them in one
    `rnd_error_stats` tensor [mean, var, count]: give them the buffers' names."""
    if "rnd_error_stats" not in tensors:
        return tensors
    out = {k: v for k, v in tensors.items() if k != "rnd_error_stats"}
    for name, value in zip(("error_mean", "error_var", "error_count"), tensors["rnd_error_stats"]):
        out[f"rnd.{name}"] = value.to(torch.float64)
    return out


@dataclass
class TrainedAgent:
    """A loaded agent: a policy and, for NGU, the embedding f and RND with its statistics."""

    config: PPOConfig
    agent: Agent
    embed: torch.nn.Module | None = None
    rnd: RandomNetworkDistillation | None = None
    mean_sq_distance: float = 1.0

    @classmethod
    def from_tensors(cls, tensors: dict, config: PPOConfig) -> TrainedAgent:
        agent = Agent(config.hidden)
        agent.actor.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("actor.")})
        out = cls(config, agent.eval())
        if "embed.0.weight" in tensors:
            inverse = InverseDynamics(OBS_DIM, N_ACTIONS, config.ngu, hidden=config.novelty_hidden)
            inverse.embed.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("embed.")})
            rnd = RandomNetworkDistillation(OBS_DIM, hidden=config.novelty_hidden, out=config.novelty_hidden)
            rnd.load_state_dict({k[4:]: v for k, v in with_rnd_buffers(tensors).items() if k.startswith("rnd.")})
            out.embed, out.rnd = inverse.embed.eval(), rnd.eval()
            out.mean_sq_distance = float(tensors["mean_sq_distance"][0])
        return out

    @classmethod
    def load(cls, kind: str, env: str) -> TrainedAgent:
        name = model_name(kind, env)
        tensors, entry = load_checkpoint(name)
        return cls.from_tensors(tensors, PPOConfig(**entry["config"]))

    def policy(self, obs: np.ndarray, rng: np.random.Generator) -> int:
        with torch.no_grad():
            logits = self.agent.actor(torch.as_tensor(obs)[None])[0].double().numpy()
        p = np.exp(logits - logits.max())
        return int(rng.choice(N_ACTIONS, p=p / p.sum()))

    def novelty_models(self) -> tuple[torch.nn.Module, RandomNetworkDistillation]:
        """The embedding f and RND of an NGU agent."""
        if self.embed is None or self.rnd is None:
            raise ValueError(f"a '{self.config.novelty}' agent has no NGU embedding or RND; load an 'ngu' agent")
        return self.embed, self.rnd

    @torch.no_grad()
    def embedding(self, obs: np.ndarray) -> np.ndarray:
        """(T, OBS_DIM) -> (T, D), f(x)."""
        embed, _ = self.novelty_models()
        return embed(torch.as_tensor(obs, dtype=torch.float32)).double().numpy()

    @torch.no_grad()
    def alpha(self, obs: np.ndarray) -> np.ndarray:
        """RND's life-long modulator for (T, OBS_DIM) with the statistics frozen at the end of training."""
        _, rnd = self.novelty_models()
        return rnd.standardised(rnd.error(torch.as_tensor(obs, dtype=torch.float32)).double()).numpy()


def random_policy(obs: np.ndarray, rng: np.random.Generator) -> int:
    """Uniform over all seven actions (the baseline of the acceptance figures)."""
    return int(rng.integers(N_ACTIONS))


# ---------------------------------------------------------------- episodes


@dataclass
class Episode:
    obs: np.ndarray  # (T + 1, OBS_DIM), x_0 … x_T
    images: np.ndarray  # (T + 1, 7, 7, 3) the symbolic views they encode
    positions: np.ndarray  # (T + 1, 2) agent cells
    actions: np.ndarray  # (T,)
    tv: np.ndarray  # (T + 1,) bool: the TV in view
    watching: np.ndarray  # (T + 1,) bool: in front of the TV with it in view (envs.watching_tv)
    frames: list | None  # (T + 1) RGB views of the whole maze, if recorded
    success: bool
    grid_size: tuple[int, int]

    @property
    def coverage(self) -> int:
        return len({tuple(p) for p in self.positions})

    def cumulative_coverage(self) -> np.ndarray:
        seen, out = set(), []
        for p in self.positions:
            seen.add(tuple(p))
            out.append(len(seen))
        return np.array(out)

    @property
    def tv_share(self) -> float:
        """Share of steps with the TV in view (from near or far): the bench's `tv_share_*`."""
        return float(self.tv[1:].mean())

    @property
    def watching_share(self) -> float:
        """Share of steps standing in front of the TV (at most two cells away) with it in view."""
        return float(self.watching[1:].mean())

    def pixels(self) -> np.ndarray:
        """(T + 1, 147) the views as raw pixels, what the pixel-novelty agent compares."""
        return np.stack([pixels(image) for image in self.images]).astype(np.float64)


def run_episode(policy, env_name: str, seed: int, record_frames: bool = False, tile_size: int = 8) -> Episode:
    """One episode of `policy(obs, rng) -> action` in a fresh environment seeded with `seed`."""
    env = make_env(env_name)
    rng = np.random.default_rng(seed)
    o, _ = env.reset(seed=seed)
    obs, positions, actions, tv, frames = [encode(o["image"], o["direction"])], [tuple(env.agent_pos)], [], [], []
    images, watching = [o["image"]], [watching_tv(env, o["image"])]
    tv.append(tv_in_view(o["image"]))
    if record_frames:
        frames.append(env.get_frame(highlight=True, tile_size=tile_size))
    success, done = False, False
    while not done:
        action = policy(obs[-1], rng)
        o, r, terminated, truncated, _ = env.step(action)
        done, success = terminated or truncated, success or r > 0
        obs.append(encode(o["image"], o["direction"]))
        images.append(o["image"])
        positions.append(tuple(env.agent_pos))
        actions.append(action)
        tv.append(tv_in_view(o["image"]))
        watching.append(watching_tv(env, o["image"]))
        if record_frames:
            frames.append(env.get_frame(highlight=True, tile_size=tile_size))
    return Episode(
        np.stack(obs),
        np.stack(images),
        np.array(positions),
        np.array(actions),
        np.array(tv),
        np.array(watching),
        frames if record_frames else None,
        success,
        (env.width, env.height),
    )


def watch_tv_episode(steps: int = 40, seed: int = 0) -> Episode:
    """An agent that stands two cells in front of the TV, facing it, and presses the remote."""
    env = make_env("noisy_tv")
    env.reset(seed=seed)
    env.agent_pos, env.agent_dir = np.array(env.watching_spot()), 3  # facing up, at the TV
    o = env.gen_obs()
    obs, images = [encode(o["image"], env.agent_dir)], [o["image"]]
    for _ in range(steps):
        o, *_ = env.step(env.actions.done)
        obs.append(encode(o["image"], o["direction"]))
        images.append(o["image"])
    n = steps + 1
    return Episode(
        np.stack(obs),
        np.stack(images),
        np.tile(env.agent_pos, (n, 1)),
        np.full(steps, int(env.actions.done)),
        np.ones(n, bool),
        np.ones(n, bool),
        None,
        False,
        (env.width, env.height),
    )


def evaluate(policy, env_name: str, episodes: int = EVAL_EPISODES, seed: int = EVAL_SEED) -> dict:
    """Mean coverage (distinct cells), TV share (in view), watching share and success over fresh
    episodes, with the episodes themselves."""
    played = [run_episode(policy, env_name, seed + i) for i in range(episodes)]
    return dict(
        coverage=float(np.mean([e.coverage for e in played])),
        tv_share=float(np.mean([e.tv_share for e in played])),
        watching=float(np.mean([e.watching_share for e in played])),
        success=float(np.mean([e.success for e in played])),
        episodes=played,
    )


def evaluate_agents(env_name: str, episodes: int = EVAL_EPISODES) -> dict:
    """{kind: `evaluate` result} for a random walk and the shipped novelty-only agents trained in
    `env_name` ('pixel' and 'ngu'): the lesson's side-by-side comparison, on the same episodes' seeds."""
    policies = {
        "random": random_policy,
        **{kind: TrainedAgent.load(kind, env_name).policy for kind in ("pixel", "ngu")},
    }
    return {kind: evaluate(policy, env_name, episodes=episodes) for kind, policy in policies.items()}


def visit_map(episodes: list[Episode]) -> np.ndarray:
    """(H, W) share of all steps spent in each cell."""
    width, height = episodes[0].grid_size
    counts = np.zeros((height, width))
    for e in episodes:
        for x, y in e.positions:
            counts[y, x] += 1
    return counts / counts.sum()


# ---------------------------------------------------------------- the reward along an episode


def episode_rewards(
    obs: np.ndarray,
    embeddings: np.ndarray,
    alpha: np.ndarray | None,
    config: NGUConfig,
    mean_sq_distance: float | None = None,
) -> dict:
    """Replay an episode through a fresh episodic memory: r_episodic, and r_i if α is given.

    `mean_sq_distance` starts d_m² at the agent's end-of-training value (None: learn it here).
    Also returns, for each step, the indices of the k nearest memories.
    """
    memory = EpisodicMemory(config)
    if mean_sq_distance is not None:
        memory.mean_sq_distance, memory.count = mean_sq_distance, 1000
    memory.embeddings.append(embeddings[0])
    episodic, neighbours = [0.0], [np.array([], dtype=int)]
    for t in range(1, len(obs)):
        stored = np.stack(memory.embeddings)
        neighbours.append(np.argsort(((stored - embeddings[t]) ** 2).sum(1))[: config.k])
        episodic.append(memory.episodic_reward(embeddings[t]))
    rewards = np.array(episodic)
    out = dict(episodic=rewards, neighbours=neighbours)
    if alpha is not None:
        out["alpha"] = alpha
        out["intrinsic"] = intrinsic_reward(rewards, alpha, config)
    return out


# ---------------------------------------------------------------- the benchmark


def exploration_figures(quick: bool = False) -> tuple[dict, list[float]]:
    """coverage_* in FourRooms and tv_share_* in the noisy-TV maze, from the shipped agents
    (quick: agents trained for two rollouts), over EVAL_EPISODES fresh episodes each; and the
    seconds each of those agents took to train."""
    from course.novelty.presets import NOVELTY_AGENTS

    episodes = 4 if quick else EVAL_EPISODES
    out, seconds = {"coverage_random": evaluate(random_policy, "four_rooms", episodes)["coverage"]}, []
    for kind, key in (("pixel", "pixel_novelty"), ("ngu", "ngu")):
        for env, measure in (("four_rooms", "coverage"), ("noisy_tv", "tv_share")):
            if quick:
                result = train(NOVELTY_AGENTS[model_name(kind, env)].smoke(), show_progress=False)
                agent = TrainedAgent.from_tensors(agent_tensors(result), result["novelty"].config)
                seconds.append(result["seconds"])
            else:
                agent = TrainedAgent.load(kind, env)
                seconds.append(load_checkpoint(model_name(kind, env))[1]["train_seconds"])
            out[f"{measure}_{key}"] = evaluate(agent.policy, env, episodes)[measure]
    return out, seconds


def bench(quick: bool = False) -> dict:
    """The figures of the README, under exactly the issue's keys. Coverage and TV share come from
    the shipped agents (quick: from agents trained for two rollouts); the MultiRoom comparison
    from the runs recorded by `python -m course.novelty.runs` (quick: trained here for two
    rollouts, one seed). Per-seed successes go to stderr, for the spread the README states."""
    out, agent_seconds = exploration_figures(quick)
    if quick:
        with tempfile.TemporaryDirectory() as scratch:
            recorded = runs.record(seeds=runs.SEEDS[:1], path=Path(scratch) / "runs.json", quick=True)
    else:
        recorded = runs.read_runs()
    seeds = sorted({int(seed) for method in runs.METHODS for seed in recorded.get(method, {})})
    for kind, key in (("none", "success_ppo"), ("rnd", "success_rnd"), ("ngu", "success_ngu")):
        per_seed = runs.successes(recorded, kind)
        out[key] = float(np.median(per_seed)) if per_seed else None
        print(f"{key} per seed: {per_seed}", file=sys.stderr)
    out["seeds"] = seeds
    steps = {run["env_steps"] for m in runs.METHODS for run in recorded.get(m, {}).values()}
    if len(steps) != 1:
        raise ValueError(
            f"the recorded MultiRoom runs differ in length ({sorted(steps)} env steps); "
            "record them again with `python -m course.novelty.runs`"
        )
    out["env_steps"] = steps.pop()
    # the slowest of all the agents behind these figures: shipped novelty agents and MultiRoom runs
    run_seconds = [run["seconds"] for m in runs.METHODS for run in recorded.get(m, {}).values()]
    out["train_seconds"] = round(max(agent_seconds + run_seconds), 1)
    return out
