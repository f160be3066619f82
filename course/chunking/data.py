"""Lesson 04's data: middle-game positions from historical master games, and random boards.

The games ship in data/chess/ with a SHA256SUMS file; loading checks every file against it, so a
missing or altered game file stops the lesson with a message that names the file and the fix.

A position is a (64,) array of piece codes, square a1 = 0 … h8 = 63 (python-chess numbering):
0 empty, 1–6 white pawn, knight, bishop, rook, queen, king, 7–12 the same for black.
The learner thinks in *items*, a piece on a square: item = (code − 1) · 64 + square, 0 … 767.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course.core.checkpoints import check_shipped_file, read_sha256sums
from course.core.paths import REPO_ROOT, data_dir

PGN_FILES = ("capablanca.pgn", "london1851.pgn")
N_CODES = 13  # empty + 12 kinds of piece
N_ITEMS = 12 * 64
PIECE_LETTERS = "PNBRQKpnbrqk"  # code 1 … 12, as in FEN: upper case white, lower case black

# Chase & Simon's middle-game positions held about 25 pieces; we take positions from the
# middle game (after move 10) with 20–28 pieces on the board.
MIN_PIECES, MAX_PIECES, MIN_PLY = 20, 28, 20
TEST_EVERY = 5  # every 5th game of each file is held out: positions for testing only


class ChessDataError(ValueError):
    """A game file is missing or altered; the message says which and how to restore it."""


def chess_dir() -> Path:
    """data/chess/ under the course data folder. `train --data-dir` points COURSE_DATA_DIR at a
    scratch folder that holds only checkpoints; the shipped games are then read from the repo."""
    folder = data_dir() / "chess"
    return folder if folder.exists() else REPO_ROOT / "data" / "chess"


def verify_chess_files(folder: Path | None = None) -> dict[str, str]:
    """Check every file listed in SHA256SUMS; return {name: sha256} or raise ChessDataError."""
    folder = Path(folder or chess_dir())
    sums = folder / "SHA256SUMS"
    restore = "Restore it with `git checkout -- data/chess/` (the files also sit in ../shared/datasets/chess/)."
    if not sums.exists():
        raise ChessDataError(f"{sums} is missing, so the chess games cannot be checked. {restore}")
    expected = read_sha256sums(sums)
    for name in PGN_FILES:
        if name not in expected:
            raise ChessDataError(f"{sums} does not list {name}. {restore}")
        check_shipped_file(
            folder / name,
            expected[name],
            what="chess game file",
            shipped_as=f"data/chess/{name}",
            restore=restore,
            error=ChessDataError,
        )
    return {name: expected[name] for name in PGN_FILES}


@dataclass(frozen=True)
class Game:
    source: str  # file name
    index: int  # game number within its file, from 0
    white: str
    black: str
    date: str
    plies: np.ndarray  # (n,) ply number of each middle-game position
    boards: np.ndarray  # (n, 64) int8 piece codes, one row per middle-game position

    @property
    def key(self) -> str:
        return f"{self.source}#{self.index}"

    @property
    def held_out(self) -> bool:
        return self.index % TEST_EVERY == TEST_EVERY - 1


def board_array(board) -> np.ndarray:
    """A python-chess board -> (64,) int8 piece codes (read from its bitboards: fast)."""
    import chess

    out = np.zeros(64, dtype=np.int8)
    for code in range(1, 13):
        piece_type, white = (code - 1) % 6 + 1, code <= 6
        for square in chess.scan_forward(board.pieces_mask(piece_type, white)):
            out[square] = code
    return out


def _middle_game_reader():
    """A python-chess PGN visitor that keeps, for the main line of one game, its headers, its
    moves and the middle-game positions, while the parser replays the moves (no second replay)."""
    import chess
    import chess.pgn

    class MiddleGame(chess.pgn.BaseVisitor):
        def begin_game(self):
            self.headers, self.moves, self.plies, self.boards, self.broken = {}, [], [], [], False

        def visit_header(self, tagname, tagvalue):
            self.headers[tagname] = tagvalue

        def begin_variation(self):
            return chess.pgn.SKIP  # side lines are not part of the game

        def visit_move(self, board, move):
            self.moves.append(move.uci())

        def visit_board(self, board):
            n = chess.popcount(board.occupied)
            if not self.broken and board.ply() >= MIN_PLY and MIN_PIECES <= n <= MAX_PIECES:
                self.plies.append(board.ply())
                self.boards.append(board_array(board))

        def handle_error(self, error):
            self.broken = True  # an unreadable move ends the game score there

        def result(self):
            return self

    return MiddleGame


def _repeats(move_lists: list[tuple]) -> set[int]:
    """Games that reach the middle game and whose moves repeat an earlier game's or are the start of
    a longer game's (a score copied twice, once cut short). Sorting puts such a prefix right
    before a game that extends it."""
    order = sorted(range(len(move_lists)), key=lambda i: (move_lists[i], -i))
    return {
        a
        for a, b in zip(order, order[1:])
        if len(move_lists[a]) >= MIN_PLY and move_lists[b][: len(move_lists[a])] == move_lists[a]
    }


@functools.lru_cache(maxsize=4)
def _parse(path: str, sha256: str) -> tuple[Game, ...]:
    """Parse one PGN file (about a second for both files). Cached per file content."""
    import chess.pgn

    handle = io.StringIO(Path(path).read_text(encoding="utf-8", errors="replace"))
    reader, parsed = _middle_game_reader(), []
    while (game := chess.pgn.read_game(handle, Visitor=reader)) is not None:
        parsed.append(game)
    # the same game twice would put its positions on both sides of the hold-out split
    repeats = _repeats([tuple(game.moves) for game in parsed])
    return tuple(
        Game(
            Path(path).name,
            index,
            game.headers.get("White", "?"),
            game.headers.get("Black", "?"),
            game.headers.get("Date", "?"),
            np.array(game.plies, dtype=np.int32),
            np.array(game.boards, dtype=np.int8).reshape(-1, 64),
        )
        for index, game in enumerate(parsed)
        if index not in repeats
    )


def load_games(folder: Path | None = None) -> list[Game]:
    """Every game of both files (checksums verified first), in file order."""
    folder = Path(folder or chess_dir())
    digests = verify_chess_files(folder)
    return [game for name in PGN_FILES for game in _parse(str(folder / name), digests[name])]


def split_games(games: list[Game]) -> tuple[list[Game], list[Game]]:
    """(learning games, held-out games): a game's positions are never on both sides."""
    return [g for g in games if not g.held_out], [g for g in games if g.held_out]


