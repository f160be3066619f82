"""The lesson's worlds: MiniGrid mazes seen through the agent's partial 7×7 view, and a noisy TV.

* `four_rooms`: MiniGrid's FourRooms (19×19, doors and start drawn anew each episode) without its
  goal: nothing to win, only places to go. Used to measure how much of a maze an agent covers.
* `noisy_tv`: the same maze with a TV along the top wall of the top-right room; the agent always
  starts in the top-left room, next door, so the TV is a place to go to, not a view it is born with. The TV shows a new random picture at every step (each of its cells a random
  colour and pattern), and MiniGrid's otherwise unused `done` action is its remote: it switches to a new
  random picture too. What the TV shows never depends on the action taken, so a model that
  predicts actions has no use for it — but every frame with the TV in view is new in pixels.
* `multiroom`: MultiRoom-N4-S5, four small rooms joined by closed doors and a goal in the last
  one: a sparse reward that plain PPO does not find.

Observations for the networks: the agent's 7×7 view, each cell one-hot in object type (11),
colour (6) and state (3), plus the agent's heading (4): 49 · 20 + 4 = 984 numbers.
"""

from __future__ import annotations

import numpy as np
from minigrid.core.constants import COLOR_TO_IDX, COLORS, OBJECT_TO_IDX, STATE_TO_IDX
from minigrid.core.world_object import Goal, Wall
from minigrid.envs import FourRoomsEnv, MultiRoomEnv
from minigrid.utils.rendering import fill_coords, point_in_rect

N_TYPES, N_COLOURS, N_STATES, N_DIRECTIONS = len(OBJECT_TO_IDX), len(COLOR_TO_IDX), len(STATE_TO_IDX), 4
VIEW = 7
OBS_DIM = VIEW * VIEW * (N_TYPES + N_COLOURS + N_STATES) + N_DIRECTIONS  # 984
N_ACTIONS = 7  # left, right, forward, pickup, drop, toggle, done (= the TV's remote)
ENV_NAMES = ("four_rooms", "noisy_tv", "multiroom")
WALL, GREY = OBJECT_TO_IDX["wall"], COLOR_TO_IDX["grey"]
TV_COLOURS = [c for c in COLOR_TO_IDX if c != "grey"]  # the mazes' own walls are all grey
WATCHING_DISTANCE = 2  # cells: "watching the TV" is standing this close with it in view


class EmptyFourRooms(FourRoomsEnv):
    """FourRooms without a goal: an episode is `max_steps` steps of wandering."""

    def __init__(self, max_steps: int = 100, **kwargs):
        super().__init__(max_steps=max_steps, **kwargs)

    def _gen_grid(self, width, height):
        super()._gen_grid(width, height)
        for x in range(width):
            for y in range(height):
                if isinstance(self.grid.get(x, y), Goal):
                    self.grid.set(x, y, None)


class TVCell(Wall):
    """One cell of the TV: a wall showing a random colour and one of three random patterns (it
    reuses MiniGrid's `state` channel, which a plain wall leaves at 0)."""

    def __init__(self, color: str, pattern: int):
        super().__init__(color)
        self.pattern = pattern

    def encode(self) -> tuple[int, int, int]:
        return (WALL, COLOR_TO_IDX[self.color], self.pattern)

    def render(self, img):
        super().render(img)
        if self.pattern:  # a dark square, small or large: the picture's second "pixel" value
            size = 0.15 * self.pattern
            fill_coords(img, point_in_rect(0.5 - size, 0.5 + size, 0.5 - size, 0.5 + size), (30, 30, 30))


