"""Lesson 03: a learned image codec against JPEG, WebP and AVIF (`bench codec`), and GLC.

`transforms` (GDN analysis/synthesis and the hyperprior's transforms), `entropy` (factorized and
Gaussian-conditional entropy models, coded with constriction's ANS), `models` (the hyperprior and
factorized-prior codecs), `bitstream` (the file format and its errors), `codec` (encode/decode),
`metrics` (PSNR, MS-SSIM, BD-rate), `baselines` (JPEG, WebP, AVIF via Pillow), `data` and
`train` (resumable R + λ·D training on photo crops), `bench` and `kodak_figure` (the Kodak
figures and their plot).
"""

from course.compression.bench import bench
from course.compression.bitstream import (
    BitstreamError,
    CorruptBitstreamError,
    NotABitstreamError,
    TruncatedBitstreamError,
    UnsupportedVersionError,
    WrongModelError,
)
from course.compression.codec import bits_per_pixel, decode, encode
from course.compression.glc import TWIN_LAMBDAS, glc_config, train_glc, train_vq_twin, vq_twin_config
from course.compression.models import LAMBDAS, CodecConfig, make_codec
from course.compression.train import codec_config, train_codec
from course.compression.vq import train_vq, vq_config
from course.core.registry import ModelSpec

MODELS = (
    [
        ModelSpec(
            name=CodecConfig(kind=kind).name,
            lesson="compression",
            description=f"{kind} codec, variable rate: {len(LAMBDAS)} rate points, λ = {LAMBDAS[0]} … {LAMBDAS[-1]}",
            make_config=lambda quick, kind=kind: codec_config(kind, quick),
            train=train_codec,
        )
        for kind in ("hyperprior", "factorized")
    ]
    + [
        ModelSpec(
            name=f"glc_{domain}",
            lesson="compression",
            description=f"GLC-style codec trained on {domain} (autoencoder, code predictor, joint), 128×128 images",
            make_config=lambda quick, domain=domain: glc_config(domain, quick),
            train=train_glc,
        )
        for domain in ("faces", "flowers", "natural")
    ]
    + [
        ModelSpec(
            name="vq_faces",
            lesson="compression",
            description="VQ autoencoder on faces (256 codewords) and its codeword-frequency prior",
            make_config=lambda quick: vq_config("faces", quick),
            train=train_vq,
        ),
        ModelSpec(
            name="tc_faces",
            lesson="compression",
            description=f"the VQ's transform-coding twin: glc_faces's recipe at {len(TWIN_LAMBDAS)} rate points around the VQ's quality",
            make_config=vq_twin_config,
            train=train_vq_twin,
        ),
    ]
)

__all__ = [
    "BitstreamError",
    "CodecConfig",
    "CorruptBitstreamError",
    "MODELS",
    "bench",
    "NotABitstreamError",
    "TruncatedBitstreamError",
    "UnsupportedVersionError",
    "WrongModelError",
    "bits_per_pixel",
    "decode",
    "encode",
    "make_codec",
    "train_codec",
]
