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
# # Lesson 03 — Compression: generative latent coding vs JPEG
#
# A JPEG of a face needs about 1 bit per pixel to look good and 2 to look perfect. Generative
# Latent Coding (GLC, Jia et al., CVPR 2024) reports **0.01 bpp on faces and 0.04 bpp on natural
# images** — a hundred times fewer bits. How can that be, and what is the catch?
#
# The lesson's answer has two halves:
#
# 1. **A generative model's latent is a compressor.** GLC first learns a latent space in which
#    images look right, then learns to *predict* that latent, then tunes both for bits. The latent
#    is **transform-coded** — every number quantized with a step the rate chooses and coded under a
#    predicted distribution — rather than vector-quantized into codebook indices.
# 2. **A codec's skill is its experience.** It spends few bits on what it has seen many times.
#    Trained on faces, it excels on faces — and fails on flowers.
#
# Every rate in this notebook is `8 × bytes / pixels` of a real file that decodes on its own.
# All models ship in `data/checkpoints/` (checked by SHA-256 when loaded); each retrains with
# `python -m course train NAME`.

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from course.compression import domains, experiments, widgets
from course.compression.codec import bits_per_pixel, decode, encode
from course.compression.bitstream import unpack
from course.compression.glc import STAGES, fixed_length_decode, fixed_length_file, load_glc
from course.compression.metrics import psnr
from course.compression.vq import load_vq

plt.rcParams.update({"figure.dpi": 90})
faces_codec = load_glc("glc_faces")
test_faces = experiments.test_images("faces", 16)
print(f"{len(test_faces)} test faces of {test_faces.shape[1]}×{test_faces.shape[2]} pixels; "
      f"codec {faces_codec.name}: {faces_codec.config.rate_points} rate points")

# %% [markdown]
# ## 1. A face is 123 bits
# Our faces are drawn from 33 parameters — position, size and turn of the head, skin, hair,
# eyes, brows, nose, mouth, a mole, glasses, a beard — each taking one of a fixed number of
# values. Naming a face exactly takes Σ log2(levels) bits: the **information content** of this
# world. No code can do better on average, whatever its architecture.
#
# **What you should see:** sixteen different faces, and a bound far below anything JPEG writes.

# %%
fig, axes = plt.subplots(2, 8, figsize=(12, 3.2))
for ax, face in zip(axes.flat, test_faces):
    ax.imshow(face)
    ax.axis("off")
fig.suptitle("test faces (never seen in training)")
plt.show()
bound_bits = domains.faces_entropy_bits()
bound_bpp = domains.faces_entropy_bound_bpp()
print(f"information content: {bound_bits:.0f} bits per face = {bound_bpp:.4f} bpp "
      f"({bound_bits / 8:.0f} bytes against {128 * 128 * 3:,} bytes of raw pixels)")

# %% [markdown]
# ## 2. A codec writes bytes
# `encode(image, model, rate_point)` returns the bytes of a file: a small header (format, image
# size, rate point, the model — one byte for the course's own models — and a fingerprint of its
# weights), the ANS payload and a checksum.
#
# **What you should see:** even a header squeezed to 17 bytes is a sizeable share of a file this
# small — at these rates every byte counts.

# %%
face = test_faces[0]
data = encode(face, faces_codec, 1)
header, words = unpack(data)
print(f"rate point 1: {len(data)} bytes = {bits_per_pixel(data, 128, 128):.4f} bpp, "
      f"PSNR {psnr(face, decode(data, faces_codec)):.1f} dB")
print(f"header and checksum {len(data) - 4 * len(words)} bytes, payload {4 * len(words)} bytes; header: {header}")

# %% [markdown]
# ## 3. GLC's three stages
# 1. **Autoencoder** — learn to redraw faces from a latent (MSE + SSIM). No rate yet: the latent
#    is written with a fixed-length code, log2(range) bits per number.
# 2. **Code predictor** — freeze the autoencoder; learn side information z that predicts the mean
#    and scale of every latent number (the hyperprior), so likely values cost few bits.
# 3. **Joint fine-tuning** — both together on rate + λ·distortion, one λ per rate point.
#
# **What you should see:** each stage moves the curve left (fewer bits for the same quality);
# JPEG sits far to the right.

