"""Checks for the exercises of the chapter *Anti-aliased downsampling* (label ``ch-blurpool``). The expected
answers come from ``updown.pooling`` (itself checked against Zhang's ``antialiased-cnns`` by the tests) or from a
direct evaluation of the filter's Fourier sum.

The chapter's number is :data:`CHAPTER`, the one place to change when chapters are inserted before it (the
messages say "Exercise {CHAPTER}.M", like the student edition's stubs)."""
from __future__ import annotations

import numpy as np

from .. import pooling as P
from ._common import run_by_hand, run_cases

__all__ = ["check_blurpool_by_hand", "check_blur_pool1d", "check_frequency_response", "check_dense_max_changes"]

CHAPTER = 11


def check_blurpool_by_hand(answer) -> str:
    """By hand: ``answer()`` returns ``(taps, shape)``: the 5-tap binomial filter as a tuple of 5 numbers (summing
    to 1), and the shape of ``blur_pool2d(x, filt_size=4, stride=2, pad_off=1)`` for ``x`` of shape
    ``(2, 3, 11, 8)``, a tuple of 4 ints."""
    taps = tuple(float(v) for v in P.binomial_filter(5))
    shape = tuple(int(v) for v in P.blur_pool2d(np.zeros((2, 3, 11, 8)), 4, 2, 1).shape)
    return run_by_hand(f"Exercise {CHAPTER}.1", answer, (taps, shape), names=("taps", "shape"))


def _blur_1d(x: np.ndarray, filt_size: int, stride: int) -> np.ndarray:
    """The 1D blur pooling of x: blur_pool2d of an image whose rows all equal x (the blur keeps them equal)."""
    rows = np.repeat(x[None, None, None, :], 4, axis=2)
    return P.blur_pool2d(rows, filt_size, stride)[0, 0, 0]


def check_blur_pool1d(answer) -> str:
    """Implement: ``answer(x, filt_size, stride)`` with a 1D float array ``x`` returns Zhang's 1D blur pooling:
    reflect padding by ``(filt_size - 1) // 2`` on the left and ``filt_size // 2`` on the right, the binomial
    filter of ``filt_size`` taps, every ``stride``-th value from the first."""
    rng = np.random.default_rng(141)
    cases = []
    for n, f, s in [(8, 4, 2), (9, 4, 2), (6, 3, 2), (10, 5, 3), (7, 1, 2), (12, 7, 2), (5, 2, 1), (11, 6, 4)]:
        x = np.round(rng.uniform(0, 1, n), 2)
        cases.append(((x, f, s), {}, _blur_1d(x, f, s)))
    return run_cases(f"Exercise {CHAPTER}.2", answer, cases, rtol=1e-9, atol=1e-12)


def check_frequency_response(answer) -> str:
    """Implement: ``answer(filt, f)`` with a 1D filter ``filt`` (taps at 0, 1, ...) and an array ``f`` of
    frequencies (cycles per pixel) returns the gains ``|sum_a filt[a] exp(-2 pi i f a)|``, an array like ``f``."""
    rng = np.random.default_rng(142)
    cases = []
    filters = [P.binomial_filter(n) for n in (1, 2, 4, 7)] + [np.ones(2) / 2, rng.uniform(-1, 1, 5),
                                                              np.array([0.0, 1.0, 0.0])]
    for filt in filters:
        f = np.round(rng.uniform(0, 0.5, 6), 3)
        gain = np.abs(np.exp(-2j * np.pi * np.outer(f, np.arange(len(filt)))) @ filt)
        cases.append(((filt, f), {}, gain))
    return run_cases(f"Exercise {CHAPTER}.3", answer, cases, rtol=1e-9, atol=1e-12)


def _largest_change(x: np.ndarray, kind: str) -> float:
    pool = (lambda a: P.max_pool2d(a, (1, 2))) if kind == "max" else \
        (lambda a: P.max_blur_pool2d(np.repeat(a, 4, axis=-2))[..., :1, :])
    still = pool(x[None, None, None, :])[0, 0, 0]
    one = pool(np.roll(x, 1, axis=-1)[None, None, None, :])[0, 0, 0]
    # one input pixel is half an output pixel: halfway between the output and its one-pixel shift
    between = (still + np.roll(still, 1)) / 2
    return float(np.abs(one - between)[2:-2].max())


def check_dense_max_changes(answer) -> str:
    """Explore: ``answer(x, kind)`` with a 1D periodic signal ``x`` (length a multiple of 4) and ``kind`` in
    ``"max"`` (``max_pool2d`` with window ``(1, 2)``) or ``"maxblur"`` (``max_blur_pool2d`` on 4 equal rows, row 0
    kept) returns the largest distance, away from 2 output pixels at each end, between the pooled output of
    ``x`` moved one pixel right (``np.roll``) and the mean of the pooled output of ``x`` and that output moved one
    output pixel right (where a half-output-pixel shift would put a smooth signal)."""
    rng = np.random.default_rng(143)
    cases = []
    for n, kind in [(16, "max"), (16, "maxblur"), (24, "max"), (24, "maxblur"), (12, "maxblur")]:
        x = np.round(rng.uniform(0, 1, n), 2)
        cases.append(((x, kind), {}, _largest_change(x, kind)))
    return run_cases(f"Exercise {CHAPTER}.4", answer, cases, rtol=1e-9, atol=1e-12)
