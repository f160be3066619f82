"""What every lesson's widgets share: one box that tests can look inside.

A lesson widget is a plain `VBox`. It carries the controls a learner moves (`.controls`) and the
views those controls change (`.views`), so unit tests can move each control and check that what
is shown changed, without a browser.
"""

from __future__ import annotations

import ipywidgets as W


def widget_box(children: list, controls: list, views: list) -> W.VBox:
    box = W.VBox(children)
    box.controls, box.views = controls, views
    return box
