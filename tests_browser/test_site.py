"""The read-only site (`make html`), read in Chromium with no connection.

The site is served from 127.0.0.1 and every request beyond it is blocked (conftest.py), so a page
that needed a CDN would show it here. Each lesson's page must draw every widget it saved, in the
state it was saved in: each slider's readout, each dropdown's choice and each HTML output as the
saved widget state records them, every image loaded, and the widgets that the browser tests move
in JupyterLab (tests_browser/lessons.py) present. The outcome per lesson goes to
docs/bench/site_offline.json, which `python -m course bench course` reads.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from pathlib import Path

import pytest

from tests_browser.jupyterlab import ROOT
from tests_browser.lessons import LESSONS
from tests_browser.results import record_site_check

SITE_DIR = Path(os.environ.get("COURSE_SITE_DIR", ROOT / "docs" / "html"))
RENDER_TIMEOUT_S = 60


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    if not (SITE_DIR / "index.html").exists():
        pytest.fail(f"no site in {SITE_DIR}: build it with `make html`", pytrace=False)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=SITE_DIR))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_the_index_lists_every_lesson_in_order(site, browser_context):
    page = browser_context.new_page()
    try:
        page.goto(f"{site}/index.html")
        links = page.locator("ol > li h2 a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    finally:
        page.close()
    built = sorted(p.name for p in SITE_DIR.glob("[0-9][0-9]_*.html"))
    assert links == built, f"index.html links {links}, the site has {built}"


# Runs in the page: what the widget renderer drew, against the widget state the page saved.
_CHECK = """() => {
    const stateTag = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
    const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
    if (!stateTag) return {views: views.length, rendered: 0, problems: ["no saved widget state"], labels: []};
    const state = JSON.parse(stateTag.textContent).state;
    const models = Object.values(state);
    const text = html => { const d = document.createElement("div"); d.innerHTML = html; return d.textContent.trim(); };
    const problems = [];
    let checked = 0;
    const rendered = [...document.querySelectorAll(".widget-subarea")]
        .filter(a => a.querySelector(".jupyter-widgets")).length;
    // sliders: the readout shows a saved value of a slider with the same description
    for (const slider of document.querySelectorAll(".widget-slider")) {
        const label = slider.querySelector(".widget-label")?.textContent.trim();
        const readout = slider.querySelector(".widget-readout");
        if (!readout) continue;
        const shown = parseFloat(readout.textContent.replace("\u2212", "-"));  // a readout may print "−4.00"
        const decimals = (readout.textContent.split(".")[1] || "").replace(/[^0-9].*/, "").length;
        const saved = models.filter(m => /SliderModel$/.test(m.model_name) && m.state.description === label);
        const ok = saved.some(m => m.state._options_labels  // a selection slider shows its option's label
            ? m.state._options_labels[m.state.index] === readout.textContent.trim()
            // the slider snaps a value that is not a multiple of its step to the nearest one
            : Math.abs(m.state.value - shown) <= Math.max(0.5 * 10 ** -decimals, 0.5 * (m.state.step || 0)) + 1e-9);
        checked++;
        if (!ok) problems.push(`slider ${label}: shows ${readout.textContent}, saved ${saved.map(m => m.state.value ?? m.state.index)}`);
    }
    // dropdowns: the selected option is a saved choice of a dropdown with the same description
    for (const dropdown of document.querySelectorAll(".widget-dropdown")) {
        const label = dropdown.querySelector(".widget-label")?.textContent.trim();
        const select = dropdown.querySelector("select");
        if (!select || select.selectedIndex < 0) continue;
        // (the renderer writes an option's spaces as no-break spaces)
        const shown = select.options[select.selectedIndex].textContent.replace(/\u00a0/g, " ").trim();
        const saved = models.filter(m => m.model_name === "DropdownModel" && m.state.description === label);
        checked++;
        if (!saved.some(m => (m.state._options_labels || [])[m.state.index] === shown))
            problems.push(`dropdown ${label}: shows ${shown}`);
    }
    // HTML outputs: each shows the text of a saved HTML value
    const savedTexts = new Set(models.filter(m => m.model_name === "HTMLModel").map(m => text(m.state.value || "")));
    for (const html of document.querySelectorAll(".widget-html-content")) {
        checked++;
        if (!savedTexts.has(html.textContent.trim()))
            problems.push(`HTML output not in the saved state: ${html.textContent.trim().slice(0, 80)}`);
    }
    // images, in Image widgets and in Output widgets: drawn, not broken (an Image widget saved
    // with no bytes, such as an answer not asked for yet, draws nothing)
    const empty = models.filter(m => m.model_name === "ImageModel"
        && !(m.buffers || []).some(b => b.path[0] === "value" && b.data)).length;
    const broken = [...document.querySelectorAll(".jupyter-widgets img")]
        .filter(img => { checked++; return !(img.complete && img.naturalWidth > 0); });
    if (broken.length > empty)
        problems.push(`${broken.length - empty} image(s) did not load: ${broken[0].src.slice(0, 60)}`);
    if (document.body.textContent.includes("Error displaying widget")) problems.push("Error displaying widget");
    const labels = [...document.querySelectorAll(".jupyter-widgets .widget-label, .jupyter-widgets button")]
        .map(e => e.textContent.trim());
    return {views: views.length, rendered, checked, problems, labels};
}"""


@pytest.mark.parametrize("lesson_name", sorted(LESSONS))
def test_each_lesson_draws_its_widgets_in_their_saved_state_offline(site, browser_context, lesson_name):
    if not (SITE_DIR / f"{lesson_name}.html").exists():
        pytest.fail(f"the site has no {lesson_name}.html: build it with `make html`", pytrace=False)
    blocked_before = len(browser_context.external_requests)
    page = browser_context.new_page()
    try:
        page.goto(f"{site}/{lesson_name}.html", wait_until="load")
        deadline = time.monotonic() + RENDER_TIMEOUT_S
        while True:
            result = page.evaluate(_CHECK)
            if result["views"] and result["rendered"] >= result["views"] or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        page.wait_for_timeout(500)  # images decode after their widgets appear
        result = page.evaluate(_CHECK)
    finally:
        page.close()
    blocked = browser_context.external_requests[blocked_before:]
    missing = [w.name for w in LESSONS[lesson_name].widgets if w.label not in result["labels"]]
    problems = list(result["problems"])
    if result["rendered"] < result["views"] or not result["views"]:
        problems.append(f"{result['rendered']} of {result['views']} saved widget views drawn")
    if missing:
        problems.append(f"widgets not drawn: {missing}")
    if blocked:
        problems.append(f"requests beyond this machine: {blocked[:5]}")
    record_site_check(
        lesson_name,
        {
            "widget_views": result["views"],
            "drawn": result["rendered"],
            "values_checked": result.get("checked", 0),
            "problems": problems[:20],
            "ok": not problems,
        },
    )
    assert not problems, f"{lesson_name}.html:\n" + "\n".join(problems[:20])