# %%
stage_curves = {}
for stage in STAGES:
    model = load_glc("glc_faces", stage)
    if stage == "stage1":  # no code predictor yet: every latent number in a fixed number of bits
        files = {q: [fixed_length_file(model, f, q) for f in test_faces] for q in range(1, model.config.rate_points + 1)}
        stage_curves[stage] = [
            {"rate": q, "bpp": float(np.mean([bits_per_pixel(data, 128, 128) for data in fs])),
             "psnr": float(np.mean([psnr(f, fixed_length_decode(data, model)) for f, data in zip(test_faces, fs)]))}
            for q, fs in files.items()
        ]
    else:
        stage_curves[stage] = experiments.codec_curve(model, test_faces)
jpeg_faces = experiments.jpeg_curve(test_faces)
labels = {"stage1": "1: autoencoder, fixed-length code", "stage2": "2: + code predictor", "final": "3: joint fine-tuning"}
fig, ax = plt.subplots(figsize=(7, 4.5))
for stage, curve in stage_curves.items():
    ax.plot([p["bpp"] for p in curve], [p["psnr"] for p in curve], "o-", label=labels[stage])
ax.plot([p["bpp"] for p in jpeg_faces], [p["psnr"] for p in jpeg_faces], "s--", color="grey", label="JPEG")
ax.axvline(bound_bpp, color="k", lw=0.8, ls=":", label="information content")
ax.set_xscale("log")
ax.set_xlabel("bits per pixel (log scale)")
ax.set_ylabel("PSNR (dB)")
ax.set_title("faces: rate–distortion after each stage")
ax.legend(fontsize=8)
plt.show()

# %%
final = stage_curves["final"]
lowest = min(final, key=lambda p: p["bpp"])
jpeg_same = experiments.bpp_at_psnr(jpeg_faces, lowest["psnr"])
print(f"our lowest rate: {lowest['bpp']:.4f} bpp at {lowest['psnr']:.1f} dB "
      f"({lowest['bpp'] / bound_bpp:.1f}× the information content)")
if jpeg_same is None:  # JPEG's quality 1 is already sharper than our lowest point: it cannot go that low
    smallest = min(jpeg_faces, key=lambda p: p["bpp"])
    jpeg_same = smallest["bpp"]
    print(f"JPEG cannot go that low: its smallest file (quality {smallest['rate']}) is {jpeg_same:.3f} bpp "
          f"at {smallest['psnr']:.1f} dB, {jpeg_same / lowest['bpp']:.0f}× our bits")
else:
    print(f"JPEG needs {jpeg_same:.3f} bpp for the same PSNR: {jpeg_same / lowest['bpp']:.0f}× more bits")
print(f"compression ratio against 24-bit pixels: ours {24 / lowest['bpp']:.0f}:1, JPEG {24 / jpeg_same:.0f}:1")
print(f"BD-rate of ours against JPEG: {experiments.bd_rate_of(jpeg_faces, final):.0f} %")
assert lowest["bpp"] < min(p["bpp"] for p in jpeg_faces)  # we go where JPEG cannot
assert experiments.bd_rate_of(stage_curves["stage2"], final) < 0  # joint fine-tuning saves bits

# %% [markdown]
# ### Exercise: the rate term
# Training needs the rate as a number it can differentiate: the entropy model gives every
# (noisy) latent value a probability p, and an ideal entropy coder spends −log2 p bits on it.
# Write `rate_bits(likelihoods)`: the total bits of a tensor of probabilities.

# %% tags=["exercise"]
import torch


def rate_bits(likelihoods):
    """Total information content, in bits, of a tensor of probabilities."""
    # BEGIN SOLUTION
    return -torch.log2(likelihoods).sum()
    # END SOLUTION


