"""Lesson 03's notebook (`python -m course bench glc`): Generative Latent Coding against JPEG.

Image domains whose information content is known (`domains`), GLC in three stages (`glc`), a VQ
autoencoder and its transform-coding twin (`vq`), the shipped models' configs (`presets`), the
lesson's experiments and benchmark (`analysis`), the interactive views (`widgets`) and the
exercise's checks (`checks`).
"""