def learning_boards(games: list[Game]) -> np.ndarray:
    """All middle-game positions of the given games, game after game, ply after ply."""
    return np.concatenate([g.boards for g in games if len(g.boards)])


def sample_boards(games: list[Game], per_game: int, seed: int) -> np.ndarray:
    """Up to `per_game` positions from each game, drawn without replacement (seeded)."""
    rng = np.random.default_rng(seed)
    picks = [
        g.boards[np.sort(rng.choice(len(g.boards), min(per_game, len(g.boards)), replace=False))]
        for g in games
        if len(g.boards)
    ]
    return np.concatenate(picks)


def random_board(board: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The same pieces on random squares, as in Chase & Simon's random positions."""
    pieces = board[board > 0]
    out = np.zeros(64, dtype=np.int8)
    out[rng.choice(64, size=len(pieces), replace=False)] = pieces
    return out


def random_boards(boards: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([random_board(b, rng) for b in boards])


# ---------------------------------------------------------------- items: a piece on a square


def board_items(board: np.ndarray) -> tuple[int, ...]:
    """The items of a board, ascending: item = (code − 1) · 64 + square."""
    squares = np.flatnonzero(board)
    return tuple(sorted((int(board[s]) - 1) * 64 + int(s) for s in squares))


def items_board(items) -> np.ndarray:
    board = np.zeros(64, dtype=np.int8)
    for item in items:
        board[item % 64] = item // 64 + 1
    return board


def item_name(item: int) -> str:
    """'Kg1' for the white king on g1, 'pe5' for a black pawn on e5."""
    import chess

    return PIECE_LETTERS[item // 64] + chess.square_name(item % 64)


def parse_item(text: str) -> int:
    """'Kg1' -> item; upper-case letter white, lower-case black (FEN letters)."""
    import chess

    text = text.strip()
    if len(text) != 3 or text[0] not in PIECE_LETTERS or text[1:] not in chess.SQUARE_NAMES:
        raise ValueError(
            f"cannot read {text!r}: write a piece letter (KQRBNP white, kqrbnp black) and a square, e.g. Kg1 or pe5"
        )
    return PIECE_LETTERS.index(text[0]) * 64 + chess.SQUARE_NAMES.index(text[1:])


def to_chess_board(board: np.ndarray):
    """(64,) piece codes -> python-chess BaseBoard (for pictures and attack maps)."""
    import chess

    out = chess.BaseBoard.empty()
    for square in np.flatnonzero(board):
        code = int(board[square])
        out.set_piece_at(int(square), chess.Piece((code - 1) % 6 + 1, code <= 6))
    return out
