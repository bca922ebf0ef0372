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
    assert capsys.readouterr().out == verdict + "\n"


def test_wrong_answer_names_exercise_input_got_and_expected():
    with pytest.raises(ExerciseFailed) as info:
        run_cases("Exercise 9.1", lambda x: x * x + (x < 0), SQUARES)
    message = str(info.value)
    assert message == "Exercise 9.1: <lambda>(-2.0) returned 5.0, expected 4.0 (too large)"


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
    with pytest.raises(ExerciseFailed, match=r"returned an array of shape \(3, 2\); expected shape \(2, 3\)$"):
        run_cases("E", lambda: expected.T.copy(), cases)
    wrong = expected.copy()
    wrong[1, 0] = 7.0
    with pytest.raises(ExerciseFailed, match=r"first wrong entry, at index \(1, 0\), is 7.0 instead of 3.0; 1 of 6 "):
        run_cases("E", lambda: wrong, cases)
    with pytest.raises(ExerciseFailed, match="not an array of numbers"):
        run_cases("E", lambda: "abc", cases)


def test_large_arrays_of_the_right_shape_say_so_instead_of_repeating_the_shape():
    big = np.zeros((8, 8))
    with pytest.raises(ExerciseFailed) as info:
        run_cases("E", lambda: big + 1, [((), {}, big)])
    message = str(info.value)
    assert "returned an array of the right shape (8, 8), but the first wrong entry, at index (0, 0)" in message
    assert "64 of 64 entries are wrong" in message
    assert message.count("shape (8, 8)") == 1


def test_missing_return_is_pointed_out():
    with pytest.raises(ExerciseFailed, match=r"returned None \(is a `return` missing\?\)"):
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
    with pytest.raises(ExerciseFailed, match=r"f\(1, scale=2\) returned 3, expected 2 \(too large\)"):
        def f(x, scale):
            return x + scale
        run_cases("E", f, [((1,), {"scale": 2}, 2)])


CHECKS = sorted(name for name in dir(exercises) if name.startswith("check_"))


def test_every_check_is_exported():
    assert CHECKS == sorted(n for n in exercises.__all__ if n.startswith("check_"))
    assert {"case_input", "ExerciseFailed"} <= set(exercises.__all__)


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


# --- what a student sees: message only, no answer given away, reproducible inputs, rounded numbers ---------------

import re  # noqa: E402

from IPython.core.formatters import DisplayFormatter  # noqa: E402

from updown.exercises._common import Verdict, _all_case_inputs, _call, case_input, run_by_hand  # noqa: E402

BY_HAND = ["check_pooled_sizes_by_hand", "check_weights_4x", "check_weights_at_4_5", "check_weights_2x",
           "check_nearest_by_hand", "check_sizes_by_hand", "check_overlap_by_hand", "check_subpixel_by_hand",
           "check_cubic_weights_by_hand", "check_blurpool_by_hand", "check_dilated_by_hand"]
# open-ended checks: any answer with the asked properties passes, so there are no cases to reproduce
# (tests/test_exercises_dilated.py tests it)
OPEN = ["check_hybrid_rates"]
IMPLEMENT = [name for name in CHECKS if name not in BY_HAND and name not in OPEN]


def test_a_passing_verdict_is_not_echoed_again_as_the_cell_value(capsys):
    verdict = run_cases("E", square, SQUARES)
    assert isinstance(verdict, Verdict) and isinstance(verdict, str)
    assert DisplayFormatter().format(verdict) == ({}, {})      # IPython shows no Out[...] for it
    assert DisplayFormatter().format("E: passed")[0]            # ... while a plain str would be shown
    assert capsys.readouterr().out.count("passed") == 1


def test_one_case_is_singular_and_by_hand_checks_hide_nothing(capsys):
    assert run_cases("E", square, SQUARES[:1]) == "E: passed (1 hidden case)"
    assert run_by_hand("E", lambda: (1, 2), (1, 2)) == "E: passed"


@pytest.mark.parametrize("name", CHECKS)
def test_a_failure_renders_as_its_message_only(name):
    """IPython prints ``_render_traceback_()`` instead of a traceback: one line, no source of the check."""
    def stub(*args, **kwargs):
        raise NotImplementedError

    for answer in (stub, lambda *args, **kwargs: None):
        with pytest.raises(ExerciseFailed) as info:
            getattr(exercises, name)(answer)
        rendered = info.value._render_traceback_()
        assert rendered == [f"ExerciseFailed: {info.value}"]
        assert "expected =" not in "\n".join(rendered) and "File " not in "\n".join(rendered)


