"""Lesson 06's machinery: the games, DreamerV3's pieces, and one step of each trainer."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.dreamer import dreamer as D
from course.dreamer.dqn import DQNConfig, train_dqn
from course.dreamer.envs import Catch, EmptyRoom, make_env, solved_at, terminal


def play(env: Catch, policy) -> tuple[float, int]:
    env.reset()
    total, steps, done = 0.0, 0, False
    while not done:
        _, reward, done = env.step(policy(env))
        total += reward
        steps += 1
    return total, steps


def test_catch_optimal_policy_catches_and_a_bad_one_misses():
    for seed in range(20):
        env = Catch(seed=seed)
        obs = env.reset()
        assert obs.shape == (1, 10, 5) and obs.dtype == np.float32 and obs.sum() == 2
        assert play(env, Catch.optimal_action) == (env.optimal_return, 9)
        away = lambda e: 0 if e.ball_col >= e.paddle else 2  # runs from the ball
        assert play(env, away) == (-1.0, 9)
        assert terminal(env, True) == 1.0  # Catch has no clock: every end is the real end
    with pytest.raises(RuntimeError):
        env.step(1)


def test_symlog_and_symexp_are_inverse():
    x = torch.tensor([-1e4, -3.0, -0.5, 0.0, 0.2, 1.0, 50.0, 1e6])
    assert torch.allclose(D.symexp(D.symlog(x)), x, rtol=1e-5)
    assert torch.allclose(D.symlog(x), torch.sign(x) * torch.log1p(x.abs()))


def test_twohot_round_trip():
    bins = D.make_bins(63)
    y = torch.tensor([-19.99, -3.7, -1.0, 0.0, 0.123, 1.0, 7.77, 20.0])
    weights = D.twohot_encode(y, bins)
    assert weights.shape == (8, 63)
    assert torch.allclose(weights.sum(-1), torch.ones(8))
    assert ((weights > 0).sum(-1) <= 2).all() and (weights >= 0).all()
    assert torch.allclose((weights * bins).sum(-1), y, atol=1e-5)
    # a prediction equal to the code decodes to the value, through symexp
    logits = torch.log(D.twohot_encode(D.symlog(torch.tensor([2.5, -0.7])), bins) + 1e-12)
    assert torch.allclose(D.twohot_decode(logits, bins), torch.tensor([2.5, -0.7]), atol=1e-4)


def test_lambda_returns_by_hand():
    rewards = torch.tensor([1.0, 2.0])  # r_1, r_2
    continues = torch.tensor([1.0, 0.0])  # the episode ends at step 2
    values = torch.tensor([0.0, 10.0, 100.0])  # v_0, v_1, v_2
    # R_1 = r_2 + 0.5 * 0 * (...) = 2;  R_0 = 1 + 0.5 * 1 * (0.5 * 10 + 0.5 * 2) = 4
    returns = D.lambda_returns(rewards, continues, values, discount=0.5, lambda_=0.5)
    assert torch.allclose(returns, torch.tensor([4.0, 2.0]))
    # λ = 0 is the one-step target, λ = 1 the discounted sum bootstrapped from v_H
    one_step = D.lambda_returns(rewards, torch.ones(2), values, discount=0.5, lambda_=0.0)
    assert torch.allclose(one_step, torch.tensor([1 + 5.0, 2 + 50.0]))
    monte_carlo = D.lambda_returns(rewards, torch.ones(2), values, discount=0.5, lambda_=1.0)
    assert torch.allclose(monte_carlo, torch.tensor([1 + 0.5 * 2 + 0.25 * 100, 2 + 50.0]))


def test_straight_through_sample_is_one_hot_and_passes_gradients():
    torch.manual_seed(0)
    logits = torch.randn(5, 8, 8, requires_grad=True)
    probs = D.mixed_probs(logits, 0.01)
    assert probs.min() >= 0.01 / 8 - 1e-7
    sample = D.straight_through_sample(probs)
    assert torch.allclose(sample.detach().sum(-1), torch.ones(5, 8))
    values = sample.detach()
    assert torch.allclose(values, values.round(), atol=1e-6)  # one-hot, up to rounding
    (sample * torch.randn(5, 8, 8)).sum().backward()
    assert logits.grad is not None and logits.grad.abs().sum() > 0


def test_rssm_and_world_model_shapes():
    torch.manual_seed(0)
    c = D.DreamerConfig(hidden=32, stoch=4, classes=4)
    wm = D.WorldModel(c, (1, 10, 5), 3)
    B, T = 3, 6
    h, z = wm.rssm.initial(B)
    action = torch.zeros(B, 3)
    h2, z2, prior = wm.rssm.img_step(h, z, action)
    assert h2.shape == (B, 32) and z2.shape == (B, 16) and prior.shape == (B, 4, 4)
    h3, z3, post, prior = wm.rssm.obs_step(h, z, action, torch.randn(B, 32))
    assert post.shape == prior.shape == (B, 4, 4)
    batch = {
        "obs": torch.rand(B, T, 1, 10, 5).round(),
        "action": torch.eye(3)[torch.randint(3, (B, T))],
        "reward": torch.zeros(B, T),
        "first": torch.zeros(B, T, dtype=torch.bool),
        "terminal": torch.zeros(B, T),
    }
    loss, parts, feats = wm.loss(batch)
    assert feats.shape == (B, T, wm.rssm.feat_size) and torch.isfinite(loss)
    assert parts["kl"] >= c.free_nats  # free bits: never below 1 nat
    actor = D.Actor(c, wm.rssm.feat_size, 3)
    traj, actions = D.imagine(wm, actor, feats.detach().flatten(0, 1), horizon=5)
    assert traj.shape == (6, B * T, wm.rssm.feat_size) and actions.shape == (5, B * T, 3)
    assert wm.decode(traj).shape == (6, B * T, 1, 10, 5)


def test_empty_room_frames_show_the_agent_and_the_goal():
    env = EmptyRoom(seed=3)
    obs = env.reset()
    assert obs.shape == env.obs_shape == (5, 6, 6) and obs.dtype == np.float32
    assert obs[:4].sum() == 1 and obs[4, 5, 5] == 1 and obs[4].sum() == 1
    heading, y, x = np.argwhere(obs[:4])[0]
    assert (x + 1, y + 1) == tuple(env.game.agent_pos) and heading == env.game.agent_dir
    again = EmptyRoom(seed=3).reset()
    assert np.array_equal(obs, again)  # seeded starts
    assert not all(np.array_equal(obs, env.reset()) for _ in range(5))  # later starts vary


def shortest_path_move(env: EmptyRoom) -> int:
    """The move that brings the agent one step closer, read from the breadth-first table."""
    moves = EmptyRoom.moves_to_goal()
    x, y = env.game.agent_pos
    d = env.game.agent_dir
    goal = (env.floor - 1, env.floor - 1)
    forward = [(1, 0), (0, 1), (-1, 0), (0, -1)][d]
    ahead = (x - 1 + forward[0], y - 1 + forward[1])
    if ahead == goal or (
        0 <= ahead[0] < env.floor and 0 <= ahead[1] < env.floor and moves[ahead + (d,)] == moves[x - 1, y - 1, d] - 1
    ):
        return 2
    return 0 if moves[x - 1, y - 1, (d - 1) % 4] == moves[x - 1, y - 1, d] - 1 else 1


def test_empty_room_optimal_return_is_what_shortest_paths_earn():
    moves = EmptyRoom.moves_to_goal()
    assert moves.max() == 12 and (moves < 0).sum() == 4  # the goal cell has no distance
    env, returns = EmptyRoom(seed=0), []
    for _ in range(300):
        shortest = []

        def policy(e, shortest=shortest):
            if not shortest:  # the first move: read the start play() has just drawn
                x, y = e.game.agent_pos
                shortest.append(moves[x - 1, y - 1, e.game.agent_dir])
            return shortest_path_move(e)

        total, steps = play(env, policy)
        assert steps == shortest[0] and total == pytest.approx(1 - 0.9 * steps / EmptyRoom.max_steps)
        returns.append(total)
    assert np.mean(returns) == pytest.approx(EmptyRoom.optimal_return, abs=0.01)
    # standing still never arrives: the game ends after max_steps with nothing
    assert not env.timed_out and terminal(env, True) == 1.0  # the last game reached the goal
    env.reset()
    assert play(env, lambda e: 0) == (0.0, EmptyRoom.max_steps) and not env.game.agent_pos == (6, 6)
    assert env.timed_out and terminal(env, True) == 0.0  # cut off by the clock: learners bootstrap
    env.reset()
    assert not env.timed_out and terminal(env, False) == 0.0
    with pytest.raises(KeyError, match="empty_room"):
        make_env("empty-room")


TINY = dict(env_steps=40, prefill_steps=20, eval_every=20, eval_episodes=10, stop_when_solved=False)


@pytest.mark.slow
def test_one_dreamer_iteration_is_finite_and_seeded():
    config = D.DreamerConfig(updates_per_step=0.1, batch_size=4, seq_len=6, hidden=32, **TINY)
    tensors, metrics, history = D.train_dreamer(config)
    assert metrics["updates"] >= 2 and len(history) == 2
    last = history[-1]
    for key in ["model_loss", "actor_loss", "critic_loss", "recon", "reward", "kl"]:
        assert math.isfinite(last[key]), key
    assert -1.0 <= last["eval_return"] <= 1.0
    again, _, history_again = D.train_dreamer(config)
    assert all(torch.equal(tensors[k], again[k]) for k in tensors)
    strip = lambda h: [{k: v for k, v in r.items() if k not in ("seconds", "cpu_seconds")} for r in h]
    assert strip(history) == strip(history_again)


@pytest.mark.slow
def test_dreamer_and_dqn_run_on_the_empty_room():
    config = D.DreamerConfig(env="empty_room", updates_per_step=0.1, batch_size=4, seq_len=6, hidden=32, **TINY)
    _, metrics, history = D.train_dreamer(config)
    assert metrics["updates"] >= 2 and 0.0 <= history[-1]["eval_return"] <= 1.0
    assert metrics["optimal_return"] == EmptyRoom.optimal_return
    _, metrics, history = train_dqn(DQNConfig(env="empty_room", batch_size=8, hidden=32, **TINY))
    assert metrics["updates"] >= 20 and 0.0 <= history[-1]["eval_return"] <= 1.0


@pytest.mark.slow
def test_one_dqn_iteration_is_finite_and_seeded():
    config = DQNConfig(updates_per_step=1.0, batch_size=8, hidden=32, **TINY)
    tensors, metrics, history = train_dqn(config)
    assert metrics["updates"] >= 20 and math.isfinite(history[-1]["loss"])
    again, _, _ = train_dqn(config)
    assert all(torch.equal(tensors[k], again[k]) for k in tensors)


def test_solved_needs_two_consecutive_good_evaluations():
    history = [{"env_steps": s, "eval_return": r} for s, r in [(1, 0.95), (2, 0.5), (3, 0.92), (4, 0.9)]]
    assert solved_at(history, 0.9) == 3
    assert solved_at(history[:3], 0.9) is None


def test_frames_match_reads_objects_at_one_half():
    real = np.zeros((1, 10, 5), np.float32)
    real[0, 3, 2] = real[0, 9, 1] = 1.0
    close = real * 0.8 + 0.1
    assert D.frames_match(close, real)
    moved = np.roll(close, 1, axis=2)
    assert not D.frames_match(moved, real)


def test_best_guess_codes_are_the_most_likely_classes_and_draw_nothing():
    torch.manual_seed(0)
    c = D.DreamerConfig(hidden=16, stoch=4, classes=5)
    rssm = D.RSSM(c, 3, embed=16)
    h, z = torch.randn(6, 16), F.one_hot(torch.randint(5, (6, 4)), 5).float().flatten(1)
    action = F.one_hot(torch.randint(3, (6,)), 3).float()
    state = torch.get_rng_state()
    _, guess, prior = rssm.img_step(h, z, action, sample=False)
    assert torch.equal(torch.get_rng_state(), state)  # no dice
    assert torch.equal(guess.view(6, 4, 5).argmax(-1), prior.argmax(-1))
    assert torch.equal(guess.view(6, 4, 5).sum(-1), torch.ones(6, 4))
    embed = torch.randn(6, 16)
    _, guess, post, _ = rssm.obs_step(h, z, action, embed, sample=False)
    assert torch.equal(guess.view(6, 4, 5).argmax(-1), post.argmax(-1))


@pytest.mark.slow
def test_imagination_accuracy_is_a_share_and_repeatable():
    torch.manual_seed(0)
    wm = D.WorldModel(D.DreamerConfig(), (1, 10, 5), 3)
    torch.manual_seed(1)
    first = D.imagination_accuracy(wm, episodes=5, seed=3)
    torch.manual_seed(1)
    assert first == D.imagination_accuracy(wm, episodes=5, seed=3)
    assert 0.0 <= first <= 1.0
    torch.manual_seed(2)  # the best guess draws nothing: any random state gives the same share
    assert first == D.imagination_accuracy(wm, episodes=5, seed=3)
    torch.manual_seed(1)
    sampled = D.imagination_accuracy(wm, episodes=5, seed=3, sample=True)
    torch.manual_seed(1)
    assert sampled == D.imagination_accuracy(wm, episodes=5, seed=3, sample=True)


def test_held_random_actions_hold_each_random_move_one_to_hold_steps():
    from course.dreamer.dreamer import HeldRandomActions

    explore = HeldRandomActions(n_actions=3, epsilon=1.0, hold=4, prefill=0, rng=np.random.default_rng(0))
    moves, extra_steps = [], []
    for step in range(1, 2001):
        fresh = explore.left == 0
        moves.append(explore(step, policy_action=-1))
        if fresh:
            extra_steps.append(explore.left)  # a fresh random move runs for 1 + left steps
        else:
            assert moves[-1] == moves[-2]  # a held move repeats until it runs out
    assert set(moves) == {0, 1, 2} and set(extra_steps) == {0, 1, 2, 3}

    greedy = HeldRandomActions(3, epsilon=0.0, hold=4, prefill=10, rng=np.random.default_rng(0))
    played = [greedy(step, policy_action=7) for step in range(1, 40)]
    assert -1 not in played and 7 not in played[:10]  # prefill: random only
    assert played[-20:] == [7] * 20  # ε = 0 after the prefill: the policy, once the last move ran out

    jitter = HeldRandomActions(3, epsilon=1.0, hold=1, prefill=0, rng=np.random.default_rng(0))
    for step in range(1, 50):
        jitter(step, policy_action=-1)
        assert jitter.left == 0  # hold 1: plain ε-greedy, a fresh move every step
