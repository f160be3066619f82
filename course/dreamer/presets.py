"""Lesson 06's shipped models and their configs."""

from course.core.registry import ModelSpec
from course.dreamer.analysis import (
    CATCH_HEADS_NAME,
    DREAMER_NAME,
    ROOM_HEADS_NAME,
    ROOM_NAME,
    UMAP_NAME,
    agent_config,
    catch_heads_config,
    latent_map_config,
    room_agent_config,
    room_heads_config,
    train_agent,
    train_heads,
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
    ModelSpec(
        name=CATCH_HEADS_NAME,
        description="5 reward heads on the frozen Catch world model, for trusted planning (needs dreamer_catch)",
        make_config=catch_heads_config,
        train=train_heads,
    ),
    ModelSpec(
        name=ROOM_HEADS_NAME,
        description="5 floor-cell heads on the frozen empty-room world model: any cell a goal (needs dreamer_room)",
        make_config=room_heads_config,
        train=train_heads,
    ),
]
