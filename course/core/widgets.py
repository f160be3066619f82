"""What every lesson's widgets share: one box that tests can look inside.

A lesson widget is a plain `VBox`. It carries the controls a learner moves (`.controls`) and the
views those controls change (`.views`), so unit tests can move each control and check that what
is shown changed, without a browser.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Callable, Iterator
from typing import Any

import ipywidgets as W
import numpy as np


def widget_box(children: list, controls: list, views: list) -> W.VBox:
    box = W.VBox(children)
    box.controls, box.views = controls, views
    return box


def on_one_thread(update: Callable) -> Callable:
    """A widget's callback, run with PyTorch on one thread. A widget's model work is small (one
    image, one game), where splitting every operation over threads costs more than it saves, and
    far more when other programs share the cores: a move then answers in tens of milliseconds
    instead of up to a second."""
    from course.core.seeding import torch_threads

    @functools.wraps(update)
    def run(*args, **kwargs):
        with torch_threads(1):
            return update(*args, **kwargs)

    return run


def to_png(image: np.ndarray, scale: int = 1) -> bytes:
    """An image as PNG bytes, each pixel enlarged to scale × scale without blur (so single pixels
    and codec artefacts stay visible). (H, W, 3) or (H, W): integers are 0–255, floats 0–1."""
    pixels = np.asarray(image)
    if np.issubdtype(pixels.dtype, np.floating):
        pixels = np.clip(pixels, 0.0, 1.0) * 255
    return png_bytes(pixels.astype(np.uint8).repeat(scale, axis=0).repeat(scale, axis=1))


FIGURE_CLASS = "course-figure"  # the CSS class of a widget's figure (browser tests look for it)
PNG_COMPRESS_LEVEL = 1  # zlib level for a widget's pictures: a few times faster than the default, same pixels
TIGHT_PAD_INCHES = 0.1  # the margin a notebook leaves around an inline figure (savefig's pad_inches)


def png_bytes(pixels: np.ndarray) -> bytes:
    """(H, W, 3 or 4) uint8 pixels as PNG bytes, compressed fast: a widget's picture is made at
    every move of a control and shown at once, never stored."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def figure_png(fig, tight: bool = True) -> bytes:
    """A matplotlib figure as PNG bytes, at the figure's dpi. `tight`: cropped to what is drawn
    plus a 0.1-inch margin, as a notebook shows a figure inline.

    The figure is drawn once, then cropped: `savefig(bbox_inches="tight")` lays the whole figure
    out a second time to find the crop, which doubles the cost of a widget's redraw. Only when
    something is drawn beyond the figure's edge is it drawn again, shifted, by savefig."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    # a figure drawn again keeps its canvas, whose renderer caches the layout of every text
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())  # (H, W, 4), row 0 at the top
    if tight:
        box = fig.get_tightbbox(canvas.get_renderer()).padded(TIGHT_PAD_INCHES)  # inches, from bottom left
        height, width = pixels.shape[:2]
        left, top = round(box.x0 * fig.dpi), height - round(box.y1 * fig.dpi)
        right, bottom = left + int(box.width * fig.dpi), top + int(box.height * fig.dpi)  # savefig's size
        if left < 0 or top < 0 or right > width or bottom > height:
            buffer = io.BytesIO()
            fig.savefig(
                buffer, format="png", bbox_inches=box, pad_inches=0, pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL}
            )
            return buffer.getvalue()
        pixels = pixels[top:bottom, left:right]
    return png_bytes(np.ascontiguousarray(pixels))


def figure_image() -> W.Image:
    """An empty `ipywidgets.Image` for a widget's figure (`draw_into`, `figure_png`)."""
    return W.Image(format="png").add_class(FIGURE_CLASS)


@contextlib.contextmanager
def draw_into(image: W.Image, margin: float = 0.0, **subplots: Any) -> Iterator[tuple[Any, Any]]:
    """Draw a new figure into `image` (an `ipywidgets.Image`): yields (fig, axes) of
    `subplots(**subplots)` on a figure of its own, outside pyplot (nothing is left for the
    notebook to show again), and puts its PNG bytes (`figure_png`) into `image` when the block ends.

    `margin` (inches) adds room on every side of the figure that the axes do not take, so that
    labels drawn past the figure's edge are drawn in one pass (see `figure_png`): the axes keep
    their size and everything keeps its place relative to them, and the crop removes what is
    blank, so the picture is the same. Not for a figure whose layout is computed from its size
    (`tight_layout`, a figure title)."""
    from matplotlib import rcParams
    from matplotlib.figure import Figure

    width, height = subplots.pop("figsize", None) or rcParams["figure.figsize"]
    if margin:
        grid = subplots.setdefault("gridspec_kw", {})
        side = {name: grid.get(name, rcParams[f"figure.subplot.{name}"]) for name in ("left", "right", "bottom", "top")}
        grid["left"] = (margin + side["left"] * width) / (width + 2 * margin)
        grid["right"] = (margin + side["right"] * width) / (width + 2 * margin)
        grid["bottom"] = (margin + side["bottom"] * height) / (height + 2 * margin)
        grid["top"] = (margin + side["top"] * height) / (height + 2 * margin)
    fig = Figure(figsize=(width + 2 * margin, height + 2 * margin))
    axes = fig.subplots(**subplots)
    yield fig, axes
    image.value = figure_png(fig)
