"""Lesson 05 end to end: the vendored ARC tasks, their validation, the baselines, the compression
solver and the benchmark."""

import json
import math
import shutil

import numpy as np
import pytest

from course.arc import analysis, baselines
from course.arc import data as D
from course.arc.solver import PuzzleNet, SolverConfig, puzzle_tensors, shape_rule, solve
from course.core.paths import REPO_ROOT


def make_task(pairs, tests, name="made"):
    return D.task_from_dict(
        {"train": [{"input": i, "output": o} for i, o in pairs], "test": [{"input": i, "output": o} for i, o in tests]},
        name,
    )


# ---------------------------------------------------------------- data


def test_shipped_tasks_are_the_178_small_training_tasks():
    names = D.task_names()
    assert len(names) == 178 and len(set(names)) == 178
    for name in names:
        task = D.load_task(name)
        assert task.max_side() <= 10 and task.test_outputs is not None
        assert all(g.min() >= 0 and g.max() <= 9 for g in task.grids())
    # the shared copy holds the other 222 tasks: every one of them has a grid larger than 10×10
    shared = REPO_ROOT.parent / "shared" / "datasets" / "arc" / "training"
    if shared.exists():
        big = [p.stem for p in shared.glob("*.json") if p.stem not in set(names)]
        assert all(D.load_task_file(shared / f"{n}.json").max_side() > 10 for n in big[:40])


def test_sample_is_fixed_and_drawn_from_the_shipped_tasks():
    sample = D.sample_names()
    assert sample == D.sample_names() and len(sample) == D.SAMPLE_SIZE
    assert set(sample) <= set(D.task_names())


@pytest.mark.parametrize(
    "raw, words",
    [
        ({"train": [{"input": [[1, 2], [3]], "output": [[1]]}], "test": [{"input": [[1]]}]}, "different lengths"),
        ({"train": [{"input": [[1, 12]], "output": [[1]]}], "test": [{"input": [[1]]}]}, "outside 0–9"),
        ({"train": [{"input": [[1, 0.5]], "output": [[1]]}], "test": [{"input": [[1]]}]}, "integers"),
        ({"train": [{"input": [[1]]}], "test": [{"input": [[1]]}]}, "no 'output'"),
        ({"train": [], "test": [{"input": [[1]]}]}, "non-empty list"),
        ({"train": [{"input": [], "output": [[1]]}], "test": [{"input": [[1]]}]}, "non-empty list of rows"),
        ({"test": [{"input": [[1]]}]}, "'train' and a 'test'"),
    ],
)
def test_malformed_tasks_get_clear_errors(raw, words):
    with pytest.raises(D.ArcDataError, match=words):
        D.task_from_dict(raw, "bad")


