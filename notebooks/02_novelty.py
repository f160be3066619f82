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
# # Lesson 02 — Novelty: an embedding that ignores the noisy TV
#
# An **agent** (a program that picks an **action** at every step, by its **policy**) that gets a
# reward only at the end of a long maze must first *find* that reward. A popular fix is to pay it
# for novelty: for reaching states unlike those it has seen. But "unlike" in which space? Put a
# television showing random noise on a wall: in raw pixels every frame of it is brand new, for
# ever, and an agent paid for pixel novelty can sit and watch. **Can a learned embedding ignore
# the noisy TV — and does that make exploration better?**
#
# ## You will learn to
# * compute NGU's episodic novelty reward from distances to the nearest memories, and read how
#   its constants (k, ε, ξ, c, s_m) shape it;
# * explain why novelty measured in raw pixels rewards an agent for watching noise, and why an
#   inverse-dynamics embedding does not;
# * measure exploration: cells visited per episode, the share of steps spent watching the TV, and
#   the success rate on a task whose reward is hard to find;
# * predict, before looking, which agent watches the TV most, and interpret a replayed episode
#   through two novelty rewards side by side.
#
# **Prerequisites:** Lesson 01 (embeddings, distances between them, nearest neighbours); Python
# and NumPy. Reinforcement learning is introduced here in plain words: you do not need to know it,
# and you will not train an agent (the agents ship trained).
#
# **Learner time:** about 75 minutes (reading + exercises): 45 minutes of reading, figures and
# the two widgets, 20 for the implement exercise, 10 for the three questions. The notebook itself
# runs in about a minute on 2 CPU cores.
#
# ## Papers
# * Badia et al. (2020), *Never Give Up: Learning Directed Exploration Strategies* — NGU:
#   https://arxiv.org/abs/2002.06038
# * Burda, Edwards, Storkey & Klimov (2018), *Exploration by Random Network Distillation* — RND:
#   https://arxiv.org/abs/1810.12894
# * Schulman et al. (2017), *Proximal Policy Optimization Algorithms* — PPO:
#   https://arxiv.org/abs/1707.06347
# * Pathak, Agrawal, Efros & Darrell (2017), *Curiosity-driven Exploration by Self-supervised
#   Prediction* — the inverse-dynamics embedding: https://arxiv.org/abs/1705.05363
# * Burda et al. (2018), *Large-Scale Study of Curiosity-Driven Learning* — where the noisy TV
#   traps a curious agent: https://arxiv.org/abs/1808.04355
# * Chevalier-Boisvert et al. (2023), *Minigrid & Miniworld* — the mazes used here:
#   https://arxiv.org/abs/2306.13831
#
# ## The set-up
# The world pays the agent an **extrinsic reward** (here: only for reaching a goal); a novelty
# bonus is an **intrinsic reward**, one the agent pays itself. An **episode** is one run from
# the start until a step limit; each step the agent sees an **observation** of the world, its
# *state*.
#
# **Never Give Up** (NGU; Badia et al., 2020) measures novelty in a *learned* space instead of
# pixels. An embedding f(x) is trained for one job — from f(x_t) and f(x_{t+1}), predict the
# action a_t that led from one to the other. That job is called **inverse dynamics** (forward
# dynamics would predict the next state from the action; inverse dynamics predicts the action
# from the two states). Whatever the agent's actions do not change is useless for that job, so
# the embedding has no reason to keep it: noise the agent cannot control should fade out.
#
# NGU's intrinsic reward has two parts:
#
# * **episodic novelty** — a memory of this episode's embeddings; a state is novel when its k
#   nearest neighbours in memory are far away:
#   $$K(x, y) = \frac{\varepsilon}{d^2(x, y)/d_m^2 + \varepsilon}, \qquad
#   r^{\text{episodic}} = \frac{1}{\sqrt{\sum_{j=1}^{k} K(f(x_t), f_j)} + c}$$
#   with d_m² a running mean of the squared k-NN distances, distances below ξ treated as zero, and
#   r = 0 once the square root exceeds s_m (the state is simply too familiar). K is a **kernel**:
#   a similarity that is 1 for identical points and falls towards 0 as they move apart;
# * a **life-long** modulator α from **Random Network Distillation** (RND): a fixed, randomly
#   initialised network maps each state to a vector, and a second network (the predictor) is
#   trained to imitate it on the states the agent visits. On states seen often the predictor has
#   learned to imitate well; where its error is large the state is rare across all episodes.
#   r_i = r^episodic · min(max(α, 1), L).
#
# The paper's values are the defaults here: k = 10, ε = 10⁻⁴, ξ = 0.008, c = 0.001, s_m = 8,
# L = 5 (`course.novelty.ngu.NGUConfig`). The agent is **PPO** (Proximal Policy Optimization,
# `course/novelty/ppo.py`, one file in the CleanRL style): it collects a batch of steps with its
# current policy, then nudges the policy towards the actions that turned out better than
# expected, clipping each update so the new policy stays close to the old one. Like most PPO
# agents it adds an **entropy bonus** to its objective — a small reward for keeping its choice
# of action uncertain, so that it goes on trying every action — but that alone is not
# exploration: it makes the agent jitter, not travel. It maximises r_extrinsic + β · r_i.
#
# All agents below ship as checkpoints in `data/checkpoints/` (verified by SHA-256 when loaded);
# `python -m course train novelty_ngu_noisy_tv` retrains one in a few minutes.
#
# **What you should see:** the constants of NGU's reward, as the course's `NGUConfig` holds them.

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from course.novelty import analysis, envs, runs, widgets
from course.novelty.ngu import NGUConfig, kernel_sum_reward

