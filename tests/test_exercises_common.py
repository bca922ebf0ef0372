"""run_cases, the engine of every exercise check, and every check's answer to the student edition's stub."""
import functools
import inspect

import numpy as np
import pytest

import updown.exercises as exercises
from updown.exercises._common import ExerciseFailed, run_cases

SQUARES = [((x,), {}, float(x * x)) for x in (0.0, 1.5, -2.0, 3.0)]


def square(x):
    return x * x


def test_passes_prints_and_returns_the_verdict(capsys):
    verdict = run_cases("Exercise 9.1", square, SQUARES)
    assert verdict == "Exercise 9.1: passed (4 hidden cases)"
    assert capsys.readouterr().out.strip() == verdict


def test_wrong_answer_names_exercise_input_got_and_expected():
    with pytest.raises(ExerciseFailed) as info:
        run_cases("Exercise 9.1", lambda x: x * x + (x < 0), SQUARES)
    message = str(info.value)
    assert message.startswith("Exercise 9.1: <lambda>(-2.0) returned 5.0, expected 4.0")


def test_stub_is_reported_as_not_done_yet():
    def stub(x):
        raise NotImplementedError("Exercise 9.1")

    with pytest.raises(ExerciseFailed, match=r"^Exercise 9\.1: not done yet") as info:
        run_cases("Exercise 9.1", stub, SQUARES)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_error_in_the_answer_is_reported_with_its_input():
    def broken(x):
        return [1, 2][int(x) + 5]

    with pytest.raises(ExerciseFailed, match=r"broken\(0\.0\) raised IndexError: list index out of range") as info:
        run_cases("Exercise 9.2", broken, SQUARES)
    assert isinstance(info.value.__cause__, IndexError)


def test_answer_must_be_callable():
    with pytest.raises(TypeError, match="answer must be a function, got int"):
        run_cases("Exercise 9.1", 3, SQUARES)


def test_tolerances_are_applied():
    cases = [((1.0,), {}, 1.0)]
    run_cases("E", lambda x: x + 1e-9, cases)
    with pytest.raises(ExerciseFailed):
        run_cases("E", lambda x: x + 1e-3, cases)
    run_cases("E", lambda x: x + 1e-3, cases, rtol=0, atol=1e-2)


def test_arrays_shape_and_first_wrong_entry_are_shown():
    expected = np.arange(6.0).reshape(2, 3)
    cases = [((), {}, expected)]
    run_cases("E", lambda: expected.tolist(), cases)  # a nested list with the right values is accepted
    with pytest.raises(ExerciseFailed, match=r"\(shape \(3, 2\) instead of \(2, 3\)\)"):
        run_cases("E", lambda: expected.T.copy(), cases)
    wrong = expected.copy()
    wrong[1, 0] = 7.0
    with pytest.raises(ExerciseFailed, match=r"first wrong entry at index \(1, 0\): 7 instead of 3; 1 of 6 entries"):
        run_cases("E", lambda: wrong, cases)
    with pytest.raises(ExerciseFailed, match="not an array of numbers"):
        run_cases("E", lambda: "abc", cases)


def test_large_arrays_are_summarised_by_shape():
    big = np.zeros((5, 5))
    with pytest.raises(ExerciseFailed, match=r"returned array of shape \(5, 5\), expected array of shape \(5, 5\)"):
        run_cases("E", lambda: big + 1, [((), {}, big)])


def test_missing_return_is_pointed_out():
    with pytest.raises(ExerciseFailed, match="returned None, expected 4.0 .*is a `return` missing"):
        run_cases("E", lambda x: None, [((2.0,), {}, 4.0)])


def test_tuples_lists_ints_and_bools():
    run_cases("E", lambda: [0, 1, 2], [((), {}, (0, 1, 2))])
    run_cases("E", lambda: np.bool_(True), [((), {}, True)])  # a NumPy bool is a bool
    with pytest.raises(ExerciseFailed):
        run_cases("E", lambda: (0, 1), [((), {}, (0, 1, 2))])
    with pytest.raises(ExerciseFailed):
        run_cases("E", lambda: 1, [((), {}, True)])  # 1 is not True
    with pytest.raises(ExerciseFailed):
        run_cases("E", lambda: True, [((), {}, 1)])


def test_answers_without_a_name_are_reported():
    answer = functools.partial(lambda x, k: x * k, k=3)
    with pytest.raises(ExerciseFailed, match=r"E: partial\(2\.0\) returned 6\.0"):
        run_cases("E", answer, [((2.0,), {}, 4.0)])


def test_keyword_arguments_are_shown():
    with pytest.raises(ExerciseFailed, match=r"f\(1, scale=2\) returned 3, expected 2"):
        def f(x, scale):
            return x + scale
        run_cases("E", f, [((1,), {"scale": 2}, 2)])


CHECKS = sorted(name for name in dir(exercises) if name.startswith("check_"))


def test_every_check_is_exported():
    assert CHECKS == sorted(exercises.__all__)


@pytest.mark.parametrize("name", CHECKS)
def test_every_check_says_not_done_yet_to_the_stub(name):
    """The student edition's stub raises NotImplementedError; every check must answer "not done yet"."""
    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise N.M")

    check = getattr(exercises, name)
    with pytest.raises(ExerciseFailed, match="not done yet"):
        check(stub)


@pytest.mark.parametrize("name", CHECKS)
def test_every_check_names_its_exercise(name):
    """A wrong answer (returning None) is rejected with a message that starts with "Exercise N.M:"."""
    check = getattr(exercises, name)
    with pytest.raises(ExerciseFailed, match=r"^Exercise \d+\.\d+: "):
        check(lambda *args, **kwargs: None)
    assert inspect.getdoc(check), f"{name} has no docstring saying what the answer must be"
