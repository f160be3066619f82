"""Lesson 02: the mazes, the noisy TV, PPO with novelty, the recorded-episode tools and widgets."""

import numpy as np
import pytest
import torch

from course.novelty import analysis, envs
from course.novelty.ngu import NGUConfig
from course.novelty.ppo import Novelty, PPOConfig, train

BENCH_KEYS = {
    "coverage_random",
    "coverage_pixel_novelty",
    "coverage_ngu",
    "tv_share_pixel_novelty",
    "tv_share_ngu",
    "success_ppo",
    "success_rnd",
    "success_ngu",
    "seeds",
    "env_steps",
    "train_seconds",
}


def _view(cells: dict) -> np.ndarray:
    """A (7, 7, 3) symbolic view of empty floor with the given {(x, y): (type, colour, state)}."""
    image = np.zeros((7, 7, 3), dtype=np.uint8)
    image[..., 0] = 1  # empty
    for (x, y), value in cells.items():
        image[x, y] = value
    return image


def test_encoding_is_one_hot_per_cell_plus_heading():
    obs = envs.encode(_view({(2, 3): (envs.WALL, envs.GREY, 0)}), direction=2)
    assert obs.shape == (envs.OBS_DIM,) and obs.sum() == 49 * 3 + 1
    assert obs[-4:].tolist() == [0, 0, 1, 0]
    other = envs.encode(_view({(2, 3): (envs.WALL, 0, 0)}), direction=2)
    assert np.abs(obs - other).sum() == 2  # one cell changed colour: one one-hot moved


def test_only_coloured_walls_are_the_tv():
    assert not envs.tv_in_view(_view({(0, 0): (envs.WALL, envs.GREY, 0)}))
    assert envs.tv_in_view(_view({(0, 0): (envs.WALL, 0, 0)}))


def test_noisy_tv_shows_a_new_picture_that_does_not_depend_on_the_action():
    pictures = {}
    for action in (0, 6):  # turn left, or press the remote (`done`)
        env = envs.make_env("noisy_tv")
        env.reset(seed=3)
        frames = []
        for _ in range(20):
            env.step(action)
            frames.append(tuple(env.grid.get(x, y).color for x, y in env.tv_cells))
        pictures[action] = frames
        assert len(set(frames)) > 10  # noise: it keeps changing
    assert pictures[0] == pictures[6]  # the same seed, different actions: the same pictures


