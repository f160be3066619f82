"""Lesson 06: trusted planning (head ensembles on a frozen world model) and new goals in the room."""

import json

import numpy as np
import pytest
import torch

from course.dreamer import analysis, goals, heads, planning, presets, widgets
from course.dreamer import dreamer as D
from course.dreamer.envs import ENVS, EmptyRoom, evaluate, goal_room, make_env, moves_to, success_rate


@pytest.fixture(scope="module")
def tiny_agent():
    torch.manual_seed(0)
    return D.Dreamer(D.DreamerConfig(hidden=16, stoch=4, classes=4), (1, 10, 5), 3).eval()


@pytest.fixture(scope="module")
def room_agent():
    return analysis.load_agent(analysis.ROOM_NAME)


# ---------------------------------------------------------------- the room with its goal moved


def test_goal_room_draws_and_pays_its_goal_where_it_was_put():
    name = goal_room(2, 3)
    assert make_env(name).reset()[4].nonzero() == (np.array([3]), np.array([2]))  # row y, column x
    assert ENVS[name].plan_horizon == int(moves_to((2, 3)).max()) and 0 < ENVS[name].optimal_return < 1
    # the usual room is the goal room of its corner
    assert (ENVS[goal_room(5, 5)].moves_to_goal() == EmptyRoom.moves_to_goal()).all()
    env = make_env(name, seed=4)
    env.reset()
    x, y = env.game.agent_pos
    heading = env.game.agent_dir
    shortest = moves_to((2, 3))[x - 1, y - 1, heading]
    assert shortest > 0  # never placed on its goal
    # walk it with the breadth-first table: every move brings the goal one step nearer
    step = [(1, 0), (0, 1), (-1, 0), (0, -1)]
    table, reward, done, moves = moves_to((2, 3)), 0.0, False, 0
    while not done:
        x, y = env.game.agent_pos
        d = env.game.agent_dir
        options = {0: (x - 1, y - 1, (d - 1) % 4), 1: (x - 1, y - 1, (d + 1) % 4)}
        fx, fy = x - 1 + step[d][0], y - 1 + step[d][1]
        if (fx, fy) == (2, 3):
            action = 2
        else:
            if 0 <= fx < 6 and 0 <= fy < 6:
                options[2] = (fx, fy, d)
            action = min(options, key=lambda a: table[options[a]] if table[options[a]] >= 0 else 99)
        _, reward, done = env.step(action)
        moves += 1
    assert moves == shortest and reward == pytest.approx(1 - 0.9 * moves / 64)


def test_goal_room_names_a_cell_off_the_floor():
    with pytest.raises(ValueError, match="off the floor"):
        goal_room(6, 0)
    assert make_env("empty_room_goal_1_4").goal == (1, 4)  # a name alone is enough to play it


def test_new_goals_are_many_and_never_the_ones_kappa_was_chosen_on():
    assert len(goals.NEW_GOALS) >= 10 and len(set(goals.NEW_GOALS)) == len(goals.NEW_GOALS)
    assert not set(goals.NEW_GOALS) & set(goals.DESIGN_GOALS) and (5, 5) not in goals.NEW_GOALS
    assert set(goals.DQN_GOALS) <= set(goals.NEW_GOALS)


# ---------------------------------------------------------------- heads and pessimism


def test_frame_cell_reads_where_the_agent_stands():
    env = make_env("empty_room", seed=1)
    frame = env.reset()
    x, y = env.game.agent_pos
    assert heads.frame_cell(frame) == (y - 1) * 6 + (x - 1)
    assert heads.frame_cell(np.stack([frame, frame])).tolist() == [heads.frame_cell(frame)] * 2


