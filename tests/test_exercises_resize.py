"""The exercise checks of the chapter *Bicubic, area and antialiasing* pass on the solutions and fail on wrong
answers and on stubs."""
import numpy as np
import pytest

from updown.exercises import resize as E
from updown.exercises._common import ExerciseFailed


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise")


# ------------------------------------------------------------------------------------------- solutions

def cubic_by_hand():
    return -0.09375, 0.59375, 0.59375, -0.09375


def area_weights(n_in, n_out):
    i = np.arange(n_out)
    start, end = i * n_in // n_out, -(-(i + 1) * n_in // n_out)
    j = np.arange(n_in)
    return ((j >= start[:, None]) & (j < end[:, None])) / (end - start)[:, None]


def antialias_weights(n_in, n_out):
    scale = n_in / n_out
    stretch = max(scale, 1.0)
    d = np.arange(n_in) + 0.5 - (np.arange(n_out)[:, None] + 0.5) * scale
    w = np.maximum(0, 1 - np.abs(d) / stretch)
    return w / w.sum(axis=1, keepdims=True)


# ------------------------------------------------------------------------------------------- wrong answers

def cubic_by_hand_a_half():                 # Keys' a = -0.5 instead of PyTorch's -0.75
    return -0.0625, 0.5625, 0.5625, -0.0625


def area_weights_floor_end(n_in, n_out):    # end = floor: boxes too short
    i = np.arange(n_out)
    start, end = i * n_in // n_out, np.maximum((i + 1) * n_in // n_out, i * n_in // n_out + 1)
    j = np.arange(n_in)
    return ((j >= start[:, None]) & (j < end[:, None])) / (end - start)[:, None]


def antialias_not_widened(n_in, n_out):     # the plain tent, renormalised
    d = np.arange(n_in) + 0.5 - (np.arange(n_out)[:, None] + 0.5) * n_in / n_out
    w = np.maximum(0, 1 - np.abs(d))
    return w / w.sum(axis=1, keepdims=True)


def antialias_not_normalised(n_in, n_out):
    scale = n_in / n_out
    d = np.arange(n_in) + 0.5 - (np.arange(n_out)[:, None] + 0.5) * scale
    return np.maximum(0, 1 - np.abs(d) / max(scale, 1.0)) / max(scale, 1.0)


@pytest.mark.parametrize("check, solution", [
    (E.check_cubic_weights_by_hand, cubic_by_hand),
    (E.check_area_weights, area_weights),
    (E.check_antialias_weights, antialias_weights),
])
def test_solutions_pass(check, solution, capsys):
    check(solution)
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("check, wrong", [
    (E.check_cubic_weights_by_hand, cubic_by_hand_a_half),
    (E.check_area_weights, area_weights_floor_end),
    (E.check_antialias_weights, antialias_not_widened),
    (E.check_antialias_weights, antialias_not_normalised),
])
def test_wrong_answers_fail(check, wrong):
    with pytest.raises(ExerciseFailed):
        check(wrong)


@pytest.mark.parametrize("check", [E.check_cubic_weights_by_hand, E.check_area_weights, E.check_antialias_weights])
def test_stubs_say_not_done(check):
    with pytest.raises(ExerciseFailed, match="not done yet"):
        check(stub)


def test_messages_name_the_chapter_number():
    with pytest.raises(ExerciseFailed, match=rf"Exercise {E.CHAPTER}\.2"):
        E.check_area_weights(area_weights_floor_end)
