"""Hidden inputs for Lesson 03's graded exercises (autograder only; never shipped to students)."""

SEED = 303


def rate_bits(rng):
    import torch

    cases = []
    for shape in ((7,), (2, 3, 5), (1, 4, 4, 4)):
        p = torch.tensor(rng.uniform(1e-4, 1.0, size=shape), dtype=torch.float32)
        cases.append((p,))
    cases.append((torch.ones(3, 2),))  # certain symbols cost nothing
    return cases


TOLERANCE = {"rate_bits": (1e-4, 1e-4)}