# %% tags=["check"]
from course.compression.checks import check_rate_bits

check_rate_bits(rate_bits)

# %% [markdown]
# The training code computes the same term (`glc.rate_bpp`, in bits per pixel). Is it the size of
# a real file?
#
# **What you should see:** the rate term computed from the model's likelihoods is the
# payload of the file, give or take the entropy coder's final state and the rounding up to whole
# 32-bit words (a dozen bytes at most): the entropy model *is* the code. Header and checksum come on top.

# %%
from course.compression.codec import pad, to_tensor
from course.compression.glc import rate_bpp

faces_codec.eval()
x = pad(to_tensor(face))
with torch.no_grad():
    out = faces_codec(x, 3)
estimate = float(rate_bpp(out, x)[0]) * x.shape[2] * x.shape[3] / 8  # bytes
data = encode(face, faces_codec, 3)
payload = 4 * len(unpack(data)[1])
print(f"rate term: {estimate:.0f} bytes; real payload: {payload} bytes; header and checksum: {len(data) - payload} bytes")
assert abs(payload - estimate) <= 12 + 0.02 * estimate  # ANS adds its final state, rounded up to whole words

# %% [markdown]
# ## 4. Vector quantization or transform coding?
# A VQ autoencoder (the tokenizer of VQ-GAN) turns a face into an 8×8 grid of indices into 256
# learned codewords. Written plainly, each index costs log2(256) = 8 bits; with a learned prior
# (how often each codeword is used) a little less. Transform coding quantizes each latent number
# instead, with a step that the rate point sets, and predicts its distribution from side
# information. GLC argues that transform coding wins.
#
# A fair duel needs equal terms. The VQ has the same transforms as our codec, but it spends all of
# them on one operating point. `glc_faces` spreads the same transforms over eight rate points,
# from 0.02 to 0.35 bpp. So the VQ's opponent is `tc_faces`: the same recipe, the same transforms
# and the same training time, but only three rate points around the VQ's quality.
#
# **What you should see:** the VQ is a single point, because its codebook fixes both its rate and
# its quality. Each transform-coding model draws a curve. The ratios below compare bits at the
# VQ's own quality: above 1, transform coding needs fewer bits; below 1, the VQ does. Compare the
# two curves as well: covering a wide range of rates with one network costs bits at the low end.
# On equal terms transform coding wins, as GLC says; see how the wide codec fares against the VQ.

# %%
vq_model, vq_prior = load_vq("vq_faces")
twin = experiments.codec_curve(load_glc("tc_faces"), test_faces)
vq = experiments.vq_point(vq_model, vq_prior, test_faces)
print(f"VQ: {vq['vq_psnr']:.1f} dB at {vq['vq_uniform_bpp']:.4f} bpp (8 bits per index), "
      f"{vq['vq_prior_bpp']:.4f} bpp (learned prior)")
twin_ratios = experiments.vq_bits_ratios(vq, twin)
for label, ratios in (("tc_faces (3 rate points)", twin_ratios),
                      ("glc_faces (8 rate points)", experiments.vq_bits_ratios(vq, final))):
    if ratios["tc_bpp_at_vq_psnr"] is None:
        print(f"{label}: does not reach {vq['vq_psnr']:.1f} dB within its rate points")
        continue
    print(f"{label}: {ratios['tc_bpp_at_vq_psnr']:.4f} bpp at the VQ's PSNR; VQ bits ÷ its bits: "
          f"{ratios['vq_uniform_bits_ratio']:.2f} (uniform), {ratios['vq_prior_bits_ratio']:.2f} (prior)")
assert vq["vq_uniform_bpp"] > vq["vq_prior_bpp"]  # a prior never hurts on average
# at the VQ's rate the narrow model gives more quality: the price of covering the whole range
narrow, wide = (experiments.psnr_at_bpp(curve, vq["vq_prior_bpp"]) for curve in (twin, final))
print(f"at {vq['vq_prior_bpp']:.4f} bpp: tc_faces {narrow:.1f} dB, glc_faces {wide:.1f} dB")
assert narrow > wide
assert twin_ratios["vq_prior_bits_ratio"] > 1  # GLC's claim, on equal terms

