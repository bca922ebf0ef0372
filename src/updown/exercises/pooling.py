"""Checks for the exercises of chapter 1, "Pooling".

The expected answers come from the library (:mod:`updown.pooling`, itself tested against PyTorch), so a check and
the chapter can never disagree.
"""
from __future__ import annotations

import numpy as np

from .. import pooling as P
from ._common import run_by_hand, run_cases

__all__ = ["check_pooled_sizes_by_hand", "check_pool_output_size", "check_max_pool1d", "check_aliased_frequency"]

#: The layers of Exercise 1.1, applied one after the other to a 225-pixel-wide image:
#: (kernel_size, stride, padding, dilation, ceil_mode).
HAND_LAYERS = ((3, 2, 1, 1, False), (2, 2, 0, 1, True), (2, 2, 1, 1, True), (3, 1, 0, 2, False))
HAND_INPUT = 225


def _hand_sizes() -> tuple[int, ...]:
    sizes, size = [], HAND_INPUT
    for k, s, p, d, ceil in HAND_LAYERS:
        size = P.pool_output_size(size, k, s, p, d, ceil)
        sizes.append(size)
    return tuple(sizes)


def check_pooled_sizes_by_hand(answer) -> str:
    """Exercise 1.1: ``answer()`` returns the widths after each of the four layers of ``HAND_LAYERS``."""
    names = tuple(f"the width after layer {i + 1}" for i in range(len(HAND_LAYERS)))
    return run_by_hand("Exercise 1.1", answer, _hand_sizes(), names=names)


#: (size, kernel_size, stride, padding, dilation, ceil_mode): floors, ceils, the dropped last window, dilation.
_SIZE_CASES = [
    (224, 2, 2, 0, 1, False), (225, 2, 2, 0, 1, False), (225, 2, 2, 0, 1, True), (224, 3, 2, 1, 1, False),
    (5, 2, 2, 1, 1, True), (6, 3, 3, 1, 1, True), (7, 3, 2, 0, 2, False), (10, 3, 3, 0, 2, True),
    (1, 3, 3, 0, 1, True), (13, 4, 3, 2, 1, True), (13, 4, 3, 2, 1, False), (9, 1, 4, 0, 1, True),
    (32, 5, 3, 2, 3, True), (17, 2, 1, 0, 4, False),
]


def check_pool_output_size(answer) -> str:
    """Exercise 1.2: ``answer(size, kernel_size, stride, padding, dilation, ceil_mode)`` is PyTorch's output size."""
    cases = [(c, {}, P.pool_output_size(*c)) for c in _SIZE_CASES]
    return run_cases("Exercise 1.2", answer, cases)


def _pool1d(x: np.ndarray, kernel_size: int, stride: int):
    y, idx = P.max_pool2d(x.reshape(1, 1, 1, -1), (1, kernel_size), (1, stride), return_indices=True)
    return y.ravel(), idx.ravel()


def check_max_pool1d(answer) -> str:
    """Exercise 1.3: ``answer(x, kernel_size, stride)`` returns ``(values, indices)`` of 1D max pooling of ``x``
    (a 1D float array; no padding, floor mode), indices into ``x`` and ties to the first maximum, as
    ``torch.nn.functional.max_pool1d(..., return_indices=True)``."""
    rng = np.random.default_rng(11)
    cases = []
    for n, k, s in [(8, 2, 2), (9, 2, 2), (10, 3, 2), (7, 3, 1), (12, 4, 3), (6, 1, 2), (5, 5, 1)]:
        x = np.round(rng.standard_normal(n), 2)
        cases.append(((x, k, s), {}, _pool1d(x, k, s)))
    ties = np.array([1.0, 3.0, 3.0, 0.0, 2.0, 2.0, 2.0, -1.0])
    cases.append(((ties, 3, 2), {}, _pool1d(ties, 3, 2)))
    cases.append(((np.array([-4.0, -2.0, -3.0, -2.0, -5.0]), 2, 1), {},
                  _pool1d(np.array([-4.0, -2.0, -3.0, -2.0, -5.0]), 2, 1)))
    return run_cases("Exercise 1.3", answer, cases)


def _aliased(frequency: float, factor: int) -> float:
    f = frequency * factor
    return float(abs(f - np.round(f)))


def check_aliased_frequency(answer) -> str:
    """Exercise 1.4: ``answer(frequency, factor)`` is the frequency (cycles per output pixel, in [0, 0.5]) of
    ``cos(2 pi frequency n)`` (``frequency`` in cycles per input pixel, in [0, 0.5]) after keeping every
    ``factor``-th sample."""
    pairs = [(0.05, 2), (0.2, 2), (0.25, 2), (0.3, 2), (0.45, 2), (0.5, 2), (0.1, 4), (0.2, 4), (0.3, 4),
             (0.37, 3), (0.0, 5), (0.49, 8)]
    return run_cases("Exercise 1.4", answer, [((f, m), {}, _aliased(f, m)) for f, m in pairs], atol=1e-9)
