"""A class server on one machine: `make hub` (JupyterHub on http://127.0.0.1:8000).

- Students log in with any user name and the class's shared password (printed by `make hub`,
  kept in COURSE_HUB_DIR/password); the instructor can set their own with COURSE_HUB_PASSWORD.
- Each student gets a home folder COURSE_HUB_DIR/homes/NAME, seeded at first start with the
  student notebooks of `make assign` (a spawn hook; a student's own work is never overwritten).
- Every server and kernel runs in the course's environment (the Python that runs the hub).
- The per-student limits come from the measured load test (docs/bench/hub_load.json).

Local processes give no isolation between students: use it for a class in one room on one
trusted machine; beyond that, the Kubernetes values in etc/hub/z2jh-values.yaml.
"""

import json
import os
import secrets
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (JupyterHub provides it)

REPO = Path(__file__).resolve().parents[2]
HUB_DIR = Path(os.environ.get("COURSE_HUB_DIR", REPO / "build" / "hub")).resolve()
STUDENT_NOTEBOOKS = Path(os.environ.get("COURSE_HUB_NOTEBOOKS", REPO / "build" / "coursework" / "student")).resolve()
BIN = Path(sys.executable).parent  # the course's environment, the one running this hub
HUB_DIR.mkdir(parents=True, exist_ok=True)


def _secret(name: str, make) -> str:
    """A value kept in HUB_DIR/name (created once, readable by its owner only)."""
    path = HUB_DIR / name
    if not path.exists():
        tmp = path.with_name(name + ".tmp")
        tmp.write_text(make())
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text().strip()


def _limits() -> dict:
    """Per-student memory and CPU from the measured load test, and how many servers fit."""
    measured = REPO / "docs" / "bench" / "hub_load.json"
    if measured.exists():
        return json.loads(measured.read_text())["limits"]
    return {"mem_limit_mib": 2048, "cpu_limit": 1.0, "active_servers": 8}  # before any measurement


LIMITS = _limits()
PORT = int(os.environ.get("COURSE_HUB_PORT", "8000"))

# ---- the hub, on this machine only
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = PORT
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = PORT + 81
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 1}"
# The Python proxy (from pip). Its 20 s default would cut the spawn page's progress stream while a
# server starts on a busy machine: wait up to 10 minutes for an answer.
c.ConfigurableHTTPProxy.command = [str(BIN / "configurable-http-proxy"), "--proxy-timeout", "600000"]
c.ConfigurableHTTPProxy.pid_file = str(HUB_DIR / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{HUB_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(HUB_DIR / "cookie_secret")
c.JupyterHub.pid_file = str(HUB_DIR / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True

# ---- who may log in: anyone with the class's password
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ.get("COURSE_HUB_PASSWORD") or _secret(
    "password", lambda: secrets.token_urlsafe(9)
)
c.Authenticator.allow_all = True

# The instructor's scripts (the load test, the browser test) manage students through the REST API.
c.JupyterHub.services = [{"name": "course-admin", "api_token": _secret("admin_token", lambda: secrets.token_hex(32))}]
c.JupyterHub.load_roles = [
    {
        "name": "course-admin",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:hub", "list:users"],
        "services": ["course-admin"],
    }
]

# ---- one server per student, a local process in the course's environment
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(HUB_DIR / "homes" / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {"COURSE_OFFLINE": "1", "PYTHONPATH": str(REPO)}
c.Spawner.args = [
    # idle culling inside each server: kernels idle for 30 minutes stop, a server with nothing
    # running for an hour shuts itself down and frees its memory
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=300",
    "--ServerApp.shutdown_no_activity_timeout=3600",
]
if os.geteuid() == 0:  # a class server run as root (a container, CI)
    c.Spawner.args.append("--allow-root")
# Measured per student (lesson 01 running); a local process spawner records these but cannot
# enforce them, so the hub refuses servers beyond what the machine holds.
c.Spawner.mem_limit = f"{LIMITS['mem_limit_mib']}M"
c.Spawner.cpu_limit = float(LIMITS["cpu_limit"])
c.JupyterHub.active_server_limit = int(LIMITS["active_servers"])


def seed_home(spawner) -> None:
    """Copy the student notebooks into a student's home, leaving any notebook they already have;
    and give the student's server a port of its own (servers started at the same moment would
    otherwise race for the same random free port)."""
    spawner.port = PORT + 1000 + spawner.user.id
    home = Path(spawner.home_dir)
    home.mkdir(parents=True, exist_ok=True)
    for notebook in sorted(STUDENT_NOTEBOOKS.glob("*.ipynb")):
        target = home / notebook.name
        if not target.exists():
            shutil.copyfile(notebook, target)


c.Spawner.pre_spawn_hook = seed_home
