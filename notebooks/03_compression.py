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
# A rule of thumb says that a JPEG needs about 1 bit per pixel to look good and about 2 to look
# near-perfect. Generative Latent Coding (GLC, Jia et al., CVPR 2024) reports **0.01 bpp on faces
# and 0.04 bpp on natural images** — a hundred times fewer bits. **Can a generative model's latent
# compress images far better than JPEG — and only the images it knows?**
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
#
# ## You will learn to
# - measure a codec honestly: its **rate** in bits per pixel from the bytes of a real file, its
#   quality in PSNR and SSIM, and a rule of thumb against those measurements;
# - name GLC's three training stages and read, on a rate–distortion plot, what each one saves;
# - compute the rate term a learned codec trains on (−Σ log₂ p) and check it against a file's size;
# - compare vector quantization and transform coding on equal terms, and show that a learned
#   codec's skill is its experience: best on its own domain, poor on others;
# - see the rate–distortion–perception trade-off: at equal bits a generative decoder gives up PSNR
#   and keeps what a face *means*, measured by a parameter reader the course trains itself.
#
# **Prerequisites:** Lesson 01 (a latent space; KL in bits); a probability p costs −log₂ p bits;
# PyTorch tensors.
#
# **Learner time:** about 70 minutes (reading + exercises), more if you explore the widgets.
#
# ## Papers
# - Z. Jia, J. Li, B. Li, H. Li, Y. Lu (2024). *Generative Latent Coding for Ultra-Low Bitrate
#   Image Compression.* CVPR 2024. https://arxiv.org/abs/2512.20194
# - J. Ballé, D. Minnen, S. Singh, S. J. Hwang, N. Johnston (2018). *Variational image compression
#   with a scale hyperprior.* ICLR. https://arxiv.org/abs/1802.01436
# - J. Duda (2013). *Asymmetric numeral systems: entropy coding combining speed of Huffman coding
#   with compression rate of arithmetic coding.* https://arxiv.org/abs/1311.2540
# - A. van den Oord, O. Vinyals, K. Kavukcuoglu (2017). *Neural Discrete Representation Learning*
#   (VQ-VAE). https://arxiv.org/abs/1711.00937
# - P. Esser, R. Rombach, B. Ommer (2021). *Taming Transformers for High-Resolution Image
#   Synthesis* (VQ-GAN). https://arxiv.org/abs/2012.09841
# - Z. Wang, A. C. Bovik, H. R. Sheikh, E. P. Simoncelli (2004). *Image quality assessment: from
#   error visibility to structural similarity* (SSIM). https://doi.org/10.1109/TIP.2003.819861
# - G. K. Wallace (1992). *The JPEG still picture compression standard.*
#   https://doi.org/10.1109/30.125072
# - Y. Blau, T. Michaeli (2018). *The Perception-Distortion Tradeoff.* CVPR.
#   https://arxiv.org/abs/1711.06077 — and (2019) *Rethinking Lossy Compression: The
#   Rate-Distortion-Perception Tradeoff.* ICML. https://arxiv.org/abs/1901.07821
# - T.-C. Wang et al. (2018). *High-Resolution Image Synthesis and Semantic Manipulation with
#   Conditional GANs* (pix2pixHD: PatchGAN critic, feature matching). https://arxiv.org/abs/1711.11585
# - T. Miyato, T. Kataoka, M. Koyama, Y. Yoshida (2018). *Spectral Normalization for Generative
#   Adversarial Networks.* ICLR. https://arxiv.org/abs/1802.05957
# - M. Heusel et al. (2017). *GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
#   Equilibrium* (the Fréchet Inception Distance). https://arxiv.org/abs/1706.08500
#
# ## Glossary
# - **bpp (bits per pixel)**: a file's size in bits divided by the image's pixels. A raw 8-bit
#   colour pixel takes 24 bits, so the **compression ratio** of a file is 24 / bpp (2 bpp = 12:1).
# - **PSNR (peak signal-to-noise ratio)**: 10·log₁₀(255² / mean squared error) in decibels; higher is
#   closer to the original, and +3 dB halves the squared error.
# - **SSIM (structural similarity)**: a 0 … 1 score that compares local brightness, contrast and
#   structure, closer to what people notice than PSNR; 1 is identical.
# - **Rate–distortion (RD) curve**: a codec's quality against its rate; up and to the left is better.
# - **BD-rate (Bjøntegaard delta rate)**: the average difference in bits, in percent, between two RD
#   curves at equal quality; −50 % means half the bits.
# - **Entropy coding**: writing symbols in about −log₂ p bits each, given their probabilities p.
#   **ANS (asymmetric numeral systems)** is the entropy coder used here: as tight as arithmetic
#   coding, fast as Huffman coding.
# - **Latent**: the numbers an encoder turns an image into and a decoder turns back into an image.
# - **Transform coding**: transform the image (here: a neural encoder), quantize each latent number
#   to a grid, entropy-code it. **Quantization step**: the grid's spacing; a coarser step, fewer bits.
# - **Hyperprior / side information**: a few extra bits z, sent first, that predict the mean and
#   scale of every latent number, so that likely values cost few bits (Ballé et al. 2018).
# - **VQ (vector quantization)**: replace each latent vector by the nearest of a fixed list of
#   learned vectors, the **codebook**, and send its index.
# - **Rate point**: one operating point of a codec that covers several rates; **λ** weighs quality
#   against bits in training (loss = rate + λ · distortion).
# - **Information content**: −log₂ p of one outcome; averaged, the entropy — the fewest bits any code
#   can spend on average.
# - **Generative decoder**: a decoder trained to make its output look *real* (here with a critic
#   network that tells decoded from real images), not only close to the original; it draws sharp
#   detail the bits do not pin down.
# - **Perception** (Blau & Michaeli): how far the decoded images' distribution lies from that of real
#   images; **Fréchet distance (FD)**: a number for that distance, ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½)
#   between Gaussians fitted to features of the two sets (FID uses a downloaded Inception network;
#   we use our own face reader's features).

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from course.compression.glc import analysis, domains, widgets
from course.compression.coding import bits_per_pixel, decode, encode
from course.compression.bitstream import unpack
from course.compression.glc.glc import STAGES, fixed_length_decode, fixed_length_file, load_glc
from course.compression.metrics import psnr
from course.compression.glc.vq import load_vq

