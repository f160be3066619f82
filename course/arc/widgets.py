"""Interactive views for Lesson 05: coloured grids, a run explorer and a puzzle editor.

Each view is a plain function that computes what to show (tested on its own) and a small
ipywidgets builder that calls it when a control moves. Builders return the container widget;
its `.controls` and `.views` attributes let tests move a control and see the output change.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from course.arc.data import Task, task_from_dict
from course.arc.solver import SolverConfig, solve
from course.core.widgets import figure_image, figure_png, to_png, widget_box

# ARC's usual palette: 0 black, 1 blue, 2 red, 3 green, 4 yellow, 5 grey, 6 magenta, 7 orange, 8 azure, 9 maroon
PALETTE = ["#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00", "#AAAAAA", "#F012BE", "#FF851B", "#7FDBFF", "#870C25"]
CMAP = ListedColormap(PALETTE)
RGB = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in PALETTE], dtype=np.uint8)

# ---------------------------------------------------------------- plain functions


def grid_pixels(grid: np.ndarray, cell: int = 12) -> np.ndarray:
    """(H, W) colours → (H·cell, W·cell, 3) uint8 picture with a thin grey line between cells."""
    grid = np.asarray(grid)
    picture = RGB[grid].repeat(cell, 0).repeat(cell, 1)
    picture[::cell, :] = picture[:, ::cell] = 60
    return picture


def strip_pixels(grids: list[np.ndarray], cell: int = 12, gap: int = 10) -> np.ndarray:
    """Grids side by side, top-aligned, on a white background."""
    pictures = [grid_pixels(g, cell) for g in grids]
    height = max(p.shape[0] for p in pictures)
    width = sum(p.shape[1] for p in pictures) + gap * (len(pictures) - 1)
    strip = np.full((height, width, 3), 255, np.uint8)
    x = 0
    for p in pictures:
        strip[: p.shape[0], x : x + p.shape[1]] = p
        x += p.shape[1] + gap
    return strip


def show_task(task: Task, answers: list[np.ndarray] | None = None, title: str = "", axes_size: float = 1.3):
    """A matplotlib figure: one column per pair (input above output); the test column shows the
    true output if known, and `answers` (one per test input) in a third row."""
    truths: list[np.ndarray | None] = list(task.test_outputs or [None] * len(task.test_inputs))
    pairs: list[tuple[np.ndarray, np.ndarray | None]] = [*zip(task.train_inputs, task.train_outputs)]
    pairs += zip(task.test_inputs, truths)
    rows = 3 if answers is not None else 2
    fig, axes = plt.subplots(rows, len(pairs), figsize=(axes_size * len(pairs), axes_size * rows), squeeze=False)
    for j, (grid_in, grid_out) in enumerate(pairs):
        test = j >= task.n_train
        label = f"test {j - task.n_train + 1}" if test else f"example {j + 1}"
        for i, (grid, name) in enumerate([(grid_in, "input"), (grid_out, "output")]):
            draw_grid(axes[i, j], grid, f"{label} {name}" if i == 0 else ("true output" if test else "output"))
        if answers is not None:
            guess = answers[j - task.n_train] if test and j - task.n_train < len(answers) else None
            draw_grid(axes[2, j], guess, "solver's answer" if guess is not None else "")
    fig.suptitle(title or task.name, fontsize=10)
    fig.tight_layout()
    return fig


def draw_grid(ax, grid, title: str = "") -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    if grid is None:
        ax.axis("off")
        return
    grid = np.asarray(grid)
    ax.imshow(grid, cmap=CMAP, vmin=0, vmax=9, interpolation="nearest")
    ax.set_xticks(np.arange(-0.5, grid.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, grid.shape[0]), minor=True)
    ax.grid(which="minor", color="#444444", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    ax.set_title(title, fontsize=7)


def run_frame(run, index: int) -> dict:
    """What the run explorer shows at record `index`: the guess and the bits at that step."""
    index = int(np.clip(index, 0, len(run.guesses) - 1))
    c = run.curves
    return {
        "step": int(c["step"][index]),
        "guess": run.guesses[index],
        "rate_bits": float(c["rate_bits"][index]),
        "outputs_bits": float(c["outputs_bits"][index]),
        "answer_bits": float(c["answer_bits"][index]),
        "train_cells_wrong": int(c["train_cells_wrong"][index]),
    }


def puzzle_from_grids(train_inputs, train_outputs, test_input) -> Task:
    """A user's puzzle (lists of rows) → a validated Task with no known answer."""
    return task_from_dict(
        {
            "train": [
                {"input": np.asarray(i).tolist(), "output": np.asarray(o).tolist()}
                for i, o in zip(train_inputs, train_outputs)
            ],
            "test": [{"input": np.asarray(test_input).tolist()}],
        },
        "your puzzle",
    )


