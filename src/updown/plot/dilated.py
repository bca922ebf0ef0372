"""Figures of the chapter *Keeping resolution: dilated convolution*.

Every ``draw_*`` function takes a fresh figure and keyword parameters (as the other chapters' figures do).
"""
from __future__ import annotations

import numpy as np

from .. import dilated as D
from .. import transposed as T
from . import PALETTE, pixel_grid

__all__ = ["draw_sparse_kernel", "draw_footprints", "draw_valid_taps"]


def draw_sparse_kernel(fig, dilation: int = 2, length: int = 11):
    """A 3x3 kernel, its ``dilation``-dilated sparse kernel on the pixel grid, and the convolution matrix of
    the dilated 3-tap row kernel on a ``length``-pixel row, with the matrix of the sparse kernel beside it."""
    d = int(dilation)
    w = np.arange(1.0, 10.0).reshape(3, 3)
    sparse = D.dilate_kernel(w, d)
    axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [3, sparse.shape[1], 5.5, 5.5]})
    pixel_grid(axes[0], w, fmt="{:.0f}", vmin=0, vmax=9)
    axes[0].set_title("3x3 kernel w")
    shown = np.where(sparse == 0, np.nan, sparse)
    pixel_grid(axes[1], shown, fmt="{:.0f}", vmin=0, vmax=9, centres=True)
    for i, j in zip(*np.nonzero(sparse == 0)):
        axes[1].text(j + 0.5, i + 0.72, "0", ha="center", va="center", fontsize=8, color="0.6")
    axes[1].set_title(f"sparse kernel, dilation {d}")
    row = np.array([[[[1.0, 2.0, 3.0]]]])
    m_dil = T.conv2d_matrix(row, (1, length), dilation=(1, d)).to_dense().numpy()
    m_sparse = T.conv2d_matrix(D.dilate_kernel(row, d), (1, length)).to_dense().numpy()
    for ax, m, title in ((axes[2], m_dil, f"C of [1 2 3], dilation {d}"),
                         (axes[3], m_sparse, "C of the sparse kernel")):
        pixel_grid(ax, np.where(m == 0, np.nan, m), fmt="{:.0f}", vmin=0, vmax=4, centres=False,
                   label_axes=False)
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