plt.rcParams.update({"figure.dpi": 90})
faces_codec = load_glc("glc_faces")
test_faces = analysis.test_images("faces", 16)
test_sets = {domain: analysis.test_images(domain, 8) for domain in ("faces", "flowers", "natural")}
print(f"{len(test_faces)} test faces of {test_faces.shape[1]}×{test_faces.shape[2]} pixels; "
      f"codec {faces_codec.name}: {faces_codec.config.rate_points} rate points; "
      f"natural test crops from {analysis.natural_test_source()}")

# %% [markdown]
# ## 1. What does a JPEG cost? The rule of thumb, measured
# Two figures for JPEG circulate: "about 1 bpp looks good, about 2 bpp looks near-perfect", and a
# "high-quality" compression ratio of **2.7:1**. A ratio counts against raw 24-bit pixels, so it
# converts to bits per pixel as 24 / ratio.
#
# **Exercise 1 (compute, then compare).** How many bits per pixel is a 2.7:1 JPEG? Is that the same
# claim as "about 2 bpp"?

# %% tags=["exercise", "question"]
# BEGIN SOLUTION
answer_ratio_bpp = 24 / 2.7
# Explanation: 24 bits per raw pixel ÷ 2.7 ≈ 8.9 bpp — more than four times "about 2 bpp", which is
# a 12:1 file. The two figures cannot both describe a high-quality JPEG; the next cell measures which
# one JPEG's own files support.
# END SOLUTION

# %% tags=["check"]
from course.core.exercises import check_answer

check_answer("glc.ratio_bpp", answer_ratio_bpp)