def test_pessimism_lowers_the_value_where_heads_disagree(tiny_agent):
    wm = tiny_agent.wm
    torch.manual_seed(1)
    ensemble = heads.HeadEnsemble(wm.rssm.feat_size, 1, members=4, hidden=8)
    h, z = wm.rssm.initial(5)
    actions = torch.randint(0, 3, (5, 4))
    plain = heads.trusted_returns(wm, ensemble, h, z, actions, kappa=0.0)
    pessimistic = heads.trusted_returns(wm, ensemble, h, z, actions, kappa=2.0)
    assert plain.shape == (5,) and (pessimistic < plain).all()  # random heads disagree everywhere


def test_a_goal_is_paid_once_at_its_first_arrival(tiny_agent):
    wm = tiny_agent.wm
    ensemble = heads.HeadEnsemble(wm.rssm.feat_size, 3, members=2, hidden=8)
    for member in ensemble.members:  # every member: surely on cell 1, whatever the state
        torch.nn.init.zeros_(member[-1].weight)
        member[-1].bias.data = torch.tensor([-20.0, 20.0, -20.0])
    h, z = wm.rssm.initial(2)
    value = heads.trusted_returns(wm, ensemble, h, z, torch.zeros(2, 6, dtype=torch.long), 1.0, goal=1)
    alive = torch.sigmoid(wm.cont(torch.cat(wm.rssm.img_step(h, z, torch.eye(3)[[0, 0]], False)[:2], -1)))
    assert torch.allclose(value, torch.ones(2), atol=1e-6)  # arrived at the first step: paid 1, then over
    assert alive.shape == (2, 1)


@pytest.mark.slow
def test_heads_learn_labels_from_features_and_say_how_well():
    generator = torch.Generator().manual_seed(0)
    feats = torch.randn(400, 6, generator=generator)
    data = {"feats": feats, "rewards": feats[:, 0].sign()}
    config = heads.HeadsConfig(members=3, hidden=16, train_steps=300, batch_size=64)
    ensemble, metrics = heads.fit_heads(data, "reward", config)
    assert metrics["held_out_reward_error"] < 0.5
    assert ensemble.reward(feats[:3]).shape == (3, 3)
    with pytest.raises(ValueError, match="unknown head target"):
        heads.fit_heads(data, "colour", config)


def test_game_features_read_and_dream_every_step(tiny_agent):
    games = heads.collect_games(tiny_agent, "catch", games=3, max_epsilon=1.0, hold=2, max_steps=64, seed=0)
    assert [len(g["frames"]) for g in games] == [10, 10, 10] and games[0]["rewards"][-1] in (-1.0, 1.0)
    data = heads.game_features(tiny_agent.wm, games, dream_every=1, horizon=9)
    # per game: 10 read states, and dreams of 9, 8, ..., 1 steps from each of the 9 moves
    assert len(data["feats"]) == 3 * (10 + 45) == len(data["rewards"]) == len(data["frames"])
    assert int(data["dreamed"].sum()) == 3 * 45
    assert data["rewards"].abs().sum() == 3 * 10  # each game's ending, once read and in 9 dreams


@pytest.mark.slow
def test_quick_heads_train_from_a_shipped_agent_and_load_back(tmp_path, monkeypatch):
    tensors, metrics = heads.train_heads(presets.PRESETS["dreamer_catch_heads"].smoke())
    assert metrics["real_steps"] == 8 * 9 and "held_out_reward_error" in metrics
    assert sum(t.numel() for t in tensors.values()) < 200_000  # small: a few hundred kB


def test_shipped_heads_load_and_are_small():
    for name in (analysis.CATCH_HEADS_NAME, analysis.ROOM_HEADS_NAME):
        ensemble, config = heads.load_heads(name)
        assert len(ensemble.members) == config.members
        assert sum(p.numel() for p in ensemble.parameters()) < 200_000


# ---------------------------------------------------------------- planners that skip finished games


