"""GLC's shipped models (Lesson 03), each with its complete config.

One GLC recipe for the three domains; `tc_faces` is that recipe at three rate points around the
VQ's quality, the VQ's opponent on equal terms.
"""

from dataclasses import replace
from functools import partial

from course.compression.glc.generative import GenerativeConfig, load_generative, train_generative
from course.compression.glc.glc import GLCConfig, load_glc, train_glc, train_vq_twin
from course.compression.glc.perception import ReaderConfig, load_reader, train_reader
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

# The perception yardstick: a face-parameter reader trained on clean 256×256 faces (no downloaded weights)
FACE_READER = ReaderConfig(
    size=256,
    images=2000,
    validation=300,
    width=32,
    features=256,
    steps=4000,
    batch_size=32,
    lr=2e-3,
    resolution_share=0.9,
    threads=1,
    seed=2,
)

# One file, two decoders (MSE and generative) on 256×256 images; rate points are rate budgets.
# The faces' lowest budget leaves room for the 19-byte header, the two 16-bit symbol bounds and the
# ANS words under 0.01 bpp for the whole file.
GLC_FACES_GENERATIVE = GenerativeConfig(
    domain="faces",
    size=256,
    n=32,
    m=32,
    target_bpp=(0.0048, 0.009, 0.016, 0.03),
    images=1000,
    batch_size=4,
    ae_steps=2000,
    ae_crop=128,
    prior_steps=200,
    joint_steps=2000,
    gan_steps=1000,
    lr=1e-3,
    joint_lr=3e-4,
    gan_lr=2e-4,
    ssim_weight=0.05,
    lambda_rate=0.01,
    feature_weight=1.0,
    adversarial_weight=0.01,
    warmup_share=0.3,
    critic_width=12,
    critic_crop=128,
    threads=1,
    seed=0,
    label="",
)
# natural crops: budgets from 0.01 to 0.08 bpp (the lesson shows ≤ 0.05)
# (a shorter run than the faces': this one is shown, not measured against a target)
GLC_NATURAL_GENERATIVE = replace(
    GLC_FACES_GENERATIVE,
    domain="natural",
    target_bpp=(0.008, 0.016, 0.03, 0.06),
    images=600,
    ae_steps=1200,
    prior_steps=150,
    joint_steps=1200,
    gan_steps=600,
)

MODELS = (
    [
        ModelSpec(
            config.name,
            f"GLC-style codec trained on {config.domain} (autoencoder, code predictor, joint), 128×128 images",
            config,
            train_glc,
            load=partial(load_glc, config.name),
        )
        for config in (GLC_FACES, GLC_FLOWERS, GLC_NATURAL)
    ]
    + [
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
        ModelSpec(
            "face_reader",
            "reads the 35 face parameters back from a face: the lesson's perception yardstick (recovery, Fréchet distance)",
            FACE_READER,
            train_reader,
            load=load_reader,
        ),
    ]
    + [
        ModelSpec(
            config.name,
            f"one {config.domain} file, two decoders (MSE and generative: adversarial + feature matching), 256×256 images",
            config,
            train_generative,
            load=partial(load_generative, config.name),
        )
        for config in (GLC_FACES_GENERATIVE, GLC_NATURAL_GENERATIVE)
    ]
)
