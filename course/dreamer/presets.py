"""Lesson 06's shipped agents and recorded runs. Their complete configs are in `presets.yaml`,
beside this file: the recorded runs use one recipe per game and method (`python -m
course.dreamer.runs`, each run with its own seed); the shipped agents are the seed-0 recipe
trained on past its solve point to a fixed number of real steps, so every machine trains the same
agent."""

from course.core.presets import read_presets
from course.core.registry import ModelSpec
from course.dreamer.analysis import (
    CATCH_HEADS_NAME,
    DREAMER_NAME,
    ROOM_HEADS_NAME,
    ROOM_NAME,
    UMAP_NAME,
    LatentMapConfig,
    train_latent_map,
)
from course.dreamer.dqn import DQNConfig
from course.dreamer.dreamer import DreamerConfig
from course.dreamer.heads import HeadsConfig, train_heads
from course.dreamer.runs import train_agent

PRESETS = read_presets(__file__, DreamerConfig, DQNConfig, LatentMapConfig, HeadsConfig)

DREAMER_RUNS = {"catch": PRESETS["catch_run"], "empty_room": PRESETS["room_run"]}
DQN_RUNS = {"catch": PRESETS["dqn_catch_run"], "empty_room": PRESETS["dqn_room_run"]}

MODELS = [
    ModelSpec(
        DREAMER_NAME, "DreamerV3 on Catch, seed 0: world model, actor and critic", PRESETS[DREAMER_NAME], train_agent
    ),
    ModelSpec(
        UMAP_NAME,
        "UMAP map of the agent's latent codes (needs dreamer_catch first)",
        PRESETS[UMAP_NAME],
        train_latent_map,
    ),
    ModelSpec(
        ROOM_NAME, "DreamerV3 in MiniGrid's empty room (the longer game), seed 0", PRESETS[ROOM_NAME], train_agent
    ),
    ModelSpec(
        CATCH_HEADS_NAME,
        "5 reward heads on the frozen Catch world model, for trusted planning (needs dreamer_catch)",
        PRESETS[CATCH_HEADS_NAME],
        train_heads,
    ),
    ModelSpec(
        ROOM_HEADS_NAME,
        "5 floor-cell heads on the frozen empty-room world model: any cell a goal (needs dreamer_room)",
        PRESETS[ROOM_HEADS_NAME],
        train_heads,
    ),
]
