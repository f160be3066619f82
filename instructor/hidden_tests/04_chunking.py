"""Hidden inputs for Lesson 04's graded exercises (autograder only; never shipped to students)."""

import numpy as np

SEED = 404


def remember(rng):
    cases = []
    for slots, lone_slots, n in ((7, 2, 12), (5, 1, 9), (4, 3, 6), (9, 2, 20)):
        units = []
        for i in range(n):
            size = int(rng.choice([1, 1, 2, 3, 5]))
            units.append(frozenset(range(100 * i, 100 * i + size)))
        cases.append((units, slots, lone_slots))
    return cases


def set_code_bits(rng):
    cases = []
    for n in (1, 3, 8, 17):
        p = rng.dirichlet(np.ones(n * 2))[:n]  # some of a distribution's symbols
        cases.append((list(p),))
    return cases