plt.rcParams.update({"figure.dpi": 90, "axes.grid": False})
CONFIG = NGUConfig()
print(CONFIG)

# %% [markdown]
# ## 1. The world
# MiniGrid's **FourRooms**: four 8×8 rooms joined by gaps in the walls (drawn anew every
# episode), 100 steps per episode. The agent sees only the 7×7 cells in front of it (the
# highlighted square), and walls block its view. Seven actions: turn left, turn right, forward,
# pick up, drop, toggle, done. There is no goal here: the only reward will be novelty.
#
# The **noisy-TV** variant hangs a TV along the top wall of the top-right room; the agent always
# starts in the top-left room, next door, so watching takes a decision: find the gap in the wall
# and walk over. Every step the TV shows a new random picture (each of its cells a random colour and
# pattern); the `done` action is its remote and switches to a new random picture too. Nothing the
# TV shows depends on the action taken.
#
# **What you should see:** the same maze four steps in a row; only the TV changes.

# %%
tv_env = envs.make_env("noisy_tv")
tv_env.reset(seed=1)
tv_env.agent_pos, tv_env.agent_dir = np.array(tv_env.watching_spot()), 3  # two cells below the TV, facing it
frames = []
for action in (6, 6, 6, 6):
    tv_env.step(action)
    frames.append(tv_env.get_frame(highlight=True, tile_size=10))
fig, axes = plt.subplots(1, 4, figsize=(12, 3.3))
for t, (ax, frame) in enumerate(zip(axes, frames), start=1):
    ax.imshow(frame)
    ax.set(xticks=[], yticks=[], title=f"step {t}: the remote pressed")
fig.suptitle("The noisy-TV maze (the agent is the red triangle; its view is highlighted)")
plt.tight_layout()
plt.show()

# %% [markdown]
# The networks see the view as numbers: each of the 49 cells one-hot in object type, colour and
# state, plus the heading (984 numbers). The *pixel* novelty baseline compares raw pixels instead
# — one RGB pixel per cell, each tile's colour (`envs.pixels`).
#
# **What you should see:** from the same spot, two consecutive views differ only in the TV's
# cells — in pixels, by a lot.

# %%
image_a = tv_env.gen_obs()["image"]
tv_env.step(6)
image_b = tv_env.gen_obs()["image"]
fig, axes = plt.subplots(1, 3, figsize=(8, 3))
for ax, img, title in ((axes[0], image_a, "view, step t"), (axes[1], image_b, "view, step t + 1")):
    ax.imshow(envs.pixels(img).reshape(7, 7, 3).transpose(1, 0, 2))
    ax.set(xticks=[], yticks=[], title=title)
