"""The instructor tests' set-up: Lesson 01 assigned once with otter for the whole run.

They need the `instructor` extra (`make test-instructor` installs it) and run on their own,
after the learner's `make test`.
"""

from __future__ import annotations

import pytest

LESSON = "01_embeddings"  # graded in these tests; the coursework bench grades every lesson


@pytest.fixture(scope="session")
def assigned(tmp_path_factory):
    """assign()'s summary of the lesson, and the folder it wrote."""
    from course.coursework.assign import assign, lesson_sources

    outdir = tmp_path_factory.mktemp("coursework")
    sources = [source for source in lesson_sources() if source.stem == LESSON]
    (summary,) = assign(outdir, sources)
    return summary, outdir
