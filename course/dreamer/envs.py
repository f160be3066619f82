"""Small pixel games with a known optimal return, fast enough to learn on a CPU.

Catch: a ball appears in a random column of the top row and falls one row per step; the paddle
on the bottom row moves left, stays or moves right. When the ball reaches the bottom row the
episode ends with +1 if the paddle is under it and -1 if not. The paddle starts in the middle
and can reach any column in time, so the optimal return is 1.0.

EmptyRoom: MiniGrid's Empty 8×8 room with a random start — a longer game. The agent turns left,
turns right or steps forward; it starts on a random cell facing a random way and must walk to the
goal in the far corner, up to 12 moves away. The only reward comes on arrival, 1 − 0.9 · steps /
64, so every move of the way shares the credit, and the game lasts up to 64 steps.
"""

from __future__ import annotations

import time
from collections import deque

import numpy as np
from minigrid.core.grid import Grid
from minigrid.core.world_object import Goal
from minigrid.envs import EmptyEnv


class Catch:
    """A 10×5 pixel Catch game. `reset()` -> image; `step(action)` -> (image, reward, done).

    The image is a float32 array of shape (1, height, width): 1 where the ball or the paddle is.
    Actions: 0 left, 1 stay, 2 right.
    """

    n_actions = 3
    optimal_return = 1.0
    timed_out = False  # every game ends with the ball at the bottom, never by a clock
    plan_horizon = 9  # moves a plan needs to see a game's reward from its start: one whole game

    def __init__(self, height: int = 10, width: int = 5, seed: int | None = None):
        self.height, self.width = height, width
        self.obs_shape = (1, height, width)
        self.rng = np.random.default_rng(seed)
        self.ball_row = self.ball_col = self.paddle = 0
        self.done = True

    def reset(self) -> np.ndarray:
        self.ball_row = 0
        self.ball_col = int(self.rng.integers(self.width))
        self.paddle = self.width // 2
        self.done = False
        return self.render()

    def step(self, action: int) -> tuple[np.ndarray, float, bool]:
        if self.done:
            raise RuntimeError("the episode is over: call reset() first")
        self.paddle = self.paddle_after(action)
        self.ball_row += 1
        reward = 0.0
        if self.ball_row == self.height - 1:
            self.done = True
            reward = 1.0 if self.paddle == self.ball_col else -1.0
        return self.render(), reward, self.done

    def paddle_after(self, action: int) -> int:
        """The paddle's column after `action` (it stops at the walls)."""
        return int(np.clip(self.paddle + int(action) - 1, 0, self.width - 1))

    def catches(self, action: int) -> bool:
        """Whether `action` ends the game with the ball caught."""
        return self.ball_row == self.height - 2 and self.paddle_after(action) == self.ball_col

    def render(self) -> np.ndarray:
        image = np.zeros(self.obs_shape, np.float32)
        image[0, self.ball_row, self.ball_col] = 1.0
        image[0, self.height - 1, self.paddle] = 1.0
        return image

    def optimal_action(self) -> int:
        """The move that brings the paddle towards the ball's column (for tests and baselines)."""
        return int(np.sign(self.ball_col - self.paddle)) + 1


def moves_to(goal: tuple[int, int], n: int = 6) -> np.ndarray:
    """Fewest moves to floor cell `goal` = (x, y) from every (x, y, heading) of an n×n floor:
    (n, n, 4), −1 at the goal itself. Breadth-first search backwards over MiniGrid's moves."""
    step = [(1, 0), (0, 1), (-1, 0), (0, -1)]  # forward, by heading
    moves = np.full((n, n, 4), -1, int)
    queue: deque[tuple[int, int, int]] = deque()
    for d in range(4):  # any heading on arrival: the first move that reaches the goal ends it
        dx, dy = step[d]
        x, y = goal[0] - dx, goal[1] - dy
        if 0 <= x < n and 0 <= y < n:
            moves[x, y, d] = 1
            queue.append((x, y, d))
    while queue:
        x, y, d = queue.popleft()
        dx, dy = step[d]
        before = [(x, y, (d + 1) % 4), (x, y, (d - 1) % 4)]  # a left or a right turn led here
        if 0 <= x - dx < n and 0 <= y - dy < n and (x - dx, y - dy) != goal:
            before.append((x - dx, y - dy, d))  # a step forward led here
        for state in before:
            if state[:2] != goal and moves[state] < 0:
                moves[state] = moves[x, y, d] + 1
                queue.append(state)
    return moves


