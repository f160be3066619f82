"""The Kodak codec's shipped models, each with its complete config."""

from dataclasses import replace
from functools import partial

from course.compression.codec.train import train_codec
from course.compression.coding import load_codec
from course.compression.models import LAMBDAS, CodecConfig
from course.core.registry import ModelSpec

CODEC_HYPERPRIOR = CodecConfig(
    kind="hyperprior",
    lambdas=LAMBDAS,
    n=64,
    m=96,
    steps=150_000,
    batch_size=8,
    crop=128,
    lr=1e-4,
    clip=1.0,
    save_every=1000,
    photos="",
    bf16=True,
    seed=0,
    label="",
    rounded_synthesis=False,
)
# The factorized prior is the comparison model: it trains for about half the hyperprior's steps,
# which keeps the two shipped codecs within a day of CPU (the README compares both at equal steps too).
CODEC_FACTORIZED = replace(CODEC_HYPERPRIOR, kind="factorized", steps=80_000)

MODELS = [
    ModelSpec(
        config.name,
        f"{config.kind} codec, variable rate: {len(LAMBDAS)} rate points, λ = {LAMBDAS[0]} … {LAMBDAS[-1]}",
        config,
        train_codec,
        load=partial(load_codec, config.name),
    )
    for config in (CODEC_HYPERPRIOR, CODEC_FACTORIZED)
]