change = np.abs(envs.pixels(image_a) - envs.pixels(image_b)).reshape(7, 7, 3).sum(-1).T
axes[2].imshow(change, cmap="magma")
axes[2].set(xticks=[], yticks=[], title="|pixel change|")
plt.tight_layout()
plt.show()
print(f"squared pixel distance between the two views: {((envs.pixels(image_a) - envs.pixels(image_b)) ** 2).sum():.2f}")

# %% [markdown]
# ## 2. The episodic reward
# **Exercise 1.** Write r^episodic from the squared distances d² to the k nearest memories and the
# running mean d_m², following the formula above: normalise by d_m², subtract ξ (clip at 0),
# apply the kernel, and return 1 / (sqrt(Σ K) + c) — or 0 if that square root plus c exceeds s_m.
# Once your function passes the check, the rest of the lesson uses it; until then, the course's own.

# %% tags=["exercise"]
def episodic_reward(sq_distances, mean_sq_distance, config):
    """r_episodic from (k,) squared distances to the nearest memories and the running mean d_m²."""
    # BEGIN SOLUTION
    normalised = np.maximum(np.asarray(sq_distances) / mean_sq_distance - config.cluster_distance, 0.0)
    kernel = config.kernel_epsilon / (normalised + config.kernel_epsilon)
    similarity = np.sqrt(kernel.sum()) + config.pseudo_count
    return 0.0 if similarity > config.max_similarity else float(1.0 / similarity)
    # END SOLUTION


# %% tags=["check"]
from course.novelty.checks import check_episodic_reward

solved = check_episodic_reward(episodic_reward)
episodic_reward = episodic_reward if solved else kernel_sum_reward  # yours once it passes

# %% [markdown]
# **Exercise 2 (compute by hand).** The agent stands exactly where it stood ten times before in
# this episode: its ten nearest memories are all at distance 0 (d² = 0). With the paper's
# constants above, what does r^episodic pay? Give a number to two decimals; work it out on paper
# before you run anything.

# %% tags=["exercise", "question"]
# r_episodic for ten neighbours at distance 0, with k = 10, ε = 10⁻⁴, ξ = 0.008, c = 0.001, s_m = 8
# BEGIN SOLUTION
answer_twins = 1 / (10**0.5 + 0.001)
# Explanation: each twin has d²/d_m² = 0, still 0 after subtracting ξ and clipping, so its kernel is
# K = ε / (0 + ε) = 1. Ten of them sum to 10; √10 + c ≈ 3.163 is below s_m = 8, so the reward is
# 1 / 3.163 ≈ 0.32 — a place already seen pays little, but not nothing.
# END SOLUTION

# %% tags=["check"]
from course.core.exercises import check_answer

check_answer("ngu.twins", answer_twins)

# %% [markdown]
# **What you should see:** ten exact twins give 1/(√10 + c) ≈ 0.32 — a state seen before pays
# little; neighbours far away (relative to d_m²) pay a lot, and because ε is tiny the kernel is
# sharp: almost any real difference counts as "far".

# %%
distances = np.logspace(-4, 1, 60)
plt.figure(figsize=(6, 3.2))
plt.semilogx(distances, [episodic_reward(np.full(10, d), 1.0, CONFIG) for d in distances])
plt.axvline(CONFIG.cluster_distance, color="grey", ls=":", label="ξ")
plt.xlabel("d² / d_m² to all 10 nearest memories")
plt.ylabel("r_episodic")
plt.title("the episodic reward with the paper's constants")
plt.legend()
plt.show()

# %% [markdown]
# ## 3. Exploring without any reward from the world
# Three agents in FourRooms with no goal: a **random** policy (uniform over all seven actions),
# PPO paid by **episodic novelty on pixels**, and PPO paid by **NGU**'s reward. Each PPO agent
# trained for 600,000 steps (about five minutes on one CPU thread). We count the distinct cells each
# visits in a 100-step episode, over 16 fresh episodes.
#
# **What you should see:** the random walk stays near where it started; both novelty seekers
# walk through doors into other rooms.

