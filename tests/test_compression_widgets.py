"""Lesson 03's views: JPEG matched by rate, and every widget control changes what is shown."""

import io

import numpy as np
import pytest
import torch

from course.compression.glc import widgets
from course.compression.glc.domains import faces, flowers
from course.compression.models import CodecConfig, HyperpriorCodec


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return HyperpriorCodec(CodecConfig(n=8, m=12, lambdas=(0.0001, 0.01, 1.0), label="glc_faces")).eval()


@pytest.fixture(scope="module")
def images():
    return {f"face {i}": image for i, image in enumerate(faces(2, seed=99))}


def test_jpeg_nearest_is_nearest_in_rate(images):
    image = images["face 0"]
    best = widgets.jpeg_nearest(image, 1.0)
    from course.compression.baselines import jpeg
    from course.compression.coding import bits_per_pixel

    for quality in (1, 20, 50, 80):
        rate = bits_per_pixel(jpeg(image, quality)[0], 128, 128)
        assert abs(np.log(best["bpp"] / 1.0)) <= abs(np.log(rate / 1.0)) + 1e-12
    assert best["decoded"].shape == image.shape and best["bytes"] == round(best["bpp"] * 128 * 128 / 8)


def _shown(view):
    return [child.children[0].value for child in view.children]


def test_rate_explorer_controls(model, images):
    box = widgets.rate_explorer(images, model)
    before = _shown(box.views[0])
    box.controls[1].value = 3
    after_rate = _shown(box.views[0])
    assert after_rate[0] != before[0] and after_rate[2] == before[2]  # ours changed, the original did not
    box.controls[0].value = "face 1"
    assert _shown(box.views[0])[2] != after_rate[2]


@pytest.mark.slow
def test_experience_explorer_controls(model, images):
    codecs = {
        "faces": model,
        "other": HyperpriorCodec(
            CodecConfig(n=8, m=12, lambdas=(0.0001, 0.01, 1.0), seed=1, label="glc_flowers")
        ).eval(),
    }
    tests = {"faces": list(images.values()), "flowers": list(flowers(2, seed=99))}
    box = widgets.experience_explorer(codecs, tests)
    for control, value in zip(box.controls, ["other", "flowers", 1, 3]):
        before = _shown(box.views[0])
        control.value = value
        assert _shown(box.views[0]) != before, control.description


def test_bit_map_explorer_controls(model, images):
    box = widgets.bit_map_explorer(images, model)
    for control, value in zip(box.controls, ["face 1", 3]):
        before = box.views[0].value
        control.value = value
        assert box.views[0].value != before


def test_bit_map_explorer_redraws_the_figure_a_new_one_would_be(model, images):
    """The widget keeps one figure and draws each setting into it: the picture is the one a new
    `bit_map_figure` gives, pixel for pixel."""
    from PIL import Image

    box = widgets.bit_map_explorer(images, model)
    picker, rate = box.controls
    for name, quality in [("face 1", 1), ("face 1", 3), ("face 0", 2)]:
        picker.value, rate.value = name, quality
        shown = np.asarray(Image.open(io.BytesIO(box.views[0].value)))
        fresh = widgets.figure_png(widgets.bit_map_figure(model, images[name], quality, pyplot=False))
        assert np.array_equal(shown, np.asarray(Image.open(io.BytesIO(fresh)))), (name, quality)
