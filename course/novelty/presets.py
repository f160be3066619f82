"""Lesson 02's shipped agents and their configs."""

from functools import partial

from course.core.registry import ModelSpec
from course.novelty.analysis import model_name, novelty_config, train_novelty_agent

SHIPPED = [("pixel", "four_rooms"), ("ngu", "four_rooms"), ("pixel", "noisy_tv"), ("ngu", "noisy_tv")]
_DESCRIPTIONS = {
    "pixel": "PPO rewarded only by episodic novelty on raw observations",
    "ngu": "PPO rewarded only by NGU's novelty (inverse-dynamics embedding, RND modulator)",
}

MODELS = [
    ModelSpec(
        name=model_name(kind, env),
        description=f"{_DESCRIPTIONS[kind]}, in {'FourRooms' if env == 'four_rooms' else 'FourRooms with a noisy TV'}",
        make_config=partial(novelty_config, kind, env),
        train=train_novelty_agent,
    )
    for kind, env in SHIPPED
]
