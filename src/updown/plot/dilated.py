"""Figures of the chapter *Keeping resolution: dilated convolution*.

Every ``draw_*`` function takes a fresh figure and keyword parameters (as the other chapters' figures do).
"""
from __future__ import annotations

import numpy as np

from .. import dilated as D
from .. import transposed as T
from . import PALETTE, pixel_grid

__all__ = ["draw_sparse_kernel", "draw_footprints", "draw_valid_taps"]


def _values(ax, values, centres):
    """Non-zero entries coloured and labelled, zeros white and labelled in grey, integer ticks."""
    values = np.asarray(values, dtype=float)
    pixel_grid(ax, np.where(values == 0, np.nan, values), annotate=False, vmin=0, vmax=values.max() + 1,
               centres=centres, label_axes=centres)
    for i, j in np.ndindex(values.shape):
        v = values[i, j]
        ax.text(j + 0.5, i + 0.5 + (0.22 if centres else 0.0), f"{v:.0f}", ha="center", va="center",
                fontsize=8, color="0.6" if v == 0 else "white" if v < 0.6 * values.max() else "black")
    ax.set_xticks(np.arange(values.shape[1]) + 0.5, [str(k) for k in range(values.shape[1])])
    ax.set_yticks(np.arange(values.shape[0]) + 0.5, [str(k) for k in range(values.shape[0])])
    ax.tick_params(length=0)


def draw_sparse_kernel(fig, dilation: int = 2, length: int = 11):
    """A 3x3 kernel, its ``dilation``-dilated sparse kernel on the pixel grid, and the convolution matrix of
    the dilated 3-tap row kernel on a ``length``-pixel row, with the matrix of the sparse kernel beside it."""
    d = int(dilation)
    w = np.arange(1.0, 10.0).reshape(3, 3)
    sparse = D.dilate_kernel(w, d)
    axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [3, sparse.shape[1], 5.5, 5.5]})
    _values(axes[0], w, centres=True)
    axes[0].set_title("3x3 kernel w")
    _values(axes[1], sparse, centres=True)
    axes[1].set_title(f"sparse kernel, dilation {d}")
    row = np.array([[[[1.0, 2.0, 3.0]]]])
    m_dil = T.conv2d_matrix(row, (1, length), dilation=(1, d)).to_dense().numpy()
    m_sparse = T.conv2d_matrix(D.dilate_kernel(row, d), (1, length)).to_dense().numpy()
    for ax, m, title in ((axes[2], m_dil, f"C of [1 2 3], dilation {d}"),
                         (axes[3], m_sparse, "C of the sparse kernel")):
        _values(ax, m, centres=False)
        ax.set_title(title)
        ax.set_xlabel("input pixel")
        ax.set_ylabel("output pixel")
    return axes


def draw_footprints(fig, stacks: dict, kernel_size: int = 3):
    """For each ``{label: dilations}``, the input pixels that reach one output of the stack of ``k x k``
    convolutions (``dilation_footprint``), coloured by the number of paths; holes (no path) in grey."""
    axes = np.atleast_1d(fig.subplots(1, len(stacks)))
    size = max(D.dilation_footprint(kernel_size, ds).shape[0] for ds in stacks.values())
    for ax, (label, ds) in zip(axes, stacks.items()):
        fp = D.dilation_footprint(kernel_size, ds).astype(float)
        ax.imshow(np.ones_like(fp), cmap="Greys", vmin=0, vmax=4, extent=(0, fp.shape[1], fp.shape[0], 0))
        im = ax.imshow(np.where(fp == 0, np.nan, fp), extent=(0, fp.shape[1], fp.shape[0], 0))
        holes = int((fp == 0).sum())
        ax.set_title(f"{label}\n{holes} holes of {fp.size}")
        ax.set_xlim(-(size - fp.shape[1]) / 2, fp.shape[1] + (size - fp.shape[1]) / 2)
        ax.set_ylim(fp.shape[0] + (size - fp.shape[0]) / 2, -(size - fp.shape[0]) / 2)
        ax.set_xlabel("x (pixels)")
        ax.set_ylabel("y (pixels)")
        fig.colorbar(im, ax=ax, shrink=0.7, label="paths")
    return axes


def draw_valid_taps(fig, feature_sizes=(12, 16, 33), max_rate: int = 36, marks: dict | None = None):
    """The fraction of a 3x3 kernel's taps that land on an ``n x n`` map, against the rate, one curve per
    ``n``; ``marks`` ``{n: rates}`` adds markers at chosen rates."""
    ax = fig.subplots()
    rates = np.arange(1, max_rate + 1)
    colours = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"]]
    for colour, n in zip(colours, feature_sizes):
        ax.plot(rates, [D.valid_tap_fraction(n, r) for r in rates], color=colour, label=f"{n}x{n} map")
        for r in (marks or {}).get(n, ()):
            ax.plot(r, D.valid_tap_fraction(n, r), "o", color=colour, ms=6)
    ax.axhline(1 / 9, color="0.5", lw=0.8, ls="--")
    ax.text(max_rate, 1 / 9 + 0.02, "1/9: only the centre tap (a 1x1 conv)", ha="right", fontsize=8)
    ax.set_xlabel("rate (cells of the feature map)")
    ax.set_ylabel("taps inside the map (fraction)")
    ax.set_ylim(0, 1.02)
    ax.legend()
    return ax
