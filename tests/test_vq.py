"""VQ autoencoder: nearest codewords, real files with and without a prior, exact round trips."""

import math

import numpy as np
import pytest
import torch

from course.compression.bitstream import WrongModelError
from course.compression.glc import vq as V
from course.compression.glc.presets import PRESETS
from tests.smoke import train_smoke


@pytest.fixture(scope="module")
def trained():
    config, tensors, metrics = train_smoke("vq_faces", V.train_vq)
    usage = tensors.pop("usage")
    model = V.VQAutoencoder(config)
    model.load_state_dict(tensors)
    return model.eval(), V.prior_from_usage(usage.numpy()), metrics


def test_indices_are_the_nearest_codewords():
    model = V.VQAutoencoder(PRESETS["vq_faces"].smoke())
    y = torch.randn(2, model.config.m, 3, 4)
    idx = model.indices(y)
    brute = ((y.permute(0, 2, 3, 1)[..., None, :] - model.codebook) ** 2).sum(-1).argmin(-1)
    assert torch.equal(idx, brute)


def test_files_decode_to_the_reconstruction(trained):
    model, prior, metrics = trained
    assert 1 <= metrics["codewords_used"] <= model.config.codewords
    image = V.DOMAINS["faces"](1, seed=4)[0][:100, :90]
    expected = V.reconstruct(model, image)
    for data, p in ((V.uniform_bytes(model, image), None), (V.prior_bytes(model, prior, image), prior)):
        assert np.array_equal(V.decode_bytes(data, model, p), expected)
    with pytest.raises(WrongModelError, match="uniform"):
        V.decode_bytes(V.prior_bytes(model, prior, image), model, None)


def test_uniform_code_costs_log2_k_per_index(trained):
    model, prior, _ = trained
    image = V.DOMAINS["faces"](1, seed=4)[0]
    data = V.uniform_bytes(model, image)
    payload_bits = 8 * 8 * math.log2(model.config.codewords)  # a 128×128 image: an 8×8 grid
    header = len(data) - 4 * len(__import__("course.compression.bitstream", fromlist=["unpack"]).unpack(data)[1])
    assert abs(8 * (len(data) - header) - payload_bits) <= 32
    skewed = np.full(model.config.codewords, 1e-3)
    skewed[V.encode_indices(model, image).reshape(-1)] = 1.0  # a prior that expects exactly these codewords
    assert len(V.prior_bytes(model, skewed / skewed.sum(), image)) < len(data)
