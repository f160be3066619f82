# ---
# jupyter:
#   jupytext:
#     formats: py:percent,build//ipynb
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 06 — World models: learning to act inside a dream
#
# **Should problem solving happen in the latent space itself?** An agent that has learned a
# compact code of its world can rehearse in it: predict what its moves would do, judge the
# outcomes, and choose — without touching the real world. This lesson builds such an agent on a
# laptop and asks, with numbers, when thinking in the code beats acting by habit and thinking in
# pictures, and what it buys that a habit cannot: **new goals with no new experience**.
#
# ## You will learn to
# - read a world model's latent code by what it redraws, what it dreams open loop, and where its
#   dreams drift (and say why the code is entangled, as in Lesson 01);
# - train an actor and a critic entirely in imagination with λ-returns and two-hot targets, and
#   compare the real experience it needs with DQN's;
# - plan by search (CEM) in the latent space and through pixels, and explain why a planner falls
#   for a model's false promises where an actor does not;
# - make latent planning trustworthy with an ensemble of small heads and pessimism, and measure
#   what each move costs;
# - send an agent to a goal it was never rewarded for, with zero new real steps, and compare with
#   a learner that has to start again.
#
# **Prerequisites:** Lesson 01 (embeddings, entanglement, MIG) and Lesson 02 (novelty: a learned
# embedding decides what counts as new); Python and PyTorch; what a reward, a policy and a
# discount γ are.
#
# **Learner time:** about 80 minutes (reading + exercises).
#
# ## Papers
# - Hafner et al., *Mastering diverse control tasks through world models* (DreamerV3), Nature
#   2025 — https://arxiv.org/abs/2301.04104
# - Ha & Schmidhuber, *World Models*, 2018 — https://arxiv.org/abs/1803.10122
# - Hafner et al., *Learning Latent Dynamics for Planning from Pixels* (PlaNet, CEM in a latent
#   space), 2019 — https://arxiv.org/abs/1811.04551
# - Mnih et al., *Human-level control through deep reinforcement learning* (DQN), Nature 2015 —
#   https://doi.org/10.1038/nature14236
# - Chua et al., *Deep Reinforcement Learning in a Handful of Trials using Probabilistic Dynamics
#   Models* (PETS: ensembles for planning), 2018 — https://arxiv.org/abs/1805.12114
# - Yu et al., *MOPO: Model-based Offline Policy Optimization* (pessimism where models disagree),
#   2020 — https://arxiv.org/abs/2005.13239
# - De Boer et al., *A Tutorial on the Cross-Entropy Method*, 2005 —
#   https://doi.org/10.1007/s10479-005-5724-z
#
# | part | what it is |
# |---|---|
# | game | Catch, 10×5 pixels: a ball falls for 9 steps; +1 if the paddle is under it at the bottom, −1 if not. The best possible return is +1 |
# | world model | a **recurrent state-space model (RSSM)**: a state made of a deterministic part h, carried from step to step by a **GRU** (gated recurrent unit, a recurrent layer that decides at each step how much of its memory to keep), and a code z of 8 categorical variables × 8 classes; it learns to redraw each frame from (h, z), and to predict the next z, the reward and whether the game goes on **without seeing the next frame** |
# | actor and critic | trained only on 15-step trajectories imagined by the model, with λ-returns |
# | baseline | **DQN** (deep Q-network), which learns from real steps only, evaluated on the same grid |
# | planning | search over action sequences inside the model (CEM), in latent space and through pixels, on both games |
# | a longer game | MiniGrid's empty room: walk to the goal, up to 12 moves away, rewarded only on arrival — and the same room with the goal moved |
#
# The agent (seed 0, trained for 2,000 real steps) ships as a checkpoint in `data/checkpoints/`
# (verified by SHA-256 when loaded); `python -m course train dreamer_catch` retrains it in about
# 40 minutes on one CPU core, and `python -m course train dreamer_room` the empty-room agent in
# about 12. The small heads of sections 6 to 8 retrain in minutes from those agents
# (`python -m course train dreamer_catch_heads`, `dreamer_room_heads`). The training curves of
# every method ship in `data/dreamer/runs.json` (ten seeds on Catch) and `runs_room.json` (five
# seeds); `python -m course.dreamer.runs [--game empty_room]` records them again. The research
# diagnostics behind the Catch recipe (seeds it was chosen on, exploration, first catches) are in
# the [Appendix](#Appendix) at the end.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import display

from course.core.exercises import check_answer
from course.dreamer import analysis, goals, heads, planning, presets, runs, widgets
from course.dreamer.checks import check_lambda_returns, check_symlog_twohot
from course.dreamer.dreamer import HeldRandomActions
from course.dreamer.envs import Catch, EmptyRoom, evaluate

plt.rcParams.update({"figure.dpi": 90})
torch.set_num_threads(1)  # small networks: one thread is fastest, and the same on every machine
agent = analysis.load_agent()
c = agent.c
print(f"world model: GRU of {c.hidden} units, z = {c.stoch} categorical variables × {c.classes} classes, "
      f"{sum(p.numel() for p in agent.wm.parameters()):,} parameters; actor and critic "
      f"{sum(p.numel() for p in agent.actor.parameters()) + sum(p.numel() for p in agent.critic.parameters()):,}")

# %% [markdown]
# ## 1. The game
# **What you should see:** one game, frame by frame: the ball (top) falls one row per step, the
# paddle (bottom row) moves left, stays or moves right. Random play catches about one ball in
# five, so its mean return is near −0.6.

# %%
game = analysis.observe_episode(agent, seed=1)
fig, axes = plt.subplots(1, 10, figsize=(9, 2.2))
for t, ax in enumerate(axes):
    ax.imshow(game["frames"][t, 0], cmap="gray", vmin=0, vmax=1)
    move = "start" if t == 0 else ["left", "stay", "right"][game["actions"][t - 1]]
    ax.set(xticks=[], yticks=[], title=f"t={t}", xlabel=move)
plt.suptitle("a Catch game under random moves (under each frame, the move that led to it)")
plt.tight_layout()
plt.show()
random_return = planning.random_return(episodes=1000)
print(f"random play: mean return {random_return:+.2f} over 1,000 games; the optimum is {Catch.optimal_return:+.1f}")
assert abs(random_return + 0.6) < 0.1, "random play should catch about one ball in five"

# %% [markdown]
# ## 2. What the world model sees: reconstructions
# The model never stores frames: it compresses each one into (h, z) and redraws it with its
# decoder. **What you should see:** the top row is reality, the bottom row the decoder's picture
# from the model's state — the ball and paddle where they are, nothing else.

