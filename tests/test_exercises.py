"""The exercise convention: solutions between markers, stubs in the student version, checks
that pass the reference, fail wrong answers and let a stub through as "not done yet"; question
exercises answered against hashed references."""

import hashlib

import numpy as np
import pytest

from course.core import exercises
from course.core.checking import NOT_DONE, ExerciseCheckFailed
from course.core.exercises import (
    STUB,
    ExerciseFormatError,
    Question,
    answer_digest,
    check_answer,
    count_exercises,
    question_answers,
    strip_solutions,
)
from course.core.paths import NOTEBOOKS_DIR
from course.embeddings import checks
from course.embeddings import metrics as M
from course.novelty import checks as novelty_checks

SOURCE = '''def f(x):
    """doc"""
    # BEGIN SOLUTION
    y = x + 1
    return y
    # END SOLUTION


print(f)
'''


def test_strip_solutions_replaces_block_with_indented_stub():
    student = strip_solutions(SOURCE)
    assert "y = x + 1" not in student and "BEGIN SOLUTION" not in student
    assert '    raise NotImplementedError("Exercise: replace this line with your solution")\n' in student
    namespace = {}
    exec(compile(student, "student", "exec"), namespace)
    with pytest.raises(NotImplementedError):
        namespace["f"](1)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("x = 1\n# END SOLUTION\n", "without a BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside another"),
    ],
)
def test_malformed_markers_are_reported(bad, message):
    with pytest.raises(ExerciseFormatError, match=message):
        strip_solutions(bad)


def test_every_lesson_has_an_exercise_and_balanced_markers():
    for source in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py")):
        text = source.read_text()
        assert count_exercises(text) >= 1, f"{source.name} has no exercise"
        strip_solutions(text, origin=source.name)  # raises on unbalanced markers


def test_checks_pass_the_reference_solutions(capsys):
    checks.check_participation_ratio(M.participation_ratio)
    checks.check_mig_from_mutual_info(
        lambda mi, h: float(((np.sort(mi, 0)[::-1][0] - np.sort(mi, 0)[::-1][1]) / h).mean())
    )
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong",
    [
        lambda z: float(z.shape[1]),  # counts dimensions
        lambda z: float(z.var(axis=0).sum() ** 2 / (z.var(axis=0) ** 2).sum()),  # per-axis variances
        lambda z: float(np.linalg.eigvalsh(np.cov(z.T)).sum()),  # total variance
    ],
)
def test_participation_ratio_check_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseCheckFailed):
        checks.check_participation_ratio(wrong)


@pytest.mark.parametrize(
    "wrong",
    [
        lambda mi, h: float((mi.max(0) / h).mean()),  # no gap
        lambda mi, h: float((np.sort(mi, 0)[::-1][0] - np.sort(mi, 0)[::-1][1]).mean()),  # not normalised
        lambda mi, h: float((np.sort(mi, 1)[:, ::-1][:, 0] - np.sort(mi, 1)[:, ::-1][:, 1]).mean()),  # wrong axis
    ],
)
def test_mig_check_rejects_wrong_answers(wrong):
    with pytest.raises(ExerciseCheckFailed):
        checks.check_mig_from_mutual_info(wrong)


# ---------------------------------------------------------------------------------------------
# Question exercises


QUESTION_SOURCE = """# Which is it? (a) one, (b) two, (c) three
# BEGIN SOLUTION
answer_count = "b"
# Explanation: because two.
# END SOLUTION
"""


def _questions(monkeypatch, **questions):
    monkeypatch.setattr(exercises, "lesson_questions", lambda key: questions if key == "demo" else {})


def test_question_block_becomes_a_none_answer_listing_the_choices():
    question = Question("how many", answer_digest("demo.count", "b"), choices=("a", "b", "c"))
    student = strip_solutions(QUESTION_SOURCE, questions={"count": question})
    assert (
        student == '# Which is it? (a) one, (b) two, (c) three\nanswer_count = None  # your answer: "a", "b" or "c"\n'
    )
    assert "Explanation" not in student and '"b"\n' not in student


def test_question_block_keeps_indentation_and_says_number():
    source = "if True:\n    # BEGIN SOLUTION\n    answer_ratio = 3.5\n    # END SOLUTION\n"
    question = Question("ratio", answer_digest("demo.ratio", 3.5, 0.5), tolerance=0.5)
    assert strip_solutions(source, questions={"ratio": question}) == (
        "if True:\n    answer_ratio = None  # your answer: a number\n"
    )
    assert "answer_ratio = None  # your answer: see the question above" in strip_solutions(source)


def test_block_with_more_than_an_answer_is_a_function_stub():
    source = "# BEGIN SOLUTION\nanswer_x = 1\ny = 2\n# END SOLUTION\n"
    assert strip_solutions(source) == STUB + "\n"


def test_question_answers_lists_each_question_block():
    assert question_answers(QUESTION_SOURCE + SOURCE) == {"count": 'answer_count = "b"'}


