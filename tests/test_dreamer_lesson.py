"""Lesson 06 end to end: the shipped agent, its dreams, planning, recorded runs, bench, widgets, exercise."""

import copy
import html
import json

import numpy as np
import pytest
import torch

from course.dreamer import analysis, checks, planning, runs, widgets
from course.dreamer import dreamer as D
from course.dreamer.envs import Catch, EmptyRoom, evaluate


@pytest.fixture(scope="module")
def agent():
    return analysis.load_agent()


@pytest.fixture(scope="module")
def tiny_agent():
    torch.manual_seed(0)
    return D.Dreamer(D.DreamerConfig(hidden=16, stoch=4, classes=4), (1, 10, 5), 3).eval()


# ---------------------------------------------------------------- the shipped agent


@pytest.mark.slow
def test_shipped_agent_plays_well_and_dreams_accurately(agent):
    score = planning.play(agent, "actor", episodes=100, seed=321)["return"]  # fresh games, not the bench's
    assert score >= 0.9 > planning.random_return(episodes=300)
    drift = analysis.dream_drift(agent, episodes=50, seed=123)
    assert drift[0] >= 0.9  # one step ahead the dream is almost always exact ...
    assert drift[-1] <= drift[0]  # ... and errors compound with the horizon
    best_guess = D.imagination_accuracy(agent.wm, episodes=30, seed=123)
    torch.manual_seed(0)
    assert best_guess >= 0.85 and best_guess > D.imagination_accuracy(agent.wm, episodes=30, seed=123, sample=True)


def test_observe_episode_reads_real_games(agent):
    run = analysis.observe_episode(agent, seed=5)
    assert run["frames"].shape == (10, 1, 10, 5) and run["actions"].shape == (9,)
    assert run["states"][0][0] == 0 and run["states"][-1][0] == 9  # the ball falls a row per step
    # reconstructions from the posterior put every object where it is
    assert np.mean([np.array_equal(r > 0.5, f > 0.5) for r, f in zip(run["recon"], run["frames"])]) >= 0.9
    assert np.allclose(run["probs"].sum(-1), 1.0, atol=1e-5)


def test_dreams_follow_actions_and_drift_is_measured(agent):
    run = analysis.observe_episode(agent, seed=9)
    left = analysis.dream(agent, run["feats"][0], [0] * 9)
    right = analysis.dream(agent, run["feats"][0], [2] * 9)
    assert left["frames"].shape == (9, 1, 10, 5)
    # the imagined paddle ends at opposite walls
    assert analysis.object_positions(left["frames"][-2])[1] == 0
    assert analysis.object_positions(right["frames"][-2])[1] == 4
    drift = analysis.dream_drift(agent, episodes=10)
    assert drift.shape == (9,) and ((0 <= drift) & (drift <= 1)).all()


def test_object_positions():
    frame = np.zeros((1, 10, 5), np.float32)
    frame[0, 3, 1] = frame[0, 9, 4] = 1
    assert analysis.object_positions(frame) == ((3, 1), 4)
    assert analysis.object_positions(np.zeros((1, 10, 5))) == (None, None)


# ---------------------------------------------------------------- the longer game


@pytest.fixture(scope="module")
def room_agent():
    return analysis.load_agent(analysis.ROOM_NAME)


@pytest.mark.slow
def test_shipped_room_agent_walks_to_the_goal_and_dreams_a_step_ahead(room_agent):
    assert room_agent.c.env == "empty_room"
    score = evaluate(room_agent.policy(greedy=True), "empty_room", 100, seed=987)  # fresh games
    chance = planning.random_return(episodes=100, seed=987, env_name="empty_room")
    assert score >= 0.9 * EmptyRoom.optimal_return and score > chance + 0.5
    drift = analysis.dream_drift(room_agent, episodes=50, seed=5, env_name="empty_room", horizon=15)
    assert drift.shape == (15,) and drift[0] >= 0.8 and drift[-1] < drift[0]


