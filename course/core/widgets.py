"""What every lesson's widgets share: one box that tests can look inside.

A lesson widget is a plain `VBox`. It carries the controls a learner moves (`.controls`) and the
views those controls change (`.views`), so unit tests can move each control and check that what
is shown changed, without a browser.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import weakref
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


def _stop_preparing() -> None:
    """At exit: no thread may be inside PyTorch while the interpreter shuts down."""
    for prepared in list(_PREPARING):
        prepared.stop()


_PREPARING: weakref.WeakSet = weakref.WeakSet()  # every Prepared whose thread may be running
atexit.register(_stop_preparing)


class Prepared:
    """The results of a slow function of a widget's settings, kept once made, and made ahead, on a
    background thread, for the settings one step away from the last one asked for: a learner
    moves a slider a step at a time, and finds the next picture ready.

    `compute(key)` makes the result for a setting (a hashable key); it must give the same result
    whenever and on whichever thread it runs (seeded by the key, no shared random state).
    `neighbours(key)` lists the keys one step away, most likely first. `get(key)` returns the
    result: kept, or waited for if the thread is making it, or else made now. The thread works
    only between moves (it starts a key only when `get` has been quiet for QUIET_S), at the lowest
    scheduling priority the system gives it, and stops when nothing is left to make."""

    QUIET_S = 0.5  # the thread starts a key only this long after the last `get`: a move's drawing comes first

    def __init__(self, compute: Callable[[Any], Any], neighbours: Callable[[Any], list], ahead: bool = True):
        import threading
        import time

        self.compute, self.neighbours, self.ahead = compute, neighbours, ahead
        self._clock = time.monotonic
        self._last_get = self._clock()
        self.results: dict[Any, Any] = {}
        self._lock = threading.Condition()
        self._queue: list[Any] = []  # keys to make ahead, next first
        self._making: Any = None  # the key the thread is making now
        self._busy = False  # `get` is making a result itself: the thread waits
        self._stopped = False
        self._thread: threading.Thread | None = None
        _PREPARING.add(self)

    def stop(self) -> None:
        """Make nothing more ahead; wait for the key being made, if any."""
        with self._lock:
            self._stopped, self._queue = True, []
            self._lock.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=60)

    def get(self, key: Any) -> Any:
        with self._lock:
            self._last_get = self._clock()
            while key not in self.results and self._making == key:
                self._lock.wait()  # the thread is making this one: wait for it rather than start again
            if key not in self.results:
                self._busy = True
        if key not in self.results:
            try:
                result = self.compute(key)
            finally:
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()
            with self._lock:
                self.results[key] = result
        if self.ahead and not self._stopped:
            self._make_ahead([k for k in self.neighbours(key) if k not in self.results])
        return self.results[key]

    def _make_ahead(self, keys: list) -> None:
        import threading

        with self._lock:
            self._queue = keys
            self._lock.notify_all()
            if keys and (self._thread is None or not self._thread.is_alive()):
                self._thread = threading.Thread(target=self._work, name="widget-prepare", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        import os
        import threading

        with contextlib.suppress(AttributeError, OSError):  # lowest priority (Linux: per thread)
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        while True:
            with self._lock:
                while not self._stopped and (self._busy or self._clock() - self._last_get < self.QUIET_S):
                    self._lock.wait(timeout=None if self._busy else self.QUIET_S - (self._clock() - self._last_get))
                keys = [k for k in self._queue if k not in self.results]
                if not keys or self._stopped:
                    self._thread = None
                    return
                key = self._making = keys[0]
                self._queue = keys[1:]
            try:
                result, made = self.compute(key), True
            except Exception:  # made again by `get`, which reports the error, if it is ever asked for
                result, made = None, False
            with self._lock:
                if made:
                    self.results[key] = result
                self._making = None
                self._lock.notify_all()
