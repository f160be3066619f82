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
# # Lesson 04 — Chunking: experts compress game states
#
# In 1973 William Chase and Herbert Simon showed chess players a middle-game position for five
# seconds, took it away and asked them to rebuild it on an empty board. Their master placed about
# 16 of some 25 pieces correctly, their class-A player about 8, their beginner about 4. Then they
# did the same with the same pieces put on random squares — and all three placed only a few.
#
# So the master's memory is not larger. What does a master hold in five seconds that a beginner
# does not, and why is it useless on a random board? Chase and Simon's answer: *chunks*, familiar
# groups of pieces that short-term memory stores as one item each. Gobet and Simon's CHREST model
# later put a master's store at about 50,000 such chunks. This lesson asks: **Do experts compress
# game states into chunks?**
#
# ## You will learn to
# - explain the **chunking theory** of expert memory and the experiment behind it (real against
#   random positions);
# - simulate a short-term memory of about seven slots and see why chunks, not a bigger memory,
#   raise recall;
# - turn a chunk vocabulary into a **code** and compute the bits of a position, −Σ log₂ p − log₂ m!;
# - compare the chunk code with a small neural density model (MADE) on real and random positions;
# - say why recall and code length are two views of one thing.
#
# **Prerequisites:** Lesson 03's idea that a symbol of probability p costs −log₂ p bits; Python
# lists and NumPy. No chess skill needed — the boards are drawn for you.
#
# **Learner time:** about 50 minutes (reading + exercises), plus the 5-second task at the end.
#
# ## Papers
# - W. G. Chase, H. A. Simon (1973). *Perception in chess.* Cognitive Psychology 4(1).
#   https://doi.org/10.1016/0010-0285(73)90004-2
# - F. Gobet, H. A. Simon (1996). *Templates in chess memory: a mechanism for recalling several
#   boards.* Cognitive Psychology 31(1). https://doi.org/10.1006/cogp.1996.0011
# - G. A. Miller (1956). *The magical number seven, plus or minus two.* Psychological Review 63(2).
#   https://doi.org/10.1037/h0043158
# - M. Germain, K. Gregor, I. Murray, H. Larochelle (2015). *MADE: Masked Autoencoder for
#   Distribution Estimation.* ICML. https://arxiv.org/abs/1502.03509
#
# ## Glossary
# - **Chunk**: a group of pieces that a player recognises as one familiar pattern (a castled king
#   with its pawn shield, a pawn chain) and stores as one item.
# - **Short-term memory (STM)**: the small store that holds what was just seen — about seven items
#   (Miller's "magical number seven"); **long-term memory (LTM)** holds the chunk vocabulary.
# - **Fixation / glance**: one look at one spot of the board, about a quarter of a second.
# - **Expertise level**: here, the number of master positions the learner has studied (novice,
#   class A, master).
# - **Code length**: the bits needed to write something down; a symbol of probability p costs
#   −log₂ p bits, so frequent things are short.
# - **Plain code**: a code that knows nothing about chess — 13 possibilities on each of 64 squares.
# - **MADE**: a neural network that gives every position a probability, square by square; its
#   **negative log-likelihood (NLL)** in bits is the length of the code it defines.
#
# In this lesson you build that explanation and measure it:
#
# | part | what it is |
# |---|---|
# | data | middle-game positions from historical master games (Capablanca's games; the London 1851 tournament), and the same pieces on random squares |
# | learner | studies master positions and builds a vocabulary of piece-on-square chunks; *expertise* = positions studied |
# | recall task | 5 seconds of glances, a short-term memory of about 7 slots, then reconstruction |
# | compression | the chunk vocabulary as a **code**: bits per position, real and random; and a small neural model's bits |
#
# The punchline is that chunking *is* compression: an expert's vocabulary is a code under which
# real positions are short and random ones are not, and a memory that holds a fixed number of
# codewords holds more of what the code makes short.
#
# Both learned things ship as checkpoints in `data/checkpoints/` (verified by SHA-256 when
# loaded): `python -m course train chess_chunks` relearns every chunk vocabulary in about a minute,
# `python -m course train chess_made` retrains the neural model.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display