def test_room_episode_replays_the_real_game_and_its_dream(room_agent):
    run = analysis.room_episode(room_agent, seed=2)
    steps = len(run["actions"])
    assert run["frames"].shape == run["dreams"].shape == (steps + 1, 5, 6, 6)
    assert run["shortest"] <= steps and run["return"] > 0  # it arrived, by a path no shorter than the shortest
    assert run["return"] == pytest.approx(1 - 0.9 * steps / EmptyRoom.max_steps)
    assert D.frames_match(run["dreams"][0], run["frames"][0])  # the first frame, redrawn
    assert run["matches"].tolist() == [D.frames_match(d, f) for d, f in zip(run["dreams"], run["frames"])]


def test_room_picture_draws_the_agent_and_the_goal():
    frame = EmptyRoom(seed=1).reset()
    picture = analysis.room_picture(frame)
    cell = analysis.ROOM_CELL
    assert picture.shape == (8 * cell, 8 * cell, 3) and picture.min() >= 0 and picture.max() <= 1
    goal = picture[6 * cell : 7 * cell, 6 * cell : 7 * cell]
    assert goal[..., 1].mean() > 0.5 > goal[..., 0].mean()  # green
    heading, y, x = np.argwhere(frame[:4])[0]
    agent_cell = picture[(y + 1) * cell : (y + 2) * cell, (x + 1) * cell : (x + 2) * cell]
    assert (agent_cell[..., 0] > 0.9).sum() > cell  # a red arrow
    assert not np.array_equal(analysis._arrow(0), analysis._arrow(1))  # it points along the heading
    faded = analysis.room_picture(frame * 0.5)
    assert faded[..., 0].max() < picture[..., 0].max()  # an unsure dream is drawn fainter


def test_play_game_plays_given_moves_then_random_ones_on_either_game():
    catch = analysis.play_game(4, actions=[0, 0])
    assert catch["actions"][:2].tolist() == [0, 0] and len(catch["actions"]) == 9
    assert catch["frames"].shape == (10, 1, 10, 5) and catch["states"].shape == (10, 3)
    assert catch["states"][-1, 0] == 9 and catch["states"][2, 2] == 0  # two moves left: the paddle at column 0
    assert np.array_equal(analysis.play_game(4)["frames"], analysis.play_game(4)["frames"])  # seeded
    room = analysis.play_game(4, env_name="empty_room", max_steps=7)
    assert room["frames"].shape == (8, 5, 6, 6) and room["actions"].shape == (7,) and "states" not in room


# ---------------------------------------------------------------- planning


@pytest.mark.slow
def test_latent_planner_catches_and_costs_more_than_the_actor(agent):
    config = planning.PlannerConfig(candidates=32, iterations=2)
    actor = planning.play(agent, "actor", episodes=20, seed=11)
    latent = planning.play(agent, "latent", episodes=20, seed=11, config=config)
    assert latent["return"] > planning.random_return(episodes=300) + 0.5  # search in the model beats chance
    assert latent["imagined_steps_per_move"] == 32 * 2 * 9 and actor["imagined_steps_per_move"] == 0
    assert latent["ms_per_move"] > actor["ms_per_move"]


@pytest.mark.slow
def test_planners_play_the_room_too(room_agent):
    assert planning.planner_config("empty_room").horizon == 12  # the longest shortest path
    config = planning.PlannerConfig(horizon=12, candidates=32, iterations=2)
    latent = planning.play(room_agent, "latent", episodes=6, seed=3, config=config)
    assert latent["return"] > planning.random_return(episodes=300, seed=3, env_name="empty_room")
    assert latent["imagined_steps_per_move"] == 32 * 2 * 12


def test_rollout_returns_discount_as_the_agent_does(tiny_agent):
    wm = copy.deepcopy(tiny_agent.wm)
    with torch.no_grad():  # a model that predicts the same reward at every step, and no ending
        for head in (wm.reward[-1], wm.cont[-1]):
            head.weight.zero_()
            head.bias.zero_()
        wm.reward[-1].bias[32] = 50.0  # all the probability on one bin
        wm.cont[-1].bias.fill_(50.0)
    reward = float(D.symexp(wm.bins[32]))
    h, z = wm.rssm.initial(2)
    steps = 6
    expected = reward * sum(wm.c.discount**t for t in range(steps))
    for space in ("latent", "pixels"):
        returns = planning.rollout_returns(wm, h, z, torch.zeros(2, steps, dtype=torch.long), space)
        assert returns.tolist() == pytest.approx([expected] * 2, rel=1e-4)
    assert expected < reward * steps  # the same reward later is worth less


