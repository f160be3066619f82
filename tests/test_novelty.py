"""NGU's intrinsic reward on cases whose answer is known."""

import numpy as np
import pytest
import torch

from course.novelty.ngu import (
    EpisodicMemory,
    InverseDynamics,
    NGUConfig,
    RandomNetworkDistillation,
    intrinsic_reward,
    kernel_sum_reward,
)

CONFIG = NGUConfig()


def test_k_twins_give_the_textbook_value():
    reward = kernel_sum_reward(np.zeros(10), mean_sq_distance=1.0, config=CONFIG)
    assert reward == pytest.approx(1.0 / (np.sqrt(10) + CONFIG.pseudo_count))


def test_distances_within_the_cluster_radius_count_as_twins():
    near = kernel_sum_reward(np.full(10, 0.5 * CONFIG.cluster_distance), 1.0, CONFIG)
    assert near == pytest.approx(kernel_sum_reward(np.zeros(10), 1.0, CONFIG))


def test_far_neighbours_mean_a_large_reward():
    far = kernel_sum_reward(np.full(10, 4.0), 1.0, CONFIG)
    assert far > 10 * kernel_sum_reward(np.zeros(10), 1.0, CONFIG)


def test_too_familiar_states_earn_nothing():
    config = NGUConfig(k=100)  # 100 twins: sqrt(100) = 10 > s_m = 8
    assert kernel_sum_reward(np.zeros(100), 1.0, config) == 0.0


def test_distances_are_measured_relative_to_their_running_mean():
    assert kernel_sum_reward(np.full(10, 2.0), 2.0, CONFIG) == pytest.approx(
        kernel_sum_reward(np.ones(10), 1.0, CONFIG)
    )


def test_revisiting_a_state_pays_less_and_less():
    memory = EpisodicMemory(CONFIG)
    rng = np.random.default_rng(0)
    for _ in range(30):  # a varied episode so far
        memory.episodic_reward(rng.normal(size=4))
    home = rng.normal(size=4)
    rewards = [memory.episodic_reward(home) for _ in range(8)]
    assert all(a > b for a, b in zip(rewards, rewards[1:]))
    assert memory.episodic_reward(home + 10.0) > rewards[0]
    memory.reset()
    assert memory.embeddings == [] and memory.mean_sq_distance > 0


def test_an_embedding_that_ignores_the_noisy_tv_stops_rewarding_it():
    """Standing in front of a TV that shows a new random picture every step: in raw pixels each
    step is a new state; in an embedding that keeps only what the agent controls, it is one."""
    rng = np.random.default_rng(1)
    position = np.array([3.0, 4.0])
    raw, controllable = EpisodicMemory(CONFIG), EpisodicMemory(CONFIG)
    raw_rewards, controlled_rewards = [], []
    for _ in range(40):
        tv = rng.normal(size=16)
        raw_rewards.append(raw.episodic_reward(np.concatenate([position, tv])))
        controlled_rewards.append(controllable.episodic_reward(position))
    assert np.mean(raw_rewards[10:]) > 3 * np.mean(controlled_rewards[10:])


@pytest.mark.slow
def test_life_long_modulator_is_higher_for_unvisited_states():
    torch.manual_seed(0)
    rnd = RandomNetworkDistillation(obs_dim=8)
    optimizer = torch.optim.Adam(rnd.predictor.parameters(), lr=1e-2)
    visited = torch.zeros(64, 8)
    visited[:, 0] = 1.0
    for _ in range(200):
        loss = rnd.error(visited).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    unvisited = torch.zeros(1, 8)
    unvisited[0, 5] = 3.0
    alpha = rnd.modulator(torch.cat([visited[:1], unvisited]))
    assert alpha[1] > alpha[0]


def test_intrinsic_reward_clips_the_modulator():
    out = intrinsic_reward(np.array([1.0, 1.0, 1.0]), np.array([0.2, 2.0, 50.0]), CONFIG)
    assert np.allclose(out, [1.0, 2.0, CONFIG.max_modulation])


@pytest.mark.slow
def test_inverse_dynamics_learns_which_action_was_taken():
    """A one-dimensional corridor plus uncontrollable noise: actions move the agent left/right."""
    torch.manual_seed(0)
    n, cells = 512, 10
    positions = torch.randint(1, cells - 1, (n,))
    actions = torch.randint(0, 2, (n,))
    next_positions = positions + (2 * actions - 1)

    def observe(p):
        return torch.cat([torch.nn.functional.one_hot(p, cells).float(), torch.randn(len(p), 6)], dim=1)

    model = InverseDynamics(obs_dim=cells + 6, n_actions=2, config=CONFIG)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    obs, next_obs = observe(positions), observe(next_positions)
    for _ in range(300):
        loss = model.loss(obs, next_obs, actions)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    accuracy = (model.action_logits(obs, next_obs).argmax(1) == actions).float().mean()
    assert accuracy > 0.95
