"""The browser tests' set-up: one JupyterLab server and one Chromium for the whole run.

Chromium is the system's (`make setup-browser` installs it), launched by Playwright with a fresh
profile; nothing is downloaded at test time. Requests from the page to anywhere but the local
server are refused and recorded: the course must work offline in the browser too.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

from tests_browser import results
from tests_browser.jupyterlab import CHROMIUM_ARGS, LabServer, find_chromium
from tests_browser.lessons import lessons_to_test


def pytest_collection_modifyitems(items):
    """Run each lesson's tests together: its notebook runs once (`lessons` in test_lessons.py)."""
    order = {name: i for i, name in enumerate(lessons_to_test())}

    def lesson_of(item):
        callspec = getattr(item, "callspec", None)
        return order.get(callspec.params.get("lesson_name") if callspec else None, -1)

    items.sort(key=lesson_of)  # stable: within a lesson the file's order stays


def pytest_sessionfinish(session, exitstatus):
    """Write the widgets' response times and the site's check (tests_browser/results.py)."""
    results.write()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("no Chromium found: run `make setup-browser`, or set COURSE_CHROMIUM to its path")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"),
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
            device_scale_factor=1,
        )
        context.external_requests = []

        def local_only(route):
            host = urlparse(route.request.url).hostname
            if host in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                context.external_requests.append(route.request.url)
                route.abort()

        context.route(lambda url: urlparse(url).scheme in ("http", "https"), local_only)
        try:
            yield context
        finally:
            context.close()
