"""Lesson 04 end to end: the games, the chunk learner, the recall task, the codes, the widgets,
the exercises and the lesson's claims on the shipped checkpoints."""

import math
import shutil

import numpy as np
import pytest
import torch

from course.chunking import analysis, checks, widgets
from course.chunking import data as D
from course.chunking.chunks import (
    ChunkLearner,
    ChunkLevels,
    ChunkVocabulary,
    in_view,
    load_chunk_levels,
    pack_chunks,
    unpack_chunks,
)
from course.chunking.compression import PLAIN_BITS, ChunkCode, MadeConfig, PositionMADE, set_code_bits
from course.chunking.recall import remember, simulate_recall, slots_needed
from course.core.checking import ExerciseCheckFailed

I = D.parse_item  # noqa: E741  — "Kg1" -> item, to write small positions by hand


def board_of(*names):
    return D.items_board([I(n) for n in names])


# ---------------------------------------------------------------- data


@pytest.fixture(scope="module")
def games():
    return D.load_games()


def test_games_load_with_middle_game_positions(games):
    assert len(games) == 847  # 597 + 251 games; one London game is in the file twice (once cut short)
    boards = D.learning_boards(games)
    pieces = (boards > 0).sum(1)
    assert pieces.min() >= D.MIN_PIECES and pieces.max() <= D.MAX_PIECES
    assert ((boards == 6).sum(1) == 1).all() and ((boards == 12).sum(1) == 1).all()  # one king each
    assert min(g.plies.min() for g in games if len(g.plies)) >= D.MIN_PLY


def test_holdout_split_shares_no_game(games):
    learn, held_out = D.split_games(games)
    assert {g.key for g in learn}.isdisjoint({g.key for g in held_out})
    assert len(learn) + len(held_out) == len(games) and 0.15 < len(held_out) / len(games) < 0.25
    learned = {g.boards.tobytes() for g in learn}  # and no held-out game repeats a learning game
    assert not any(g.boards.tobytes() in learned for g in held_out if len(g.boards))


@pytest.fixture
def chess_copy(tmp_path):
    folder = tmp_path / "chess"
    shutil.copytree(D.REPO_ROOT / "data" / "chess", folder)
    return folder


def test_missing_game_file_names_file_and_fix(chess_copy):
    (chess_copy / "london1851.pgn").unlink()
    with pytest.raises(D.ChessDataError, match="london1851.pgn is missing") as err:
        D.load_games(chess_copy)
    assert "git checkout -- data/chess/" in str(err.value)


def test_altered_game_file_is_refused(chess_copy):
    path = chess_copy / "capablanca.pgn"
    path.write_text(path.read_text().replace("Capablanca", "Kapablanka", 1))
    with pytest.raises(D.ChessDataError, match="capablanca.pgn is altered") as err:
        D.load_games(chess_copy)
    assert "git checkout -- data/chess/capablanca.pgn" in str(err.value)


def test_missing_checksum_file(chess_copy):
    (chess_copy / "SHA256SUMS").unlink()
    with pytest.raises(D.ChessDataError, match="SHA256SUMS is missing"):
        D.verify_chess_files(chess_copy)


def test_random_board_moves_the_same_pieces(games):
    board = games[0].boards[0]
    shuffled = D.random_board(board, np.random.default_rng(0))
    assert sorted(board[board > 0]) == sorted(shuffled[shuffled > 0])
    assert not np.array_equal(board, shuffled)


def test_items_round_trip():
    board = board_of("Kg1", "Pf2", "pe5", "kg8")
    assert [D.item_name(i) for i in D.board_items(board)] == ["Pf2", "Kg1", "pe5", "kg8"]
    assert np.array_equal(D.items_board(D.board_items(board)), board)
    with pytest.raises(ValueError, match="cannot read 'Xz9'"):
        D.parse_item("Xz9")


# ---------------------------------------------------------------- the chunk learner


