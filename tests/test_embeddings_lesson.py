"""Lesson 01 end to end: the sprites, the models, the widgets and the lesson's claims."""

import numpy as np
import pytest
import torch

from course.embeddings import analysis, widgets
from course.embeddings.models import EmbeddingConfig, SpriteEmbedding, total_correlation
from course.embeddings.sprites import FACTORS, make_sprites


@pytest.fixture(scope="module")
def data():
    return make_sprites()


def test_sprites_cover_every_factor_combination_once(data):
    n = int(np.prod([f.n_values for f in FACTORS]))
    assert data.images.shape == (n, 3, 32, 32)
    assert len({tuple(row) for row in data.factors}) == n
    assert data.images.min() >= 0 and data.images.max() <= 1
    assert make_sprites() is data  # cached: generated once per process


def test_each_factor_changes_the_image(data):
    for k, factor in enumerate(FACTORS):
        base = np.zeros(len(FACTORS), int)
        other = base.copy()
        other[k] = factor.n_values - 1
        a = data.images[np.flatnonzero((data.factors == base).all(1))[0]]
        b = data.images[np.flatnonzero((data.factors == other).all(1))[0]]
        assert np.abs(a - b).sum() > 1.0, f"changing {factor.name} should change the sprite"


def test_losses_are_finite_and_the_ae_pays_no_kl(data):
    x = torch.from_numpy(np.array(data.images[:16]))
    for kind in ["ae", "vae", "beta_vae", "beta_tcvae"]:
        losses = SpriteEmbedding(EmbeddingConfig(kind=kind, beta=4)).loss(x)
        assert all(torch.isfinite(v) for v in losses.values())
        if kind == "ae":
            assert losses["kl"].item() == 0.0


def test_total_correlation_is_larger_for_dependent_dimensions():
    torch.manual_seed(0)
    n = 512
    log_var = torch.full((n, 2), -6.0)
    independent = torch.randn(n, 2)
    dependent = torch.randn(n, 1).repeat(1, 2)
    tc_ind = total_correlation(independent, independent, log_var, 10000)
    tc_dep = total_correlation(dependent, dependent, log_var, 10000)
    assert tc_dep > tc_ind + 1.0


@pytest.fixture(scope="module")
def lesson(data):
    """The shipped models' embeddings, as the notebook computes them."""
    return {kind: analysis.embed_sprites(analysis.load_embedding(kind), data).mean for kind in analysis.MODEL_NAMES}


def test_disentangled_model_beats_the_autoencoder(lesson, data):
    from course.embeddings.metrics import mig

    mig_ae, mig_dis = mig(lesson["ae"], data.factors), mig(lesson["disentangled"], data.factors)
    assert mig_dis >= 0.25 and mig_dis >= 2 * mig_ae


def test_rotation_keeps_distances_and_collapses_mig(lesson, data):
    result = analysis.entanglement_experiment(lesson["disentangled"], data)
    assert result["rotated_vs_original_distance_spearman"] >= 0.999
    assert result["mig_rotated"] <= 0.5 * result["mig"]
    assert result["distance_spearman_nonlinear"] < result["distance_spearman_euclidean"] - 0.1


def test_widget_callbacks(lesson, data):
    model = analysis.load_embedding("disentangled")
    z = lesson["disentangled"]
    strip = widgets.traversal_strip(model, z[0], 0, np.linspace(-2, 2, 5))
    assert strip.shape == (5, 3, 32, 32)
    found = widgets.nearest_neighbours(z, 10, "euclidean", k=5)
    assert len(found) == 5 and 10 not in found
    same = widgets.rotation_scores(z, data, 0.0)
    turned = widgets.rotation_scores(z, data, 1.0)
    assert same["distance_agreement"] == pytest.approx(1.0)
    assert turned["distance_agreement"] > 0.999 and turned["mig"] < same["mig"]
    with pytest.raises(ValueError, match="unknown factor 'size'"):
        widgets.factor_colours(data, "size")


def test_moving_each_widget_control_changes_its_output(lesson, data):
    model = analysis.load_embedding("disentangled")
    z = lesson["disentangled"]

    traversal = widgets.latent_traversal(model, z[0])
    before = traversal.views[0].value
    traversal.controls[int(np.argmax(z.std(0)))].value = 2.5
    assert traversal.views[0].value != before

    explorer = widgets.neighbour_explorer(z, data)
    before = explorer.views[0].value
    explorer.controls[0].value = 500
    assert explorer.views[0].value != before

    rotation = widgets.rotation_explorer(z, data)
    before = rotation.views[0].value
    rotation.controls[0].value = 1.0
    assert rotation.views[0].value != before

    coords = np.random.default_rng(0).normal(size=(len(data), 2))
    umap_view = widgets.umap_explorer(coords, data)
    before = umap_view.views[0].value
    umap_view.controls[0].value = "x"
    assert umap_view.views[0].value != before


def test_rotation_explorer_keeps_the_scores_of_each_setting(lesson, data):
    z = lesson["disentangled"]
    box = widgets.rotation_explorer(z, data, prepare=False)
    (amount,), (readout, picture) = box.controls, box.views
    amount.value = 0.25
    first = (readout.value, picture.value)
    assert set(box.scores.results) == {0.0, 0.25}  # without `prepare`, only what was shown
    expected = widgets.rotation_scores(z, data, 0.25)
    assert box.scores.results[0.25]["mig"] == expected["mig"] and f"{expected['mig']:.3f}" in readout.value
    amount.value = 0.0
    amount.value = 0.25
    assert (readout.value, picture.value) == first
