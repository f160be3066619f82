"""`bench glc --quick` end to end on tiny models: every key of the issue, honest Nones where a curve cannot say."""

import numpy as np
import pytest
import torch


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    import os
    from dataclasses import asdict, replace

    from PIL import Image

    from course.compression.glc import presets
    from course.compression.glc.generative import train_generative
    from course.compression.glc.glc import train_glc, train_vq_twin
    from course.compression.glc.perception import train_reader
    from course.compression.glc.vq import train_vq
    from course.core.checkpoints import save_checkpoint, sha256_file
    from course.core.paths import REPO_ROOT

    root = tmp_path_factory.mktemp("glc")
    old = {k: os.environ.get(k) for k in ("COURSE_DATA_DIR", "COURSE_KODAK_DIR")}
    os.environ["COURSE_DATA_DIR"] = str(root / "data")
    (root / "data").mkdir()
    (root / "data" / "photos").symlink_to(REPO_ROOT / "data" / "photos")  # the natural domain's training photos
    kodak = root / "kodak"
    kodak.mkdir()
    rng = np.random.default_rng(0)
    lines = []
    for i in range(2):
        path = kodak / f"kodim{i:02d}.png"
        smooth = np.cumsum(rng.normal(0, 4, (272, 320, 3)), axis=1) + 120  # room for 256-pixel crops
        Image.fromarray(np.clip(smooth, 0, 255).astype(np.uint8)).save(path)
        lines.append(f"{sha256_file(path)}  {path.name}")
    (kodak / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    os.environ["COURSE_KODAK_DIR"] = str(kodak)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    for preset in (presets.PRESETS["glc_faces"], presets.PRESETS["glc_flowers"], presets.PRESETS["glc_natural"]):
        config = preset.smoke()
        tensors, metrics = train_glc(config)
        save_checkpoint(config.name, tensors, config=asdict(config), seed=0, train_seconds=0, metrics=metrics)
    config = presets.PRESETS["vq_faces"].smoke()
    tensors, metrics = train_vq(config)
    save_checkpoint(config.name, tensors, config=asdict(config), seed=0, train_seconds=0, metrics=metrics)
    config = presets.PRESETS["tc_faces"].smoke()
    tensors, metrics = train_vq_twin(config)
    save_checkpoint(config.name, tensors, config=asdict(config), seed=0, train_seconds=0, metrics=metrics)
    for config, train in (
        (presets.PRESETS["face_reader"].smoke(), train_reader),
        (presets.PRESETS["glc_faces_generative"].smoke(), train_generative),
        (replace(presets.PRESETS["glc_natural_generative"].smoke(), images=4), train_generative),
    ):
        tensors, metrics = train(config)
        save_checkpoint(config.name, tensors, config=asdict(config), seed=0, train_seconds=0, metrics=metrics)
    yield
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.mark.slow
def test_bench_glc_has_every_key(tiny_models):
    from course.compression.glc.analysis import bench

    result = bench(quick=True)
    for key in (
        "faces_entropy_bound_bpp",
        "faces_lowest_bpp",
        "faces_lowest_psnr",
        "jpeg_bpp_for_same_psnr_faces",
        "faces_bd_rate_vs_jpeg_pct",
        "experience_matrix",
        "experience_gap_db",
        "vq_uniform_bits_ratio",
        "vq_prior_bits_ratio",
        "notebook_seconds",
    ):
        assert key in result, key
    assert set(result["experience_matrix"]) == {"faces", "flowers", "natural"}
    assert all(set(row) == {"faces", "flowers", "natural"} for row in result["experience_matrix"].values())
    assert result["faces_lowest_bpp"] == min(p["bpp"] for p in result["faces_points"])
    assert result["vq_uniform_bpp"] > 0 and result["vq_prior_bpp"] > 0
    assert [p["rate"] for p in result["tc_faces_points"]] == [1, 2, 3]  # the VQ's twin: three rate points
    for key in ("glc_faces_bpp_at_vq_psnr", "vq_uniform_bits_ratio_vs_glc_faces", "vq_prior_bits_ratio_vs_glc_faces"):
        assert key in result, key
    assert result["notebook_seconds"] is None  # quick runs do not time the lesson
    # rate, distortion, perception: the same files decoded twice, JPEG's smallest file beside them
    for key in (
        "faces_generative_lowest_bpp",
        "param_recovery_generative_at_lowest",
        "param_recovery_mse",
        "fd_generative",
        "fd_mse",
        "psnr_generative",
        "psnr_mse",
        "jpeg_param_recovery_smallest_file",
        "jpeg_smallest_file_bpp",
    ):
        assert key in result, key
    lowest = result["faces_generative_points"][0]
    assert result["faces_generative_lowest_bpp"] == min(p["bpp"] for p in result["faces_generative_points"])
    assert result["param_recovery_mse"] == lowest["param_recovery_mse"]  # the same file: exactly matched bits
    assert result["jpeg_smallest_file_bpp"] == min(p["bpp"] for p in result["jpeg_faces_256_points"])
    assert all(0 <= p["param_recovery_generative"] <= 1 for p in result["faces_generative_points"])
    assert len(result["natural_generative_points"]) == 4


def test_natural_test_crops_come_from_kodak_or_a_packaged_photo(tiny_models, monkeypatch, tmp_path):
    from course.compression.glc.analysis import natural_test_photos, natural_test_source, test_images

    assert natural_test_source() == "Kodak" and len(natural_test_photos()) == 2
    from_kodak = test_images("natural", 2)
    monkeypatch.setenv("COURSE_KODAK_DIR", str(tmp_path / "nowhere"))
    photos = natural_test_photos()
    assert "china.jpg" in natural_test_source() and len(photos) == 1
    fallback = test_images("natural", 2)
    assert fallback.shape == from_kodak.shape == (2, 128, 128, 3) and not np.array_equal(fallback, from_kodak)


def test_interpolation_helpers():
    from course.compression.glc.analysis import bpp_at_psnr, psnr_at_bpp

    curve = [{"bpp": 0.1, "psnr": 20.0}, {"bpp": 0.4, "psnr": 30.0}]
    assert psnr_at_bpp(curve, 0.2) == pytest.approx(25.0)  # halfway in log bpp
    assert bpp_at_psnr(curve, 25.0) == pytest.approx(0.2)
    assert psnr_at_bpp(curve, 0.5) is None and bpp_at_psnr(curve, 31.0) is None


def test_jpeg_at_bpp_picks_the_quality_nearest_the_target():
    from course.compression.glc.analysis import RAW_BITS_PER_PIXEL, jpeg_at_bpp, jpeg_curve

    rng = np.random.default_rng(0)
    images = np.clip(rng.normal(128, 40, size=(2, 32, 32, 3)).cumsum(axis=2) / 3, 0, 255).astype(np.uint8)
    point = jpeg_at_bpp(images, 2.0)
    neighbours = jpeg_curve(images, [q for q in (point["rate"] - 1, point["rate"] + 1) if 1 <= q <= 100])
    distance = abs(np.log(point["bpp"] / 2.0))
    assert all(distance <= abs(np.log(p["bpp"] / 2.0)) for p in neighbours)
    assert point["ratio"] == pytest.approx(RAW_BITS_PER_PIXEL / point["bpp"])
    assert point["decoded"].shape == images.shape and 0 < point["ssim"] <= 1
    assert jpeg_at_bpp(images, 1000.0)["rate"] == 100  # beyond JPEG's largest file: quality 100
    with pytest.raises(ValueError, match="positive"):
        jpeg_at_bpp(images, 0)
