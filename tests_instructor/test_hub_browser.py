"""Two students on the class hub, in Chromium: each logs in with the class password, opens Lesson
01 in their own server, edits it and saves; neither sees the other's edit."""

from __future__ import annotations

import json
import time

import pytest
import requests

from tests_browser.jupyterlab import CHROMIUM_ARGS, find_chromium, free_port

STUDENTS = ("alice", "bob")
LESSON = "01_embeddings.ipynb"


@pytest.fixture(scope="module")
def hub(assigned, tmp_path_factory):
    from course.coursework.hub import Hub

    _, outdir = assigned
    port = free_port()
    server = Hub(tmp_path_factory.mktemp("hub"), outdir / "student", port=port)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _saved_lesson(hub, name: str) -> str:
    """The lesson as saved in the student's home, read through their server's contents API."""
    response = requests.get(
        f"{hub.url}/user/{name}/api/contents/{LESSON}",
        headers={"Authorization": f"token {hub.admin_token}"},
        timeout=30,
    )
    response.raise_for_status()
    return json.dumps(response.json()["content"])


def _log_in_and_edit(context, hub, name: str, marker: str) -> None:
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", hub.password)
    page.click("input[type=submit], button[type=submit]")
    # logged in: the hub starts their server (a pending page, or straight to it when it is quick)
    page.wait_for_url(lambda url: f"/spawn-pending/{name}" in url or f"/user/{name}/" in url, timeout=60_000)
    hub.wait_ready(name, timeout_s=240)
    page.goto(f"{hub.url}/user/{name}/lab/tree/{LESSON}")
    editor = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .cm-content").first
    editor.wait_for(timeout=180_000)
    editor.click()
    page.keyboard.press("Control+Home")
    page.keyboard.type(f"# {marker}\n")
    page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) [data-command="docmanager:save"]').first.click()
    deadline = time.monotonic() + 60
    while marker not in _saved_lesson(hub, name):
        if time.monotonic() > deadline:
            page.screenshot(path=str(hub.directory / f"{name}-not-saved.png"))
            raise AssertionError(f"{name}'s edit was never saved (screenshot in {hub.directory})")
        time.sleep(1)
    page.close()


def test_two_students_do_not_see_each_others_edits(hub):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium on PATH nor in COURSE_CHROMIUM: `make setup-browser` installs it (apt-get as root)")
    from playwright.sync_api import sync_playwright

    markers = {name: f"edited by {name} only" for name in STUDENTS}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            for name in STUDENTS:  # each student in their own browser profile (own cookies)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                _log_in_and_edit(context, hub, name, markers[name])
                context.close()
        finally:
            browser.close()
    for name in STUDENTS:
        saved = _saved_lesson(hub, name)
        assert markers[name] in saved
        for other in STUDENTS:
            if other != name:
                assert markers[other] not in saved, f"{name} sees {other}'s edit"
        assert (hub.directory / "homes" / name / LESSON).exists()