# %% [markdown]
# Now JPEG itself (Pillow's libjpeg, 4:2:0 chroma, optimized Huffman tables), on the lesson's test
# faces and on natural photo crops: for each target rate we pick the one JPEG quality setting whose
# files average nearest to it, and ask JPEG for 8.9 bpp as well.
#
# **What you should see:** at ≈ 1 bpp the faces and photos are recognisably right with visible
# blocking and smeared colour edges; at ≈ 2 bpp (12:1) the artefacts are hard to find. Asked for
# 8.9 bpp, JPEG cannot get there: even quality 100 writes fewer bits than that on these images.

# %%
claimed_ratio = 2.7  # the claim under test, not a measurement
claimed_bpp = analysis.RAW_BITS_PER_PIXEL / claimed_ratio
jpeg_sets = {"faces": test_faces, "natural": test_sets["natural"]}
jpeg_claims = {name: {target: analysis.jpeg_at_bpp(images, target) for target in (1.0, 2.0, claimed_bpp)}
               for name, images in jpeg_sets.items()}
print(f"{'images':>8} | {'asked':>9} | quality | {'bpp':>5} | ratio  | PSNR (dB) | SSIM")
for name, points in jpeg_claims.items():
    for target, point in points.items():
        print(f"{name:>8} | {target:5.1f} bpp | {point['rate']:7d} | {point['bpp']:5.2f} | {point['ratio']:4.1f}:1 | "
              f"{point['psnr']:9.1f} | {point['ssim']:.3f}")

fig, axes = plt.subplots(2, 3, figsize=(9, 6.4))
for row, (name, images) in zip(axes, jpeg_sets.items()):
    row[0].imshow(images[0])
    row[0].set_title(f"{name}: original (24 bpp)", fontsize=9)
    for ax, target in zip(row[1:], (1.0, 2.0)):
        point = jpeg_claims[name][target]
        ax.imshow(point["decoded"][0])
        ax.set_title(f"JPEG q{point['rate']}: {point['bpp']:.2f} bpp ({point['ratio']:.0f}:1), "
                     f"{point['psnr']:.1f} dB", fontsize=9)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("JPEG at about 1 and about 2 bits per pixel")
plt.tight_layout()
plt.show()

jpeg_largest = {name: points[claimed_bpp] for name, points in jpeg_claims.items()}
ratio_is_jpeg = any(point["bpp"] >= 0.9 * claimed_bpp for point in jpeg_largest.values())
supported = f"{claimed_ratio}:1" if ratio_is_jpeg else "about 2 bpp"
print(f"\n{claimed_ratio}:1 is {claimed_bpp:.1f} bpp, {claimed_bpp / 2:.1f}× the bits of 2 bpp: the two figures disagree.")
print("JPEG's largest files: " + ", ".join(f"{name} {point['bpp']:.2f} bpp at quality {point['rate']}"
                                           for name, point in jpeg_largest.items()))
print(f"the measurement supports {supported!r}: "
      + ("JPEG does write files that large here." if ratio_is_jpeg else
         f"{claimed_ratio}:1 is not a JPEG operating point on these images at all, while about 2 bpp "
         f"({jpeg_claims['natural'][2.0]['ratio']:.0f}:1) is, at SSIM {min(p[2.0]['ssim'] for p in jpeg_claims.values()):.2f} or better."))
for name, points in jpeg_claims.items():  # JPEG's rate grows with its quality, and so does its fidelity
    assert points[1.0]["bpp"] < points[2.0]["bpp"] and points[1.0]["psnr"] < points[2.0]["psnr"]
    assert abs(np.log2(points[2.0]["bpp"] / 2.0)) < 0.2, f"{name}: no JPEG quality lands near 2 bpp"

# %% [markdown]
# ## 2. A face is 123 bits
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
# ## 3. A codec writes bytes
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
# ## 4. GLC's three stages
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
        stage_curves[stage] = analysis.codec_curve(model, test_faces)