class EmptyRoom:
    """MiniGrid's Empty room (8×8 with its walls) seen from above as a small stack of pictures.

    The image is a float32 array of shape (5, 6, 6) over the 6×6 floor: channels 0–3 mark the
    agent's cell, one per heading (right, down, left, up), channel 4 marks the goal.
    Actions: 0 turn left, 1 turn right, 2 forward.
    """

    n_actions = 3
    size = 8  # MiniGrid's size, walls included
    max_steps = 64
    optimal_return: float  # set below the class, from a search over every start
    plan_horizon: int  # likewise

    def __init__(self, seed: int | None = None):
        self.game = EmptyEnv(size=self.size, agent_start_pos=None, max_steps=self.max_steps)
        self.floor = self.size - 2
        self.obs_shape = (5, self.floor, self.floor)
        self.seed = seed
        self.done = True
        self.timed_out = False

    def reset(self) -> np.ndarray:
        self.game.reset(seed=self.seed)
        self.timed_out = False
        self.seed = None  # the first reset seeds the game's generator; later ones draw from it
        self.done = False
        return self.render()

    def step(self, action: int) -> tuple[np.ndarray, float, bool]:
        if self.done:
            raise RuntimeError("the episode is over: call reset() first")
        _, reward, terminated, truncated, _ = self.game.step(int(action))
        self.done = terminated or truncated
        # cut off by the 64-step limit, not ended: the frame shows no clock, so to the learners the
        # game could have gone on, and they should still value the state they stopped in
        self.timed_out = truncated and not terminated
        return self.render(), float(reward), self.done

    def render(self) -> np.ndarray:
        image = np.zeros(self.obs_shape, np.float32)
        x, y = self.game.agent_pos
        image[self.game.agent_dir, y - 1, x - 1] = 1.0
        image[4, self.floor - 1, self.floor - 1] = 1.0  # the goal, bottom right
        return image

    @classmethod
    def moves_to_goal(cls) -> np.ndarray:
        """Fewest moves to the goal from every (x, y, heading) of the floor: (floor, floor, 4)."""
        n = cls.size - 2
        return moves_to((n - 1, n - 1), n)

    @classmethod
    def optimal_return_exact(cls) -> float:
        """The mean return of a perfect player over MiniGrid's uniformly random starts."""
        moves = cls.moves_to_goal()
        starts = moves[moves > 0]  # every cell but the goal, every heading
        return float(np.mean(1 - 0.9 * starts / cls.max_steps))


EmptyRoom.optimal_return = round(EmptyRoom.optimal_return_exact(), 4)
EmptyRoom.plan_horizon = int(EmptyRoom.moves_to_goal().max())  # the longest shortest path: 12 moves


class GoalRoom(EmptyRoom):
    """The empty room with its goal moved to floor cell (x, y) (0-based, 0..5; the usual goal is
    (5, 5)): same start rule, same moves, same reward 1 − 0.9 · steps / 64 on arrival, and the
    frame's goal picture shows the new cell. Build one with `goal_room(x, y)`, which registers it."""

    goal = (5, 5)

    def __init__(self, seed: int | None = None):
        super().__init__(seed)
        gx, gy = self.goal
        game = self.game

        def gen_grid(width, height):  # MiniGrid's empty room, the goal square placed at (gx, gy)
            game.grid = Grid(width, height)
            game.grid.wall_rect(0, 0, width, height)
            game.put_obj(Goal(), gx + 1, gy + 1)
            game.place_agent()  # a random free cell, never the goal's
            game.mission = "get to the green goal square"

        game._gen_grid = gen_grid  # type: ignore[method-assign]  # this instance's layout, not MiniGrid's

    def render(self) -> np.ndarray:
        image = super().render()
        image[4] = 0.0
        image[4, self.goal[1], self.goal[0]] = 1.0
        return image

    @classmethod
    def moves_to_goal(cls) -> np.ndarray:
        return moves_to(cls.goal, cls.size - 2)


ENVS: dict[str, type[Catch] | type[EmptyRoom]] = {"catch": Catch, "empty_room": EmptyRoom}