def test_an_error_in_the_answer_shows_the_students_frames_but_not_the_checks():
    def helper(x):
        return {}[x]

    def broken(x):
        return helper(x) + 1

    with pytest.raises(ExerciseFailed) as info:
        run_cases("E", broken, SQUARES)
    rendered = "\n".join(info.value._render_traceback_())
    assert "raised KeyError: 0.0" in rendered
    assert "in broken\n    return helper(x) + 1" in rendered and "in helper\n    return {}[x]" in rendered
    assert "exercises/_common.py" not in rendered and "run_cases" not in rendered


def _perturbed(value, path):
    """A copy of a by-hand answer with the entry at ``path`` changed (a plausible slip: larger in size, so a
    negative entry becomes too small)."""
    if not path:
        return value + 1 if isinstance(value, int) else value * 1.5 + 0.01
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        out = dict(value)
        out[head] = _perturbed(out[head], rest)
        return out
    if isinstance(value, np.ndarray):
        out = value.copy()
        out[head] = _perturbed(float(out[head]), rest)
        return out
    out = list(value)
    out[head] = _perturbed(out[head], rest)
    return tuple(out)


def _paths(value):
    if isinstance(value, dict):
        return [(k,) + p for k, v in value.items() for p in _paths(v)]
    if isinstance(value, np.ndarray):
        return [(tuple(i),) for i in np.ndindex(value.shape)]
    if isinstance(value, (tuple, list)):
        return [(i,) + p for i, v in enumerate(value) for p in _paths(v)]
    return [()]


def _numbers_in(value):
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers_in(v)]
    if isinstance(value, (tuple, list, np.ndarray)):
        return [x for v in np.asarray(value, dtype=object).ravel().tolist() for x in _numbers_in(v)] \
            if not isinstance(value, np.ndarray) else [float(v) for v in value.ravel()]
    return [value]


def _expected_by_hand(name):
    captured = {}

    def spy(*args, **kwargs):
        raise AssertionError("unused")

    import updown.exercises._common as common
    original = common.run_by_hand

    def capture(exercise, answer, expected, **kwargs):
        captured["expected"] = expected
        return original(exercise, answer, expected, **kwargs)

    module = __import__(getattr(exercises, name).__module__, fromlist=["run_by_hand"])
    old = module.run_by_hand
    module.run_by_hand = capture
    try:
        try:
            getattr(exercises, name)(spy)
        except ExerciseFailed:
            pass
    finally:
        module.run_by_hand = old
    return captured["expected"]


@pytest.mark.parametrize("name", BY_HAND)
def test_a_wrong_by_hand_answer_names_the_entry_without_printing_the_answer(name, capsys):
    expected = _expected_by_hand(name)
    check = getattr(exercises, name)
    assert check(lambda: expected).endswith(": passed")
    fractions = {x for x in _numbers_in(expected) if not float(x).is_integer()}
    for path in _paths(expected):
        wrong = _perturbed(expected, path)
        with pytest.raises(ExerciseFailed) as info:
            check(lambda: wrong)
        message = str(info.value)
        how = re.search(r"is too (?:large|small)( \(\d+ of \d+ entries are wrong\))?$|includes (\d+), which does not belong$"
                        r"|misses 1 value\(s\)$", message)
        assert how, message
        if how.group(2):                                   # the value shown is the student's, not the answer's
            assert int(how.group(2)) not in _numbers_in(expected) or len(set(_numbers_in(wrong))) < len(
                set(_numbers_in(expected)))
        assert "expected" not in message and "instead of" not in message, message
        assert not [x for x in fractions if repr(float(x)) in message or f"{x:.6g}" in message], message


