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
# # Lesson 05 — Compression solves puzzles
#
# Chunking was compression by *experience*: a master has studied thousands of games, and the
# chunks she learned make real positions short to describe. This lesson asks the opposite question:
# **Can describing a puzzle in few bits solve it, with no experience at all?**
#
# The problems are puzzles from the **Abstraction and Reasoning Corpus** (ARC, Chollet 2019). Each
# puzzle gives three or four example pairs of coloured grids — an input and its output — and one
# test input; you must produce the test output. Every puzzle has its own rule, so nothing learned
# on one puzzle transfers in any simple way to the next.
#
# CompressARC (Liao & Gu, 2025) solves about 20 % of ARC's evaluation puzzles with no pretraining:
# for each puzzle it trains a small network **from scratch, on that puzzle alone**, to describe
# the puzzle in as few bits as it can. The shortest description that reproduces the examples
# also writes *something* into the test output — and often it is the answer.
#
# ## You will learn to
# - read an ARC puzzle and say what a **baseline** (copy the input; a hand-written DSL search)
#   can and cannot solve;
# - write a puzzle's **description length**: the rate of a Gaussian latent code (a KL divergence,
#   in bits) plus the bits of the example outputs;
# - read training curves in bits and tell a solved puzzle from a failed one by what the *answer's*
#   bits do;
# - explain why minimising bits on the examples alone can produce the test output, and which kinds
#   of rule this misses.
#
# **Prerequisites:** Lesson 03 (rate in bits, −log₂ p) and Lesson 04 (a code as a description);
# the idea of a Gaussian N(μ, σ²). Lesson 01's KL "bits" help.
#
# **Learner time:** about 45 minutes (reading + exercises), more if you build puzzles of your own.
#
# ## Papers
# - I. Liao, A. Gu (2025). *ARC-AGI Without Pretraining* (CompressARC).
#   https://arxiv.org/abs/2512.06104
# - F. Chollet (2019). *On the Measure of Intelligence* (introduces ARC).
#   https://arxiv.org/abs/1911.01547
# - J. Rissanen (1978). *Modeling by shortest data description.* Automatica 14(5).
#   https://doi.org/10.1016/0005-1098(78)90005-5
# - D. P. Kingma, M. Welling (2013). *Auto-Encoding Variational Bayes* (the KL rate of a Gaussian
#   code). https://arxiv.org/abs/1312.6114
#
# ## Glossary
# - **ARC puzzle (task)**: a few input → output grid pairs that share one hidden rule, and a test
#   input whose output must be produced; grids hold up to 10 colours.
# - **DSL (domain-specific language)**: a fixed, hand-written list of grid transformations that a
#   search combines; it solves exactly the rules it can express.
# - **Description length**: the number of bits needed to send something to a receiver who shares
#   your conventions. **MDL** (minimum description length) picks the explanation with the fewest.
# - **Latent code z**: numbers the sender chooses and sends; the network turns them (with the
#   inputs) into the outputs.
# - **Rate**: the bits of the latent code, KL(N(μ, σ²) ‖ N(0, 1)) — the price of being precise
#   where the receiver expects nothing in particular. **KL divergence** measures, in nats or bits,
#   how much a distribution differs from a reference one (1 nat = 1/ln 2 ≈ 1.44 bits).
# - **Equivariance**: a layer that treats the examples alike, the colours alike and the positions
#   alike — so a rule it learns applies to every example and to the test input.
#
# | part | what it is |
# |---|---|
# | data | the 178 public ARC-AGI-1 training tasks whose grids fit in 10×10 (`data/arc/`, checksummed) |
# | baselines | copy the input; a small hand-written search over symmetries, tilings, scalings, crops and colour maps |
# | solver | a per-puzzle network with a description-length objective: rate (bits of a latent code) + bits of the example outputs |
# | runs | recorded runs on six puzzles (`python -m course train arc_runs` rerecords them in a few minutes) |

# %%
import math
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from course.arc import baselines, widgets
from course.arc import data as D
from course.arc.runs import load_runs
from course.arc.solver import SolverConfig, solve

tasks = {name: D.load_task(name) for name in D.task_names()}  # checks data/arc/SHA256SUMS first
print(f"{len(tasks)} puzzles; train pairs per puzzle: {min(t.n_train for t in tasks.values())}–"
      f"{max(t.n_train for t in tasks.values())}; largest grid {max(t.max_side() for t in tasks.values())}×"
      f"{max(t.max_side() for t in tasks.values())}")

