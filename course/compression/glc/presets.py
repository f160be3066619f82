"""GLC's shipped models (Lesson 03). Their complete configs are in `presets.yaml`, beside this file:
one GLC recipe for three domains, the VQ and its transform-coding twin, the face-parameter reader,
and the two-decoder (MSE and generative) codecs on 256×256 images."""

from functools import partial

from course.compression.glc.generative import GenerativeConfig, load_generative, train_generative
from course.compression.glc.glc import GLCConfig, load_glc, train_glc, train_vq_twin
from course.compression.glc.perception import ReaderConfig, load_reader, train_reader
from course.compression.glc.vq import VQConfig, load_vq, train_vq
from course.core.presets import read_presets
from course.core.registry import ModelSpec

PRESETS = read_presets(__file__, GLCConfig, VQConfig, ReaderConfig, GenerativeConfig)

MODELS = (
    [
        ModelSpec(
            name,
            f"GLC-style codec trained on {PRESETS[name].domain} (autoencoder, code predictor, joint), 128×128 images",
            PRESETS[name],
            train_glc,
            load=partial(load_glc, name),
        )
        for name in ("glc_faces", "glc_flowers", "glc_natural")
    ]
    + [
        ModelSpec(
            "vq_faces",
            "VQ autoencoder on faces (256 codewords) and its codeword-frequency prior",
            PRESETS["vq_faces"],
            train_vq,
            load=lambda: load_vq("vq_faces"),
        ),
        ModelSpec(
            "tc_faces",
            f"the VQ's transform-coding twin: glc_faces's recipe at {PRESETS['tc_faces'].codec().rate_points} "
            "rate points around the VQ's quality",
            PRESETS["tc_faces"],
            train_vq_twin,
            load=lambda: load_glc("tc_faces"),
        ),
        ModelSpec(
            "face_reader",
            "reads the 35 face parameters back from a face: the lesson's perception yardstick (recovery, Fréchet distance)",
            PRESETS["face_reader"],
            train_reader,
            load=load_reader,
        ),
    ]
    + [
        ModelSpec(
            name,
            f"one {PRESETS[name].domain} file, two decoders (MSE and generative: adversarial + feature matching), "
            "256×256 images",
            PRESETS[name],
            train_generative,
            load=partial(load_generative, name),
        )
        for name in ("glc_faces_generative", "glc_natural_generative")
    ]
)