def test_rollout_returns_shapes_and_errors(tiny_agent):
    wm = tiny_agent.wm
    h, z = wm.rssm.initial(7)
    actions = torch.randint(0, 3, (7, 4))
    for space in ("latent", "pixels"):
        assert planning.rollout_returns(wm, h, z, actions, space).shape == (7,)
    with pytest.raises(ValueError, match="latent"):
        planning.rollout_returns(wm, h, z, actions, "voxels")
    with pytest.raises(ValueError, match="actor"):
        planning.play(tiny_agent, "oracle", 2, 0)


def test_ending_returns_dream_each_of_the_25_endings(agent, tiny_agent):
    believed = planning.ending_returns(agent)
    assert believed.shape == (5, 5) and (np.diag(believed) > 0.5).all()  # the shipped actor's catches
    assert (believed[~np.eye(5, dtype=bool)] < 0).mean() >= 0.8  # most misses are known to miss
    assert planning.ending_returns(tiny_agent, "pixels").shape == (5, 5)
    room = D.make_agent(D.DreamerConfig(env="empty_room", hidden=16, stoch=4, classes=4))
    with pytest.raises(ValueError, match="Catch's endings"):
        planning.ending_returns(room)


# ---------------------------------------------------------------- recorded runs and bench


@pytest.mark.parametrize("game", ["catch", "empty_room"])
def test_recorded_runs_are_consistent(game):
    recorded = runs.read_runs(env=game)
    assert recorded["config"]["solve_return"] == runs.recipe("dreamer", game).solve_return
    assert set(runs.METHODS) <= set(recorded)
    for method in set(recorded) - {"config"}:  # the bench's methods and any diagnostic recorded beside them
        assert len(recorded[method]) >= 1, method
        for run in recorded[method].values():
            curve = run["curve"]
            steps = [s for s, _ in curve]
            assert steps == sorted(steps) and all(s % recorded["config"]["eval_every"] == 0 for s in steps)
            # the recorded solve point is the first of two consecutive evaluations >= 0.9
            assert run["env_steps_to_solve"] == runs.solved_at_curve(curve, recorded["config"]["solve_return"])


def test_median_and_ratios_count_unsolved_runs_as_worst():
    assert runs.median_or_none([300, None, 500]) == 500
    assert runs.median_or_none([300, None, None]) is None
    assert runs.median_or_none([100, 200, 300, 400]) == 250
    fake = {
        m: {str(i): {"env_steps_to_solve": v} for i, v in enumerate(vals)}
        for m, vals in [("dreamer", [200, 400, None]), ("dqn", [800, 800, 900]), ("dqn_matched", [400, None, 600])]
    }
    eff = analysis.sample_efficiency(fake)
    assert eff["ratios"] == [4.0, 2.0, 0.0] and eff["ratio"] == 2.0
    assert eff["ratios_matched"] == [2.0, None, 0.0] and eff["ratio_matched"] == 2.0
    held_out = analysis.sample_efficiency(fake, only_seeds=(1, 2))
    assert held_out["seeds"] == [1, 2] and held_out["ratios"] == [2.0, 0.0] and held_out["dreamer"] == [400, None]


def test_catch_holds_out_seeds_the_recipe_was_not_chosen_on():
    catch = runs.game("catch")
    assert set(catch.tuned_on) < set(catch.seeds)
    recorded = runs.read_runs()
    for method in runs.METHODS:
        assert sorted(int(s) for s in recorded[method]) == list(catch.seeds), method


