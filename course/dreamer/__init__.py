"""Lesson 06: world models — Dreamer.

Two small games with a known optimal return, Catch and MiniGrid's empty room (`envs`),
DreamerV3 in one readable file — a world model with discrete latent codes, and an actor and a
critic trained on trajectories imagined in that latent space (`dreamer`) — the model-free
baseline it is measured against, DQN, with the same evaluation protocol (`dqn`), training curves
over seeds (`runs`), planning by search in latent space and in pixel space (`planning`), the
shipped models' configs (`presets`), the lesson's experiments and benchmark (`analysis`) and the
interactive views (`widgets`).
"""
