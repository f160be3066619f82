"""What every lesson's widgets share (course/core/widgets.py): figures as PNG bytes, kept and
prepared results."""

import io
import time

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from course.core.widgets import Prepared, draw_into, figure_image, figure_png


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png))).astype(int)


def _saved_tight(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight")
    return _pixels(buffer.getvalue())


def _plot(ax) -> None:
    ax.plot(np.arange(50), np.sin(np.arange(50) / 5), label="a curve")
    ax.set(xlabel="step", ylabel="value", title="a title")
    ax.legend()


@pytest.mark.parametrize("figsize", [(6, 4), (8, 2.2)])  # labels inside the figure; the x label beyond its edge
def test_figure_png_is_the_inline_picture(figsize):
    """Cropped as a notebook crops an inline figure (savefig with bbox_inches="tight")."""
    fig = Figure(figsize=figsize, dpi=90)
    _plot(fig.subplots())
    ours, inline = _pixels(figure_png(fig)), _saved_tight(fig)
    assert ours.shape == inline.shape
    assert np.abs(ours - inline).mean() < 3  # the same picture, up to sub-pixel placement


def test_figure_png_untight_is_the_whole_figure():
    fig = Figure(figsize=(4, 3), dpi=50)
    _plot(fig.subplots())
    assert _pixels(figure_png(fig, tight=False)).shape[:2] == (150, 200)


def test_draw_into_with_a_margin_draws_the_same_picture():
    plain, spaced = figure_image(), figure_image()
    with draw_into(plain, figsize=(8, 2.2)) as (_, ax):
        _plot(ax)
    with draw_into(spaced, margin=1.0, figsize=(8, 2.2)) as (_, ax):
        _plot(ax)
    a, b = _pixels(plain.value), _pixels(spaced.value)
    assert a.shape == b.shape and np.abs(a - b).mean() < 3
    assert "course-figure" in plain._dom_classes


def test_prepared_keeps_each_result_and_makes_the_next_ones_ahead():
    made = []
    prepared = Prepared(lambda k: made.append(k) or k * 10, lambda k: [k + 1, k - 1])
    assert prepared.get(3) == 30 and prepared.get(3) == 30
    assert made.count(3) == 1  # the second time, kept
    deadline = time.monotonic() + 60
    while not {2, 4} <= set(prepared.results) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert prepared.results[4] == 40 and prepared.results[2] == 20  # made ahead, on the thread
    assert prepared.get(4) == 40 and made.count(4) == 1  # and not made again


def test_prepared_without_ahead_makes_only_what_is_asked():
    prepared = Prepared(lambda k: k, lambda k: [k + 1], ahead=False)
    prepared.get(1)
    time.sleep(2 * Prepared.QUIET_S)
    assert set(prepared.results) == {1}


def test_prepared_reports_an_error_to_whoever_asks():
    def compute(k):
        if k == 2:
            raise ValueError("no such setting")
        return k

    prepared = Prepared(compute, lambda k: [k + 1])
    prepared.get(1)
    time.sleep(3 * Prepared.QUIET_S)  # the thread fails on 2 and keeps nothing
    assert 2 not in prepared.results
    with pytest.raises(ValueError, match="no such setting"):
        prepared.get(2)
