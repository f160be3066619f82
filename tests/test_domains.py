"""The image domains of the experience experiment: seeded, the right shapes, and every face parameter visible."""

import math

import numpy as np
import pytest

from course.compression.glc import domains as D


def test_faces_are_seeded_and_sized():
    a, b = D.faces(3, seed=7), D.faces(3, seed=7)
    assert a.shape == (3, 128, 128, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert not np.array_equal(a, D.faces(3, seed=8))


def test_entropy_bound_counts_the_parameter_bits():
    assert D.faces_entropy_bits() == pytest.approx(sum(math.log2(p.levels) for p in D.FACE_PARAMETERS))
    assert D.faces_entropy_bound_bpp(64) == pytest.approx(D.faces_entropy_bits() / 4096)
    levels = D.sample_face_levels(20_000, seed=0)
    for column, parameter in zip(levels.T, D.FACE_PARAMETERS):  # uniform over every level
        counts = np.bincount(column, minlength=parameter.levels)
        assert len(counts) == parameter.levels and counts.min() > 0.7 * counts.mean()


def test_every_face_parameter_changes_the_picture():
    """The bound names the parameters; it is the faces' information only if each one shows."""
    base = D.sample_face_levels(6, seed=3)
    for i, parameter in enumerate(D.FACE_PARAMETERS):
        changed = False
        for levels in base:
            other = levels.copy()
            other[i] = (levels[i] + 1) % parameter.levels
            changed |= not np.array_equal(D.render_face(levels), D.render_face(other))
        assert changed, parameter.name


def test_bad_face_levels_are_refused():
    with pytest.raises(ValueError, match=f"{len(D.FACE_PARAMETERS)} parameter levels"):
        D.render_face(np.zeros(3, dtype=int))


def test_flowers_and_natural_crops():
    f = D.flowers(8, seed=1)
    assert f.shape == (8, 128, 128, 3) and np.array_equal(f, D.flowers(8, seed=1))
    n = D.natural(3, seed=0)
    assert n.shape == (3, 128, 128, 3) and n.std() > 5
