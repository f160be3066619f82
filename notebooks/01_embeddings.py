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
# # Lesson 01 — Embeddings, entanglement and distance
#
# An **embedding** is a short vector of numbers that a network computes for each input — here 10
# numbers for each small image. We cluster embeddings, search them for nearest neighbours and read
# meaning into their distances. **When is that meaningful — and what happens when several factors
# of the world are entangled in one dimension?**
#
# ## You will learn to
# * measure how many bits each dimension of an embedding carries, and how many dimensions it
#   really uses (the participation ratio);
# * find which true factor lives in which dimension, with mutual information and the MIG score;
# * test whether distances between embeddings follow the true factors (rank correlation,
#   nearest-neighbour purity, clustering);
# * tell an entanglement that only turns the axes (a rotation: distances survive) from one that
#   bends space (a nonlinear map: distances break), and predict which measurement each one fools.
#
# **Prerequisites:** Python and NumPy; mean, variance and the covariance matrix; what an
# eigenvalue is; the idea of a neural network trained by minimising a loss. No reinforcement
# learning or information theory is assumed: every term is defined where it first appears.
#
# **Learner time:** about 75 minutes (reading + exercises): 40 minutes of reading and widgets, 25
# for the two implement exercises, 10 for the two questions. The notebook itself runs in under
# two minutes on 2 CPU cores.
#
# ## Papers
# * Kingma & Welling (2013), *Auto-Encoding Variational Bayes* — the VAE:
#   https://arxiv.org/abs/1312.6114
# * Chen, Li, Grosse & Duvenaud (2018), *Isolating Sources of Disentanglement in Variational
#   Autoencoders* — β-TCVAE and the MIG score: https://arxiv.org/abs/1802.04942
# * Locatello et al. (2019), *Challenging Common Assumptions in the Unsupervised Learning of
#   Disentangled Representations* — why a rotated embedding is as good as the original to its
#   loss: https://arxiv.org/abs/1811.12359
# * Gao et al. (2017), *A theory of multineuronal dimensionality, dynamics and measurement* — the
#   participation ratio: https://doi.org/10.1101/214262
# * McInnes, Healy & Melville (2018), *UMAP: Uniform Manifold Approximation and Projection*:
#   https://arxiv.org/abs/1802.03426
# * Hubert & Arabie (1985), *Comparing partitions* — the adjusted Rand index:
#   https://doi.org/10.1007/BF01908075
#
# ## The set-up
# To answer with measurements instead of opinions we need data whose true factors we know. So we
# draw our own: small coloured sprites made from five factors — *shape*, *scale*, *colour*, *x*
# and *y*. Three networks compress each 32×32×3 image (3,072 numbers) into 10 numbers, the
# **latent** code z (one number per **latent dimension**):
#
# | model | loss | what it is pushed to do |
# |---|---|---|
# | autoencoder (AE) | reconstruction | keep whatever helps to redraw the image |
# | VAE (β = 1) | reconstruction + KL to N(0, I) | the same, paying in bits for each dimension it uses |
# | β-TCVAE (β = 6) | reconstruction + KL + (β − 1)·TC | pay extra for *dependence between* dimensions: one factor per dimension |
#
# An **autoencoder** is an encoder network (image → z) and a decoder network (z → image) trained
# so that the decoder redraws the input. A **variational autoencoder (VAE)** makes the encoder
# output a small Gaussian cloud, N(μ(x), σ²(x)), instead of a point, and adds to the loss the
# **KL divergence** from that cloud to the prior N(0, I). KL(q ‖ p) measures how different a
# distribution q is from a reference p (0 when they are equal); here it is the price, in nats,
# of what the code says about the image (divide by ln 2 for bits).
#
# The KL term of a VAE splits into three parts: the information the code keeps about the image,
# the **total correlation** TC = KL(q(z) ‖ Π_j q(z_j)) — how far the dimensions are from being
# independent of each other — and how far each dimension is from N(0, 1). β-TCVAE (Chen et al.,
# 2018) raises the price of TC only — the part that *is* entanglement — instead of every bit, as
# a β-VAE does. A factor is **entangled** when it is spread over several dimensions, or when one
# dimension mixes several factors; **disentangled** when each factor has a dimension of its own.
#
# You will measure **how much information each dimension carries**, **which factor lives where**
# (mutual information and MIG), **whether distances follow the true factors**, and then break a
# good embedding on purpose — once in a way that fools one measurement and not the other.
#
# All models ship as checkpoints in `data/checkpoints/` (verified by SHA-256 when loaded);
# `python -m course train sprites_beta_tcvae` retrains one in a few minutes.
#
# **What you should see:** the number of sprites, their shape (32 × 32 pixels × 3 colours) and
# how many values each factor takes.

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from course.embeddings import analysis, widgets
from course.embeddings import metrics as M
from course.embeddings.sprites import FACTOR_NAMES, FACTORS, make_sprites

