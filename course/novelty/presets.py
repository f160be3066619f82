"""Lesson 02's shipped agents and recorded runs. Their complete configs are in `presets.yaml`,
beside this file: four novelty-only agents (one recipe; their bonus and maze differ) and the
recipe of the recorded MultiRoom runs (`python -m course.novelty.runs`)."""

from course.core.presets import read_presets
from course.core.registry import ModelSpec
from course.novelty.analysis import model_name, train_novelty_agent
from course.novelty.ppo import PPOConfig

PRESETS = read_presets(__file__, PPOConfig)

SHIPPED = [("pixel", "four_rooms"), ("ngu", "four_rooms"), ("pixel", "noisy_tv"), ("ngu", "noisy_tv")]
NOVELTY_AGENTS = {model_name(kind, env): PRESETS[model_name(kind, env)] for kind, env in SHIPPED}
MULTIROOM_RUN = PRESETS["multiroom_run"]  # the goal's reward plus a bonus, each run its own method and seed

_DESCRIPTIONS = {
    "pixel": "PPO rewarded only by episodic novelty on raw observations",
    "ngu": "PPO rewarded only by NGU's novelty (inverse-dynamics embedding, RND modulator)",
}
_MAZES = {"four_rooms": "FourRooms", "noisy_tv": "FourRooms with a noisy TV"}

MODELS = [
    ModelSpec(name, f"{_DESCRIPTIONS[config.novelty]}, in {_MAZES[config.env]}", config, train_novelty_agent)
    for name, config in NOVELTY_AGENTS.items()
]
