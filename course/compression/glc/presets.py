"""GLC's shipped models (Lesson 03), each with its complete config.

One GLC recipe for the three domains; `tc_faces` is that recipe at three rate points around the
VQ's quality, the VQ's opponent on equal terms.
"""

from dataclasses import replace
from functools import partial

from course.compression.glc.glc import GLCConfig, load_glc, train_glc, train_vq_twin
from course.compression.glc.vq import VQConfig, load_vq, train_vq
from course.core.registry import ModelSpec

GLC_FACES = GLCConfig(
    domain="faces",
    n=32,
    m=48,
    lambdas=(0.000003, 0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01),
    images=2000,
    batch_size=8,
    ae_steps=8000,
    ae_crop=64,
    prior_steps=500,
    joint_steps=10000,
    lr=1e-3,
    joint_lr=3e-4,
    rounded_synthesis=True,
    ssim_weight=0.05,
    threads=2,
    seed=0,
    label="",
)
GLC_FLOWERS = replace(GLC_FACES, domain="flowers")
GLC_NATURAL = replace(GLC_FACES, domain="natural")

# The VQ's transform-coding twin: the same transforms, the same recipe and time, but like the VQ it
# spends them on a narrow range of rates — three points around the VQ's quality (~21 dB on faces)
# instead of the eight, 0.02 … 0.35 bpp, that one GLC codec serves.
TWIN_LAMBDAS = (0.000013, 0.00004, 0.00012)
TC_FACES = replace(GLC_FACES, lambdas=TWIN_LAMBDAS, label="tc_faces")

VQ_FACES = VQConfig(
    domain="faces",
    n=32,
    m=48,
    codewords=256,
    images=2000,
    batch_size=8,
    crop=0,
    steps=5000,
    lr=1e-3,
    commitment=0.25,
    ssim_weight=0.05,
    bf16=False,
    threads=1,
    seed=0,
)

MODELS = [
    ModelSpec(
        config.name,
        f"GLC-style codec trained on {config.domain} (autoencoder, code predictor, joint), 128×128 images",
        config,
        train_glc,
        load=partial(load_glc, config.name),
    )
    for config in (GLC_FACES, GLC_FLOWERS, GLC_NATURAL)
] + [
    ModelSpec(
        "vq_faces",
        "VQ autoencoder on faces (256 codewords) and its codeword-frequency prior",
        VQ_FACES,
        train_vq,
        load=lambda: load_vq("vq_faces"),
    ),
    ModelSpec(
        "tc_faces",
        f"the VQ's transform-coding twin: glc_faces's recipe at {len(TWIN_LAMBDAS)} rate points around the VQ's quality",
        TC_FACES,
        train_vq_twin,
        load=lambda: load_glc("tc_faces"),
    ),
]