plt.rcParams.update({"figure.dpi": 90, "axes.grid": False})
data = make_sprites()
print(f"{len(data)} sprites of shape {data.images.shape[1:]}, factors: {', '.join(FACTOR_NAMES)}")
for f in FACTORS:
    print(f"  {f.name:<7} {f.n_values} values{' (categorical)' if f.categorical else ''}")

# %% [markdown]
# ## 1. The data
# **What you should see:** each row changes one factor and holds the others fixed. Every
# combination of factor values appears exactly once, so the factors are independent by design.

# %%
fig, axes = plt.subplots(len(FACTORS), 1, figsize=(8, 6.5))
base = np.array([0, 2, 0, 4, 4])
for row, (ax, f) in enumerate(zip(axes, FACTORS)):
    picks = []
    for v in range(f.n_values):
        target = base.copy()
        target[row] = v
        picks.append(int(np.flatnonzero((data.factors == target).all(axis=1))[0]))
    ax.imshow(widgets.image_row(data.images[picks]))
    ax.set_yticks([])
    ax.set_xticks([])
    ax.set_ylabel(f.name, rotation=0, ha="right", va="center")
fig.suptitle("One factor at a time")
plt.show()

# %% [markdown]
# ## 2. Three embeddings of the same images
# **What you should see:** all three redraw position, size and colour. The two variational
# models sometimes get the *shape* wrong (a square with a pointed top): shape changes the fewest
# pixels of the five factors, so it is the first a model that pays for information gives up.

# %%
models = {kind: analysis.load_embedding(kind) for kind in analysis.MODEL_NAMES}
embedded = {kind: analysis.embed_sprites(model, data) for kind, model in models.items()}
z = {kind: e.mean for kind, e in embedded.items()}  # (N, 10) each: the embeddings we measure

sample = np.random.default_rng(0).choice(len(data), 8, replace=False)
fig, axes = plt.subplots(4, 1, figsize=(8, 4.2))
axes[0].imshow(widgets.image_row(data.images[sample]))
axes[0].set_ylabel("input", rotation=0, ha="right", va="center")
for ax, kind in zip(axes[1:], models):
    ax.imshow(widgets.image_row(widgets.decode_latent(models[kind], z[kind][sample])))
    ax.set_ylabel(kind, rotation=0, ha="right", va="center")
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("Inputs and reconstructions")
plt.show()

# %% [markdown]
# ## 3. Is every dimension carrying the same information?
# A VAE pays a *rate* for every dimension: the KL divergence between what the encoder says about
# one image, q(z_j | x), and the prior N(0, 1). Averaged over the data and divided by ln 2, it is
# the number of **bits** that dimension carries about the image. The autoencoder has no such
# price, so for it we can only look at each dimension's variance.
#
# **What you should see:** the VAE and the β-TCVAE each switch most of their ten dimensions off
# (about 0 bits) and spend a few bits in each of a handful of others — fewer active dimensions
# than there are factors, because small factors are cheaper to drop than to pay for. The AE has
# no price to pay, so nothing makes its variance line up with a few dimensions.

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 3.2))
dims = np.arange(10)
axes[0].bar(dims, z["ae"].var(axis=0), color="tab:grey")
axes[0].set(title="AE: variance per dimension", xlabel="latent dimension", ylabel="variance", xticks=dims)
for ax, kind in zip(axes[1:], ["vae", "disentangled"]):
    bits = M.kl_bits_per_dim(embedded[kind].mean, embedded[kind].log_var)
    ax.bar(dims, bits, color="tab:blue")
    ax.set(title=f"{kind}: {bits.sum():.1f} bits in all", xlabel="latent dimension", ylabel="bits (KL / ln 2)",
           xticks=dims)