# %%
fig, axes = plt.subplots(2, 10, figsize=(9, 4))
for t in range(10):
    axes[0, t].imshow(game["frames"][t, 0], cmap="gray", vmin=0, vmax=1)
    axes[1, t].imshow(game["recon"][t, 0], cmap="gray", vmin=0, vmax=1)
    for ax in axes[:, t]:
        ax.set(xticks=[], yticks=[])
axes[0, 0].set_ylabel("real")
axes[1, 0].set_ylabel("redrawn")
plt.suptitle("frames and their reconstructions from (h, z)")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 3. Dreams: open-loop imagination next to reality
# Now the model sees only the **first** frame. From then on it imagines every frame from the
# actions alone — it is never corrected by what it would have seen. We play the same actions in
# the real game and compare.
#
# At each step the model gives a probability for every class of its 8 code variables. Training
# *samples* the codes (with 1 % of uniform noise mixed in), so that the actor meets the model's
# uncertainty; here the dream follows the model's **best guess**, the most likely class of each
# variable — Catch is deterministic once the ball is seen, so the best guess is what to judge.
#
# **What you should see:** the dreamed ball falls and the dreamed paddle follows the actions,
# frame by frame like reality. Red frames are where the dream differs from reality. Below the
# pictures, the share of exact frames at each step, for best-guess and for sampled dreams: the
# dice make dreams wander (a wrong code at one step carries into every later one).

# %%
fig, axes = plt.subplots(6, 10, figsize=(9, 8))
for row, seed in enumerate([11, 12, 13]):
    real = analysis.observe_episode(agent, seed=seed)
    imagined = analysis.dream(agent, real["feats"][0], real["actions"], seed=seed)
    for t in range(10):
        axes[2 * row, t].imshow(real["frames"][t, 0], cmap="gray", vmin=0, vmax=1)
        frame = real["frames"][0, 0] if t == 0 else imagined["frames"][t - 1, 0]
        wrong = t > 0 and not np.array_equal(frame > 0.5, real["frames"][t, 0] > 0.5)
        axes[2 * row + 1, t].imshow(frame, cmap="Reds" if wrong else "gray", vmin=0, vmax=1)
        for ax in axes[2 * row: 2 * row + 2, t]:
            ax.set(xticks=[], yticks=[])
    axes[2 * row, 0].set_ylabel(f"game {seed}\nreal")
    axes[2 * row + 1, 0].set_ylabel("dreamed")
plt.suptitle("open-loop dreams from the first frame (actions as in the real game)")
plt.tight_layout()
plt.show()

drift = analysis.dream_drift(agent, episodes=100)
drift_sampled = analysis.dream_drift(agent, episodes=100, sample=True)
accuracy, accuracy_sampled = float(drift.mean()), float(drift_sampled.mean())
print("share of exact imagined frames at open-loop step 1..9, best guess:", np.round(drift, 2))
print("                                              codes sampled:", np.round(drift_sampled, 2))
print(f"imagination accuracy over whole games (100 random games): best guess {accuracy:.3f}, "
      f"sampled {accuracy_sampled:.3f}")
assert drift[0] >= 0.9, "one step ahead, the shipped world model should almost always be exact"
assert accuracy > accuracy_sampled, "sampling adds noise to a deterministic game's dream"

# %% [markdown]
# ### Dream viewer
# Pick a game, the real step the dream starts from, an action plan and a horizon. The top row is
# what really happened (the start frame first), the bottom row the dream — red where it is
# wrong — and on the right the categorical code z the model imagined at the last step: one row
# per variable, one column per class, brightness its probability.
#
# **What you should see:** dreams that follow the real game for the moves the agent plays, and
# red frames appearing late, if at all, for plans it never plays (try "left, then right").

# %%
display(widgets.dream_viewer(agent))

# %% [markdown]
# ### When do dreams drift?
# **What you should see:** move the horizon. On the left, the share of exact imagined frames at
# each open-loop step (from 100 games), best guess and sampled; on the right, several games' real
# frame beside the best-guess imagined one at that step. Errors, where there are any, appear late:
# each imagined step builds on the last.

# %%
display(widgets.drift_explorer(agent, drift, sampled_by_step=drift_sampled))

# %% [markdown]
# ## 4. What the codes mean: a map of the latent space
# Every frame gets a code z: 8 variables, each a probability over 8 classes. UMAP (as in Lesson 01)
# lays the codes of 2,000 frames from random games out in 2-d, computed once with
# `python -m course train dreamer_catch_umap` and loaded here.
#
# **What you should see:** one panel per part of the true state. The 2,000 frames show only about
# 200 different states, so the map is made of small tight clumps, one per state: a frame's 10
# nearest neighbours on the map nearly always share its ball row, ball column and paddle column
# (first column of numbers below the maps, against chance). But clumps of one colour are not
# gathered into regions. Among the 10 nearest frames of *another* state, the share with the same
# row or column falls most of the way back to chance (second column): the map keeps states
# apart, but it hardly puts row 3 next to row 4.

# %%
latent_map = analysis.load_latent_map()
fig, axes = plt.subplots(1, 3, figsize=(11, 3.6))
for ax, (j, name) in zip(axes, enumerate(analysis.STATE_PARTS)):
    values = latent_map["states"][:, j]
    n = int(values.max()) + 1  # one colour per row or column, centred on its integer
    points = ax.scatter(*latent_map["xy"].T, c=values, cmap=plt.get_cmap("viridis", n), vmin=-0.5, vmax=n - 0.5, s=6)
    ax.set(title=f"coloured by {name}", xlabel="UMAP 1", ylabel="UMAP 2", xticks=[], yticks=[])
    plt.colorbar(points, ax=ax, ticks=range(n), label=name)
plt.tight_layout()
plt.show()
distinct = len({tuple(s) for s in latent_map["states"]})
neighbourhoods = analysis.map_neighbours(latent_map["xy"], latent_map["states"], k=10)
print(f"{len(latent_map['xy'])} frames, {distinct} distinct true states; "
      f"{neighbourhoods['same state']:.0%} of map neighbours are in exactly the same state\n")
print(f"{'':>14}  {'neighbours':>10}  {'other states':>12}  {'chance':>6}")
for name, share in neighbourhoods["parts"].items():
    print(f"{name:>14}  {share['neighbours']:>10.0%}  {share['other states']:>12.0%}  {share['chance']:>6.0%}")
for name, share in neighbourhoods["parts"].items():
    assert share["neighbours"] > 2 * share["chance"], f"map neighbours should share the {name}"
    assert share["other states"] < (share["chance"] + share["neighbours"]) / 2, f"the map should not order states by {name}"

