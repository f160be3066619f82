"""The Kodak codec's shipped models and their configs."""

from functools import partial

from course.compression.codec.train import codec_config, train_codec
from course.compression.coding import load_codec
from course.compression.models import LAMBDAS, CodecConfig
from course.core.registry import ModelSpec

MODELS = [
    ModelSpec(
        name=CodecConfig(kind=kind).name,
        description=f"{kind} codec, variable rate: {len(LAMBDAS)} rate points, λ = {LAMBDAS[0]} … {LAMBDAS[-1]}",
        make_config=partial(codec_config, kind),
        train=train_codec,
        load=partial(load_codec, CodecConfig(kind=kind).name),
    )
    for kind in ("hyperprior", "factorized")
]
