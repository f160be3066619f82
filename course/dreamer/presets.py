"""Lesson 06's shipped models and their configs."""

from course.core.registry import ModelSpec
from course.dreamer.analysis import (
    DREAMER_NAME,
    ROOM_NAME,
    UMAP_NAME,
    agent_config,
    latent_map_config,
    room_agent_config,
    train_agent,
    train_latent_map,
)

MODELS = [
    ModelSpec(
        name=DREAMER_NAME,
        description="DreamerV3 on Catch, seed 0: world model, actor and critic",
        make_config=agent_config,
        train=train_agent,
    ),
    ModelSpec(
        name=UMAP_NAME,
        description="UMAP map of the agent's latent codes (needs dreamer_catch first)",
        make_config=latent_map_config,
        train=train_latent_map,
    ),
    ModelSpec(
        name=ROOM_NAME,
        description="DreamerV3 in MiniGrid's empty room (the longer game), seed 0",
        make_config=room_agent_config,
        train=train_agent,
    ),
]