# %% [markdown]
# ### Which code variable holds what? Lesson 01's question again
# A clump per state means the code as a whole tells states apart. Does each of its 8 variables
# hold one part of the state, as a disentangled embedding would? For each variable, take its most
# likely class and measure how much of each part of the state it pins down, I(z_i; part) / H(part):
# 1 fixes the part, 0 says nothing. The bottom row asks the same of all 8 variables together.
#
# **What you should see:** together, the 8 variables fix every part almost exactly. Alone, none
# holds the ball's column: each knows a little of it, so the information is spread thin, as in
# Lesson 01's plain autoencoder, and the mutual information gap (MIG) is small. Nothing asked the
# world model for one variable per factor; it was asked only to redraw and predict frames.

# %%
map_config = presets.PRESETS[analysis.UMAP_NAME]
codes, code_states = analysis.latent_codes(agent, map_config.episodes, map_config.seed)  # the map's frames
information = analysis.code_information(codes, code_states, agent.c.stoch)
table = np.vstack([information["per_variable"], information["together"]])
fig, ax = plt.subplots(figsize=(5.5, 4.6))
image = ax.imshow(table, cmap="magma", vmin=0, vmax=1, aspect="auto")
for (i, j), value in np.ndenumerate(table):
    ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8, color="white" if value < 0.6 else "black")
ax.axhline(len(table) - 1.5, color="white", lw=2)
ax.set(xticks=range(3), xticklabels=[part.replace(" ", "\n") for part in analysis.STATE_PARTS], yticks=range(len(table)),
       yticklabels=[f"z{i}" for i in range(agent.c.stoch)] + ["all 8"], xlabel="part of the true state",
       ylabel="code variable", title="I(code; part) / H(part)")
plt.colorbar(image, ax=ax, label="share of the part pinned down")
plt.tight_layout()
plt.show()
print(f"{information['distinct_codes']} distinct best-guess codes for {distinct} distinct states")
print("MIG per part: " + ", ".join(f"{n} {g:.2f}" for n, g in zip(analysis.STATE_PARTS, information["mig"]))
      + f"; mean {information['mig'].mean():.2f}")
assert (information["together"] > 0.9).all(), "all 8 variables together should fix the state"
assert information["per_variable"][:, 1].max() < 0.5, "no single variable should hold the ball's column"
assert information["mig"].mean() < 0.2, "the codes should be entangled: a small gap between the best two variables"

# %% [markdown]
# ## 5. Actor-critic in imagination: return vs real experience, Dreamer and DQN
# Dreamer learns to act as an **actor-critic**: an *actor* (a network from the model state to a
# probability for each move) and a *critic* (a network from the model state to the return it
# expects from there). Both learn only on trajectories the world model imagines from replayed real
# states: the critic learns to predict λ-returns (exercise 1 below), and the actor makes more
# likely the moves whose imagined return beat the critic's expectation, plus an **entropy bonus**
# (a small reward for keeping its move probabilities spread out, so that it keeps trying moves
# its model may be wrong about).
#
# The baseline, **DQN**, has no model: a network maps a frame to the value of each move and learns
# from replayed real steps with the one-step target r + γ max Q_target(next frame), where
# Q_target is a **target network** — a copy of the network frozen for a while (here 250 updates)
# so that the targets do not move with every update.
#
# Every run is evaluated every 50 real steps on 100 fresh games with greedy actions; a run is
# **solved** at the first of two consecutive evaluations with mean return ≥ 0.9 (95 % of the way
# from −1 to the optimal +1). DQN is the classic recipe (one update per real step); the
# "matched" DQN makes as many updates per real step as Dreamer does. Dreamer explores with
# random moves: all of its first 200, then one in ten; each random move is held for 1 to 4 steps,
# so that the paddle also travels to the far columns.
#
# **What you should see:** thin lines are seeds, thick lines their median. Dreamer's curves stay
# flat for its 200 steps of random warm-up, then climb; compare where each method crosses the
# dashed line, seed by seed, in the table below the plot. Look for plateaus too: a run can sit
# below 0.9 for hundreds of steps when its policy never tries the move that catches the ball in
# some column.

# %%
COLOURS = {"dreamer": "tab:blue", "dqn": "tab:orange", "dqn_matched": "tab:green"}


def plot_runs(recorded: dict, random_line: float, title: str, ylim: tuple[float, float]) -> None:
    """Every seed's curve (thin) and their median (thick), for each method, with the solve line."""
    every = recorded["config"]["eval_every"]
    labels = {"dreamer": "Dreamer", "dqn": "DQN (1 update/step)",
              "dqn_matched": f"DQN ({recorded['config']['dreamer_updates_per_step']:g} updates/step)"}
    fig, ax = plt.subplots(figsize=(8, 4))
    for method, colour in COLOURS.items():
        curves = [np.array(run["curve"]) for run in recorded[method].values()]
        for curve in curves:
            ax.plot(curve[:, 0], curve[:, 1], color=colour, alpha=0.3, lw=1)
        grid = np.arange(every, max(c[-1, 0] for c in curves) + 1, every)
        # a run that stopped once solved keeps its last value afterwards
        filled = np.array([np.interp(grid, c[:, 0], c[:, 1], left=np.nan) for c in curves])
        ax.plot(grid, np.nanmedian(filled, 0), color=colour, lw=2.5, label=labels[method])
    solve = recorded["config"]["solve_return"]
    ax.axhline(solve, color="k", ls="--", lw=1, label=f"solved ({solve:g})")
    ax.axhline(random_line, color="grey", ls=":", lw=1, label="random play")
    ax.set(xlabel="real environment steps (log scale)", ylabel="mean return (100 greedy games)", ylim=ylim,
           title=title)
    ax.set_xscale("log")
    ax.legend(loc="upper left", fontsize=8)
    plt.show()


def print_seed_table(recorded: dict, efficiency: dict) -> None:
    """Real steps to solve, seed by seed, and the ratios DQN / Dreamer."""
    fmt = lambda v: "—" if v is None else f"{v:g}"
    ratio = lambda v: "—" if v is None else f"{v:.2f}"
    print(f"{'seed':>4} | {'Dreamer':>8} | {'DQN':>6} | {'DQN matched':>11} | {'ratio':>5} | {'ratio matched':>13}")
    for i, seed in enumerate(sorted(recorded["dreamer"], key=int)):
        print(f"{seed:>4} | {fmt(efficiency['dreamer'][i]):>8} | {fmt(efficiency['dqn'][i]):>6} | "
              f"{fmt(efficiency['dqn_matched'][i]):>11} | {ratio(efficiency['ratios'][i]):>5} | "
              f"{ratio(efficiency['ratios_matched'][i]):>13}")
    print(f"median ratio DQN / Dreamer in real steps to solve: {efficiency['ratio']} "
          f"(matched: {efficiency['ratio_matched']})")


