"""PPO with a novelty bonus, in the CleanRL style: one file, every setting in `PPOConfig`.

The agent maximises r_t = r_extrinsic + β · r_intrinsic, where the intrinsic reward is one of
    "none"   plain PPO;
    "pixel"  episodic novelty on raw pixels: NGU's k-NN kernel, but with the distance measured
             between the frames themselves (`envs.pixels`);
    "rnd"    Random Network Distillation alone: the life-long novelty max(α − 1, 0);
    "ngu"    Never Give Up: episodic novelty in the inverse-dynamics embedding, times the
             life-long modulator α clipped to [1, L].
Adapted from CleanRL's ppo.py (Huang et al., 2022), with a plain loop over N environments.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch
from torch import nn

from course.core.progress import progress
from course.novelty.envs import N_ACTIONS, OBS_DIM, VectorEnv, pixels, tv_in_view
from course.novelty.ngu import EpisodicMemory, InverseDynamics, NGUConfig, RandomNetworkDistillation, intrinsic_reward

NOVELTY_KINDS = ("none", "pixel", "rnd", "ngu")


@dataclass
class PPOConfig:
    """One PPO run with a novelty bonus (the shipped agents and recorded runs: `presets`)."""

    env: str = "multiroom"  # four_rooms | noisy_tv | multiroom (course.novelty.envs)
    novelty: str = "ngu"  # none | pixel | rnd | ngu
    extrinsic: bool = True  # False: the agent sees the intrinsic reward only
    total_steps: int = 1_000_000  # environment steps, all environments together (the run stops here)
    num_envs: int = 16  # environments stepped side by side
    num_steps: int = 128  # steps per environment per rollout
    learning_rate: float = 2.5e-4  # Adam's learning rate for the actor-critic
    anneal_lr: bool = True  # decay the learning rate linearly to 0 over the run
    gamma: float = 0.99  # discount of future rewards
    gae_lambda: float = 0.95  # λ of generalised advantage estimation
    num_minibatches: int = 4  # minibatches per rollout
    update_epochs: int = 4  # passes over each rollout
    clip_coef: float = 0.2  # PPO's clipping of the policy ratio
    ent_coef: float = 0.01  # weight of the entropy bonus
    vf_coef: float = 0.5  # weight of the value loss
    max_grad_norm: float = 0.5  # gradient-norm clipping
    hidden: int = 64  # width of the actor's and the critic's hidden layers
    beta: float = 0.003  # weight of the episodic rewards (pixel, ngu), whose scale is ~1–30
    beta_rnd: float = 0.03  # weight of RND's max(α − 1, 0), whose scale is ~0–4
    novelty_learning_rate: float = 1e-3  # Adam's learning rate for the embedding and RND
    novelty_hidden: int = 64  # width of the embedding's and RND's hidden layers
    embedding_weight_decay: float = 1e-4  # lets weights on inputs useless for the task fade
    seed: int = 0  # seeds the weights, the environments and the actions
    ngu: NGUConfig = field(default_factory=NGUConfig)  # NGU's episodic and life-long novelty

    def smoke(self) -> PPOConfig:
        """Two rollouts of the same agent, for tests and `train --quick`."""
        return replace(self, total_steps=2 * self.num_envs * self.num_steps)

    def __post_init__(self):
        if isinstance(self.ngu, dict):  # from a manifest
            self.ngu = NGUConfig(**self.ngu)
        if self.novelty not in NOVELTY_KINDS:
            raise ValueError(f"novelty={self.novelty!r}; choose one of {', '.join(NOVELTY_KINDS)}")
        if self.total_steps < self.num_envs * self.num_steps:
            raise ValueError(
                f"total_steps={self.total_steps} is less than one rollout "
                f"(num_envs · num_steps = {self.num_envs * self.num_steps}); raise it"
            )


def layer_init(layer: nn.Linear, std: float = np.sqrt(2), bias: float = 0.0) -> nn.Linear:
    nn.init.orthogonal_(layer.weight, std)
    nn.init.constant_(layer.bias, bias)
    return layer


class Agent(nn.Module):
    def __init__(self, hidden: int = 64):
        super().__init__()
        self.critic = nn.Sequential(
            layer_init(nn.Linear(OBS_DIM, hidden)),
            nn.Tanh(),
            layer_init(nn.Linear(hidden, hidden)),
            nn.Tanh(),
            layer_init(nn.Linear(hidden, 1), 1.0),
        )
        self.actor = nn.Sequential(
            layer_init(nn.Linear(OBS_DIM, hidden)),
            nn.Tanh(),
            layer_init(nn.Linear(hidden, hidden)),
            nn.Tanh(),
            layer_init(nn.Linear(hidden, N_ACTIONS), 0.01),
        )

    def get_value(self, x: torch.Tensor) -> torch.Tensor:
        return self.critic(x)

    def get_action_and_value(self, x: torch.Tensor, action: torch.Tensor | None = None):
        dist = torch.distributions.Categorical(logits=self.actor(x))
        if action is None:
            action = dist.sample()
        return action, dist.log_prob(action), dist.entropy(), self.critic(x)


class Novelty:
    """The intrinsic reward of one kind for N parallel episodes, plus the models it learns."""

    def __init__(self, config: PPOConfig):
        self.config, self.kind, c = config, config.novelty, config.ngu
        self.memories = [EpisodicMemory(c) for _ in range(config.num_envs)]
        self.episode_obs: list[list[np.ndarray]] = [[] for _ in range(config.num_envs)]
        self.inverse = InverseDynamics(OBS_DIM, N_ACTIONS, c, hidden=config.novelty_hidden)
        self.rnd = RandomNetworkDistillation(OBS_DIM, hidden=config.novelty_hidden, out=config.novelty_hidden)
        param_groups: list[dict[str, Any]] = [
            {"params": list(self.inverse.embed.parameters()), "weight_decay": config.embedding_weight_decay},
            {"params": self.inverse.classify.parameters()},
        ]
        self.inverse_opt = torch.optim.Adam(
            param_groups,
            lr=config.novelty_learning_rate,
        )
        self.rnd_opt = torch.optim.Adam(self.rnd.predictor.parameters(), lr=config.novelty_learning_rate)

    @torch.no_grad()
    def embed(self, obs: np.ndarray) -> np.ndarray:
        """(B, OBS_DIM) -> f(x), (B, D): what NGU's episodic memory compares."""
        return self.inverse.embed(torch.as_tensor(obs)).double().numpy()

    def start(self, i: int, obs: np.ndarray, image: np.ndarray) -> None:
        """Episode i begins with observation `obs` (OBS_DIM,) and view `image` (7, 7, 3): the first memory."""
        self.memories[i].reset()
        self.episode_obs[i] = [obs]
        if self.kind == "pixel":
            self.memories[i].embeddings.append(pixels(image).astype(np.float64))
        if self.kind == "ngu":
            self.memories[i].embeddings.append(self.embed(obs[None])[0])

    def reward(self, next_obs: np.ndarray, images: list[np.ndarray]) -> np.ndarray:
        """Intrinsic reward for arriving at next_obs (N, OBS_DIM) with views `images`; they join the memories."""
        n = len(next_obs)
        if self.kind == "none":
            return np.zeros(n)
        for i in range(n):
            self.episode_obs[i].append(next_obs[i])
        if self.kind == "rnd":
            alpha = self.rnd.modulator(torch.as_tensor(next_obs)).numpy()
            return np.clip(alpha - 1.0, 0.0, self.config.ngu.max_modulation)
        if self.kind == "pixel":
            embeddings = np.stack([pixels(image) for image in images]).astype(np.float64)
        else:
            embeddings = self.embed(next_obs)
        episodic = np.array([self.memories[i].episodic_reward(embeddings[i]) for i in range(n)])
        if self.kind == "pixel":
            return episodic
        alpha = self.rnd.modulator(torch.as_tensor(next_obs)).numpy()
        return intrinsic_reward(episodic, alpha, self.config.ngu)

    def learn(self, obs: torch.Tensor, next_obs: torch.Tensor, actions: torch.Tensor) -> dict:
        """One pass over a rollout's transitions: inverse dynamics and RND's predictor."""
        stats = {}
        if self.kind in ("rnd", "ngu"):
            loss = self.rnd.error(next_obs).mean()
            self.rnd_opt.zero_grad()
            loss.backward()
            self.rnd_opt.step()
            stats["rnd_loss"] = loss.item()
        if self.kind == "ngu":
            for batch in torch.randperm(len(obs)).split(512):
                loss = self.inverse.loss(obs[batch], next_obs[batch], actions[batch])
                self.inverse_opt.zero_grad()
                loss.backward()
                self.inverse_opt.step()
            with torch.no_grad():
                accuracy = (self.inverse.action_logits(obs, next_obs).argmax(1) == actions).float().mean()
            stats.update(inverse_loss=loss.item(), inverse_accuracy=accuracy.item())
            # The embedding moved: re-embed this episode's memories so that distances compare
            # like with like.
            for i, memory in enumerate(self.memories):
                memory.embeddings = list(self.embed(np.stack(self.episode_obs[i])))
        return stats