# %%
coverage = analysis.evaluate_agents("four_rooms", episodes=16)
fig, axes = plt.subplots(1, 4, figsize=(15, 3.6), gridspec_kw={"width_ratios": [1.4, 1, 1, 1]})
for kind, result in coverage.items():
    curves = np.stack([e.cumulative_coverage() for e in result["episodes"]])
    axes[0].plot(curves.mean(0), label=f"{analysis.METHOD_LABELS[kind]} ({result['coverage']:.1f})")
axes[0].set(xlabel="step of the episode", ylabel="distinct cells visited (mean)", title="coverage, FourRooms")
axes[0].legend(fontsize=8)
for ax, (kind, result) in zip(axes[1:], coverage.items()):
    ax.imshow(analysis.visit_map(result["episodes"]), cmap="viridis")
    ax.set(xticks=[], yticks=[], title=f"where {kind} spends its steps")
plt.tight_layout()
plt.show()
for kind, result in coverage.items():
    print(f"{analysis.METHOD_LABELS[kind]:>28}: {result['coverage']:.1f} distinct cells per episode")

# %% [markdown]
# ## 4. The noisy TV
# The same three kinds of agent, trained (again without any goal) in the noisy-TV maze. Which share
# of their steps do they spend with the **TV in view**? And which standing right in front of it
# (at most two cells away, the TV in view)?
#
# **Exercise 3 (predict).** Before you run the next cell: which agent spends the largest share of
# its steps with the TV in view?

# %% tags=["exercise", "question"]
# (a) the random policy: it wanders aimlessly, so it ends up anywhere, the TV included
# (b) the agent paid for episodic novelty on pixels
# (c) the NGU agent, paid for novelty in its learned embedding f(x)
# BEGIN SOLUTION
answer_tv = "b"
# Explanation: every picture the TV shows is new in pixels, so a pixel-novelty agent is paid at
# every step it watches — more than for walking into rooms it has already seen. The random policy
# rarely leaves the room it starts in, so it sees the TV only when it happens to face the gap to
# the TV's room; and NGU's embedding has
# learned that the TV says nothing about the agent's own actions, so to f(x) the TV is one
# familiar place.
# END SOLUTION

# %% tags=["check"]
check_answer("ngu.tv", answer_tv)

# %% [markdown]
# **What you should see:** the pixel-novelty agent spends about a third of its steps with the TV
# in view, often from the gap in the wall to the TV's room (the bright cell of its visit map:
# from there, facing right, the TV is in view); NGU's agent, whose embedding has learned that
# the TV says nothing about its own actions, explores about as many cells and has the TV in view
# several times less often — less often even than a random walk.

# %%
tv_results = analysis.evaluate_agents("noisy_tv", episodes=16)
fig, axes = plt.subplots(1, 4, figsize=(15, 3.6), gridspec_kw={"width_ratios": [1.2, 1, 1, 1]})
kinds = list(tv_results)
x = np.arange(len(kinds))
axes[0].bar(x - 0.2, [tv_results[k]["tv_share"] for k in kinds], 0.4, label="TV in view")
axes[0].bar(x + 0.2, [tv_results[k]["watching"] for k in kinds], 0.4, label="in front of it (≤ 2 cells)")
axes[0].set(xticks=x, xticklabels=kinds, ylabel="share of steps", title="the noisy TV", ylim=(0, 1))
axes[0].legend(fontsize=8)
tv_maze = envs.make_env("noisy_tv")
tv_maze.reset(seed=0)
tv_columns = [x for x, _ in tv_maze.tv_cells]  # the TV runs along the top wall, row 0
for ax, kind in zip(axes[1:], kinds):
    ax.imshow(analysis.visit_map(tv_results[kind]["episodes"]), cmap="viridis")
    ax.plot([min(tv_columns) - 0.5, max(tv_columns) + 0.5], [0, 0], color="tab:red", lw=4, label="the TV")
    ax.set(xticks=[], yticks=[], title=f"{kind}: share of steps per cell")
