"""Interactive views for Lesson 02.

Each view is a plain function that computes what to show (tested on its own) and a small
ipywidgets builder that calls it when a control moves. Builders return the container widget;
its `.controls` and `.views` attributes let tests move a control and see the output change.
"""

from __future__ import annotations

import dataclasses

import ipywidgets as W
import numpy as np

from course.core.widgets import draw_into, figure_image, to_png, widget_box
from course.novelty.analysis import Episode, episode_rewards
from course.novelty.ngu import NGUConfig

EMBEDDINGS = ("learned embedding f(x)", "raw pixels")

# ---------------------------------------------------------------- plain functions


def frame_strip(frames: list[np.ndarray], indices, gap: int = 4) -> np.ndarray:
    """Frames at `indices` side by side, (H, n·(W+gap), 3) uint8; an empty strip if none."""
    indices = list(indices)
    h, w, _ = frames[0].shape
    if not indices:
        return np.full((h, w, 3), 255, dtype=np.uint8)
    strip = np.full((h, len(indices) * (w + gap) - gap, 3), 255, dtype=np.uint8)
    for i, t in enumerate(indices):
        strip[:, i * (w + gap) : i * (w + gap) + w] = frames[t]
    return strip


def reward_trace(
    episode: Episode,
    embeddings: np.ndarray,
    k: int,
    epsilon: float,
    mean_sq_distance: float | None = None,
    config: NGUConfig | None = None,
) -> dict:
    """r_episodic along `episode` with the memory comparing `embeddings`, for a given k and ε."""
    if k < 1:
        raise ValueError(f"k={k}: the memory needs at least one neighbour; choose k >= 1")
    if epsilon <= 0:
        raise ValueError(f"epsilon={epsilon}: the kernel ε / (d²/d_m² + ε) needs ε > 0")
    config = dataclasses.replace(config or NGUConfig(), k=int(k), kernel_epsilon=float(epsilon))
    trace = episode_rewards(episode.obs, embeddings, None, config, mean_sq_distance)
    rewarded = trace["episodic"] > 0
    trace["tv_reward_share"] = float(trace["episodic"][episode.tv].sum() / max(trace["episodic"].sum(), 1e-12))
    trace["rewarded_steps"] = int(rewarded.sum())
    return trace


# ---------------------------------------------------------------- widget builders


def episode_player(episode: Episode, trace: dict, scale: int = 2):
    """A step slider: the frame, its nearest memories in the embedding, r_episodic and α."""
    steps = W.IntSlider(value=1, min=0, max=len(episode.obs) - 1, description="step", layout=W.Layout(width="520px"))
    frame = W.Image(format="png")
    memories = W.Image(format="png")
    readout = W.HTML()

    def update(_=None):
        t = steps.value
        frame.value = to_png(episode.frames[t], scale)
        nearest = sorted(trace["neighbours"][t][:5])
        memories.value = to_png(frame_strip(episode.frames, nearest), 1)
        alpha = trace["alpha"][t] if "alpha" in trace else float("nan")
        readout.value = (
            f"step <b>{t}</b> · r_episodic <b>{trace['episodic'][t]:.2f}</b> · α <b>{alpha:.2f}</b>"
            f" · TV in view: <b>{'yes' if episode.tv[t] else 'no'}</b><br>"
            f"right: the {len(nearest)} nearest memories in the embedding "
            f"(steps {', '.join(map(str, nearest)) or '—'})"
        )

    steps.observe(update, "value")
    update()
    return widget_box([steps, readout, W.HBox([frame, memories])], [steps], [frame, memories, readout])


def novelty_explorer(episode: Episode, embeddings: dict[str, np.ndarray], mean_sq_distance: dict[str, float | None]):
    """Pixels or the learned embedding, and k and ε: which steps of a recorded episode count as novel."""
    space = W.ToggleButtons(options=list(embeddings), description="compare in")
    k = W.IntSlider(value=10, min=1, max=30, description="k", continuous_update=False)
    log_eps = W.FloatSlider(value=-4.0, min=-6.0, max=0.0, step=0.5, description="log10 ε", continuous_update=False)
    readout = W.HTML()
    plot = figure_image()

    def update(_=None):
        trace = reward_trace(
            episode, embeddings[space.value], k.value, 10**log_eps.value, mean_sq_distance[space.value]
        )
        readout.value = (
            f"<b>{space.value}</b>, k = {k.value}, ε = 10^{log_eps.value:.1f}: "
            f"{trace['rewarded_steps']} of {len(episode.obs)} steps rewarded; "
            f"<b>{trace['tv_reward_share']:.0%}</b> of the reward earned with the TV in view"
        )
        with draw_into(plot, margin=1.0, figsize=(8, 2.8)) as (fig, ax):
            t = np.arange(len(episode.obs))
            ax.fill_between(
                t,
                0,
                1,
                where=episode.tv,
                transform=ax.get_xaxis_transform(),
                color="tab:orange",
                alpha=0.2,
                step="mid",
                label="TV in view",
            )
            ax.plot(t, trace["episodic"], color="tab:blue", lw=1.2, label="r_episodic")
            ax.set(xlabel="step of the episode", ylabel="r_episodic", title=f"episodic novelty in {space.value}")
            ax.legend(loc="upper right")

    for control in (space, k, log_eps):
        control.observe(update, "value")
    update()
    return widget_box([space, W.HBox([k, log_eps]), readout, plot], [space, k, log_eps], [readout, plot])