recorded = runs.read_runs()
efficiency = analysis.sample_efficiency(recorded)
plot_runs(recorded, random_return, "Catch: return vs real experience", ylim=(-1.05, 1.05))
print_seed_table(recorded, efficiency)
assert efficiency["ratio"] > 1, "Dreamer should need fewer real steps than DQN, seed for seed (median)"

# %% [markdown]
# ### Exercises: λ-returns and two-hot targets
# The critic and the actor learn from **λ-returns** of imagined trajectories: a blend of the
# rewards the model imagines and the critic's own estimates,
#
# R_t = r_{t+1} + γ c_{t+1} ((1 − λ) v_{t+1} + λ R_{t+1}),  with R_H = v_H,
#
# where c is the model's "the game goes on" flag. λ = 0 trusts the critic after one step; λ = 1
# sums all imagined rewards. Dreamer uses λ = 0.95 and γ = 0.99.
#
# **Exercise 1.** Write `lambda_returns(rewards, continues, values, discount, lambda_)`: rewards and
# continues have shape (H, ...) for steps 1..H, values (H + 1, ...) for steps 0..H; return
# (H, ...) for steps 0..H − 1.

# %% tags=["exercise"]
import torch


def lambda_returns(rewards, continues, values, discount, lambda_):
    # BEGIN SOLUTION
    returns = [values[-1]]
    for t in reversed(range(len(rewards))):
        bootstrap = (1 - lambda_) * values[t + 1] + lambda_ * returns[-1]
        returns.append(rewards[t] + discount * continues[t] * bootstrap)
    return torch.stack(returns[1:][::-1])
    # END SOLUTION


# %% tags=["check"]
check_lambda_returns(lambda_returns)

# %% [markdown]
# The reward head and the critic do not output one number: each outputs a probability for every
# one of 63 fixed bins, and its prediction is the mean. A target is first squashed with
# **symlog**(x) = sign(x) ln(1 + |x|), so that rewards of 0.01 and of 10,000 are learned equally
# well, then spread over the two bins around it — **two-hot** — so that the mean of the bins is
# exactly the squashed target: a value a quarter of the way from one bin to the next puts 3/4 of
# its weight on the lower bin and 1/4 on the upper. The loss is the cross-entropy between the
# prediction and this two-hot vector, which also lets the head say "either −1 or +1" where a single
# number could only say 0.
#
# **Exercise 2.** Write `symlog_twohot(x, bins)`: for every value of the tensor x (any shape)
# return the two-hot vector of symlog(x) over `bins` (sorted, already in symlog space), shape
# (*x.shape, len(bins)). Values beyond the outer bins go all on the outer bin.
# (`torch.searchsorted` finds the bin below a value; `F.one_hot` turns indices into vectors.)

# %% tags=["exercise"]
import torch.nn.functional as F


def symlog_twohot(x, bins):
    # BEGIN SOLUTION
    y = (torch.sign(x) * torch.log1p(x.abs())).clamp(bins[0], bins[-1])
    below = (torch.searchsorted(bins, y.contiguous(), right=True) - 1).clamp(0, len(bins) - 2)
    weight_above = ((y - bins[below]) / (bins[below + 1] - bins[below])).unsqueeze(-1)
    return (1 - weight_above) * F.one_hot(below, len(bins)) + weight_above * F.one_hot(below + 1, len(bins))
    # END SOLUTION


# %% tags=["check"]
check_symlog_twohot(symlog_twohot)

# %% [markdown]
# ## 6. Acting by habit or by search?
# The actor answers in one forward pass: a habit, learned in the dream. A planner instead asks
# the model "what if?" at every move with the **cross-entropy method (CEM)**: draw action
# sequences from a distribution, keep the best tenth, refit the distribution to them, repeat.
# Here it imagines 64 sequences of 9 steps, three times, then plays the first action of the best
# sequence and plans again at the next step (model-predictive control). We plan two ways with
# the **same** world model:
#
# * **in latent space** — step the codes (h, z) forward, as the actor's training does;
# * **in pixel space** — after each imagined step decode the frame, snap it to 0/1 pixels and read
#   it back in through the encoder, so the plan's state is a picture.
#
# Both follow the model's best guess at every imagined step: sampled dreams would add noise that
# the search mistakes for the consequences of its moves.
#
# **What you should see:** the actor costs a fraction of a millisecond per move; the planners
# imagine 1,728 steps per move and cost hundreds of times more, and planning through pixels adds
# a decoder and an encoder to every imagined step, so it costs more again than planning in the
# codes. The actor should score near +1. The planners need more: a good model *everywhere*. A
# planner trusts the model's predictions for every action sequence it tries, including ones the
# actor never plays, and search is drawn to wherever the model wrongly promises a catch. Compare
# the two planners: in latent space the search can steer the codes into states that no real frame
# would produce; through pixels every imagined step is redrawn as a picture and read back in,
# which keeps the search among states the encoder has seen. The printout below says which of
# them this agent's model let win.

# %%
PLANNER_NAMES = {"actor": "actor (habit)", "latent": "CEM in latent space", "pixels": "CEM through pixels",
                 "trusted": "CEM in latent space, trusted heads"}


def print_planners(comparison: dict, note: str) -> None:
    """Return and cost per move of the actor and each planner."""
    print(f"{'how it acts':>34} | {'mean return':>11} | {'ms per move':>11} | {'imagined steps per move':>23}")
    for how, r in comparison.items():
        print(f"{PLANNER_NAMES[how]:>34} | {r['return']:>+11.2f} | {r['ms_per_move']:>11.2f} | "
              f"{r['imagined_steps_per_move']:>23.0f}")
    print(f"(20 games each; {note})")


start = time.perf_counter()
comparison = planning.compare_planners(agent, episodes=20)
print_planners(comparison, f"{time.perf_counter() - start:.0f} s")
latent_return, pixel_return = comparison["latent"]["return"], comparison["pixels"]["return"]
if latent_return < pixel_return:
    print("Search in the codes lost to search through pixels: it found imagined catches in states that "
          "snapping to pixels rules out.")
elif latent_return > pixel_return:
    print("Search in the codes beat search through pixels: with this model, redrawing every imagined "
          "step as a picture cost more than it saved.")
assert comparison["actor"]["return"] >= 0.9, "the shipped actor solved the game"
assert max(latent_return, pixel_return) > random_return + 0.5, "search in the model should beat random play"