def test_the_noisy_tv_hangs_in_the_room_next_to_the_start_and_four_rooms_has_no_goal():
    for seed in range(5):
        env = envs.make_env("noisy_tv")
        env.reset(seed=seed)
        x, y = env.agent_pos
        assert 1 <= x < env.width // 2 and 1 <= y < env.height // 2  # the top-left room
        assert all(env.width // 2 < tx < env.width - 1 and ty == 0 for tx, ty in env.tv_cells)  # top-right
        assert not env.near_tv() and not envs.tv_in_view(env.gen_obs()["image"])
        plain = envs.make_env("four_rooms")
        plain.reset(seed=seed)
        assert not any(
            getattr(plain.grid.get(i, j), "type", None) == "goal"
            for i in range(plain.width)
            for j in range(plain.height)
        )


def test_unknown_environment_is_named():
    with pytest.raises(ValueError, match="unknown environment 'lava'.*four_rooms"):
        envs.make_env("lava")


def test_vector_env_keeps_the_last_observation_of_an_ended_episode():
    vec = envs.VectorEnv("four_rooms", 2, seed=0)
    for _ in range(100):  # FourRooms episodes last 100 steps
        observed, final, rewards, dones, _ = vec.step(np.array([2, 2]))
    assert dones.all() and not np.array_equal(observed, final)
    assert len(vec.final_positions) == 2 and len(vec.final_images) == 2


def test_config_errors_name_the_fix():
    with pytest.raises(ValueError, match="choose one of none, pixel, rnd, ngu"):
        PPOConfig(novelty="curiosity")
    with pytest.raises(ValueError, match="less than one rollout"):
        PPOConfig(total_steps=100)
    config = PPOConfig(ngu={"k": 5})  # as read back from a manifest
    assert isinstance(config.ngu, NGUConfig) and config.ngu.k == 5


def test_pixel_novelty_pays_for_the_tv_and_ngu_can_learn_to_ignore_it():
    """Standing still in front of the TV: every raw frame is new, so pixel novelty pays at every
    step; standing still in a plain room, a repeated frame pays little."""
    config = PPOConfig(env="noisy_tv", novelty="pixel", num_envs=1)
    env = envs.make_env("noisy_tv")
    o, _ = env.reset(seed=0)
    env.agent_pos, env.agent_dir = np.array([env.watching_spot()[0], 1]), 3  # facing the TV from just below it
    novelty = Novelty(config)
    first = env.gen_obs()["image"]
    novelty.start(0, envs.encode(first, 3), first)
    tv_rewards = []
    for _ in range(15):
        o, *_ = env.step(6)
        assert envs.tv_in_view(o["image"])
        tv_rewards.append(novelty.reward(envs.encode(o["image"], o["direction"])[None], [o["image"]])[0])
    plain = envs.make_env("four_rooms")
    o, _ = plain.reset(seed=0)
    quiet = Novelty(config)
    quiet.start(0, envs.encode(o["image"], o["direction"]), o["image"])
    quiet_rewards = []
    for _ in range(15):
        o, *_ = plain.step(6)
        quiet_rewards.append(quiet.reward(envs.encode(o["image"], o["direction"])[None], [o["image"]])[0])
    assert np.mean(tv_rewards[5:]) > 5 * np.mean(quiet_rewards[5:])


@pytest.fixture(scope="module")
def quick_ngu():
    torch.set_num_threads(1)
    config = PPOConfig(env="noisy_tv", novelty="ngu", extrinsic=False, total_steps=2 * 16 * 128, seed=0)
    return train(config, show_progress=False), config


def test_ppo_with_ngu_runs_and_reembeds_its_memories(quick_ngu):
    result, config = quick_ngu
    assert result["env_steps"] == config.total_steps
    assert len(result["episodes"]) >= 16 and all(0 <= e["tv_share"] <= 1 for e in result["episodes"])
    assert all(1 <= e["coverage"] <= e["length"] + 1 for e in result["episodes"])
    novelty = result["novelty"]
    for memory, obs in zip(novelty.memories, novelty.episode_obs):  # memories follow the latest f
        assert np.allclose(np.stack(memory.embeddings), novelty.embed(np.stack(obs)))
    assert {"inverse_accuracy", "rnd_loss"} <= set(result["updates"][-1])


def test_a_loaded_agent_matches_the_trained_one(quick_ngu):
    result, config = quick_ngu
    agent = analysis.TrainedAgent.from_tensors(analysis.agent_tensors(result), config)
    obs = np.stack(result["novelty"].episode_obs[0])
    assert np.allclose(agent.embedding(obs), result["novelty"].embed(obs))
    with torch.no_grad():
        assert torch.allclose(agent.agent.actor(torch.as_tensor(obs)), result["agent"].actor(torch.as_tensor(obs)))


def test_replaying_an_episode_reproduces_the_memory_rewards():
    episode = analysis.run_episode(analysis.random_policy, "noisy_tv", seed=0)
    pix = episode.pixels()
    trace = analysis.episode_rewards(episode.obs, pix, None, NGUConfig())
    memory = analysis.EpisodicMemory(NGUConfig())
    memory.embeddings.append(pix[0])
    expected = [0.0] + [memory.episodic_reward(p) for p in pix[1:]]
    assert np.allclose(trace["episodic"], expected)
    assert len(trace["neighbours"][5]) == 5  # fewer than k memories yet: all of them
    assert episode.coverage == len({tuple(p) for p in episode.positions})
    assert episode.cumulative_coverage()[-1] == episode.coverage
    assert analysis.visit_map([episode]).sum() == pytest.approx(1.0)


def test_random_policy_covers_few_cells_and_sees_the_tv_sometimes():
    result = analysis.evaluate(analysis.random_policy, "noisy_tv", episodes=4)
    assert 1 < result["coverage"] < 60 and 0 < result["tv_share"] < 1


def test_widget_callbacks_and_errors():
    from course.novelty import widgets

    episode = analysis.run_episode(analysis.random_policy, "noisy_tv", seed=1, record_frames=True)
    strip = widgets.frame_strip(episode.frames, [0, 3])
    assert strip.shape[1] == 2 * episode.frames[0].shape[1] + 4
    soft = widgets.reward_trace(episode, episode.pixels(), k=10, epsilon=1.0)
    sharp = widgets.reward_trace(episode, episode.pixels(), k=10, epsilon=1e-4)
    assert sharp["episodic"][1:].mean() > soft["episodic"][1:].mean()  # a sharper kernel: more is new
    with pytest.raises(ValueError, match="choose k >= 1"):
        widgets.reward_trace(episode, episode.pixels(), k=0, epsilon=1e-4)
    with pytest.raises(ValueError, match="needs ε > 0"):
        widgets.reward_trace(episode, episode.pixels(), k=3, epsilon=0.0)


def test_moving_each_widget_control_changes_its_output():
    from course.novelty import widgets

    episode = analysis.run_episode(analysis.random_policy, "noisy_tv", seed=2, record_frames=True)
    rng = np.random.default_rng(0)
    learned = rng.normal(size=(len(episode.obs), 8))
    trace = analysis.episode_rewards(episode.obs, learned, np.ones(len(episode.obs)), NGUConfig())

    player = widgets.episode_player(episode, trace)
    before = [v.value for v in player.views]
    player.controls[0].value = 40
    assert all(v.value != b for v, b in zip(player.views, before))

    explorer = widgets.novelty_explorer(
        episode,
        {"learned embedding f(x)": learned, "raw pixels": episode.pixels()},
        {"learned embedding f(x)": None, "raw pixels": None},
    )
    for control, value in zip(explorer.controls, ("raw pixels", 3, -1.0)):
        before = explorer.views[0].value
        control.value = value
        assert explorer.views[0].value != before


@pytest.mark.slow
def test_bench_quick_has_exactly_the_issue_keys():
    result = analysis.bench(quick=True)
    assert set(result) == BENCH_KEYS
    assert result["seeds"] == [0] and result["env_steps"] == 2 * 16 * 128
    assert 0 <= result["tv_share_ngu"] <= 1 and result["coverage_random"] >= 1


@pytest.mark.slow
def test_quick_training_writes_a_checkpoint_the_notebook_can_load(tmp_path, monkeypatch):
    from course.lessons import train_model

    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    summary = train_model("novelty_ngu_noisy_tv", quick=True)
    assert summary["env_steps"] == 2 * 16 * 128 and 0 <= summary["tv_share"] <= 1
    agent = analysis.TrainedAgent.load("ngu", "noisy_tv")
    assert agent.embed is not None and agent.mean_sq_distance > 0
    episode = analysis.run_episode(agent.policy, "noisy_tv", seed=0)
    assert agent.embedding(episode.obs).shape == (len(episode.obs), NGUConfig().embedding_dim)
    assert np.isfinite(agent.alpha(episode.obs)).all()


def test_watching_the_tv_is_new_in_pixels_at_every_step():
    episode = analysis.watch_tv_episode(steps=20)
    assert episode.tv.all() and episode.tv_share == 1.0 and episode.coverage == 1
    trace = analysis.episode_rewards(episode.obs, episode.pixels(), None, NGUConfig())
    twin = 1.0 / (np.sqrt(NGUConfig().k) + NGUConfig().pseudo_count)
    assert trace["episodic"][12:].min() > 5 * twin  # never familiar: the picture is always new
    unchanged = analysis.episode_rewards(episode.obs, np.zeros((21, 4)), None, NGUConfig(), mean_sq_distance=1.0)
    assert np.allclose(unchanged["episodic"][11:], twin)  # an embedding blind to the TV: k twins


def test_evaluate_agents_compares_the_three_kinds_on_the_same_seeds():
    results = analysis.evaluate_agents("four_rooms", episodes=2)
    assert list(results) == ["random", "pixel", "ngu"]
    random_again = analysis.evaluate(analysis.random_policy, "four_rooms", episodes=2)
    assert results["random"]["coverage"] == random_again["coverage"]  # same seeds, same episodes


@pytest.mark.slow
def test_multiroom_runs_are_merged_one_at_a_time_and_a_missing_file_names_its_command(tmp_path):
    from course.novelty import runs

    path = tmp_path / "runs.json"
    with pytest.raises(FileNotFoundError, match="python -m course.novelty.runs"):
        runs.read_runs(path)
    runs.record(seeds=(0,), methods=("none",), path=path, quick=True)
    recorded = runs.record(seeds=(1,), methods=("ngu",), path=path, quick=True)
    assert set(recorded["none"]) == {"0"} and set(recorded["ngu"]) == {"1"}  # the first run was kept
    assert recorded == runs.read_runs(path) and not path.with_suffix(".partial").exists()
    run = recorded["ngu"]["1"]
    assert 0 <= run["success"] <= 1 and run["env_steps"] == 2 * 16 * 128 and run["curve"][-1][0] == run["env_steps"]


def test_the_shipped_multiroom_runs_cover_every_method_on_every_seed():
    from course.novelty import runs
    from course.novelty.presets import MULTIROOM_RUN

    recorded, steps = runs.read_runs(), MULTIROOM_RUN.total_steps
    for method in runs.METHODS:
        assert sorted(int(s) for s in recorded[method]) == list(runs.SEEDS), method
        # whole rollouts of 16 × 128 steps: 999,424 of the million
        assert all(steps - 2048 < run["env_steps"] <= steps for run in recorded[method].values())
