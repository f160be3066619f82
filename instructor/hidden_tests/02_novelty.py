"""Hidden inputs for Lesson 02's graded exercises (autograder only; never shipped to students)."""

import numpy as np

SEED = 202


def episodic_reward(rng):
    from course.novelty.ngu import NGUConfig

    cases = []
    for k, scale in ((10, 1.0), (5, 0.01), (20, 40.0), (10, 1e-4)):
        config = NGUConfig(k=k, cluster_distance=float(rng.uniform(0.0, 0.02)))
        sq = rng.exponential(scale, size=k)
        cases.append((sq, float(rng.uniform(0.2, 3.0) * scale), config))
    # a familiar state: every neighbour at distance 0, the similarity cap makes the reward 0
    cases.append((np.zeros(10), 1.0, NGUConfig()))
    return cases
