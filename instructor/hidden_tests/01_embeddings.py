"""Hidden inputs for Lesson 01's graded exercises (autograder only; never shipped to students).

Each function takes a numpy Generator and returns argument tuples on which the learner's function
must agree with the instructor's solution.
"""

SEED = 101


def participation_ratio(rng):
    cases = []
    for n, d in ((400, 3), (1500, 7), (90, 12)):
        scales = rng.uniform(0.05, 4.0, size=d)
        z = rng.normal(size=(n, d)) * scales + rng.normal(size=d)  # anisotropic, off-centre
        cases.append((z,))
    return cases


def mig_from_mutual_info(rng):
    cases = []
    for d, k in ((4, 2), (9, 5), (16, 3)):
        entropy = rng.uniform(0.3, 3.0, size=k)
        mi = rng.uniform(0.0, 1.0, size=(d, k)) * entropy
        cases.append((mi, entropy))
    return cases