plt.tight_layout()
plt.show()
for kind in ["vae", "disentangled"]:
    bits = M.kl_bits_per_dim(embedded[kind].mean, embedded[kind].log_var)
    print(f"{kind:>12}: dimensions carrying > 0.5 bit: {(bits > 0.5).sum()}, bits per dimension {bits.round(1)}")

# %% [markdown]
# ### Effective dimensionality
# How many dimensions does an embedding really use? The **participation ratio** of the
# covariance eigenvalues λ answers with one number:
#
# $$\mathrm{PR} = \frac{(\sum_i \lambda_i)^2}{\sum_i \lambda_i^2}$$
#
# It is D for data spread evenly over D dimensions and 1 for data on a line.
#
# **Exercise 1.** Implement it. (The check below tests properties a correct PR must have; once
# your function passes, the rest of the lesson uses it — until then, the course's own.)

# %% tags=["exercise"]
def participation_ratio(z):
    """Effective number of dimensions of the rows of z, an (N, D) array."""
    # BEGIN SOLUTION
    eigenvalues = np.clip(np.linalg.eigvalsh(np.cov(z, rowvar=False)), 0.0, None)
    return float(eigenvalues.sum() ** 2 / (eigenvalues**2).sum())
    # END SOLUTION


# %% tags=["check"]
from course.embeddings.checks import check_participation_ratio

solved = check_participation_ratio(participation_ratio)
participation_ratio = participation_ratio if solved else M.participation_ratio  # yours once it passes

# %% [markdown]
# **What you should see:** none of the models uses all ten dimensions, and none uses more
# effective dimensions than there are true factors: the data lie on a low-dimensional surface,
# and every encoder found it. PR counts directions of variance, though, not factors — compare it
# with the number of active dimensions above.

# %%
pr = {kind: participation_ratio(z[kind]) for kind in z}
print(f"true factors: {analysis.N_TRUE_FACTORS}")
for kind, value in pr.items():
    print(f"participation ratio {kind:>12}: {value:.2f}")

# %% [markdown]
# ## 4. Which factor lives in which dimension?
# The **entropy** H(v_k) of a factor is how much information, on average, it takes to tell which
# value it has (in nats: ln 3 for a factor with three equally likely values). The **mutual
# information** I(z_j; v_k) between latent dimension j (binned into 20 bins) and true factor k
# is how much of that knowing z_j gives away: 0 when z_j says nothing about v_k. Divided by the
# factor's entropy H(v_k) it runs from 0 (nothing) to 1 (everything).
#
# The **Mutual Information Gap** (MIG; Chen et al., 2018) asks, for each factor: how much more does the best
# dimension know than the second best? A factor stored in exactly one dimension gives a gap of
# 1; a factor smeared over two dimensions gives 0. MIG averages the gap over factors.
#
# **Exercise 2.** Given the matrix `mi` (dimensions × factors, nats) and the factors' entropies,
# compute MIG. (As before, the lesson goes on with your function once it passes.)

# %% tags=["exercise"]
def mig_from_mutual_info(mi, entropy):
    """MIG from the (D, K) mutual-information matrix and the (K,) factor entropies."""
    # BEGIN SOLUTION
    ordered = np.sort(mi, axis=0)[::-1]
    return float(((ordered[0] - ordered[1]) / entropy).mean())
    # END SOLUTION


# %% tags=["check"]
from course.embeddings.checks import check_mig_from_mutual_info

solved = check_mig_from_mutual_info(mig_from_mutual_info)
mig_from_mutual_info = mig_from_mutual_info if solved else M.mig_from_mutual_info

# %% [markdown]
# **What you should see:** the β-TCVAE's matrix has the brightest single cells — a factor
# concentrated in one row — while the AE's information is smeared thinly over many rows.
# Shape, a category, is the hardest factor for every model to give a dimension of its own.

# %%
entropy = M.factor_entropy(data.factors)
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
mig = {}
for ax, kind in zip(axes, z):
    mi = M.mutual_info_matrix(z[kind], data.factors)
    mig[kind] = mig_from_mutual_info(mi, entropy)  # yours, or the course's until yours passes
    im = ax.imshow(mi / entropy, cmap="magma", vmin=0, vmax=1, aspect="auto")
    ax.set(title=f"{kind}: MIG {mig[kind]:.3f}", xticks=range(5), xticklabels=FACTOR_NAMES,
           xlabel="true factor", yticks=range(10), ylabel="latent dimension")