def test_check_answer_multiple_choice(monkeypatch, capsys):
    _questions(monkeypatch, count=Question("how many", answer_digest("demo.count", "b"), choices=("a", "b", "c")))
    assert check_answer("demo.count", None) is False
    assert "not answered yet" in capsys.readouterr().out
    for right in ("b", " B", "(b)", "b)"):
        assert check_answer("demo.count", right) is True
        assert "✓" in capsys.readouterr().out
    assert check_answer("demo.count", "a") is False
    assert "✗" in capsys.readouterr().out
    for invalid in ("d", 2, ["b"], ""):
        assert check_answer("demo.count", invalid) is False
        out = capsys.readouterr().out
        assert "✗" in out and "not an answer" in out


def test_check_answer_numeric_tolerance(monkeypatch, capsys):
    _questions(monkeypatch, ratio=Question("ratio", answer_digest("demo.ratio", 3.7, 0.5), tolerance=0.5))
    for near in (3.7, 3.2, 4.2, 3.45, 4):
        assert check_answer("demo.ratio", near) is True, near
    for far in (2.6, 4.8, -3.7, 37):
        assert check_answer("demo.ratio", far) is False, far
    for invalid in ("3.7", True, float("nan"), None):
        assert check_answer("demo.ratio", invalid) is False
    assert "✗" in capsys.readouterr().out


def test_digest_hides_the_answer_and_depends_on_the_question():
    digest = answer_digest("demo.count", "b")
    assert len(digest) == 64 and digest != answer_digest("other.count", "b") != answer_digest("demo.count", "c")
    assert digest != hashlib.sha256(b"b").hexdigest()


def test_unknown_question_and_bad_spec_are_clear(monkeypatch):
    with pytest.raises(KeyError, match="unknown lesson"):
        check_answer("nolesson.count", "a")
    _questions(monkeypatch, count=Question("how many", answer_digest("demo.count", "b"), choices=("a", "b")))
    with pytest.raises(KeyError, match="demo.count"):
        check_answer("demo.nope", "a")
    with pytest.raises(ExerciseFormatError, match="either choices or a tolerance"):
        Question("both", "0" * 64, choices=("a",), tolerance=1.0)


def test_a_questions_file_is_read_and_a_malformed_one_is_named(tmp_path):
    path = tmp_path / "questions.toml"
    path.write_text(
        f'[count]\nprompt = "how many"\ndigest = "{answer_digest("demo.count", "b")}"\nchoices = ["a", "b"]\n'
    )
    assert exercises.read_questions(path)["count"].choices == ("a", "b")
    assert exercises.read_questions(tmp_path / "none.toml") == {}
    path.write_text('[count]\nprompt = "how many"\nchoices = ["a"]\n')
    with pytest.raises(ExerciseFormatError, match=r"\[count\].*digest"):
        exercises.read_questions(path)
    path.write_text("[count\n")
    with pytest.raises(ExerciseFormatError, match="not valid TOML"):
        exercises.read_questions(path)


def test_hash_command_prints_the_digest(capsys):
    assert exercises.main(["hash", "demo.count", "b"]) == 0
    assert capsys.readouterr().out.strip() == answer_digest("demo.count", "b")
    assert exercises.main(["hash", "demo.ratio", "3.7", "--tolerance", "0.5"]) == 0
    assert capsys.readouterr().out.strip() == answer_digest("demo.ratio", 3.7, 0.5)
    with pytest.raises(SystemExit):
        exercises.main(["hash", "demo.ratio", "many", "--tolerance", "0.5"])


@pytest.mark.parametrize("source", sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py")), ids=lambda s: s.stem)
def test_every_question_in_a_lesson_is_registered_and_its_reference_answer_passes(source, capsys):
    key = exercises.lesson_key_of(source)
    questions = exercises.lesson_questions(key)
    answers = question_answers(source.read_text())
    assert set(answers) == set(questions), f"{source.name}: questions in the notebook and in its questions.toml"
    for name, code in answers.items():
        namespace = {}
        exec(code, namespace)
        assert check_answer(f"{key}.{name}", namespace[f"answer_{name}"]) is True, f"{key}.{name}"


# ---------------------------------------------------------------------------------------------
# Checks on a stub: "not done yet", and the lesson goes on


def _stub(*args, **kwargs):
    raise NotImplementedError("Exercise: replace this line with your solution")


@pytest.mark.parametrize(
    "check",
    [
        checks.check_participation_ratio,
        checks.check_mig_from_mutual_info,
        novelty_checks.check_episodic_reward,
    ],
    ids=lambda c: c.__name__,
)
def test_a_check_on_a_stub_says_not_done_yet_and_returns_false(check, capsys):
    assert check(_stub) is False
    assert capsys.readouterr().out.strip() == NOT_DONE


def test_a_check_returns_true_when_solved():
    assert checks.check_participation_ratio(M.participation_ratio) is True
