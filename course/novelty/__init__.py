"""Lesson 02: novelty — can a learned embedding ignore noise the agent cannot control?

Never Give Up's intrinsic reward (`ngu`), MiniGrid mazes with a noisy TV (`envs`), PPO with a
novelty bonus in one file (`ppo`), the shipped agents' configs (`presets`), the lesson's
experiments and benchmark (`analysis`) and the interactive views (`widgets`).
"""
