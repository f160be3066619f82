"""Self-checks for Lesson 03's exercise (properties the learner's rate term must have) and the
lesson's question exercises."""

from __future__ import annotations

import numpy as np
import torch

from course.core.checking import exercise_check, expect


@exercise_check
def check_rate_bits(rate_bits) -> None:
    """rate_bits(likelihoods) -> total bits, -Σ log2 p, of a tensor of probabilities."""
    half = torch.full((2, 3, 4, 4), 0.5)
    expect(
        abs(float(rate_bits(half)) - 96) < 1e-6,
        "96 symbols of probability 1/2 cost 96 bits",
        "a symbol of probability p costs -log2(p) bits; add them all up",
    )
    expect(abs(float(rate_bits(torch.ones(5, 7)))) < 1e-9, "certain symbols cost nothing", "-log2(1) = 0")
    quarter = torch.full((10,), 0.25)
    expect(
        abs(float(rate_bits(quarter)) - 20) < 1e-6,
        "ten symbols of probability 1/4 cost 20 bits",
        "use log base 2 (torch.log2), not the natural logarithm",
    )
    p = torch.rand(3, 8, 2, 2, generator=torch.Generator().manual_seed(0)).clamp_min(0.01).requires_grad_()
    value = rate_bits(p)
    expect(
        isinstance(value, torch.Tensor) and value.requires_grad,
        "the rate can be trained: it keeps the gradient",
        "compute it with torch operations on the tensor, not with numpy or .item()",
    )
    expected = float(-np.log2(p.detach().numpy()).sum())
    expect(
        abs(float(value.detach()) - expected) < 1e-3 * expected,
        "random probabilities give -Σ log2 p",
        "sum over every element, across all dimensions",
    )