# %% [markdown]
# ### Where does the model promise a catch?
# A game of Catch ends in one of 25 ways: the ball lands in one of 5 columns, the paddle stands
# in one of 5. For each ending, send the paddle straight to its column and let the model dream the
# game from its first frame, in the codes and through pixels, as the planners do.
#
# **What you should see:** the game pays +1 on the diagonal and −1 everywhere else. The diagonal
# is where the actor goes, and there the model is right. An off-diagonal square near +1 is a catch
# that the model promises and the game never pays: an ending the actor does not play, so nothing
# ever corrected the model there (the Appendix shows how long learning the endings takes). Straight
# paths are the simplest plans; CEM also tries wiggles, and can find promises this table misses.

# %%
beliefs = {space: planning.ending_returns(agent, space) for space in ("latent", "pixels")}
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
for ax, (space, believed) in zip(axes, beliefs.items()):
    image = ax.imshow(believed, cmap="RdBu", vmin=-1, vmax=1)
    for ball, paddle in np.ndindex(believed.shape):
        value = believed[ball, paddle]
        ax.text(paddle, ball, f"{round(value, 1) + 0.0:+.1f}", ha="center", va="center", fontsize=8,
                color="white" if abs(value) > 0.5 else "black")
    false_promises = int(((believed > 0) & ~np.eye(len(believed), dtype=bool)).sum())
    ax.set(xlabel="paddle's final column", ylabel="ball's column",
           title=f"dreamed {'in the codes' if space == 'latent' else 'through pixels'}\n"
                 f"{false_promises} false catch{'es' if false_promises != 1 else ''}")
fig.colorbar(image, ax=axes, label="dreamed return of the game")
plt.show()
assert (np.diag(beliefs["latent"]) > 0).all(), "the model should know every catch its actor makes"

# %% [markdown]
# ### Planning you can trust: heads that know where they were taught
# The world model's reward head learned from the games the agent played while it learned, most of
# them its actor's own; a planner asks it about every sequence it tries, wiggles included. Two
# remedies, both cheap, and neither retrains the world model:
#
# 1. **broader behaviour, read the way a planner reads it.** Play 400 games (3,600 real steps)
#    with the actor's moves mixed with held random moves — game *i* plays a random move with
#    chance ε from 0 (the actor alone) to 1 (random play). Run the *frozen* world model over them
#    twice: reading every frame, and dreaming open loop from every step under the moves really
#    played, as a planner would. Label every state with the reward that really came.
# 2. **an ensemble and pessimism**, as PETS and MOPO do: 5 small heads (13,000 parameters each),
#    each from its own random start, learn those labels. Where the data are, they agree; off them
#    they disagree, and a planner can value each imagined step at *mean − κ · spread* of the heads.
#
# The heads ship as `dreamer_catch_heads` (`python -m course train dreamer_catch_heads`). κ was
# chosen on other games than those played below (the planner needed no pessimism on Catch: with
# κ = 0 it already caught every ball); the benchmark reports 100 fresh games.

# %% tags=["exercise", "question"]
# Before you run the next cell: CEM in the same latent space, the same world model, but each plan
# valued by the 5 heads instead of the model's own reward head. On these 20 games it will
# (a) fall for false promises about as often as plain CEM, since the dreams are the same,
# (b) catch about as well as the actor, or
# (c) do worse than random play, because the heads were also trained on random games.
# BEGIN SOLUTION
answer_trusted_catch = "b"
# Explanation: the dreams are the same, but the heads were taught on dreams of the very
# sequences a search tries (random wiggles included), labelled with what really happened; the
# plain reward head only ever saw the agent's own games, so its errors are where search goes.
# END SOLUTION

# %% tags=["check"]
check_answer("dreamer.trusted_catch", answer_trusted_catch)

# %% [markdown]
# **What you should see:** the trusted planner catches about as well as the actor, far above
# plain CEM in the codes. It imagines exactly the same steps as plain CEM; the 5 heads at every
# imagined step add to its cost per move, about as much as the decoder and encoder add to
# planning through pixels — compare the last columns.

# %%
catch_heads, catch_heads_config = heads.load_heads(analysis.CATCH_HEADS_NAME)
start = time.perf_counter()
trusted = planning.play(agent, "latent", 20, seed=7, score=heads.trusted_score(agent, catch_heads))
comparison["trusted"] = trusted
print_planners(comparison, f"the trusted planner's games took {time.perf_counter() - start:.0f} s")
print(f"the heads learned from {catch_heads_config.games} games with held random moves; pessimism κ = "
      f"{heads.KAPPA['catch']}")
assert trusted["return"] > comparison["latent"]["return"], "trusted heads should beat the model's own reward head"
# %% [markdown]
# ## 7. A longer game: MiniGrid's empty room
# In Catch a move pays off at most 9 steps later. In MiniGrid's empty room (8×8 with its walls)
# the agent starts on a random cell facing a random way; it turns left, turns right or steps
# forward, and is rewarded only when it reaches the goal in the far corner — up to 12 moves away —
# with 1 − 0.9 · steps / 64, or nothing if 64 steps pass. Every move on the way shares the credit
# for that one reward. Shortest paths (found by breadth-first search) earn 0.909 on average; a run
# is solved at 95 % of that. A frame is 5 pictures of the 6×6 floor: one per heading of the agent,
# and one of the goal. Dreamer is the same code and recipe, but for a longer random warm-up (1,000
# steps: about 18 games, a third of which reach the goal), longer replayed sequences (16 steps)
# and 4 updates per real step instead of 32.
#
# **What you should see:** a room viewer on one game of the shipped agent (`dreamer_room`, seed 0):
# the top row is real, the bottom row dreamed from the first frame and the agent's moves alone,
# with a red edge where the dream is wrong. The agent walks to the goal by a path close to the
# shortest. Move the slider to pick other games: look for starts where the agent takes a detour,
# and for the step where a long dream first goes wrong. The `moves` menu plays other moves from
# the same start — random ones, a zigzag, a walk into the wall — or your own letters (L turn left,
# R turn right, F forward): the model learned mostly from the agent's own walks, so expect its
# dreams of unusual moves to go wrong sooner. A count over 30 games follows. Then the
# training curves (log scale): compare where each method crosses the dashed line, and the ratios
# with Catch's. One difference between the learners weighs more on a longer way to the reward:
# DQN's one-step targets pass the reward back at most one move per copy of its target network
# (every 250 updates, so DQN with 4 updates per real step copies it 4 times as often per real
# step), while Dreamer's λ-returns over 15 imagined steps carry it along a whole path at once.
# Both learners treat a game cut off by the 64-step limit as one that could have gone on: the
# frames show no clock, so its last state is still worth something.

# %%
room_agent = analysis.load_agent(analysis.ROOM_NAME)
display(widgets.room_viewer(room_agent, game=3))