@pytest.mark.slow
def test_quick_bench_has_exactly_the_issue_keys():
    result = analysis.bench(quick=True)
    assert list(result) == [
        "optimal_return",
        "dreamer_return",
        "seeds",
        "seeds_solved",
        "dreamer_env_steps_to_95pct",
        "dqn_env_steps_to_95pct",
        "dqn_matched_env_steps_to_95pct",
        "sample_efficiency_ratio",
        "sample_efficiency_ratio_matched",
        "imagination_accuracy",
        "planning_return",
        "planning_return_plain_cem",
        "planning_return_pixel",
        "actor_return",
        "planning_ms_per_move_latent",
        "planning_ms_per_move_pixel",
        "actor_ms_per_move",
        "train_seconds",
        "room_optimal_return",
        "room_dreamer_return",
        "room_seeds",
        "room_seeds_solved",
        "room_dreamer_env_steps_to_95pct",
        "room_dqn_env_steps_to_95pct",
        "room_dqn_matched_env_steps_to_95pct",
        "room_sample_efficiency_ratio",
        "room_sample_efficiency_ratio_matched",
        "room_train_seconds",
        "room_imagination_accuracy",
        "room_planning_return",
        "room_planning_return_plain_cem",
        "room_planning_return_pixel",
        "room_actor_return",
        "room_planning_ms_per_move_latent",
        "room_planning_ms_per_move_pixel",
        "new_goal_cells",
        "new_goal_games_per_cell",
        "new_goal_success_latent_zero_shot",
        "new_goal_success_latent_worst_cell",
        "new_goal_success_old_actor",
        "new_goal_planning_ms_per_move",
        "dqn_steps_for_new_goal",
        "dqn_steps_for_new_goal_per_seed",
    ]
    assert result["optimal_return"] == 1.0 and result["seeds"] >= 1
    assert 0 <= result["seeds_solved"] <= result["seeds"] and 0.0 <= result["imagination_accuracy"] <= 1.0
    assert 0.0 <= result["new_goal_success_latent_worst_cell"] <= result["new_goal_success_latent_zero_shot"] <= 1.0
    assert result["planning_ms_per_move_pixel"] > result["actor_ms_per_move"] < result["planning_ms_per_move_latent"]
    json.dumps(result)


@pytest.mark.slow
@pytest.mark.parametrize("game", ["catch", "empty_room"])
def test_quick_recording_writes_a_runs_file(tmp_path, game):
    path = tmp_path / "runs.json"
    recorded = runs.record(seeds=(0,), path=path, quick=True, env=game)
    assert set(recorded) >= {"dreamer", "dqn", "dqn_matched", "config"} and recorded["config"]["game"] == game
    assert json.loads(path.read_text())["dreamer"]["0"]["curve"]
    assert all(run["cut_by_time_limit"] is False for method in runs.METHODS for run in recorded[method].values())


def test_the_record_harness_cuts_a_run_by_its_time_limit_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(runs, "RECORD_CPU_SECONDS", 0.0)  # every run is over its budget after one step
    recorded = runs.record(seeds=(0,), methods=("dqn",), path=tmp_path / "runs.json", quick=True)
    run = recorded["dqn"]["0"]
    assert run["cut_by_time_limit"] is True and run["env_steps"] == 1


def test_shipped_runs_say_which_were_cut_by_the_time_limit():
    for game in runs.GAMES:
        recorded = runs.read_runs(env=game)
        for method in set(recorded) - {"config"}:
            for run in recorded[method].values():
                # a run is cut only before its step count, unsolved
                assert not run["cut_by_time_limit"] or (
                    not run["solved"] and run["env_steps"] < runs.recipe(method, game).env_steps
                )


@pytest.mark.slow
def test_show_every_catch_catches_once_per_column_in_the_warm_up_only():
    env = Catch(seed=0)
    explore = D.HeldRandomActions(3, epsilon=0.0, hold=4, prefill=200, rng=np.random.default_rng(0))
    guided = runs.ShowEveryCatch(env, explore)
    catches = runs.columns_caught(guided, env, steps=200)
    assert catches == guided.caught == set(range(5))  # the real game paid +1 in every column
    random_warm_ups = [
        len(
            runs.columns_caught(
                D.HeldRandomActions(3, 0.1, 4, 200, np.random.default_rng(seed)), Catch(seed=seed), steps=200
            )
        )
        for seed in range(20)
    ]
    assert 0 < np.mean(random_warm_ups) < 5  # unguided, some columns go without a catch
    after = [guided(step, policy_action=2) for step in range(201, 230)]
    assert after[4:] == [2] * 25  # then the agent plays (ε = 0), once a move held from the warm-up has run out
    with pytest.raises(ValueError, match="Catch only"):
        runs.ShowEveryCatch(EmptyRoom(seed=0), explore)
    with pytest.raises(ValueError, match="Catch only"):
        runs.columns_caught(explore, EmptyRoom(seed=0), steps=10)
    with pytest.raises(ValueError, match="drop it"):
        runs.record(methods=("dreamer_shown_catches",), env="empty_room", quick=True)
    with pytest.raises(ValueError, match="known: dreamer, dqn"):
        runs.record(methods=("dqn_fast",), quick=True)


