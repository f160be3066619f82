"""The learned codec's foundation: exact entropy coding, the file format and its errors, metrics, baselines."""

import numpy as np
import pytest
import torch

from course.compression import bitstream as bs
from course.compression.baselines import jpeg
from course.compression.coding import bits_per_pixel, decode, decode_symbols, encode, encode_symbols
from course.compression.metrics import bd_rate, ms_ssim, psnr, quality, ssim
from course.compression.models import CodecConfig, make_codec

SMALL = dict(n=8, m=12)  # tiny transforms: the coding path is the same at any width


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _model(kind="hyperprior", seed=0):
    torch.manual_seed(seed)
    return make_codec(CodecConfig(kind=kind, **SMALL)).eval()


def _image(h=40, w=56, seed=0):
    rng = np.random.default_rng(seed)
    smooth = np.cumsum(rng.normal(0, 6, (h, w, 3)), axis=1) + np.linspace(0, 80, h)[:, None, None]
    return np.clip(smooth + 100, 0, 255).astype(np.uint8)


def _random_symbols(model, height, width, rng, spread):
    ph, pw = -(-height // 64) * 64, -(-width // 64) * 64
    shapes = {"y": (model.config.m, ph // 16, pw // 16)}
    if model.config.kind == "hyperprior":
        shapes["z"] = (model.config.n, ph // 64, pw // 64)
    draw = lambda shape: np.round(rng.laplace(0, spread, shape)).astype(np.int32)  # noqa: E731
    return {k: draw(s) for k, s in shapes.items()}


@pytest.mark.parametrize("kind", ["hyperprior", "factorized"])
def test_latent_round_trip_is_exact(kind):
    """Property: any integer latents, any image size, come back exactly through the bitstream."""
    model = _model(kind)
    rng = np.random.default_rng(1)
    for trial in range(12):
        height, width = (int(v) for v in rng.integers(1, 200, size=2))  # odd sizes included
        spread = [0.3, 2.0, 40.0][trial % 3]
        symbols = _random_symbols(model, height, width, rng, spread)
        if trial == 0:
            symbols["y"][0, 0, 0] = 3000  # a far outlier is still codable
        data = encode_symbols(symbols, model, height, width, quality=1 + trial % 8)
        header, back = decode_symbols(data, model)
        assert header.quality == 1 + trial % 8
        assert (header.height, header.width) == (height, width)
        assert back.keys() == symbols.keys()
        for key in symbols:
            assert back[key].dtype == np.int32 and np.array_equal(back[key], symbols[key]), (trial, key)


@pytest.mark.parametrize("kind", ["hyperprior", "factorized"])
@pytest.mark.parametrize("size", [(1, 1), (37, 70), (64, 64), (65, 129)])
def test_image_round_trip_shape_and_determinism(kind, size):
    model = _model(kind)
    image = _image(*size)
    data = encode(image, model, 3)
    out = decode(data, model)
    assert out.shape == image.shape and out.dtype == np.uint8
    assert np.array_equal(decode(data, model), out)
    assert encode(image, model, 3) == data
    assert bits_per_pixel(data, *size) == 8 * len(data) / (size[0] * size[1])


@pytest.mark.parametrize("kind", ["hyperprior", "factorized"])
def test_ans_is_close_to_the_information_content(kind):
    """The payload costs what the model says the symbols cost (ANS overhead well under 1 %)."""
    from course.compression.bitstream import unpack

    model = _model(kind)
    symbols = _random_symbols(model, 256, 384, np.random.default_rng(2), spread=3.0)
    data = encode_symbols(symbols, model, 256, 384, 1)
    payload_bits = 32 * len(unpack(data)[1])
    ideal = model.information_bits(symbols)
    assert abs(payload_bits - ideal) <= 0.005 * ideal + 64  # leaky tails may cost a little less than ideal


def test_header_round_trip():
    header = bs.Header(height=513, width=7, model="codec_hyperprior", quality=5, fingerprint=b"\x01\x02\x03\x04")
    words = np.array([0, 1, 0xFFFFFFFF, 123456789], dtype=np.uint32)
    back, back_words = bs.unpack(bs.pack(header, words))
    assert back == header and np.array_equal(back_words, words)
    long = np.arange(300, dtype=np.uint32)  # a payload length needing two varint bytes
    assert np.array_equal(bs.unpack(bs.pack(header, long))[1], long)
    for model in ["my_own_codec", "glc_faces-fixed", "x" * bs.MAX_NAME]:  # a name outside the table travels in full
        for height, width in [(1, 1), (128, 128), (65535, 3)]:
            other = bs.Header(height, width, model, 1, b"\x00\x01\x02\x03")
            assert bs.unpack(bs.pack(other, words))[0] == other


def test_known_models_cost_one_byte():
    words = np.zeros(3, dtype=np.uint32)
    known = bs.pack(bs.Header(128, 128, "glc_faces", 1), words)
    unknown = bs.pack(bs.Header(128, 128, "glc_faces2", 1), words)
    assert len(known) - 4 * len(words) == 17 and len(unknown) == len(known) + len("glc_faces2") + 1


def test_header_overhead_is_small():
    words = np.zeros(600, dtype=np.uint32)  # about 0.05 bpp on a 768×512 image
    data = bs.pack(bs.Header(512, 768, "codec_hyperprior", 1), words)
    assert len(data) - 4 * len(words) == 20


@pytest.fixture(scope="module")
def stream():
    torch.set_num_threads(1)
    model = _model()
    return model, encode(_image(70, 90), model, 3)


def test_truncated_stream_is_named(stream):
    model, data = stream
    for cut in [1, 2, 5, 12, len(data) // 2, len(data) - 1]:
        with pytest.raises(bs.TruncatedBitstreamError, match="truncated"):
            decode(data[:cut], model)


def test_empty_or_foreign_bytes_are_named(stream):
    model, _ = stream
    with pytest.raises(bs.TruncatedBitstreamError):
        decode(b"", model)
    with pytest.raises(bs.NotABitstreamError, match="not a course codec file"):
        decode(b"\x89PNG\r\n\x1a\n" + bytes(40), model)
    with pytest.raises(TypeError, match="bytes"):
        decode("GLC", model)


def test_every_flipped_byte_is_detected(stream):
    model, data = stream
    for i in range(len(data)):
        corrupt = bytearray(data)
        corrupt[i] ^= 0x20
        with pytest.raises(bs.BitstreamError):  # never a wrong image, never an exception from deep inside
            decode(bytes(corrupt), model)
    payload_byte = bytearray(data)
    payload_byte[-6] ^= 1
    with pytest.raises(bs.CorruptBitstreamError, match="checksum"):
        decode(bytes(payload_byte), model)
    with pytest.raises(bs.CorruptBitstreamError, match="after the end"):
        decode(data + b"\x00", model)


def test_impossible_size_with_a_valid_checksum_is_refused(stream):
    model, data = stream
    header, words = bs.unpack(data)
    forged = bs.pack(bs.Header(65535, 65535, header.model, header.quality, header.fingerprint), words)
    with pytest.raises(bs.CorruptBitstreamError, match="65535×65535"):
        decode(forged, model)


def test_wrong_version_is_named(stream):
    model, data = stream
    old = bytearray(data)
    old[3] = 1
    with pytest.raises(bs.UnsupportedVersionError, match="version 1"):
        decode(bytes(old), model)


def test_wrong_model_or_rate_point_is_named(stream):
    model, data = stream
    with pytest.raises(bs.WrongModelError, match="'codec_hyperprior'") as err:
        decode(data, _model("factorized"))
    assert "'codec_factorized'" in str(err.value)
    header, words = bs.unpack(data)
    assert header.quality == 3
    forged = bs.pack(bs.Header(header.height, header.width, header.model, 9, header.fingerprint), words)
    with pytest.raises(bs.CorruptBitstreamError, match="rate point 9.*1 … 8"):
        decode(forged, model)


def test_every_rate_point_decodes_and_spends_its_own_bits():
    """One model, eight rate points: each file decodes at the point its header names, and an
    untrained model's gains already order the rates (finer steps at higher points)."""
    model = _model()
    image = _image(64, 96)
    files = [encode(image, model, q) for q in range(1, 9)]
    assert [bs.unpack(f)[0].quality for f in files] == list(range(1, 9))
    sizes = [len(f) for f in files]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    for q, f in enumerate(files, start=1):
        expected = model.synthesise(
            model.analyse(
                torch.from_numpy(np.pad(image, ((0, 0), (0, 32), (0, 0)), mode="edge")).permute(2, 0, 1)[None].float()
                / 255,
                q,
            ),
            q,
        )
        assert np.array_equal(
            decode(f, model), (expected[0, :, :64, :96].clamp(0, 1) * 255).round().byte().permute(1, 2, 0).numpy()
        )


def test_other_checkpoint_of_same_model_is_refused(stream):
    """Same name and rate point, other weights: refused by the fingerprint, not decoded into garbage."""
    _, data = stream
    for other in [_model(seed=1), make_codec(CodecConfig(kind="hyperprior", n=8, m=16))]:
        with pytest.raises(bs.WrongModelError, match="another checkpoint"):
            decode(data, other)


def test_grayscale_and_rgba_are_refused_with_the_fix():
    from PIL import Image

    model = _model()
    rgb = _image(20, 20)
    with pytest.raises(ValueError, match=r"grayscale.*convert\('RGB'\)"):
        encode(Image.fromarray(rgb).convert("L"), model, 3)
    with pytest.raises(ValueError, match="grayscale"):
        encode(rgb[..., 0], model, 3)
    with pytest.raises(ValueError, match=r"alpha channel.*convert\('RGB'\)"):
        encode(Image.fromarray(rgb).convert("RGBA"), model, 3)
    with pytest.raises(ValueError, match="alpha"):
        encode(np.dstack([rgb, rgb[..., :1]]), model, 3)
    with pytest.raises(ValueError, match="uint8"):
        encode(rgb / 255.0, model, 3)
    for bad in (0, 9, 2.5, True):
        with pytest.raises(ValueError, match=r"rate point .* 1 … 8"):
            encode(rgb, model, bad)
    assert decode(encode(Image.fromarray(rgb), model, 3), model).shape == (20, 20, 3)


def test_psnr_known_values():
    a = np.zeros((8, 8, 3), dtype=np.uint8)
    b = a.copy()
    assert psnr(a, b) == float("inf")
    b[:] = 1  # MSE 1
    assert psnr(a, b) == pytest.approx(20 * np.log10(255))
    b[:] = 255
    assert psnr(a, b) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="shape"):
        psnr(a, b[:4])


def test_ssim_and_ms_ssim_behave():
    image = _image(200, 240)
    noisy = np.clip(image + np.random.default_rng(0).normal(0, 10, image.shape), 0, 255).astype(np.uint8)
    noisier = np.clip(image + np.random.default_rng(0).normal(0, 30, image.shape), 0, 255).astype(np.uint8)
    assert ms_ssim(image, image) == pytest.approx(1.0)
    assert ssim(image, image) == pytest.approx(1.0)
    assert 1.0 > ms_ssim(image, noisy) > ms_ssim(image, noisier) > 0
    assert 1.0 > ssim(image, noisy) > ssim(image, noisier)
    small = _image(40, 50)
    assert quality(small, small)["ms_ssim"] == pytest.approx(1.0)  # falls back to SSIM
    with pytest.raises(ValueError, match="at least 161"):
        ms_ssim(small, small)


def test_bd_rate_known_cases():
    rate = np.array([0.1, 0.25, 0.5, 1.0, 2.0])
    q = np.array([26.0, 29.0, 32.0, 35.5, 39.0])
    assert bd_rate(rate, q, rate, q) == pytest.approx(0.0, abs=1e-9)
    assert bd_rate(rate, q, rate / 2, q) == pytest.approx(-50.0, abs=1e-6)
    assert bd_rate(rate, q, rate * 1.1, q) == pytest.approx(10.0, abs=1e-6)
    assert bd_rate(rate, q, rate, q + 1.0) < 0  # better quality at every rate: fewer bits
    with pytest.raises(ValueError, match="overlap"):
        bd_rate(rate, q, rate, q + 20)
    with pytest.raises(ValueError, match="at least 4"):
        bd_rate(rate[:3], q[:3], rate, q)


def test_jpeg_baseline_bytes_decode():
    from io import BytesIO

    from PIL import Image

    image = _image(48, 80)
    low, decoded_low = jpeg(image, 10)
    high, decoded_high = jpeg(image, 90)
    assert low[:2] == b"\xff\xd8" and len(low) < len(high)
    assert decoded_low.shape == image.shape
    assert np.array_equal(np.asarray(Image.open(BytesIO(high)).convert("RGB")), decoded_high)
    assert psnr(image, decoded_high) > psnr(image, decoded_low)


def _photo_folder(root, count=3):
    from PIL import Image

    from course.core.checkpoints import sha256_file

    folder = root / "photos"
    folder.mkdir()
    lines = []
    for i in range(count):
        path = folder / f"{i:03d}.png"
        Image.fromarray(_image(80 + 10 * i, 96, seed=i)).save(path)
        lines.append(f"{sha256_file(path)}  {path.name}")
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return folder


def test_photo_folder_is_verified(tmp_path):
    from course.compression.data import PhotoSetError, load_photos

    folder = _photo_folder(tmp_path)
    assert [im.shape for im in load_photos(folder)] == [(80, 96, 3), (90, 96, 3), (100, 96, 3)]
    (folder / "001.png").write_bytes((folder / "000.png").read_bytes())
    with pytest.raises(PhotoSetError, match="altered"):
        load_photos(folder)
    (folder / "SHA256SUMS").unlink()
    with pytest.raises(PhotoSetError, match="SHA256SUMS is missing"):
        load_photos(folder)
    with pytest.raises(PhotoSetError, match="not a folder"):
        load_photos(tmp_path / "nowhere")
    kodak = tmp_path / "kodak"
    kodak.mkdir()
    with pytest.raises(PhotoSetError, match="evaluation only"):
        load_photos(kodak)


@pytest.mark.slow
def test_quick_training_resumes_to_the_same_weights(tmp_path, monkeypatch):
    from course.compression.codec.presets import CODEC_HYPERPRIOR
    from course.compression.codec.train import train_codec, training_state_path

    folder = _photo_folder(tmp_path)
    config = CODEC_HYPERPRIOR.smoke()
    config.photos = str(folder)
    monkeypatch.setenv("COURSE_TRAINING_DIR", str(tmp_path / "straight"))
    torch.manual_seed(0)
    straight, metrics = train_codec(config)
    assert set(metrics) == {f"crop_{m}_{q}" for m in ("bpp", "psnr") for q in ("lowest", "highest")} | {
        "train_seconds_all_runs",
        "train_devices",
        "train_runs",
    }
    assert metrics["train_runs"] == [{"device": "cpu", "from_step": 0, "to_step": config.steps}]
    assert metrics["train_devices"] == ["cpu"]

    monkeypatch.setenv("COURSE_TRAINING_DIR", str(tmp_path / "resumed"))
    import course.compression.codec.train as T

    calls, real_loss = [], T.rd_loss

    def interrupted(*args):
        calls.append(1)
        if len(calls) > config.save_every + 3:
            raise KeyboardInterrupt  # stopped a few steps after the first saved state
        return real_loss(*args)

    monkeypatch.setattr(T, "rd_loss", interrupted)
    torch.manual_seed(0)
    with pytest.raises(KeyboardInterrupt):
        train_codec(config)
    monkeypatch.setattr(T, "rd_loss", real_loss)
    state = training_state_path(config.name)
    assert state.exists() and not list(state.parent.glob(".*tmp"))
    other = CODEC_HYPERPRIOR.smoke()
    other.photos, other.lr = str(folder), 1e-3
    with pytest.raises(T.TrainingStateError, match="different config"):
        train_codec(other)
    torch.manual_seed(123)  # the resumed run restores its own random state
    resumed, resumed_metrics = train_codec(config)
    # the interrupted run and the one that finished it, each with the steps it did
    assert resumed_metrics["train_runs"] == [
        {"device": "cpu", "from_step": 0, "to_step": config.save_every},
        {"device": "cpu", "from_step": config.save_every, "to_step": config.steps},
    ]
    for key in straight:
        assert torch.equal(straight[key], resumed[key]), key
    model = make_codec(config)
    model.load_state_dict(resumed)
    image = _image(50, 70)
    assert decode(encode(image, model.eval(), 2), model).shape == image.shape


def test_cli_encode_decode_with_a_saved_checkpoint(tmp_data_dir, tmp_path, capsys):
    from dataclasses import asdict

    from PIL import Image

    from course.cli import main
    from course.core.checkpoints import save_checkpoint

    model = _model("hyperprior")
    save_checkpoint(model.name, model.state_dict(), config=asdict(model.config), seed=0, train_seconds=0, metrics={})
    source, packed, target = tmp_path / "in.png", tmp_path / "out.glc", tmp_path / "back.png"
    Image.fromarray(_image(45, 67)).save(source)
    assert main(["codec", "encode", str(source), str(packed), "--quality", "2"]) == 0
    assert main(["codec", "decode", str(packed), str(target)]) == 0
    out = capsys.readouterr().out
    assert '"bpp"' in out and '"codec_hyperprior"' in out and '"quality": 2' in out
    assert np.array_equal(np.asarray(Image.open(target)), decode(packed.read_bytes(), model))
    assert main(["codec", "encode", str(source), str(packed), "--quality", "9"]) == 2
    assert "rate point 9 is not one of codec_hyperprior's 1 … 8" in capsys.readouterr().err
    assert main(["codec", "encode", str(source), str(packed), "--kind", "factorized"]) == 2
    assert "python -m course train codec_factorized" in capsys.readouterr().err
    packed.write_bytes(packed.read_bytes()[:-3])
    assert main(["codec", "decode", str(packed), str(target)]) == 2
    assert "truncated" in capsys.readouterr().err
    assert main(["codec", "decode", str(tmp_path / "missing.glc"), str(target)]) == 2
    assert "missing.glc" in capsys.readouterr().err


def test_lower_bound_lets_gradients_push_back_up():
    from course.compression.transforms import lower_bound

    x = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    y = lower_bound(x, 0.5)
    assert torch.equal(y.detach(), torch.tensor([0.5, 0.5, 2.0]))
    (-y.sum()).backward()  # gradient descent would raise every entry: all get a gradient
    assert torch.equal(x.grad, torch.tensor([-1.0, -1.0, -1.0]))
    x.grad = None
    lower_bound(x, 0.5).sum().backward()  # would lower them: the one below the bound gets none
    assert torch.equal(x.grad, torch.tensor([0.0, 1.0, 1.0]))


def test_full_size_hyperprior_matches_the_planned_architecture():
    model = make_codec(CodecConfig(kind="hyperprior"))
    assert 1.7e6 < sum(p.numel() for p in model.parameters()) < 1.9e6  # N = 64, M = 96
    x = torch.rand(1, 3, 64, 128)
    out = model.eval()(x, torch.tensor([3]))
    assert out["x_hat"].shape == x.shape
    assert out["likelihoods"]["y"].shape == (1, 96, 4, 8) and out["likelihoods"]["z"].shape == (1, 64, 1, 2)


def test_rd_points_from_real_files(tmp_path):
    from course.compression.codec.evaluate import baseline_points, bd_rate_of, codec_points, load_image_folder

    folder = _photo_folder(tmp_path)
    kodak = tmp_path / "kodak"
    folder.rename(kodak)
    images = load_image_folder(kodak)  # evaluation may read a folder that training refuses
    jpeg_points = baseline_points(images, "jpeg", qualities=(10, 30, 50, 70, 90))
    assert [p["rate"] for p in jpeg_points] == [10, 30, 50, 70, 90]
    assert all(a["bpp"] < b["bpp"] and a["psnr"] < b["psnr"] for a, b in zip(jpeg_points, jpeg_points[1:]))
    assert bd_rate_of(jpeg_points, jpeg_points) == pytest.approx(0.0, abs=1e-9)
    points, timing = codec_points(images[:1], _model("factorized"), qualities=(1, 2))
    assert [p["rate"] for p in points] == [1, 2] and set(points[0]) == {"rate", "bpp", "psnr", "ms_ssim"}
    assert timing["encode_seconds_per_image"] > 0 and timing["decode_seconds_per_image"] > 0


@pytest.mark.parametrize("kind", ["hyperprior", "factorized"])
def test_forged_payload_with_valid_checksum_never_crashes(kind):
    """Random payload words behind a valid header and checksum: a BitstreamError or an image of the
    stated size, never an exception from inside numpy or the coder (a Rust panic included)."""
    model = _model(kind)
    header, words = bs.unpack(encode(_image(70, 90), model, 3))
    rng = np.random.default_rng(0)
    for trial in range(24):
        n = [len(words), 1, 0, 3 * len(words)][trial % 4]
        forged = bs.pack(header, rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32))
        try:
            assert decode(forged, model).shape == (70, 90, 3)
        except bs.BitstreamError:
            pass


def test_crops_are_the_same_from_arrays_and_tensors():
    """A GPU run crops tensors on the device; the random draws, hence the crops, match the CPU's."""
    from course.compression.data import random_crops

    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, (40 + 9 * i, 50, 3), dtype=np.uint8) for i in range(3)]
    a = random_crops(images, 12, 32, torch.Generator().manual_seed(5))
    b = random_crops([torch.from_numpy(im) for im in images], 12, 32, torch.Generator().manual_seed(5))
    assert a.shape == (12, 3, 32, 32) and torch.equal(a, b)
    views = {tuple(c.flatten()[:6].tolist()) for c in a}
    assert len(views) > 6  # different places, mirrors and turns


@pytest.mark.slow
def test_bench_codec_reports_the_issue_keys(tmp_data_dir, tmp_path, monkeypatch):
    """`bench codec --quick` on a stand-in Kodak folder, with small saved models."""
    from dataclasses import asdict

    from course.compression.codec.analysis import bench
    from course.core.checkpoints import save_checkpoint

    folder = _photo_folder(tmp_path, count=2)
    with pytest.raises(FileNotFoundError, match="COURSE_KODAK_DIR"):
        monkeypatch.setenv("COURSE_KODAK_DIR", str(tmp_path / "nowhere"))
        bench(quick=True)
    monkeypatch.setenv("COURSE_KODAK_DIR", str(folder))
    for kind in ("hyperprior", "factorized"):
        model = _model(kind)
        save_checkpoint(
            model.name, model.state_dict(), config=asdict(model.config), seed=0, train_seconds=0, metrics={}
        )
    result = bench(quick=True)
    assert set(result["kodak_points"]) >= {"ours-hyperprior", "ours-factorized", "jpeg", "webp"}
    assert [p["rate"] for p in result["kodak_points"]["ours-hyperprior"]] == [1, 3, 5, 8]
    for key in (
        "kodak_bd_rate_vs_jpeg_pct",
        "kodak_bd_rate_factorized_vs_jpeg_pct",
        "bitstream_overhead_pct",
        "encode_seconds_per_image",
        "decode_seconds_per_image",
    ):
        assert key in result
    assert result["encode_seconds_per_image"] > 0 and 0 < result["bitstream_overhead_pct"] < 100
    jpeg = result["kodak_points"]["jpeg"]
    assert all(a["bpp"] < b["bpp"] for a, b in zip(jpeg, jpeg[1:]))


def test_training_state_from_before_a_new_config_field_still_resumes():
    import json
    from dataclasses import asdict

    from course.compression.codec.train import _same_config

    config = CodecConfig()
    old = asdict(config)
    old.pop("label")  # a state written before `label` existed
    assert _same_config(json.dumps(old), config)
    config.label = "glc_faces"  # ... but not for a config that uses the new field
    assert not _same_config(json.dumps(old), config)
    assert not _same_config(None, CodecConfig())


def _decoded_residual(model, x: torch.Tensor, quality: int) -> tuple[torch.Tensor, dict]:
    """(what the synthesis received, rescaled, minus the predicted mean; the forward's output)."""
    seen = {}
    model.h_s.register_forward_hook(lambda mod, args, out: seen.__setitem__("mean", out.chunk(2, dim=1)[0]))
    model.g_s.register_forward_pre_hook(lambda mod, args: seen.__setitem__("y_dec", args[0]))
    out = model(x, quality)
    qualities = torch.full((x.shape[0],), quality)
    return model.gains.scale(seen["y_dec"], qualities) - seen["mean"], out


def test_rounded_synthesis_decodes_integers_in_training_and_still_trains_the_encoder():
    model = make_codec(CodecConfig(kind="hyperprior", n=8, m=12, bf16=False, rounded_synthesis=True)).train()
    torch.manual_seed(0)
    x = torch.rand(2, 3, 64, 64)
    residual, out = _decoded_residual(model, x, 3)
    assert torch.allclose(residual, torch.round(residual), atol=1e-3)  # the decoder saw rounded latents
    out["x_hat"].square().mean().backward()
    assert model.g_a[0].weight.grad.abs().sum() > 0  # …and the encoder still gets a gradient through them
    noisy = make_codec(CodecConfig(kind="hyperprior", n=8, m=12, bf16=False)).train()
    noisy.load_state_dict(model.state_dict())
    residual, _ = _decoded_residual(noisy, x, 3)
    assert not torch.allclose(residual, torch.round(residual), atol=1e-3)  # the default decodes noisy ones


@pytest.mark.slow
def test_kodak_rd_figure_draws_every_codec_and_the_published_points(tmp_path):
    import json
    import os
    import subprocess
    import sys

    from course.compression.codec.analysis import PUBLISHED_POINTS, kodak_rd_figure

    curve = lambda shift: [{"rate": q, "bpp": 0.1 * q, "psnr": 25 + q + shift, "ms_ssim": 0.9} for q in range(1, 6)]
    result = {
        "images": 2,
        "kodak_points": {
            "ours-hyperprior": curve(1),
            "ours-factorized": curve(0.5),
            "jpeg": curve(0),
            "webp": curve(0.2),
        },
        "kodak_bd_rate_vs_jpeg_pct": -20.0,
        "kodak_bd_rate_factorized_vs_jpeg_pct": -10.0,
        "bd_rate_max_bpp": 1.0,
    }
    fig = kodak_rd_figure(result)
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert "ours: hyperprior" in labels and "JPEG (Pillow, optimize, 4:2:0)" in labels
    assert all(name in labels for name in PUBLISHED_POINTS)
    assert fig.axes[0].get_xlabel().startswith("bits per pixel") and "PSNR" in fig.axes[0].get_ylabel()
    source, figure = tmp_path / "codec.json", tmp_path / "codec.png"
    source.write_text(json.dumps(result))
    subprocess.run(
        [sys.executable, "-m", "course.compression.codec.kodak_figure", str(source), str(figure)],
        check=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert figure.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_a_file_from_the_shipped_codec_decodes_bit_exactly_in_a_fresh_process(tmp_path):
    import os
    import subprocess
    import sys

    from PIL import Image

    from course.compression.coding import load_codec

    source, packed, back = tmp_path / "in.png", tmp_path / "out.glc", tmp_path / "back.png"
    Image.fromarray(_image(70, 90)).save(source)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    for command in (["encode", str(source), str(packed), "--quality", "3"], ["decode", str(packed), str(back)]):
        subprocess.run([sys.executable, "-m", "course", "codec", *command], check=True, env=env, capture_output=True)
    here = decode(packed.read_bytes(), load_codec("codec_hyperprior"))  # this process, its own thread count
    assert here.shape == (70, 90, 3) and np.array_equal(np.asarray(Image.open(back)), here)


# ---------------------------------------------------------------- files of every course model, and bad ones


def _png_header_only(path, width, height):
    """A PNG whose header claims width × height pixels (no pixel data): what Pillow reads before
    it decodes anything, so a size check can refuse it without allocating the image."""
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    return path


def test_16_bit_greyscale_is_scaled_to_8_bits_not_clipped_to_white():
    from PIL import Image

    from course.compression.coding import as_rgb_array, rgb8

    values = np.linspace(0, 65535, 40 * 56).reshape(40, 56).astype(np.uint16)
    image = Image.fromarray(values)  # mode I;16
    assert image.mode.startswith("I;16")
    with pytest.raises(ValueError, match=r"rgb8\(image\)"):
        as_rgb_array(image)
    rgb = rgb8(image)
    assert rgb.shape == (40, 56, 3) and rgb.dtype == np.uint8
    assert np.array_equal(rgb[..., 0], np.round(values / 257.0).astype(np.uint8))  # 0 … 255, not all white
    assert np.array_equal(rgb8(Image.fromarray(values.astype(np.int32))), rgb)  # a 16-bit PNG opened as mode I
    floats = Image.fromarray((values / 65535.0).astype(np.float32))
    assert np.abs(rgb8(floats).astype(int) - rgb.astype(int)).max() <= 1


def test_images_over_the_measured_limit_get_a_clear_error_before_any_allocation(tmp_path):
    from course.compression.coding import MAX_PIXELS
    from course.compression.files import read_image

    for width, height in [(15000, 15000), (4200, 4200)]:  # Pillow's decompression bomb; just over the limit
        assert width * height > MAX_PIXELS
        with pytest.raises(ValueError, match="megapixels") as err:
            read_image(_png_header_only(tmp_path / f"{width}.png", width, height))
        assert "DecompressionBomb" not in str(err.value) and "tiles" in str(err.value)


@pytest.mark.slow
def test_memory_per_megapixel_keeps_the_largest_image_within_a_few_gigabytes():
    """The limit comes from measured memory: peak RSS of encoding at two sizes, extrapolated."""
    import subprocess
    import sys

    from course.compression.coding import MAX_PIXELS, MEGABYTES_PER_MEGAPIXEL

    code = (
        "import resource, sys, numpy as np, torch\n"
        "torch.set_num_threads(1)\n"
        "from course.compression.coding import encode, load_codec\n"
        "model = load_codec('codec_hyperprior')\n"
        "side = int((float(sys.argv[1]) * 2**20) ** 0.5)\n"
        "image = (np.random.default_rng(0).random((side, side, 3)) * 255).astype(np.uint8)\n"
        "encode(image, model, 8)\n"
        # VmHWM is this program's own peak: ru_maxrss also counts the parent's size before exec
        "status = open('/proc/self/status').read() if sys.platform == 'linux' else ''\n"
        "hwm = [line.split()[1] for line in status.splitlines() if line.startswith('VmHWM:')]\n"
        "print(int(hwm[0]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    peaks = {}
    for megapixels in (0.25, 1.0):
        done = subprocess.run(
            [sys.executable, "-c", code, str(megapixels)], capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        peaks[megapixels] = float(done.stdout.split()[-1])
    slope = (peaks[1.0] - peaks[0.25]) / 0.75
    assert 0.5 * MEGABYTES_PER_MEGAPIXEL < slope < 1.5 * MEGABYTES_PER_MEGAPIXEL, slope
    at_limit = peaks[1.0] + slope * (MAX_PIXELS / 2**20 - 1)
    assert at_limit < 5 * 1024, f"{at_limit:.0f} MB at the codec's limit"


@pytest.fixture(scope="module")
def course_files(tmp_path_factory):
    """A face coded by every kind of course model that writes .glc files, with its in-process decoding."""
    from course.compression.coding import load_codec
    from course.compression.glc.domains import faces
    from course.compression.glc.glc import fixed_length_decode, fixed_length_file, load_glc
    from course.compression.glc.vq import decode_bytes, load_vq, prior_bytes, uniform_bytes

    folder = tmp_path_factory.mktemp("course_files")
    face = faces(1, seed=5)[0]
    files = {}
    for name in ("codec_hyperprior", "glc_faces", "tc_faces"):
        model = load_codec(name) if name.startswith("codec") else load_glc(name)
        files[name] = (encode(face, model, 1), lambda data, model=model: decode(data, model))
    stage1 = load_glc("glc_faces", "stage1")
    files["glc_faces-fixed"] = (fixed_length_file(stage1, face, 1), lambda data: fixed_length_decode(data, stage1))
    vq, prior = load_vq("vq_faces")
    files["vq_faces-uniform"] = (uniform_bytes(vq, face), lambda data: decode_bytes(data, vq))
    files["vq_faces-prior"] = (prior_bytes(vq, prior, face), lambda data: decode_bytes(data, vq, prior))
    return folder, files


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["codec_hyperprior", "glc_faces", "tc_faces", "glc_faces-fixed", "vq_faces-uniform", "vq_faces-prior"]
)
def test_codec_decode_reads_a_file_of_every_course_model_that_codes_images(course_files, name):
    from PIL import Image

    from course.cli import main

    folder, files = course_files
    data, decoder = files[name]
    source, target = folder / f"{name}.glc", folder / f"{name}.png"
    source.write_bytes(data)
    assert main(["codec", "decode", str(source), str(target)]) == 0
    assert np.array_equal(np.asarray(Image.open(target)), decoder(data))


def test_codec_decode_of_a_model_that_codes_no_images_names_the_ones_that_do(tmp_path, capsys):
    from course.cli import main

    for name, what in [("sprites_vae", "codes no images"), ("no_such_model", "none of the course's")]:
        source = tmp_path / f"{name}.glc"
        source.write_bytes(bs.pack(bs.Header(32, 32, name, 1), np.zeros(2, np.uint32)))
        assert main(["codec", "decode", str(source), str(tmp_path / "out.png")]) == 2
        err = capsys.readouterr().err
        assert what in err and "glc_faces-fixed" in err and "vq_faces-prior" in err
        assert "train" not in err and err.count("\n") == 1  # one line, and no model `train` does not know
    assert not (tmp_path / "out.png").exists()


def test_a_fixed_length_file_from_other_weights_is_refused_not_decoded(course_files, tmp_path, capsys):
    from course.cli import main

    _, files = course_files
    data = bytearray(files["glc_faces-fixed"][0])
    header, words = bs.unpack(bytes(data))
    forged = bs.pack(bs.Header(header.height, header.width, header.model, header.quality, b"\0\0\0\0"), words)
    source = tmp_path / "other.glc"
    source.write_bytes(forged)
    assert main(["codec", "decode", str(source), str(tmp_path / "out.png")]) == 2
    assert "other weights" in capsys.readouterr().err and not (tmp_path / "out.png").exists()


def test_codec_never_writes_over_its_input_and_names_a_folder_target(tmp_path, capsys):
    import os

    from PIL import Image

    from course.cli import main

    source = tmp_path / "in.png"
    Image.fromarray(_image(45, 67)).save(source)
    before = source.read_bytes()
    os.link(source, tmp_path / "hardlink.png")
    for target in (source, tmp_path / "." / "in.png", tmp_path / "hardlink.png"):
        assert main(["codec", "encode", str(source), str(target)]) == 2
        assert "is the input file" in capsys.readouterr().err
        assert source.read_bytes() == before
    (tmp_path / "folder").mkdir()
    assert main(["codec", "encode", str(source), str(tmp_path / "folder")]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "folder") in err and ".tmp" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "hardlink.png", "in.png"]
