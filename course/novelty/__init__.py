"""Lesson 02: novelty — can a learned embedding ignore noise the agent cannot control?

Never Give Up's intrinsic reward (`ngu`), MiniGrid mazes with a noisy TV (`envs`), PPO with a
novelty bonus in one file (`ppo`), the lesson's experiments and benchmark (`analysis`) and the
interactive views (`widgets`).
"""

SHIPPED = [("pixel", "four_rooms"), ("ngu", "four_rooms"), ("pixel", "noisy_tv"), ("ngu", "noisy_tv")]
_DESCRIPTIONS = {
    "pixel": "PPO rewarded only by episodic novelty on raw observations",
    "ngu": "PPO rewarded only by NGU's novelty (inverse-dynamics embedding, RND modulator)",
}

__all__ = ["MODELS", "SHIPPED", "bench"]


def __getattr__(name: str):
    # The lesson's models and benchmark are imported on first use, not with the package, so that
    # `python -m course.novelty.runs` is the first to import `runs` (runpy warns otherwise).
    if name == "bench":
        from course.novelty.analysis import bench

        return bench
    if name == "MODELS":
        return _models()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _models():
    from functools import partial

    from course.core.registry import ModelSpec
    from course.novelty.analysis import model_name, novelty_config, train_novelty_agent

    return [
        ModelSpec(
            name=model_name(kind, env),
            lesson="ngu",
            description=f"{_DESCRIPTIONS[kind]}, in {'FourRooms' if env == 'four_rooms' else 'FourRooms with a noisy TV'}",
            make_config=partial(novelty_config, kind, env),
            train=train_novelty_agent,
        )
        for kind, env in SHIPPED
    ]