fig.colorbar(im, ax=axes, label="I(z_j; v_k) / H(v_k)")
plt.show()
per_factor = {kind: M.mig_per_factor(z[kind], data.factors) for kind in z}
print("MIG per factor:", ", ".join(FACTOR_NAMES))
for kind, gaps in per_factor.items():
    print(f"  {kind:>12}: {gaps.round(2)}")

# %%
assert mig["disentangled"] >= 2 * mig["ae"], "the β-TCVAE should separate the factors far better than the AE"
print(f"β-TCVAE MIG / AE MIG = {mig['disentangled'] / mig['ae']:.1f}")

# %% [markdown]
# ### Walk along one dimension
# **What you should see:** in the β-TCVAE, moving one slider changes one property of the sprite
# (its position, its size or its colour). Try the same with the AE: most sliders change several
# properties at once — that is entanglement. Switch model by changing `kind` below.

# %%
kind = "disentangled"
start = z[kind][int(np.flatnonzero((data.factors == [0, 2, 0, 4, 4]).all(axis=1))[0])]
display(widgets.latent_traversal(models[kind], start))

# %% [markdown]
# The same in a static figure: each row sweeps one dimension from −2.5 to 2.5, the dimensions
# that carry the most bits first.
#
# **What you should see:** each of the top four rows changes mainly one property of the sprite —
# its x or y position, its colour or its size — though one dimension also turns small sprites
# into triangles (four busy dimensions hold five factors, so two must share); the last rows,
# dimensions that carry almost no bits, leave the sprite as it is.

# %%
order = np.argsort(-M.kl_bits_per_dim(embedded[kind].mean, embedded[kind].log_var))[:6]
fig, axes = plt.subplots(len(order), 1, figsize=(8, 5.5))
for ax, dim in zip(axes, order):
    ax.imshow(widgets.image_row(widgets.traversal_strip(models[kind], start, dim, np.linspace(-2.5, 2.5, 9))))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_ylabel(f"z{dim}", rotation=0, ha="right", va="center")
fig.suptitle(f"{kind}: latent traversals (most informative dimensions first)")
plt.show()

# %% [markdown]
# ## 5. Do distances mean anything?
# We compare, over 20,000 random pairs of sprites, the distance between their embeddings with the
# distance between their true factors (each factor scaled to [0, 1], shape counting 1 if it
# differs). The **Spearman rank correlation** compares only the *order* of the pairs: it is 1 when
# the embedding orders all pairs as the true factors do (closest to farthest), 0 when the two
# orders are unrelated. Three common metrics: **Euclidean** (the straight-line distance),
# **cosine** (1 − the cosine of the angle between two codes: it ignores their lengths), and
# Euclidean after **standardising** each dimension, dividing it by its spread over the data so
# that every dimension has the same spread.
#
# **Exercise 3 (predict).** Recall section 3: the β-TCVAE keeps most of its ten dimensions
# switched off — their values barely move from sprite to sprite, and what movement there is
# carries no information. Before you run the next cell: what does standardising do to the
# β-TCVAE's distance–factor correlation, compared with plain Euclidean distance?

# %% tags=["exercise", "question"]
# (a) it rises: every dimension then counts equally, so every factor does too
# (b) it falls: the switched-off dimensions are blown up to the same spread as the informative ones
# (c) it stays the same: rescaling a dimension cannot change the order of the distances
# BEGIN SOLUTION
answer_standardise = "b"
# Explanation: dividing a dimension by its spread multiplies a switched-off dimension's tiny,
# meaningless wobble up to the size of an informative dimension, so these noise dimensions now
# weigh as much as the factors in every distance, and the order of the pairs follows the factors
# less. Not (c): rescaling one dimension and not the others changes which pairs are close.
# END SOLUTION

# %% tags=["check"]
from course.core.exercises import check_answer

check_answer("embeddings.standardise", answer_standardise)

# %% [markdown]
# **What you should see:** all three models order pairs far better than chance (0), and no
# model reaches 1: the encoders were never asked to keep distances. The metric matters, and
# not the same way for every model — standardising gives the β-TCVAE's switched-off dimensions
# (pure noise) the same weight as the informative ones.

# %%
tables = {kind: analysis.measure(z[kind], data) for kind in z}
print(f"{'model':>12} | " + " | ".join(f"{m:>12}" for m in M.METRICS))
for kind, t in tables.items():
    print(f"{kind:>12} | " + " | ".join(f"{t['distance_spearman_' + m]:12.3f}" for m in M.METRICS))