jpeg_faces = analysis.jpeg_curve(test_faces)
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
jpeg_same = analysis.bpp_at_psnr(jpeg_faces, lowest["psnr"])
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
print(f"BD-rate of ours against JPEG: {analysis.bd_rate_of(jpeg_faces, final):.0f} %")
assert lowest["bpp"] < min(p["bpp"] for p in jpeg_faces)  # we go where JPEG cannot
assert analysis.bd_rate_of(stage_curves["stage2"], final) < 0  # joint fine-tuning saves bits

# %% [markdown]
# ### Exercise 2: the rate term
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
from course.compression.glc.checks import check_rate_bits

check_rate_bits(rate_bits)

# %% [markdown]
# The training code computes the same term (`glc.rate_bpp`, in bits per pixel). Is it the size of
# a real file?
#
# **What you should see:** the rate term computed from the model's likelihoods is the
# payload of the file, give or take the entropy coder's final state and the rounding up to whole
# 32-bit words (a dozen bytes at most): the entropy model *is* the code. Header and checksum come on top.

# %%
from course.compression.coding import pad, to_tensor
from course.compression.glc.glc import rate_bpp

faces_codec.eval()
x = pad(to_tensor(face))
with torch.no_grad():
    out = faces_codec(x, 3)
estimate = float(rate_bpp(out["likelihoods"], x)[0]) * x.shape[2] * x.shape[3] / 8  # bytes
data = encode(face, faces_codec, 3)
payload = 4 * len(unpack(data)[1])
print(f"rate term: {estimate:.0f} bytes; real payload: {payload} bytes; header and checksum: {len(data) - payload} bytes")
assert abs(payload - estimate) <= 12 + 0.02 * estimate  # ANS adds its final state, rounded up to whole words

# %% [markdown]
# ## 5. Vector quantization or transform coding?
# A VQ autoencoder (the tokenizer of VQ-GAN) turns a face into an 8×8 grid of indices into 256
# learned codewords. Written plainly, each index costs log2(256) = 8 bits; with a learned prior
# (how often each codeword is used) a little less. Transform coding quantizes each latent number
# instead, with a step that the rate point sets, and predicts its distribution from side
# information.
#
# A fair duel needs equal terms. The VQ has the same transforms as our codec, but it spends all of
# them on one operating point. `glc_faces` spreads the same transforms over eight rate points,
# from 0.02 to 0.35 bpp. So the VQ's opponent is `tc_faces`: the same recipe, the same transforms
# and the same training time, but only three rate points around the VQ's quality.
#
# **Exercise 3 (predict).** At the VQ's own quality, which needs fewer bits?
#
# - (a) the VQ with its learned prior: a codebook index is the most compact thing there is;
# - (b) `tc_faces`, transform coding on equal terms: each latent number gets the step and the
#   predicted distribution it needs;
# - (c) neither: with the same transforms and training time, both land on the same bits.

# %% tags=["exercise", "question"]
# BEGIN SOLUTION
answer_vq_or_tc = "b"
# Explanation: every codebook index costs about the same bits, whether its patch is simple or hard, and the
# codebook fixes one rate; transform coding spends bits number by number, under a distribution the
# hyperprior predicts from side information, so easy regions cost almost nothing. On equal terms
# (tc_faces) it needs fewer bits than even the VQ with a learned prior — GLC's claim.
# END SOLUTION

# %% tags=["check"]
check_answer("glc.vq_or_tc", answer_vq_or_tc)

# %% [markdown]
# **What you should see:** the VQ is a single point, because its codebook fixes both its rate and
# its quality. Each transform-coding model draws a curve. The ratios below compare bits at the
# VQ's own quality: above 1, transform coding needs fewer bits; below 1, the VQ does. Compare the
# two curves as well: covering a wide range of rates with one network costs bits at the low end.
# On equal terms transform coding wins, as GLC says; see how the wide codec fares against the VQ.

# %%
vq_model, vq_prior = load_vq("vq_faces")
twin = analysis.codec_curve(load_glc("tc_faces"), test_faces)
vq = analysis.vq_point(vq_model, vq_prior, test_faces)
print(f"VQ: {vq['vq_psnr']:.1f} dB at {vq['vq_uniform_bpp']:.4f} bpp (8 bits per index), "
      f"{vq['vq_prior_bpp']:.4f} bpp (learned prior)")