from course.chunking import analysis, widgets
from course.chunking import data as D
from course.chunking.chunks import EXPERTISE, load_chunk_levels
from course.chunking.compression import PLAIN_BITS, ChunkCode, load_made, position_bits
from course.chunking.recall import (
    LONE_PIECE_SLOTS,
    STM_SLOTS,
    mean_recall,
    n_glances,
    simulate_recall,
)

plt.rcParams.update({"figure.dpi": 90})


def boards_side_by_side(svgs, captions):
    cells = "".join(f"<div style='margin-right:12px'>{svg}<br><small>{c}</small></div>" for svg, c in zip(svgs, captions))
    display(HTML(f"<div style='display:flex'>{cells}</div>"))


games = D.load_games()  # checks data/chess/SHA256SUMS first
learn, held_out = D.split_games(games)
boards = analysis.test_boards()  # positions from held-out games, and their random twins
print(f"{len(games)} games: {len(learn)} to learn from ({len(D.learning_boards(learn)):,} middle-game positions), "
      f"{len(held_out)} held out for testing ({len(boards.real)} test positions, 3 per game)")

# %% [markdown]
# ## 1. Real positions and random ones
# A position is taken from the middle game: after move 10, with 20 to 28 pieces on the board. A
# random position puts *the same pieces* on random squares, as Chase and Simon did.
#
# **What you should see:** the real position has the familiar structure of a chess game —
# castled kings behind pawn shields, pawn chains, pieces near the centre. The random one has the
# same material scattered anyhow, pawns sometimes on the first or last rank.

# %%
example = boards.real[7]
boards_side_by_side([widgets.board_svg(example, size=300), widgets.board_svg(boards.random[7], size=300)],
                    ["a held-out master position", "the same pieces on random squares"])

pieces = (D.learning_boards(learn) > 0).sum(1)
fig, ax = plt.subplots(figsize=(6, 2.8))
ax.hist(pieces, bins=np.arange(19.5, 29.5), color="tab:blue")
ax.set(title="Middle-game positions studied", xlabel="pieces on the board", ylabel="positions")
plt.show()

# %% [markdown]
# ## 2. Learning chunks from master games
# The learner (`course/chunking/chunks.py`) studies the learning games position by position, as a
# player replays games. On each position it fixates every piece once and sees a 5×5 field of view
# around it (two king steps each way, the parafovea of Gobet and Simon's CHREST model). In that
# view it recognises what it already knows, then notices *pairs*: the unit under its eye together
# with each neighbouring unit that is related to it — adjacent, attacking or defending, the
# relations Chase and Simon found between the pieces of a chunk. A pair noticed in two different
# games becomes a new chunk. Chunks are built from smaller chunks, so they grow.
#
# **Expertise is the number of positions studied.** We call a learner who has studied 100
# positions (a few games) a *novice*, 3,000 positions *class A*, and one who has studied every
# position of every learning game a *master*.
#
# **What you should see:** the vocabulary grows with experience, chunks of a few pieces are the
# most common, and the chunks the master uses most are the bread and butter of chess structure:
# castled kings, pawn chains, pieces guarding each other.

# %%
levels = load_chunk_levels()
studied = levels.levels[1:]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
axes[0].plot(studied, [levels.n_chunks(int(n)) for n in studied], "o-")
for name in EXPERTISE:
    n = levels.level_of(name)
    axes[0].annotate(name, (n, levels.n_chunks(n)), textcoords="offset points", xytext=(-10, 8))
axes[0].set(xscale="log", yscale="log", title="Chunks learned", xlabel="positions studied", ylabel="chunks in LTM")
sizes = np.array([len(c) for c in levels.vocabulary("master").chunks])
axes[1].hist(sizes, bins=np.arange(1.5, sizes.max() + 1.5), color="tab:green")
axes[1].set(title="The master's chunks", xlabel="pieces in the chunk", ylabel="chunks")
plt.tight_layout()
plt.show()
for name in EXPERTISE:
    n = levels.level_of(name)
    print(f"{name:>8}: {n:>6,} positions studied (≈ {n / len(D.learning_boards(learn)) * len(learn):.0f} games), "
          f"{levels.n_chunks(name):>6,} chunks")