def test_parse_joins_pieces_into_known_chunks_oldest_first():
    a, b, c, d = I("Pf2"), I("Pg2"), I("Ph2"), I("Kg1")
    vocabulary = ChunkVocabulary([{a, b}, {a, b, c}])
    assert set(vocabulary.parse([a, b, c, d])) == {frozenset({a, b, c}), frozenset({d})}
    older_first = ChunkVocabulary([{b, c}, {a, b}])
    assert set(older_first.parse([a, b, c])) == {frozenset({b, c}), frozenset({a})}
    assert set(ChunkVocabulary().parse([a, b])) == {frozenset({a}), frozenset({b})}


def test_field_of_view_is_five_by_five():
    items = [I("Kg1"), I("Pe3"), I("Pd4"), I("ph7")]
    assert in_view(items, I("Kg1"), 2) == [I("Kg1"), I("Pe3")]


def test_learner_makes_a_chunk_of_related_pieces_seen_in_two_games():
    castle = board_of("Kg1", "Pf2", "Pg2", "Ph2", "Rf1", "kg8", "pa7", "pc7")
    learner, rng = ChunkLearner(theta=2), np.random.default_rng(0)
    learner.start_game()
    for _ in range(5):  # however often, one game is not enough
        learner.study(castle, rng)
    assert len(learner.vocabulary) == 0
    learner.start_game()
    learner.study(castle, rng)
    chunks = learner.vocabulary.chunks
    assert chunks and all(len(c) >= 2 for c in chunks)
    assert frozenset({I("Kg1"), I("Pg2")}) in set(chunks) or any({I("Kg1"), I("Pg2")} <= c for c in chunks)
    # pa7 and pc7: two squares apart, neither attacks the other's square: never joined
    assert not any({I("pa7"), I("pc7")} <= c for c in chunks)
    assert learner.born == [6] * len(chunks)


def test_chunks_pack_into_integer_tensors():
    chunks = [frozenset({1, 2}), frozenset({700, 5, 9})]
    packed = pack_chunks(chunks)
    assert packed.dtype == torch.int16 and packed.shape == (2, 3)
    assert unpack_chunks(packed) == chunks


# ---------------------------------------------------------------- recall


def test_remember_never_exceeds_the_slots():
    rng = np.random.default_rng(0)
    units = [frozenset(range(k, k + int(n))) for k, n in enumerate(rng.integers(1, 4, 40) * 1)]
    for slots in range(2, 10):
        kept = remember(units, slots)
        assert sum(slots_needed(u) for u in kept) <= slots
        assert kept == units[len(units) - len(kept) :]  # the most recent units


def test_recall_is_bounded_by_stm_and_glances(games):
    board = games[0].boards[0]
    n = int((board > 0).sum())
    novice, rng = ChunkVocabulary(), np.random.default_rng(0)
    assert simulate_recall(novice, board, rng).share == pytest.approx(3 / n)  # 7 slots, 2 per lone piece
    assert simulate_recall(novice, board, rng, slots=1).share == 0.0
    assert simulate_recall(novice, board, rng, glances=0).share == 0.0
    levels = load_chunk_levels()
    trial = simulate_recall(levels.vocabulary("master"), board, rng, glances=2)
    assert len(trial.kept) <= 2 and trial.placed <= set(D.board_items(board))
    assert trial.share <= sum(len(u) for u in trial.kept) / n


# ---------------------------------------------------------------- bits


def test_set_code_bits_and_plain_code():
    assert set_code_bits([0.5]) == pytest.approx(1.0)
    assert set_code_bits([0.25, 0.25]) == pytest.approx(3.0)
    assert set_code_bits([0.5] * 3) == pytest.approx(3 - math.log2(6))
    assert PLAIN_BITS == pytest.approx(64 * math.log2(13))


