"""Checks for the exercises of Lesson 05: each grades a learner's function by properties it must have."""

from __future__ import annotations

import torch

from course.core.checking import expect
from course.dreamer.dreamer import lambda_returns as reference_lambda_returns


def check_lambda_returns(lambda_returns) -> None:
    """R_t = r_{t+1} + γ c_{t+1} ((1 - λ) v_{t+1} + λ R_{t+1}), with R_H = v_H."""
    rewards = torch.tensor([0.0, 0.0, 1.0])
    values = torch.tensor([0.1, 0.2, 0.3, 5.0])
    ones = torch.ones(3)
    out = lambda_returns(rewards, ones, values, 1.0, 0.0)
    expect(tuple(out.shape) == (3,), "one return per imagined step 0..H-1 (shape (H, ...))",
           "rewards and continues have H entries, values H + 1: return H values, one per start step")
    expect(torch.allclose(out, rewards + values[1:]),
           "λ = 0 gives the one-step target r_{t+1} + γ v_{t+1}",
           "with λ = 0 nothing of the later returns may enter: bootstrap from the next value only")
    gamma = 0.5
    monte_carlo = lambda_returns(rewards, ones, values, gamma, 1.0)
    by_hand = torch.tensor([gamma ** 2 * 1.0 + gamma ** 3 * 5.0, gamma * 1.0 + gamma ** 2 * 5.0, 1.0 + gamma * 5.0])
    expect(torch.allclose(monte_carlo, by_hand),
           "λ = 1 gives the discounted sum of rewards, bootstrapped from the last value v_H",
           "start from R_H = v_H and go backwards: R_t = r_{t+1} + γ R_{t+1}")
    ended = lambda_returns(rewards, torch.tensor([1.0, 0.0, 1.0]), values, 1.0, 0.5)
    expect(torch.allclose(ended[1], rewards[1]),
           "an episode that ends (continue = 0) stops the return: nothing after it counts",
           "multiply everything after r_{t+1} by the continue flag c_{t+1}")
    generator = torch.Generator().manual_seed(0)
    r, v = torch.randn(15, 4, generator=generator), torch.randn(16, 4, generator=generator)
    c = (torch.rand(15, 4, generator=generator) > 0.1).float()
    expect(torch.allclose(lambda_returns(r, c, v, 0.99, 0.95), reference_lambda_returns(r, c, v, 0.99, 0.95), atol=1e-5),
           "batched (H, N) inputs with γ = 0.99, λ = 0.95 agree with Dreamer's own λ-returns",
           "work along the first axis only; every other axis is a batch")
