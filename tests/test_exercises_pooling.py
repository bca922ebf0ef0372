"""Tests of the chapter 1 exercise checks: they pass the solutions and fail plausible wrong answers and stubs."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from updown.exercises import (check_aliased_frequency, check_max_pool1d, check_pool_output_size,
                              check_pooled_sizes_by_hand)
from updown.exercises._common import ExerciseFailed
from updown.exercises.pooling import HAND_INPUT, HAND_LAYERS


def stub(*args, **kwargs):
    raise NotImplementedError("Exercise")


# ---- solutions, written independently of the library ------------------------------------------------------------

def sizes_solution():
    return (113, 57, 29, 25)


def size_solution(size, kernel_size, stride, padding, dilation, ceil_mode):
    room = size + 2 * padding - dilation * (kernel_size - 1) - 1
    out = (math.ceil(room / stride) if ceil_mode else room // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def pool1d_solution(x, kernel_size, stride):
    n = (len(x) - kernel_size) // stride + 1
    starts = np.arange(n) * stride
    windows = x[starts[:, None] + np.arange(kernel_size)]
    where = np.argmax(windows, axis=1)
    return windows[np.arange(n), where], starts + where


def aliased_solution(frequency, factor):
    f = frequency * factor
    return abs(f - round(f))


def test_hand_sizes_agree_with_torch():
    x = torch.zeros(1, 1, 1, HAND_INPUT)
    widths = []
    for k, s, p, d, ceil in HAND_LAYERS:
        x = F.max_pool2d(x, (1, k), (1, s), (0, p), (1, d), ceil)
        widths.append(x.shape[-1])
    assert tuple(widths) == sizes_solution()


def test_solutions_pass(capsys):
    assert "passed" in check_pooled_sizes_by_hand(sizes_solution)
    assert "passed" in check_pool_output_size(size_solution)
    assert "passed" in check_max_pool1d(pool1d_solution)
    assert "passed" in check_aliased_frequency(aliased_solution)
    assert "Exercise 1.4: passed" in capsys.readouterr().out


@pytest.mark.parametrize("check", [check_pooled_sizes_by_hand, check_pool_output_size, check_max_pool1d,
                                   check_aliased_frequency])
def test_stubs_are_not_done_yet(check):
    with pytest.raises(ExerciseFailed, match="not done yet"):
        check(stub)


@pytest.mark.parametrize("wrong", [
    lambda: (113, 57, 30, 26),      # ceil_mode read as plain rounding up, without the dropped window
    lambda: (113, 56, 29, 25),      # ceil_mode ignored
    lambda: (113, 57, 29, 27),      # dilation forgotten
    lambda: (112, 56, 28, 24),      # padding forgotten in the first layer
    lambda: [113, 57, 29],          # a layer missing
])
def test_hand_sizes_wrong(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 1.1"):
        check_pooled_sizes_by_hand(wrong)


@pytest.mark.parametrize("wrong", [
    lambda n, k, s, p, d, c: (n + 2 * p - d * (k - 1) - 1) // s + 1,                         # ceil_mode ignored
    lambda n, k, s, p, d, c: (math.ceil((n + 2 * p - d * (k - 1) - 1) / s) if c
                              else (n + 2 * p - d * (k - 1) - 1) // s) + 1,                  # no dropped window
    lambda n, k, s, p, d, c: size_solution(n, k, s, p, 1, c),                                 # dilation ignored
    lambda n, k, s, p, d, c: size_solution(n, k, s, p, d, c) - 1 if c else size_solution(n, k, s, p, d, c),
    lambda n, k, s, p, d, c: (n + p - d * (k - 1) - 1) // s + 1,                              # padding on one side
    lambda n, k, s, p, d, c: float(size_solution(n, k, s, p, d, c)) + 0.5,                    # not an integer
])
def test_pool_output_size_wrong(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 1.2"):
        check_pool_output_size(wrong)


def pool1d_last_tie(x, k, s):
    v, i = pool1d_solution(x[::-1].copy(), k, s)  # wrong: reversed scan picks the last maximum...
    n = (len(x) - k) // s + 1
    starts = np.arange(n) * s
    w = x[starts[:, None] + np.arange(k)]
    where = k - 1 - np.argmax(w[:, ::-1], axis=1)
    return w[np.arange(n), where], starts + where


def pool1d_local_index(x, k, s):
    v, i = pool1d_solution(x, k, s)
    return v, i - np.arange(len(i)) * s  # index inside the window instead of into x


def pool1d_ceil(x, k, s):
    xp = np.concatenate([x, np.full(k, -np.inf)])
    n = -(-(len(x) - k) // s) + 1
    starts = np.arange(n) * s
    w = xp[starts[:, None] + np.arange(k)]
    where = np.argmax(w, axis=1)
    return w[np.arange(n), where], starts + where


def pool1d_mean(x, k, s):
    v, i = pool1d_solution(x, k, s)
    n = len(v)
    return x[np.arange(n)[:, None] * s + np.arange(k)].mean(axis=1), i


@pytest.mark.parametrize("wrong", [pool1d_last_tie, pool1d_local_index, pool1d_ceil, pool1d_mean,
                                   lambda x, k, s: pool1d_solution(x, k, s)[0]])
def test_max_pool1d_wrong(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 1.3"):
        check_max_pool1d(wrong)


@pytest.mark.parametrize("wrong", [
    lambda f, m: f * m,                       # no folding
    lambda f, m: (f * m) % 1,                 # wraps around, but does not fold [0.5, 1) back onto [0, 0.5]
    lambda f, m: f,                           # subsampling changes nothing
    lambda f, m: min(f * m, 0.5),             # clipped at the new Nyquist frequency
])
def test_aliased_frequency_wrong(wrong):
    with pytest.raises(ExerciseFailed, match="Exercise 1.4"):
        check_aliased_frequency(wrong)
