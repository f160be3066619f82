"""Each lesson, opened as a learner opens it, in JupyterLab in Chromium.

Double-click the lesson's .py in the file browser, Run All Cells, then look at what came out: no
error, every plot drawn, every widget rendered, and every main control (tests_browser/lessons.py)
changes what its widget shows when moved. The key widgets are photographed for the gallery.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import jupytext
import pytest

from tests_browser import results
from tests_browser.jupyterlab import KERNEL_NAME, NOTEBOOKS, ROOT, LessonPage
from tests_browser.lessons import LESSONS, Widget, lessons_to_test

# Screenshots of the lessons' key widgets. `make gallery` points this at docs/gallery.
GALLERY_DIR = Path(os.environ.get("COURSE_GALLERY_DIR", ROOT / "build" / "browser" / "gallery"))
# Each lesson's page as the tests left it, to look at when a test fails.
ARTIFACTS_DIR = ROOT / "build" / "browser"
CONTROL_TIMEOUT_S = 60  # a moved control's outputs must change within this
RESPONSE_POLL_S = 0.05  # how often a moved control's outputs are read while waiting for them to change
ALL_LESSONS = lessons_to_test()


def expect(condition, message: str) -> None:
    """An assertion that reports only its message (the values are in it)."""
    if not condition:
        pytest.fail(message, pytrace=False)


def _lesson_params(with_widgets: bool):
    params = []
    for name, lesson in ALL_LESSONS.items():
        missing = not (NOTEBOOKS / f"{name}.py").exists()
        marks = [pytest.mark.skip(reason=f"notebooks/{name}.py does not exist")] if missing else []
        if with_widgets:
            params += [pytest.param(name, w.name, marks=marks, id=f"{name}-{w.name}") for w in lesson.widgets]
        else:
            params.append(pytest.param(name, marks=marks, id=name))
    return params


class OpenedLesson:
    """A lesson's page; each step (open, run) happens once and its outcome is kept for later tests."""

    def __init__(self, name: str, page, lab):
        self.name, self.lesson, self.page = name, ALL_LESSONS[name], LessonPage(page, lab, name)
        self.console_errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text[:300]))
        self._done: dict[str, tuple[bool, object]] = {}

    def _step(self, step: str, action):
        if step not in self._done:
            try:
                self._done[step] = (True, action())
            except BaseException as error:
                self._done[step] = (False, error)
                raise
        ok, value = self._done[step]
        if not ok:
            pytest.fail(f"{self.name}: could not {step} (see the first test that failed): {value}", pytrace=False)
        return value

    def opened(self) -> tuple[str, str]:
        """(classes of what the double-click opened, kernel name)."""

        def open_it():
            classes = self.page.open_by_double_click()
            expect(
                "jp-NotebookPanel" in classes.split(),
                (
                    f"double-clicking {self.name}.py opened {classes!r}, not a notebook: the course's "
                    "JupyterLab settings (etc/jupyterlab-overrides.json, copied by `make setup` to "
                    ".venv/share/jupyter/lab/settings/overrides.json) must make 'Jupytext Notebook' the "
                    "default viewer of Python files"
                ),
            )
            return classes, self.page.wait_for_kernel()

        return self._step("open the notebook", open_it)

    def ran(self) -> float:
        """Seconds that Run All Cells took."""
        self.opened()
        return self._step("run all cells", lambda: self.page.run_all_cells(self.lesson.run_all_timeout_s))

    def why_missing(self) -> str:
        """A note for a widget that is not there: was the run cut short?"""
        return "" if self.ran_cleanly() else " (not every cell ran: see test_run_all_cells_without_errors)"

    def ran_cleanly(self) -> bool:
        """Every cell ran and none failed: only then are its widgets photographed for the gallery."""
        self.ran()
        return not self.page.error_outputs() and all(re.fullmatch(r"\[\d+\]:", p) for p in self.page.prompts())


@pytest.fixture(scope="session")
def lessons(lab, browser_context):
    """Opened lessons, one at a time: asking for another closes the one before (and its kernel)."""
    opened: dict[str, OpenedLesson] = {}

    def close_all():
        for name, lesson in list(opened.items()):
            try:
                ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
                lesson.page.page.screenshot(path=ARTIFACTS_DIR / f"{name}.png")
            finally:
                lesson.page.page.close()
                lab.shut_down_kernels()
                del opened[name]

    def get(name: str) -> OpenedLesson:
        if name not in opened:
            close_all()
            opened[name] = OpenedLesson(name, browser_context.new_page(), lab)
        return opened[name]

    yield get
    close_all()


