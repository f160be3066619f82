"""Lesson 05: compression solves puzzles — a CompressARC-style solver on real ARC tasks.

The 178 small ARC-AGI-1 training tasks (`data`), the per-puzzle solver that trains a small
network from scratch to describe each puzzle in as few bits as it can (`solver`), two baselines
(`baselines`: copy the input, a small DSL search), the benchmark (`analysis`), recorded solver
runs for the notebook (`runs`, configured in `presets`) and the interactive views (`widgets`).
The solver has no shipped weights: it learns each puzzle anew; what ships is the record of a few
runs.
"""
