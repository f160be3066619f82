"""The course-wide counts (`python -m course bench course`) on small made-up lessons, and the
figures the docs quote against the bench JSON recorded in docs/bench/."""

import json

import pytest

from course import syllabus

GOOD_LESSON = """# %% [markdown]
# # Lesson 07 — Made up: a lesson for the tests
#
# Some words. **Does a made-up lesson count?** More words.
#
# ## You will learn to
# * count objectives;
# * read a learner time, even when a bullet
#   runs over two lines;
# * find paper links.
#
# **Prerequisites:** none.
#
# **Learner time:** about 45 minutes (reading + exercises)
#
# ## Papers
# * Someone (2020), *A paper*: https://arxiv.org/abs/2001.00001
# * Someone else (1999), *Another*: https://doi.org/10.1000/xyz
#
# ## The set-up

# %% tags=["exercise"]
def double(x):
    # BEGIN SOLUTION
    return 2 * x
    # END SOLUTION


# %% tags=["check"]
print("check")

# %% tags=["exercise", "question"]
# BEGIN SOLUTION
answer_made_up = "b"
# END SOLUTION

# %% tags=["check"]
print("check")

# %%
score = 0.25

# %% [markdown]
# ## Summary

# %% tags=["summary"]
print(f"Yes: the score is {score:.2f}, counted from lesson {7}.")
"""


def write(tmp_path, name, text):
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    return path


def test_a_lesson_that_follows_the_skeleton_counts_everywhere(tmp_path):
    lesson = syllabus.outline(write(tmp_path, "07_made_up", GOOD_LESSON))
    assert lesson.title == "Lesson 07 — Made up: a lesson for the tests"
    assert lesson.question == "Does a made-up lesson count?"
    assert len(lesson.objectives) == 3 and lesson.has_objectives
    assert lesson.objectives[1] == "read a learner time, even when a bullet runs over two lines;"
    assert lesson.learner_minutes == 45
    assert lesson.papers == ["https://arxiv.org/abs/2001.00001", "https://doi.org/10.1000/xyz"]
    assert (lesson.exercises, lesson.question_exercises) == (2, 1)
    assert lesson.computed_summary


def test_a_lesson_without_the_skeleton_counts_nowhere(tmp_path):
    bare = "# %% [markdown]\n# # Lesson 08 — Bare\n\n# %%\nx = 1\n"
    lesson = syllabus.outline(write(tmp_path, "08_bare", bare))
    assert not lesson.has_objectives and lesson.learner_minutes is None and not lesson.papers
    assert (lesson.exercises, lesson.question_exercises, lesson.computed_summary) == (0, 0, False)


def test_two_objectives_are_too_few_and_six_too_many(tmp_path):
    for count in (2, 6):
        bullets = "".join(f"# * objective {i}\n" for i in range(count))
        text = f"# %% [markdown]\n# # Lesson 09 — X\n#\n# ## You will learn to\n{bullets}#\n# ## Next\n"
        assert not syllabus.outline(write(tmp_path, f"09_n{count}", text)).has_objectives


@pytest.mark.parametrize(
    ("source", "computed"),
    [
        ('print(f"Yes: {score:.2f}")', True),
        ('verdict = "yes" if score > 0.2 else "no"\nprint(f"{verdict.capitalize()}: {score:.0%} of {n} games")', True),
        ('print("Yes: the score is 0.25")', False),  # typed, not computed
        ('print(f"Yes: {score:.2f}, up from 0.19")', False),  # a typed figure beside a computed one
        ('print(f"Yes: {score:.2f}, 40 % better")', False),
        ("print(score)", False),  # no sentence built from the figures
        ('f"{score}"', False),  # nothing printed
    ],
)
def test_a_summary_counts_as_computed_only_when_it_types_no_figure(source, computed):
    assert syllabus.summary_is_computed(source) is computed


def test_a_summary_cell_before_the_summary_heading_does_not_count(tmp_path):
    text = GOOD_LESSON.replace("# %% [markdown]\n# ## Summary\n\n", "")
    assert not syllabus.outline(write(tmp_path, "07_no_heading", text)).computed_summary


def test_quoted_figures_are_checked_against_the_recorded_json_at_the_quoted_rounding(tmp_path):
    bench_dir = tmp_path / "bench"
    bench_dir.mkdir()
    (bench_dir / "toy.json").write_text(json.dumps({"ratio": 2.1349, "steps": 1250, "by": {"a": [0.5, -36.04]}}))
    doc = tmp_path / "results.md"
    doc.write_text(
        "| `toy.ratio = 2.13` | `toy.steps = 1,250` |\n"
        "and `toy.by.a.1 = −36.0` %, `toy.ratio = 2.1349`\n"
        "wrong: `toy.ratio = 2.2`, `toy.steps = 1200`, `toy.missing = 1`, `other.x = 1`, `toy.by = 1`\n"
    )
    checked, problems = syllabus.check_quotes([doc], bench_dir)
    assert checked == 9
    assert len(problems) == 5
    assert all(":3:" in p for p in problems), problems


def test_the_files_the_browser_tests_write_are_read(tmp_path):
    widgets = tmp_path / "widget_response.json"
    widgets.write_text(json.dumps({"lessons": {"01_x": [0.1, 0.2]}, "p95_seconds": 0.19}))
    assert syllabus.widget_response_p95(widgets) == 0.19
    site = tmp_path / "site.json"
    site.write_text(json.dumps({"lessons": {"01_x": {"ok": True}, "02_y": {"ok": False}, "03_z": {"ok": True}}}))
    assert syllabus.site_offline_widgets_ok(site) == 2
    assert syllabus.widget_response_p95(tmp_path / "missing.json") is None


def test_every_figure_the_docs_quote_matches_the_recorded_bench():
    checked, problems = syllabus.check_quotes()
    assert not problems, "figures in the docs disagree with docs/bench/*.json:\n" + "\n".join(problems)
    assert checked >= 40, f"only {checked} figures in the docs are quoted as `bench.key = value`"


def test_the_readme_lesson_table_is_the_one_the_notebooks_give():
    readme = (syllabus.REPO_ROOT / "README.md").read_text()
    expected = syllabus.readme_with_table(readme, syllabus.lesson_table())
    assert readme == expected, "README.md's lesson table is out of date: run `python -m course.syllabus`"


def test_the_readme_is_a_landing_page():
    lines = (syllabus.REPO_ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines; tables and logs belong in docs/"
    for page in ("docs/results.md", "docs/guide.md", "docs/gallery.md"):
        assert (syllabus.REPO_ROOT / page).exists() and page in "\n".join(lines)
