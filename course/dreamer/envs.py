"""Small pixel games with a known optimal return, fast enough to learn on a CPU.

Catch: a ball appears in a random column of the top row and falls one row per step; the paddle
on the bottom row moves left, stays or moves right. When the ball reaches the bottom row the
episode ends with +1 if the paddle is under it and -1 if not. The paddle starts in the middle
and can reach any column in time, so the optimal return is 1.0.
"""

from __future__ import annotations

import numpy as np


class Catch:
    """A 10×5 pixel Catch game. `reset()` -> image; `step(action)` -> (image, reward, done).

    The image is a float32 array of shape (1, height, width): 1 where the ball or the paddle is.
    Actions: 0 left, 1 stay, 2 right.
    """

    n_actions = 3
    optimal_return = 1.0

    def __init__(self, height: int = 10, width: int = 5, seed: int | None = None):
        self.height, self.width = height, width
        self.obs_shape = (1, height, width)
        self.rng = np.random.default_rng(seed)
        self.ball_row = self.ball_col = self.paddle = 0
        self.done = True

    @property
    def episode_length(self) -> int:
        return self.height - 1  # steps from the top row to the bottom one

    def reset(self) -> np.ndarray:
        self.ball_row = 0
        self.ball_col = int(self.rng.integers(self.width))
        self.paddle = self.width // 2
        self.done = False
        return self.render()

    def step(self, action: int) -> tuple[np.ndarray, float, bool]:
        if self.done:
            raise RuntimeError("the episode is over: call reset() first")
        self.paddle = int(np.clip(self.paddle + int(action) - 1, 0, self.width - 1))
        self.ball_row += 1
        reward = 0.0
        if self.ball_row == self.height - 1:
            self.done = True
            reward = 1.0 if self.paddle == self.ball_col else -1.0
        return self.render(), reward, self.done

    def render(self) -> np.ndarray:
        image = np.zeros(self.obs_shape, np.float32)
        image[0, self.ball_row, self.ball_col] = 1.0
        image[0, self.height - 1, self.paddle] = 1.0
        return image

    def optimal_action(self) -> int:
        """The move that brings the paddle towards the ball's column (for tests and baselines)."""
        return int(np.sign(self.ball_col - self.paddle)) + 1


ENVS = {"catch": Catch}


def make_env(name: str, seed: int | None = None):
    if name not in ENVS:
        raise KeyError(f"unknown environment {name!r}; known: {', '.join(ENVS)}")
    return ENVS[name](seed=seed)


def evaluate(act, env_name: str, episodes: int, seed: int) -> float:
    """Mean return of `act` over `episodes` episodes played side by side.

    `act(observations (N, 1, H, W) float tensor, first (N,) bool tensor) -> actions (N,) ints`
    is called once per step for all unfinished games; `first` marks each game's opening frame so
    an agent with memory can reset it. Every episode of a game has the same length, so the
    games finish together.
    """
    import torch

    envs = [make_env(env_name, seed=seed * 100_003 + i) for i in range(episodes)]
    obs = np.stack([env.reset() for env in envs])
    first = torch.ones(episodes, dtype=torch.bool)
    total = np.zeros(episodes)
    done = np.zeros(episodes, bool)
    while not done.all():
        actions = act(torch.from_numpy(obs), first)
        first = torch.zeros(episodes, dtype=torch.bool)
        for i, env in enumerate(envs):
            if not done[i]:
                obs[i], reward, done[i] = env.step(int(actions[i]))
                total[i] += reward
    return float(total.mean())


def solved_at(history: list[dict], threshold: float) -> int | None:
    """Env steps at the first of two consecutive evaluations with mean return >= threshold."""
    for a, b in zip(history, history[1:]):
        if a["eval_return"] >= threshold and b["eval_return"] >= threshold:
            return a["env_steps"]
    return None


def record_evaluation(history: list[dict], record: dict, bar, on_eval, solve_return: float,
                      stop_when_solved: bool) -> bool:
    """Log one evaluation (history, progress bar, callback); True when training may stop."""
    history.append(record)
    bar.set_postfix(ret=f"{record['eval_return']:.2f}", upd=record["updates"])
    if on_eval is not None:
        on_eval(record)
    return stop_when_solved and solved_at(history, solve_return) is not None


def run_summary(history: list[dict], env_steps: int, updates: int, seconds: float, solve_return: float,
                optimal_return: float) -> dict:
    """The headline figures of one training run, the same for every agent."""
    solved = solved_at(history, solve_return)
    return {
        "solved": solved is not None,
        "env_steps_to_solve": solved,
        "final_return": history[-1]["eval_return"] if history else None,
        "env_steps": env_steps,
        "updates": updates,
        "train_seconds": round(seconds, 1),
        "updates_per_second": round(updates / max(seconds, 1e-9), 2),
        "optimal_return": optimal_return,
    }
