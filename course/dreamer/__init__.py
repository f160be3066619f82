"""Lesson 05: world models — Dreamer.

Two small games with a known optimal return, Catch and MiniGrid's empty room (`envs`),
DreamerV3 in one readable file — a world model with discrete latent codes, and an actor and a
critic trained on trajectories imagined in that latent space (`dreamer`) — the model-free
baseline it is measured against, DQN, with the same evaluation protocol (`dqn`), training curves
over seeds (`runs`), planning by search in latent space and in pixel space (`planning`), the
lesson's experiments and benchmark (`analysis`) and the interactive views (`widgets`).
"""

__all__ = ["MODELS", "bench"]


def __getattr__(name: str):
    # The lesson's models and benchmark are imported on first use, not with the package, so that
    # `python -m course.dreamer.runs` is the first to import `runs` (runpy warns otherwise).
    if name == "bench":
        from course.dreamer.analysis import bench

        return bench
    if name == "MODELS":
        return _models()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _models():
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
    ]
