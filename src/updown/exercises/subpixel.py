"""Checks for the exercises of the chapter *Sub-pixel convolution and ICNR*. The expected answers come from
PyTorch (``pixel_unshuffle``) or from ``updown.subpixel``.

The chapter's number is :data:`CHAPTER`, the one place to change when chapters are inserted before it (the
messages say "Exercise {CHAPTER}.M", like the student edition's stubs)."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .. import subpixel as S
from ._common import ExerciseFailed, run_by_hand, run_cases

__all__ = [
    "check_subpixel_by_hand",
    "check_pixel_unshuffle",
    "check_phase_sums",
    "check_equalise_phase_sums",
]

CHAPTER = 9


def check_subpixel_by_hand(answer) -> str:
    """By hand: ``answer()`` returns ``(shape, position)``: the shape of ``transposed_as_subpixel(w, 2)`` for a
    transposed convolution weight ``w`` of shape ``(4, 3, 5, 5)`` (``C_in=4, C_out=3``, kernel 5, stride 2),
    and the ``(channel, row, column)`` to which ``pixel_shuffle(x, 2)`` moves entry ``(6, 1, 2)`` (channel 6,
    low-resolution row 1, column 2) of an ``x`` of shape ``(8, 3, 3)``; both tuples of ints."""
    shape = S.transposed_as_subpixel(np.zeros((4, 3, 5, 5)), 2).shape
    x = np.zeros((8, 3, 3))
    x[6, 1, 2] = 1.0
    position = tuple(int(v) for v in np.argwhere(S.pixel_shuffle(x, 2) == 1.0)[0])
    return run_by_hand(f"Exercise {CHAPTER}.1", answer, (tuple(int(v) for v in shape), position),
                       names=("shape", "position"))


def check_pixel_unshuffle(answer) -> str:
    """Implement: ``answer(x, r)`` with a NumPy array ``x`` of shape ``(C, H*r, W*r)`` returns
    ``(C*r*r, H, W)``, equal to ``torch.nn.functional.pixel_unshuffle(x, r)``."""
    rng = np.random.default_rng(81)
    cases = []
    for c, h, w, r in [(1, 2, 2, 2), (1, 1, 1, 3), (2, 3, 2, 2), (3, 2, 4, 1), (1, 2, 3, 3), (2, 1, 2, 4)]:
        x = rng.integers(0, 100, (c, h * r, w * r)).astype(np.float64)
        cases.append(((x, r), {}, F.pixel_unshuffle(torch.from_numpy(x), r).numpy()))
    return run_cases(f"Exercise {CHAPTER}.2", answer, cases, rtol=0, atol=0)


def check_phase_sums(answer) -> str:
    """Implement: ``answer(weight, stride)`` with a 2D NumPy kernel ``weight`` (``k x k``) returns the
    ``(stride, stride)`` array whose entry ``(a, b)`` is the sum of the phase kernel ``(a, b)`` of
    ``transposed_as_subpixel`` (the taps ``(u, v)`` with ``u mod s = a`` and ``v mod s = b``)."""
    rng = np.random.default_rng(82)
    cases = []
    for k, s in [(3, 2), (4, 2), (5, 2), (3, 3), (6, 3), (1, 2), (4, 4), (7, 2)]:
        weight = np.round(rng.uniform(-1, 1, (k, k)), 3)
        phases = S.transposed_as_subpixel(weight[None, None], s)[:, 0]
        cases.append(((weight, s), {}, phases.sum(axis=(1, 2)).reshape(s, s)))
    return run_cases(f"Exercise {CHAPTER}.3", answer, cases, rtol=1e-9, atol=1e-12)


def _equalised(weight: np.ndarray, s: int) -> np.ndarray:
    out = weight.astype(np.float64).copy()
    target = weight.sum() / (s * s)
    for a in range(s):
        for b in range(s):
            taps = out[a::s, b::s]
            if taps.size:
                taps -= (taps.sum() - target) / taps.size
    return out


def check_equalise_phase_sums(answer) -> str:
    """Explore: ``answer(weight, stride)`` returns the kernel closest to ``weight`` (``k x k``, ``k >= stride``;
    least squares) whose ``stride**2`` phase sums all equal ``weight.sum() / stride**2``, without modifying
    ``weight``."""
    rng = np.random.default_rng(83)
    cases = []
    for k, s in [(3, 2), (4, 2), (5, 2), (3, 3), (6, 3), (2, 2), (5, 4)]:
        weight = np.round(rng.uniform(-1, 1, (k, k)), 3)
        cases.append(((weight, s), {}, _equalised(weight, s)))
    verdict = run_cases(f"Exercise {CHAPTER}.4", answer, cases, rtol=1e-9, atol=1e-12)
    probe = np.round(rng.uniform(-1, 1, (4, 4)), 3)
    before = probe.copy()
    answer(probe, 2)
    if not np.array_equal(probe, before):
        raise ExerciseFailed(f"Exercise {CHAPTER}.4: the function changed its input weight; work on a copy")
    return verdict