axes[1].legend(fontsize=8, loc="lower left")
plt.tight_layout()
plt.show()
for kind in kinds:
    r = tv_results[kind]
    print(f"{analysis.METHOD_LABELS[kind]:>28}: TV in view {r['tv_share']:.0%} of steps "
          f"(in front of it {r['watching']:.0%}), {r['coverage']:.1f} distinct cells")
assert tv_results["pixel"]["tv_share"] > 2 * tv_results["ngu"]["tv_share"], "NGU should watch far less TV than pixel novelty"
assert max(kinds, key=lambda k: tv_results[k]["tv_share"]) == "pixel", "pixel novelty should watch the TV most"

# %% [markdown]
# ## 5. Why: what the TV pays in each space
# A staged test first: the agent stands in front of the TV, facing it, and presses the remote 40
# times. Nothing it controls changes. We replay these steps through a fresh episodic memory that
# compares raw pixels, and through one that compares NGU's learned embedding f(x) (the shipped
# agent's), and do the same for a random walk.
#
# **What you should see:** in pixels the TV pays at every step — more than walking around; in
# f(x) it pays little more than k exact twins pay, 1/(√10 + c) ≈ 0.32, the reward of a place already seen.

# %%
ngu_tv = analysis.TrainedAgent.load("ngu", "noisy_tv")
staged = {"watching the TV": analysis.watch_tv_episode(steps=40),
          "random walk": analysis.run_episode(analysis.random_policy, "noisy_tv", seed=5)}
paid = {}
for name, ep in staged.items():
    in_pixels = analysis.episode_rewards(ep.obs, ep.pixels(), None, CONFIG)["episodic"]
    in_f = analysis.episode_rewards(ep.obs, ngu_tv.embedding(ep.obs), None, CONFIG, ngu_tv.mean_sq_distance)["episodic"]
    paid[name] = (in_pixels[10:].mean(), in_f[10:].mean())  # after the memory has 10 entries
fig, ax = plt.subplots(figsize=(6, 3.2))
x = np.arange(2)
for i, (name, values) in enumerate(paid.items()):
    ax.bar(x + (i - 0.5) * 0.38, values, 0.38, label=name)
ax.set(xticks=x, xticklabels=["raw pixels", "learned f(x)"], ylabel="mean r_episodic per step", yscale="log",
       title="what watching the TV pays")
ax.legend()
plt.show()
for name, (p, f) in paid.items():
    print(f"{name:>16}: r_episodic {p:6.2f} in pixels, {f:5.2f} in f(x)")
assert paid["watching the TV"][1] < paid["random walk"][1] / 3, "f(x) should not find the TV novel"

# %% [markdown]
# **Exercise 4 (interpret).** In f(x), watching the TV pays little more than ten exact twins pay
# (your answer to Exercise 2), although every picture the TV shows is new. Why?

# %% tags=["exercise", "question"]
# (a) the TV's pictures repeat, so the memory soon holds exact copies of them
# (b) f(x) was trained to predict the agent's action from two consecutive views; the TV's picture
#     says nothing about the action, so f learned to leave it out and every TV step lands near the same point
# (c) RND's α is small in front of the TV and cuts the reward
# (d) ξ makes every distance in f(x) count as zero
# BEGIN SOLUTION
answer_why = "b"
# Explanation: (b). Inverse dynamics keeps only what helps to tell the actions apart; the TV's cells
# change whatever the agent does, so the embedding's weights on them fade. Not (a): a new random
# picture is drawn at every step. Not (c): these bars are r_episodic alone, before α multiplies
# it. Not (d): ξ only zeroes distances far below the running mean d_m², and the random walk,
# measured in the same f(x), is paid many times more.
# END SOLUTION

# %% tags=["check"]
check_answer("ngu.why", answer_why)

# %% [markdown]
# ## 6. The reward along one episode
# Why does the pixel agent go to the TV? We take one of its episodes — the first of the test
# episodes above in which it reached the TV — and replay it through a fresh episodic memory,
# once comparing raw pixels, once comparing NGU's learned embeddings f(x), and plot r^episodic
# for each, with α from RND. Shaded: steps with the TV in view.
#
# **What you should see:** in pixels, the steps in front of the TV keep paying; in the learned
# embedding they pay like any other familiar place.