twin_ratios = analysis.vq_bits_ratios(vq, twin)
for label, ratios in (("tc_faces (3 rate points)", twin_ratios),
                      ("glc_faces (8 rate points)", analysis.vq_bits_ratios(vq, final))):
    if ratios["tc_bpp_at_vq_psnr"] is None:
        print(f"{label}: does not reach {vq['vq_psnr']:.1f} dB within its rate points")
        continue
    print(f"{label}: {ratios['tc_bpp_at_vq_psnr']:.4f} bpp at the VQ's PSNR; VQ bits ÷ its bits: "
          f"{ratios['vq_uniform_bits_ratio']:.2f} (uniform), {ratios['vq_prior_bits_ratio']:.2f} (prior)")
assert vq["vq_uniform_bpp"] > vq["vq_prior_bpp"]  # a prior never hurts on average
# at the VQ's rate the narrow model gives more quality: the price of covering the whole range
narrow, wide = (analysis.psnr_at_bpp(curve, vq["vq_prior_bpp"]) for curve in (twin, final))
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
# ## 6. A codec's skill is its experience
# The same recipe trained three times: on faces, on flowers (procedural ones and crops of a real
# photograph), on crops of natural photographs. Each is tested on all three domains.
#
# **Exercise 4 (predict).** The faces codec compresses a *flower* at 0.1 bpp. Against the flowers
# codec at the same rate, its PSNR will be:
#
# - (a) higher: faces are harder than flowers, so the faces codec is the stronger codec;
# - (b) about the same: the architecture, the training time and the rate are the same;
# - (c) lower: it spends its probability on what faces look like, so a flower's details are
#   unlikely under its model and cost more bits than it has.

# %% tags=["exercise", "question"]
# BEGIN SOLUTION
answer_experience = "c"
# Explanation: a learned codec is a probability model of its training images. −log₂ p is short only
# for what it expects; on a flower the faces codec's bits buy less, so at the same rate it keeps
# less of the image. Each domain is coded best by the codec that learned it.
# END SOLUTION

# %% tags=["check"]
check_answer("glc.experience", answer_experience)

# %% [markdown]
# **What you should see:** the diagonal is bright — each codec is best on what it was trained on
# — and the faces codec is worst on flowers.

# %%
codecs = {domain: load_glc(f"glc_{domain}") for domain in test_sets}
at_bpp = 0.1
matrix = analysis.experience_matrix(codecs, test_sets, at_bpp)
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
# ## 7. Where do the bits go?
# In Lesson 01 we asked whether every latent dimension carries the same information. Here the
# coding model answers in bits: per latent channel, and per 16×16 block of the image.
#
# **What you should see:** the bits are spread very unevenly — over channels, and over the
# image: compare the blocks that hold the face with those of the flat background.

# %%
fig = widgets.bit_map_figure(faces_codec, face, 3)
plt.show()

