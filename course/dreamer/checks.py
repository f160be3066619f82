"""Checks for the exercises of Lesson 06: each grades a learner's function by properties it must have."""

from __future__ import annotations

import torch

from course.core.checking import exercise_check, expect
from course.dreamer.dreamer import lambda_returns as reference_lambda_returns
from course.dreamer.dreamer import make_bins, symexp, symlog, twohot_encode


@exercise_check
def check_lambda_returns(lambda_returns) -> None:
    """R_t = r_{t+1} + γ c_{t+1} ((1 - λ) v_{t+1} + λ R_{t+1}), with R_H = v_H."""
    rewards = torch.tensor([0.0, 0.0, 1.0])
    values = torch.tensor([0.1, 0.2, 0.3, 5.0])
    ones = torch.ones(3)
    out = lambda_returns(rewards, ones, values, 1.0, 0.0)
    expect(
        tuple(out.shape) == (3,),
        "one return per imagined step 0..H-1 (shape (H, ...))",
        "rewards and continues have H entries, values H + 1: return H values, one per start step",
    )
    expect(
        torch.allclose(out, rewards + values[1:]),
        "λ = 0 gives the one-step target r_{t+1} + γ v_{t+1}",
        "with λ = 0 nothing of the later returns may enter: bootstrap from the next value only",
    )
    gamma = 0.5
    monte_carlo = lambda_returns(rewards, ones, values, gamma, 1.0)
    by_hand = torch.tensor([gamma**2 * 1.0 + gamma**3 * 5.0, gamma * 1.0 + gamma**2 * 5.0, 1.0 + gamma * 5.0])
    expect(
        torch.allclose(monte_carlo, by_hand),
        "λ = 1 gives the discounted sum of rewards, bootstrapped from the last value v_H",
        "start from R_H = v_H and go backwards: R_t = r_{t+1} + γ R_{t+1}",
    )
    ended = lambda_returns(rewards, torch.tensor([1.0, 0.0, 1.0]), values, 1.0, 0.5)
    expect(
        torch.allclose(ended[1], rewards[1]),
        "an episode that ends (continue = 0) stops the return: nothing after it counts",
        "multiply everything after r_{t+1} by the continue flag c_{t+1}",
    )
    generator = torch.Generator().manual_seed(0)
    r, v = torch.randn(15, 4, generator=generator), torch.randn(16, 4, generator=generator)
    c = (torch.rand(15, 4, generator=generator) > 0.1).float()
    expect(
        torch.allclose(lambda_returns(r, c, v, 0.99, 0.95), reference_lambda_returns(r, c, v, 0.99, 0.95), atol=1e-5),
        "batched (H, N) inputs with γ = 0.99, λ = 0.95 agree with Dreamer's own λ-returns",
        "work along the first axis only; every other axis is a batch",
    )


@exercise_check
def check_symlog_twohot(symlog_twohot) -> None:
    """symlog(x) spread over its two nearest bins, so that the bins' mean is exactly symlog(x)."""
    bins = make_bins(63)
    x = torch.tensor([0.0, 1.0, -1.0, 3.7, -0.25, 250.0])
    out = symlog_twohot(x, bins)
    expect(
        tuple(out.shape) == (6, 63),
        "one vector over the bins per value (shape (*x.shape, len(bins)))",
        "return a tensor of shape x.shape + (len(bins),)",
    )
    expect(
        bool((out >= 0).all()) and torch.allclose(out.sum(-1), torch.ones(6)),
        "each vector is a probability: no negative weight, summing to 1",
        "the two weights are (1 - w) below and w above, with w between 0 and 1",
    )
    lit = (out > 1e-6).int()
    adjacent = all(len(k) == 1 or (len(k) == 2 and k[1] - k[0] == 1) for k in (row.nonzero().flatten() for row in lit))
    expect(
        adjacent,
        "at most two bins get weight, and they are neighbours",
        "find the bin just below the value and give the rest to the one just above it",
    )
    expect(
        torch.allclose((out * bins).sum(-1), symlog(x), atol=1e-5),
        "the weighted mean of the bins is exactly symlog(x), e.g. 0.693 for x = 1",
        "squash first, symlog(x) = sign(x) ln(1 + |x|); then weigh each bin by how close the value is to it",
    )
    on_bin = symlog_twohot(symexp(bins[10:11]), bins)[0]
    expect(
        abs(float(on_bin[10]) - 1) < 1e-4,
        "a value that falls on a bin is all on that bin",
        "the weight of the upper bin is (value - lower bin) / (bin spacing): 0 on the bin itself",
    )
    extremes = symlog_twohot(torch.tensor([-1e12, 1e12]), bins)
    outer = torch.zeros(2, len(bins))
    outer[0, 0] = outer[1, -1] = 1.0
    expect(
        torch.allclose(extremes, outer, atol=1e-4),
        "values beyond the outer bins go all on the outer bin",
        "clamp symlog(x) to [bins[0], bins[-1]] before spreading it",
    )
    generator = torch.Generator().manual_seed(0)
    batch = torch.randn(4, 3, generator=generator) * 30
    expect(
        torch.allclose(symlog_twohot(batch, bins), twohot_encode(symlog(batch), bins), atol=1e-5),
        "a batch of any shape agrees with Dreamer's own symlog two-hot",
        "work on the last axis you add; every axis of x is a batch",
    )
