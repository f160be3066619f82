"""Shared test set-up: the whole test run is offline, and tests never touch the shipped data."""

import pytest

from course.core.offline import install_network_guard

install_network_guard()


@pytest.fixture
def tmp_data_dir(tmp_path, monkeypatch):
    """A private data folder, so tests can write checkpoints without touching data/."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    return tmp_path