def test_every_lesson_lists_its_widgets():
    unlisted = [name for name in ALL_LESSONS if name not in LESSONS]
    expect(
        not unlisted,
        f"notebooks {unlisted} have no entry in LESSONS (tests_browser/lessons.py): list "
        "their main widgets, the controls to move and the outputs that must follow",
    )


def test_the_file_browser_shows_each_lesson_once(lab):
    """Saving a lesson writes its paired .ipynb to build/ (jupytext.toml), which the file browser hides."""
    name = next(iter(ALL_LESSONS))
    model = lab.api("GET", f"/api/contents/{name}.py?type=notebook")
    expect(model["type"] == "notebook", f"{name}.py opens as {model['type']!r}, not as a notebook")
    lab.api("PUT", f"/api/contents/{name}.py", {"type": "notebook", "format": "json", "content": model["content"]})
    paired = lab.root / "build" / f"{name}.ipynb"
    expect(paired.exists(), f"saving {name}.py wrote no paired notebook at {paired}")
    listed = sorted(item["name"] for item in lab.api("GET", "/api/contents")["content"])
    lessons = sorted(f"{n}.py" for n in ALL_LESSONS if (NOTEBOOKS / f"{n}.py").exists())
    expect(listed == lessons, f"the file browser lists {listed}, not one entry per lesson {lessons}")


@pytest.mark.parametrize("lesson_name", _lesson_params(with_widgets=False))
def test_double_click_opens_the_lesson_as_a_notebook(lessons, lesson_name):
    classes, kernel = lessons(lesson_name).opened()  # fails unless a notebook opened
    expect(kernel == KERNEL_NAME, f"the notebook runs on {kernel!r}, not the course's {KERNEL_NAME!r}")


@pytest.mark.parametrize("lesson_name", _lesson_params(with_widgets=False))
def test_run_all_cells_without_errors(lessons, lesson_name, browser_context):
    lesson = lessons(lesson_name)
    seconds = lesson.ran()
    page = lesson.page
    print(f"{lesson_name}: Run All Cells took {seconds:.0f} s")

    errors = page.error_outputs()
    if errors:
        pytest.fail(f"{lesson_name}: {len(errors)} error output(s); the first:\n{errors[0]}", pytrace=False)

    sources = [c.source for c in jupytext.read(NOTEBOOKS / f"{lesson_name}.py").cells if c.cell_type == "code"]
    prompts = page.prompts()
    expect(len(prompts) == len(sources), f"{len(prompts)} code cells in JupyterLab, {len(sources)} in the .py")
    for i, (prompt, source) in enumerate(zip(prompts, sources)):
        expect(
            re.fullmatch(r"\[\d+\]:", prompt),
            (f"{lesson_name}: code cell {i + 1} did not run (prompt {prompt!r}):\n{source[:300]}"),
        )

    # a plot that never appears: every cell that shows a figure must have an image among its outputs
    images = page.code_cells().evaluate_all(
        "cells => cells.map(c => c.querySelectorAll('.jp-OutputArea-output[data-mime-type^=\"image/\"]').length)"
    )
    for i, (count, source) in enumerate(zip(images, sources)):
        if re.search(r"^plt\.show\(\)", source, re.MULTILINE):
            expect(
                count > 0, f"{lesson_name}: code cell {i + 1} shows a figure, but no image appeared:\n{source[:300]}"
            )

    expect(
        not browser_context.external_requests,
        (f"the page tried to reach beyond this machine: {browser_context.external_requests[:5]}"),
    )


@pytest.mark.parametrize("lesson_name", _lesson_params(with_widgets=False))
def test_every_widget_renders(lessons, lesson_name):
    lesson = lessons(lesson_name)
    lesson.ran()
    page = lesson.page
    deadline = time.monotonic() + 60
    while "Loading widget..." in page.panel.text_content() and time.monotonic() < deadline:
        time.sleep(0.5)
    text = page.panel.text_content()
    for problem in ("Error displaying widget", "Loading widget..."):
        count = text.count(problem)
        expect(
            count == 0,
            (
                f"{lesson_name}: {count} widget(s) show {problem!r}; browser console errors: "
                f"{lesson.console_errors[-5:]}"
            ),
        )

    roots = page.top_level_outputs().locator(":scope > .jupyter-widgets")
    expect(
        roots.count() >= len(lesson.lesson.widgets),
        (
            f"{lesson_name}: {roots.count()} widgets rendered, the lesson has at least {len(lesson.lesson.widgets)}"
            + lesson.why_missing()
        ),
    )
    for i in range(roots.count()):
        box = roots.nth(i).bounding_box()
        expect(box and box["width"] > 0 and box["height"] > 0, f"{lesson_name}: widget {i + 1} has no size: {box}")

    for widget in lesson.lesson.widgets:
        found = page.widget(widget.label)
        expect(
            found.count() == 1,
            (
                f"{lesson_name}: widget {widget.name} (control {widget.label!r}) found {found.count()} times"
                + lesson.why_missing()
            ),
        )
        expect(found.is_visible(), f"{lesson_name}: widget {widget.name} is not visible")


