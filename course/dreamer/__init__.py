"""Lesson 05: world models — Dreamer.

Small pixel games with a known optimal return (`envs`), DreamerV3 in one readable file — a
world model with discrete latent codes, and an actor and a critic trained on trajectories
imagined in that latent space (`dreamer`) — and the model-free baseline it is measured
against, DQN, with the same evaluation protocol (`dqn`).
"""
