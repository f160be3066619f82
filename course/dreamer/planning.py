"""Acting by search instead of by habit: plan in the world model, in latent space or in pixels.

The learned actor answers in one forward pass. A planner instead asks the world model "what if?"
many times per move: the cross-entropy method (CEM) samples action sequences, imagines each one
with the model, keeps the best tenth, refits its sampling distribution to them and repeats; the
first action of the best sequence is played and everything is planned again at the next step
(model-predictive control).

Two ways to imagine a sequence with the same trained world model:

* **latent**: step the RSSM forward on its own codes (h, z) — what Dreamer's actor is trained on;
* **pixels**: after every imagined step, decode the frame, snap it to 0/1 pixels and read it back
  through the encoder, as if the model had seen it. The state then lives in pixel space and every
  step pays for a decoder and an encoder.

`compare_planners` plays the same games, of the agent's own game (Catch or the empty room), with
the actor and both planners and reports returns and the compute each needs per move. A planner
can also value its plans with another scorer than the model's own reward head: `heads` gives one
that knows where the model was taught (`heads.trusted_score`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from course.core.progress import progress
from course.dreamer.dreamer import Dreamer, Player, WorldModel
from course.dreamer.envs import ENVS, Catch, evaluate


@dataclass
class PlannerConfig:
    horizon: int = 9  # one whole Catch episode: every plan can see its ending (see `planner_config`)
    candidates: int = 64  # action sequences imagined per iteration
    iterations: int = 3  # refits of the action distribution per move (cross-entropy method)
    elite_fraction: float = 0.1  # share of the best candidates each refit follows
    smoothing: float = 0.5  # keep half of the old distribution at each refit
    space: str = "latent"  # "latent" or "pixels"
    sample: bool = False  # imagine with sampled codes (as in training) instead of the model's best guess


def planner_config(env_name: str = "catch") -> PlannerConfig:
    """The planner for a game: it looks as far ahead as the game's reward can be from any start
    (Catch: a whole game, 9 moves; the empty room: the longest shortest path, 12)."""
    return PlannerConfig(horizon=ENVS[env_name].plan_horizon)


def imagined_features(
    wm: WorldModel, h: torch.Tensor, z: torch.Tensor, actions: torch.Tensor, sample: bool = False, pixels: bool = False
) -> Iterator[tuple[int, torch.Tensor]]:
    """Dream action sequences (N, T) forward from states h (N, H), z (N, S): yields (t, the
    features [h, z] (N, F) after move t). `pixels`: each dreamed frame is decoded, snapped to 0/1
    and read back in, as if it were seen."""
    for t in range(actions.shape[1]):
        a = F.one_hot(actions[:, t], wm.n_actions).float()
        h, z, _ = wm.rssm.img_step(h, z, a, sample)
        if pixels:
            frame = (wm.decode(torch.cat([h, z], -1)) > 0.5).float()  # (N, 1, H, W)
            z, _ = wm.rssm.latent(wm.rssm.post_net(torch.cat([h, wm.encoder(frame.flatten(1))], -1)), sample)
        yield t, torch.cat([h, z], -1)


def rollout_returns(
    wm: WorldModel, h: torch.Tensor, z: torch.Tensor, actions: torch.Tensor, space: str, sample: bool = False
) -> torch.Tensor:
    """Predicted return of action sequences, each from its own state.

    h (N, H), z (N, S): the states; actions (N, T) ints. Returns (N,): the sum of imagined
    rewards, each discounted by the agent's own γ (sooner is better, as for its actor and critic)
    and weighted by the model's probability that the episode is still running.
    `sample` draws every imagined code; by default each step takes the model's best guess (sampled
    dreams add noise that the planner would mistake for consequences of its actions)."""
    if space not in ("latent", "pixels"):
        raise ValueError(f"unknown planning space {space!r}: use 'latent' or 'pixels'")
    alive = torch.ones(len(actions))
    total = torch.zeros(len(actions))
    for t, feat in imagined_features(wm, h, z, actions, sample, pixels=space == "pixels"):
        total = total + wm.c.discount**t * alive * wm.predict_reward(feat)
        alive = alive * torch.sigmoid(wm.cont(feat).squeeze(-1))
    return total


def cem_plans(
    wm: WorldModel, h, z, config: PlannerConfig, generator: torch.Generator, score=None
) -> tuple[torch.Tensor, int]:
    """CEM over discrete action sequences for G games at once, from states h (G, H), z (G, S).

    `score(h (N, H), z (N, S), actions (N, T)) -> (N,)` values a sequence; by default the world
    model's own predicted return (`rollout_returns`) in `config.space`.
    Returns (each game's best sequence (G, T), model steps imagined per game)."""
    if score is None:

        def score(h, z, actions):
            return rollout_returns(wm, h, z, actions, config.space, config.sample)

    g, c, t, n_actions = len(h), config.candidates, config.horizon, wm.n_actions
    probs = torch.full((g, t, n_actions), 1.0 / n_actions)
    n_elite = max(1, int(round(config.elite_fraction * c)))
    best = torch.zeros(g, t, dtype=torch.long)
    best_return = torch.full((g,), -float("inf"))
    for _ in range(config.iterations):
        flat = torch.multinomial(probs.reshape(g * t, n_actions), c, replacement=True, generator=generator)
        actions = flat.reshape(g, t, c).transpose(1, 2)  # (G, C, T)
        returns = score(h.repeat_interleave(c, 0), z.repeat_interleave(c, 0), actions.reshape(g * c, t)).reshape(g, c)
        top = returns.topk(n_elite, dim=1).indices  # (G, E)
        elite = actions.gather(1, top[..., None].expand(-1, -1, t))  # (G, E, T)
        better = returns.gather(1, top[:, :1])[:, 0] > best_return
        best[better] = elite[better, 0]
        best_return = torch.maximum(best_return, returns.gather(1, top[:, :1])[:, 0])
        counts = F.one_hot(elite, n_actions).float().mean(1)  # (G, T, A)
        probs = config.smoothing * probs + (1 - config.smoothing) * counts
    return best, config.iterations * c * t


class Planner(Player):
    """Plays by CEM/MPC in the world model; the same belief as `Player`, actions from search.

    `finished` (N,) bool, set by `envs.evaluate` before each call, spares the search for games
    that are over (their belief is still kept up to date; their answer is ignored)."""

    def __init__(self, agent: Dreamer, config: PlannerConfig, seed: int = 0, score=None):
        super().__init__(agent, greedy=True)
        self.config, self.score = config, score  # `score`: see `cem_plans`
        self.generator = torch.Generator().manual_seed(seed)
        self.imagined_steps = 0
        self.decisions = 0
        self.plans: torch.Tensor | None = None  # (N, T) the best plans at the last move (0s where not planned)
        self.finished: torch.Tensor | None = None  # (N,) bool, games already over; None: none yet

    @torch.no_grad()
    def __call__(self, obs: torch.Tensor, first: torch.Tensor) -> torch.Tensor:
        h, z = self.observe(obs, first)
        playing = torch.ones(len(obs), dtype=torch.bool) if self.finished is None else ~self.finished
        best = torch.zeros(len(obs), self.config.horizon, dtype=torch.long)
        if playing.any():
            plans, imagined = cem_plans(self.agent.wm, h[playing], z[playing], self.config, self.generator, self.score)
            best[playing] = plans
            self.imagined_steps += imagined * int(playing.sum())
        self.plans = best
        self.decisions += int(playing.sum())
        actions = best[:, 0]  # play the first move of the best plan, plan again next step
        self.took(actions)
        return actions


class CountedCalls:
    """Wraps a policy for `envs.evaluate` and counts the moves it is asked for in games not over."""

    def __init__(self, policy):
        self.policy, self.moves, self.finished = policy, 0, None

    def __call__(self, obs: torch.Tensor, first: torch.Tensor) -> torch.Tensor:
        playing = len(obs) if self.finished is None else int((~self.finished).sum())
        self.moves += playing
        if hasattr(self.policy, "finished"):
            self.policy.finished = self.finished
        return self.policy(obs, first)


def play(agent: Dreamer, how: str, episodes: int, seed: int, config: PlannerConfig | None = None, score=None) -> dict:
    """Mean return of `how` ('actor', 'latent' or 'pixels') on `episodes` games of the agent's own
    game, with its cost. `score` (see `cem_plans`) replaces the model's own value of a
    plan, e.g. the pessimistic heads of `heads.trusted_score`."""
    env_name = agent.c.env
    if how == "actor":
        policy = agent.policy(greedy=True)
    elif how in ("latent", "pixels"):
        base = config or planner_config(env_name)
        policy = Planner(agent, PlannerConfig(**{**base.__dict__, "space": how}), seed=seed, score=score)
    else:
        raise ValueError(f"unknown way to act {how!r}: use 'actor', 'latent' or 'pixels'")
    counted = CountedCalls(policy)
    start = time.perf_counter()
    score = evaluate(counted, env_name, episodes, seed=seed)
    seconds = time.perf_counter() - start
    # the games are played side by side, one call per step for all of them; a planner searches
    # only for the games still going, so the time per move is the batch's time shared out over
    # the moves of those games
    decisions = counted.moves
    imagined = getattr(policy, "imagined_steps", 0)
    return {"return": score, "ms_per_move": 1000 * seconds / decisions, "imagined_steps_per_move": imagined / decisions}


def compare_planners(
    agent: Dreamer, episodes: int = 100, seed: int = 7, config: PlannerConfig | None = None, trusted=None
) -> dict:
    """{'actor' | 'latent' | 'pixels': {'return', 'ms_per_move', 'imagined_steps_per_move'}}; with
    `trusted` (a plan scorer, `heads.trusted_score`) also 'trusted': CEM in latent space valued by it."""
    torch.manual_seed(seed)
    ways = {"actor": ("actor", None), "latent": ("latent", None), "pixels": ("pixels", None)}
    if trusted is not None:
        ways["trusted"] = ("latent", trusted)
    return {
        name: play(agent, how, episodes, seed, config, score)
        for name, (how, score) in progress(ways.items(), desc=f"{episodes} games each way")
    }


@torch.no_grad()
def ending_returns(agent: Dreamer, space: str = "latent") -> np.ndarray:
    """What the model believes each of Catch's 25 endings pays: (ball column, paddle column) -> return.

    From each ball column's first frame, the paddle goes straight to a column and stays there; the
    model dreams the whole game open loop (best guesses, as the planners do) and sums its rewards.
    The game pays +1 on the diagonal and -1 everywhere else."""
    if ENVS[agent.c.env] is not Catch:
        raise ValueError(f"ending_returns reads Catch's endings; this agent plays {agent.c.env!r}")
    env, wm = Catch(), agent.wm
    columns = env.width
    starts, plans = [], []
    for ball in range(columns):
        for paddle in range(columns):
            env.reset()
            env.ball_col = ball
            starts.append(env.render())
            offset = paddle - env.paddle  # the paddle starts in the middle: move, then stay
            plans.append([int(np.sign(offset)) + 1] * abs(offset) + [1] * (env.height - 1 - abs(offset)))
    frames = torch.from_numpy(np.stack(starts)).flatten(1)  # (25, pixels)
    h, z = wm.rssm.initial(len(frames))
    h, z, _, _ = wm.rssm.obs_step(h, z, torch.zeros(len(frames), wm.n_actions), wm.encoder(frames), False)
    returns = rollout_returns(wm, h, z, torch.tensor(plans), space)
    return returns.reshape(columns, columns).numpy()


def random_return(episodes: int = 1000, seed: int = 0, env_name: str = "catch") -> float:
    """Mean return of uniformly random play (a reference point for every plot)."""
    rng = np.random.default_rng(seed)
    n_actions = ENVS[env_name].n_actions
    return evaluate(lambda obs, first: torch.from_numpy(rng.integers(0, n_actions, len(obs))), env_name, episodes, seed)
