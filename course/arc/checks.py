"""Self-checks for Lesson 05's exercise: properties the learner's function must have, and the
lesson's question exercises."""

from __future__ import annotations

import math

import numpy as np

from course.core.checking import exercise_check, expect


@exercise_check
def check_gaussian_code_bits(gaussian_code_bits) -> None:
    """`gaussian_code_bits(mu, sigma)`: bits to send a code drawn from N(mu, sigma²) under a N(0, 1) prior."""
    zero = float(gaussian_code_bits(np.zeros(5), np.ones(5)))
    expect(
        abs(zero) < 1e-9,
        "a code that is just the prior, N(0, 1), costs 0 bits",
        "KL(N(μ, σ²) ‖ N(0, 1)) = ½ (μ² + σ² − 1 − ln σ²) per number; sum over the numbers",
    )
    one = float(gaussian_code_bits(np.array([1.0]), np.array([1.0])))
    expect(
        abs(one - 0.5 / math.log(2)) < 1e-9,
        "moving the mean by one standard deviation costs ½ nat = 0.72 bits",
        "divide nats by ln 2 to get bits",
    )
    expect(
        abs(float(gaussian_code_bits(np.array([1.0, 2.0]), np.array([1.0, 1.0]))) - 2.5 / math.log(2)) < 1e-9,
        "the bits of independent numbers add up",
        "sum over every number of the code",
    )
    sharp, loose = (float(gaussian_code_bits(np.array([0.0]), np.array([s]))) for s in (0.01, 0.5))
    expect(
        sharp > loose > 0,
        "a sharper code (smaller σ) costs more bits: it says more precisely where z is",
        "the −ln σ² term grows as σ shrinks",
    )
    expect(
        abs(sharp - (0.5 * (0.01**2 - 1 - math.log(0.01**2))) / math.log(2)) < 1e-9,
        "σ = 0.01 costs about 5.9 bits",
        "use the natural log inside, ln σ² = 2 ln σ",
    )
