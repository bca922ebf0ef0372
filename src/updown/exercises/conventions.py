"""Checks for the exercises of chapter 5, "Where are the pixels?".

Index coordinates throughout: pixel ``j`` has its centre at ``j`` (the continuous coordinate of the notation page
is this plus one half), as in the chapter's equations (eq-src-half) and (eq-src-corners).
"""
from __future__ import annotations

from fractions import Fraction

import math

import numpy as np

from ._common import run_by_hand, run_cases

__all__ = ["check_nearest_by_hand", "check_source_coordinate", "check_common_samples", "check_decoder_shift",
           "check_output_size"]


def _source(dst, in_size: int, out_size: int, align_corners: bool):
    dst = np.asarray(dst, dtype=float)
    if align_corners:
        return dst * ((in_size - 1) / (out_size - 1)) if out_size > 1 else np.zeros_like(dst)
    return (dst + 0.5) * (in_size / out_size) - 0.5


def _common(in_size: int, out_size: int) -> tuple[int, ...]:
    """Output indices where align_corners=True and False sample the same source coordinate (exact arithmetic)."""
    same = []
    for d in range(out_size):
        half = (Fraction(d) + Fraction(1, 2)) * Fraction(in_size, out_size) - Fraction(1, 2)
        corners = Fraction(d * (in_size - 1), out_size - 1) if out_size > 1 else Fraction(0)
        if half == corners:
            same.append(d)
    return tuple(same)


def check_nearest_by_hand(answer) -> str:
    """Exercise 5.1: ``answer()`` returns ``(nearest, nearest_exact)``, two tuples of 5 ints: the input index each
    of the 5 output pixels reads when a row of 3 pixels is resized to 5 with ``mode="nearest"`` and
    ``mode="nearest-exact"``."""
    return run_by_hand("Exercise 5.1", answer, ((0, 0, 1, 1, 2), (0, 0, 1, 2, 2)),
                         names=("nearest", "nearest_exact"))


def check_source_coordinate(answer) -> str:
    """Exercise 5.2: ``answer(dst, in_size, out_size, align_corners)`` returns the (unclamped) source index
    coordinate of the output index ``dst`` (an int or an array of ints) when ``in_size`` pixels are resized to
    ``out_size`` by size (so the scale is the size ratio)."""
    cases = []
    for in_size, out_size in [(4, 8), (3, 5), (5, 7), (8, 4), (7, 3), (6, 6), (2, 9)]:
        dst = np.arange(out_size)
        for align in (False, True):
            cases.append(((dst.copy(), in_size, out_size, align), {}, _source(dst, in_size, out_size, align)))
    cases.append(((0, 5, 1, True), {}, 0.0))
    cases.append(((0, 5, 1, False), {}, 2.0))
    cases.append(((3, 4, 8, False), {}, 1.25))
    return run_cases("Exercise 5.2", answer, cases)


def check_common_samples(answer) -> str:
    """Exercise 5.3: ``answer(in_size, out_size)`` returns, as a tuple of ints in increasing order, the output
    indices whose source coordinate is the same under ``align_corners=True`` and ``align_corners=False``."""
    pairs = [(4, 7), (4, 8), (3, 9), (6, 6), (10, 5), (9, 4), (5, 1), (1, 1), (2, 3)]
    return run_cases("Exercise 5.3", answer, [((a, b), {}, _common(a, b)) for a, b in pairs])


def check_decoder_shift(answer) -> str:
    """Exercise 5.4: ``answer(factor)`` returns the shift, in input pixels, of everything an encoder that keeps
    every ``factor``-th pixel (``x[::factor]``) passes to a decoder that upsamples by ``factor`` with the
    half-pixel convention (``align_corners=False``); positive means the content moves right/down."""
    return run_cases("Exercise 5.4", answer, [((f,), {}, (f - 1) / 2) for f in (1, 2, 3, 4, 8, 16, 32)])


#: How each library of the chapter's matrix turns ``in_size * scale`` into an output size: PyTorch's
#: ``F.interpolate(scale_factor=)`` and ONNX's ``Resize`` with ``scales`` floor it; OpenCV's ``cv2.resize(fx=)``,
#: Pillow's ``ImageOps.scale`` and scikit-image's ``rescale`` round it.
# ONNX's ``scales`` input is a float32 tensor: the factor is rounded to float32 before the floor
# (100 x 0.45 gives 44 pixels, 88 x 120/88 gives 120), while PyTorch multiplies in float64.
_SIZE_RULES = {"PyTorch": lambda n, s: math.floor(n * s),
               "ONNX": lambda n, s: math.floor(n * float(np.float32(s))),
               "OpenCV": lambda n, s: round(n * s), "Pillow": lambda n, s: round(n * s),
               "skimage": lambda n, s: round(n * s)}


def check_output_size(answer) -> str:
    """Exercise 5.5: ``answer(library, in_size, scale)`` returns the output length (an int) that ``library``
    ("PyTorch", "ONNX", "OpenCV", "Pillow" or "skimage") gives ``in_size`` pixels resized by the factor ``scale``.
    The hidden cases avoid products that end in exactly one half, where rounding conventions differ."""
    cases = []
    for library, rule in _SIZE_RULES.items():
        for n, s in [(32, 0.9999), (32, 1.8), (32, 0.1234), (7, 1.3), (100, 0.45), (17, 2.0), (5, 0.77),
                     (88, 120 / 88)]:
            cases.append(((library, n, s), {}, int(rule(n, s))))
    return run_cases("Exercise 5.5", answer, cases)