# %%
first = next(i for i, e in enumerate(tv_results["pixel"]["episodes"]) if e.watching.mean() > 0.25)
episode = analysis.run_episode(analysis.TrainedAgent.load("pixel", "noisy_tv").policy, "noisy_tv",
                               seed=analysis.EVAL_SEED + first, record_frames=True)
learned = ngu_tv.embedding(episode.obs)
trace = analysis.episode_rewards(episode.obs, learned, ngu_tv.alpha(episode.obs), CONFIG, ngu_tv.mean_sq_distance)
pixel_trace = analysis.episode_rewards(episode.obs, episode.pixels(), None, CONFIG)
t = np.arange(len(episode.obs))
fig, axes = plt.subplots(3, 1, figsize=(10, 6.5), sharex=True)
for ax, values, label in ((axes[0], pixel_trace["episodic"], "r_episodic, raw pixels"),
                          (axes[1], trace["episodic"], "r_episodic, learned f(x)"),
                          (axes[2], trace["alpha"], "α (RND)")):
    ax.fill_between(t, 0, 1, where=episode.tv, transform=ax.get_xaxis_transform(), color="tab:orange", alpha=0.2, step="mid")
    ax.plot(t, values)
    ax.set(ylabel=label)
axes[2].axhline(1.0, color="grey", ls=":")
axes[2].set(xlabel="step of the episode")
fig.suptitle("one episode of the pixel-novelty agent, replayed in both spaces (orange: TV in view)")
plt.tight_layout()
plt.show()
picks = np.linspace(0, len(episode.obs) - 1, 6).astype(int)
plt.figure(figsize=(14, 2.8))
plt.imshow(widgets.frame_strip(episode.frames, picks))
plt.xticks([(i + 0.5) * (episode.frames[0].shape[1] + 4) for i in range(len(picks))],
           [f"step {p}: r_i {trace['intrinsic'][p]:.1f}" for p in picks])
plt.yticks([])
plt.title("frames along the episode")
plt.show()
print(f"TV in view on {episode.tv.mean():.0%} of this episode's steps, {episode.coverage} distinct cells")

# %% [markdown]
# ## 7. Play with it
# **The episode player.** Move the step slider: the frame, the five memories nearest to it in
# NGU's embedding (which steps does f(x) consider "the same place"?), r^episodic and α.
#
# **What you should see:** through the steps with the TV in view (orange in the plot above) the
# frame shows a new picture at every step, yet r^episodic in f(x) stays as low as at any familiar
# place; it rises when the agent walks somewhere it has not been in this episode.

# %%
player = widgets.episode_player(episode, trace)
display(player)

# %% [markdown]
# **The novelty explorer.** Switch between comparing raw pixels and the learned embedding, and
# move k and ε: which steps of the same recorded episode count as novel, and how much of the
# reward is earned with the TV in view?
#
# **What you should see:** in pixels a large share of the reward comes from TV steps; in f(x)
# much less. A larger ε softens the kernel, so nearby states start to share their reward.

# %%
explorer = widgets.novelty_explorer(
    episode,
    {"learned embedding f(x)": learned, "raw pixels": episode.pixels()},
    {"learned embedding f(x)": ngu_tv.mean_sq_distance, "raw pixels": None},
)
display(explorer)

# %% [markdown]
# ## 8. A reward that is hard to find: MultiRoom
# Novelty is a means: the point is to find the extrinsic reward. In **MultiRoom-N4-S5** the agent
# must open three doors in a row to reach a goal in the fourth room within 80 steps. Plain PPO
# almost never gets there by chance, so it never learns. Training PPO, PPO + RND and PPO + NGU for
# a million steps on three seeds takes over an hour of one core, so the runs were recorded once
# (`python -m course.novelty.runs` records them again) and we plot them here.
#
# **What you should see:** thin lines are seeds, thick lines their median: the share of recent
# training episodes that reached the goal. Plain PPO and PPO + RND stay at zero (their lines lie
# on top of each other); the NGU bonus leads the agent
# through the doors, and once it has found the goal it keeps going there.