def goal_room(x: int, y: int) -> str:
    """The name of the empty room with its goal on floor cell (x, y), registered in `ENVS` so that
    every learner and evaluation can play it by name ("empty_room_goal_X_Y")."""
    floor = EmptyRoom.size - 2
    if not (0 <= x < floor and 0 <= y < floor):
        raise ValueError(f"goal cell ({x}, {y}) is off the floor: use 0 <= x, y < {floor}")
    name = f"empty_room_goal_{x}_{y}"
    if name not in ENVS:
        room: type[GoalRoom] = type(f"GoalRoom_{x}_{y}", (GoalRoom,), {"goal": (x, y)})
        moves = room.moves_to_goal()
        room.optimal_return = round(float(np.mean(1 - 0.9 * moves[moves > 0] / room.max_steps)), 4)
        room.plan_horizon = int(moves.max())
        ENVS[name] = room
    return name


def make_env(name: str, seed: int | None = None):
    if name.startswith("empty_room_goal_") and name not in ENVS:
        x, y = (int(v) for v in name.rsplit("_", 2)[-2:])
        goal_room(x, y)
    if name not in ENVS:
        raise KeyError(f"unknown environment {name!r}; known: {', '.join(ENVS)}")
    return ENVS[name](seed=seed)


def terminal(env, done: bool) -> float:
    """The "game over" flag a learner stores for a step: 1 where the game really ended, 0 where it
    goes on or was only cut off by a time limit (its last state still has a future worth valuing)."""
    return float(done and not env.timed_out)


def evaluate(act, env_name: str, episodes: int, seed: int) -> float:
    """Mean return of `act` over `episodes` episodes played side by side.

    `act(frames (N, *obs_shape) float tensor, first (N,) bool tensor) -> actions (N,) ints`
    is called once per step for all the games (the answers for finished ones are ignored); `first`
    marks each game's opening frame so an agent with memory can reset it. An `act` with an
    attribute `finished` is told before each call which games are over, (N,) bool.
    """
    return float(play_games(act, env_name, episodes, seed).mean())


def success_rate(act, env_name: str, episodes: int, seed: int) -> float:
    """Share of `episodes` games (played as in `evaluate`) that reach a reward: in the rooms, the
    goal within the 64-step limit."""
    return float((play_games(act, env_name, episodes, seed) > 0).mean())


def play_games(act, env_name: str, episodes: int, seed: int) -> np.ndarray:
    """The return of each of `episodes` games played side by side by `act` (see `evaluate`)."""
    import torch

    envs = [make_env(env_name, seed=seed * 100_003 + i) for i in range(episodes)]
    obs = np.stack([env.reset() for env in envs])
    first = torch.ones(episodes, dtype=torch.bool)
    total = np.zeros(episodes)
    done = np.zeros(episodes, bool)
    while not done.all():
        if hasattr(act, "finished"):  # a costly player may skip the games that are over
            act.finished = torch.from_numpy(done.copy())
        actions = act(torch.from_numpy(obs), first)
        first = torch.zeros(episodes, dtype=torch.bool)
        for i, env in enumerate(envs):
            if not done[i]:
                obs[i], reward, done[i] = env.step(int(actions[i]))
                total[i] += reward
    return total


def solved_at(history: list[dict], threshold: float) -> int | None:
    """Env steps at the first of two consecutive evaluations with mean return >= threshold."""
    for a, b in zip(history, history[1:]):
        if a["eval_return"] >= threshold and b["eval_return"] >= threshold:
            return a["env_steps"]
    return None


def record_evaluation(
    history: list[dict], record: dict, bar, on_eval, solve_return: float, stop_when_solved: bool
) -> bool:
    """Log one evaluation (history, progress bar, callback); True when training may stop."""
    history.append(record)
    bar.set_postfix(ret=f"{record['eval_return']:.2f}", upd=record["updates"])
    if on_eval is not None:
        on_eval(record)
    return stop_when_solved and solved_at(history, solve_return) is not None


class RunClock:
    """Wall time and CPU time (of this process) since a training run began."""

    def __init__(self) -> None:
        self.start, self.cpu_start = time.perf_counter(), time.process_time()

    def seconds(self) -> float:
        return time.perf_counter() - self.start

    def cpu_seconds(self) -> float:
        return time.process_time() - self.cpu_start


def run_summary(
    history: list[dict], env_steps: int, updates: int, clock: RunClock, solve_return: float, optimal_return: float
) -> dict:
    """The headline figures of one training run, the same for every agent (`cpu_seconds`: of the
    training thread, which the budget counts; `train_seconds`: wall time)."""
    seconds, cpu_seconds = clock.seconds(), clock.cpu_seconds()
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
        "cpu_seconds": round(cpu_seconds, 1),
    }
