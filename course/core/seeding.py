"""One seeding helper for every experiment: the same seed gives the same numbers."""

import contextlib
import os
import random

import numpy as np


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, NumPy and PyTorch; return a NumPy generator for code that takes one.

    PyTorch is told to use deterministic kernels, so two runs with the same seed on the same
    machine produce the same weights and the same metrics.
    """
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    return np.random.default_rng(seed)


@contextlib.contextmanager
def torch_threads(n: int = 1):
    """Run the block with PyTorch on `n` threads, then restore the count. One thread makes
    floating-point sums run in one order on every machine, so a seed gives the same numbers on a
    laptop with 8 cores and on CI with 2."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
