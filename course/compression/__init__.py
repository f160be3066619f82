"""Lesson 03: compression, in two parts on shared coding machinery.

- `glc/` — the lesson's notebook (`bench glc`): Generative Latent Coding in three stages (`glc`),
  the image domains of the experience experiment (`domains`), vector quantization against
  transform coding (`vq`), the shipped models' configs (`presets`), the experiments and benchmark
  (`analysis`), the interactive views (`widgets`) and the exercise's checks (`checks`).
- `codec/` — a learned image codec against JPEG, WebP and AVIF on Kodak (`bench codec`,
  `python -m course codec`): resumable R + λ·D training on photo crops (`train`), rate–distortion
  points from real files (`evaluate`), the shipped codecs' configs (`presets`), the benchmark
  (`analysis`) and the README's Kodak plot (`kodak_figure`).

Shared by both: `transforms` (GDN analysis/synthesis and the hyperprior's transforms), `entropy`
(factorized and Gaussian-conditional entropy models, coded with constriction's ANS), `models`
(the hyperprior and factorized-prior codecs; GLC is a hyperprior codec trained its own way),
`bitstream` (the file format and its errors), `coding` (image -> bytes -> image with any course
model), `metrics` (PSNR, MS-SSIM, BD-rate), `baselines` (JPEG, WebP, AVIF via Pillow) and `data`
(the training photographs).
"""