# %%
recorded = runs.read_runs()
colours = {"none": "tab:grey", "rnd": "tab:orange", "ngu": "tab:blue"}
fig, ax = plt.subplots(figsize=(8, 4))
for method, colour in colours.items():
    curves = [np.array(run["curve"]) for run in recorded[method].values()]
    for curve in curves:
        ax.plot(curve[:, 0], curve[:, 1], color=colour, alpha=0.3, lw=1)
    grid = np.linspace(0, recorded["config"]["env_steps"], 50)
    median = np.median([np.interp(grid, c[:, 0], c[:, 1]) for c in curves], 0)
    ax.plot(grid, median, color=colour, lw=2.5, label=runs.LABELS[method])
ax.set(xlabel="environment steps", ylabel="success (share of recent episodes)", ylim=(-0.02, 1.02),
       title="MultiRoom-N4-S5: reaching the goal")
ax.legend(loc="center right", fontsize=8)
plt.show()

final = {method: runs.successes(recorded, method) for method in colours}
for method, per_seed in final.items():
    print(f"{runs.LABELS[method]:>19}: success over the last 100 episodes, per seed "
          f"{', '.join(f'{s:.2f}' for s in per_seed)} (median {np.median(per_seed):.2f})")
assert np.median(final["ngu"]) > np.median(final["none"]) + 0.5, "NGU should find the goal where plain PPO does not"

# %% [markdown]
# ## Summary
# * Novelty needs a distance, and the space it is measured in decides what counts as new.
# * In raw pixels, noise is endlessly new: an agent paid for it watches TV.
# * An inverse-dynamics embedding keeps what the agent's actions change; the TV's noise fades
#   from it, and the same kernel then rewards places, not pictures.
#
# The verdict below is computed from the figures this notebook has just measured.

# %% tags=["summary"]
tv_pays = {space: paid["watching the TV"][i] / paid["random walk"][i] for i, space in enumerate(["pixels", "f(x)"])}
ignores_tv = tv_pays["f(x)"] < 1 and tv_results["ngu"]["tv_share"] < tv_results["pixel"]["tv_share"]
explores = coverage["ngu"]["coverage"] > coverage["random"]["coverage"]
finds_goal = {method: float(np.median(per_seed)) for method, per_seed in final.items()}
helps = finds_goal["ngu"] > max(finds_goal["none"], finds_goal["rnd"])
holds = [ignores_tv, explores, helps]
answer = "Yes" if all(holds) else "Partly" if any(holds) else "No"
print(f"""Can a learned embedding ignore the noisy TV — and does that make exploration better? {answer}.

1. {'It ignores' if ignores_tv else 'It does not ignore'} the TV: watching it pays {tv_pays['pixels']:.1f}× what a random walk pays in raw pixels, but
   {tv_pays['f(x)']:.2f}× in NGU's embedding f(x). Trained in the noisy-TV maze, the pixel-novelty agent has the TV
   in view on {tv_results['pixel']['tv_share']:.0%} of its steps, NGU's agent on {tv_results['ngu']['tv_share']:.0%} (the random walk {tv_results['random']['tv_share']:.0%}).
2. {'It explores' if explores else 'It explores no further than a random walk'} without any reward from the world: NGU's agent visits {coverage['ngu']['coverage']:.1f} distinct cells of
   FourRooms per episode, the random walk {coverage['random']['coverage']:.1f}, pixel novelty {coverage['pixel']['coverage']:.1f}.
3. {'It finds' if helps else 'It does not find'} a reward that is hard to find better than PPO alone or with RND: on MultiRoom-N4-S5 the median success over the last
   {runs.LAST_EPISODES} episodes is {finds_goal['ngu']:.2f} for PPO + NGU, {finds_goal['rnd']:.2f} for PPO + RND and {finds_goal['none']:.2f} for plain PPO
   ({len(final['ngu'])} seeds each).
""")
