"""Self-checks for Lesson 01's exercises: properties the learner's function must have."""

from __future__ import annotations

import numpy as np

from course.core.checking import exercise_check, expect
from course.embeddings import metrics as M


@exercise_check
def check_participation_ratio(participation_ratio) -> None:
    rng = np.random.default_rng(123)
    iso = rng.normal(size=(20000, 6))
    expect(
        abs(participation_ratio(iso) - 6) < 0.3,
        "isotropic data in 6 dimensions has PR ≈ 6",
        "PR = (sum of covariance eigenvalues)² / sum of squared eigenvalues",
    )
    line = rng.normal(size=(2000, 1)) * np.array([[2.0, -1.0, 0.5, 3.0]])
    expect(
        abs(participation_ratio(line) - 1) < 1e-6,
        "data on a line has PR = 1",
        "use the covariance of z (np.cov(z, rowvar=False)), not of its transpose",
    )
    z = rng.normal(size=(5000, 5)) * np.array([4, 2, 1, 0.5, 0.1])
    rotated = z @ M.random_rotation(5, seed=4).T
    expect(
        abs(participation_ratio(rotated) - participation_ratio(z)) < 1e-6,
        "PR ignores rotations",
        "eigenvalues of the covariance do not change under rotation: use them, not per-axis variances",
    )
    expect(
        abs(participation_ratio(z * 10) - participation_ratio(z)) < 1e-6,
        "PR ignores overall scale",
        "the ratio of (Σλ)² to Σλ² is unitless",
    )


@exercise_check
def check_mig_from_mutual_info(mig_from_mutual_info) -> None:
    entropy = np.array([1.0, 2.0, 0.5])
    perfect = np.diag(entropy)
    expect(
        abs(mig_from_mutual_info(perfect, entropy) - 1.0) < 1e-9,
        "each factor in its own dimension, fully known: MIG = 1",
        "for each factor take (largest − second largest MI over dimensions) / H(factor), then average",
    )
    twice = np.vstack([perfect, perfect])
    expect(
        abs(mig_from_mutual_info(twice, entropy)) < 1e-9,
        "each factor copied into two dimensions: MIG = 0",
        "the gap is between the top two dimensions for the same factor (sort along the latent axis)",
    )
    rng = np.random.default_rng(5)
    mi = rng.uniform(0, 0.5, size=(10, 3))
    gap = np.sort(mi, axis=0)[::-1]
    expected = float(((gap[0] - gap[1]) / entropy).mean())
    expect(
        abs(mig_from_mutual_info(mi, entropy) - expected) < 1e-9,
        "a random MI matrix gives the gap, normalised",
        "divide each factor's gap by that factor's entropy before averaging",
    )
