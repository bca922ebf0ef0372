"""Checks for the exercises of the chapter *Bicubic, area and antialiasing*. The expected answers come from
PyTorch (``F.interpolate`` and ``F.adaptive_avg_pool1d`` applied to the columns of an identity matrix, which
reads off the weight matrix of a linear resampling) or from Keys' kernel in ``updown.interpolation``.

The chapter's number is :data:`CHAPTER`, the one place to change when chapters are inserted before it (the
messages say "Exercise {CHAPTER}.M", like the student edition's stubs)."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .. import interpolation as I
from ._common import run_by_hand, run_cases

__all__ = ["check_cubic_weights_by_hand", "check_area_weights", "check_antialias_weights"]

CHAPTER = 6


def check_cubic_weights_by_hand(answer) -> str:
    """By hand: ``answer()`` returns the four weights ``(w_-1, w_0, w_1, w_2)`` that PyTorch's plain bicubic
    (``a = -0.75``) gives the pixels ``i0 - 1 .. i0 + 2`` for a source coordinate halfway between ``i0`` and
    ``i0 + 1`` (``t = 0.5``); four floats."""
    t = 0.5
    expected = tuple(float(I._cubic_kernel(t - k, -0.75)) for k in (-1, 0, 1, 2))
    return run_by_hand(f"Exercise {CHAPTER}.1", answer, expected, names=("w_-1", "w_0", "w_1", "w_2"),
                       rtol=1e-9, atol=1e-12)


def _weights_of(resample, in_size: int) -> np.ndarray:
    """The (out, in) matrix of a linear resampling: the resampled columns of the identity."""
    eye = torch.eye(in_size, dtype=torch.float64)
    return resample(eye).reshape(in_size, -1).T.numpy()


def check_area_weights(answer) -> str:
    """Implement: ``answer(in_size, out_size)`` returns the ``(out_size, in_size)`` weight matrix of
    ``mode="area"`` along one axis (adaptive average pooling), so that ``W @ x`` equals
    ``F.interpolate(x, size=out_size, mode="area")`` for a 1D signal ``x``."""
    cases = []
    for n_in, n_out in [(4, 2), (6, 4), (5, 3), (7, 7), (3, 5), (10, 4), (1, 3), (9, 2)]:
        w = _weights_of(lambda e: F.adaptive_avg_pool1d(e[:, None, :], n_out), n_in)
        cases.append(((n_in, n_out), {}, w))
    return run_cases(f"Exercise {CHAPTER}.2", answer, cases, rtol=1e-9, atol=1e-12)


def check_antialias_weights(answer) -> str:
    """Implement: ``answer(in_size, out_size)`` returns the ``(out_size, in_size)`` weight matrix of antialiased
    bilinear resampling along one axis (``F.interpolate(..., mode="bilinear", antialias=True)``)."""
    cases = []
    for n_in, n_out in [(8, 4), (16, 4), (9, 4), (12, 5), (4, 8), (6, 6), (10, 3), (5, 2)]:
        w = _weights_of(lambda e: F.interpolate(e[:, None, None, :], size=(1, n_out), mode="bilinear",
                                                antialias=True), n_in)
        cases.append(((n_in, n_out), {}, w))
    return run_cases(f"Exercise {CHAPTER}.3", answer, cases, rtol=1e-9, atol=1e-12)
