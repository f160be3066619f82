"""Hidden inputs for Lesson 05's graded exercises (autograder only; never shipped to students)."""

SEED = 505


def gaussian_code_bits(rng):
    cases = []
    for shape in ((1,), (6,), (3, 4)):
        cases.append((rng.normal(0, 2, size=shape), rng.uniform(0.05, 3.0, size=shape)))
    cases.append(([0.0, 0.0], [1.0, 1.0]))  # the prior itself costs nothing
    return cases
