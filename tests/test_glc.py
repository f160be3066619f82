"""GLC's three stages on a tiny configuration: each stage saved, each loads, real files at every stage."""

import numpy as np
import pytest
import torch

from course.compression.coding import decode, encode
from course.compression.glc import glc as G
from course.compression.glc.presets import PRESETS
from tests.smoke import train_smoke


@pytest.fixture(scope="module")
def trained():
    return train_smoke("glc_faces", G.train_glc)


def test_checkpoint_keeps_every_stage(trained):
    config, tensors, metrics = trained
    final = {k for k in tensors if not k.startswith("stage")}
    assert {k[len("stage1.") :] for k in tensors if k.startswith("stage1.")} == final
    assert {k[len("stage2.") :] for k in tensors if k.startswith("stage2.")} == final
    # stage 2 trains only the code predictor: the autoencoder is untouched
    for key in final:
        if key.startswith(("g_a.", "g_s.", "gains.")):
            assert torch.equal(tensors[f"stage1.{key}"], tensors[f"stage2.{key}"]), key
    assert any(not torch.equal(tensors[f"stage1.{k}"], tensors[f"stage2.{k}"]) for k in final if k.startswith("h_s."))
    assert set(metrics) == {"stage1_loss", "stage2_bpp", "stage3_loss"}


def test_every_stage_loads_and_codes_real_files(trained, tmp_data_dir):
    from dataclasses import asdict

    from course.core.checkpoints import save_checkpoint

    config, tensors, metrics = trained
    save_checkpoint(config.name, tensors, config=asdict(config), seed=0, train_seconds=0, metrics=metrics)
    image = G.DOMAINS["faces"](1, seed=11)[0]
    for stage in G.STAGES:
        model = G.load_glc("glc_faces", stage)
        assert model.name == "glc_faces"
        data = encode(image, model, 1)
        assert decode(data, model).shape == image.shape
        fixed = G.fixed_length_file(model, image, 1)
        assert len(fixed) == G.fixed_length_bytes(model, image, 1)
        expected = model.g_s(
            model.gains.unscale(
                torch.round(
                    model.gains.scale(
                        model.g_a(torch.from_numpy(image).permute(2, 0, 1)[None].float() / 255), torch.tensor([1])
                    )
                ),
                torch.tensor([1]),
            )
        ).clamp(0, 1)
        expected = (expected[0] * 255).round().byte().permute(1, 2, 0).numpy()
        assert np.array_equal(G.fixed_length_decode(fixed, model), expected)
    with pytest.raises(ValueError, match="unknown stage"):
        G.load_glc("glc_faces", "stage4")


def test_fixed_length_code_costs_log2_of_the_range(trained):
    config, tensors, _ = trained
    from course.compression.models import HyperpriorCodec

    model = HyperpriorCodec(config.codec())
    model.load_state_dict({k: v for k, v in tensors.items() if not k.startswith("stage")})
    image = G.DOMAINS["faces"](1, seed=2)[0]
    y = model.gains.scale(model.g_a(torch.from_numpy(image).permute(2, 0, 1)[None].float() / 255), torch.tensor([3]))
    symbols = torch.round(y.detach())
    bound = max(int(symbols.abs().max()), 1)
    payload_bits = symbols.numel() * G.fixed_length_bits_per_symbol(bound)
    from course.compression.bitstream import unpack

    data = G.fixed_length_file(model.eval(), image, 3)
    assert G.fixed_length_bytes(model, image, 3) == len(data)
    payload_bytes = 4 * len(unpack(data)[1])
    assert -1 < payload_bytes - 2 - payload_bits / 8 < 8  # + the 16-bit bound, + ANS's final state in whole words


def test_unknown_domain_is_refused():
    with pytest.raises(ValueError, match="unknown domain 'cats'.*faces"):
        G.GLCConfig(domain="cats")


def test_stage1_rate_point_is_the_one_with_unit_gain():
    config = G.GLCConfig()
    q = G.middle_rate_point(config)
    from course.compression.models import HyperpriorCodec

    gains = HyperpriorCodec(config.codec()).gains
    assert torch.allclose(torch.exp(gains.log_gain[q - 1]), torch.ones(config.m))


def test_bit_allocation_adds_up_to_the_file(trained):
    from course.compression.glc.analysis import bit_allocation
    from course.compression.models import HyperpriorCodec

    config, tensors, _ = trained
    model = HyperpriorCodec(config.codec())
    model.load_state_dict({k: v for k, v in tensors.items() if not k.startswith("stage")})
    model.eval()
    image = G.DOMAINS["faces"](1, seed=3)[0]
    allocation = bit_allocation(model, image, 4)
    assert allocation["per_channel"].shape == (config.m,) and allocation["per_position"].shape == (8, 8)
    assert allocation["per_channel"].sum() == pytest.approx(allocation["per_position"].sum())
    payload = 8 * len(encode(image, model, 4)) - 8 * (19 + len("glc_faces") + 4)  # minus header and checksum
    assert abs(allocation["total_bits"] - payload) < 0.05 * payload + 64  # the coding model's bits are the file's


def test_rate_bits_check_accepts_the_reference_and_rejects_a_natural_log():
    from course.compression.glc.checks import check_rate_bits
    from course.core.checking import ExerciseCheckFailed

    check_rate_bits(lambda p: -torch.log2(p).sum())
    with pytest.raises(ExerciseCheckFailed, match="-log2"):
        check_rate_bits(lambda p: -torch.log(p).sum())


def test_random_crops_are_windows_of_their_images():
    from course.compression.glc.glc import random_crop

    x = torch.rand(5, 3, 128, 128)
    crops = random_crop(x, 64, torch.Generator().manual_seed(0))
    assert crops.shape == (5, 3, 64, 64)
    for image, crop in zip(x, crops):  # each crop sits somewhere in its own image
        windows = image.unfold(1, 64, 1).unfold(2, 64, 1)  # (3, 65, 65, 64, 64)
        assert (windows == crop[:, None, None]).all(dim=(0, 3, 4)).any()
    assert random_crop(x, 0, torch.Generator()) is x and random_crop(x, 128, torch.Generator()) is x


def test_the_vq_twin_differs_from_glc_faces_only_in_its_rate_points():
    from dataclasses import asdict

    from course.compression.glc.presets import PRESETS

    twin, faces = asdict(PRESETS["tc_faces"]), asdict(PRESETS["glc_faces"])
    assert {k for k in twin if twin[k] != faces[k]} == {"lambdas", "label"}
    assert PRESETS["tc_faces"].name == "tc_faces" and len(twin["lambdas"]) < len(faces["lambdas"])
    vq = PRESETS["vq_faces"]
    assert (vq.n, vq.m, vq.domain) == (twin["n"], twin["m"], twin["domain"])  # the same transforms as the VQ's


@pytest.mark.slow
def test_the_vq_twin_keeps_only_final_weights():
    from course.compression.models import HyperpriorCodec

    tensors, _ = G.train_vq_twin(PRESETS["tc_faces"].smoke())
    assert tensors and not any(k.startswith("stage") for k in tensors)
    model = HyperpriorCodec(PRESETS["tc_faces"].smoke().codec())
    model.load_state_dict(tensors)
