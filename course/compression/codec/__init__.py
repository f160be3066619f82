"""Lesson 03's Kodak codec (`python -m course bench codec`): a hyperprior and a factorized-prior
codec trained on photo crops (`train`), measured against JPEG, WebP and AVIF on real files
(`evaluate`, `analysis`); the shipped codecs' configs are in `presets`."""