# %%
dream_exactness = {}  # share of exact dreamed frames, whole walks of each kind of moves, 30 games
for plan in ["the agent's", "random", "zigzag"]:
    walks = [analysis.room_episode(room_agent, g, widgets.room_plan(plan, g)) for g in range(30)]
    dream_exactness[plan] = np.mean([walk["matches"][1:].mean() for walk in walks])
    print(f"{plan:>12} moves: {dream_exactness[plan]:.0%} of dreamed frames exact")
assert dream_exactness["the agent's"] > dream_exactness["random"], "dreams are truest where the agent walks"

# %%
room_runs = runs.read_runs(env="empty_room")
room_efficiency = analysis.sample_efficiency(room_runs)
room_random = planning.random_return(episodes=300, seed=5, env_name="empty_room")
plot_runs(room_runs, room_random, "the empty room: return vs real experience", ylim=(-0.02, 1.0))
print_seed_table(room_runs, room_efficiency)
room_return = evaluate(room_agent.policy(greedy=True), "empty_room", 100, seed=4321)
print(f"the shipped agent on 100 fresh games: mean return {room_return:.3f} (shortest paths: "
      f"{EmptyRoom.optimal_return:.3f}, random play {room_random:.3f})")
assert room_efficiency["ratio"] > 1, "Dreamer should need fewer real steps than DQN in the room too"
assert room_return > room_random + 0.5, "the shipped agent walks to the goal"

# %% [markdown]
# How far ahead can each model dream? **What you should see:** the share of exact imagined frames
# at each open-loop step, over 100 games of random moves, for both shipped models. The room's
# model is nearly always exact one step ahead but drifts sooner than Catch's: once one imagined
# frame puts the agent on the wrong cell or heading, every later frame builds on it. Its actor
# still learns, because imagination starts from real replayed states, and a good actor needs the
# model to be right where the actor goes, not after every random walk.

# %%
room_drift = analysis.dream_drift(room_agent, episodes=100, env_name="empty_room", horizon=15)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(np.arange(1, len(drift) + 1), drift, "o-", label="Catch")
ax.plot(np.arange(1, len(room_drift) + 1), room_drift, "s-", label="empty room")
ax.set(xlabel="open-loop step (imagined steps since the last real frame)", ylabel="share of exact frames",
       ylim=(0, 1.05), title="how far ahead the dreams stay exact (best guess, random moves)")
ax.legend()
plt.show()
print("empty room, share of exact frames at open-loop step 1..15:", np.round(room_drift, 2))
assert room_drift[0] > room_drift[-1], "errors compound with the horizon"

# %% [markdown]
# Habit or search in the room? The same planners as in section 6 now look 12 moves ahead — the
# longest shortest path — so each move imagines 3 × 64 walks of 12 steps. **What you should see:**
# the actor still answers in a fraction of a millisecond, the planners in milliseconds. Both
# planners beat random play by far, since the model dreams sensible walks well; compare their
# returns with the actor's. A planner is drawn to any walk the model scores well, also to walks
# the actor never takes, where, as the count above showed, dreams are less often right. Plans are
# valued as the actor values them, each imagined reward discounted by the agent's γ = 0.99 per
# step: the model predicts the goal's reward without a clock, and without the discount a walk
# that arrives at the 12th move would look as good as one that arrives at the 3rd.
#
# The trusted planner of section 6 comes to the room too, with one change: its 5 heads do not
# predict the reward but **where the agent stands**, one probability per floor cell. They learned
# it from 300 games of this room (the actor's walks with held random moves mixed in, ε from 0 to
# 1), read by the frozen world model and dreamed open loop from every second step, each state
# labelled with the cell the real frame showed. A plan is worth the heads' (pessimistic)
# probability that the agent stands on the goal, paid at its first arrival and discounted by γ.

# %%
start = time.perf_counter()
room_heads, room_heads_config = heads.load_heads(analysis.ROOM_HEADS_NAME)
corner = goals.cell_index(*goals.goal_of("empty_room"))
room_comparison = planning.compare_planners(
    room_agent, episodes=20, trusted=heads.trusted_score(room_agent, room_heads, goal=corner))
print_planners(room_comparison, f"{time.perf_counter() - start:.0f} s")
best_room_planner = max(room_comparison["latent"]["return"], room_comparison["pixels"]["return"])
print("The actor " + ("beat" if room_comparison["actor"]["return"] > best_room_planner else "did not beat")
      + " both plain planners in the room; the planner valued by the cell heads "
      + ("beat" if room_comparison["trusted"]["return"] > room_comparison["actor"]["return"] else "did not beat")
      + " the actor.")
assert best_room_planner > room_random + 0.3, "search in the room's model should beat random play"

# %% [markdown]
# ## 8. New goals with no new experience
# A habit is trained for one goal. The room's actor learned to walk to the far corner; move the
# green square and it has nothing to go on. Its world model learned more than the way to the
# corner: how the agent turns and steps on every cell. That knowledge does not depend on where
# the reward is, and the cell heads of section 7 read it out: any floor cell can be the goal, and
# the planner searches the model's dreams for a walk that ends there. **Zero new real steps** per
# goal: the heads were taught once, on frames of the usual room only (the old goal), labelled by
# where the agent stood in them — the frames were relabelled, no game was played for a new goal.
#
# The test is real: the room with its goal square moved to the chosen cell (`envs.goal_room`),
# rewarded 1 − 0.9 · steps / 64 on arrival, as before. This is the other side of Lesson 02: there
# a learned embedding decided what counts as *new* — here a learned code makes a new goal *old
# news*: the places are all known, only the wish is new.
#
# **What you should see:** pick a goal cell and a start. The bottom row is the first plan, dreamed
# in the latent space and drawn by the decoder, up to where the heads expect the agent on the
# goal; the top row is the walk really made, planned again at every move. Most starts reach the
# goal by a path close to the shortest. Pick the old goal (5, 5) too, and cells next to the old
# corner, where the model has seen the most.

# %%
display(widgets.goal_viewer(room_agent, room_heads, goal=(1, 2), game=0))

# %% tags=["exercise", "question"]
# Before you run the next cell: the room's actor (trained only for the corner (5, 5)) is sent
# into rooms whose goal square is on another cell. It reaches the new goal
# (a) in almost every game: it learned to walk to the green square, wherever it is,
# (b) in a minority of games: when the new goal happens to lie on its way to the old corner, or
# (c) in no game at all: it stops when it does not see the old goal.
# BEGIN SOLUTION
answer_old_actor = "b"
# Explanation: the goal was always in the corner during training, so the goal picture carried no
# information and the actor learned to ignore it: it walks to the corner and stands there. It
# steps on a new goal only when that cell lies on its usual path.
# END SOLUTION

# %% tags=["check"]
check_answer("dreamer.old_actor", answer_old_actor)

