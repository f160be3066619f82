"""The model-free baseline: DQN (Mnih et al., 2015) on the same games, measured the same way.

A Q-network maps a frame to one value per action and learns from replayed single steps with
the one-step target r + γ max_a' Q_target(o', a'). It has no model of the game: every bit of
what it knows comes from real steps. `updates_per_step` sets how many minibatch updates it
makes per real step (1 is the classic recipe; Dreamer's value gives the "matched" baseline).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course.core.progress import progress
from course.dreamer.envs import RunClock, evaluate, make_env, record_evaluation, run_summary, terminal


@dataclass
class DQNConfig:
    """Hyperparameters of the baseline and its run (evaluation as in `DreamerConfig`; the recorded
    runs' recipes: `presets`). A run stops on its step count (or once solved), never on the clock."""

    env: str = "catch"  # catch | empty_room (course.dreamer.envs)
    seed: int = 0  # seeds the weights, the game and the exploration
    env_steps: int = 20_000  # most real environment steps
    prefill_steps: int = 300  # random actions before learning starts
    updates_per_step: float = 1.0  # Q-network updates per real step
    epsilon_start: float = 1.0  # ε-greedy exploration at the start ...
    epsilon_end: float = 0.05  # ... and after its decay
    epsilon_steps: int = 3000  # linear decay of ε-greedy exploration over these env steps
    eval_every: int = 250  # env steps between evaluations
    eval_episodes: int = 100  # greedy games per evaluation
    solve_return: float = 0.9  # the solve line, as for Dreamer
    stop_when_solved: bool = True  # end the run at its solve point
    batch_size: int = 64  # transitions per update
    hidden: int = 128  # width of the Q-network's two hidden layers
    lr: float = 1e-3  # Adam's learning rate
    discount: float = 0.99  # γ of the TD target
    target_every: int = 250  # updates between copies of the Q-network into the target network

    def smoke(self) -> DQNConfig:
        """A tiny run on the same game, for tests."""
        return replace(self, env_steps=100, prefill_steps=30, eval_every=50, eval_episodes=10, stop_when_solved=False)


def q_network(obs_shape, n_actions: int, hidden: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(int(np.prod(obs_shape)), hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, n_actions),
    )


def dqn_loss(q, target_q, batch: dict[str, torch.Tensor], discount: float) -> torch.Tensor:
    """Huber loss between Q(o, a) and r + γ (1 - done) max_a' Q_target(o', a')."""
    q_taken = q(batch["obs"]).gather(1, batch["action"][:, None]).squeeze(1)
    with torch.no_grad():
        target = batch["reward"] + discount * (1 - batch["done"]) * target_q(batch["next_obs"]).max(1).values
    return F.smooth_l1_loss(q_taken, target)


def train_dqn(config: DQNConfig, on_eval=None, measure=evaluate, stop=None) -> tuple[dict, dict, list[dict]]:
    """ε-greedy play, replay, one-step Q-learning. Returns (tensors, metrics, history).

    `measure(policy, env name, episodes, seed) -> float` scores each evaluation (by default the
    mean return; `envs.success_rate` counts the games that reach the goal instead). `stop()`, if
    given, is asked after every step whether a harness wants the run cut (`core.runs.CPUTimeLimit`);
    without it the run ends on its step count or solve point alone."""
    c = config
    torch.manual_seed(c.seed)
    rng = np.random.default_rng(c.seed)
    env = make_env(c.env, seed=c.seed)
    q = q_network(env.obs_shape, env.n_actions, c.hidden)
    target_q = copy.deepcopy(q).requires_grad_(False)
    optimizer = torch.optim.Adam(q.parameters(), lr=c.lr)
    buffer = {
        "obs": np.zeros((c.env_steps, *env.obs_shape), np.float32),
        "next_obs": np.zeros((c.env_steps, *env.obs_shape), np.float32),
        "action": np.zeros(c.env_steps, np.int64),
        "reward": np.zeros(c.env_steps, np.float32),
        "done": np.zeros(c.env_steps, np.float32),
    }

    def greedy(obs: torch.Tensor, first: torch.Tensor | None = None) -> torch.Tensor:
        with torch.no_grad():
            return q(obs).argmax(1)

    history: list[dict] = []
    updates, credit, loss, clock = 0, 0.0, float("nan"), RunClock()
    obs = env.reset()
    bar = progress(range(1, c.env_steps + 1), desc=f"dqn seed {c.seed}")
    for step in bar:
        fraction = min(1.0, step / c.epsilon_steps)
        epsilon = c.epsilon_start + fraction * (c.epsilon_end - c.epsilon_start)
        if step <= c.prefill_steps or rng.random() < epsilon:
            action = int(rng.integers(env.n_actions))
        else:
            action = int(greedy(torch.from_numpy(obs)[None])[0])
        next_obs, reward, done = env.step(action)
        i = step - 1
        buffer["obs"][i], buffer["next_obs"][i], buffer["action"][i] = obs, next_obs, action
        buffer["reward"][i], buffer["done"][i] = reward, terminal(env, done)
        obs = env.reset() if done else next_obs
        if step >= c.prefill_steps:
            credit += c.updates_per_step
            while credit >= 1:
                index = rng.integers(0, step, size=c.batch_size)
                batch = {k: torch.from_numpy(v[index]) for k, v in buffer.items()}
                loss_t = dqn_loss(q, target_q, batch, c.discount)
                optimizer.zero_grad(set_to_none=True)
                loss_t.backward()
                optimizer.step()
                loss = loss_t.item()
                updates += 1
                credit -= 1
                if updates % c.target_every == 0:
                    target_q.load_state_dict(q.state_dict())
        if step % c.eval_every == 0:
            score = measure(greedy, c.env, c.eval_episodes, seed=c.seed + 10_000 + step)
            record = {
                "env_steps": step,
                "updates": updates,
                "seconds": round(clock.seconds(), 1),
                "eval_return": score,
                "loss": round(loss, 5),
                "epsilon": round(epsilon, 3),
            }
            if record_evaluation(history, record, bar, on_eval, c.solve_return, c.stop_when_solved):
                break
        if stop is not None and stop():
            break
    metrics = run_summary(history, step, updates, clock, c.solve_return, env.optimal_return)
    return dict(q.state_dict()), metrics, history
