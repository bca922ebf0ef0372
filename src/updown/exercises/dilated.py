"""Checks for the exercises of the chapter *Keeping resolution: dilated convolution*. The expected answers come
from ``updown.pooling.receptive_field``, ``updown.dilated`` and PyTorch's dilated ``conv2d``.

The chapter's number is :data:`CHAPTER`, the one place to change when chapters are inserted before it (the
messages say "Exercise {CHAPTER}.M", like the student edition's stubs)."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .. import dilated as D
from ..pooling import receptive_field
from ._common import ExerciseFailed, Verdict, run_by_hand, run_cases

__all__ = [
    "BY_HAND_STACK",
    "check_dilated_by_hand",
    "check_dilate_kernel",
    "check_hybrid_rates",
]

CHAPTER = 12

#: The stack of the by-hand exercise: (kernel, stride, dilation) per layer, first layer first.
BY_HAND_STACK = ((3, 1, 1), (2, 2, 1), (3, 1, 2), (3, 1, 4))


def check_dilated_by_hand(answer) -> str:
    """By hand: ``answer()`` returns ``(field, stride)``: the receptive field (input pixels along one axis) and
    the output stride of :data:`BY_HAND_STACK`, a 3x3 convolution, a 2x2 pooling with stride 2, then 3x3
    convolutions with dilations 2 and 4; both ints."""
    ks, ss, ds = (list(c) for c in zip(*BY_HAND_STACK))
    fields, strides = receptive_field(ks, ss, ds, output_stride=True)
    return run_by_hand(f"Exercise {CHAPTER}.1", answer, (fields[-1], strides[-1]), names=("field", "stride"))


def check_dilate_kernel(answer) -> str:
    """Implement: ``answer(weight, d)`` with a 2D NumPy kernel ``weight`` (``kh x kw``) returns the sparse kernel
    of the ``d``-dilated convolution, so that ``conv2d(x, answer(w, d)) == conv2d(x, w, dilation=d)``, without
    modifying ``weight``."""
    rng = np.random.default_rng(141)
    cases = []
    for kh, kw, d in [(3, 3, 2), (3, 3, 1), (2, 2, 3), (1, 3, 2), (3, 2, 4), (1, 1, 5), (4, 3, 2)]:
        w = np.round(rng.uniform(-1, 1, (kh, kw)), 3)
        cases.append(((w, d), {}, D.dilate_kernel(w, d)))
    verdict = run_cases(f"Exercise {CHAPTER}.2", answer, cases, rtol=0, atol=0)
    w = np.round(rng.uniform(-1, 1, (3, 3)), 3)
    before = w.copy()
    sparse = np.asarray(answer(w, 3), dtype=np.float64)
    if not np.array_equal(w, before):
        raise ExerciseFailed(f"Exercise {CHAPTER}.2: the function changed its input weight; work on a copy")
    x = torch.from_numpy(rng.uniform(-1, 1, (1, 1, 12, 12)))
    direct = F.conv2d(x, torch.from_numpy(w)[None, None], dilation=3)
    if not torch.allclose(F.conv2d(x, torch.from_numpy(sparse)[None, None]), direct, rtol=1e-12, atol=1e-12):
        raise ExerciseFailed(f"Exercise {CHAPTER}.2: conv2d with your kernel differs from the dilated conv2d")
    return verdict


def check_hybrid_rates(answer) -> str:
    """Explore: ``answer()`` returns three dilation rates ``(r1, r2, r3)`` (ints >= 1, not all equal) for a stack
    of three 3x3 convolutions whose receptive field is at least 13 pixels and whose footprint has no holes
    (every input pixel of the field reaches the output, ``updown.dilated.dilation_footprint``)."""
    exercise = f"Exercise {CHAPTER}.3"
    try:
        rates = answer()
    except NotImplementedError:
        raise ExerciseFailed(f"{exercise}: not done yet (the function still raises NotImplementedError)") from None
    ok = (isinstance(rates, (tuple, list)) and len(rates) == 3
          and all(isinstance(r, (int, np.integer)) and not isinstance(r, bool) and r >= 1 for r in rates))
    if not ok:
        raise ExerciseFailed(f"{exercise}: return a tuple of three ints >= 1, got {rates!r}")
    rates = tuple(int(r) for r in rates)
    if len(set(rates)) == 1:
        raise ExerciseFailed(f"{exercise}: the rates must not all be equal (that is the gridding case), "
                             f"got {rates}")
    field = receptive_field([3, 3, 3], [1, 1, 1], list(rates))[-1]
    if field < 13:
        raise ExerciseFailed(f"{exercise}: the receptive field of {rates} is {field} pixels, less than 13")
    holes = int((D.dilation_footprint(3, rates) == 0).sum())
    if holes:
        raise ExerciseFailed(f"{exercise}: the footprint of {rates} has {holes} holes (input pixels of its "
                             f"{field}x{field} field that never reach the output)")
    verdict = f"{exercise}: passed (rates {rates}: a {field}-pixel field without holes)"
    print(verdict)
    return Verdict(verdict)
