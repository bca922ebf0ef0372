"""Checks for the exercises of the chapters ch-transposed (convolution is a matrix, and its transpose) and
ch-checkerboard (checkerboard artifacts and bilinear upsampling). The expected answers come from PyTorch or from
``updown.transposed``. The chapters' numbers are :data:`CHAPTER` and :data:`CHECKERBOARD_CHAPTER`, the one place to
change when chapters are inserted before them (see the changelog in book/teaching.md)."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .. import transposed as T
from ._common import run_by_hand, run_cases

#: The number of the chapter ch-transposed; its checks say "Exercise {CHAPTER}.M", like the student stubs.
CHAPTER = 7
#: The number of the chapter ch-checkerboard.
CHECKERBOARD_CHAPTER = 8

__all__ = [
    "check_sizes_by_hand",
    "check_transposed_output_size",
    "check_scatter_transposed_1d",
    "check_uncovered_pixels",
    "check_overlap_by_hand",
    "check_overlap_counts",
    "check_even_kernel_sizes",
]


def check_sizes_by_hand(answer) -> str:
    """The first exercise of ch-transposed.

    ``answer()`` returns ``(conv_output, input_sizes, output_padding)`` for
    ``Conv2d(kernel_size=3, stride=2, padding=1)`` on a map 13 pixels wide: the output width, the tuple of all
    input widths giving that same output width, and the ``output_padding`` that makes
    ``ConvTranspose2d(kernel_size=3, stride=2, padding=1)`` return width 14 from the conv's output width."""
    out = T.conv_output_size(13, 3, 2, 1)
    inputs = tuple(T.conv_input_sizes(out, 3, 2, 1))
    op = next(o for o in range(2) if T.conv_transpose_output_size(out, 3, 2, 1, o) == 14)
    return run_by_hand(f"Exercise {CHAPTER}.1", answer, (out, inputs, op),
                         names=("conv_output", "input_sizes", "output_padding"), unordered=("input_sizes",))


def _torch_transposed_size(size, k, s, p, op, d) -> int:
    y = torch.zeros(1, 1, 1, size)
    w = torch.zeros(1, 1, 1, k)
    return F.conv_transpose2d(y, w, stride=(1, s), padding=(0, p), output_padding=(0, op),
                              dilation=(1, d)).shape[-1]


def check_transposed_output_size(answer) -> str:
    """The second exercise of ch-transposed.

    ``answer(size, kernel_size, stride, padding, output_padding, dilation)`` returns the output
    length of a transposed convolution along one axis (an int), as PyTorch computes it."""
    params = [(4, 3, 1, 0, 0, 1), (4, 3, 2, 1, 1, 1), (16, 4, 2, 1, 0, 1), (7, 3, 2, 1, 0, 1),
              (5, 3, 3, 0, 2, 1), (6, 3, 1, 2, 0, 2), (10, 5, 2, 2, 1, 3), (1, 1, 1, 0, 0, 1),
              (3, 64, 32, 16, 0, 1), (8, 2, 4, 0, 3, 2), (9, 3, 1, 0, 1, 2)]
    cases = [((size, k, s, p, op, d), {}, _torch_transposed_size(size, k, s, p, op, d))
             for size, k, s, p, op, d in params]
    return run_cases(f"Exercise {CHAPTER}.2", answer, cases)


def check_scatter_transposed_1d(answer) -> str:
    """The third exercise of ch-transposed.

    ``answer(y, weight, stride, padding)`` with 1D NumPy arrays ``y`` (length L) and ``weight``
    (length k) returns the 1D transposed convolution (a NumPy array), equal to
    ``torch.nn.functional.conv_transpose1d`` of one channel."""
    rng = np.random.default_rng(61)
    cases = []
    for length, k, s, p in [(3, 3, 2, 0), (4, 3, 2, 1), (5, 4, 2, 1), (2, 1, 3, 0), (6, 5, 1, 2), (4, 2, 2, 0),
                            (3, 3, 3, 1), (1, 3, 2, 1)]:
        y = np.round(rng.standard_normal(length), 2)
        w = np.round(rng.standard_normal(k), 2)
        ref = F.conv_transpose1d(torch.from_numpy(y)[None, None], torch.from_numpy(w)[None, None],
                                 stride=s, padding=p)[0, 0].numpy()
        cases.append(((y, w, s, p), {}, ref))
    return run_cases(f"Exercise {CHAPTER}.3", answer, cases, rtol=1e-9, atol=1e-9)