# The chunks of four or more pieces that the master's code used most often (section 5 explains the code).
master_counts = levels.counts("master")[: levels.n_chunks("master")]
large = [i for i in np.argsort(-master_counts, kind="stable") if len(levels.chunks[i]) >= 4][:4]
boards_side_by_side([widgets.board_svg(D.items_board(levels.chunks[i]), [levels.chunks[i]], size=200) for i in large],
                    [f"{widgets.describe_units([levels.chunks[i]])}: used {master_counts[i]:,}×" for i in large])

# %% [markdown]
# ## 3. Five seconds, one glance at a time
# The recall task (`course/chunking/recall.py`). The learner looks at the board for 5 seconds, one
# fixation every quarter second, so it gets a limited number of glances. Each glance goes to the
# nearest piece it has not yet encoded, and it recognises, in its field of view, the unit that piece
# belongs to: a chunk it knows, or just the lone piece. The unit goes into **short-term memory
# (STM)**, which holds about 7 items and works like a queue — when it overflows, the oldest units
# are forgotten first:
#
# * a chunk takes **one slot**, whatever its size: it is one pointer to a familiar pattern;
# * a lone piece belongs to no chunk, so it is held as two familiar things — the piece and the
#   square it stands on — and takes **two slots**.
#
# When the board is taken away, the learner puts back the pieces of every unit still in STM.
#
# **Exercise 1.** Write the STM: given the units in the order they were seen, return what is left
# in memory. `len(unit) > 1` means a chunk.

# %% tags=["exercise"]
def remember(units, slots, lone_slots):
    """The units a queue-like STM of `slots` slots still holds after `units` arrive in order."""
    # BEGIN SOLUTION
    kept = []
    for unit in units:
        kept.append(unit)
        while sum(1 if len(u) > 1 else lone_slots for u in kept) > slots:
            kept.pop(0)
    return kept
    # END SOLUTION


# %% tags=["check"]
from course.chunking.checks import check_remember

check_remember(remember)

# %% [markdown]
# Now watch a novice and the master look at the same held-out position.
#
# **What you should see:** the novice sees mostly lone pieces, so its STM fills with just a few
# of them. The master's glances land on chunks — the castled king, pawn chains, pieces guarding
# each other — and its seven slots hold many more pieces. Coloured outlines are the chunks still
# in STM when the board disappears, dashed ones were seen and then pushed out, thin black frames
# the lone pieces still in STM.

# %%
print(f"{n_glances()} glances in 5 s, STM of {STM_SLOTS} slots, a lone piece takes {LONE_PIECE_SLOTS}")
svgs, captions = [], []
for name in ["novice", "master"]:
    trial = simulate_recall(levels.vocabulary(name), example, np.random.default_rng(0))
    svgs.append(widgets.board_svg(example, **widgets.chunk_sets(trial), size=300))
    captions.append(f"{name}: {len(trial.placed)} of {trial.n_pieces} pieces recalled")
    print(f"{name:>7} keeps in STM: {widgets.describe_units(trial.kept)}")
boards_side_by_side(svgs, captions)

# %% [markdown]
# **Exercise 2 (predict).** Next, every learner takes the 5-second test on each held-out position
# *and* on its random twin — the same pieces on random squares. Before you run it, predict the
# master's recall of random positions:
#
# - (a) about three times the novice's, as on real positions: a better-trained memory holds more;
# - (b) about the same as the novice's (within a third either way): the chunks hardly fit;
# - (c) nothing at all: the master's STM refuses lone pieces.

# %% tags=["exercise", "question"]
# BEGIN SOLUTION
answer_random_recall = "b"
# Explanation: STM has the same seven slots for everybody; the master's advantage is that a chunk
# fills one slot with several pieces. A random position is almost never made of familiar patterns,
# so the master, like the novice, sees lone pieces at two slots each and keeps only a few of them.
# Now and then a few random pieces happen to form a known chunk: that is the master's small edge.
# END SOLUTION

