"""`make setup`'s torch step: it tells a CPU build of torch from a CUDA one by the wheel's metadata."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "install_torch", Path(__file__).resolve().parents[1] / "etc" / "install_torch.py"
)
install_torch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(install_torch)


def test_a_wheel_that_needs_nvidia_libraries_is_a_cuda_build():
    cuda = ["filelock", "nvidia-cublas-cu12==12.8.4.1; platform_system == 'Linux'", "sympy>=1.13.3"]
    assert not install_torch.is_cpu_build(cuda, "2.13.0")
    assert not install_torch.is_cpu_build(["nvidia_cudnn_cu12==9.10"], "2.13.0")


def test_a_wheel_labelled_cpu_or_without_nvidia_libraries_is_a_cpu_build():
    assert install_torch.is_cpu_build(["filelock", "sympy>=1.13.3"], "2.13.0")  # macOS, Windows
    assert install_torch.is_cpu_build(None, "2.13.0+cpu")
    assert install_torch.is_cpu_build([], "2.13.0")


def test_the_installed_torch_here_is_recognised_as_the_pinned_cpu_build():
    import torch

    version = install_torch.installed_cpu_version(install_torch.PIN)
    assert (version is not None) == (torch.version.cuda is None)
