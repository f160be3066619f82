"""Lesson 02: novelty — can a learned embedding ignore noise the agent cannot control?

Never Give Up's intrinsic reward (`ngu`), MiniGrid mazes with a noisy TV (`envs`), PPO with a
novelty bonus in one file (`ppo`), the lesson's experiments and benchmark (`analysis`) and the
interactive views (`widgets`).
"""

from functools import partial

from course.core.registry import ModelSpec, lazy_lesson

SHIPPED = [("pixel", "four_rooms"), ("ngu", "four_rooms"), ("pixel", "noisy_tv"), ("ngu", "noisy_tv")]
_DESCRIPTIONS = {
    "pixel": "PPO rewarded only by episodic novelty on raw observations",
    "ngu": "PPO rewarded only by NGU's novelty (inverse-dynamics embedding, RND modulator)",
}

__all__ = ["MODELS", "SHIPPED", "bench"]


def _models():
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


__getattr__ = lazy_lesson(__name__, "course.novelty.analysis", _models)
