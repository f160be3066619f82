"""Lesson 03: a learned image codec against JPEG, WebP and AVIF (`bench codec`), and GLC.

`transforms` (GDN analysis/synthesis and the hyperprior's transforms), `entropy` (factorized and
Gaussian-conditional entropy models, coded with constriction's ANS), `models` (the hyperprior and
factorized-prior codecs), `bitstream` (the file format and its errors), `codec` (encode/decode),
`metrics` (PSNR, MS-SSIM, BD-rate), `baselines` (JPEG, WebP, AVIF via Pillow), `data` and
`train` (resumable R + λ·D training on photo crops), `bench` and `kodak_figure` (the Kodak
figures and their plot); `codec_presets` and `glc_presets` list the shipped models.
"""