class NoisyTVFourRooms(EmptyFourRooms):
    """FourRooms with a noisy TV along the whole top wall of the top-right room; the agent starts
    in the top-left room. The TV is redrawn every step."""

    def __init__(self, max_steps: int = 100, **kwargs):
        self.tv_cells: list[tuple[int, int]] = []
        super().__init__(max_steps=max_steps, **kwargs)

    def _gen_grid(self, width, height):
        super()._gen_grid(width, height)
        room = width // 2
        self.tv_cells = [(x, 0) for x in range(room + 1, width - 1)]
        self._redraw_tv()
        self.place_agent(top=(1, 1), size=(room - 1, room - 1))

    def watching_spot(self) -> tuple[int, int]:
        """The cell two steps in front of the TV's middle: stand there facing up (direction 3) to watch."""
        return self.tv_cells[len(self.tv_cells) // 2][0], WATCHING_DISTANCE

    def near_tv(self) -> bool:
        """Whether the agent stands in front of the TV: at most WATCHING_DISTANCE cells from it."""
        x, y = self.agent_pos
        return min(max(abs(x - tx), abs(y - ty)) for tx, ty in self.tv_cells) <= WATCHING_DISTANCE

    def _redraw_tv(self) -> None:
        for x, y in self.tv_cells:
            colour = TV_COLOURS[self.np_random.integers(len(TV_COLOURS))]
            self.grid.set(x, y, TVCell(colour, int(self.np_random.integers(N_STATES))))

    def step(self, action):
        # A new picture before the base step builds the observation. Pressing the remote
        # (`done`) switches the channel, to a random picture like every other step's: what the
        # TV shows carries no trace of which action was taken.
        self._redraw_tv()
        return super().step(action)


class MultiRoomN4S5(MultiRoomEnv):
    """MultiRoom-N4-S5 (the registered `MiniGrid-MultiRoom-N4-S5-v0`)."""

    def __init__(self, **kwargs):
        super().__init__(minNumRooms=4, maxNumRooms=4, maxRoomSize=5, **kwargs)


def make_env(name: str, seed: int | None = None):
    """A fresh environment by name (reset it with a seed before use)."""
    if name == "four_rooms":
        return EmptyFourRooms()
    if name == "noisy_tv":
        return NoisyTVFourRooms()
    if name == "multiroom":
        return MultiRoomN4S5()
    raise ValueError(f"unknown environment {name!r}; choose one of {', '.join(ENV_NAMES)}")


def encode(image: np.ndarray, direction: int) -> np.ndarray:
    """MiniGrid's (7, 7, 3) symbolic view + heading -> the networks' one-hot vector (984,)."""
    image = np.asarray(image)
    out = np.zeros(OBS_DIM, dtype=np.float32)
    cells = np.arange(VIEW * VIEW) * (N_TYPES + N_COLOURS + N_STATES)
    flat = image.reshape(-1, 3)  # (49, 3): type, colour, state
    out[cells + flat[:, 0]] = 1.0
    out[cells + N_TYPES + flat[:, 1]] = 1.0
    out[cells + N_TYPES + N_COLOURS + flat[:, 2]] = 1.0
    out[-N_DIRECTIONS + int(direction)] = 1.0
    return out


# Each object's colour as a camera would see it: MiniGrid's palette, black for floor and for what
# the agent cannot see. Index: colour; the TV's pattern (state) darkens its cell.
_PALETTE = np.array([COLORS[c] for c in sorted(COLOR_TO_IDX, key=lambda c: COLOR_TO_IDX[c])], dtype=np.float32) / 255.0
_DRAWN = ("wall", "door", "key", "ball", "box", "goal", "lava")
_DRAWN_TYPES = np.isin(np.arange(N_TYPES), [OBJECT_TO_IDX[t] for t in _DRAWN])


def pixels(image: np.ndarray) -> np.ndarray:
    """The (7, 7, 3) symbolic view as raw pixels: one RGB pixel per cell in [0, 1], flattened (147,).

    Rendering MiniGrid's frames takes ~1.4 ms a step; a pixel per cell (each tile's colour) keeps
    what matters here — a grey wall looks dark and dull, the TV bright and ever-changing."""
    image = np.asarray(image)
    rgb = _PALETTE[image[..., 1]] * _DRAWN_TYPES[image[..., 0]][..., None]
    rgb = rgb * (1.0 - 0.4 * (image[..., 0] == WALL) * image[..., 2])[..., None]
    return rgb.reshape(-1).astype(np.float32)


def tv_in_view(image: np.ndarray) -> bool:
    """Whether any TV cell (a wall that is not grey) is visible in the (7, 7, 3) view."""
    image = np.asarray(image)
    return bool(((image[..., 0] == WALL) & (image[..., 1] != GREY)).any())


def watching_tv(env, image: np.ndarray) -> bool:
    """In front of the TV and looking at it: within WATCHING_DISTANCE cells, a TV cell in view.
    (From the far end of the room the TV is in view too, but nobody there is watching it.)"""
    return isinstance(env, NoisyTVFourRooms) and env.near_tv() and tv_in_view(image)


def agent_cell(env) -> tuple[int, int]:
    """The agent's (x, y) cell as plain ints."""
    x, y = env.agent_pos
    return int(x), int(y)


class VectorEnv:
    """N copies of one environment stepped in a plain loop, each reset as soon as it ends.

    `step` returns the observations to act on next (already reset where an episode ended) and,
    separately, the observations x_{t+1} the actions led to (for an ended episode its last one,
    which the inverse-dynamics model needs). After a step, `final_images` and `final_positions`
    hold the views and agent cells at x_{t+1}: what coverage and TV share count.
    """

    def __init__(self, name: str, n: int, seed: int):
        self.envs = [make_env(name) for _ in range(n)]
        self.n = n
        self.images: list[np.ndarray] = []  # (7, 7, 3) each: the view each copy acts on next
        obs = []
        for i, env in enumerate(self.envs):
            o, _ = env.reset(seed=seed + i)
            self.images.append(o["image"])
            obs.append(encode(o["image"], o["direction"]))
        self.obs = np.stack(obs)  # (N, OBS_DIM)

    def positions(self) -> list[tuple[int, int]]:
        return [agent_cell(env) for env in self.envs]

    def step(self, actions: np.ndarray):
        next_obs = np.empty_like(self.obs)
        final_obs = np.empty_like(self.obs)  # x_{t+1} of the transition, before any reset
        rewards = np.zeros(self.n, dtype=np.float32)
        dones = np.zeros(self.n, dtype=bool)
        successes = np.zeros(self.n, dtype=bool)
        self.final_images: list[np.ndarray] = []
        self.final_positions: list[tuple[int, int]] = []
        for i, env in enumerate(self.envs):
            o, r, terminated, truncated, _ = env.step(int(actions[i]))
            final_obs[i] = encode(o["image"], o["direction"])
            self.final_images.append(o["image"])
            self.final_positions.append(agent_cell(env))
            rewards[i], dones[i], successes[i] = r, terminated or truncated, r > 0
            if dones[i]:
                o, _ = env.reset()
            self.images[i] = o["image"]
            next_obs[i] = final_obs[i] if not dones[i] else encode(o["image"], o["direction"])
        self.obs = next_obs
        return next_obs, final_obs, rewards, dones, successes
