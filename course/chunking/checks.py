"""Self-checks for Lesson 04's exercises: properties the learner's function must have, and the
lesson's question exercises."""

from __future__ import annotations

import math

import numpy as np

from course.core.checking import exercise_check, expect

A, B, C, D, E = (frozenset([i]) for i in range(5))  # lone pieces
PAIR, TRIPLE, BIG = frozenset([10, 11]), frozenset([20, 21, 22]), frozenset(range(30, 42))


@exercise_check
def check_remember(remember) -> None:
    expect(
        list(remember([PAIR, A, TRIPLE], 7, 2)) == [PAIR, A, TRIPLE],
        "when everything fits (1 + 2 + 1 slots of 7), STM keeps every unit, in order",
        "return the units themselves, oldest first; nothing is forgotten before STM is full",
    )
    expect(
        list(remember([A, B, C, D, E], 7, 2)) == [C, D, E],
        "five lone pieces at 2 slots each: only the last three fit in 7 slots",
        "a lone piece costs `lone_slots`; when STM overflows, drop the *oldest* units",
    )
    chunks = [frozenset([100 + 2 * k, 101 + 2 * k]) for k in range(8)]
    expect(
        list(remember(chunks, 7, 2)) == chunks[1:],
        "eight chunks: the first is pushed out, seven stay",
        "a chunk costs one slot whatever its size; STM is a queue: first in, first out",
    )
    expect(
        list(remember([BIG, A, B, C, PAIR], 7, 2)) == [A, B, C, PAIR],
        "a 12-piece chunk is still one slot, and it goes when it is the oldest",
        "count slots, not pieces: 1 per chunk, `lone_slots` per lone piece",
    )
    expect(
        list(remember([A, PAIR, B, C, D], 7, 2)) == [PAIR, B, C, D],
        "only as many old units are dropped as needed to fit (here just the first lone piece)",
        "pop from the front while the slots used exceed `slots`, then stop",
    )
    expect(
        list(remember([A, B, PAIR], 3, 2)) == [B, PAIR] and list(remember([A, B], 4, 1)) == [A, B],
        "the `slots` and `lone_slots` arguments are respected",
        "use the arguments instead of the constants 7 and 2",
    )


@exercise_check
def check_set_code_bits(set_code_bits) -> None:
    expect(
        abs(set_code_bits([0.5]) - 1.0) < 1e-9,
        "one symbol of probability ½ costs 1 bit",
        "bits are −log2 p (log base 2, not the natural log)",
    )
    expect(
        abs(set_code_bits([0.25, 0.25]) - 3.0) < 1e-9,
        "two symbols of probability ¼: 4 bits as a sequence, minus 1 bit because their order is free",
        "a set of m symbols can be written in m! orders: subtract log2(m!)",
    )
    rng = np.random.default_rng(0)
    p = rng.uniform(0.01, 0.3, size=6)
    expect(
        abs(set_code_bits(p) - set_code_bits(p[::-1])) < 1e-9,
        "the order of the symbols does not matter",
        "sum over the symbols; nothing should depend on their order",
    )
    k, m = 10**6, 10
    exact = (math.lgamma(k + 1) - math.lgamma(m + 1) - math.lgamma(k - m + 1)) / math.log(2)
    expect(
        abs(set_code_bits([1 / k] * m) - exact) < 1e-3,
        "10 distinct symbols out of a million equally likely ones cost log2 C(10⁶, 10) bits",
        "subtract log2(m!), the logarithm of the factorial (math.lgamma(m + 1) / ln 2), not log2(m)",
    )
