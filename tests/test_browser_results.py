"""What the browser tests write for `python -m course bench course`: response times and p95."""

import json

from tests_browser import results


def test_p95_interpolates_between_ranks():
    assert results.p95([]) is None
    assert results.p95([0.3]) == 0.3
    assert results.p95([float(i) for i in range(1, 21)]) == 19.05


def test_a_partial_run_keeps_the_other_lessons_and_reports_slow_controls(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "BENCH_DIR", tmp_path)
    monkeypatch.setattr(results, "_responses", {})
    monkeypatch.setattr(results, "_site", {})
    old = {"lessons": {"01_a": [{"widget": "w", "control": "c", "seconds": 0.2, "trains_a_model": False}]}}
    (tmp_path / "widget_response.json").write_text(json.dumps(old))
    results.record_response("02_b", "w", "slider 'x'", 0.7, trains=False)
    results.record_response("02_b", "w", "button 'solve'", 9.0, trains=True)
    results.write()
    record = json.loads((tmp_path / "widget_response.json").read_text())
    assert sorted(record["lessons"]) == ["01_a", "02_b"]
    assert record["p95_seconds_per_lesson"] == {"01_a": 0.2, "02_b": 0.7}
    assert [s["control"] for s in record["slow_controls"]] == ["slider 'x'"]  # training is exempt
    assert record["p95_seconds"] == 0.675
    assert not (tmp_path / "site_offline.json").exists()
