"""Lesson 06: world models — Dreamer.

Two small games with a known optimal return, Catch and MiniGrid's empty room (`envs`),
DreamerV3 in one readable file — a world model with discrete latent codes, and an actor and a
critic trained on trajectories imagined in that latent space (`dreamer`) — the model-free
baseline it is measured against, DQN, with the same evaluation protocol (`dqn`), training curves
over seeds (`runs`), planning by search in latent space and in pixel space (`planning`), the
lesson's experiments and benchmark (`analysis`) and the interactive views (`widgets`).
"""

from course.core.registry import ModelSpec, lazy_lesson

__all__ = ["MODELS", "bench"]


def _models():
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

    return [
        ModelSpec(
            name=DREAMER_NAME,
            lesson="dreamer",
            description="DreamerV3 on Catch, seed 0: world model, actor and critic",
            make_config=agent_config,
            train=train_agent,
        ),
        ModelSpec(
            name=UMAP_NAME,
            lesson="dreamer",
            description="UMAP map of the agent's latent codes (needs dreamer_catch first)",
            make_config=latent_map_config,
            train=train_latent_map,
        ),
        ModelSpec(
            name=ROOM_NAME,
            lesson="dreamer",
            description="DreamerV3 in MiniGrid's empty room (the longer game), seed 0",
            make_config=room_agent_config,
            train=train_agent,
        ),
        ModelSpec(
            name=CATCH_HEADS_NAME,
            lesson="dreamer",
            description="5 reward heads on the frozen Catch world model, for trusted planning (needs dreamer_catch)",
            make_config=catch_heads_config,
            train=train_heads,
        ),
        ModelSpec(
            name=ROOM_HEADS_NAME,
            lesson="dreamer",
            description="5 floor-cell heads on the frozen empty-room world model: any cell a goal (needs dreamer_room)",
            make_config=room_heads_config,
            train=train_heads,
        ),
    ]


__getattr__ = lazy_lesson(__name__, "course.dreamer.analysis", _models)