# %% tags=["check"]
from course.core.exercises import check_answer

check_answer("chunking.random_recall", answer_random_recall)

# %% [markdown]
# ## 4. Recall: novice, class A and master, on real and random positions
# Every learner gets one 5-second trial on each of the held-out test positions and on each random
# twin. Chase and Simon's figures (first trial, middle-game positions of about 25 pieces) are
# shown beside the simulation.
#
# **What you should see:** on real positions recall climbs steeply with expertise, roughly as it
# did for Chase and Simon's players. On random positions everybody recalls only a few pieces: the
# chunks do not fit. The master keeps a small edge, because now and then a few random pieces
# happen to form a familiar pattern — later studies found exactly such a small edge in real masters.

# %%
recall = analysis.recall_table(levels, boards)
chase_simon = analysis.chase_simon_shares()
print(f"{'learner':>8} | {'chunks':>6} | {'real':>5} | {'random':>6} | Chase & Simon (1973), real")
for name, row in recall.items():
    print(f"{name:>8} | {row['chunks']:6,} | {row['real']:5.0%} | {row['random']:6.0%} | "
          f"{chase_simon[name]:.0%} ({analysis.CHASE_SIMON_PIECES[name]} of ~{analysis.CHASE_SIMON_BOARD})")

x, width = np.arange(3), 0.27
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.bar(x - width, [recall[n]["real"] for n in EXPERTISE], width, label="simulated, real positions")
ax.bar(x, [recall[n]["random"] for n in EXPERTISE], width, label="simulated, random positions")
ax.bar(x + width, [chase_simon[n] for n in EXPERTISE], width, color="grey", label="Chase & Simon 1973, real")
ax.set(xticks=x, xticklabels=["novice (beginner)", "class A", "master"], ylabel="share of pieces placed correctly",
       title="Recall after a 5-second look", ylim=(0, 1))
ax.legend(fontsize=8)
plt.show()

# %%
novice, master = recall["novice"], recall["master"]
assert master["real"] >= 0.6 and master["real"] >= 3 * novice["real"], "chunks should triple recall of real positions"
assert master["random"] <= 1.3 * novice["random"] and master["random"] <= 0.25, "…but hardly help on random ones"
print(f"master / novice: ×{master['real'] / novice['real']:.1f} on real positions, "
      f"×{master['random'] / novice['random']:.2f} on random ones")

# %% [markdown]
# ### How much does this depend on the model's constants?
# STM size and fixation time come from the literature (about 7 items; about a quarter second per
# fixation), not from fitting these data. It is worth seeing how the result moves when they change.
#
# **What you should see:** the master's large advantage on real positions survives every setting;
# absolute recall rises with more slots or more time. The *random* edge is the fragile part: it
# grows when the master can keep more chunks, because every coincidental chunk is worth a slot.

# %%
subset = slice(0, 150)
print(f"{'STM slots':>9} | {'glances':>7} | novice real | master real | novice random | master random")
for slots, glances in [(5, 20), (7, 12), (7, 20), (7, 28), (9, 20)]:
    row = [mean_recall(levels.vocabulary(name), kind[subset], seed=2, slots=slots, glances=glances)
           for kind in (boards.real, boards.random) for name in ("novice", "master")]
    print(f"{slots:>9} | {glances:>7} | {row[0]:11.0%} | {row[1]:11.0%} | {row[2]:13.0%} | {row[3]:13.0%}")

# %% [markdown]
# ## 5. The compression view
# Write a position down in bits. A **plain code** says for each of the 64 squares which of 13
# things stands on it: 64 · log2 13 ≈ 237 bits, real or random alike. A learner's **chunk code**
# parses the position into the units it knows and writes each unit with −log2 p bits, where p is
# how often that unit came up in the positions it studied; lone pieces are symbols too, and an
# end-of-board symbol says when to stop. Since the units form a *set*, their order carries no
# information: the m! orders in which m units could be written are not paid for.
#
# **Exercise 3.** Given the probabilities of the m distinct symbols of a set, return the number of
# bits needed to write the set: −Σ log2 p − log2(m!).

