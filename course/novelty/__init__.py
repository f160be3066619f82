"""Lesson 02 (in progress): Never Give Up's novelty reward. Not yet a lesson: the environment,
the PPO agent and the notebook come next."""
