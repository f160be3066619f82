"""The class server from a script: start `make hub`'s JupyterHub in a folder of its own, manage
students through its REST API, and run code in a student's kernel over the kernel websocket.

Used by the load test (`python -m course.coursework.hub_load`) and the browser test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from course.core.paths import REPO_ROOT

CONFIG = REPO_ROOT / "etc" / "hub" / "jupyterhub_config.py"


@dataclass
class Hub:
    """A JupyterHub on 127.0.0.1:port whose state lives in `directory` (homes, database, secrets)."""

    directory: Path
    notebooks: Path  # the student notebooks every home is seeded with
    port: int = 18000
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def password(self) -> str:
        return (self.directory / "password").read_text().strip()

    @property
    def admin_token(self) -> str:
        return (self.directory / "admin_token").read_text().strip()

    def start(self, timeout_s: float = 120) -> Hub:
        self.directory.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "COURSE_HUB_DIR": str(self.directory), "COURSE_HUB_NOTEBOOKS": str(self.notebooks)}
        env["COURSE_HUB_PORT"] = str(self.port)
        env.pop("COURSE_HUB_PASSWORD", None)
        jupyterhub = Path(sys.executable).parent / "jupyterhub"
        log = (self.directory / "hub.log").open("w")
        self.process = subprocess.Popen(
            [str(jupyterhub), "-f", str(CONFIG)],
            cwd=self.directory,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stop() ends the proxy and every student's server with it
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited; see {self.directory / 'hub.log'}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"JupyterHub did not answer within {timeout_s:.0f} s; see {self.directory / 'hub.log'}")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        # on SIGTERM the hub stops every student's server itself (cleanup_servers)
        self.process = None

    def __enter__(self) -> Hub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- the REST API, as the course-admin service
    def api(self, method: str, path: str, **kwargs):
        headers = {"Authorization": f"token {self.admin_token}"}
        response = requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def add_student(self, name: str) -> str:
        """Create the student and a token of theirs; returns the token."""
        self.api("POST", f"/users/{name}")
        return self.api("POST", f"/users/{name}/tokens", json={"note": "class load test", "expires_in": 3600})["token"]

    def start_server(self, name: str) -> None:
        try:
            self.api("POST", f"/users/{name}/server")
        except requests.HTTPError as err:
            if err.response is None or err.response.status_code != 400:  # 400: already running
                raise

    def wait_ready(self, name: str, timeout_s: float = 300) -> float:
        """Seconds until the student's server answers."""
        start = time.monotonic()
        while time.monotonic() - start < timeout_s:
            user = self.api("GET", f"/users/{name}")
            server = user.get("servers", {}).get("")
            if server is None:
                raise RuntimeError(f"the server of {name} stopped while starting; see {self.directory / 'hub.log'}")
            if server.get("ready"):
                return time.monotonic() - start
            time.sleep(0.5)
        raise TimeoutError(f"the server of {name} was not ready after {timeout_s:.0f} s")

    def stop_server(self, name: str) -> None:
        self.api("DELETE", f"/users/{name}/server")


def run_in_new_kernel(hub: Hub, name: str, token: str, cells: list[str], timeout_s: float = 900) -> dict:
    """Start a kernel in the student's server, run `cells` in order; returns seconds and errors."""
    from tornado import httpclient, ioloop, websocket

    base = f"{hub.url}/user/{name}"
    headers = {"Authorization": f"token {token}"}
    kernel = requests.post(f"{base}/api/kernels", headers=headers, json={"name": "python3"}, timeout=60)
    kernel.raise_for_status()
    kernel_id = kernel.json()["id"]

    async def run() -> dict:
        request = httpclient.HTTPRequest(
            f"ws://127.0.0.1:{hub.port}/user/{name}/api/kernels/{kernel_id}/channels",
            headers=headers,
            request_timeout=60,
        )
        connection = await websocket.websocket_connect(request)
        errors, start = [], time.monotonic()
        session = uuid.uuid4().hex
        for source in cells:
            msg_id = uuid.uuid4().hex
            message = {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "session": session,
                    "username": name,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {"code": source, "silent": False, "store_history": True, "allow_stdin": False},
                "channel": "shell",
                "buffers": [],
            }
            await connection.write_message(json.dumps(message))
            while True:
                raw = await connection.read_message()
                if raw is None:
                    raise RuntimeError(f"the kernel of {name} closed its websocket")
                if isinstance(raw, bytes):
                    continue  # a binary frame (widget buffers): not what we wait for
                reply = json.loads(raw)
                if reply.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if reply["msg_type"] == "error":
                    errors.append(f"{reply['content']['ename']}: {reply['content']['evalue']}"[:200])
                if reply["msg_type"] == "execute_reply" and reply.get("channel") == "shell":
                    break
        connection.close()
        return {"seconds": time.monotonic() - start, "errors": errors, "kernel_id": kernel_id}

    return ioloop.IOLoop.current().run_sync(run, timeout=timeout_s)