beta_tcvae = tables["disentangled"]
assert beta_tcvae["distance_spearman_standardised"] < beta_tcvae["distance_spearman_euclidean"]

# %% [markdown]
# ### Neighbours and clusters, factor by factor
# k-nearest-neighbour purity: the share of a sprite's 10 nearest neighbours that share its value
# of a factor (chance is 1 / number of values). k-means ARI: cluster the embedding into as many
# groups as a factor has values and compare with the factor (0 = unrelated, 1 = identical).
#
# **What you should see:** neighbours agree on every factor well above chance (the black marks):
# the embeddings keep all five. Yet clusters line up with no single factor (ARI near 0, far below
# 1): k-means finds groups that mix several factors, because nothing tells it which factor you
# care about.

# %%
neighbourhoods = {kind: analysis.neighbourhood_table(z[kind], data) for kind in z}
fig, axes = plt.subplots(1, 2, figsize=(12, 3.4))
width = 0.25
for i, kind in enumerate(z):
    purity = [neighbourhoods[kind][f]["knn_purity"] for f in FACTOR_NAMES]
    ari = [neighbourhoods[kind][f]["kmeans_ari"] for f in FACTOR_NAMES]
    axes[0].bar(np.arange(5) + (i - 1) * width, purity, width, label=kind)
    axes[1].bar(np.arange(5) + (i - 1) * width, ari, width, label=kind)
chance = [neighbourhoods["ae"][f]["chance"] for f in FACTOR_NAMES]
axes[0].scatter(np.arange(5), chance, marker="_", s=400, color="black", label="chance", zorder=3)
axes[0].set(title="10-NN purity per factor", ylabel="share of neighbours agreeing", xticks=range(5),
            xticklabels=FACTOR_NAMES, xlabel="true factor")
axes[1].set(title="k-means ARI per factor", ylabel="adjusted Rand index", xticks=range(5),
            xticklabels=FACTOR_NAMES, xlabel="true factor")
axes[0].legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# ### Neighbours under each metric
# **What you should see:** pick a sprite with the slider and switch metrics; the caption tells
# how many neighbours share each factor with the query.

# %%
display(widgets.neighbour_explorer(z["disentangled"], data, start=1234))

# %% [markdown]
# ### A map of the embedding
# **UMAP** (McInnes et al., 2018) squeezes the 10-d embedding into 2-d while trying to keep neighbours neighbours. The maps
# are computed once (`python -m course train sprites_umap`) on 3,000 sprites and loaded here.
#
# **What you should see:** colour by each factor in turn. Factors the neighbourhoods follow show
# as smooth gradients or separate regions; factors they ignore look like confetti — a map drawn
# from neighbourhoods cannot show a factor the neighbourhoods ignore.

# %%
umap_maps = analysis.load_umap()
umap_data = type(data)(data.images[umap_maps["index"]], data.factors[umap_maps["index"]],
                       data.factor_values[umap_maps["index"]])
display(widgets.umap_explorer(umap_maps["disentangled"], umap_data, title="UMAP of the β-TCVAE embedding"))

# %% [markdown]
# ## 6. Entanglement on purpose
# Now the central experiment. Take the β-TCVAE's embedding, where factors sit in separate
# dimensions, and **rotate** it: multiply every code by the same random **orthogonal matrix** (a
# matrix whose columns are perpendicular unit vectors; it turns the cloud of codes around the
# origin without stretching or squeezing it).
#
# **Exercise 4 (predict).** Before you run the experiment, and before you move the rotation slider
# further down: what does a random rotation do to MIG and to the distance–factor correlation of
# section 5?

# %% tags=["exercise", "question"]
# (a) both fall: the factors are mixed up, so distances stop following them
# (b) MIG falls; the distance–factor correlation does not change
# (c) MIG does not change; the distance–factor correlation falls
# (d) neither changes: no information is lost
# BEGIN SOLUTION
answer_rotation = "b"
# Explanation: after a rotation each new dimension is a mixture of the old ones, so every factor
# is spread over several dimensions and MIG, which rewards one factor per dimension, falls. But a
# rotation is an isometry — it keeps the length of every difference vector — so every distance,
# every nearest neighbour, every cluster and every UMAP map stays exactly as it was.
# END SOLUTION

# %% tags=["check"]
check_answer("embeddings.rotation", answer_rotation)