# %% [markdown]
# **What you should see:** for three of the ten new goal cells the benchmark uses (20 games each
# here; the benchmark plays 100 on all ten), the share of games in which the zero-shot planner and
# the old actor reach the goal within the 64-step limit, and the cost of a planned move. Below,
# DQN trained afresh on a new goal (recorded, three seeds, each on its own cell): the real steps
# it needed before its greedy policy reached the goal as often as the zero-shot planner did here.

# %%
notebook_goals = goals.NEW_GOALS[::4]
start = time.perf_counter()
new_goals = goals.zero_shot(room_agent, room_heads, notebook_goals, None, episodes=20, seed=7)
print(f"{'goal cell':>9} | {'planner, zero shot':>18} | {'old actor':>9}")
for goal in notebook_goals:
    print(f"{str(goal):>9} | {new_goals['planner'][goal]:>18.0%} | {new_goals['actor'][goal]:>9.0%}")
zero_shot_success = float(np.mean(list(new_goals["planner"].values())))
old_actor_success = float(np.mean(list(new_goals["actor"].values())))
print(f"mean: planner {zero_shot_success:.0%}, old actor {old_actor_success:.0%}; "
      f"{new_goals['ms_per_move']:.0f} ms per planned move ({time.perf_counter() - start:.0f} s)")

dqn_afresh = goals.read_dqn_runs()
dqn_needs = goals.dqn_steps_for(zero_shot_success, dqn_afresh)
for (seed, run), steps_needed in zip(sorted(dqn_afresh["runs"].items()), dqn_needs["per_seed"]):
    print(f"DQN afresh, seed {seed}, goal {tuple(run['goal'])}: "
          + (f"{steps_needed:,} real steps" if steps_needed is not None else f"not within {run['env_steps']:,} real steps")
          + f" to reach the goal in {min(zero_shot_success, goals.DQN_SUCCESS):.0%} of games (its runs stop there)")
assert zero_shot_success > old_actor_success, "a goal the actor never learned should need the planner"
# %% [markdown]
# ## Summary
# So, should problem solving happen in latent space? The verdict below is computed from the
# numbers this notebook just measured.

# %% tags=["summary"]
dreamer_steps, dqn_steps = runs.median_or_none(efficiency["dreamer"]), runs.median_or_none(efficiency["dqn"])
matched_steps = runs.median_or_none(efficiency["dqn_matched"])
ways = {"Catch": comparison, "the room": room_comparison}


def verdict(game: str) -> str:
    """When latent search (trusted heads) beats the actor and pixel search on one game, and its cost."""
    r = ways[game]
    trusted, actor, pixels, plain = (r[k]["return"] for k in ("trusted", "actor", "pixels", "latent"))
    against_actor = "beat" if trusted > actor + 0.005 else "matched" if trusted >= actor - 0.02 else "fell short of"
    against_pixels = "beat" if trusted > pixels + 0.005 else "matched" if trusted >= pixels - 0.02 else "fell short of"
    return (f"on {game}, latent search valued by the trusted heads scored {trusted:.2f} ({plain:.2f} with the model's "
            f"own reward head): it {against_actor} the actor ({actor:.2f}) and {against_pixels} pixel search "
            f"({pixels:.2f}), at {r['trusted']['ms_per_move']:.0f} ms a move against {r['pixels']['ms_per_move']:.0f} ms "
            f"through pixels and {r['actor']['ms_per_move']:.2f} ms for the actor")


print(f"""
1. Real experience: the median Dreamer run solved Catch after {dreamer_steps} real steps, DQN after {dqn_steps}
   ({matched_steps} with as many updates per real step): ratios {efficiency['ratio']} and {efficiency['ratio_matched']} over {len(efficiency['dreamer'])} seeds;
   in the room {room_efficiency['ratio']} and {room_efficiency['ratio_matched']}. On games this small a model-free learner is already frugal.
2. The dreams: {drift[0]:.0%} of imagined Catch frames are exact one step ahead, {accuracy:.0%} over whole games; the room's
   {room_drift[0]:.0%} one step ahead, {room_drift[-1]:.0%} fifteen steps ahead.
3. The code is entangled (MIG {information['mig'].mean():.2f}, Lesson 01): no variable holds the ball's column, though all 8
   together fix the state. We did not need to understand it to plan in it — we needed to know where to trust it.
4. Habit or search: {verdict("Catch")}.
   In the room: {verdict("the room")}.
   Search pays where the model is right, and a planner must be told where that is: plain search in the
   codes trusts every promise, also for moves nobody played.
5. New goals: sent to {len(notebook_goals)} floor cells it was never rewarded for, with zero new real steps, the latent
   planner reached the goal in {zero_shot_success:.0%} of games; the old actor in {old_actor_success:.0%}; DQN trained afresh needed a
   median of {dqn_needs['median'] if dqn_needs['median'] is not None else 'more than its budget of'} real steps per goal to do as well.
Verdict: """ + ("yes, when" if zero_shot_success > old_actor_success else "not yet:") + f""" the question changes (a new goal), search in the latent space does what no
habit can, with no new experience; for the goal a habit was trained on, on Catch it """ + (
    "matches the habit" if comparison["trusted"]["return"] >= comparison["actor"]["return"] - 0.02 else "trails the habit")
    + f""" at {comparison['trusted']['ms_per_move'] / max(comparison['actor']['ms_per_move'], 1e-9):.0f}× the cost per move, and """ + (
    "beats" if comparison["trusted"]["return"] > comparison["pixels"]["return"] + 0.005
    else "matches" if comparison["trusted"]["return"] >= comparison["pixels"]["return"] - 0.005 else "does not beat")
    + """ search in pictures once it is told where its model is
reliable (plain search in the codes """ + ("lost to" if comparison["latent"]["return"] < comparison["pixels"]["return"] else "did not lose to")
    + """ it).
""")

# %% [markdown]
# ## Appendix
# Research diagnostics behind the Catch recipe, kept here so that the main path stays on its
# question. Each measures the recorded runs of section 5.
#
# ### A. Seeds the recipe was chosen on, and seeds it never saw
# Dreamer's recipe (its update rate, entropy bonus and random moves) was chosen by watching how
# fast seeds 0–4 solved. Seeds 5–9 were recorded afterwards and never used to choose anything.
# A choice made on a handful of runs partly fits their luck, so the held-out seeds are the
# fairer test. **What you should see:** the same medians and ratios, measured once on the seeds
# the recipe was chosen on and once on the held-out seeds. If the held-out numbers are worse,
# part of the recipe's gain on seeds 0–4 was luck.

# %%
catch_game = runs.game("catch")
held_out_seeds = [s for s in catch_game.seeds if s not in catch_game.tuned_on]
by_seeds = {label: analysis.sample_efficiency(recorded, only_seeds=seeds)
            for label, seeds in [("chosen on", catch_game.tuned_on), ("held out", held_out_seeds)]}