# %% tags=["exercise"]
def set_code_bits(probabilities):
    """Bits to write a set of distinct symbols with these probabilities."""
    # BEGIN SOLUTION
    p = np.asarray(probabilities, dtype=float)
    return float(-np.log2(p).sum() - math.lgamma(len(p) + 1) / math.log(2))
    # END SOLUTION


# %% tags=["check"]
from course.chunking.checks import check_set_code_bits

check_set_code_bits(set_code_bits)

# %% [markdown]
# **Exercise 4 (predict).** Under the *master's* chunk code, how will a random position's bits
# compare with a real position's?
#
# - (a) fewer bits: random positions have the same pieces, and random boards look simpler;
# - (b) about the same: a code is a code, and both positions hold the same pieces;
# - (c) at least twice as many: the code bets its probability on chess-like patterns, and random
#   positions break into many rare lone pieces.

# %% tags=["exercise", "question"]
# BEGIN SOLUTION
answer_random_bits = "c"
# Explanation: −log₂ p is short only for what the code expects. The master's code gives frequent
# chunks high probability, so a real position is a handful of cheap codewords. A random position
# parses into lone pieces on unusual squares, each rare and expensive, and there are many of them.
# END SOLUTION

# %% tags=["check"]
check_answer("chunking.random_bits", answer_random_bits)

# %% [markdown]
# **What you should see:** even a learner without chunks pays less than the plain code for a real
# position — it has learned where pieces usually stand — and as chunks accumulate, real positions
# get cheaper still, because a handful of frequent chunks describes them. Random positions do
# not: they fall apart into lone pieces, and the expert's code, which has bet its probability on
# chess-like patterns, even pays *more* for them than the novice's does.

# %%
codes = {int(level): ChunkCode.at(levels, int(level)) for level in studied}
bits_real = [codes[n].mean_bits(boards.real[subset]) for n in codes]
bits_random = [codes[n].mean_bits(boards.random[subset]) for n in codes]
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.plot(list(codes), bits_real, "o-", label="real positions")
ax.plot(list(codes), bits_random, "s-", label="random positions")
ax.axhline(PLAIN_BITS, color="grey", linestyle="--", label="plain code (64 · log2 13)")
ax.set(xscale="log", xlabel="positions studied", ylabel="bits per position", ylim=(0, 300),
       title="Chunk code: bits per held-out position")
ax.legend(fontsize=8)
plt.show()

bits = analysis.bits_table(levels, boards)
for name, row in bits.items():
    print(f"{name:>8}: real {row['real']:6.1f} bits, random {row['random']:6.1f} bits "
          f"(×{row['random'] / row['real']:.1f}); plain code {PLAIN_BITS:.1f}")
assert bits["master"]["random"] >= 2 * bits["master"]["real"], "the master's code should halve real positions"

# %% [markdown]
# Recall and code length are two views of one thing. The master's STM holds seven *codewords*; a
# chunk is a short codeword for several pieces, a lone piece is a long one. Where the code is short
# (real positions), seven codewords carry most of the board; where it is long (random positions),
# they carry only a few pieces.

# %% [markdown]
# ## 6. The same question to a neural network
# Chunks are a discrete, hand-inspectable code. A neural network can learn a code too: a **MADE**
# (masked autoencoder for distribution estimation) gives every position a probability, square by
# square, each square's distribution depending only on the squares before it. Its negative
# log-likelihood, in bits, is the length of the best code built on it — the same yardstick as the
# KL "bits" of Lesson 01 and the rates of Lesson 03. It was trained on the learning games only.
#
# **What you should see:** the network, too, finds real held-out positions far cheaper than
# random ones, and cheaper than the chunk code: it has learned more of chess's regularities (which
# squares are usually empty, where pawns may stand) than seven-slot chunks can show.

