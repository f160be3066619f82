"""Training is machine-independent: the same seed and command give the same checkpoint bytes on a
fast or a slow machine, since a run stops on its step count, never on the clock."""

import hashlib
import os
import subprocess
import sys

import pytest

from course.core.paths import REPO_ROOT

# Dreamer's loop once stopped on CPU time: the model whose bytes a slow machine would have changed.
MODEL = "dreamer_catch"


def _train(data_dir, throttled: bool) -> bytes:
    """Train MODEL's smoke variant in a fresh process; throttled: at nice 19, on one core shared
    with a process that burns it."""
    command = [sys.executable, "-m", "course", "train", MODEL, "--quick", "--data-dir", str(data_dir)]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    burner, preexec = None, None
    if throttled:
        core = min(os.sched_getaffinity(0))
        burner = subprocess.Popen(
            [sys.executable, "-c", f"import os\nos.sched_setaffinity(0, {{{core}}})\nwhile True:\n    pass"]
        )

        def preexec():
            os.sched_setaffinity(0, {core})
            os.nice(19)

    try:
        done = subprocess.run(
            command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900, preexec_fn=preexec
        )
    finally:
        if burner is not None:
            burner.kill()
            burner.wait()
    assert done.returncode == 0, done.stderr
    return (data_dir / "checkpoints" / f"{MODEL}.safetensors").read_bytes()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs os.sched_setaffinity (Linux) to throttle")
def test_a_throttled_training_writes_the_same_checkpoint_bytes(tmp_path):
    fast = _train(tmp_path / "fast", throttled=False)
    slow = _train(tmp_path / "slow", throttled=True)
    assert hashlib.sha256(slow).hexdigest() == hashlib.sha256(fast).hexdigest()


def test_no_shipped_config_has_a_time_budget():
    import dataclasses

    from course.lessons import all_models

    for name, spec in all_models().items():
        fields = {f.name for f in dataclasses.fields(spec.config)}
        assert not {f for f in fields if "seconds" in f or "deadline" in f}, name
