"""Checks for the exercises of chapter 4, "Trilinear, 3D".

Index coordinates throughout: voxel ``(k, i, j)`` of a volume of shape ``(D, H, W)`` has its centre at ``(k, i, j)``
(depth, row, column), as in the chapter's equations (eq-trilinear-weights) and (eq-trilinear-sum).
"""
from __future__ import annotations

import numpy as np

from ._common import run_by_hand, run_cases

__all__ = ["check_weights_2x", "check_trilinear_weights", "check_trilinear_sample", "check_exact_slices"]


def _weights(tz: float, ty: float, tx: float) -> np.ndarray:
    """The eight weights ``w[a, b, c]`` of corner ``(z0 + a, y0 + b, x0 + c)`` for fractional offsets t."""
    wz = np.array([1.0 - tz, tz])
    wy = np.array([1.0 - ty, ty])
    wx = np.array([1.0 - tx, tx])
    return wz[:, None, None] * wy[None, :, None] * wx[None, None, :]


def _sample(volume: np.ndarray, z: float, y: float, x: float) -> float:
    """Trilinear value of ``volume`` (D, H, W) at the index coordinate (z, y, x), inside the volume."""
    lo = [int(np.floor(c)) for c in (z, y, x)]
    lo = [min(l, n - 1) for l, n in zip(lo, volume.shape)]
    hi = [min(l + 1, n - 1) for l, n in zip(lo, volume.shape)]
    t = [c - l for c, l in zip((z, y, x), lo)]
    w = _weights(*t)
    total = 0.0
    for a in (0, 1):
        for b in (0, 1):
            for c in (0, 1):
                k = (lo[0], hi[0])[a]
                i = (lo[1], hi[1])[b]
                j = (lo[2], hi[2])[c]
                total += w[a, b, c] * volume[k, i, j]
    return float(total)


def _exact_slices(depth: int, factor: int) -> tuple[int, ...]:
    """Output slices where per-slice bilinear + repeated slices equals trilinear (align_corners=False)."""
    k = np.arange(depth * factor)
    src = (k + 0.5) / factor - 0.5
    src = np.clip(src, 0, depth - 1)
    return tuple(int(v) for v in k[np.isclose(src, np.round(src), rtol=0, atol=1e-9)])


def check_weights_2x(answer) -> str:
    """Exercise 4.1: ``answer()`` returns the (2, 2, 2) weights of an output voxel of 2x trilinear upsampling.

    Corner ``[0, 0, 0]`` is the input voxel nearest to the output voxel; index 1 on an axis is the far neighbour.
    """
    return run_by_hand("Exercise 4.1", answer, _weights(0.25, 0.25, 0.25), label="w")


def check_trilinear_weights(answer) -> str:
    """Exercise 4.2: ``answer(tz, ty, tx)`` returns ``w`` of shape (2, 2, 2), ``w[a, b, c]`` weighting corner
    ``(z0 + a, y0 + b, x0 + c)`` for fractional offsets ``tz, ty, tx`` in [0, 1]."""
    triples = [(0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (0.5, 0.5, 0.5), (0.1, 0.6, 0.3),
               (0.9, 0.2, 0.75), (0.25, 0.8, 0.05), (0.0, 1.0, 0.4)]
    return run_cases("Exercise 4.2", answer, [(t, {}, _weights(*t)) for t in triples])


def check_trilinear_sample(answer) -> str:
    """Exercise 4.3: ``answer(volume, z, y, x)`` returns the trilinear value of ``volume`` (D, H, W) at the index
    coordinate ``(z, y, x)`` with ``0 <= z <= D-1`` etc. (corners beyond the last voxel are clamped to it)."""
    rng = np.random.default_rng(404)
    cases = []
    shapes = [(3, 4, 5), (2, 2, 2), (5, 3, 4), (4, 6, 2)]
    for shape in shapes:
        volume = np.round(rng.normal(size=shape), 2)
        for _ in range(4):
            point = tuple(round(float(rng.uniform(0, n - 1)), 2) for n in shape)
            cases.append(((volume.copy(), *point), {}, _sample(volume, *point)))
    volume = np.round(rng.normal(size=(3, 3, 3)), 2)
    for point in [(0.0, 0.0, 0.0), (2.0, 2.0, 2.0), (1.0, 0.5, 2.0), (2.0, 1.25, 0.0)]:
        cases.append(((volume.copy(), *point), {}, _sample(volume, *point)))
    return run_cases("Exercise 4.3", answer, cases)


def check_exact_slices(answer) -> str:
    """Exercise 4.4: ``answer(depth, factor)`` returns, as a tuple of ints in increasing order, the output slices
    of an integer-``factor`` upsampling (align_corners=False) where bilinear on each input slice followed by
    repeating every slice ``factor`` times equals trilinear exactly."""
    pairs = [(4, 2), (4, 3), (5, 4), (3, 5), (6, 1), (2, 6), (7, 3)]
    return run_cases("Exercise 4.4", answer, [((d, f), {}, _exact_slices(d, f)) for d, f in pairs])