# %% [markdown]
# A rotation is an **isometry**: it keeps every distance, so nearest neighbours, clusters and UMAP
# are unchanged. But each new dimension is now a mixture of old ones — every factor is entangled
# across all of them.
#
# Then apply a **nonlinear** map that is still invertible (no information is lost — it can be
# undone exactly) but bends space: it adds to half of the coordinates a wavy function of the
# other half, and back.
#
# **What you should see:** rotation leaves distances untouched (agreement 1.000) while MIG
# collapses; the nonlinear map keeps the information but breaks the link between distance and
# the true factors.

# %%
experiment = analysis.entanglement_experiment(z["disentangled"], data)
rows = [
    ("original", experiment["mig"], experiment["distance_spearman_euclidean"], 1.0),
    ("rotated", experiment["mig_rotated"], experiment["distance_spearman_rotated"],
     experiment["rotated_vs_original_distance_spearman"]),
    ("nonlinear", experiment["mig_nonlinear"], experiment["distance_spearman_nonlinear"],
     experiment["nonlinear_vs_original_distance_spearman"]),
]
print(f"{'β-TCVAE latent':>12} | {'MIG':>6} | {'distance~factors':>16} | {'distances vs original':>21}")
for name, mig_value, spearman, agreement in rows:
    print(f"{name:>12} | {mig_value:6.3f} | {spearman:16.3f} | {agreement:21.4f}")

assert experiment["rotated_vs_original_distance_spearman"] >= 0.999
assert experiment["mig_rotated"] <= 0.5 * experiment["mig"]
assert experiment["distance_spearman_nonlinear"] < experiment["distance_spearman_euclidean"] - 0.1

# %% [markdown]
# ### Rotate it yourself
# **What you should see:** drag the slider from 0 (the β-TCVAE as trained) to 1 (a full random
# rotation). The mutual-information matrix smears from a few bright cells into a grey wash and
# MIG falls, while the distance–factor correlation and the agreement with the unrotated
# distances do not move.

# %%
display(widgets.rotation_explorer(z["disentangled"], data))

# %% [markdown]
# ## Summary
# **When is distance in an embedding meaningful?** When the map from the world's factors to the
# code keeps their order of distances — which a rotation does and a nonlinear bending does not;
# reading one *coordinate* as one factor is a different, stronger claim that needs a
# disentangled model. The verdict below is computed from the figures this notebook has just
# measured.

# %% tags=["summary"]
rotation_keeps = experiment["rotated_vs_original_distance_spearman"] >= 0.999
rotation_breaks_mig = experiment["mig_rotated"] <= 0.5 * experiment["mig"]
drop = experiment["distance_spearman_euclidean"] - experiment["distance_spearman_nonlinear"]
euclidean, standardised = beta_tcvae["distance_spearman_euclidean"], beta_tcvae["distance_spearman_standardised"]
print(f"""When is distance in an embedding meaningful? When the encoder keeps the order of distances
between the true factors — {"whatever its axes are" if rotation_keeps and rotation_breaks_mig else "and here even its axes matter"}.

1. {"Yes after a rotation" if rotation_keeps else "Not even after a rotation"}: MIG fell from {experiment['mig']:.3f} to {experiment['mig_rotated']:.3f}, yet distances agreed with the
   originals at {experiment['rotated_vs_original_distance_spearman']:.4f}: neighbours, clusters and maps are blind to rotation.
   Reading one coordinate as "the size dimension" needs a disentangled model; measuring
   distance does not.
2. {"No after a nonlinear change of coordinates" if drop > 0.1 else "Barely changed by a nonlinear change of coordinates"}: the invertible bending lost no information,
   but the distance–factor correlation fell by {drop:.3f} (from {experiment['distance_spearman_euclidean']:.3f} to
   {experiment['distance_spearman_nonlinear']:.3f}). An encoder is such a map: nothing in its loss asks it to keep distances.
3. Only as far as the model's scaling allows: standardising each dimension changed the β-TCVAE's
   distance–factor correlation from {euclidean:.3f} to {standardised:.3f}; cosine gave {beta_tcvae['distance_spearman_cosine']:.3f}.
4. The embedding uses about {pr['disentangled']:.1f} effective dimensions (β-TCVAE) for {analysis.N_TRUE_FACTORS} true factors,
   and the AE {pr['ae']:.1f}: count what the space holds before trusting what it shows.
""")