class EpisodeTracker:
    """Per environment: distinct cells visited, steps with the TV in view, success, length."""

    def __init__(self, envs: VectorEnv):
        self.envs = envs
        self.cells = [{p} for p in envs.positions()]
        self.tv_steps = [0] * envs.n
        self.steps = [0] * envs.n
        self.episodes: list[dict] = []

    def step(self, dones, successes, global_step: int) -> None:
        starts = self.envs.positions()  # where the next step begins: a new episode's start if reset
        for i in range(self.envs.n):
            self.steps[i] += 1
            self.tv_steps[i] += tv_in_view(self.envs.final_images[i])
            self.cells[i].add(self.envs.final_positions[i])
            if dones[i]:
                self.episodes.append(
                    dict(
                        step=global_step,
                        coverage=len(self.cells[i]),
                        success=bool(successes[i]),
                        tv_share=self.tv_steps[i] / self.steps[i],
                        length=self.steps[i],
                    )
                )
                self.cells[i], self.tv_steps[i], self.steps[i] = {starts[i]}, 0, 0


def train(config: PPOConfig, show_progress: bool = True) -> dict:
    """Train one agent; returns its networks, the novelty models and per-episode statistics."""
    torch.manual_seed(config.seed)
    # PPO's minibatch shuffles. A RandomState rather than a Generator: its stream is the one the
    # shipped agents were trained with (then NumPy's global one, seeded the same way).
    shuffler = np.random.RandomState(config.seed)
    batch_size = config.num_envs * config.num_steps
    minibatch_size = batch_size // config.num_minibatches
    num_iterations = config.total_steps // batch_size

    envs = VectorEnv(config.env, config.num_envs, seed=config.seed * 1000)
    agent = Agent(config.hidden)
    optimizer = torch.optim.Adam(agent.parameters(), lr=config.learning_rate, eps=1e-5)
    novelty = Novelty(config)
    for i in range(config.num_envs):
        novelty.start(i, envs.obs[i], envs.images[i])
    tracker = EpisodeTracker(envs)

    obs = torch.zeros((config.num_steps, config.num_envs, OBS_DIM))
    next_obs_buf = torch.zeros((config.num_steps, config.num_envs, OBS_DIM))  # x_{t+1}, before resets
    actions = torch.zeros((config.num_steps, config.num_envs), dtype=torch.long)
    logprobs = torch.zeros((config.num_steps, config.num_envs))
    rewards = torch.zeros((config.num_steps, config.num_envs))
    intrinsic = torch.zeros((config.num_steps, config.num_envs))
    dones = torch.zeros((config.num_steps, config.num_envs))
    values = torch.zeros((config.num_steps, config.num_envs))

    global_step, start, updates = 0, time.perf_counter(), []
    next_obs = torch.as_tensor(envs.obs)
    next_done = torch.zeros(config.num_envs)
    iterations = range(num_iterations)
    bar = progress(iterations, desc=f"PPO {config.novelty} on {config.env}") if show_progress else None
    for iteration in bar if bar is not None else iterations:
        if config.anneal_lr:
            optimizer.param_groups[0]["lr"] = (1.0 - iteration / num_iterations) * config.learning_rate

        for step in range(config.num_steps):
            global_step += config.num_envs
            obs[step] = next_obs
            dones[step] = next_done
            with torch.no_grad():
                action, logprob, _, value = agent.get_action_and_value(next_obs)
            values[step] = value.flatten()
            actions[step], logprobs[step] = action, logprob

            observed, final, r_ext, done, success = envs.step(action.numpy())
            tracker.step(done, success, global_step)
            r_int = novelty.reward(final, envs.final_images)
            for i in np.flatnonzero(done):
                novelty.start(i, observed[i], envs.images[i])
            beta = config.beta_rnd if config.novelty == "rnd" else config.beta
            reward = (r_ext if config.extrinsic else 0.0) + beta * r_int
            rewards[step] = torch.as_tensor(reward, dtype=torch.float32)
            intrinsic[step] = torch.as_tensor(r_int, dtype=torch.float32)
            next_obs_buf[step] = torch.as_tensor(final)
            next_obs, next_done = torch.as_tensor(observed), torch.as_tensor(done, dtype=torch.float32)

        # Generalised advantage estimation, as in CleanRL.
        with torch.no_grad():
            next_value = agent.get_value(next_obs).reshape(1, -1)
            advantages = torch.zeros_like(rewards)
            lastgaelam: torch.Tensor | float = 0.0
            for t in reversed(range(config.num_steps)):
                if t == config.num_steps - 1:
                    nextnonterminal, nextvalues = 1.0 - next_done, next_value
                else:
                    nextnonterminal, nextvalues = 1.0 - dones[t + 1], values[t + 1]
                delta = rewards[t] + config.gamma * nextvalues * nextnonterminal - values[t]
                advantages[t] = lastgaelam = delta + config.gamma * config.gae_lambda * nextnonterminal * lastgaelam
            returns = advantages + values

        b_obs, b_logprobs, b_actions = obs.reshape(-1, OBS_DIM), logprobs.reshape(-1), actions.reshape(-1)
        b_advantages, b_returns = advantages.reshape(-1), returns.reshape(-1)

        b_inds = np.arange(batch_size)
        for _ in range(config.update_epochs):
            shuffler.shuffle(b_inds)
            for begin in range(0, batch_size, minibatch_size):
                mb = b_inds[begin : begin + minibatch_size]
                _, newlogprob, entropy, newvalue = agent.get_action_and_value(b_obs[mb], b_actions[mb])
                ratio = (newlogprob - b_logprobs[mb]).exp()
                mb_adv = b_advantages[mb]
                mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8)
                clipped = ratio.clamp(1 - config.clip_coef, 1 + config.clip_coef)
                pg_loss = torch.max(-mb_adv * ratio, -mb_adv * clipped).mean()
                v_loss = 0.5 * ((newvalue.view(-1) - b_returns[mb]) ** 2).mean()
                loss = pg_loss - config.ent_coef * entropy.mean() + config.vf_coef * v_loss
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), config.max_grad_norm)
                optimizer.step()

        stats = novelty.learn(b_obs, next_obs_buf.reshape(-1, OBS_DIM), b_actions)
        recent = tracker.episodes[-50:]
        summary = dict(step=global_step, intrinsic=intrinsic.mean().item(), **stats)
        if recent:
            summary.update(
                success=float(np.mean([e["success"] for e in recent])),
                coverage=float(np.mean([e["coverage"] for e in recent])),
                tv_share=float(np.mean([e["tv_share"] for e in recent])),
            )
            if bar is not None:
                bar.set_postfix({k: round(summary[k], 2) for k in ("success", "coverage", "tv_share")})
        updates.append(summary)

    seconds = time.perf_counter() - start
    return dict(
        agent=agent,
        novelty=novelty,
        episodes=tracker.episodes,
        updates=updates,
        seconds=seconds,
        steps_per_second=global_step / seconds,
        env_steps=global_step,
    )
