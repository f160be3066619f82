"""Lesson 01: embeddings, entanglement and distance.

Sprites with known factors (`sprites`), three embeddings of them (`models`, `train`), the
measurements (`metrics`), the shipped models' configs (`presets`), the lesson's experiments and
benchmark (`analysis`) and the interactive views (`widgets`).
"""
