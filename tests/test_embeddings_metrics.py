"""Each measurement on cases whose answer is known."""

import numpy as np
import pytest

from course.embeddings import metrics as M

rng = np.random.default_rng(0)


def _grid_factors(n_values=(4, 5, 6), repeats=20):
    """Independent discrete factors, every combination `repeats` times: (N, K) ints."""
    grids = np.stack(np.meshgrid(*[np.arange(v) for v in n_values], indexing="ij"), -1).reshape(-1, len(n_values))
    return np.repeat(grids, repeats, axis=0)


def test_participation_ratio_known_cases():
    assert M.participation_ratio(rng.normal(size=(20000, 8))) == pytest.approx(8, rel=0.05)
    line = rng.normal(size=(1000, 1)) * np.array([[1.0, 2.0, -1.0]])
    assert M.participation_ratio(line) == pytest.approx(1.0, abs=1e-6)
    two = np.concatenate([rng.normal(size=(20000, 2)), np.zeros((20000, 3))], axis=1)
    assert M.participation_ratio(two) == pytest.approx(2.0, rel=0.05)


def test_participation_ratio_is_rotation_invariant():
    z = rng.normal(size=(5000, 6)) * np.array([3, 2, 1, 0.5, 0.1, 0.1])
    rotated = z @ M.random_rotation(6, seed=3).T
    assert M.participation_ratio(rotated) == pytest.approx(M.participation_ratio(z), rel=1e-9)


def test_kl_bits_per_dim():
    n = 1000
    mean, log_var = np.zeros((n, 2)), np.zeros((n, 2))
    assert np.allclose(M.kl_bits_per_dim(mean, log_var), 0.0)
    mean[:, 1] = 1.0  # KL = 0.5 nat = 0.5 / ln 2 bits
    assert M.kl_bits_per_dim(mean, log_var)[1] == pytest.approx(0.5 / np.log(2))


def test_mig_perfect_and_zero():
    factors = _grid_factors()
    z_perfect = factors.astype(float) + rng.normal(scale=0.01, size=factors.shape)
    z_perfect = np.concatenate([z_perfect, rng.normal(size=(len(z_perfect), 2))], axis=1)
    assert M.mig(z_perfect, factors) > 0.9
    z_duplicated = np.concatenate([z_perfect[:, :3], z_perfect[:, :3]], axis=1)  # each factor twice
    assert M.mig(z_duplicated, factors) < 0.05
    assert M.mig(rng.normal(size=(len(factors), 5)), factors) < 0.05


def test_mig_drops_under_rotation():
    factors = _grid_factors()
    z = factors / factors.max(0) + rng.normal(scale=0.01, size=factors.shape)
    rotated = z @ M.random_rotation(3, seed=1).T
    assert M.mig(rotated, factors) < 0.5 * M.mig(z, factors)


def test_mutual_info_matrix_shape_and_bounds():
    factors = _grid_factors()
    mi = M.mutual_info_matrix(rng.normal(size=(len(factors), 4)), factors)
    assert mi.shape == (4, 3)
    assert np.all(mi >= -1e-12) and np.all(mi <= M.factor_entropy(factors) + 1e-9)


def test_distance_spearman_identity_and_noise():
    factors = _grid_factors()
    values = factors / factors.max(0)
    categorical = np.zeros(3, bool)
    assert M.distance_spearman(values, values, categorical) == pytest.approx(1.0)
    assert abs(M.distance_spearman(rng.normal(size=values.shape), values, categorical)) < 0.05


@pytest.mark.parametrize("metric", M.METRICS)
def test_distances_zero_on_identical_points(metric):
    a = rng.normal(size=(10, 4))
    assert np.allclose(M.pairwise_latent_distance(a, a, metric, scale=np.ones(4)), 0.0)


def test_standardised_distance_ignores_units():
    a, b = rng.normal(size=(50, 3)), rng.normal(size=(50, 3))
    units = np.array([1.0, 100.0, 0.01])
    plain = M.pairwise_latent_distance(a, b, "standardised", scale=np.ones(3))
    scaled = M.pairwise_latent_distance(a * units, b * units, "standardised", scale=units)
    assert np.allclose(plain, scaled)


def test_unknown_metric_is_named():
    with pytest.raises(ValueError, match="unknown metric 'manhattan'"):
        M.pairwise_latent_distance(np.zeros((1, 2)), np.zeros((1, 2)), "manhattan")


def test_factor_distance_treats_categories_as_equal_or_not():
    a, b = np.array([[0.0, 0.0]]), np.array([[0.5, 0.3]])
    assert M.factor_distance(a, b, np.array([True, False]))[0] == pytest.approx(np.hypot(1.0, 0.3))


def test_knn_purity_and_kmeans_ari():
    labels = np.repeat(np.arange(3), 100)
    separated = labels[:, None] * 10.0 + rng.normal(size=(300, 2))
    assert M.knn_purity(separated, labels, k=5) == pytest.approx(1.0)
    assert M.kmeans_ari(separated, labels) == pytest.approx(1.0)
    noise = rng.normal(size=(300, 2))
    assert M.knn_purity(noise, labels, k=5) < 0.5
    assert abs(M.kmeans_ari(noise, labels)) < 0.1


def test_rotation_is_orthogonal_and_partial_rotation_interpolates():
    r = M.random_rotation(10, seed=0)
    assert np.allclose(r @ r.T, np.eye(10)) and np.linalg.det(r) == pytest.approx(1.0)
    assert np.allclose(M.partial_rotation(10, 0.0, seed=0), np.eye(10))
    half = M.partial_rotation(10, 0.5, seed=0)
    assert np.allclose(half @ half, r)


def test_nonlinear_entangle_is_invertible_but_bends_distances():
    z = rng.normal(size=(2000, 10))
    bent = M.nonlinear_entangle(z, strength=1.0, seed=0)
    assert bent.shape == z.shape and not np.allclose(bent, z)
    assert np.allclose(M.nonlinear_entangle(z, strength=0.0), z)
    # Same input, same output: a function of z alone (hence no information is added).
    assert np.allclose(M.nonlinear_entangle(z, 1.0, seed=0), bent)
