"""JupyterLab and Chromium, driven the way a learner uses them.

`LabServer` starts `jupyter lab` from the course environment on a free local port with a random
token, serving a copy of notebooks/ (saving a notebook in the browser rewrites its .py, which
must never happen to the course's sources). `LessonPage` opens a lesson by double-clicking its
.py in the file browser, runs every cell from the Run menu and moves widget controls.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KERNEL_NAME = "Python 3 (ipykernel)"

# Chromium without anything that reaches beyond this machine.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM_CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

# Settings of the test's own (throw-away) JupyterLab user: no news pop-up over the notebook, and
# every cell attached to the page so that every output can be inspected.
TEST_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def find_chromium() -> str | None:
    """The Chromium to drive: $COURSE_CHROMIUM, else the first of the usual names on PATH."""
    if os.environ.get("COURSE_CHROMIUM"):
        return os.environ["COURSE_CHROMIUM"]
    for name in CHROMIUM_CANDIDATES:
        if found := shutil.which(name):
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """`jupyter lab` on 127.0.0.1, with the course's settings and a private home for the rest."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.root = workdir / "notebooks"
        self.port = free_port()
        self.token = os.urandom(16).hex()
        self.log_path = workdir / "jupyterlab.log"
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _copy_notebooks(self) -> None:
        """The lessons' sources only: a paired .ipynb would bring back outputs saved earlier."""
        self.root.mkdir(parents=True)
        for source in sorted(NOTEBOOKS.glob("*.py")):
            shutil.copy2(source, self.root / source.name)
        shutil.copy2(ROOT / "jupytext.toml", self.root / "jupytext.toml")

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env["COURSE_OFFLINE"] = "1"  # every kernel refuses the network
        env.pop("MPLBACKEND", None)  # plots must show inline, as for a learner
        for variable, folder in [
            ("JUPYTERLAB_SETTINGS_DIR", "user-settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("IPYTHONDIR", "ipython"),
        ]:
            (self.workdir / folder).mkdir(exist_ok=True)
            env[variable] = str(self.workdir / folder)
        for name, settings in TEST_USER_SETTINGS.items():
            path = self.workdir / "user-settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings))
        return env

    def start(self, timeout_s: float = 120) -> None:
        self._copy_notebooks()
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--config={ROOT / 'etc' / 'jupyter_lab_config.json'}",  # as `make lab`: notebooks/build/ hidden
            "--LabApp.extension_manager=readonly",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            command,
            cwd=self.root,
            env=self._environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"jupyter lab did not answer within {timeout_s:.0f} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, body: dict | None = None):
        headers = {"Authorization": f"token {self.token}"}
        data = None if body is None else json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server and the kernels it started
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def exactly(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


class LessonPage:
    """One lesson, opened in its own JupyterLab workspace."""

    def __init__(self, page: Page, lab: LabServer, name: str):
        self.page, self.lab, self.name = page, lab, name
        self.filename = f"{name}.py"
        self.panel: Locator = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")

    # ------------------------------------------------------------ opening and running

    def open_by_double_click(self, timeout_s: float = 120) -> str:
        """Double-click the lesson's .py in the file browser; returns the classes of what opened."""
        page = self.page
        page.goto(f"{self.lab.base_url}/lab/workspaces/{self.name}?reset&token={self.lab.token}")
        item = page.locator(".jp-DirListing-item").filter(
            has=page.locator(".jp-DirListing-itemText", has_text=exactly(self.filename))
        )
        item.wait_for(timeout=timeout_s * 1000)
        item.dblclick()
        tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
        tab.filter(has_text=exactly(self.filename)).wait_for(timeout=timeout_s * 1000)
        document = page.locator(".jp-MainAreaWidget.jp-Document:not(.lm-mod-hidden)")
        document.wait_for(timeout=timeout_s * 1000)
        return document.get_attribute("class") or ""

    def wait_for_kernel(self, timeout_s: float = 120) -> str:
        """Wait until the notebook's kernel is idle, picking the course kernel if JupyterLab asks."""
        page = self.page
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            dialog = page.locator(".jp-Dialog")
            if dialog.count() and dialog.first.is_visible():
                choice = dialog.locator("select")
                if choice.count():
                    choice.first.select_option(label=KERNEL_NAME)
                dialog.locator("button.jp-mod-accept").first.click()
            name = self.kernel_name()
            if name and name != "No Kernel" and self.kernel_status() == "idle":
                return name
            time.sleep(0.5)
        raise AssertionError(
            f"the kernel of {self.filename} was not idle within {timeout_s:.0f} s "
            f"(kernel {self.kernel_name()!r}, status {self.kernel_status()!r})"
        )

    def kernel_name(self) -> str | None:
        """The kernel's name as the notebook's toolbar shows it ("No Kernel" before one starts)."""
        name = self.panel.locator(".jp-Toolbar-kernelName")
        text = name.evaluate_all("els => els.length ? els[0].textContent : null")
        return text.strip() if text is not None else None

    def kernel_status(self) -> str | None:
        indicator = self.panel.locator(".jp-Notebook-ExecutionIndicator")
        return indicator.evaluate_all("els => els.length ? els[0].getAttribute('data-status') : null")

    def run_all_cells(self, timeout_s: float) -> float:
        """Run → Run All Cells, and wait until no cell is queued and the kernel is idle."""
        page = self.page
        page.locator(".lm-MenuBar-itemLabel").get_by_text("Run", exact=True).click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        start = time.monotonic()

        def has_begun():  # the lesson opened without outputs: a prompt other than "[ ]:" shows it runs
            return any(re.search(r"\[[\d*]+\]", p) for p in self.prompts())

        self.wait_until_settled(timeout_s, started=has_begun)
        return time.monotonic() - start

    def wait_until_settled(self, timeout_s: float, started=lambda: True, quiet_polls: int = 3) -> None:
        """Wait until `started()` has been true once, then until nothing runs for a few polls."""
        deadline = time.monotonic() + timeout_s
        seen_start, quiet = False, 0
        while time.monotonic() < deadline:
            seen_start = seen_start or started()
            busy = any("*" in p for p in self.prompts()) or self.kernel_status() != "idle"
            quiet = 0 if (busy or not seen_start) else quiet + 1
            if quiet >= quiet_polls:
                return
            time.sleep(0.5)
        raise AssertionError(f"{self.filename}: still running after {timeout_s:.0f} s; prompts {self.prompts()}")

    # ------------------------------------------------------------ reading the notebook

    def code_cells(self) -> Locator:
        return self.panel.locator(".jp-Notebook .jp-CodeCell")

    def prompts(self) -> list[str]:
        return (
            self.code_cells().locator(".jp-InputArea-prompt").evaluate_all("els => els.map(e => e.textContent.trim())")
        )

    def top_level_outputs(self) -> Locator:
        """The outputs of code cells (not the outputs nested in an ipywidgets Output)."""
        return self.panel.locator(".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output")

    def error_outputs(self) -> list[str]:
        """Text of every output that is an error: a traceback, or a renderer that failed.

        JupyterLab renders an error (and stderr) with data-mime-type application/vnd.jupyter.stderr;
        warnings and progress bars also go to stderr, so an error is told apart by its text.
        """
        texts = self.panel.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).evaluate_all("els => els.map(e => e.textContent)")
        error = re.compile(
            r"Traceback \(most recent call last\)|^\s*\w*(Error|Exception)\b.*:|Javascript Error", re.MULTILINE
        )
        return [t for t in texts if error.search(t)]

    def widget(self, label: str) -> Locator:
        """The cell output holding the widget whose control is described by `label`."""
        return self.top_level_outputs().filter(
            has=self.page.locator(".widget-label, button.jupyter-button", has_text=exactly(label))
        )

    # ------------------------------------------------------------ moving controls

    def control(self, widget: Locator, kind: str, label: str) -> Locator:
        if kind == "button":
            return widget.locator("button.jupyter-button", has_text=exactly(label))
        selector = {"slider": ".widget-slider", "toggle": ".widget-toggle-buttons", "dropdown": ".widget-dropdown"}[
            kind
        ]
        return widget.locator(selector).filter(has=self.page.locator(".widget-label", has_text=exactly(label)))

    def control_state(self, widget: Locator, control) -> str:
        """What the control shows now (to tell "it did not move" from "nothing followed it")."""
        found = self.control(widget, control.kind, control.label)
        if control.kind == "slider":
            readout = found.locator(".widget-readout")
            if readout.count() == 0:  # a slider whose readout is turned off
                return "readout hidden"
            return f"readout {readout.first.text_content()!r}"
        if control.kind == "toggle":
            return f"pressed {found.locator('button.mod-active').first.text_content()!r}"
        if control.kind == "dropdown":
            return f"selected {found.locator('select').first.input_value()!r}"
        return "clicked"

    def move(self, widget: Locator, control) -> None:
        found = self.control(widget, control.kind, control.label)
        if found.count() != 1:
            raise AssertionError(f"{control} found {found.count()} times in the widget, expected once")
        found.scroll_into_view_if_needed()
        if control.kind == "slider":
            handle = found.locator(".noUi-handle")
            handle.focus()
            for key in control.keys:
                handle.press(key)
        elif control.kind == "toggle":
            found.locator("button", has_text=exactly(control.value)).click()
        elif control.kind == "dropdown":
            found.locator("select").select_option(label=control.value)
        elif control.kind == "button":
            found.click()
        else:
            raise ValueError(f"unknown control kind {control.kind!r}")

    @staticmethod
    def fingerprint(widget: Locator, selector: str) -> str | None:
        """What a learner would see of an output: its HTML (an <img>'s includes its src)."""
        # One read of the page, no waiting: an output that re-renders between a count and a read
        # would otherwise leave a stale handle that waits out the locator timeout.
        return widget.locator(selector).evaluate_all("els => els.length ? els[0].outerHTML : null")