def test_chunk_code_with_no_experience_is_uniform():
    a, b, c = I("Pf2"), I("Pg2"), I("Kg1")
    vocabulary = ChunkVocabulary([{a, b}])
    code = ChunkCode(vocabulary, np.zeros(1 + 768 + 1))
    alphabet = 770  # one chunk, 768 lone items, end of board: all equally likely
    assert code.bits(D.items_board([a, b, c])) == pytest.approx(3 * math.log2(alphabet) - 1)


def test_chunk_code_rewards_familiar_chunks():
    a, b, c = I("Pf2"), I("Pg2"), I("Kg1")
    counts = np.zeros(1 + 768 + 1)
    counts[0], counts[-1] = 50, 50  # the chunk was used in every one of 50 studied boards
    code = ChunkCode(ChunkVocabulary([{a, b}]), counts)
    assert code.bits(D.items_board([a, b])) < code.bits(D.items_board([a, c]))


def test_made_is_autoregressive_and_gives_finite_bits():
    model = PositionMADE(MadeConfig(hidden=32)).eval()
    boards = torch.zeros(2, 64, dtype=torch.long)
    boards[1, 10] = 5
    logits = model.logits(boards)
    assert torch.allclose(logits[0, :11], logits[1, :11])  # squares up to 10 cannot see square 10
    bits = model.nll_bits(boards)
    assert bits.shape == (2,) and torch.isfinite(bits).all() and (bits > 0).all()


# ---------------------------------------------------------------- shipped checkpoints: the lesson's claims


@pytest.fixture(scope="module")
def levels():
    return load_chunk_levels()


@pytest.fixture(scope="module")
def bench():
    return analysis.bench()


def test_bench_keys(bench):
    assert set(bench) == {
        "recall_master_real",
        "recall_classa_real",
        "recall_novice_real",
        "recall_master_random",
        "recall_novice_random",
        "chunks_master",
        "bits_real_master",
        "bits_random_master",
        "bits_real_plain",
        "nll_bits_real",
        "nll_bits_random",
    }


def test_master_recalls_real_positions_not_random_ones(bench):
    assert bench["recall_master_real"] >= 0.6
    assert bench["recall_master_real"] >= 3 * bench["recall_novice_real"]
    assert bench["recall_novice_real"] < bench["recall_classa_real"] < bench["recall_master_real"]
    assert bench["recall_master_random"] <= 1.3 * bench["recall_novice_random"]
    assert bench["recall_master_random"] <= 0.25


def test_chunks_compress_real_positions_not_random_ones(bench):
    assert bench["bits_random_master"] >= 2 * bench["bits_real_master"]
    assert bench["bits_real_master"] < bench["bits_real_plain"]
    assert bench["nll_bits_random"] > bench["nll_bits_real"]


def test_expertise_levels_grow(levels):
    counts = [levels.n_chunks(int(level)) for level in levels.levels]
    assert counts == sorted(counts) and counts[0] == 0
    assert levels.n_chunks("novice") < levels.n_chunks("class A") < levels.n_chunks("master")
    assert len(levels.counts("novice")) == levels.n_chunks("novice") + 768 + 1


@pytest.mark.slow
def test_quick_training_writes_loadable_vocabularies(tmp_data_dir):
    from course.lessons import train_model

    result = train_model("chess_chunks", quick=True)
    assert result["positions_studied"] == 400
    quick = load_chunk_levels()
    assert isinstance(quick, ChunkLevels) and quick.level_of("master") == 400


# ---------------------------------------------------------------- widgets