def test_first_catches_notes_the_step_of_each_columns_first_catch_and_changes_no_move():
    def explore(seed):
        return D.HeldRandomActions(3, epsilon=0.1, hold=4, prefill=200, rng=np.random.default_rng(seed))

    for seed in range(5):
        env, plain = Catch(seed=seed), explore(seed)
        watched = runs.FirstCatches(env, explore(seed))
        env.reset()
        caught: dict[int, int] = {}
        for step in range(1, 301):
            action = watched(step, policy_action=1)
            assert action == plain(step, policy_action=1)  # it only watches
            column = env.ball_col
            _, reward, done = env.step(action)
            if reward > 0:
                caught.setdefault(column, step)
            if done:
                env.reset()
        assert watched.first_catch == [caught.get(column) for column in range(5)]
    with pytest.raises(ValueError, match="Catch only"):
        runs.FirstCatches(EmptyRoom(seed=0), explore(0))


@pytest.mark.slow
def test_a_recorded_catch_run_says_when_each_column_was_first_caught(tmp_path):
    recorded = runs.record(seeds=(0,), methods=("dreamer",), path=tmp_path / "runs.json", quick=True)
    first = recorded["dreamer"]["0"]["first_catch_by_column"]
    assert len(first) == Catch().width
    assert all(step is None or 1 <= step <= recorded["dreamer"]["0"]["env_steps"] for step in first)


