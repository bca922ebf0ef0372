"""The exercise checks of the anti-aliasing chapter pass on the solutions and fail on wrong answers and stubs."""
import numpy as np
import pytest

from updown import pooling as P
from updown.exercises import blurpool as E
from updown.exercises._common import ExerciseFailed


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise")


# ------------------------------------------------------------------------------------------- solutions

def by_hand():
    return (1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16), (2, 3, 7, 5)


def blur_pool1d(x, filt_size, stride):
    xp = np.pad(x, ((filt_size - 1) // 2, filt_size // 2), mode="reflect")
    row = np.ones(1)
    for _ in range(filt_size - 1):
        row = np.convolve(row, [1.0, 1.0])
    row /= row.sum()
    n = (len(xp) - filt_size) // stride + 1
    return sum(row[a] * xp[a:a + stride * (n - 1) + 1:stride] for a in range(filt_size))


def frequency_response(filt, f):
    return np.abs(np.exp(-2j * np.pi * np.outer(f, np.arange(len(filt)))) @ filt)


def dense_max_changes(x, kind):
    if kind == "max":
        pool = lambda a: P.max_pool2d(a[None, None, None, :], (1, 2))[0, 0, 0]
    else:
        pool = lambda a: P.max_blur_pool2d(np.repeat(a[None, None, None, :], 4, axis=2))[0, 0, 0]
    still, one = pool(x), pool(np.roll(x, 1))
    return float(np.abs(one - (still + np.roll(still, 1)) / 2)[2:-2].max())


# ------------------------------------------------------------------------------------------- wrong answers

def by_hand_unnormalised():
    return (1, 4, 6, 4, 1), (2, 3, 7, 5)


def by_hand_no_pad_off():
    return (1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16), (2, 3, 6, 4)


def blur_zero_padding(x, filt_size, stride):
    xp = np.pad(x, ((filt_size - 1) // 2, filt_size // 2))
    row = P.binomial_filter(filt_size)
    n = (len(xp) - filt_size) // stride + 1
    return sum(row[a] * xp[a:a + stride * (n - 1) + 1:stride] for a in range(filt_size))


def blur_pad_swapped(x, filt_size, stride):      # the extra pixel of an even filter on the left
    xp = np.pad(x, (filt_size // 2, (filt_size - 1) // 2), mode="reflect")
    row = P.binomial_filter(filt_size)
    n = (len(xp) - filt_size) // stride + 1
    return sum(row[a] * xp[a:a + stride * (n - 1) + 1:stride] for a in range(filt_size))


def response_without_abs(filt, f):
    return (np.exp(-2j * np.pi * np.outer(f, np.arange(len(filt)))) @ filt).real


def response_cos_power(filt, f):                 # right for binomial filters only
    return np.abs(np.cos(np.pi * f)) ** (len(filt) - 1)


def changes_without_interpolation(x, kind):      # compares with the unshifted output
    if kind == "max":
        pool = lambda a: P.max_pool2d(a[None, None, None, :], (1, 2))[0, 0, 0]
    else:
        pool = lambda a: P.max_blur_pool2d(np.repeat(a[None, None, None, :], 4, axis=2))[0, 0, 0]
    return float(np.abs(pool(np.roll(x, 1)) - pool(x))[2:-2].max())


# ------------------------------------------------------------------------------------------------ tests

@pytest.mark.parametrize("check, solution", [
    (E.check_blurpool_by_hand, by_hand),
    (E.check_blur_pool1d, blur_pool1d),
    (E.check_frequency_response, frequency_response),
    (E.check_dense_max_changes, dense_max_changes),
])
def test_solutions_pass(check, solution, capsys):
    assert "passed" in check(solution)
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("check, wrong", [
    (E.check_blurpool_by_hand, by_hand_unnormalised),
    (E.check_blurpool_by_hand, by_hand_no_pad_off),
    (E.check_blur_pool1d, blur_zero_padding),
    (E.check_blur_pool1d, blur_pad_swapped),
    (E.check_frequency_response, response_without_abs),
    (E.check_frequency_response, response_cos_power),
    (E.check_dense_max_changes, changes_without_interpolation),
])
def test_wrong_answers_fail(check, wrong):
    with pytest.raises(ExerciseFailed):
        check(wrong)


@pytest.mark.parametrize("check", [E.check_blurpool_by_hand, E.check_blur_pool1d, E.check_frequency_response,
                                   E.check_dense_max_changes])
def test_stubs_are_not_done_yet(check):
    with pytest.raises(ExerciseFailed, match="not done yet"):
        check(stub)


def test_checks_are_exported():
    import updown.exercises as X

    for name in E.__all__:
        assert getattr(X, name) is getattr(E, name)
