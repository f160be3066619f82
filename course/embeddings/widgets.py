"""Interactive views for Lesson 01.

Each view is a plain function that computes what to show (tested on its own) and a small
ipywidgets builder that calls it when a control moves. Builders return the container widget;
its `.controls` and `.views` attributes let tests move a control and see the output change.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import torch

from course.core.widgets import Prepared, draw_into, figure_image, on_one_thread, to_png, widget_box
from course.embeddings import metrics as M
from course.embeddings.sprites import FACTOR_NAMES, FACTORS, SpriteDataset

# ---------------------------------------------------------------- plain functions


def image_row(images: np.ndarray, gap: int = 2) -> np.ndarray:
    """(n, 3, H, W) images -> one (H, n·(W+gap), 3) strip with thin grey separators."""
    n, _, h, w = images.shape
    strip = np.full((h, n * (w + gap) - gap, 3), 0.3, dtype=np.float32)
    for i, img in enumerate(images):
        strip[:, i * (w + gap) : i * (w + gap) + w] = img.transpose(1, 2, 0)
    return strip


@torch.no_grad()
def decode_latent(model, z: np.ndarray) -> np.ndarray:
    """Decode latent vectors (n, D) to images (n, 3, H, W)."""
    return model.decode(torch.as_tensor(np.atleast_2d(z), dtype=torch.float32)).numpy()


def traversal_strip(model, z: np.ndarray, dim: int, values: np.ndarray) -> np.ndarray:
    """Decoded images as latent dimension `dim` of `z` moves through `values`: (n, 3, H, W)."""
    batch = np.repeat(np.atleast_2d(z), len(values), axis=0)
    batch[:, dim] = values
    return decode_latent(model, batch)


def nearest_neighbours(z: np.ndarray, index: int, metric: str, k: int = 8) -> np.ndarray:
    """Indices of the k samples nearest to sample `index` under `metric` (itself excluded)."""
    query = np.repeat(z[index : index + 1], len(z), axis=0)
    distance = M.pairwise_latent_distance(query, z, metric, scale=z.std(axis=0))
    distance[index] = np.inf
    return np.argsort(distance, kind="stable")[:k]


def rotation_scores(z: np.ndarray, data: SpriteDataset, amount: float, seed: int = 7) -> dict:
    """MIG and distance faithfulness after rotating z part of the way to a random rotation."""
    from course.embeddings.analysis import CATEGORICAL, rotated_distance_agreement

    rotated = z @ M.partial_rotation(z.shape[1], amount, seed).T
    mutual_info = M.mutual_info_matrix(rotated, data.factors)  # the slow part: computed once
    return {
        "mig": float(M.gaps_from_mutual_info(mutual_info, M.factor_entropy(data.factors)).mean()),
        "distance_spearman": M.distance_spearman(rotated, data.factor_values, CATEGORICAL, n_pairs=5000),
        "distance_agreement": rotated_distance_agreement(z, rotated, n_pairs=5000),
        "mutual_info": mutual_info,
    }


def factor_colours(data: SpriteDataset, factor: str) -> np.ndarray:
    """The value index of `factor` for every sample, to colour a scatter plot with."""
    if factor not in FACTOR_NAMES:
        raise ValueError(f"unknown factor {factor!r}; choose one of {', '.join(FACTOR_NAMES)}")
    return data.factors[:, FACTOR_NAMES.index(factor)]


# ---------------------------------------------------------------- widget builders


def latent_traversal(model, z_start: np.ndarray, span: float = 3.0):
    """A slider per latent dimension; the decoded sprite follows."""
    sliders = [
        W.FloatSlider(
            value=float(v),
            min=-span,
            max=span,
            step=0.1,
            description=f"z{j}",
            continuous_update=True,
            layout=W.Layout(width="320px"),
        )
        for j, v in enumerate(z_start)
    ]
    image = W.Image(format="png", value=to_png(decode_latent(model, z_start)[0].transpose(1, 2, 0), 6))

    @on_one_thread
    def update(_=None):
        z = np.array([s.value for s in sliders])
        image.value = to_png(decode_latent(model, z)[0].transpose(1, 2, 0), 6)

    for s in sliders:
        s.observe(update, "value")
    reset = W.Button(description="reset")

    def reset_sliders(_=None):
        for s, v in zip(sliders, z_start):
            s.value = float(v)

    reset.on_click(reset_sliders)
    grid = W.GridBox(sliders, layout=W.Layout(grid_template_columns="repeat(2, 330px)"))
    return widget_box([W.HBox([grid, image]), reset], sliders, [image])


def neighbour_explorer(z: np.ndarray, data: SpriteDataset, k: int = 8, start: int = 0):
    """Pick a sprite and a metric; see its k nearest neighbours in the embedding."""
    index = W.IntSlider(value=start, min=0, max=len(z) - 1, description="sprite", layout=W.Layout(width="500px"))
    metric = W.ToggleButtons(options=list(M.METRICS), description="metric")
    image = W.Image(format="png")
    caption = W.HTML()

    def update(_=None):
        found = nearest_neighbours(z, index.value, metric.value, k)
        image.value = to_png(image_row(data.images[np.r_[index.value, found]]), 3)
        agree = (data.factors[found] == data.factors[index.value]).mean(axis=0)
        caption.value = "query (left) and its neighbours — share agreeing on " + ", ".join(
            f"<b>{name}</b> {a:.0%}" for name, a in zip(FACTOR_NAMES, agree)
        )

    index.observe(update, "value")
    metric.observe(update, "value")
    update()
    return widget_box([index, metric, image, caption], [index, metric], [image, caption])


def umap_explorer(coords: np.ndarray, data: SpriteDataset, title: str = "UMAP of the embedding"):
    """A 2-D map of the embedding, coloured by the factor you choose."""
    factor = W.Dropdown(options=list(FACTOR_NAMES), value="shape", description="colour by")
    caption = W.HTML()
    plot = figure_image()

    def update(_=None):
        colours = factor_colours(data, factor.value)
        caption.value = f"{len(coords)} sprites coloured by <b>{factor.value}</b>"
        with draw_into(plot, margin=1.0, figsize=(5.5, 4.5)) as (fig, ax):
            points = ax.scatter(coords[:, 0], coords[:, 1], c=colours, s=3, cmap="viridis")
            values = FACTORS[FACTOR_NAMES.index(factor.value)].values
            bar = fig.colorbar(points, ax=ax, ticks=range(len(values)))
            bar.ax.set_yticklabels([str(v) for v in values])
            bar.set_label(factor.value)
            ax.set(title=title, xlabel="UMAP 1", ylabel="UMAP 2")

    factor.observe(update, "value")
    update()
    return widget_box([factor, caption, plot], [factor], [caption, plot])


def rotation_explorer(z: np.ndarray, data: SpriteDataset, seed: int = 7, prepare: bool = True):
    """Rotate the latent space step by step: distances stay, the per-dimension story goes.
    `prepare`: make the scores a key press away ahead, between moves."""
    amount = W.FloatSlider(
        value=0.0,
        min=0.0,
        max=1.0,
        step=0.05,
        description="rotation",
        continuous_update=False,
        layout=W.Layout(width="500px"),
    )
    readout = W.HTML()
    plot = figure_image()

    def one_step_away(at: float) -> list[float]:
        """An arrow key's step and a page key's (five steps) either way, nearest first."""
        moves = [amount.step, -amount.step, 5 * amount.step, -5 * amount.step]
        return [round(at + move, 6) for move in moves if amount.min <= round(at + move, 6) <= amount.max]

    # the scores take a good part of a second (mutual information of every dimension and factor):
    # kept per setting, and made ahead for the settings a key press away (`Prepared`)
    scores_at = Prepared(lambda at: rotation_scores(z, data, at, seed), one_step_away, ahead=prepare)

    def update(_=None):
        scores = scores_at.get(round(amount.value, 6))
        readout.value = (
            f"MIG <b>{scores['mig']:.3f}</b> · distance–factor Spearman <b>{scores['distance_spearman']:.3f}</b>"
            f" · distances vs unrotated <b>{scores['distance_agreement']:.4f}</b>"
        )
        with draw_into(plot, margin=1.0, figsize=(5, 4)) as (fig, ax):
            mi = scores["mutual_info"] / M.factor_entropy(data.factors)
            im = ax.imshow(mi, cmap="magma", vmin=0, vmax=1, aspect="auto")
            ax.set(
                xticks=range(len(FACTOR_NAMES)),
                xticklabels=FACTOR_NAMES,
                xlabel="true factor",
                yticks=range(mi.shape[0]),
                ylabel="latent dimension",
                title=f"I(z_j; factor) / H(factor), rotation {amount.value:.2f}",
            )
            fig.colorbar(im, ax=ax, label="normalised mutual information")

    amount.observe(update, "value")
    update()
    box = widget_box([amount, readout, plot], [amount], [readout, plot])
    box.scores = scores_at  # the scores made so far, by rotation amount
    return box
