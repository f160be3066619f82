"""Bad input never crashes, lies, half-writes or overwrites: the shared file helpers, and a quick
run of `python -m course bench robustness`."""

import os
import stat

import pytest

from course.core.files import append_line, atomic_write_bytes, atomic_write_text, read_jsonl


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_permissions_the_umask_gives(tmp_path, umask):
    old = os.umask(umask)
    try:
        path = atomic_write_text(tmp_path / "out.json", "{}\n")
        append_line(tmp_path / "journal.jsonl", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE((tmp_path / "journal.jsonl").stat().st_mode) == 0o666 & ~umask


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_folder_target_is_named_in_the_error_and_nothing_is_left(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(IsADirectoryError) as err:
        atomic_write_bytes(tmp_path / "out", b"x")
    assert err.value.filename == str(tmp_path / "out")
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    from course.core.files import atomic_write

    path = tmp_path / "model.bin"
    path.write_bytes(b"old")

    def half_then_fail(tmp):
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(path, half_then_fail)
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["model.bin"]


def test_a_journal_drops_a_cut_off_last_line_and_appends_on_a_fresh_one(tmp_path, capsys):
    journal = tmp_path / "journal.jsonl"
    append_line(journal, '{"task": "a"}')
    with open(journal, "a") as f:
        f.write('{"task": "b", "sec')  # a run killed in the middle of a line
    assert read_jsonl(journal) == [{"task": "a"}]
    assert "dropped 1 line" in capsys.readouterr().err
    append_line(journal, '{"task": "c"}')
    assert read_jsonl(journal) == [{"task": "a"}, {"task": "c"}]
    with pytest.raises(ValueError):
        append_line(journal, "two\nlines")


def test_student_refuses_the_notebooks_folder_and_a_file(tmp_path, capsys):
    from course.cli import main
    from course.core.paths import NOTEBOOKS_DIR

    before = sorted(p.name for p in NOTEBOOKS_DIR.iterdir())
    for outdir in (NOTEBOOKS_DIR, NOTEBOOKS_DIR / "copies"):
        assert main(["student", str(outdir)]) == 2
        assert "notebooks/ folder" in capsys.readouterr().err
    assert sorted(p.name for p in NOTEBOOKS_DIR.iterdir()) == before
    (tmp_path / "file").write_text("x")
    assert main(["student", str(tmp_path / "file")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err and (tmp_path / "file").read_text() == "x"


@pytest.mark.slow
def test_the_quick_robustness_bench_finds_no_crash_lie_leftover_or_open_way_out(capsys):
    from course.robustness import bench

    result = bench(quick=True)
    assert set(result) == {
        "bad_inputs_tried",
        "crashes",
        "silent_wrong_outputs",
        "partial_files_left",
        "inputs_overwritten",
        "offline_bypasses_tried",
        "offline_bypasses_open",
        "verify_missing_cases_tried",
        "verify_missing_cases_caught",
    }
    problems = capsys.readouterr().err
    assert result["bad_inputs_tried"] >= 10 and result["offline_bypasses_tried"] >= 8, result
    for key in ("crashes", "silent_wrong_outputs", "partial_files_left", "inputs_overwritten"):
        assert result[key] == 0, (key, problems)
    assert result["verify_missing_cases_caught"] == result["verify_missing_cases_tried"] == 4, problems
    from course.core.offline import loopback_only, namespace_command

    if namespace_command()[0] is not None or loopback_only():
        assert result["offline_bypasses_open"] == 0, problems
    else:  # without a network namespace, programs no Python guard reaches stay open (and are named)
        assert result["offline_bypasses_open"] <= 2, problems