def test_bad_files_are_named(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"train": [')
    with pytest.raises(D.ArcDataError, match="broken.json: not valid JSON"):
        D.load_task_file(path)
    with pytest.raises(D.ArcDataError, match="missing"):
        D.load_task_file(tmp_path / "nope.json")
    with pytest.raises(D.ArcDataError, match="unknown ARC task 'zzz'"):
        D.load_task("zzz")


def test_an_altered_task_file_is_caught(tmp_path, monkeypatch):
    shutil.copytree(REPO_ROOT / "data" / "arc", tmp_path / "arc")
    target = tmp_path / "arc" / "training" / "a699fb00.json"
    target.write_text(target.read_text().replace("1", "2", 1))
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    D.load_task.cache_clear()
    D._expected_sums.cache_clear()
    try:
        with pytest.raises(D.ArcDataError, match="a699fb00.json is altered.*git checkout"):
            D.load_task("a699fb00")
        assert D.load_task("d037b0a7").n_train == 3  # the others still load
    finally:
        D.load_task.cache_clear()
        D._expected_sums.cache_clear()


# ---------------------------------------------------------------- baselines


def test_copy_baseline_solves_only_identity_tasks():
    same = make_task([([[1, 2]], [[1, 2]])], [([[3, 4]], [[3, 4]])])
    flip = make_task([([[1, 2]], [[2, 1]])], [([[3, 4]], [[4, 3]])])
    assert baselines.is_solved(same, baselines.copy_input(same))
    assert not baselines.is_solved(flip, baselines.copy_input(flip))


def test_dsl_finds_symmetries_colour_maps_and_tilings():
    flip_recolour = make_task([([[1, 2, 0]], [[0, 5, 1]]), ([[2, 2, 1]], [[1, 5, 5]])], [([[1, 0, 2]], [[5, 0, 1]])])
    assert baselines.is_solved(flip_recolour, baselines.dsl_search(flip_recolour))
    tile = make_task([([[1, 0]], [[1, 0, 1, 0]]), ([[0, 3]], [[0, 3, 0, 3]])], [([[4, 4]], [[4, 4, 4, 4]])])
    assert baselines.is_solved(tile, baselines.dsl_search(tile))
    programs = baselines.dsl_programs(tile)
    assert programs and "tile1x2" in programs[0][0]
    real = D.load_task("67a3c6ac")  # a real task: mirror left–right
    assert baselines.is_solved(real, baselines.dsl_search(real))


def test_dsl_gives_no_answer_when_nothing_fits():
    odd = make_task([([[1, 2]], [[3]]), ([[1, 2]], [[4]])], [([[1, 2]], [[3]])])  # same input, two outputs
    assert baselines.dsl_search(odd) == [[]]
    assert not baselines.is_solved(odd, baselines.dsl_search(odd))


def test_scoring_allows_two_attempts_and_needs_every_test_output():
    task = make_task([([[1]], [[1]])], [([[1]], [[2]]), ([[3]], [[3]])])
    right, wrong = np.array([[2]]), np.array([[9]])
    assert baselines.is_solved(task, [[wrong, right], [np.array([[3]])]])
    assert not baselines.is_solved(task, [[wrong, wrong, right], [np.array([[3]])]])  # only two count
    assert not baselines.is_solved(task, [[right], []])


# ---------------------------------------------------------------- the solver


def test_shape_rules():
    same = make_task([([[1, 2]], [[2, 1]])], [([[1], [2]], [[2], [1]])])
    assert shape_rule(same) == ("same as input", [(2, 1)])
    const = make_task([([[1, 2]], [[1]]), ([[1, 2, 3]], [[3]])], [([[1]], [[1]])])
    assert shape_rule(const) == ("constant", [(1, 1)])
    ratio = make_task(
        [([[1]], [[1, 1], [1, 1]]), ([[1, 2]], [[1, 1, 2, 2], [1, 1, 2, 2]])], [([[3], [4]], [[3, 3]] * 4)]
    )
    assert shape_rule(ratio) == ("ratio", [(4, 2)])
    free = make_task([([[1]], [[1, 1]]), ([[1, 2]], [[1]])], [([[3]], [[3]])])
    assert shape_rule(free) == ("learned", None)


def test_network_is_equivariant_to_example_order_and_to_colours_other_than_black():
    task = D.load_task("a699fb00")
    cfg = SolverConfig(width=8, latent=4, layers=2)
    data = puzzle_tensors(task, shape_rule(task)[1])
    model = PuzzleNet(data.features.shape[0], *data.canvas, cfg)
    for key in model.mu:  # equal codes everywhere, so that only the architecture is tested
        model.mu[key].data.zero_()
    logits = model(data.features, noise=False)[0]
    order = [2, 0, 3, 1]
    swapped = model(data.features[order], noise=False)[0]
    assert np.allclose(logits[order].detach(), swapped.detach(), atol=1e-5)
    colours = [0, 3, 1, 2, 4, 5, 6, 7, 9, 8]  # permute colours 1–9; black keeps its place
    recoloured = model(data.features[:, colours], noise=False)[0]
    assert np.allclose(logits[:, colours].detach(), recoloured.detach(), atol=1e-5)


@pytest.mark.slow
def test_solver_solves_a_small_recolouring_puzzle_by_shortening_its_description():
    pairs = [
        ([[1, 0, 1], [0, 1, 0]], [[2, 0, 2], [0, 2, 0]]),
        ([[0, 1], [1, 1]], [[0, 2], [2, 2]]),
        ([[1, 1, 0]], [[2, 2, 0]]),
    ]
    task = make_task(pairs, [([[0, 1, 1], [1, 0, 0]], [[0, 2, 2], [2, 0, 0]])])
    result = solve(task, SolverConfig(seconds=20, max_steps=150, log_every=5, seed=0))
    assert baselines.is_solved(task, result.attempts)
    first, last = result.history[0], result.history[-1]
    assert last["outputs_bits"] + last["rate_bits"] < 0.2 * (first["outputs_bits"] + first["rate_bits"])
    assert last["answer_bits"] < first["answer_bits"] and last["train_fitted"]
    assert all(len(tries) <= 2 for tries in result.attempts)


@pytest.mark.slow
def test_solver_respects_its_time_budget():
    task = D.load_task("60b61512")
    result = solve(task, SolverConfig(seconds=1.0, max_steps=10**6))
    assert 0 < result.steps and result.seconds < 3.0
    assert len(result.attempts) == len(task.test_inputs)


@pytest.mark.slow
def test_a_bench_outcome_says_whether_the_time_budget_cut_the_run():
    cut = analysis.task_outcome("60b61512", SolverConfig(seconds=0.5, max_steps=10**6, patience=10**9))
    whole = analysis.task_outcome("60b61512", SolverConfig(seconds=float("inf"), max_steps=3, patience=10**9))
    assert cut["cut_by_time_limit"] is True and whole["cut_by_time_limit"] is False


@pytest.mark.slow
def test_solver_handles_a_puzzle_whose_output_shape_must_be_learned():
    task = make_task([([[1]], [[1, 1]]), ([[1, 2]], [[1]]), ([[2, 2, 2]], [[2, 2]])], [([[3]], [[3, 3]])])
    result = solve(task, SolverConfig(seconds=5, max_steps=30))
    assert result.shape_rule == "learned" and result.attempts[0]
    assert all(a.ndim == 2 and a.size >= 1 for a in result.attempts[0])


# ---------------------------------------------------------------- the benchmark


@pytest.mark.slow
def test_quick_bench_has_exactly_the_issue_keys():
    result = analysis.bench(quick=True)
    assert set(result) == {
        "tasks_tried",
        "solved_compression",
        "solved_copy",
        "solved_dsl",
        "seconds_per_task",
        "steps_per_second",
    }
    assert result["tasks_tried"] == len(analysis.QUICK_TASKS)
    assert 0 <= result["solved_compression"] <= result["tasks_tried"]
    assert result["solved_copy"] == 0  # neither quick task keeps its input unchanged
    assert result["steps_per_second"] > 0 and math.isfinite(result["seconds_per_task"])
    json.dumps(result)


@pytest.mark.slow
def test_a_stopped_bench_goes_on_from_its_journal_and_two_workers_agree_with_one(tmp_path, monkeypatch):
    journal = tmp_path / "tasks.jsonl"
    cfg = SolverConfig(seconds=2, max_steps=20)
    first = analysis.run_tasks(list(analysis.QUICK_TASKS[:1]), cfg, journal=journal)
    assert len(journal.read_text().splitlines()) == 1

    def no_more_solving(*args, **kwargs):
        raise AssertionError("a task already in the journal was solved again")

    monkeypatch.setattr(analysis, "solve", no_more_solving)
    again = analysis.run_tasks(list(analysis.QUICK_TASKS[:1]), cfg, journal=journal)
    assert again == first
    with pytest.raises(AssertionError, match="solved again"):  # other settings: the record does not count
        analysis.run_tasks(list(analysis.QUICK_TASKS[:1]), SolverConfig(seconds=2, max_steps=21), journal=journal)
    monkeypatch.undo()

    alone = analysis.run_tasks(list(analysis.QUICK_TASKS), SolverConfig(seconds=30, max_steps=20))
    together = analysis.run_tasks(list(analysis.QUICK_TASKS), SolverConfig(seconds=30, max_steps=20), workers=2)
    for key in ("tasks_tried", "solved_compression", "solved_copy", "solved_dsl"):
        assert together[key] == alone[key], key  # a fixed number of steps: the same answers


@pytest.mark.slow
def test_resume_drops_a_journal_line_a_killed_run_cut_off(tmp_path, monkeypatch, capsys):
    journal = tmp_path / "tasks.jsonl"
    cfg = SolverConfig(seconds=2, max_steps=20)
    first = analysis.run_tasks(list(analysis.QUICK_TASKS[:1]), cfg, journal=journal)
    whole = journal.read_text()
    journal.write_text(whole + whole[: len(whole) // 2])  # a second record, killed half-way through writing it
    outcomes = []
    real = analysis.task_outcome

    def counted(name, cfg):
        outcomes.append(name)
        return real(name, cfg)

    monkeypatch.setattr(analysis, "task_outcome", counted)
    again = analysis.run_tasks(list(analysis.QUICK_TASKS), cfg, journal=journal)
    assert outcomes == [analysis.QUICK_TASKS[1]]  # the whole record counts, the cut-off one is solved again
    assert again["tasks_tried"] == 2 and again["solved_copy"] == first["solved_copy"]
    lines = journal.read_text().splitlines()
    assert len(lines) == 2 and all(json.loads(line)["task"] in analysis.QUICK_TASKS for line in lines)
    assert "dropped 1 line" in capsys.readouterr().err


def test_bench_workers_outside_the_machines_cores_are_refused():
    with pytest.raises(ValueError, match="--workers 0"):
        analysis.bench(quick=True, workers=0)


# ---------------------------------------------------------------- recorded runs and widgets


@pytest.fixture(scope="module")
def quick_runs(tmp_path_factory):
    """The recorded runs, rerecorded quickly (two tasks, 20 steps) into a private data folder."""
    import os

    from course.arc.runs import load_runs
    from course.lessons import train_model

    folder = tmp_path_factory.mktemp("data")
    old = os.environ.get("COURSE_DATA_DIR")
    os.environ["COURSE_DATA_DIR"] = str(folder)
    try:
        metrics = train_model("arc_runs", quick=True)
        runs = load_runs()
    finally:
        if old is None:
            del os.environ["COURSE_DATA_DIR"]
        else:
            os.environ["COURSE_DATA_DIR"] = old
    return metrics, runs


def test_recorded_runs_round_trip(quick_runs):
    metrics, runs = quick_runs
    assert metrics["tasks"] == 2 and list(runs) == ["a699fb00", "d037b0a7"]
    for name, run in runs.items():
        assert list(run.curves["step"]) == [1, 5, 10, 15, 20]
        assert len(run.guesses) == 5 and len(run.attempts) == len(D.load_task(name).test_inputs)
        assert run.curves["outputs_bits"][-1] < run.curves["outputs_bits"][0]
        assert all(g.min() >= 0 and g.max() <= 9 for record in run.guesses for g in record)
        assert run.solved == (name in metrics["solved"])


def test_grid_pictures_use_the_arc_palette():
    from course.arc import widgets

    picture = widgets.grid_pixels(np.array([[0, 2], [4, 9]]), cell=5)
    assert picture.shape == (10, 10, 3)
    assert tuple(picture[2, 7]) == (0xFF, 0x41, 0x36)  # red, inside cell (0, 1)
    strip = widgets.strip_pixels([np.zeros((2, 2), int), np.ones((3, 1), int)], cell=4, gap=2)
    assert strip.shape == (12, 8 + 2 + 4, 3)


def test_run_explorer_follows_its_controls(quick_runs):
    from course.arc import widgets

    _, runs = quick_runs
    tasks = {name: D.load_task(name) for name in runs}
    box = widgets.run_explorer(runs, tasks)
    menu, step = box.controls
    image, readout, _ = box.views
    before = (image.value, readout.value)
    step.value = 0
    assert readout.value != before[1] and "step <b>1</b>" in readout.value
    shown = readout.value
    menu.value = "d037b0a7"
    assert readout.value != shown and image.value != before[0]


def test_puzzle_editor_paints_and_solves():
    from course.arc import widgets

    box = widgets.puzzle_editor(seconds=1)
    brush, budget, button = box.controls
    readout, answer = box.views
    editor = box.editors[0]
    brush.value = 5
    editor.buttons[1].click()
    assert editor.grid[0, 1] == 5 and editor.buttons[1].style.button_color == widgets.PALETTE[5]
    budget.value = 1.0
    before = readout.value
    button.click()
    assert readout.value != before and "attempt" in readout.value and len(answer.value) > 0


def test_exercise_check_accepts_the_solution_and_rejects_a_natural_log_version():
    from course.arc.checks import check_gaussian_code_bits
    from course.core.checking import ExerciseCheckFailed

    def bits(mu, sigma):
        mu, sigma = np.asarray(mu, float), np.asarray(sigma, float)
        return float(np.sum(0.5 * (mu**2 + sigma**2 - 1 - np.log(sigma**2))) / math.log(2))

    check_gaussian_code_bits(bits)
    with pytest.raises(ExerciseCheckFailed):
        check_gaussian_code_bits(lambda mu, sigma: bits(mu, sigma) * math.log(2))


def test_cli_rejects_all_for_lessons_without_it():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "course", "bench", "chunking", "--all"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2 and "has no --all" in result.stderr


def test_run_explorer_draws_a_new_task_once(quick_runs, monkeypatch):
    """Choosing a task moves the record slider to its end: one drawing, not one per change."""
    from course.arc import widgets

    _, runs = quick_runs
    tasks = {name: D.load_task(name) for name in runs}
    box = widgets.run_explorer(runs, tasks)
    drawn = []
    real = widgets.figure_png
    monkeypatch.setattr(widgets, "figure_png", lambda fig: drawn.append(fig) or real(fig))
    menu, step = box.controls
    step.value = 0
    assert len(drawn) == 1
    menu.value = "d037b0a7"
    assert len(drawn) == 2 and step.value == step.max == len(runs["d037b0a7"].guesses) - 1
