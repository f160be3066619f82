"""One seeding helper for every experiment: the same seed gives the same numbers."""

import contextlib
import os
import random
from collections.abc import Iterator

import numpy as np


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, NumPy and PyTorch; return a NumPy generator for code that takes one.

    The course's algorithms take their own generators; the global ones are seeded for libraries
    that draw from them. Run training inside `reproducible()` for deterministic kernels too.
    """
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return np.random.default_rng(seed)


@contextlib.contextmanager
def torch_flags(
    *,
    deterministic: bool | None = None,
    cudnn_benchmark: bool | None = None,
    tf32: bool | None = None,
    threads: int | None = None,
) -> Iterator[None]:
    """Set PyTorch's process-wide switches for the block, then put back what was there before.

    deterministic: deterministic kernels only (a warning, not an error, where none exists);
    cudnn_benchmark: let cuDNN time its algorithms and keep the fastest (not reproducible);
    tf32: TensorFloat-32 matrix products on the GPU (faster, ~3 fewer decimal digits);
    threads: PyTorch's intra-op threads. None leaves a switch as it is.
    """
    import torch

    saved = (
        torch.are_deterministic_algorithms_enabled(),
        torch.is_deterministic_algorithms_warn_only_enabled(),
        torch.backends.cudnn.benchmark,
        torch.backends.cuda.matmul.allow_tf32,
        torch.backends.cudnn.allow_tf32,
        torch.get_num_threads(),
        os.environ.get("CUBLAS_WORKSPACE_CONFIG"),
    )
    try:
        if deterministic is not None:
            if deterministic:  # cuBLAS is deterministic only with a fixed workspace
                os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
            torch.use_deterministic_algorithms(deterministic, warn_only=True)
        if cudnn_benchmark is not None:
            torch.backends.cudnn.benchmark = cudnn_benchmark
        if tf32 is not None:
            torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = tf32
        if threads is not None:
            torch.set_num_threads(threads)
        yield
    finally:
        enabled, warn_only, benchmark, matmul_tf32, cudnn_tf32, n_threads, workspace = saved
        torch.use_deterministic_algorithms(enabled, warn_only=warn_only)
        torch.backends.cudnn.benchmark = benchmark
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = matmul_tf32, cudnn_tf32
        torch.set_num_threads(n_threads)
        if workspace is None:
            os.environ.pop("CUBLAS_WORKSPACE_CONFIG", None)
        else:
            os.environ["CUBLAS_WORKSPACE_CONFIG"] = workspace


def reproducible(threads: int = 1):
    """Deterministic kernels on `threads` threads for the block (the process's settings come back
    after): with one thread, floating-point sums run in one order, so the same seed gives the same
    weights and metrics on any machine."""
    return torch_flags(deterministic=True, threads=threads)


def torch_threads(n: int = 1):
    """Run the block with PyTorch on `n` threads, then restore the count. One thread makes
    floating-point sums run in one order on every machine, so a seed gives the same numbers on a
    laptop with 8 cores and on CI with 2."""
    return torch_flags(threads=n)
