"""The Kodak codec's shipped models. Their complete configs are in `presets.yaml`, beside this file."""

from functools import partial

from course.compression.codec.train import train_codec
from course.compression.coding import load_codec
from course.compression.models import CodecConfig
from course.core.presets import read_presets
from course.core.registry import ModelSpec

PRESETS = read_presets(__file__, CodecConfig)
CODEC_HYPERPRIOR = PRESETS["codec_hyperprior"]

MODELS = [
    ModelSpec(
        name,
        f"{config.kind} codec, variable rate: {config.rate_points} rate points, "
        f"λ = {config.lambdas[0]} … {config.lambdas[-1]}",
        config,
        train_codec,
        load=partial(load_codec, name),
    )
    for name, config in PRESETS.items()
]