fig, ax = plt.subplots(figsize=(6.5, 4))
ax.plot([p["bpp"] for p in final], [p["psnr"] for p in final], "o-", label="glc_faces: one model, 8 rate points")
ax.plot([p["bpp"] for p in twin], [p["psnr"] for p in twin], "D-", label="tc_faces: 3 rate points near the VQ")
ax.plot([vq["vq_uniform_bpp"]], [vq["vq_psnr"]], "s", ms=9, label="VQ, 8 bits per index")
ax.plot([vq["vq_prior_bpp"]], [vq["vq_psnr"]], "^", ms=9, label="VQ, learned prior")
ax.set_xscale("log")
ax.set_xlim(0.015, 0.2)
ax.set_xlabel("bits per pixel (log scale)")
ax.set_ylabel("PSNR (dB)")
ax.set_title("faces: VQ is one point, transform coding a curve")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## 5. A codec's skill is its experience
# The same recipe trained three times: on faces, on flowers (procedural ones and crops of a real
# photograph), on crops of natural photographs. Each is tested on all three domains.
#
# **What you should see:** the diagonal is bright — each codec is best on what it was trained on
# — and the faces codec is worst on flowers.

# %%
codecs = {domain: load_glc(f"glc_{domain}") for domain in ("faces", "flowers", "natural")}
test_sets = {domain: experiments.test_images(domain, 8) for domain in codecs}
print(f"natural test crops from {experiments.natural_test_source()}")
at_bpp = 0.1
matrix = experiments.experience_matrix(codecs, test_sets, at_bpp)
grid = np.array([[np.nan if matrix[a][b] is None else matrix[a][b] for b in test_sets] for a in codecs])
fig, ax = plt.subplots(figsize=(5, 4))
shown = ax.imshow(grid, cmap="viridis")
ax.set_xticks(range(3), list(test_sets))
ax.set_yticks(range(3), list(codecs))
ax.set_xlabel("tested on")
ax.set_ylabel("trained on")
for i in range(3):
    for j in range(3):
        ax.text(j, i, "—" if np.isnan(grid[i, j]) else f"{grid[i, j]:.1f}", ha="center", va="center", color="w")
fig.colorbar(shown, label=f"PSNR (dB) at {at_bpp} bpp")
ax.set_title("experience matrix")
plt.show()
for j, tested in enumerate(test_sets):  # each domain is coded best by the codec that learned it
    assert np.nanargmax(grid[:, j]) == j, f"on {tested}, the {tested} codec is not the best"
print(f"on flowers, the flowers codec beats the faces codec by {grid[1, 1] - grid[0, 1]:.1f} dB at {at_bpp} bpp")

# %% [markdown]
# ## 6. Where do the bits go?
# In Lesson 01 we asked whether every latent dimension carries the same information. Here the
# coding model answers in bits: per latent channel, and per 16×16 block of the image.
#
# **What you should see:** the bits are spread very unevenly — over channels, and over the
# image: compare the blocks that hold the face with those of the flat background.

# %%
fig = widgets.bit_map_figure(faces_codec, face, 3)
plt.show()

# %% [markdown]
# ## 7. Explore
# - **Rate explorer:** ours against JPEG at the nearest rate, with bytes and PSNR.
# - **Experience explorer:** pick the codec's training domain and a test image from any domain.
# - **Bit map:** where the bits go in a chosen face, at a chosen rate point.

# %%
display(widgets.rate_explorer({f"face {i}": f for i, f in enumerate(test_faces[:6])}, faces_codec))

# %%
display(widgets.experience_explorer(codecs, test_sets))

# %%
display(widgets.bit_map_explorer({f"face {i}": f for i, f in enumerate(test_faces[:6])}, faces_codec))
