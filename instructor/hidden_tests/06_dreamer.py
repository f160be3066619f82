"""Hidden inputs for Lesson 06's graded exercises (autograder only; never shipped to students)."""

SEED = 606

# Dreamer's own helpers that would do the exercise for the learner.
SHORTCUTS = {"symlog_twohot": ["course.dreamer.dreamer:twohot_encode"]}


def lambda_returns(rng):
    import torch

    cases = []
    for horizon, batch, discount, lambda_ in ((1, 3, 0.9, 0.5), (6, 2, 0.97, 0.95), (12, 5, 0.5, 0.0)):
        rewards = torch.tensor(rng.normal(size=(horizon, batch)), dtype=torch.float32)
        continues = torch.tensor(rng.uniform(size=(horizon, batch)) > 0.2, dtype=torch.float32)
        values = torch.tensor(rng.normal(size=(horizon + 1, batch)), dtype=torch.float32)
        cases.append((rewards, continues, values, discount, lambda_))
    return cases


def symlog_twohot(rng):
    import torch

    cases = []
    for n_bins, shape in ((41, (9,)), (255, (3, 4)), (17, (2, 2, 2))):
        bins = torch.linspace(-20.0, 20.0, n_bins)
        x = torch.tensor(rng.standard_cauchy(size=shape) * 10, dtype=torch.float32)
        cases.append((x, bins))
    return cases


TOLERANCE = {"lambda_returns": (1e-4, 1e-5), "symlog_twohot": (1e-4, 1e-5)}