def test_widget_callbacks(levels, games):
    board = games[0].boards[5]
    seen = widgets.perceive(levels, levels.level_of("master"), board)
    assert seen["chunks"] == levels.n_chunks("master") and 0 < seen["trial"].share <= 1
    shown = widgets.chunk_sets(seen["trial"])
    assert all(len(c) > 1 for c in shown["chunks"] + shown["faded"])
    assert len(shown["chunks"]) + len(shown["lone"]) == len(seen["trial"].kept)
    svg = widgets.board_svg(board, **shown)
    assert svg.startswith("<svg") and "<line" in svg
    assert "<line" not in widgets.board_svg(board)
    assert widgets.parse_placements("Kg1, Rf1  pe5") == {I("Kg1"), I("Rf1"), I("pe5")}
    with pytest.raises(ValueError, match="cannot read 'K9'"):
        widgets.parse_placements("Kg1 K9")
    truth = board_of("Kg1", "Pf2", "kg8", "pe5")
    assert widgets.score_placements(truth, {I("Kg1"), I("pe5"), I("Qd1")}) == {
        "correct": 2,
        "wrong": 1,
        "missed": 2,
        "share": 0.5,
    }


def test_moving_each_widget_control_changes_its_output(levels):
    boards = analysis.test_boards(quick=True).real

    explorer = widgets.expertise_explorer(levels, boards)
    slider, real_button, random_button = explorer.controls
    before = [v.value for v in explorer.views]
    slider.value = 100
    assert [v.value for v in explorer.views] != before
    for button in (real_button, random_button):
        before = explorer.views[0].value
        button.click()
        assert explorer.views[0].value != before
    assert "random position" in explorer.views[1].value

    game = widgets.recall_yourself(levels, boards, schedule=lambda seconds, action: action())
    kind, show, answer, score = game.controls
    empty = game.views[0].value
    score.click()
    assert "first" in game.views[1].value
    kind.value = "random"
    show.click()  # shows the board, and (immediately here) hides it again
    assert game.views[0].value == empty and "Time is up" in game.views[1].value
    answer.value = "Kg1 nonsense"
    score.click()
    assert "cannot read 'nonsense'" in game.views[1].value
    answer.value = "Kg1 Pf2 Pg2 Ph2"
    score.click()
    assert "You placed" in game.views[1].value and game.views[0].value != empty


# ---------------------------------------------------------------- exercises


def test_checks_pass_the_reference_solutions(capsys):
    from course.chunking.compression import set_code_bits as reference_bits
    from course.chunking.recall import remember as reference_remember

    checks.check_remember(reference_remember)
    checks.check_set_code_bits(reference_bits)
    assert "✗" not in capsys.readouterr().out


def _keep_first(units, slots, lone_slots):
    kept, used = [], 0
    for u in units:
        cost = 1 if len(u) > 1 else lone_slots
        if used + cost <= slots:
            kept.append(u)
            used += cost
    return kept


def _count_pieces(units, slots, lone_slots):
    kept = []
    for u in units:
        kept.append(u)
        while sum(len(k) for k in kept) > slots:
            kept.pop(0)
    return kept


@pytest.mark.parametrize(
    "wrong",
    [
        _keep_first,  # STM that stops when full instead of forgetting the oldest
        _count_pieces,  # slots counted in pieces, not chunks
        lambda units, slots, lone_slots: remember(units, slots, lone_slots=1),  # lone pieces as cheap as chunks
        lambda units, slots, lone_slots: remember(units, 7, 2),  # ignores its arguments
        lambda units, slots, lone_slots: remember(units[::-1], slots, lone_slots)[::-1],  # forgets the newest
    ],
)
def test_remember_check_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseCheckFailed):
        checks.check_remember(wrong)


@pytest.mark.parametrize(
    "wrong",
    [
        lambda p: float(-np.log2(p).sum()),  # pays for the order of the set
        lambda p: float(-np.log(p).sum() - math.lgamma(len(p) + 1)),  # nats, not bits
        lambda p: float(-np.log2(p).sum() - np.log2(len(p))),  # log2(m) instead of log2(m!)
        lambda p: float(-np.log2(p).mean()),  # average instead of total
    ],
)
def test_set_code_bits_check_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseCheckFailed):
        checks.check_set_code_bits(wrong)
