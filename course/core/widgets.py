"""What every lesson's widgets share: one box that tests can look inside.

A lesson widget is a plain `VBox`. It carries the controls a learner moves (`.controls`) and the
views those controls change (`.views`), so unit tests can move each control and check that what
is shown changed, without a browser.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

import ipywidgets as W
import numpy as np


def widget_box(children: list, controls: list, views: list) -> W.VBox:
    box = W.VBox(children)
    box.controls, box.views = controls, views
    return box


def to_png(image: np.ndarray, scale: int = 1) -> bytes:
    """An image as PNG bytes, each pixel enlarged to scale × scale without blur (so single pixels
    and codec artefacts stay visible). (H, W, 3) or (H, W): integers are 0–255, floats 0–1."""
    from PIL import Image

    pixels = np.asarray(image)
    if np.issubdtype(pixels.dtype, np.floating):
        pixels = np.clip(pixels, 0.0, 1.0) * 255
    pixels = pixels.astype(np.uint8).repeat(scale, axis=0).repeat(scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


@contextlib.contextmanager
def redraw(out: W.Output, **subplots: Any) -> Iterator[tuple[Any, Any]]:
    """Draw a new figure in `out` in place of the old one: yields (fig, axes) of
    `plt.subplots(**subplots)` and shows the figure when the block ends."""
    import matplotlib.pyplot as plt

    with out:
        out.clear_output(wait=True)
        fig, axes = plt.subplots(**subplots)
        yield fig, axes
        plt.show()
