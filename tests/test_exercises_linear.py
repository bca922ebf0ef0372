"""The checks of chapter 2's exercises pass the solutions and fail plausible wrong answers and the stub."""
from __future__ import annotations

import numpy as np
import pytest

from updown.exercises import check_kinks, check_linear_weights, check_upsample_linear_1d, check_weights_4x
from updown.exercises._common import ExerciseFailed
from updown.interpolation import interpolate


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise 2.x")


def weights_4x():
    return ((3 / 8, 5 / 8), (1 / 8, 7 / 8), (7 / 8, 1 / 8), (5 / 8, 3 / 8))


def linear_weights(x, x1, x2):
    return (x2 - x) / (x2 - x1), (x - x1) / (x2 - x1)


def upsample_linear_1d(signal, factor):
    n = len(signal)
    u = np.maximum((np.arange(n * factor) + 0.5) / factor - 0.5, 0)
    i0 = np.minimum(np.floor(u).astype(int), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    t = u - i0
    return (1 - t) * signal[i0] + t * signal[i1]


def kinks(values):
    v = np.asarray(values, dtype=float)
    second = v[:-2] - 2 * v[1:-1] + v[2:]
    return tuple(int(i) + 1 for i in np.flatnonzero(np.abs(second) > 1e-9))


@pytest.mark.parametrize("check,solution", [(check_weights_4x, weights_4x), (check_linear_weights, linear_weights),
                                            (check_upsample_linear_1d, upsample_linear_1d), (check_kinks, kinks)])
def test_solutions_pass_and_stub_is_not_done(check, solution, capsys):
    assert "passed" in check(solution)
    assert "passed" in capsys.readouterr().out
    with pytest.raises(ExerciseFailed, match="not done yet"):
        check(stub)


@pytest.mark.parametrize("wrong", [
    lambda: ((0.25, 0.75), (0.75, 0.25), (0.25, 0.75), (0.75, 0.25)),   # the 2x weights
    lambda: ((5 / 8, 3 / 8), (7 / 8, 1 / 8), (1 / 8, 7 / 8), (3 / 8, 5 / 8)),   # pairs swapped (w2, w1)
    lambda: ((1.0, 0.0), (0.75, 0.25), (0.5, 0.5), (0.25, 0.75)),       # corner-aligned thinking
])
def test_weights_4x_rejects(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 2.1"):
        check_weights_4x(wrong)


@pytest.mark.parametrize("wrong", [
    lambda x, x1, x2: ((x - x1) / (x2 - x1), (x2 - x) / (x2 - x1)),   # each weight on the wrong neighbour
    lambda x, x1, x2: (x2 - x, x - x1),                                 # not divided by the spacing
    lambda x, x1, x2: (0.5, 0.5),                                       # always the average
])
def test_linear_weights_rejects(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 2.2"):
        check_linear_weights(wrong)


def corner_aligned(signal, factor):
    out = len(signal) * factor
    return interpolate(signal[None, None], size=out, mode="linear", align_corners=True)[0, 0]


def no_clamp(signal, factor):   # the first output samples extrapolate instead of repeating the edge
    n = len(signal)
    u = (np.arange(n * factor) + 0.5) / factor - 0.5
    i0 = np.clip(np.floor(u).astype(int), 0, max(n - 2, 0))
    i1 = np.minimum(i0 + 1, n - 1)
    return (1 - (u - i0)) * signal[i0] + (u - i0) * signal[i1]


def off_by_half(signal, factor):   # forgets the half-pixel shift: u = k / factor
    n = len(signal)
    u = np.arange(n * factor) / factor
    i0 = np.minimum(np.floor(u).astype(int), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    return (1 - (u - i0)) * signal[i0] + (u - i0) * signal[i1]


@pytest.mark.parametrize("wrong", [corner_aligned, no_clamp, off_by_half, lambda s, f: np.repeat(s, f)])
def test_upsample_linear_1d_rejects(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 2.3"):
        check_upsample_linear_1d(wrong)


@pytest.mark.parametrize("wrong", [
    lambda v: tuple(range(1, len(v) - 1)),                                        # every inner sample
    lambda v: tuple(int(i) for i in np.flatnonzero(np.abs(np.diff(v, 2)) > 1e-9)),  # off by one
    lambda v: tuple(int(i) + 1 for i in np.flatnonzero(np.diff(np.sign(np.diff(v))) != 0)),  # only extrema
])
def test_kinks_rejects(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 2.4"):
        check_kinks(wrong)
