"""What the browser tests do in each lesson: one table entry per notebook.

A lesson is its notebook, notebooks/<name>.py, and the widgets a learner is meant to play with.
A widget is found by the description of its first control (the text shown next to it); each
control names the outputs, inside the same widget, that must change when a learner moves it.
A notebook that does not exist (yet) is skipped.

Adding a lesson means adding an entry to LESSONS; a lesson without one is still opened, run and
checked for errors and broken widgets, but a test fails until its widgets are listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

# What a control's output can be, as CSS selectors inside the widget.
IMAGE = "img.widget-image"  # an ipywidgets Image
CAPTION = ".widget-html-content"  # an ipywidgets HTML
PLOT = "img.course-figure"  # a matplotlib figure drawn into an ipywidgets Image (course.core.widgets.figure_image)
BOARD = ".widget-html-content:has(svg)"  # an ipywidgets HTML holding a drawing (SVG)
READOUT = ".widget-html-content:not(:has(svg))"  # an ipywidgets HTML holding text only


@dataclass(frozen=True)
class Control:
    kind: str  # "slider", "toggle", "dropdown" or "button"
    label: str  # its description, as shown next to it (a button's: its text)
    outputs: tuple[str, ...]  # selectors, inside the widget, that must each change
    value: str | None = None  # toggle: the button to press; dropdown: the option to choose
    keys: tuple[str, ...] = ("ArrowRight",)  # slider: the keys pressed on its handle
    trains: bool = False  # it trains a model: exempt from answering within 0.5 s

    def __str__(self) -> str:
        how = {"slider": f"keys {'+'.join(self.keys)}", "button": "click"}.get(self.kind, f"choose {self.value!r}")
        return f"{self.kind} {self.label!r} ({how})"


def slider(label: str, *outputs: str, keys: tuple[str, ...] = ("ArrowRight",)) -> Control:
    return Control("slider", label, outputs, keys=keys)


def toggle(label: str, value: str, *outputs: str) -> Control:
    return Control("toggle", label, outputs, value=value)


def dropdown(label: str, value: str, *outputs: str) -> Control:
    return Control("dropdown", label, outputs, value=value)


def button(text: str, *outputs: str, trains: bool = False) -> Control:
    return Control("button", text, outputs, trains=trains)


@dataclass(frozen=True)
class Widget:
    name: str
    controls: tuple[Control, ...]

    @property
    def label(self) -> str:
        """The description that finds the widget: its first control's."""
        return self.controls[0].label


@dataclass(frozen=True)
class Lesson:
    widgets: tuple[Widget, ...]
    # Widgets photographed after they were moved: the first is docs/gallery/<lesson>.png, the
    # others docs/gallery/<lesson>-<widget>.png.
    gallery: tuple[str, ...]
    run_all_timeout_s: int = 300  # Run All Cells must finish within this

    def widget(self, name: str) -> Widget:
        return next(w for w in self.widgets if w.name == name)