# %%
made = load_made()
nll_real, nll_random = position_bits(made, boards.real), position_bits(made, boards.random)
fig, ax = plt.subplots(figsize=(7, 3.4))
ax.hist(nll_real, bins=40, alpha=0.7, label=f"real, mean {nll_real.mean():.0f} bits")
ax.hist(nll_random, bins=40, alpha=0.7, label=f"random, mean {nll_random.mean():.0f} bits")
ax.axvline(PLAIN_BITS, color="grey", linestyle="--", label="plain code")
ax.set(xlabel="−log2 p(position) under the MADE (bits)", ylabel="held-out positions",
       title="A neural model of positions: bits per position")
ax.legend(fontsize=8)
plt.show()
assert nll_random.mean() > nll_real.mean()
print(f"MADE: real {nll_real.mean():.1f} bits, random {nll_random.mean():.1f} bits; "
      f"master's chunk code: real {bits['master']['real']:.1f}, random {bits['master']['random']:.1f}")

# %% [markdown]
# ## 7. Try it
# ### What the learner sees
# **What you should see:** slide the expertise from 0 positions studied to the master. The
# outlined chunks grow from nothing to large groups, simulated recall climbs and the chunk code
# for the position shrinks. Draw a random position: the outlines almost vanish, recall drops to a
# few pieces and the code length jumps — at every level.

# %%
display(widgets.expertise_explorer(levels, boards.real))

# %% [markdown]
# ### Your turn: the 5-second task
# Press the button, look at the board for 5 seconds, then type every piece you remember as a
# letter and a square — upper case for white, lower case for black (`Kg1 Rf1 Pf2 … kg8 pf7`) — and
# score yourself. Try a real and a random position and compare with the simulated learners.
#
# **What you should see:** unless you play chess a lot, your score on real positions is close to
# the novice's; on random ones, close to everybody's.

# %%
display(widgets.recall_yourself(levels, boards.real))

# %% [markdown]
# ## Summary
# Do experts compress game states into chunks? The cell below answers from the numbers this
# notebook just measured: **yes** when chunks triple the recall of real positions, leave random
# ones about where the novice is, and make real positions at least twice as cheap to write down as
# random ones — otherwise it says which part failed.

# %% tags=["summary"]
chunks_triple_recall = master["real"] >= 3 * novice["real"]
random_edge_small = master["random"] <= 1.3 * novice["random"]
code_halves_real = bits["master"]["random"] >= 2 * bits["master"]["real"]
verdict = "yes" if chunks_triple_recall and random_edge_small and code_halves_real else "not on this run"
print(f"""Do experts compress game states into chunks? {verdict.upper()}, for positions from real games.

1. Expertise is a vocabulary. After studying {levels.level_of('master'):,} positions the learner knows
   {recall['master']['chunks']:,} chunks (a class-A learner {recall['class A']['chunks']:,}, a novice {recall['novice']['chunks']});
   Gobet and Simon estimate about {analysis.GOBET_SIMON_MASTER_CHUNKS:,} for a human master.
2. The same {STM_SLOTS}-slot STM recalls {recall['novice']['real']:.0%} of a real position for the novice, {recall['class A']['real']:.0%} for class A
   and {recall['master']['real']:.0%} for the master (Chase & Simon's players: {chase_simon['novice']:.0%}, {chase_simon['class A']:.0%}, {chase_simon['master']:.0%}).
   The memory is not bigger; each slot holds more (×{master['real'] / novice['real']:.1f} master over novice).
3. On random boards the advantage almost disappears: {recall['novice']['random']:.0%} for the novice, {recall['master']['random']:.0%} for the
   master (×{master['random'] / novice['random']:.2f}). Chunks are knowledge of chess, not a better memory.
4. Chunks are a code. Under the master's code a real held-out position costs {bits['master']['real']:.0f} bits, a random one
   {bits['master']['random']:.0f} (plain code: {PLAIN_BITS:.0f}). A neural model of positions says the same: {nll_real.mean():.0f} bits
   for real positions, {nll_random.mean():.0f} for random ones. A memory that holds a fixed number of codewords holds
   more of whatever its code makes short — which is why experts remember what they understand.
""")
