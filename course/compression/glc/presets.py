"""GLC's shipped models (Lesson 03) and their configs."""

from functools import partial

from course.compression.glc.glc import TWIN_LAMBDAS, glc_config, load_glc, train_glc, train_vq_twin, vq_twin_config
from course.compression.glc.vq import load_vq, train_vq, vq_config
from course.core.registry import ModelSpec

MODELS = [
    ModelSpec(
        name=f"glc_{domain}",
        description=f"GLC-style codec trained on {domain} (autoencoder, code predictor, joint), 128×128 images",
        make_config=partial(glc_config, domain),
        train=train_glc,
        load=partial(load_glc, f"glc_{domain}"),
    )
    for domain in ("faces", "flowers", "natural")
] + [
    ModelSpec(
        name="vq_faces",
        description="VQ autoencoder on faces (256 codewords) and its codeword-frequency prior",
        make_config=lambda quick: vq_config("faces", quick),
        train=train_vq,
        load=lambda: load_vq("vq_faces"),
    ),
    ModelSpec(
        name="tc_faces",
        description=f"the VQ's transform-coding twin: glc_faces's recipe at {len(TWIN_LAMBDAS)} rate points around the VQ's quality",
        make_config=vq_twin_config,
        train=train_vq_twin,
        load=lambda: load_glc("tc_faces"),
    ),
]
