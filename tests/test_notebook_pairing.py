"""Each lesson shows once in JupyterLab's file browser: its paired notebook (which keeps the
outputs) is written to notebooks/build/, and JupyterLab's settings hide that folder."""

import json
from pathlib import Path

import jupytext
import pytest
from jupytext.config import load_jupytext_configuration_file
from jupytext.formats import long_form_multiple_formats
from jupytext.paired_paths import paired_paths

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))


@pytest.mark.parametrize("source", LESSONS, ids=[s.stem for s in LESSONS])
def test_a_lesson_pairs_its_notebook_into_build(source):
    config = load_jupytext_configuration_file(str(ROOT / "jupytext.toml"))
    header = jupytext.read(source).metadata.get("jupytext", {}).get("formats")
    configured = ",".join(config.formats) if isinstance(config.formats, list) else config.formats
    for formats in (header, configured):
        assert formats, f"{source.name}: no pairing"
        paths = [Path(p) for p, _ in paired_paths(str(source), "py:percent", long_form_multiple_formats(formats))]
        assert paths == [source, source.parent / "build" / f"{source.stem}.ipynb"], formats


def test_jupyterlab_hides_the_paired_notebooks():
    settings = json.loads((ROOT / "etc" / "jupyter_lab_config.json").read_text())
    assert "build" in settings["ContentsManager"]["hide_globs"]