# %% [markdown]
# ## A puzzle
#
# **What you should see:** three example pairs (input above, output below) and a test input whose
# output you can probably guess: every pair of blue cells with one gap between them gets a red
# cell in the gap.

# %%
fig = widgets.show_task(tasks["a699fb00"], title="a699fb00: fill the gap between two blue cells")
plt.show()

# %% [markdown]
# ## Two baselines
#
# The simplest guess is the input itself. A slightly cleverer one is a **domain-specific
# language**: a hand-written list of transformations (the eight symmetries of the square, tilings,
# mirrored tilings, scalings, crops to the content, the largest object or one colour, halves),
# each followed by a colour map fitted to the examples. A program counts when it turns every
# example input into its output; its outputs on the test inputs are the attempts (ARC allows two
# per test input).
#
# **What you should see:** copying solves nothing (no puzzle's answer is its input); the DSL
# solves the puzzles whose rule happens to be in its list — a minority, and only those.

# %%
start = time.perf_counter()
copy_solved = [n for n, t in tasks.items() if baselines.is_solved(t, baselines.copy_input(t))]
dsl_solved = [n for n, t in tasks.items() if baselines.is_solved(t, baselines.dsl_search(t))]
print(f"copy the input: {len(copy_solved)}/{len(tasks)} solved")
print(f"DSL search:     {len(dsl_solved)}/{len(tasks)} solved ({len(dsl_solved) / len(tasks):.0%}) "
      f"in {time.perf_counter() - start:.1f} s")
assert len(dsl_solved) > len(copy_solved)
print("a DSL program that works:", baselines.dsl_programs(tasks[dsl_solved[0]])[0][0], f"({dsl_solved[0]})")

# %% [markdown]
# ## The description length of a puzzle
#
# Imagine sending the puzzle to a friend who already has the inputs. You both run the same
# training program, so the network's weights cost nothing to send. What you do send:
#
# 1. a **latent code** z — numbers drawn from a Gaussian N(μ, σ²) that you choose. Under a prior
#    N(0, 1) that your friend also knows, sending it costs KL(N(μ, σ²) ‖ N(0, 1)) bits: the
#    **rate**. A code that is just the prior costs nothing; a precise code far from 0 costs a lot.
# 2. the **example outputs**, coded with the network's predicted colour probabilities:
#    −log₂ p(true colour) bits per cell.
#
# The solver minimises rate + outputs bits (outputs weighted 10×, as in CompressARC). The test
# output's cells never enter this sum: whatever the network writes there is a free by-product of
# the shortest description it found. Because every layer treats the examples alike and the colours
# alike, the cheapest way to produce the outputs is a rule that works on *every* input — including
# the test input.
#
# **Exercise 1.** Write the rate of a Gaussian code: bits to send numbers drawn from N(μ, σ²) under
# a N(0, 1) prior, summed over the numbers.

# %% tags=["exercise"]
def gaussian_code_bits(mu, sigma):
    """KL(N(mu, sigma²) ‖ N(0, 1)) in bits, summed over all entries of mu and sigma."""
    # BEGIN SOLUTION
    mu, sigma = np.asarray(mu, float), np.asarray(sigma, float)
    return float(np.sum(0.5 * (mu**2 + sigma**2 - 1 - np.log(sigma**2))) / math.log(2))
    # END SOLUTION


# %% tags=["check"]
from course.arc.checks import check_gaussian_code_bits

check_gaussian_code_bits(gaussian_code_bits)

# %% [markdown]
# **Exercise 2 (predict).** The next cell shows recorded training runs on six puzzles. For each,
# we also track the bits of the *true* test output under the network — a number the solver never
# trains on. On a puzzle the solver **fails**, what will the curves show?
#
# - (a) both stay near where they started: the network learns nothing about that puzzle;
# - (b) the examples' bits fall to a small share of where they started, while the answer's bits
#   stay well above zero;
# - (c) the answer's bits fall to zero as on a solved puzzle, while the examples' bits stay high.

# %% tags=["exercise", "question"]
# BEGIN SOLUTION
answer_failed_curves = "b"
# Explanation: the solver always minimises the examples' bits, and a network with a latent code can
# buy any example output cell by cell with rate — so the examples get cheap on every puzzle. What
# differs is *how* they got cheap: by a rule that also applies to the test input (solved, the
# answer's bits fall with them) or by bits that describe these examples only (failed, the answer
# stays expensive). (c) cannot happen: nothing pulls the answer's bits down except a shared rule.
# END SOLUTION

# %% tags=["check"]
from course.core.exercises import check_answer

