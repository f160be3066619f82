"""Install the pinned torch as a CPU-only build (run by `make setup` with the environment's python).

On Linux the package index's default torch wheel is built with CUDA and pulls in gigabytes of
NVIDIA libraries the course never uses; PyTorch publishes CPU-only builds on its own index. So:

1. a CPU build of the pin already installed: nothing to do;
2. the pin resolves, from the indexes pip is configured with, to a CPU build (macOS and Windows
   wheels are; so is a local wheel such as `torch-2.13.0+cpu`): install it from there;
3. otherwise install it from the CPU index, `TORCH_INDEX` (default PyTorch's
   https://download.pytorch.org/whl/cpu; `make setup TORCH_INDEX=...` points it at a mirror).

Step 2 asks pip which wheel it would take (`--dry-run --report`) and reads the wheel's declared
requirements: a CUDA build requires `nvidia-*` packages, a CPU build does not.

Usage: python etc/install_torch.py [REQUIREMENT]   (default torch==2.13.0)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

PIN = "torch==2.13.0"
DEFAULT_INDEX = "https://download.pytorch.org/whl/cpu"


def is_cpu_build(requires: list[str] | None, version: str = "") -> bool:
    """A torch wheel is a CPU build when it is labelled so (`+cpu`) or needs no NVIDIA package."""
    if version.endswith("+cpu"):
        return True
    return not any(r.lower().replace("_", "-").startswith("nvidia-") for r in requires or [])


def installed_cpu_version(pin: str) -> str | None:
    """The installed torch's version when it is PIN's release (any local label) and a CPU build."""
    try:
        dist = metadata.distribution("torch")
    except metadata.PackageNotFoundError:
        return None
    version = dist.version
    if version.split("+")[0] != pin.split("==")[-1]:
        return None
    return version if is_cpu_build(dist.requires, version) else None


def _pip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", *args], check=check)


def default_index_is_cpu(pin: str) -> bool:
    """Would a plain `pip install PIN` take a CPU build? (pip resolves it without installing.)"""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        done = _pip(
            "install", "--quiet", "--dry-run", "--no-deps", "--ignore-installed", "--report", str(report), pin,
            check=False,
        )  # fmt: skip
        if done.returncode != 0 or not report.exists():
            return False
        wheels = json.loads(report.read_text()).get("install", [])
    return bool(wheels) and all(
        is_cpu_build(w["metadata"].get("requires_dist"), w["metadata"].get("version", "")) for w in wheels
    )


def main(pin: str = PIN) -> int:
    version = installed_cpu_version(pin)
    if version:
        print(f"torch {version} (CPU build) is already installed")
        return 0
    if default_index_is_cpu(pin):
        print(f"installing {pin}: a CPU build, from pip's configured index")
        return _pip("install", "--quiet", pin, check=False).returncode
    index = os.environ.get("TORCH_INDEX") or DEFAULT_INDEX
    print(f"installing {pin} from PyTorch's CPU-only index {index} (the default wheel here bundles CUDA)")
    # --no-deps: torch's own requirements then come from the ordinary index with the course's
    done = _pip("install", "--quiet", "--no-deps", "--index-url", index, pin, check=False)
    if done.returncode != 0:
        print(
            f"could not install {pin} from {index}: check the connection, or set TORCH_INDEX to a "
            "reachable CPU wheel index (make setup TORCH_INDEX=URL)",
            file=sys.stderr,
        )
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
