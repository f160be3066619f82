"""Interactive views for Lesson 04.

Each view is a plain function that computes what to show (tested on its own) and a small
ipywidgets builder that calls it when a control moves. Builders return the container widget;
its `.controls` and `.views` attributes let tests move a control and see the output change.
"""

from __future__ import annotations

import asyncio
import re
import threading

import ipywidgets as W
import numpy as np

from course.chunking.chunks import EXPERTISE, ChunkLevels
from course.chunking.compression import PLAIN_BITS, ChunkCode
from course.chunking.data import board_items, item_name, parse_item, random_board, to_chess_board
from course.chunking.recall import RecallTrial, simulate_recall
from course.core.widgets import widget_box

CHUNK_COLOURS = [
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42d4f4",
    "#f032e6",
    "#9a6324",
    "#469990",
    "#808000",
]
SQUARE, MARGIN = 45, 15  # python-chess SVG geometry (with coordinates, without borders)

# ---------------------------------------------------------------- plain functions


def _outline(squares: set[int], colour: str, dashed: bool = False, width: int = 4) -> list[str]:
    """SVG line segments around the union of `squares` (edges not shared by two of them)."""
    lines = []
    style = 'stroke-dasharray="6,6" stroke-linecap="butt"' if dashed else 'stroke-linecap="square"'
    for square in squares:
        x, y = MARGIN + square % 8 * SQUARE, MARGIN + (7 - square // 8) * SQUARE
        sides = {
            8: (x, y, x + SQUARE, y),
            -8: (x, y + SQUARE, x + SQUARE, y + SQUARE),
            -1: (x, y, x, y + SQUARE),
            1: (x + SQUARE, y, x + SQUARE, y + SQUARE),
        }
        for step, (x1, y1, x2, y2) in sides.items():
            neighbour = square + step
            same_row = step in (8, -8) or neighbour // 8 == square // 8
            if not (0 <= neighbour < 64 and same_row and neighbour in squares):
                lines.append(
                    f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" stroke-width="{width}" {style}/>'
                )
    return lines


def board_svg(board: np.ndarray | None, chunks=(), faded=(), lone=(), size: int = 340) -> str:
    """A python-chess picture of `board` (None: an empty board) with each chunk tinted and
    outlined in its own colour; `faded` chunks are outlined with dashes, `lone` pieces (items)
    with a thin black frame."""
    import chess.svg

    groups = [(set(i % 64 for i in c), False) for c in chunks] + [(set(i % 64 for i in c), True) for c in faded]
    fill = {}
    for n, (squares, dashed) in enumerate(groups):
        fill.update(dict.fromkeys(squares, CHUNK_COLOURS[n % len(CHUNK_COLOURS)] + ("33" if dashed else "55")))
    svg = chess.svg.board(to_chess_board(board) if board is not None else chess.BaseBoard.empty(), fill=fill, size=size)
    lines = [
        line
        for n, (squares, dashed) in enumerate(groups)
        for line in _outline(squares, CHUNK_COLOURS[n % len(CHUNK_COLOURS)], dashed)
    ]
    lines += [line for item in lone for line in _outline({item % 64}, "#000000", width=2)]
    return svg.replace("</svg>", "".join(lines) + "</svg>")


def level_label(levels: ChunkLevels, level: int) -> str:
    names = [name for name in EXPERTISE if levels.level_of(name) == level]
    return f"{level:,} positions" + (f" ({', '.join(names)})" if names else "")


def perceive(levels: ChunkLevels, level: int, board: np.ndarray, seed: int = 0) -> dict:
    """What a learner of this level does with `board`: a simulated 5-second recall trial and the
    bits its chunk code needs for the position."""
    trial = simulate_recall(levels.vocabulary(level), board, np.random.default_rng(seed))
    return {"trial": trial, "bits": ChunkCode.at(levels, level).bits(board), "chunks": levels.n_chunks(level)}


def chunk_sets(trial: RecallTrial) -> dict[str, list]:
    """What a trial leaves: chunks still in STM, chunks seen but pushed out, lone pieces in STM —
    the keyword arguments of `board_svg`."""
    kept = [u for u in trial.kept if len(u) > 1]
    return {
        "chunks": kept,
        "faded": [u for u in dict.fromkeys(trial.seen) if len(u) > 1 and u not in kept],
        "lone": [next(iter(u)) for u in trial.kept if len(u) == 1],
    }


def parse_placements(text: str) -> frozenset:
    """'Kg1 Rf1, pe5' -> the items typed. Raises ValueError naming the first unreadable entry."""
    return frozenset(parse_item(token) for token in re.split(r"[\s,;]+", text.strip()) if token)


def score_placements(board: np.ndarray, placed) -> dict:
    """Chase & Simon's score: the share of the board's pieces placed on their squares."""
    truth = set(board_items(board))
    correct = truth & set(placed)
    return {
        "correct": len(correct),
        "wrong": len(set(placed) - truth),
        "missed": len(truth - correct),
        "share": len(correct) / len(truth),
    }


# ---------------------------------------------------------------- widget builders


def expertise_explorer(levels: ChunkLevels, real_boards: np.ndarray, seed: int = 0):
    """A board with the chunks a learner sees outlined; slide expertise, draw new positions."""
    options = [(level_label(levels, int(level)), int(level)) for level in levels.levels]
    expertise = W.SelectionSlider(
        options=options,
        value=levels.level_of("master"),
        description="studied",
        continuous_update=False,
        readout=False,
        layout=W.Layout(width="560px"),
    )
    # the level's long name does not fit the slider's own readout: it leads the text below instead
    buttons = {"layout": W.Layout(width="190px")}
    real_button = W.Button(description="new real position", **buttons)
    random_button = W.Button(description="new random position", **buttons)
    board_view, readout = W.HTML(), W.HTML()
    rng = np.random.default_rng(seed)
    state = {"board": real_boards[0], "kind": "real"}

    def update(_=None):
        seen = perceive(levels, expertise.value, state["board"], seed)
        board_view.value = board_svg(state["board"], **chunk_sets(seen["trial"]))
        readout.value = (
            f"<b>{expertise.label}</b> · {state['kind']} position · learner knows <b>{seen['chunks']:,}</b> chunks · recalls "
            f"<b>{seen['trial'].share:.0%}</b> of {seen['trial'].n_pieces} pieces from {len(seen['trial'].kept)} "
            f"units in STM · chunk code <b>{seen['bits']:.0f} bits</b> (plain code {PLAIN_BITS:.0f})<br>"
            "coloured outlines: chunks still in STM after 5 s; dashed: chunks seen, then pushed out; "
            "thin black frames: lone pieces in STM"
        )

    def new_position(kind):
        real = real_boards[rng.integers(len(real_boards))]
        state["board"], state["kind"] = (real if kind == "real" else random_board(real, rng)), kind
        update()

    expertise.observe(update, "value")
    real_button.on_click(lambda _: new_position("real"))
    random_button.on_click(lambda _: new_position("random"))
    update()
    return widget_box(
        [expertise, W.HBox([real_button, random_button]), board_view, readout],
        [expertise, real_button, random_button],
        [board_view, readout],
    )


def _later(seconds: float, action) -> None:
    """Run `action` after `seconds` without blocking the notebook."""
    try:
        asyncio.get_running_loop().call_later(seconds, action)
    except RuntimeError:  # no event loop running (plain Python): a timer thread
        threading.Timer(seconds, action).start()


def recall_yourself(levels: ChunkLevels, real_boards: np.ndarray, seconds: float = 5.0, seed: int = 1, schedule=_later):
    """Chase & Simon's task for you: a position shows for 5 seconds, then type what you remember."""
    show = W.Button(description="show me a position", button_style="primary")
    kind = W.ToggleButtons(options=["real", "random"], description="position")
    answer = W.Textarea(
        placeholder="e.g. Kg1 Rf1 Pf2 Pg2 Ph2 kg8 pf7 … (upper case white, lower case black)",
        layout=W.Layout(width="560px", height="70px"),
    )
    score = W.Button(description="score my recall")
    board_view, readout = W.HTML(board_svg(None)), W.HTML("Press the button, look for 5 seconds, then type.")
    rng = np.random.default_rng(seed)
    state = {"board": None}

    def hide():
        board_view.value = board_svg(None)
        readout.value = "Time is up: type the pieces you remember, then press “score my recall”."

    def on_show(_=None):
        real = real_boards[rng.integers(len(real_boards))]
        state["board"] = real if kind.value == "real" else random_board(real, rng)
        board_view.value = board_svg(state["board"])
        readout.value = f"Memorise this {kind.value} position: {seconds:.0f} seconds…"
        answer.value = ""
        schedule(seconds, hide)

    def on_score(_=None):
        if state["board"] is None:
            readout.value = "Press “show me a position” first."
            return
        try:
            placed = parse_placements(answer.value)
        except ValueError as err:
            readout.value = f"⚠ {err}"
            return
        you = score_placements(state["board"], placed)
        simulated = {name: perceive(levels, levels.level_of(name), state["board"])["trial"].share for name in EXPERTISE}
        board_view.value = board_svg(state["board"], [frozenset(set(board_items(state["board"])) & placed)])
        readout.value = (
            f"You placed <b>{you['correct']}</b> of {you['correct'] + you['missed']} pieces correctly "
            f"(<b>{you['share']:.0%}</b>), {you['wrong']} wrongly. Simulated on this position: "
            + ", ".join(f"{name} {share:.0%}" for name, share in simulated.items())
            + ". Outlined: the pieces you placed correctly."
        )

    show.on_click(on_show)
    score.on_click(on_score)
    return widget_box(
        [W.HBox([kind, show]), board_view, answer, score, readout], [kind, show, answer, score], [board_view, readout]
    )


def describe_units(units) -> str:
    """'Kg1+Pf2+Pg2 | Ra1' : a readable list of units, largest first."""
    ordered = sorted(units, key=lambda u: (-len(u), sorted(u)))
    return " | ".join("+".join(item_name(i) for i in sorted(u)) for u in ordered)