# %% [markdown]
# ## 8. Rate, distortion, perception: one file, two decoders
# At a few dozen bytes the bits cannot pin down every detail of a face. An **MSE decoder** must
# then hedge: it draws the *average* of every face those bits allow — a blur. A **generative
# decoder** commits to one sharp, plausible face instead. Blau & Michaeli proved that this is a
# trade-off, not a bug: at a fixed rate, the decoder with the best PSNR cannot also produce images
# whose distribution matches the real one. To look real, a decoder must give up some PSNR.
#
# We measure it on the fairest terms there are: **the same file decoded twice**.
# `glc_faces_generative` has one encoder and one code predictor and two decoders reading the same
# symbols. Faces are 256×256 here, so that a whole file of ~70 bytes is below 0.01 bpp (at 128×128,
# 0.01 bpp would be 20 bytes: the header and checksum alone take 17).
#
# **One vector per face.** Sections 2–7 coded faces on a grid: one latent position per 16×16
# pixels, as codecs for photographs do. But a face is *one object described by a few dozen numbers*
# (35 here), so this codec's encoder ends in a linear layer and the whole face becomes one vector of
# 64 numbers; the decoder draws the face from that vector. That is the idea behind GLC in its
# purest form: code the latent of a model that knows what faces are, not the pixels.
#
# **What is kept from GLC, and what is not.** Kept: the three stages (autoencoder, code predictor,
# joint rate–distortion tuning) and a transform-coded latent, quantized and entropy-coded into real
# files. Not kept: GLC's stage 1 is a VQGAN trained on millions of images, so its *latent* lives in a
# generative model's space. Ours trains the encoder and code predictor for MSE and adds a fourth
# stage in which only a second decoder becomes generative: MSE + **feature matching** (the critic's
# features of the real and the decoded face should agree) + an adversarial hinge loss from a small
# **PatchGAN critic** with spectral norm, its weight warmed up from zero — minutes on a CPU, no
# downloaded weights.
#
# **Perception without anybody's pretrained network.** Our faces come from a known generator, so
# "is it still the same face?" has an exact answer. The **face reader** (`face_reader`) is a small CNN
# trained on clean faces to read each of the 35 parameters' level back.
# - `param_recovery`: the share of parameters it reads at *exactly the same level* from the decoded
#   face as from the original. Identity scores 1; noise scores near chance (the bench measures it).
#   Our reader is coarse — trained for minutes, it reads only about a quarter of a clean face's
#   levels exactly — so read these shares as "how much of what the reader sees survived", not as
#   a human's judgement.
# - `fd`: the Fréchet distance between the reader's features of the decoded and of the original
#   test faces — a course-made FID. 0 for identity; large for noise.
#
# **What you should see:** the two decodings of the same files differ along the trade-off: the
# generative one has the *lower* FD (its faces' features are distributed more like real ones, about
# a third of the MSE decoder's) and reads as the same face more often, at a PSNR about one dB
# *lower*. The rate points sit close together: beyond ~55 bytes this small codec has little more to
# say, its transforms, not its bits, are the limit. JPEG cannot make files this small: its smallest
# is about fifteen times larger, and reads better.

# %%
from course.compression.glc import rdp
from course.compression.glc.generative import decode_with, load_generative
from course.compression.glc.perception import load_reader

reader = load_reader()
generative_codec = load_generative("glc_faces_generative")
big_faces = rdp.test_faces(24)
rdp_result = {
    "generative_image_side": rdp.SIZE,
    "faces_generative_points": rdp.codec_points(generative_codec, big_faces, reader),
    "jpeg_faces_256_points": rdp.jpeg_points(big_faces, reader, rdp.JPEG_QUALITIES[:4]),
}
fig = rdp.perception_distortion_figure(rdp_result)
plt.show()
rdp_lowest = rdp_result["faces_generative_points"][0]
jpeg_smallest = rdp_result["jpeg_faces_256_points"][0]
print(f"lowest rate point: {rdp_lowest['bytes']:.0f} bytes per file = {rdp_lowest['bpp']:.4f} bpp (whole files)")
for decoder in ("mse", "generative"):
    print(f"  {decoder:>10} decoder: {rdp_lowest[f'psnr_{decoder}']:.1f} dB, "
          f"{rdp_lowest[f'param_recovery_{decoder}']:.0%} of parameters read the same, FD {rdp_lowest[f'fd_{decoder}']:.1f}")
print(f"  JPEG's smallest file: {jpeg_smallest['bpp']:.3f} bpp, {jpeg_smallest['psnr']:.1f} dB, "
      f"{jpeg_smallest['param_recovery_jpeg']:.0%} read the same, FD {jpeg_smallest['fd_jpeg']:.1f}")

