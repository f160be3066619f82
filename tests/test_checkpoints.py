"""Checkpoints: hash-verified loading, clear errors, atomic writes, seeded reproducibility."""

import json

import pytest
import torch

from course.core.checkpoints import (
    CheckpointError,
    checkpoint_status,
    load_checkpoint,
    manifest_path,
    read_manifest,
    save_checkpoint,
)
from course.lessons import train_model


def _save(name="toy"):
    tensors = {"w": torch.arange(6.0).reshape(2, 3)}
    return save_checkpoint(name, tensors, config={"a": 1}, seed=3, train_seconds=1.23, metrics={"m": 0.5})


def test_round_trip_records_provenance(tmp_data_dir):
    _save()
    tensors, entry = load_checkpoint("toy")
    assert torch.equal(tensors["w"], torch.arange(6.0).reshape(2, 3))
    assert entry["command"] == "python -m course train toy"
    assert entry["seed"] == 3 and entry["metrics"] == {"m": 0.5} and entry["config"] == {"a": 1}
    assert len(entry["sha256"]) == 64
    assert checkpoint_status("toy") == "ok"


def test_missing_file_names_file_and_command(tmp_data_dir):
    path = _save()
    path.unlink()
    with pytest.raises(CheckpointError) as err:
        load_checkpoint("toy")
    assert str(path) in str(err.value) and "python -m course train toy" in str(err.value)
    assert checkpoint_status("toy") == "missing"


def test_altered_file_is_refused(tmp_data_dir):
    path = _save()
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="altered") as err:
        load_checkpoint("toy")
    assert "python -m course train toy" in str(err.value)
    assert checkpoint_status("toy") == "altered"


def test_unknown_name(tmp_data_dir):
    with pytest.raises(CheckpointError, match="no checkpoint named 'nope'"):
        load_checkpoint("nope")


def test_failed_save_leaves_previous_checkpoint_intact(tmp_data_dir):
    _save()
    before = manifest_path().read_text()
    with pytest.raises(Exception):  # noqa: B017 -- any failure inside safetensors will do
        save_checkpoint("toy", {"w": "not a tensor"}, config={}, seed=0, train_seconds=0, metrics={})
    assert manifest_path().read_text() == before
    assert checkpoint_status("toy") == "ok"
    assert not list(tmp_data_dir.glob("checkpoints/.*tmp"))


def test_corrupt_manifest_gives_clear_error(tmp_data_dir):
    _save()
    manifest_path().write_text("{not json")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        read_manifest()


@pytest.mark.slow
def test_same_seed_same_checkpoint_metrics(tmp_data_dir):
    first = train_model("sprites_vae", quick=True)
    first_hash = read_manifest()["sprites_vae"]["sha256"]
    second = train_model("sprites_vae", quick=True)
    assert {k: v for k, v in first.items() if k != "train_seconds"} == {
        k: v for k, v in second.items() if k != "train_seconds"
    }
    assert read_manifest()["sprites_vae"]["sha256"] == first_hash
    third = train_model("sprites_vae", quick=True, seed=1)
    assert read_manifest()["sprites_vae"]["sha256"] != first_hash
    assert json.loads(manifest_path().read_text())["sprites_vae"]["seed"] == 1
    assert third["name"] == "sprites_vae"


@pytest.mark.parametrize(
    "manifest, match",
    [([], "is not a manifest: it holds a JSON list"), ({"toy": "x"}, "its entry 'toy' is a str")],
)
def test_a_manifest_of_the_wrong_shape_gets_a_clear_error(tmp_data_dir, manifest, match):
    _save()
    manifest_path().write_text(json.dumps(manifest))
    with pytest.raises(CheckpointError, match=match):
        read_manifest()


@pytest.mark.parametrize("field, value", [("sha256", None), ("file", None), ("file", "../../secrets"), ("sha256", 7)])
def test_an_entry_without_its_file_or_hash_is_malformed_not_a_traceback(tmp_data_dir, field, value):
    _save()
    manifest = json.loads(manifest_path().read_text())
    if value is None:
        manifest["toy"].pop(field)
    else:
        manifest["toy"][field] = value
    manifest_path().write_text(json.dumps(manifest))
    assert checkpoint_status("toy") == "malformed"
    with pytest.raises(CheckpointError, match="malformed") as err:
        load_checkpoint("toy")
    assert "python -m course train toy" in str(err.value)


def test_tensors_that_do_not_fit_the_config_get_a_clear_error():
    from course.core.checkpoints import load_weights

    with pytest.raises(CheckpointError, match="does not fit the model") as err:
        load_weights(torch.nn.Linear(3, 2), {"weight": torch.zeros(4, 3), "bias": torch.zeros(4)}, "toy")
    assert "size mismatch for weight" in str(err.value) and "\n" not in str(err.value)


def test_fix_commands_name_paths_from_the_repository_root():
    from course.core.checkpoints import restore_hint
    from course.core.paths import REPO_ROOT

    assert restore_hint(REPO_ROOT / "data" / "checkpoints" / "manifest.json") == (
        "restore it with `git checkout -- data/checkpoints/manifest.json`"
    )
    assert "git" not in restore_hint(REPO_ROOT.parent / "elsewhere" / "manifest.json")