check_answer("arc.failed_curves", answer_failed_curves)

# %% [markdown]
# ## Watching the bits fall
#
# The recorded runs: the solver trained for 400 steps on each of six puzzles, logging every ten
# steps. Since these are training puzzles, we also know the true test output, so we can measure
# what the solver never sees: **the bits of the true answer** under the network.
#
# **What you should see:** the examples' description falls from hundreds of bits (no idea of the
# colours: about log₂ 10 = 3.3 bits per cell) to nearly nothing within a couple of hundred steps.
# On the solved puzzles the true answer's bits fall with them: learning to describe the examples
# taught the network the answer. On the failed ones the examples get cheap while the answer
# stays expensive — the network found a description of the examples that does not generalise.

# %%
runs = load_runs()
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
for name, run in runs.items():
    c = run.curves
    style = "-" if run.solved else "--"
    axes[0].plot(c["step"], c["rate_bits"] + c["outputs_bits"], style, label=f"{name} ({'solved' if run.solved else 'failed'})")
    axes[1].plot(c["step"], c["answer_bits"], style, label=name)
axes[0].set(yscale="symlog", xlabel="training step", ylabel="bits", title="examples: rate + outputs given inputs")
axes[1].set(yscale="symlog", xlabel="training step", title="the true test output (never trained on)")
axes[0].legend(fontsize=7)
fig.tight_layout()
plt.show()

for name, run in runs.items():
    c = run.curves
    print(f"{name}: examples {c['rate_bits'][0] + c['outputs_bits'][0]:7.1f} → {c['rate_bits'][-1] + c['outputs_bits'][-1]:5.1f} bits "
          f"(of which rate {c['rate_bits'][-1]:5.1f}); answer {c['answer_bits'][0]:6.1f} → {c['answer_bits'][-1]:6.1f} bits; "
          f"{'solved' if run.solved else 'failed'}")
solved_runs = [r for r in runs.values() if r.solved]
assert solved_runs, "the recorded runs should include solved puzzles"
assert all(r.curves["answer_bits"][-1] < r.curves["answer_bits"][0] for r in solved_runs)
failed_runs = [r for r in runs.values() if not r.solved]


def share_left(curve):  # final bits as a share of the first recorded bits
    return curve[-1] / curve[0]


for r in failed_runs:  # the examples got cheap, the answer did not (as cheap)
    c = r.curves
    examples = c["rate_bits"] + c["outputs_bits"]
    assert share_left(examples) < share_left(c["answer_bits"]) and c["answer_bits"][-1] > 1

# %% [markdown]
# **Exercise 3 (interpret).** On the solved puzzles the rate — the bits of the latent code z —
# ends near zero. Why?
#
# - (a) the solver switches the rate term off late in training;
# - (b) the outputs follow from the inputs by one rule shared by every example, so z need carry
#   nothing about any particular example;
# - (c) the network has stored each example's output in z, and a stored output costs nothing.

# %% tags=["exercise", "question"]
# BEGIN SOLUTION
answer_rate_zero = "b"
# Explanation: the loss is rate + 10 × output bits at every step (a is wrong). Storing outputs in z
# is exactly what costs rate (c is wrong). When the network's layers can compute the output from the
# input, sending z is wasted bits, so the optimum sets it to the prior: rate ≈ 0. A rule that needs
# no per-example information is the same rule on the test input — that is why it generalises.
# END SOLUTION

# %% tags=["check"]
check_answer("arc.rate_zero", answer_rate_zero)

# %% [markdown]
# Look at the rate on the solved puzzles: it ends near zero. The network reproduces the outputs
# from the inputs alone, without sending any per-example information in z; the description is
# then almost entirely "run the shared rule", which is exactly what carries over to the test
# input. Where the rule is out of the network's reach, it buys the missing cells with rate — bits
# that describe *these* examples and say nothing about the test.
#
# ## Solved and failed, as grids
#
# **What you should see:** for each recorded puzzle, the examples, the test input, the true output
# and the solver's first attempt. The solved ones are local rules — fill a gap, recolour by
# neighbours, draw a border. The failed ones need something global (count, compare sizes, copy a
# shape somewhere else) or a rule the examples underdetermine.

# %%
for name, run in runs.items():
    outcome = "solved" if run.solved else "failed"
    fig = widgets.show_task(tasks[name], answers=[tries[0] for tries in run.attempts], title=f"{name}: {outcome}",
                            axes_size=1.1)
    plt.show()