@pytest.mark.parametrize(("lesson_name", "widget_name"), _lesson_params(with_widgets=True))
def test_moving_a_control_changes_its_output(lessons, lesson_name, widget_name):
    lesson = lessons(lesson_name)
    lesson.ran()
    page, spec = lesson.page, lesson.lesson.widget(widget_name)
    widget = page.widget(spec.label)
    expect(
        widget.count() == 1, f"{lesson_name}: widget {widget_name} found {widget.count()} times" + lesson.why_missing()
    )

    failures = [f for control in spec.controls if (f := _move_and_compare(page, widget, control, lesson_name, spec))]
    if failures:
        pytest.fail(f"{lesson_name}, widget {widget_name}:\n" + "\n".join(failures), pytrace=False)

    if widget_name in lesson.lesson.gallery and lesson.ran_cleanly():
        _photograph(lesson_name, spec, widget, first=widget_name == lesson.lesson.gallery[0])


def _move_and_compare(page: LessonPage, widget, control, lesson_name: str, spec: Widget) -> str | None:
    """Move `control`; None when each of its outputs changed, else what went wrong. The seconds
    from the move to the changed outputs are recorded (tests_browser/results.py)."""
    before = {selector: page.fingerprint(widget, selector) for selector in control.outputs}
    missing = [s for s, fp in before.items() if fp is None]
    if missing:
        return f"  {control}: no output {missing} in the widget before it moved"
    start = time.monotonic()
    page.move(widget, control)
    deadline = start + CONTROL_TIMEOUT_S
    while True:
        now = {selector: page.fingerprint(widget, selector) for selector in control.outputs}
        unchanged = [s for s in control.outputs if now[s] is None or now[s] == before[s]]
        if not unchanged:
            break
        if time.monotonic() > deadline:
            return (
                f"  {control}, now {page.control_state(widget, control)}: after {CONTROL_TIMEOUT_S} s, "
                "still unchanged: " + "; ".join(f"{s} = {_short(before[s])}" for s in unchanged)
            )
        time.sleep(RESPONSE_POLL_S)
    results.record_response(lesson_name, spec.name, str(control), time.monotonic() - start, control.trains)
    _wait_until_still(page, widget, control.outputs)
    return None


def _wait_until_still(page: LessonPage, widget, selectors, timeout_s: float = CONTROL_TIMEOUT_S) -> None:
    """Wait until the kernel is idle and the outputs have stopped changing."""
    deadline, last, quiet = time.monotonic() + timeout_s, None, 0
    while time.monotonic() < deadline and quiet < 3:
        now = [page.fingerprint(widget, s) for s in selectors]
        quiet = quiet + 1 if (now == last and page.kernel_status() == "idle") else 0
        last = now
        time.sleep(0.3)


def _short(fingerprint: str | None) -> str:
    text = re.sub(r"base64,[A-Za-z0-9+/=]{20,}", "base64,…", fingerprint or "(none)")
    return repr(text if len(text) < 200 else text[:200] + "…")


def _photograph(lesson_name: str, spec: Widget, widget, first: bool) -> None:
    GALLERY_DIR.mkdir(parents=True, exist_ok=True)
    path = GALLERY_DIR / (f"{lesson_name}.png" if first else f"{lesson_name}-{spec.name}.png")
    root = widget.locator(":scope > .jupyter-widgets")
    root.scroll_into_view_if_needed()
    widget.page.screenshot(path=path, clip=root.evaluate(_CONTENT_BOX))


# The widget's box, narrowed to what is drawn in it: a widget is as wide as the notebook.
_CONTENT_BOX = """root => {
    const box = root.getBoundingClientRect();
    let right = box.left;
    const grow = r => { if (r.width > 0 && r.height > 0) right = Math.max(right, r.right); };
    root.querySelectorAll("img, canvas, svg, select, button, .widget-slider, .widget-readout")
        .forEach(e => grow(e.getBoundingClientRect()));
    const texts = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (texts.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(texts.currentNode);
        grow(range.getBoundingClientRect());
    }
    return {x: box.left, y: box.top, width: Math.min(right + 8, box.right) - box.left, height: box.height};
}"""
