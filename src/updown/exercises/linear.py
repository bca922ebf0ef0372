"""Checks for the exercises of chapter 2, "Linear, 1D".

Index coordinates throughout: sample ``j`` of a signal has its centre at ``x = j``, as in the chapter's equations
(eq-two-point) and (eq-linear-weights).
"""
from __future__ import annotations

import numpy as np

from ..interpolation import interpolate
from ._common import run_by_hand, run_cases

__all__ = ["check_weights_4x", "check_linear_weights", "check_upsample_linear_1d", "check_kinks"]


def check_weights_4x(answer) -> str:
    """Exercise 2.1: ``answer()`` returns the four ``(w1, w2)`` pairs of 4x linear upsampling (half-pixel), for the
    output samples ``4m, 4m+1, 4m+2, 4m+3`` away from the edges, as a (4, 2) array or four pairs."""
    expected = np.array([[3 / 8, 5 / 8], [1 / 8, 7 / 8], [7 / 8, 1 / 8], [5 / 8, 3 / 8]])
    return run_by_hand("Exercise 2.1", answer, expected, label="weights")


def _weights(x, x1, x2):
    x = np.asarray(x, dtype=float)
    w1 = (x2 - x) / (x2 - x1)
    w2 = (x - x1) / (x2 - x1)
    return (float(w1), float(w2)) if x.ndim == 0 else (w1, w2)


def check_linear_weights(answer) -> str:
    """Exercise 2.2: ``answer(x, x1, x2)`` returns ``(w1, w2)``, the weights of the samples at ``x1`` and ``x2`` for
    a query at ``x`` ({eq}`eq-linear-weights`); ``x`` may be a number or an array (then arrays come back)."""
    cases = [((2.3, 2.0, 3.0), {}, _weights(2.3, 2.0, 3.0)),
             ((5.0, 4.0, 8.0), {}, _weights(5.0, 4.0, 8.0)),
             ((4.0, 4.0, 8.0), {}, _weights(4.0, 4.0, 8.0)),
             ((8.0, 4.0, 8.0), {}, _weights(8.0, 4.0, 8.0)),
             ((-1.5, -2.0, 0.5), {}, _weights(-1.5, -2.0, 0.5)),
             ((0.25, 0.0, 1.0), {}, _weights(0.25, 0.0, 1.0))]
    xs = np.array([0.0, 0.1, 0.5, 0.9, 1.0]) * 3 + 1
    cases.append(((xs, 1.0, 4.0), {}, _weights(xs, 1.0, 4.0)))
    return run_cases("Exercise 2.2", answer, cases)


def check_upsample_linear_1d(answer) -> str:
    """Exercise 2.3: ``answer(signal, factor)`` upsamples a 1D float array by the integer ``factor`` with linear
    interpolation and half-pixel centres (``align_corners=False``), clamping at the edges; it must equal
    ``interpolate(signal[None, None], scale_factor=factor, mode="linear")[0, 0]``."""
    rng = np.random.default_rng(20)
    cases = []
    for n, factor in ((4, 2), (5, 3), (1, 4), (2, 2), (6, 1), (7, 4), (3, 5)):
        signal = np.round(rng.normal(size=n), 2)
        expected = interpolate(signal[None, None], scale_factor=factor, mode="linear")[0, 0]
        cases.append(((signal, factor), {}, expected))
    return run_cases("Exercise 2.3", answer, cases, rtol=1e-9, atol=1e-12)


def _kinks(values):
    v = np.asarray(values, dtype=float)
    second = v[:-2] - 2 * v[1:-1] + v[2:]
    return tuple(int(i) + 1 for i in np.flatnonzero(~np.isclose(second, 0, atol=1e-9)))


def check_kinks(answer) -> str:
    """Exercise 2.4: ``answer(values)`` returns, as a tuple of ints in increasing order, the indices ``i`` where the
    linear interpolant of ``values`` bends (its slope left of ``x = i`` differs from its slope right of it)."""
    tests = [np.array([1.0, 3.0, 2.0, 4.5, 4.0, 1.5]), np.arange(6.0), np.array([0.0, 1.0, 2.0, 2.0, 2.0, 1.0]),
             np.array([5.0]), np.array([2.0, 7.0]), np.array([1.0, 0.0, 1.0]), np.array([0.0, 0.5, 1.0, 3.0, 5.0])]
    return run_cases("Exercise 2.4", answer, [((t,), {}, _kinks(t)) for t in tests])