# %% [markdown]
# ## Solving a puzzle live
#
# Now the solver for real, with a wall-clock budget. It stops early once the same answer has led
# for a few hundred steps while every example output is reproduced exactly.
#
# **What you should see:** within about ten seconds the examples cost a bit or less and the
# answer matches the true output.

# %%
task = tasks["d037b0a7"]
result = solve(task, SolverConfig(seconds=15, patience=150))
last = result.history[-1]
right = baselines.is_solved(task, result.attempts)
print(f"{result.steps} steps in {result.seconds:.1f} s ({result.steps_per_second:.0f} steps/s); "
      f"examples {last['rate_bits'] + last['outputs_bits']:.2f} bits; answer {last['answer_bits']:.2f} bits; "
      f"{'solved' if right else 'not solved'}")
fig = widgets.show_task(task, answers=[result.attempts[0][0]], title="d037b0a7, solved live")
plt.show()

# %% [markdown]
# ## How many puzzles?
#
# `python -m course bench arc --json out.json` runs the three methods on a fixed sample of 20 of
# the 178 puzzles (`--all`: all of them) with a budget of about two minutes per puzzle; the
# README lists the measured figures. That takes far longer than a notebook should, so here only
# the cost of one training step is measured, on the puzzles of the recorded runs.
#
# **What you should see:** how many training steps one CPU core managed per second on each puzzle.
# Multiply by the few hundred steps a puzzle needs: every puzzle costs its own training run.

# %%
for name, run in runs.items():
    c = run.curves
    print(f"{name}: {c['step'][-1] / c['seconds'][-1]:.0f} steps/s when recorded")

# %% [markdown]
# ## Explore
#
# Pick a recorded run and move through its steps: the guess (middle) next to the test input and
# the true output, and where the description length stood.
#
# **What you should see:** on a solved puzzle the guess turns *right* partway through, as the true
# answer's bits drop with the examples'; on a failed one it stays wrong while the examples get cheap.

# %%
explorer = widgets.run_explorer(runs, tasks)
display(explorer)

# %% [markdown]
# Make a puzzle of your own: choose a colour, click cells to paint them, and press **solve**. The
# default puzzle recolours blue cells red. Try a rule that needs the whole grid (flip it left to
# right) and see where a network built from local operations gives up.
#
# **What you should see:** the default recolouring is solved in seconds; a rule that needs the
# whole grid usually is not, even though every example is reproduced.

# %%
editor = widgets.puzzle_editor(seconds=10)
display(editor)

# %% [markdown]
# ## Summary
#
# * A puzzle's **description length** — bits of a latent code plus bits of the example outputs —
#   is a training objective that needs no other data. Minimising it on the examples alone moves
#   the answer's bits down too, when the network's built-in symmetries (examples alike, colours
#   alike, positions alike) make the rule the cheapest description.
# * It gets local, translation-invariant rules; it misses rules its operations cannot express
#   cheaply (global flips, counting, moving objects), which a hand-written DSL may hold — the two
#   solve different puzzles.
# * Chunking compressed with experience; this compresses with none, and pays for it in compute:
#   every puzzle is a fresh training run.
#
# The cell below answers the lesson's question from this run's figures.

# %% tags=["summary"]
solved_names = [name for name, run in runs.items() if run.solved]
failed_names = [name for name, run in runs.items() if not run.solved]
verdict = "YES, for some puzzles" if solved_names else "NOT on this run"
print(f"""Can describing a puzzle in few bits solve it, with no experience at all? {verdict}.

1. Baselines: copying the input solves {len(copy_solved)} of {len(tasks)} puzzles; the hand-written DSL
   solves {len(dsl_solved)} ({len(dsl_solved) / len(tasks):.0%}) — exactly the rules on its list.
2. Minimum description length, trained on each puzzle alone: {len(solved_names)} of {len(runs)} recorded puzzles solved
   ({", ".join(solved_names)}); the live run on d037b0a7 was {"solved" if right else "not solved"} in {result.seconds:.1f} s.
   On the solved ones the true answer's bits fell to {max(runs[n].curves["answer_bits"][-1] for n in solved_names):.1f} or less,
   although the solver never saw it.
3. When not: on {", ".join(failed_names)} the examples got cheap but the answer stayed at
   {min(runs[n].curves["answer_bits"][-1] for n in failed_names):.1f}–{max(runs[n].curves["answer_bits"][-1] for n in failed_names):.1f} bits: a description of these examples, not a rule.
   It works when the rule is local and the same everywhere; it fails on rules that need the whole grid.
""")