LESSONS: dict[str, Lesson] = {
    # Lesson 01: the builders in course/embeddings/widgets.py.
    "01_embeddings": Lesson(
        widgets=(
            Widget("latent_traversal", tuple(slider(f"z{j}", IMAGE) for j in range(10))),
            # (the caption counts agreeing factors: two sprites or metrics can give the same counts)
            Widget(
                "neighbour_explorer",
                (
                    slider("sprite", IMAGE),
                    toggle("metric", "cosine", IMAGE),
                    toggle("metric", "standardised", IMAGE),
                ),
            ),
            Widget(
                "umap_explorer",
                (
                    dropdown("colour by", "x", CAPTION, PLOT),
                    dropdown("colour by", "colour", CAPTION, PLOT),
                ),
            ),
            # PageUp moves the slider five steps (0.25): twice shows a half-rotated space.
            Widget("rotation_explorer", (slider("rotation", CAPTION, PLOT, keys=("PageUp", "PageUp")),)),
        ),
        gallery=("rotation_explorer", "neighbour_explorer"),
    ),
    # Lesson 02: the builders in course/novelty/widgets.py.
    "02_novelty": Lesson(
        widgets=(
            Widget("episode_player", (slider("step", IMAGE, READOUT, keys=("PageUp",)),)),
            Widget(
                "novelty_explorer",
                (
                    toggle("compare in", "raw pixels", CAPTION, PLOT),
                    slider("k", CAPTION, PLOT, keys=("ArrowLeft", "ArrowLeft", "ArrowLeft")),
                    slider("log10 ε", CAPTION, PLOT, keys=("PageUp",)),
                ),
            ),
        ),
        gallery=("novelty_explorer", "episode_player"),
    ),
    # Lesson 03: the builders in course/compression/glc/widgets.py. Each draws new image panels.
    "03_compression": Lesson(
        widgets=(
            Widget(
                "rate_explorer",
                (
                    dropdown("image", "face 1", IMAGE, CAPTION),
                    slider("rate point", IMAGE, CAPTION),
                ),
            ),
            Widget(
                "experience_explorer",
                (
                    dropdown("trained on", "flowers", IMAGE, CAPTION),
                    dropdown("tested on", "flowers", IMAGE, CAPTION),
                    slider("test image", IMAGE, CAPTION),
                    slider("rate point", IMAGE, CAPTION),
                ),
            ),
            Widget(
                "bit_map_explorer",
                (
                    dropdown("bit map of", "face 1", IMAGE),
                    slider("rate point", IMAGE),
                ),
            ),
            # one file, two decoders: the MSE and generative decodings, JPEG's nearest file, the original
            Widget(
                "perception_explorer",
                (
                    dropdown("face", "face 1", IMAGE, CAPTION),
                    slider("rate point", IMAGE, CAPTION),
                ),
            ),
        ),
        gallery=("rate_explorer", "experience_explorer", "bit_map_explorer"),
    ),
    # Lesson 04: the builders in course/chunking/widgets.py. Their board and readout are both HTML.
    "04_chunking": Lesson(
        widgets=(
            Widget(
                "expertise_explorer",
                (
                    slider("studied", BOARD, READOUT, keys=("ArrowLeft", "ArrowLeft")),  # it starts at the master
                    button("new random position", BOARD, READOUT),
                    button("new real position", BOARD, READOUT),
                ),
            ),
            # the position shows for 5 seconds, then hides; scoring with nothing typed still answers
            Widget(
                "recall_yourself",
                (
                    button("show me a position", BOARD, READOUT),
                    button("score my recall", READOUT),
                ),
            ),
        ),
        gallery=("expertise_explorer",),
    ),
    # Lesson 05: the builders in course/arc/widgets.py.
    "05_compressarc": Lesson(
        widgets=(
            # the record slider starts at the last step of the run, where the guess has settled:
            # go back far enough to reach a different guess
            Widget(
                "run_explorer",
                (
                    slider("record", IMAGE, READOUT, PLOT, keys=("PageDown",) * 6),
                    dropdown("task", "60b61512", IMAGE, READOUT, PLOT),
                ),
            ),
            Widget(
                "puzzle_editor",
                (
                    dropdown("colour", "5", READOUT),
                    # the first HTML in this widget is the brush's swatch, not the readout
                    button("solve", IMAGE, trains=True),  # trains a fresh network on the edited puzzle
                ),
            ),
        ),
        gallery=("run_explorer", "puzzle_editor"),
    ),
    # Lesson 06: the builders in course/dreamer/widgets.py.
    "06_dreamer": Lesson(
        widgets=(
            Widget(
                "dream_viewer",
                (
                    slider("game", IMAGE, CAPTION),
                    slider("start step", IMAGE, CAPTION),
                    dropdown("actions", "always right", IMAGE, CAPTION),
                    # it starts at 9; after "start step" moved to 1 the dream is 8 steps long already
                    slider("horizon", IMAGE, CAPTION, keys=("ArrowLeft", "ArrowLeft")),
                ),
            ),
            Widget("drift_explorer", (slider("steps dreamed", CAPTION, PLOT, keys=("PageUp",)),)),
            Widget(
                "room_viewer",
                (
                    slider("room game", IMAGE, CAPTION, keys=("ArrowRight",) * 4),
                    dropdown("moves", "zigzag", IMAGE, CAPTION),
                ),
            ),
            Widget(
                "goal_viewer",
                (
                    # the goal square is drawn where it is: moving it always changes the picture
                    slider("goal column x", IMAGE, CAPTION),
                    slider("goal row y", IMAGE, CAPTION),
                    slider("goal game", IMAGE, CAPTION),
                ),
            ),
        ),
        gallery=("dream_viewer", "drift_explorer", "room_viewer", "goal_viewer"),
    ),
}


def lessons_to_test() -> dict[str, Lesson]:
    """Every lesson in the table, and every lesson notebook the table lacks (with no widgets)."""
    unlisted = {path.stem: Lesson(widgets=(), gallery=()) for path in NOTEBOOKS.glob("[0-9][0-9]_*.py")}
    return dict(sorted({**unlisted, **LESSONS}.items()))