# %% [markdown]
# ### What does the generative decoder invent?
# The bits are the same; everything the generative decoder draws beyond the MSE decoder's blur is
# its own guess. Below: four faces at the lowest rate point, and the parameters the reader reads
# *differently* from the original — the details the bits did not carry and the decoder guessed.
#
# **What you should see:** the MSE decoder draws a soft face with smudges for eyes, brows and mouth;
# the generative decoder firms the outline and the hair, and *invents* the eyes — a noisy,
# clearly artificial texture where the bits said only "eyes about here". Both misread several
# parameters: a misread parameter from the generative decoder is a confident, wrong detail.

# %%
fig, axes = plt.subplots(3, 4, figsize=(11, 8.6))
for column, image in enumerate(big_faces[:4]):
    result = widgets.two_decoders(image, generative_codec, 1, reader)
    for row, (key, title) in enumerate((("original", "original"), ("mse", "MSE decoder"), ("generative", "generative"))):
        shown = image if key == "original" else result[key]["decoded"]
        axes[row, column].imshow(shown)
        axes[row, column].axis("off")
        if key != "original":
            misread = ", ".join(result[key]["misread"][:3]) or "none"
            title = f"{title}: {result[key]['psnr']:.1f} dB\nmisread: {misread}"
        axes[row, column].set_title(title, fontsize=7)
fig.suptitle(f"the same {result['bytes']}-byte files, decoded twice")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### Natural crops at ≤ 0.05 bpp
# The same recipe on 256×256 crops of the training photographs (`glc_natural_generative`), tested on
# crops of photographs it never saw. No reader knows photographs, so here there are pictures and PSNR.
#
# **What you should see:** at a few hundred bytes the MSE decoder's crops are smooth washes of
# colour; the generative decoder's differ in texture and contrast (whatever it adds is invented, not
# the original's); JPEG's smallest file is larger and breaks into blocks.