def _uncovered(length: int, kernel_size: int, stride: int) -> int:
    """Output pixels of a 1D transposed convolution (padding 0) that no input reaches, counted on the library's
    ``conv_transpose2d`` of an all-ones input with an all-ones kernel."""
    y = np.ones((1, 1, 1, length))
    w = np.ones((1, 1, 1, kernel_size))
    return int((T.conv_transpose2d(y, w, stride=(1, stride)) == 0).sum())


def check_uncovered_pixels(answer) -> str:
    """The fourth exercise of ch-transposed.

    ``answer(length, kernel_size, stride)`` returns how many output pixels of a 1D transposed
    convolution with padding 0 receive no stamp at all (an int)."""
    params = [(4, 3, 1), (4, 3, 2), (4, 3, 3), (4, 3, 4), (5, 2, 5), (1, 3, 7), (6, 1, 2), (3, 4, 6), (7, 5, 5),
              (2, 2, 9)]
    return run_cases(f"Exercise {CHAPTER}.4", answer, [((n, k, s), {}, _uncovered(n, k, s)) for n, k, s in params])


def check_overlap_by_hand(answer) -> str:
    """The first exercise of ch-checkerboard.

    ``answer()`` returns ``(values_1d, values_2d)``: the distinct interior values (sorted tuples
    of ints) of a transposed convolution with ``kernel_size=5, stride=2``, a kernel of ones and an input of ones,
    in 1D and in 2D."""
    counts = T.conv_transpose2d(torch.ones(1, 1, 12, 12, dtype=torch.float64),
                                torch.ones(1, 1, 5, 5, dtype=torch.float64), stride=2)[0, 0].round().int()
    row = T.conv_transpose2d(torch.ones(1, 1, 1, 12, dtype=torch.float64),
                             torch.ones(1, 1, 1, 5, dtype=torch.float64), stride=(1, 2))[0, 0, 0].round().int()
    values_1d = tuple(int(v) for v in torch.unique(row[6:-6]))
    values_2d = tuple(int(v) for v in torch.unique(counts[6:-6, 6:-6]))
    return run_by_hand(f"Exercise {CHECKERBOARD_CHAPTER}.1", answer, (values_1d, values_2d),
                       names=("values_1d", "values_2d"),
                         unordered=("values_1d", "values_2d"))


def check_overlap_counts(answer) -> str:
    """The second exercise of ch-checkerboard.

    ``answer(length, kernel_size, stride)`` returns the number of kernel stamps covering each
    output position of a 1D transposed convolution of an input of ``length`` samples (no padding): an int array
    of length ``(length - 1) * stride + kernel_size``."""
    cases = []
    for length, k, s in [(4, 3, 2), (5, 4, 2), (3, 1, 2), (6, 5, 3), (2, 7, 2), (5, 3, 1), (3, 2, 4), (1, 3, 2)]:
        y = torch.ones(1, 1, length, dtype=torch.float64)
        w = torch.ones(1, 1, k, dtype=torch.float64)
        ref = F.conv_transpose1d(y, w, stride=s)[0, 0].round().numpy().astype(int)
        cases.append(((length, k, s), {}, ref))
    return run_cases(f"Exercise {CHECKERBOARD_CHAPTER}.2", answer, cases)


def _even(stride: int, max_kernel: int) -> tuple:
    good = []
    for k in range(1, max_kernel + 1):
        counts = T.conv_transpose2d(torch.ones(1, 1, 1, 12, dtype=torch.float64),
                                    torch.ones(1, 1, 1, k, dtype=torch.float64), stride=(1, stride))[0, 0, 0]
        inner = counts[k + stride:-(k + stride)]
        if torch.all(inner == inner[0]):
            good.append(k)
    return tuple(good)


def check_even_kernel_sizes(answer) -> str:
    """The third exercise of ch-checkerboard.

    ``answer(stride, max_kernel)`` returns, as a sorted tuple, every kernel size from 1 to
    ``max_kernel`` for which a transposed convolution with that stride covers every interior output pixel the same
    number of times (no checkerboard for a constant input and a constant kernel)."""
    cases = [((s, m), {}, _even(s, m)) for s, m in [(2, 8), (3, 10), (1, 4), (4, 9), (5, 4)]]
    return run_cases(f"Exercise {CHECKERBOARD_CHAPTER}.3", answer, cases)