def test_by_hand_messages_for_positions_missing_values_order_and_types():
    expected = {(1, 2): 0.25, (1, 3): 0.75}
    with pytest.raises(ExerciseFailed, match=r"^E: your answer: \(0, 0\) is a wrong position"):
        run_by_hand("E", lambda: {(0, 0): 0.25, (1, 3): 0.75}, expected)
    with pytest.raises(ExerciseFailed, match=r"^E: your answer: 1 of the 2 pixels with a non-zero weight is missing$"):
        run_by_hand("E", lambda: {(1, 3): 0.75}, expected)
    with pytest.raises(ExerciseFailed, match=r"^E: the weight of \(1, 2\) is too small$"):
        run_by_hand("E", lambda: {(1, 2): 0.2, (1, 3): 0.75}, expected)
    sets = dict(names=("sizes",), unordered=("sizes",))
    with pytest.raises(ExerciseFailed, match=r"^E: sizes includes 9, which does not belong$"):
        run_by_hand("E", lambda: [(3, 9)], ((3, 4),), **sets)
    with pytest.raises(ExerciseFailed, match=r"^E: sizes misses 1 value\(s\)$"):
        run_by_hand("E", lambda: [(3,)], ((3, 4),), **sets)
    with pytest.raises(ExerciseFailed, match=r"^E: sizes has the right values, but not in increasing order$"):
        run_by_hand("E", lambda: [(4, 3)], ((3, 4),), **sets)
    with pytest.raises(ExerciseFailed, match=r"^E: your answer\[1\] should be an int, got 4.0$"):
        run_by_hand("E", lambda: (3, 4.0), (3, 4))
    with pytest.raises(ExerciseFailed, match=r"^E: w\[0, 1\] is too small \(1 of 4 entries are wrong\)$"):
        run_by_hand("E", lambda: [[1, 0], [0, 1]], np.array([[1.0, 0.5], [0.0, 1.0]]), label="w")
    with pytest.raises(ExerciseFailed, match=r"^E: return a tuple of 2: \(a, b\); got 1 values$"):
        run_by_hand("E", lambda: (1,), (1, 2), names=("a", "b"))
    with pytest.raises(ExerciseFailed, match=r"^E: the function returned None"):
        run_by_hand("E", lambda: None, (1, 2))
    assert run_by_hand("E", lambda: np.array([[1, 2], [3, 4]]), ((1, 2), (3, 4)), names=("a", "b")) == "E: passed"
    with pytest.raises(ExerciseFailed, match=r"^E: b\[1\] is too small$"):
        run_by_hand("E", lambda: np.array([[1, 2], [3, 3]]), ((1, 2), (3, 4)), names=("a", "b"))


def test_floats_in_messages_are_rounded_but_tell_got_and_expected_apart():
    with pytest.raises(ExerciseFailed) as info:
        run_cases("E", lambda: 0.1 + 0.2 - 0.19125000000000006 + 1e-3, [((), {}, 0.1 + 0.2 - 0.19125000000000006)])
    assert info.value.args[0] == "E: <lambda>() returned 0.10975, expected 0.10875 (too large)"
    with pytest.raises(ExerciseFailed) as info:
        run_cases("E", lambda: 1 / 3 + 1e-5, [((), {}, 1 / 3)], rtol=0, atol=1e-9)
    assert info.value.args[0] == "E: <lambda>() returned 0.333343, expected 0.333333 (too large)"
    with pytest.raises(ExerciseFailed) as info:
        run_cases("E", lambda: 1 / 3 + 1e-8, [((), {}, 1 / 3)], rtol=0, atol=1e-12)
    assert info.value.args[0] == "E: <lambda>() returned 0.33333334, expected 0.33333333 (too large)"


def _rebuilt(text):
    """Evaluate the arguments of a shown call ``name(...)``."""
    import torch

    return eval("(lambda *a, **k: a)" + text[text.index("("):], {"np": np, "torch": torch})


def _equal(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return type(a) is type(b) and a == b if not isinstance(a, tuple) else all(map(_equal, a, b))


def _same_input(a, b):
    import torch

    if isinstance(a, torch.Tensor):
        return torch.equal(a, b)
    if isinstance(a, torch.nn.Module):
        return all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))
    return _equal(a, b)


@pytest.mark.parametrize("name", IMPLEMENT)
def test_every_failing_case_can_be_reproduced(name):
    """Each case's input is shown inline as an exact literal, or named with the line that rebuilds it."""
    check = getattr(exercises, name)
    cases = _all_case_inputs(check)
    assert cases, name
    for index, args in enumerate(cases, start=1):
        call, how = _call("f", lambda *a: None, args, {}, name, index)
        if how:
            assert f"= case_input({name}, {index})" in how and "from updown.exercises import case_input" in how
            if index == 1:
                assert all(map(_same_input, case_input(check, index), args))
        else:
            assert _equal(_rebuilt(call), tuple(args)), (call, args)


def test_case_input_checks_its_arguments():
    with pytest.raises(TypeError, match="check must be an exercise check"):
        case_input(square, 1)
    with pytest.raises(ValueError, match="index must be a case number .* got 0"):
        case_input(exercises.check_kinks, 0)
    with pytest.raises(ValueError, match="index must be at most the number of cases of check_kinks, got 99"):
        case_input(exercises.check_kinks, 99)


def test_a_large_input_is_named_with_the_line_that_rebuilds_it():
    def bilinear_resize(img, out_h, out_w):
        return np.zeros((out_h, out_w))

    with pytest.raises(ExerciseFailed) as info:
        exercises.check_bilinear_resize(bilinear_resize)
    message = str(info.value)
    assert message.startswith("Exercise 3.3: bilinear_resize(img, 8, 8) returned an array of the right shape")
    assert "img is an array of shape (4, 4)" in message
    assert "img, out_h, out_w = case_input(check_bilinear_resize, 1)" in message
    img, out_h, out_w = case_input(exercises.check_bilinear_resize, 1)
    assert img.shape == (4, 4) and (out_h, out_w) == (8, 8)