# ---------------------------------------------------------------- widget builders


def run_explorer(runs: dict, tasks: dict[str, Task]):
    """Pick a recorded run and move through its steps: the guess, and the description length."""
    names = list(runs)
    task_menu = W.Dropdown(options=names, value=names[0], description="task")
    step = W.IntSlider(
        value=0,
        min=0,
        max=len(runs[names[0]].guesses) - 1,
        description="record",
        continuous_update=False,
        layout=W.Layout(width="500px"),
    )
    image = W.Image(format="png")
    readout = W.HTML()
    plot = figure_image()
    curves: dict[str, tuple[Any, Any]] = {}  # task → (its description-length figure, the step marker)

    def curve_figure(name: str) -> tuple[Any, Any]:
        """The run's curves are drawn once per task; a move of the record slider moves the marker."""
        if name not in curves:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            run, c = runs[name], runs[name].curves
            fig = Figure(figsize=(6, 2.8))
            ax = fig.subplots()
            ax.plot(c["step"], c["rate_bits"] + c["outputs_bits"], label="examples: rate + outputs")
            ax.plot(c["step"], c["answer_bits"], label="the true answer")
            marker = ax.axvline(0, color="grey", linestyle=":")
            ax.set(yscale="symlog", xlabel="training step", ylabel="bits", title=f"description length, {run.task}")
            ax.legend(fontsize=8)
            fig.tight_layout()
            FigureCanvasAgg(fig).draw()  # once now: later drawings reuse the layout of its texts
            curves[name] = fig, marker
        return curves[name]

    def draw(_=None):
        if switching:
            return
        run, task = runs[task_menu.value], tasks[task_menu.value]
        frame = run_frame(run, step.value)
        truth = task.test_outputs[0]
        image.value = to_png(strip_pixels([task.test_inputs[0], frame["guess"][0], truth], cell=14))
        right = frame["guess"][0].shape == truth.shape and np.array_equal(frame["guess"][0], truth)
        readout.value = (
            f"step <b>{frame['step']}</b> · test input, guess, true output · guess is "
            f"<b>{'right' if right else 'wrong'}</b><br>rate (latent code) <b>{frame['rate_bits']:.1f}</b> bits · "
            f"train outputs given inputs <b>{frame['outputs_bits']:.1f}</b> bits "
            f"({frame['train_cells_wrong']} cells wrong) · the true answer <b>{frame['answer_bits']:.1f}</b> bits"
        )
        fig, marker = curve_figure(task_menu.value)
        marker.set_xdata([frame["step"], frame["step"]])
        plot.value = figure_png(fig)

    def new_task(_=None):
        nonlocal switching
        switching = True  # one drawing for the new task, not one per change of the slider's range
        try:
            step.max = len(runs[task_menu.value].guesses) - 1
            step.value = step.max
        finally:
            switching = False
        draw()

    switching = False
    for name in names:  # every task's curves now: choosing a task then answers at once
        curve_figure(name)
    task_menu.observe(new_task, "value")
    step.observe(draw, "value")
    new_task()
    return widget_box([task_menu, step, image, readout, plot], [task_menu, step], [image, readout, plot])


