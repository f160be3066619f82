"""Lesson 02's shipped agents and recorded runs, each with its complete config.

The four shipped agents share one recipe (novelty-only PPO for 600,000 steps) and differ in their
bonus and maze; the recorded MultiRoom runs (`python -m course.novelty.runs`) share another, one
run per method and seed.
"""

from dataclasses import replace

from course.core.registry import ModelSpec
from course.novelty.analysis import model_name, train_novelty_agent
from course.novelty.ngu import NGUConfig
from course.novelty.ppo import PPOConfig

NGU = NGUConfig(
    k=10,
    kernel_epsilon=1e-4,
    cluster_distance=0.008,
    pseudo_count=1e-3,
    max_similarity=8.0,
    max_modulation=5.0,
    embedding_dim=32,
    memory_size=5000,
)

# A novelty-only agent: rewarded by its bonus alone, so what it explores shows what the bonus values.
NOVELTY_AGENT = PPOConfig(
    env="four_rooms",
    novelty="ngu",
    extrinsic=False,
    total_steps=600_000,
    num_envs=16,
    num_steps=128,
    learning_rate=2.5e-4,
    anneal_lr=True,
    gamma=0.99,
    gae_lambda=0.95,
    num_minibatches=4,
    update_epochs=4,
    clip_coef=0.2,
    ent_coef=0.01,
    vf_coef=0.5,
    max_grad_norm=0.5,
    hidden=64,
    beta=0.003,
    beta_rnd=0.03,
    novelty_learning_rate=1e-3,
    novelty_hidden=64,
    embedding_weight_decay=1e-4,
    seed=0,
    ngu=NGU,
)

SHIPPED = [("pixel", "four_rooms"), ("ngu", "four_rooms"), ("pixel", "noisy_tv"), ("ngu", "noisy_tv")]
NOVELTY_AGENTS = {model_name(kind, env): replace(NOVELTY_AGENT, novelty=kind, env=env) for kind, env in SHIPPED}

# The recorded MultiRoom-N4-S5 runs (`course.novelty.runs`): the goal's reward plus a bonus, each run
# with its own `novelty` and `seed`. Smaller bonuses than in the novelty-only runs: reaching the
# goal ends the episode, and with it the stream of novelty. With β = 0.003 (r_i averages ≈ 20 a
# step in FourRooms; an episode here lasts up to 80 steps) that stream outweighed the goal's reward
# of at most 1: seed 0 reached 22 % success at 300k steps and was back at 3 % by 1M.
MULTIROOM_RUN = replace(
    NOVELTY_AGENT, env="multiroom", novelty="none", extrinsic=True, total_steps=1_000_000, beta=0.0005, beta_rnd=0.005
)

_DESCRIPTIONS = {
    "pixel": "PPO rewarded only by episodic novelty on raw observations",
    "ngu": "PPO rewarded only by NGU's novelty (inverse-dynamics embedding, RND modulator)",
}
_MAZES = {"four_rooms": "FourRooms", "noisy_tv": "FourRooms with a noisy TV"}

MODELS = [
    ModelSpec(name, f"{_DESCRIPTIONS[config.novelty]}, in {_MAZES[config.env]}", config, train_novelty_agent)
    for name, config in NOVELTY_AGENTS.items()
]