def catch_states(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([rng.integers(10, size=n), rng.integers(5, size=n), rng.integers(5, size=n)], 1)


def test_map_neighbours_tells_clumps_per_state_from_a_map_ordered_by_the_state():
    states = catch_states(5000)  # about 20 frames for each of the 250 states
    rng = np.random.default_rng(1)
    _, state_id = np.unique(states, axis=0, return_inverse=True)
    jitter = 0.01 * rng.normal(size=(len(states), 2))
    scattered = (
        rng.uniform(0, 100, size=(state_id.max() + 1, 2))[state_id.ravel()] + jitter
    )  # one clump per state, anywhere
    ordered = states[:, :2] * 1.0 + 0.1 * states[:, 2:] + jitter  # rows along x, columns along y
    for xy in (scattered, ordered):
        result = analysis.map_neighbours(xy, states, k=10)
        assert result["same state"] > 0.7
        assert all(p["neighbours"] > 0.9 for p in result["parts"].values())
    loose = analysis.map_neighbours(scattered, states)["parts"]["ball row"]
    tight = analysis.map_neighbours(ordered, states)["parts"]["ball row"]
    assert loose["other states"] < loose["chance"] + 0.05 < tight["other states"]
    assert loose["chance"] == pytest.approx(0.1, abs=0.01)


def test_code_information_finds_a_factor_per_variable_or_spread_over_them():
    states = catch_states(3000)
    one_hot = lambda v: np.eye(8)[v]  # (N, 8) probabilities of one code variable
    rng = np.random.default_rng(2)
    noise = one_hot(rng.integers(8, size=len(states)))
    tidy = np.concatenate(
        [one_hot(states[:, 0] % 8), one_hot(states[:, 1]), one_hot(states[:, 2]), noise], 1
    )  # (N, 4 * 8)
    result = analysis.code_information(tidy, states, stoch=4)
    assert result["per_variable"].shape == (4, 3) and result["together"].shape == (3,)
    assert result["per_variable"][1, 1] == pytest.approx(1.0) and result["per_variable"][2, 2] == pytest.approx(1.0)
    assert result["per_variable"][3].max() < 0.01 and (result["mig"][1:] > 0.95).all()
    # each column split over two variables (its low and its high half): neither alone fixes it
    low, high = np.minimum(states[:, 1], 2), np.maximum(states[:, 1], 2)
    spread = np.concatenate(
        [one_hot(states[:, 0] % 8), one_hot(states[:, 0] // 8), one_hot(low), one_hot(high), one_hot(states[:, 2])], 1
    )
    result = analysis.code_information(spread, states, stoch=5)
    assert result["together"] == pytest.approx(np.ones(3))
    assert result["per_variable"][:, 1].max() < 0.8 and result["mig"][1] < 0.2
    assert result["distinct_codes"] == len(np.unique(states, axis=0))


def test_unknown_game_names_the_known_ones():
    with pytest.raises(KeyError, match="catch, empty_room"):
        runs.recipe("dreamer", "pong")


def test_solve_line_is_95_percent_of_the_way_from_worst_to_best():
    assert runs.solve_return("catch") == pytest.approx(0.9)  # from -1 to +1
    assert runs.solve_return("empty_room") == pytest.approx(0.95 * EmptyRoom.optimal_return, abs=1e-4)
    for game in runs.GAMES:  # the recipes (presets) state the solve line each game's worst return gives
        assert (
            runs.recipe("dqn", game).solve_return
            == runs.recipe("dreamer", game).solve_return
            == runs.solve_return(game)
        )


# ---------------------------------------------------------------- widgets and exercise


def test_dream_view_functions(agent):
    view = widgets.dream_vs_real(agent, game=3, start=2, plan="always left", horizon=5)
    assert view["real"].shape == view["imagined"].shape == (5, 1, 10, 5) and len(view["matches"]) == 5
    assert view["letters"] == "LLLLL" and view["codes"].shape == (5, agent.c.stoch, agent.c.classes)
    assert widgets.dream_picture(view)[:4] == b"\x89PNG"
    assert widgets.dream_vs_real(agent, 3, 8, "random", 9)["real"].shape[0] == 1  # clipped to the game
    with pytest.raises(ValueError, match="always left"):
        widgets.plan_actions("teleport", 9, 0)


def test_moving_each_widget_control_changes_its_output(agent):
    viewer = widgets.dream_viewer(agent)
    image, caption = viewer.views
    for control, value in zip(viewer.controls, [5, 3, "always right", 2]):
        before = (image.value, caption.value)
        control.value = value
        assert (image.value, caption.value) != before, control.description
    drift = widgets.drift_explorer(agent, np.linspace(1.0, 0.5, 9), games=3)
    (horizon,), (text, _) = drift.controls, drift.views
    before = text.value
    horizon.value = 7
    assert text.value != before


def test_room_viewer_moves_to_another_game(room_agent):
    viewer = widgets.room_viewer(room_agent, game=3)
    (game, plan, _typed), (image, caption) = viewer.controls, viewer.views
    before = (image.value, caption.value)
    game.value = 4
    assert image.value != before[0] and caption.value != before[1]
    game.value = 3
    assert (image.value, caption.value) == before  # the same game again: the same walk and dream
    run = analysis.room_episode(room_agent, seed=3)
    assert "".join(widgets.ROOM_LETTERS[a] for a in run["actions"]) in caption.value
    plan.value = "always forward"
    assert image.value != before[0] and "moves <b>F" in caption.value


def test_room_viewer_plays_typed_moves_and_names_a_typing_slip(room_agent):
    viewer = widgets.room_viewer(room_agent, game=3)
    (_, plan, typed), (image, caption) = viewer.controls, viewer.views
    typed.value = "ffr f"
    assert plan.value == "typed below"  # typing switches to the typed moves
    assert "moves <b>FFRF</b>" in caption.value
    shown = image.value
    typed.value = "FF<X>"
    message = html.unescape(caption.value)
    assert "unknown move '<', '>', 'X'" in message and "L (turn left)" in message
    assert "<X>" not in caption.value  # what was typed is shown as text, never as markup
    assert image.value == shown  # the last good picture stays


def test_room_moves_reads_letters_and_rejects_others():
    assert widgets.room_moves(" lRf F") == [0, 1, 2, 2]
    for bad, message in [("FFUP", "unknown move 'P', 'U'"), ("  ", "no moves typed")]:
        with pytest.raises(ValueError, match=message):
            widgets.room_moves(bad)
    with pytest.raises(ValueError, match="unknown room plan"):
        widgets.room_plan("dance", 0)
    assert widgets.room_plan("random", 5) == widgets.room_plan("random", 5) != widgets.room_plan("random", 6)


def test_room_episode_plays_given_moves_until_the_game_ends(room_agent):
    env = EmptyRoom(seed=3)
    env.reset()
    x, y = env.game.agent_pos
    heading = env.game.agent_dir
    moves = EmptyRoom.moves_to_goal()
    path = []  # a shortest path, found greedily from the BFS table
    state = (x - 1, y - 1, heading)
    step = [(1, 0), (0, 1), (-1, 0), (0, -1)]
    while moves[state] > 1:
        cx, cy, d = state
        options = {0: (cx, cy, (d - 1) % 4), 1: (cx, cy, (d + 1) % 4), 2: (cx + step[d][0], cy + step[d][1], d)}
        action, state = min(
            ((a, s) for a, s in options.items() if 0 <= s[0] < 6 and 0 <= s[1] < 6), key=lambda item: moves[item[1]]
        )
        path.append(action)
    path.append(2)  # the last step forward reaches the goal
    run = analysis.room_episode(room_agent, seed=3, moves=path + [0, 0, 0])
    assert run["actions"].tolist() == path and run["unplayed"] == 3 and run["shortest"] == len(path)
    assert run["return"] == pytest.approx(1 - 0.9 * len(path) / EmptyRoom.max_steps)
    assert run["frames"].shape == run["dreams"].shape == (len(path) + 1, 5, 6, 6)
    with pytest.raises(ValueError, match="moves must be"):
        analysis.room_episode(room_agent, seed=3, moves=[3])


def test_lambda_returns_check_accepts_the_reference_and_rejects_a_wrong_one():
    checks.check_lambda_returns(D.lambda_returns)

    def forgets_to_bootstrap(rewards, continues, values, discount, lambda_):
        return D.lambda_returns(rewards, continues, torch.zeros_like(values), discount, lambda_)

    with pytest.raises(AssertionError):
        checks.check_lambda_returns(forgets_to_bootstrap)


def _nearest_bin(x, bins):
    return torch.nn.functional.one_hot((D.symlog(x)[..., None] - bins).abs().argmin(-1), len(bins)).float()


def _unclamped(x, bins):  # runs past the outer bins: weights below 0 and above 1
    y = D.symlog(x)
    below = (torch.searchsorted(bins, y.contiguous(), right=True) - 1).clamp(0, len(bins) - 2)
    w = ((y - bins[below]) / (bins[below + 1] - bins[below]))[..., None]
    hot = torch.nn.functional.one_hot
    return (1 - w) * hot(below, len(bins)) + w * hot(below + 1, len(bins))


@pytest.mark.parametrize(
    "wrong, failing",
    [
        (lambda x, bins: D.twohot_encode(x, bins), "exactly symlog"),  # forgets to squash
        (_nearest_bin, "exactly symlog"),  # one-hot on the nearest bin: the mean is off
        (_unclamped, "outer bin"),
        (lambda x, bins: D.twohot_encode(D.symlog(x), bins)[..., :-1], "shape"),
    ],
)
def test_symlog_twohot_check_accepts_the_reference_and_names_the_mistake(wrong, failing):
    checks.check_symlog_twohot(lambda x, bins: D.twohot_encode(D.symlog(x), bins))
    with pytest.raises(AssertionError, match=failing):
        checks.check_symlog_twohot(wrong)


def test_catch_state_matches_the_game():
    env = Catch(seed=0)
    env.reset()
    assert analysis.catch_state(env) == (0, env.ball_col, 2)


def test_drift_explorer_cuts_one_long_dream_as_a_shorter_dream_would_end(agent):
    """The drift explorer dreams each game once, as far as its slider goes, and shows step k of
    it: a best-guess dream is made step by step, so that is where a dream of k steps ends (up to
    float rounding, which differs from one call to the next as well)."""
    longest = 5
    full = widgets.dream_vs_real(agent, 200, 0, "random", longest)
    for k in (1, 3, longest):
        cut = widgets.dream_vs_real(agent, 200, 0, "random", k)
        assert np.allclose(cut["imagined"][-1], full["imagined"][k - 1], atol=1e-3)
        assert np.array_equal(cut["real"][-1], full["real"][k - 1])
        assert cut["matches"][-1] == full["matches"][k - 1]
    drift = widgets.drift_explorer(agent, np.linspace(1.0, 0.5, longest), games=2)
    (horizon,), (caption, picture) = drift.controls, drift.views
    shown = {}
    for k in (4, 2, 4):
        horizon.value = k
        shown.setdefault(k, picture.value)
        assert picture.value == shown[k] and f"at step {k}:" in caption.value  # the same step, the same picture
    assert shown[4] != shown[2]