class GridEditor:
    """A grid of buttons; a click paints the cell with the chosen colour."""

    def __init__(self, grid: np.ndarray, brush: W.Dropdown, title: str):
        self.grid = np.array(grid, dtype=np.int64)
        self.brush = brush
        self.buttons = []
        for r in range(self.grid.shape[0]):
            for c in range(self.grid.shape[1]):
                b = W.Button(layout=W.Layout(width="22px", height="22px", padding="0", margin="0"))
                b.on_click(lambda _, r=r, c=c: self.paint(r, c))
                self.buttons.append(b)
        self._refresh()
        columns = f"repeat({self.grid.shape[1]}, 22px)"
        grid_box = W.GridBox(self.buttons, layout=W.Layout(grid_template_columns=columns, grid_gap="1px"))
        self.widget = W.VBox([W.HTML(f"<small>{title}</small>"), grid_box])

    def paint(self, r: int, c: int) -> None:
        self.grid[r, c] = self.brush.value
        self._refresh()

    def _refresh(self) -> None:
        for b, colour in zip(self.buttons, self.grid.ravel()):
            b.style.button_color = PALETTE[colour]


DEFAULT_PUZZLE: dict[str, Any] = {  # recolour every blue cell red; the solver should get it
    "train_inputs": [
        [[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0]],
        [[0, 0, 0, 0], [1, 1, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0]],
    ],
    "train_outputs": [
        [[2, 0, 0, 2], [0, 2, 0, 0], [0, 0, 2, 0], [2, 0, 0, 0]],
        [[0, 0, 0, 0], [2, 2, 0, 0], [0, 0, 0, 2], [0, 2, 0, 0]],
    ],
    "test_input": [[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 1, 0], [0, 0, 0, 0]],
}


def puzzle_editor(seconds: float = 20.0, puzzle: dict | None = None):
    """Paint two example pairs and a test input (4×4), then let the solver try the puzzle."""
    puzzle = puzzle or DEFAULT_PUZZLE
    brush = W.Dropdown(options=[(f"{i}", i) for i in range(10)], value=2, description="colour")
    swatch = W.HTML()

    def show_brush(_=None):
        swatch.value = (
            f"<span style='background:{PALETTE[brush.value]};padding:0 12px;border:1px solid #444'>&nbsp;</span>"
        )

    brush.observe(show_brush, "value")
    show_brush()
    editors_in = [GridEditor(g, brush, f"example {i + 1} input") for i, g in enumerate(puzzle["train_inputs"])]
    editors_out = [GridEditor(g, brush, f"example {i + 1} output") for i, g in enumerate(puzzle["train_outputs"])]
    editor_test = GridEditor(puzzle["test_input"], brush, "test input")
    budget = W.FloatSlider(value=seconds, min=1.0, max=60.0, step=1.0, description="seconds")
    button = W.Button(description="solve", button_style="primary")
    answer = W.Image(format="png")
    readout = W.HTML("paint the grids, then press <b>solve</b>")

    def run(_=None):
        task = puzzle_from_grids([e.grid for e in editors_in], [e.grid for e in editors_out], editor_test.grid)
        readout.value = "solving…"
        result = solve(task, SolverConfig(seconds=budget.value))
        attempts = result.attempts[0]
        answer.value = to_png(strip_pixels(attempts or [np.zeros((1, 1), int)], cell=20))
        last = result.history[-1] if result.history else None
        bits = f"; examples cost {last['rate_bits'] + last['outputs_bits']:.1f} bits at the end" if last else ""
        readout.value = (
            f"{len(attempts)} attempt(s) after {result.steps} steps in {result.seconds:.1f} s "
            f"(output shape: {result.shape_rule}){bits}"
        )

    button.on_click(run)
    pairs = W.HBox(
        [W.VBox([a.widget, b.widget]) for a, b in zip(editors_in, editors_out)] + [editor_test.widget],
        layout=W.Layout(grid_gap="16px"),
    )
    box = widget_box(
        [W.HBox([brush, swatch]), pairs, W.HBox([budget, button]), readout, answer],
        [brush, budget, button],
        [readout, answer],
    )
    box.editors = editors_in + editors_out + [editor_test]
    return box