def test_planner_searches_only_for_games_still_going(tiny_agent):
    config = planning.PlannerConfig(horizon=3, candidates=4, iterations=1)
    planner = planning.Planner(tiny_agent, config)
    counted = planning.CountedCalls(planner)
    score = evaluate(counted, "catch", 3, seed=0)
    assert -1 <= score <= 1
    assert planner.decisions == counted.moves == 3 * 9  # every Catch game lasts 9 moves
    assert planner.imagined_steps == 3 * 9 * 4 * 3


@pytest.mark.slow
def test_success_rate_counts_games_that_reach_the_goal(room_agent):
    actor = room_agent.policy(greedy=True)
    assert success_rate(actor, "empty_room", 10, seed=3) >= 0.8  # its own goal
    assert success_rate(room_agent.policy(greedy=True), goal_room(0, 0), 10, seed=3) <= 0.5  # the far corner


# ---------------------------------------------------------------- new goals: planner, viewer, DQN record


@pytest.mark.slow
def test_plan_and_walk_dreams_a_plan_then_walks_it(room_agent):
    ensemble, _ = heads.load_heads(analysis.ROOM_HEADS_NAME)
    run = goals.plan_and_walk(room_agent, ensemble, (1, 2), game=0)
    assert len(run["frames"]) == len(run["actions"]) + 1 and len(run["dreams"]) == len(run["plan"]) + 1
    assert run["frames"].shape[1:] == run["dreams"].shape[1:] == (5, 6, 6)
    assert run["reached"] == (run["return"] > 0) and run["shortest"] > 0
    if run["reached"]:
        assert heads.frame_cell(run["frames"][-1]) == goals.cell_index(1, 2)


@pytest.mark.slow
def test_goal_viewer_moves_to_another_goal(room_agent):
    ensemble, _ = heads.load_heads(analysis.ROOM_HEADS_NAME)
    box = widgets.goal_viewer(room_agent, ensemble, goal=(1, 2), game=0)
    before = box.views[1].value
    box.controls[0].value = 4
    assert box.views[1].value != before and "(4, 2)" in box.views[1].value
    # each walk is kept: coming back shows the same walk, not a new one
    shown = box.views[0].value
    box.controls[0].value = 1
    box.controls[0].value = 4
    assert box.views[0].value == shown
    # a setting always shows the same walk, and moving leaves PyTorch's generator as it was
    state = torch.get_rng_state()
    again = widgets.goal_viewer(room_agent, ensemble, goal=(4, 2), game=0)
    assert again.views[0].value == shown and torch.equal(torch.get_rng_state(), state)


def test_dqn_steps_for_a_success_read_the_recorded_curves():
    runs = {"runs": {"0": {"curve": [[250, 0.1], [500, 0.9], [750, 0.95]]}, "1": {"curve": [[250, 0.2], [500, 0.3]]}}}
    assert goals.dqn_steps_for(0.85, runs) == {"per_seed": [500, None], "median": None}
    runs["runs"]["2"] = {"curve": [[250, 0.9], [500, 0.9]]}
    assert goals.dqn_steps_for(0.85, runs)["median"] == 500


def test_dqn_steps_for_a_bar_above_the_runs_stop_reads_their_stop():
    # a run stops once two evaluations in a row reach DQN_SUCCESS: a higher bar is read as that one
    stopped = {"runs": {"0": {"curve": [[250, 0.5], [500, goals.DQN_SUCCESS], [750, goals.DQN_SUCCESS]]}}}
    assert goals.dqn_steps_for(1.0, stopped)["per_seed"] == [500]  # the first of the two


@pytest.mark.slow
def test_dqn_record_is_resumable(tmp_path):
    path = tmp_path / "new_goal_dqn.json"
    first = goals.record_dqn(seeds=(0,), path=path, quick=True)
    assert first["runs"]["0"]["goal"] == list(goals.DQN_GOALS[0]) and first["runs"]["0"]["curve"]
    again = goals.record_dqn(seeds=(0,), path=path, quick=True)  # kept: nothing trained again
    assert again == json.loads(path.read_text()) == first
    assert goals.main(["--seeds", "99"]) == 2
