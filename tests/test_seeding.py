"""Process-wide PyTorch switches are set for a block and put back after it."""

import pytest
import torch

from course.core.seeding import reproducible, torch_flags


def _flags():
    return (
        torch.are_deterministic_algorithms_enabled(),
        torch.backends.cudnn.benchmark,
        torch.backends.cuda.matmul.allow_tf32,
        torch.backends.cudnn.allow_tf32,
        torch.get_num_threads(),
    )


def test_reproducible_sets_deterministic_kernels_and_one_thread_then_restores():
    before = _flags()
    with reproducible(threads=1):
        assert torch.are_deterministic_algorithms_enabled()
        assert torch.get_num_threads() == 1
    assert _flags() == before


def test_torch_flags_restore_after_an_error():
    before = _flags()
    with pytest.raises(RuntimeError), torch_flags(deterministic=False, cudnn_benchmark=True, tf32=True, threads=1):
        assert torch.backends.cudnn.benchmark and torch.backends.cuda.matmul.allow_tf32
        raise RuntimeError("inside the block")
    assert _flags() == before
