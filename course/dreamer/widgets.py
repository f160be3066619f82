"""Interactive views for Lesson 06: the dream viewer, the drift explorer, the room viewer and the
new-goal viewer.

Each view is a plain function that computes what to show (tested on its own) and a small
ipywidgets builder that calls it when a control moves. Builders return the container widget;
its `.controls` and `.views` attributes let tests move a control and see the output change.
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from course.core.widgets import Prepared, figure_image, figure_png, on_one_thread, to_png, widget_box
from course.dreamer.analysis import dream, observe_episode, room_episode, room_picture
from course.dreamer.dreamer import Dreamer
from course.dreamer.envs import EmptyRoom

ACTION_PLANS = {
    "random": None,
    "always left": 0,
    "stay": 1,
    "always right": 2,
    "left, then right": "lr",
}
ACTION_LETTERS = "LSR"  # 0 left, 1 stay, 2 right

# ---------------------------------------------------------------- plain functions


def plan_actions(plan: str, length: int, seed: int) -> np.ndarray:
    """The action sequence a plan name stands for (ints 0 left, 1 stay, 2 right)."""
    if plan not in ACTION_PLANS:
        raise ValueError(f"unknown action plan {plan!r}: choose one of {', '.join(ACTION_PLANS)}")
    kind = ACTION_PLANS[plan]
    if kind is None:
        return np.random.default_rng(seed).integers(0, 3, length)
    if kind == "lr":
        return np.array([0] * (length // 2) + [2] * (length - length // 2))
    return np.full(length, kind)


def frame_strip(frames: np.ndarray, marks=None, gap: int = 1) -> np.ndarray:
    """(T, 1, H, W) frames in [0, 1] -> one (H, T·(W+gap), 3) RGB strip; marks[t] False tints red."""
    t, _, h, w = frames.shape
    strip = np.full((h, max(t * (w + gap) - gap, 1), 3), 0.35, np.float32)
    for i, frame in enumerate(frames):
        rgb = np.repeat(frame[0][..., None], 3, -1)
        if marks is not None and not marks[i]:
            rgb = rgb * np.array([1.0, 0.45, 0.45]) + np.array([0.25, 0.0, 0.0])
        strip[:, i * (w + gap) : i * (w + gap) + w] = rgb
    return strip


def dream_vs_real(agent: Dreamer, game: int, start: int, plan: str, horizon: int) -> dict:
    """Imagine `horizon` steps open-loop from real step `start` of game `game`, and play the same
    actions for real. Returns real and imagined frames, codes, matches and the action letters."""
    length = 9  # a Catch game
    start = int(np.clip(start, 0, length - 1))
    horizon = int(np.clip(horizon, 1, length - start))
    actions = plan_actions(plan, length, seed=game)
    real = observe_episode(agent, seed=game, actions=actions)
    imagined = dream(agent, real["feats"][start], actions[start : start + horizon], seed=game)
    truth = real["frames"][start + 1 : start + 1 + horizon]
    matches = [bool(np.array_equal(a > 0.5, b > 0.5)) for a, b in zip(imagined["frames"], truth)]
    return {
        "real": truth,
        "imagined": imagined["frames"],
        "codes": imagined["probs"],
        "matches": matches,
        "start_frame": real["frames"][start],
        "letters": "".join(ACTION_LETTERS[a] for a in actions[start : start + horizon]),
        "rewards": imagined["rewards"],
    }


def dream_picture(view: dict, scale: int = 9) -> bytes:
    """Top: the start frame, then what really happened; bottom: what the model imagined (red:
    wrong); right: the imagined categorical codes of the last step (rows: variables, columns:
    classes)."""
    real = frame_strip(np.concatenate([view["start_frame"][None], view["real"]]))
    imagined = frame_strip(np.concatenate([view["start_frame"][None], view["imagined"]]), [True] + view["matches"])
    codes = view["codes"][-1]  # (stoch, classes)
    code_img = np.repeat((codes / codes.max())[..., None], 3, -1)
    height = real.shape[0] * 2 + 1
    code_panel = np.full((height, codes.shape[1], 3), 0.35, np.float32)
    code_panel[: min(height, codes.shape[0])] = code_img[:height]
    left = np.concatenate([real, np.full((1, real.shape[1], 3), 0.35, np.float32), imagined], 0)
    sep = np.full((height, 2, 3), 1.0, np.float32)
    return to_png(np.concatenate([left, sep, code_panel], 1), scale)


def dream_caption(view: dict) -> str:
    right = sum(view["matches"])
    return (
        f"actions <b>{view['letters']}</b> · {right} of {len(view['matches'])} imagined frames match reality · "
        f"imagined reward at the last step {view['rewards'][-1]:+.2f}<br><small>top row: reality (start frame "
        f"first); bottom row: the dream, red where it is wrong; right: the last imagined code "
        f"(one row per categorical variable, brightness = probability)</small>"
    )


ROOM_LETTERS = "LRF"  # 0 turn left, 1 turn right, 2 forward
ROOM_FRAMES_SHOWN = 14
ROOM_PLAN_MOVES = EmptyRoom.plan_horizon  # a fixed plan is as long as the longest shortest path
ROOM_PLANS = {  # moves for the room viewer; None: the agent's own
    "the agent's": None,
    "random": "random",
    "always forward": "F" * ROOM_PLAN_MOVES,
    "turn on the spot": "L" * ROOM_PLAN_MOVES,
    "zigzag": ("FRFL" * ROOM_PLAN_MOVES)[:ROOM_PLAN_MOVES],
    "typed below": "typed",
}


def room_moves(letters: str) -> list[int]:
    """Moves typed as letters, L turn left, R turn right, F forward (any case, spaces ignored)."""
    text = "".join(letters.split()).upper()
    unknown = sorted(set(text) - set(ROOM_LETTERS))
    if unknown:
        raise ValueError(
            f"unknown move {', '.join(map(repr, unknown))} in {letters!r}: type L (turn left), "
            f"R (turn right) or F (forward), e.g. FFRFF"
        )
    if not text:
        raise ValueError("no moves typed: type some of L (turn left), R (turn right) and F (forward), e.g. FFRFF")
    return [ROOM_LETTERS.index(letter) for letter in text]


def room_plan(plan: str, game: int, typed: str = "") -> list[int] | None:
    """The moves a room plan name stands for (None: the agent plays); `typed` for "typed below"."""
    if plan not in ROOM_PLANS:
        raise ValueError(f"unknown room plan {plan!r}: choose one of {', '.join(ROOM_PLANS)}")
    kind = ROOM_PLANS[plan]
    if kind is None:
        return None
    if kind == "random":
        return np.random.default_rng(game).integers(0, len(ROOM_LETTERS), ROOM_PLAN_MOVES).tolist()
    return room_moves(typed if kind == "typed" else kind)


def room_walk_picture(run: dict) -> bytes:
    """Top row: the room agent's real game (up to ROOM_FRAMES_SHOWN frames); bottom row: the same
    game dreamed from its first frame and the moves alone, with a red edge where the dream is wrong."""
    shown = min(len(run["frames"]), ROOM_FRAMES_SHOWN)
    side = room_picture(run["frames"][0]).shape[0]
    gap = 3
    strip = np.ones((2 * side + gap, shown * (side + gap) - gap, 3), np.float32)
    for t in range(shown):
        left = t * (side + gap)
        strip[:side, left : left + side] = room_picture(run["frames"][t])
        dreamed = room_picture(run["dreams"][t])
        if not run["matches"][t]:
            for edge in (dreamed[:2], dreamed[-2:], dreamed[:, :2], dreamed[:, -2:]):
                edge[:] = (1.0, 0.0, 0.0)
        strip[side + gap :, left : left + side] = dreamed
    return to_png(strip, 1)


def room_walk_caption(run: dict) -> str:
    moves = len(run["actions"])
    wrong = int((~run["matches"][1:]).sum())
    ending = (
        f"reached the goal in <b>{moves}</b> moves (shortest path {run['shortest']}), return {run['return']:.3f}"
        if run["return"] > 0
        else f"did not reach the goal in {moves} moves (shortest path {run['shortest']})"
    )
    more = f" (first {ROOM_FRAMES_SHOWN} frames shown)" if moves + 1 > ROOM_FRAMES_SHOWN else ""
    if run["unplayed"]:
        ending += f"; the game was over, so the last {run['unplayed']} moves were not played"
    return (
        f"moves <b>{''.join(ROOM_LETTERS[a] for a in run['actions'])}</b> · {ending} · {wrong} of {moves} "
        f"dreamed frames wrong{more}<br><small>top row: the real game; bottom row: the same moves dreamed "
        f"from the first frame alone, red edge where wrong (L turn left, R turn right, F forward)</small>"
    )


# ---------------------------------------------------------------- widget builders


def dream_viewer(agent: Dreamer, game: int = 0):
    """Pick a game, a start step, an action plan and a horizon; see the dream beside reality."""
    wide = W.Layout(width="420px")
    game_slider = W.IntSlider(value=game, min=0, max=99, description="game", layout=wide)
    start = W.IntSlider(value=0, min=0, max=8, description="start step", layout=wide)
    plan = W.Dropdown(options=list(ACTION_PLANS), value="random", description="actions")
    horizon = W.IntSlider(value=9, min=1, max=9, description="horizon", layout=wide)
    image = W.Image(format="png")
    caption = W.HTML()

    @on_one_thread
    def update(_=None):
        view = dream_vs_real(agent, game_slider.value, start.value, plan.value, horizon.value)
        image.value = dream_picture(view)
        caption.value = dream_caption(view)

    for control in (game_slider, start, plan, horizon):
        control.observe(update, "value")
    update()
    controls = [game_slider, start, plan, horizon]
    return widget_box([W.HBox([W.VBox(controls), image]), caption], controls, [image, caption])


def drift_explorer(agent: Dreamer, accuracy_by_step: np.ndarray, games: int = 6, sampled_by_step=None):
    """A horizon slider: the share of exact imagined frames up to that step (best-guess dreams, and
    sampled ones if given), and several best-guess dreams cut at that horizon next to reality."""
    from matplotlib.figure import Figure

    longest = len(accuracy_by_step)
    horizon = W.IntSlider(
        value=3,
        min=1,
        max=longest,
        description="steps dreamed",
        style={"description_width": "initial"},
        continuous_update=False,
        layout=W.Layout(width="420px"),
    )
    caption = W.HTML()
    plot = figure_image()

    # Each game dreamed once, as far as the slider goes: a best-guess dream is made step by step,
    # so its first k steps are the dream cut at horizon k (up to float rounding).
    views = [dream_vs_real(agent, 200 + g, 0, "random", longest) for g in range(games)]

    # One figure for the widget's lifetime: a move shifts the marker and swaps the dreamed frames.
    fig = Figure(figsize=(8.5, 2.8))
    axes = fig.subplots(ncols=2, gridspec_kw={"width_ratios": [1.3, 1]})
    steps = np.arange(1, longest + 1)
    axes[0].plot(steps, accuracy_by_step, "o-", label="best guess")
    if sampled_by_step is not None:
        axes[0].plot(steps, sampled_by_step, "s--", color="tab:gray", label="codes sampled (training)")
        axes[0].legend(loc="lower left", fontsize=8)
    marker = axes[0].axvline(horizon.value, color="tab:red", ls="--")
    axes[0].set(xlabel="open-loop imagined step", ylabel="share of exact frames", ylim=(0, 1.05))
    axes[0].set_title("how far dreams stay true")

    def pairs_at(k: int) -> np.ndarray:
        """Real | imagined frame at step k, game after game: (H, games·2W)."""
        return np.concatenate([np.concatenate([v["real"][k - 1], v["imagined"][k - 1]], -1) for v in views], -1)[0]

    shown = axes[1].imshow(pairs_at(horizon.value), cmap="gray", vmin=0, vmax=1)
    for g in range(1, games):
        axes[1].axvline(g * 10 - 0.5, color="tab:orange")
    title = axes[1].set_title("")
    axes[1].set(xticks=[], yticks=[])

    def show(k: int) -> None:
        marker.set_xdata([k, k])
        shown.set_data(pairs_at(k))
        title.set_text(f"step {k}: real | imagined, {games} games")

    show(horizon.value)
    fig.tight_layout()  # once: what moves never changes the layout

    def update(_=None):
        k = horizon.value
        show(k)
        plot.value = figure_png(fig)
        wrong = sum(not v["matches"][k - 1] for v in views)
        caption.value = (
            f"at step {k}: {accuracy_by_step[k - 1]:.0%} of imagined frames are exact "
            f"(here {games - wrong} of {games} games)"
        )

    horizon.observe(update, "value")
    update()
    return widget_box([horizon, caption, plot], [horizon], [caption, plot])


def room_viewer(agent: Dreamer, game: int = 3, plan: str = "the agent's", typed: str = "FFRFFF"):
    """Pick an empty-room game and whose moves to play (the agent's, a fixed plan or your own
    letters): the real walk, and the same moves dreamed from the first frame."""
    wide = W.Layout(width="420px")
    game_slider = W.IntSlider(
        value=game, min=0, max=99, description="room game", layout=wide, style={"description_width": "initial"}
    )
    plan_menu = W.Dropdown(options=list(ROOM_PLANS), value=plan, description="moves")
    typed_box = W.Text(
        value=typed,
        description="typed moves",
        placeholder="e.g. FFRFF",
        continuous_update=False,
        style={"description_width": "initial"},
    )
    image = W.Image(format="png")
    caption = W.HTML()

    @on_one_thread
    def update(_=None):
        try:
            moves = room_plan(plan_menu.value, game_slider.value, typed_box.value)
        except ValueError as error:  # a typing slip: say what is wrong, keep the last picture
            caption.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"
            return
        run = room_episode(agent, seed=game_slider.value, moves=moves)
        image.value = room_walk_picture(run)
        caption.value = room_walk_caption(run)

    def typed_changed(_=None):
        if plan_menu.value == "typed below":
            update()
        else:
            plan_menu.value = "typed below"  # typing means: play these

    game_slider.observe(update, "value")
    plan_menu.observe(update, "value")
    typed_box.observe(typed_changed, "value")
    update()
    controls = [game_slider, plan_menu, typed_box]
    return widget_box([W.VBox(controls), image, caption], controls, [image, caption])


# ---------------------------------------------------------------- new goals: plan dreamed, then walked


def goal_walk_picture(run: dict) -> bytes:
    """Top row: the walk really made (up to ROOM_FRAMES_SHOWN frames); bottom row: the first plan
    as the model dreamed it from the first frame, up to where it expects to arrive."""
    rows = [run["frames"][:ROOM_FRAMES_SHOWN], run["dreams"][:ROOM_FRAMES_SHOWN]]
    shown = max(len(r) for r in rows)
    side = room_picture(run["frames"][0]).shape[0]
    gap = 3
    strip = np.ones((2 * side + gap, shown * (side + gap) - gap, 3), np.float32)
    for row, frames in enumerate(rows):
        for t, frame in enumerate(frames):
            left = t * (side + gap)
            strip[row * (side + gap) : row * (side + gap) + side, left : left + side] = room_picture(frame)
    return to_png(strip, 1)


def goal_walk_caption(run: dict, goal: tuple[int, int]) -> str:
    moves = len(run["actions"])
    letters = lambda moves: "".join(ROOM_LETTERS[a] for a in moves)  # noqa: E731
    ending = (
        f"reached cell {goal} in <b>{moves}</b> moves (shortest path {run['shortest']})"
        if run["reached"]
        else f"did not reach cell {goal} in {moves} moves (shortest path {run['shortest']})"
    )
    return (
        f"dreamed plan <b>{letters(run['plan'])}</b> · walked <b>{letters(run['actions'])}</b> · {ending} · "
        f"no real step of this room was ever seen in training<br><small>top row: the real walk (the planner "
        f"plans again at every move); bottom row: the first plan, dreamed in the model's latent space and "
        f"drawn by its decoder (L turn left, R turn right, F forward)</small>"
    )


def goal_viewer(agent: Dreamer, heads, goal: tuple[int, int] = (1, 2), game: int = 0, prepare: bool = True):
    """Pick a goal cell of the room (never rewarded in training) and a start: the plan the model
    dreams in its latent space, then the walk the planner really makes, with zero new real steps.

    A walk plans again at every move (many imagined games each), which takes a good part of a
    second: each walk is kept once made, and with `prepare` the settings one step away from the
    one shown are walked ahead, between moves (`Prepared`)."""
    from course.dreamer.goals import FLOOR, plan_and_walk

    games = 100  # the game slider's range

    def walk(key: tuple[int, int, int]) -> dict:
        column, row, start = key
        return plan_and_walk(agent, heads, (column, row), start)

    def one_step_away(key: tuple[int, int, int]) -> list[tuple[int, int, int]]:
        column, row, start = key
        steps = [(column + 1, row, start), (column, row + 1, start), (column, row, start + 1)]
        steps += [(column - 1, row, start), (column, row - 1, start), (column, row, start - 1)]
        return [(c, r, g) for c, r, g in steps if 0 <= c < FLOOR and 0 <= r < FLOOR and 0 <= g < games]

    walks = Prepared(walk, one_step_away, ahead=prepare)

    style = {"description_width": "initial"}
    x = W.IntSlider(value=goal[0], min=0, max=FLOOR - 1, description="goal column x", style=style)
    y = W.IntSlider(value=goal[1], min=0, max=FLOOR - 1, description="goal row y", style=style)
    game_slider = W.IntSlider(value=game, min=0, max=games - 1, description="goal game", style=style)
    image = W.Image(format="png")
    caption = W.HTML()

    def update(_=None):  # on the process's PyTorch threads, as the thread that walks ahead
        run = walks.get((x.value, y.value, game_slider.value))
        image.value = goal_walk_picture(run)
        caption.value = goal_walk_caption(run, (x.value, y.value))

    for control in (x, y, game_slider):
        control.observe(update, "value")
    update()
    controls = [x, y, game_slider]
    box = widget_box([W.VBox(controls), image, caption], controls, [image, caption])
    box.walks = walks  # the walks made so far, by (x, y, game)
    return box
