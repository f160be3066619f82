"""`python -m course …` end to end, in fresh processes as a user runs it."""

import json
import subprocess
import sys

import pytest

from course.core.paths import REPO_ROOT


def run(*args, env=None):
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "course", *args], cwd=REPO_ROOT, capture_output=True, text=True, env=full_env
    )


def test_list_shows_lessons_models_and_status():
    result = run("list")
    assert result.returncode == 0, result.stderr
    assert "Embeddings" in result.stdout and "sprites_beta_tcvae" in result.stdout
    assert "embeddings" in run("list", "--lessons").stdout.split()


def test_verify_passes_on_the_shipped_data():
    result = run("verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok" in result.stdout and "altered" not in result.stdout


def test_verify_fails_on_an_altered_checkpoint(tmp_path):
    import shutil

    shutil.copytree(REPO_ROOT / "data", tmp_path / "data")
    target = tmp_path / "data" / "checkpoints" / "sprites_ae.safetensors"
    target.write_bytes(target.read_bytes()[:-8] + b"garbage!")
    result = run("verify", env={"COURSE_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 1
    assert "altered  checkpoint sprites_ae" in result.stdout and "python -m course train" in result.stderr


def test_unknown_names_get_clear_errors():
    result = run("train", "nope", "--data-dir", "/tmp/unused-course-data")
    assert result.returncode == 2 and "unknown model 'nope'" in result.stderr and "sprites_ae" in result.stderr
    result = run("bench", "nope")
    assert result.returncode == 2 and "unknown benchmark 'nope'" in result.stderr and "embeddings" in result.stderr


def test_quick_train_refuses_to_overwrite_shipped_checkpoints():
    result = run("train", "sprites_ae", "--quick")
    assert result.returncode == 2 and "--data-dir" in result.stderr


def test_quick_train_writes_a_loadable_checkpoint(tmp_path):
    result = run("train", "sprites_ae", "--quick", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    entry = json.loads((tmp_path / "checkpoints" / "manifest.json").read_text())["sprites_ae"]
    assert entry["command"] == "python -m course train sprites_ae" and entry["config"]["steps"] == 30


def test_missing_checkpoint_error_names_file_and_command(tmp_path):
    result = run("bench", "embeddings", env={"COURSE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "python -m course train sprites_" in result.stderr


@pytest.mark.parametrize("module", ["course.dreamer.runs", "course.novelty.runs"])
def test_recording_command_starts_without_a_runpy_warning(module):
    # the package must not import its `runs` before `python -m` runs it as the main module
    done = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-m", module, "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "RuntimeWarning" not in done.stderr, done.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "remove, code, message",
    [
        ("checkpoints/manifest.json", 1, "checkpoint(s) failed"),
        ("manifest entry", 1, "python -m course train tc_faces"),
        ("checkpoints", 1, "checkpoint(s) failed"),
        ("photos", 1, "data/photos"),
        ("manifest []", 2, "is not a manifest"),
        ("entry without sha256", 1, "python -m course train tc_faces"),
    ],
)
def test_verify_fails_on_every_missing_or_malformed_piece(tmp_path, remove, code, message):
    import shutil

    from course.robustness import linked_copy

    data = linked_copy(REPO_ROOT / "data", tmp_path / "data")  # links: the shipped files stay untouched
    manifest_file = data / "checkpoints" / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    if remove == "manifest entry":
        manifest.pop("tc_faces")
    elif remove == "entry without sha256":
        manifest["tc_faces"].pop("sha256")
    elif remove == "manifest []":
        manifest = []
    else:
        target = data / remove
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    if manifest_file.is_symlink():
        manifest_file.unlink()
        manifest_file.write_text(json.dumps(manifest))
    result = run("verify", env={"COURSE_DATA_DIR": str(data)})
    assert result.returncode == code, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
