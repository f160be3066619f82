"""The class server's configuration: the local hub's config and the Kubernetes (Zero to
JupyterHub) values carry the per-student limits the load test measured, and the students' image
ships no answer keys."""

from __future__ import annotations

import json
import re
import runpy

import pytest
import yaml
from traitlets.config import Config

from course.core.paths import REPO_ROOT

HUB = REPO_ROOT / "etc" / "hub"
MEASURED = json.loads((REPO_ROOT / "docs" / "bench" / "hub_load.json").read_text())
# the top-level keys of the Zero to JupyterHub chart's values schema
Z2JH_KEYS = {
    "enabled", "fullnameOverride", "nameOverride", "imagePullSecret", "imagePullSecrets", "hub", "proxy",
    "singleuser", "scheduling", "prePuller", "ingress", "cull", "debug", "rbac", "global", "custom", "Chart",
    "Release", "apps",
}  # fmt: skip


def _mib(quantity: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([KMGT]i?)?", str(quantity)).groups()
    scale = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
    return float(number) * scale.get(unit, 1) / 2**20


def test_measurement_covers_a_class():
    assert MEASURED["students"] >= 8 and not MEASURED["cells_errors"]
    assert MEASURED["peak_mib_per_busy_student"] > MEASURED["server_idle_mib_per_student"] > 0
    assert MEASURED["capacity_24gib"]["idle"] >= MEASURED["capacity_24gib"]["busy"] >= 1


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((HUB / "z2jh-values.yaml").read_text())


def test_helm_values_have_what_a_class_needs(values):
    assert set(values) <= Z2JH_KEYS, f"not Zero to JupyterHub keys: {set(values) - Z2JH_KEYS}"
    single = values["singleuser"]
    assert single["image"]["name"] and single["image"]["tag"]
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0 and values["cull"]["every"] > 0
    assert "cp -n /opt/course/student" in " ".join(single["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"]


def test_helm_limits_are_the_measured_ones(values):
    limits = MEASURED["limits"]
    single = values["singleuser"]
    assert _mib(single["memory"]["limit"]) == limits["mem_limit_mib"]
    assert _mib(single["memory"]["guarantee"]) == limits["mem_guarantee_mib"]
    assert single["cpu"]["limit"] == limits["cpu_limit"]
    assert single["cpu"]["guarantee"] == limits["cpu_guarantee"]
    assert limits["mem_limit_mib"] >= MEASURED["peak_mib_per_busy_student"]


def test_local_hub_config_uses_the_measured_limits(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_HUB_DIR", str(tmp_path / "hub"))
    notebooks = tmp_path / "student"
    notebooks.mkdir()
    (notebooks / "01_embeddings.ipynb").write_text("{}")
    monkeypatch.setenv("COURSE_HUB_NOTEBOOKS", str(notebooks))
    config = Config()
    namespace = runpy.run_path(str(HUB / "jupyterhub_config.py"), init_globals={"get_config": lambda: config})
    limits = MEASURED["limits"]
    assert config.Spawner.mem_limit == f"{limits['mem_limit_mib']}M"
    assert config.Spawner.cpu_limit == limits["cpu_limit"]
    assert config.JupyterHub.active_server_limit == limits["active_servers"] == MEASURED["capacity_24gib"]["busy"]
    assert config.JupyterHub.ip == "127.0.0.1"
    assert config.JupyterHub.spawner_class.endswith("SimpleLocalProcessSpawner")
    assert len(config.SharedPasswordAuthenticator.user_password) >= 8
    assert (tmp_path / "hub" / "password").stat().st_mode & 0o077 == 0

    class Spawner:  # what the spawn hook reads and sets
        home_dir = str(tmp_path / "hub" / "homes" / "alice")
        port = 0

        class user:
            id = 3

    namespace["seed_home"](Spawner)
    assert Spawner.port == config.JupyterHub.port + 1000 + 3  # a port of the student's own
    seeded = tmp_path / "hub" / "homes" / "alice" / "01_embeddings.ipynb"
    assert seeded.read_text() == "{}"
    seeded.write_text('{"mine": 1}')
    namespace["seed_home"](Spawner)  # a second start keeps the student's work
    assert seeded.read_text() == '{"mine": 1}'


def test_students_image_ships_no_answer_keys():
    dockerfile = (HUB / "Dockerfile").read_text()
    ignored = (HUB / "Dockerfile.dockerignore").read_text().split()
    assert "environment.yml" in dockerfile
    copied = [line.split()[1:-1] for line in dockerfile.splitlines() if line.startswith("COPY")]
    sources = {source for sources in copied for source in sources}
    assert not sources & {"notebooks", "instructor", "."}, sources
    assert {"instructor/", "notebooks/"} <= set(ignored)
