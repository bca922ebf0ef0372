"""The checks of chapter 3's exercises pass the solutions and fail plausible wrong answers and the stub."""
from __future__ import annotations

import numpy as np
import pytest

from updown.exercises import (check_bilinear_at, check_bilinear_coefficients, check_bilinear_resize,
                              check_weights_at_4_5)
from updown.exercises._common import ExerciseFailed


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise 3.x")


def weights_at_4_5():
    return {(1, 2): 3 / 16, (1, 3): 1 / 16, (2, 2): 9 / 16, (2, 3): 3 / 16}


def bilinear_at(img, x, y):
    h, w = img.shape
    j0, i0 = min(int(np.floor(x)), w - 1), min(int(np.floor(y)), h - 1)
    j1, i1 = min(j0 + 1, w - 1), min(i0 + 1, h - 1)
    tx, ty = x - j0, y - i0
    top = (1 - tx) * img[i0, j0] + tx * img[i0, j1]
    bottom = (1 - tx) * img[i1, j0] + tx * img[i1, j1]
    return (1 - ty) * top + ty * bottom


def _resize_1d(a, n, axis, corners=False):
    """One linear pass along ``axis``; half-pixel centres (the solution) or, with ``corners``, the
    align_corners=True mapping (a plausible wrong answer)."""
    m = a.shape[axis]
    if corners:
        u = np.linspace(0, m - 1, n) if n > 1 else np.zeros(1)
    else:
        u = np.maximum((np.arange(n) + 0.5) * m / n - 0.5, 0) if n != m else np.arange(n, dtype=float)
    i0 = np.minimum(np.floor(u).astype(int), m - 1)
    i1 = np.minimum(i0 + 1, m - 1)
    t = u - i0
    shape = [1, 1]
    shape[axis] = n
    return (1 - t).reshape(shape) * np.take(a, i0, axis) + t.reshape(shape) * np.take(a, i1, axis)


def bilinear_resize(img, out_h, out_w):
    return _resize_1d(_resize_1d(img, out_w, 1), out_h, 0)


def bilinear_coefficients(f00, f01, f10, f11):
    return f00, f01 - f00, f10 - f00, f00 - f01 - f10 + f11


@pytest.mark.parametrize("check,solution", [(check_weights_at_4_5, weights_at_4_5), (check_bilinear_at, bilinear_at),
                                            (check_bilinear_resize, bilinear_resize),
                                            (check_bilinear_coefficients, bilinear_coefficients)])
def test_solutions_pass_and_stub_is_not_done(check, solution, capsys):
    assert "passed" in check(solution)
    assert "passed" in capsys.readouterr().out
    with pytest.raises(ExerciseFailed, match="not done yet"):
        check(stub)


@pytest.mark.parametrize("wrong", [
    lambda: {(2, 2): 0.25, (2, 3): 0.25, (3, 2): 0.25, (3, 3): 0.25},      # the centre-of-four answer
    lambda: {(1, 2): 9 / 16, (1, 3): 3 / 16, (2, 2): 3 / 16, (2, 3): 1 / 16},  # nearest pixel on the wrong side
    lambda: {(2, 2): 9 / 16, (2, 3): 3 / 16, (3, 2): 3 / 16, (3, 3): 1 / 16},  # off by one row
])
def test_weights_at_4_5_rejects(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 3.1"):
        check_weights_at_4_5(wrong)


@pytest.mark.parametrize("wrong", [
    lambda img, x, y: bilinear_at(img, y, x) if max(x, y) < min(img.shape) - 1 else bilinear_at(img.T, y, x),
    lambda img, x, y: img[int(round(y)), int(round(x))],                                  # nearest
    lambda img, x, y: bilinear_at(img, x, y) if x < img.shape[1] - 1 and y < img.shape[0] - 1 else 0.0,  # no clamp
])
def test_bilinear_at_rejects(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 3.2"):
        check_bilinear_at(wrong)


def corner_aligned(img, out_h, out_w):
    return _resize_1d(_resize_1d(img, out_w, 1, corners=True), out_h, 0, corners=True)


@pytest.mark.parametrize("wrong", [corner_aligned, lambda img, h, w: bilinear_resize(img, w, h).T
                                   if img.shape[0] != img.shape[1] else bilinear_resize(img.T, h, w),
                                   lambda img, h, w: np.repeat(np.repeat(img, h // img.shape[0] or 1, 0),
                                                               w // img.shape[1] or 1, 1)[:h, :w]])
def test_bilinear_resize_rejects(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 3.3"):
        check_bilinear_resize(wrong)


@pytest.mark.parametrize("wrong", [
    lambda f00, f01, f10, f11: (f00, f01 - f00, f10 - f00, 0.0),                      # forgets the xy term
    lambda f00, f01, f10, f11: (f00, f10 - f00, f01 - f00, f00 - f01 - f10 + f11),    # x and y swapped
    lambda f00, f01, f10, f11: (f00, f01 - f00, f10 - f00, f11 - f00),                 # wrong xy coefficient
])
def test_bilinear_coefficients_rejects(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 3.4"):
        check_bilinear_coefficients(wrong)