# %%
natural_codec = load_generative("glc_natural_generative")
crops = rdp.test_crops(3)
fig, axes = plt.subplots(3, 4, figsize=(11, 8.4))
for row, crop in enumerate(crops):
    quality = max(q for q in range(1, natural_codec.config.rate_points + 1)
                  if bits_per_pixel(encode(crop, natural_codec, q), *crop.shape[:2]) <= 0.05 or q == 1)
    data = encode(crop, natural_codec, quality)
    jpeg_file = widgets.jpeg_nearest(crop, bits_per_pixel(data, *crop.shape[:2]))
    panels = [
        (decode_with(data, natural_codec, "mse"), f"MSE decoder, {len(data)} B"),
        (decode_with(data, natural_codec, "generative"), f"generative, same {len(data)} B"),
        (jpeg_file["decoded"], f"JPEG q{jpeg_file['quality']}, {jpeg_file['bytes']} B"),
        (crop, "original"),
    ]
    for column, (shown, title) in enumerate(panels):
        axes[row, column].imshow(shown)
        axes[row, column].axis("off")
        detail = "" if column == 3 else f", {psnr(crop, shown):.1f} dB"
        axes[row, column].set_title(title + detail, fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# **Perception explorer:** one file at a chosen rate point, decoded by both decoders, next to JPEG's
# file nearest in size and the original; bytes, PSNR and the share of parameters read the same.
#
# **What you should see:** the same bytes for both decoders at every rate point; the generative
# decoder's faces have firmer outlines, invented eyes and a lower PSNR; higher rate points change
# little; JPEG's smallest file is many times larger.

# %%
display(widgets.perception_explorer({f"face {i}": f for i, f in enumerate(big_faces[:4])}, generative_codec, reader))

# %% [markdown]
# ## 9. Explore
# **Rate explorer:** ours against JPEG at the nearest rate, with bytes and PSNR.
#
# **What you should see:** at every rate point our file is far smaller than JPEG's nearest one, or
# JPEG cannot go that low at all (its smallest file is then shown); at the lowest rates our faces
# stay smooth and plausible where JPEG falls apart into 8×8 blocks.

# %%
display(widgets.rate_explorer({f"face {i}": f for i, f in enumerate(test_faces[:6])}, faces_codec))

# %% [markdown]
# **Experience explorer:** pick the codec's training domain and a test image from any domain.
#
# **What you should see:** each codec does best on images of its own domain; the faces codec
# turns a flower or a photo into a blurred, face-coloured smudge.

# %%
display(widgets.experience_explorer(codecs, test_sets))

# %% [markdown]
# **Bit map:** where the bits go in a chosen face, at a chosen rate point.
#
# **What you should see:** a higher rate point spends more bits everywhere, but still most on the
# blocks with edges and features, and on a few latent channels.

# %%
display(widgets.bit_map_explorer({f"face {i}": f for i, f in enumerate(test_faces[:6])}, faces_codec))

# %% [markdown]
# ## Summary
# Can a generative model's latent compress images far better than JPEG — and only the images it
# knows? The cell below answers from this run's measurements: the rule of thumb for JPEG, the faces
# codec against JPEG, the duel of VQ and transform coding, the experience matrix, and what a
# generative decoder buys at equal bits.

# %% tags=["summary"]
beats_jpeg = lowest["bpp"] < min(p["bpp"] for p in jpeg_faces)
own_domain_best = [tested for j, tested in enumerate(test_sets) if np.nanargmax(grid[:, j]) == j]
only_what_it_knows = len(own_domain_best) == len(test_sets)
verdict = ("YES — when the images come from the world it learned" if beats_jpeg and only_what_it_knows
           else "NOT on this run")
faces_bd = analysis.bd_rate_of(jpeg_faces, final)
print(f"""Can a generative latent compress far better than JPEG, and only what it knows? {verdict}.

1. JPEG, measured: about 1 bpp gives {jpeg_claims['faces'][1.0]['psnr']:.1f} dB on faces and {jpeg_claims['natural'][1.0]['psnr']:.1f} dB on photos; about 2 bpp
   ({jpeg_claims['natural'][2.0]['ratio']:.0f}:1) gives {jpeg_claims['faces'][2.0]['psnr']:.1f} and {jpeg_claims['natural'][2.0]['psnr']:.1f} dB. "{claimed_ratio}:1" would be {claimed_bpp:.1f} bpp, more than JPEG's largest
   file here ({max(p['bpp'] for p in jpeg_largest.values()):.1f} bpp at quality 100): the measurement supports {supported!r}.
2. On faces our lowest rate is {lowest['bpp']:.4f} bpp at {lowest['psnr']:.1f} dB, {24 / lowest['bpp']:.0f}:1 against 24-bit pixels and
   {lowest['bpp'] / bound_bpp:.1f}× the faces' information content; JPEG's smallest file is {min(p['bpp'] for p in jpeg_faces):.3f} bpp
   ({"it cannot go that low" if beats_jpeg else "lower still"}). BD-rate against JPEG: {faces_bd:.0f} %.
3. Transform coding beats VQ on equal terms: the VQ (learned prior) needs {twin_ratios['vq_prior_bits_ratio']:.2f}× the bits of tc_faces at
   its quality.
4. Only what it knows: each domain is coded best by its own codec ({len(own_domain_best)} of {len(test_sets)}); on flowers the
   faces codec is {grid[1, 1] - grid[0, 1]:.1f} dB behind the flowers codec at {at_bpp} bpp.
5. Rate, distortion, perception: at {rdp_lowest['bytes']:.0f} bytes per 256×256 face ({rdp_lowest['bpp']:.4f} bpp, whole files) the same files decoded
   by the generative decoder score {rdp_lowest['psnr_generative']:.1f} dB against the MSE decoder's {rdp_lowest['psnr_mse']:.1f} dB ({"lower, as the trade-off says" if rdp_lowest['psnr_generative'] < rdp_lowest['psnr_mse'] else "not lower on this run"}),
   FD {rdp_lowest['fd_generative']:.1f} against {rdp_lowest['fd_mse']:.1f}, and {rdp_lowest['param_recovery_generative']:.0%} of the parameters read the same against {rdp_lowest['param_recovery_mse']:.0%};
   JPEG's smallest file ({jpeg_smallest['bpp']:.3f} bpp) keeps {jpeg_smallest['param_recovery_jpeg']:.0%}.
""")
