"""The generative codec (one file, two decoders) and the perception yardsticks (reader, recovery, FD)."""

from dataclasses import asdict

import numpy as np
import pytest
import torch

from course.compression.bitstream import KNOWN_MODELS, CorruptBitstreamError
from course.compression.coding import decode, encode
from course.compression.glc import generative as G
from course.compression.glc import perception as P
from course.compression.glc.domains import faces
from tests.smoke import train_smoke


@pytest.fixture(scope="module")
def trained():
    return train_smoke("glc_faces_generative", G.train_generative)


def test_four_stages_train_and_the_file_loads(trained, tmp_data_dir):
    from course.core.checkpoints import save_checkpoint

    config, tensors, metrics = trained
    assert {"stage1_loss", "stage2_bpp", "stage3_loss", "stage4_loss"} <= set(metrics)
    save_checkpoint(config.name, tensors, config=asdict(config), seed=0, train_seconds=0, metrics=metrics)
    model = G.load_generative(config.name)
    image = faces(1, seed=11, size=128)[0]
    data = encode(image, model, 1)
    assert data[7] == KNOWN_MODELS.index("glc_faces_generative") + 1  # a one-byte model name
    mse, gen = G.decode_with(data, model, "mse"), G.decode_with(data, model, "generative")
    assert mse.shape == gen.shape == image.shape
    assert not np.array_equal(mse, gen)  # two decoders, one file
    assert np.array_equal(decode(data, model), gen)  # the codec decodes generatively by default
    with pytest.raises(ValueError, match="unknown decoder"):
        G.decode_with(data, model, "gan")
    broken = bytearray(data)
    broken[-6] ^= 0xFF
    with pytest.raises(CorruptBitstreamError):
        decode(bytes(broken), model)


def test_a_global_codec_codes_one_vector_and_refuses_larger_images(trained):
    config, tensors, _ = trained
    assert config.latent == "global"  # the faces' codec: one vector per face
    model = G.GenerativeCodec(config)
    model.load_state_dict(tensors)
    model.eval()
    small = faces(1, seed=11, size=100)[0]  # smaller images are padded up to the codec's side
    assert decode(encode(small, model, 2), model).shape == small.shape
    symbols = model.analyse(torch.rand(1, 3, config.size, config.size), 1)
    assert symbols["y"].shape == (config.m, 1, 1) and symbols["z"].shape == (config.n, 1, 1)
    with pytest.raises(ValueError, match=f"Crop or resize it to {config.size}×{config.size}"):
        encode(faces(1, seed=11, size=2 * config.size)[0], model, 1)
    with pytest.raises(CorruptBitstreamError, match="header claims an image"):
        model.read(None, 2 * config.size, config.size)  # checked before a symbol is read


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(latent="grid"), "unknown latent 'grid'"),
        (dict(latent="global", size=96, ae_crop=96), "power of two"),
        (dict(latent="global", ae_crop=128), "set ae_crop to size"),
    ],
)
def test_latent_settings_are_checked(change, message):
    from dataclasses import replace

    with pytest.raises(ValueError, match=message):
        replace(G.GenerativeConfig(), **change)


def test_stage4_trains_only_the_generative_decoder(trained):
    config, tensors, _ = trained
    model = G.GenerativeCodec(config)
    model.load_state_dict(tensors)
    # the generative decoder starts from the MSE one and moves; the MSE one is the stage-3 decoder
    assert any(not torch.equal(tensors[f"g_gen.{k}"], tensors[f"g_s.{k}"]) for k, _ in model.g_s.named_parameters())


def test_frechet_distance_of_known_gaussians():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4000, 3))
    b = rng.normal(size=(4000, 3)) + np.array([2.0, 0.0, 0.0])
    assert P.gaussian_frechet(a, a) == pytest.approx(0.0, abs=1e-6)
    assert P.gaussian_frechet(a, b) == pytest.approx(4.0, rel=0.05)  # ‖μ₁ − μ₂‖², equal covariances
    c = rng.normal(size=(4000, 3)) * 2.0  # σ 1 vs 2 per axis: Σ (1 + 4 − 2·2) = 3
    assert P.gaussian_frechet(a, c) == pytest.approx(3.0, rel=0.05)


def test_the_shipped_reader_on_known_cases():
    reader = P.load_reader()
    images = faces(32, seed=12_345, size=256)
    others = faces(32, seed=54_321, size=256)  # unrelated faces: the reader's chance agreement
    assert P.param_recovery(reader, images, images) == 1.0
    assert P.param_recovery(reader, images, images, tolerant=True) == 1.0
    assert P.frechet_distance(reader, images, images) == pytest.approx(0.0, abs=1e-6)
    noise = np.random.default_rng(0).integers(0, 256, images.shape, dtype=np.uint8)
    chance = P.param_recovery(reader, images, others)
    assert chance < 0.3
    assert P.param_recovery(reader, images, noise) < chance + 0.1  # near chance
    assert P.frechet_distance(reader, images, noise) > 3 * P.frechet_distance(reader, images, others)


def test_recovery_refuses_mismatched_sets():
    reader = P.FaceReader(P.ReaderConfig().smoke())
    with pytest.raises(ValueError, match="same shape"):
        P.param_recovery(reader, faces(2, 0, 128), faces(3, 0, 128))


def test_perception_explorer_controls():
    from course.compression.glc import widgets

    model, reader = G.load_generative("glc_faces_generative"), P.load_reader()
    images = {f"face {i}": face for i, face in enumerate(faces(2, seed=99, size=256))}
    box = widgets.perception_explorer(images, model, reader)
    shown = lambda: [panel.children[0].value for panel in box.views[0].children]  # noqa: E731
    before = shown()
    box.controls[1].value = 2  # a higher rate point: both decodings change, the original does not
    after = shown()
    assert after[0] != before[0] and after[1] != before[1] and after[3] == before[3]
    box.controls[0].value = "face 1"
    assert shown()[3] != after[3]
    result = widgets.two_decoders(images["face 0"], model, 1, reader)
    assert 0 <= result["generative"]["recovery"] <= 1 and result["mse"]["decoded"].shape == (256, 256, 3)


def test_blur_calibrates_the_reader_a_softer_face_reads_less_the_same():
    from course.compression.glc import rdp

    images = faces(8, seed=4321, size=256)
    sharp, soft = rdp.blur_baseline(P.Yardstick(P.load_reader(), images), images, sigmas=(0.5, 4.0))
    assert sharp["psnr"] > soft["psnr"]
    assert sharp["param_recovery_blur"] > soft["param_recovery_blur"]
    assert sharp["fd_blur"] < soft["fd_blur"]
