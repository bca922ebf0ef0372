"""Checks for the exercises of chapter 3, "Bilinear, 2D".

Index coordinates throughout: pixel ``(i, j)`` (row, column) of an image of shape ``(H, W)`` has its centre at
``(x, y) = (j, i)``, as in the chapter's equations (eq-bilinear-rows) to (eq-bilinear-poly).
"""
from __future__ import annotations

import numpy as np

from ..interpolation import interpolate, linear_neighbours
from ._common import run_by_hand, run_cases

__all__ = ["check_weights_at_4_5", "check_bilinear_at", "check_bilinear_resize", "check_bilinear_coefficients"]


def check_weights_at_4_5(answer) -> str:
    """Exercise 3.1: ``answer()`` returns a dict ``{(row, column): weight}`` of the input pixels with a non-zero
    weight in output pixel (4, 5) of a 2x bilinear upsampling (``align_corners=False``)."""
    expected = {(1, 2): 3 / 16, (1, 3): 1 / 16, (2, 2): 9 / 16, (2, 3): 3 / 16}
    return run_by_hand("Exercise 3.1", answer, expected, label="the weights")


def _bilinear_at(img, x, y):
    h, w = img.shape
    i0, i1, wy0, wy1 = (a[0] for a in linear_neighbours(np.array([float(y)]), h))
    j0, j1, wx0, wx1 = (a[0] for a in linear_neighbours(np.array([float(x)]), w))
    return float(wy0 * (wx0 * img[i0, j0] + wx1 * img[i0, j1]) + wy1 * (wx0 * img[i1, j0] + wx1 * img[i1, j1]))


def check_bilinear_at(answer) -> str:
    """Exercise 3.2: ``answer(img, x, y)`` returns the bilinear value of the (H, W) array ``img`` at column
    coordinate ``x`` in [0, W-1] and row coordinate ``y`` in [0, H-1] (pixel centres at integer coordinates)."""
    rng = np.random.default_rng(30)
    img = np.round(rng.normal(size=(4, 5)), 2)
    cases = [((img, x, y), {}, _bilinear_at(img, x, y))
             for x, y in ((0.0, 0.0), (1.5, 2.5), (2.25, 0.75), (4.0, 3.0), (4.0, 1.2), (0.3, 3.0), (3.0, 2.0))]
    row = np.array([[1.0, 2.0, 4.0]])
    cases.append(((row, 1.5, 0.0), {}, _bilinear_at(row, 1.5, 0.0)))
    col = np.array([[1.0], [5.0]])
    cases.append(((col, 0.0, 0.25), {}, _bilinear_at(col, 0.0, 0.25)))
    return run_cases("Exercise 3.2", answer, cases, rtol=1e-9, atol=1e-12)


def check_bilinear_resize(answer) -> str:
    """Exercise 3.3: ``answer(img, out_h, out_w)`` resizes the (H, W) float array ``img`` to (out_h, out_w) with
    bilinear interpolation and half-pixel centres, equal to
    ``interpolate(img[None, None], size=(out_h, out_w), mode="bilinear", align_corners=False)[0, 0]``."""
    rng = np.random.default_rng(31)
    cases = []
    for shape, out in (((4, 4), (8, 8)), ((3, 5), (7, 4)), ((6, 6), (3, 2)), ((1, 3), (2, 6)), ((5, 2), (1, 1)),
                       ((2, 3), (2, 3))):
        img = np.round(rng.normal(size=shape), 2)
        expected = interpolate(img[None, None], size=out, mode="bilinear", align_corners=False)[0, 0]
        cases.append(((img,) + out, {}, expected))
    return run_cases("Exercise 3.3", answer, cases, rtol=1e-9, atol=1e-12)


def check_bilinear_coefficients(answer) -> str:
    """Exercise 3.4: ``answer(f00, f01, f10, f11)`` returns ``(a, b, c, d)`` with
    ``f(tx, ty) = a + b*tx + c*ty + d*tx*ty`` equal to the bilinear interpolant of the four corners
    ({eq}`eq-bilinear-poly`); ``f01`` is the corner to the right of ``f00``, ``f10`` the one below it."""
    corners = [(0.0, 1.0, 1.0, 0.0), (0.0, 1.0, 1.0, 2.0), (1.0, 3.0, 2.0, 6.0), (2.0, 2.0, 2.0, 2.0),
               (-1.0, 0.5, 4.0, 3.0)]
    cases = [(c, {}, (c[0], c[1] - c[0], c[2] - c[0], c[0] - c[1] - c[2] + c[3])) for c in corners]
    return run_cases("Exercise 3.4", answer, cases)