for label, part in by_seeds.items():
    print(f"{label:>9} (seeds {', '.join(map(str, part['seeds']))}): median real steps to solve "
          f"Dreamer {runs.median_or_none(part['dreamer'])}, DQN {runs.median_or_none(part['dqn'])}, "
          f"matched DQN {runs.median_or_none(part['dqn_matched'])}; median ratio {part['ratio']} "
          f"(matched {part['ratio_matched']})")

# %% [markdown]
# ### B. Is Dreamer waiting for exploration?
# Every Dreamer seed still needs many real games after its warm-up. Two suspects: the
# random warm-up rarely shows a catch in every column, and a model cannot promise a catch it has
# never seen; or the model learns the game's endings slowly, whatever it is shown. Two
# measurements tell them apart:
#
# 1. 300 random warm-ups (the recipe's 200 held random moves, no learning): in how many columns
#    did the paddle catch the ball at least once?
# 2. A diagnostic run recorded beside the others (`python -m course.dreamer.runs --method
#    dreamer_shown_catches`): during the warm-up, `runs.ShowEveryCatch` plays the catching move
#    whenever the ball falls in a column where no ball has been caught yet. Once every column has
#    paid +1, the warm-up is random again, and everything after it is the usual recipe.
#
# **What you should see:** random warm-ups almost never catch a ball in all five columns, so
# exploration is a real suspect. Shown every catch, most slow seeds solve sooner (the held-out
# seeds 5–9 most of all), so the median run gains a few evaluations; but not every seed gains,
# and even the shown runs need many real games after the warm-up. The model still has to learn
# the other endings, which paddle positions miss, from real games, one ending at a time. The last
# line prints what the ratios against DQN would be if the recipe's runs were replaced by the
# shown ones.

# %%
def warmup_columns_caught(seed: int) -> int:
    """Columns in which the recipe's random warm-up caught the ball at least once."""
    explore = HeldRandomActions(Catch.n_actions, c.explore_epsilon, c.random_hold, c.prefill_steps,
                                np.random.default_rng(seed))
    return len(runs.columns_caught(explore, Catch(seed=seed), c.prefill_steps))


columns = np.array([warmup_columns_caught(seed) for seed in range(300)])
print(f"random warm-ups of {c.prefill_steps} steps: a catch in all five columns in {np.mean(columns == 5):.0%}, "
      f"in {columns.mean():.1f} columns on average")

shown_efficiency = analysis.sample_efficiency({**recorded, "dreamer": recorded["dreamer_shown_catches"]})
shown = shown_efficiency["dreamer"]  # real steps to solve, seed by seed
steps = lambda v: "unsolved" if v is None else str(v)
print(f"\n{'seed':>4} | {'Dreamer':>8} | {'shown every catch':>17}")
for seed, plain, guided in zip(efficiency["seeds"], efficiency["dreamer"], shown):
    print(f"{seed:>4} | {steps(plain):>8} | {steps(guided):>17}")
median_plain, median_shown = runs.median_or_none(efficiency["dreamer"]), runs.median_or_none(shown)
print(f"median real steps to solve: {median_plain} as recorded, {median_shown} when shown every catch; "
      f"median ratio against DQN "
      f"{efficiency['ratio']} -> {shown_efficiency['ratio']}, against the matched DQN "
      f"{efficiency['ratio_matched']} -> {shown_efficiency['ratio_matched']}")
assert np.mean(columns == 5) < 0.5, "random warm-ups should usually miss the catch in some column"
assert median_shown < median_plain, "showing every catch should make the median run solve sooner"
assert shown_efficiency["ratio"] < 3 or shown_efficiency["ratio_matched"] < 2, \
    "the text claims that even shown every catch, Dreamer stays short of the lesson's targets"
assert min(s for s in shown if s is not None) >= c.prefill_steps + 2 * recorded["config"]["eval_every"], \
    "even shown every catch, the model should need real games after the warm-up"

# %% [markdown]
# ### C. When did each column first pay?
# Showing the catches changed only the warm-up. The recorded runs also note, for each ball
# column, the real step of the first game in which the paddle really caught the ball there
# (`runs.FirstCatches` watches the game and changes no move). Until that step, nothing the
# model has seen says that a catch in that column pays.
#
# **What you should see:** one row per seed. Each number marks the first catch in that column,
# the black bar marks where the run solved, and the grey band is the random warm-up. No run
# solves before every column has paid at least once. The slow seeds are the ones whose last
# column was caught late, long after the warm-up. Once that catch comes, about half of the runs
# solve within two evaluations, and a few need several more. So most of a slow seed's wait is
# for its own moves to produce the missing catch, not for the model to learn it.

# %%
first_catches = [recorded["dreamer"][str(seed)]["first_catch_by_column"] for seed in efficiency["seeds"]]
every_column = [None if None in firsts else max(firsts) for firsts in first_catches]

fig, ax = plt.subplots(figsize=(8, 3.8))
ax.axvspan(0, c.prefill_steps, color="0.9", label="random warm-up")
for row, (firsts, solved) in enumerate(zip(first_catches, efficiency["dreamer"])):
    for column, step in enumerate(firsts):
        if step is not None:
            ax.text(step, row, str(column), ha="center", va="center", fontsize=8, color=f"C{column}",
                    fontweight="bold")
    if solved is not None:
        ax.plot([solved, solved], [row - 0.35, row + 0.35], color="k", lw=2.5)
ax.plot([], [], color="k", lw=2.5, label="solved")
ax.set(xlabel="real environment steps", ylabel="seed", yticks=range(len(first_catches)),
       yticklabels=efficiency["seeds"], ylim=(len(first_catches) - 0.5, -0.5),
       xlim=(0, max(s for s in efficiency["dreamer"] + every_column if s is not None) + 50),
       title="first real catch in each ball column (the digit is the column)")
ax.legend(loc="upper right", fontsize=8)
plt.show()

waits = [solved - caught for solved, caught in zip(efficiency["dreamer"], every_column)
         if solved is not None and caught is not None]
print(f"{'seed':>4} | {'every column caught':>19} | {'solved':>6}")
for seed, caught, solved in zip(efficiency["seeds"], every_column, efficiency["dreamer"]):
    print(f"{seed:>4} | {'never' if caught is None else caught:>19} | {steps(solved):>6}")
print(f"real steps from the last column's first catch to solving: median {runs.median_or_none(waits)}, "
      f"at most {max(waits)}")
assert all(solved is None or (caught is not None and solved >= caught)
           for solved, caught in zip(efficiency["dreamer"], every_column)), \
    "the text claims no run solves before a catch in every column"

