"""Self-checks for Lesson 02's exercise: properties the learner's function must have."""

from __future__ import annotations

import numpy as np

from course.core.checking import exercise_check, expect
from course.novelty.ngu import NGUConfig, kernel_sum_reward


@exercise_check
def check_episodic_reward(episodic_reward) -> None:
    c = NGUConfig()
    twins = episodic_reward(np.zeros(10), 1.0, c)
    expect(
        abs(twins - 1.0 / (np.sqrt(10) + c.pseudo_count)) < 1e-9,
        "ten neighbours at distance 0: r = 1 / (sqrt(10) + c)",
        "each twin has K = ε / (0 + ε) = 1; r = 1 / (sqrt(Σ K) + c)",
    )
    inside = episodic_reward(np.full(10, 0.5 * c.cluster_distance), 1.0, c)
    expect(
        abs(inside - twins) < 1e-9,
        "neighbours closer than ξ count as twins",
        "subtract ξ from d²/d_m² and clip at 0 before the kernel",
    )
    expect(
        abs(episodic_reward(np.full(10, 3.0), 3.0, c) - episodic_reward(np.ones(10), 1.0, c)) < 1e-9,
        "distances count relative to their running mean d_m²",
        "divide each d² by mean_sq_distance before anything else",
    )
    rng = np.random.default_rng(2)
    near, far = rng.uniform(0.01, 0.1, 10), rng.uniform(1.0, 4.0, 10)
    expect(
        episodic_reward(far, 1.0, c) > episodic_reward(near, 1.0, c),
        "far neighbours pay more than near ones",
        "K = ε / (d²/d_m² + ε) falls with distance, and r falls with Σ K",
    )
    crowd = NGUConfig(k=100)
    expect(
        episodic_reward(np.zeros(100), 1.0, crowd) == 0.0,
        "a state more familiar than s_m pays nothing",
        "if sqrt(Σ K) + c > s_m return 0",
    )
    d = rng.uniform(0, 2, 10)
    expect(
        abs(episodic_reward(d, 0.7, c) - kernel_sum_reward(d, 0.7, c)) < 1e-9,
        "random distances give the reference value",
        "follow the formula term by term",
    )
