"""Figures and animations of chapters 6 (convolution as a matrix, its transpose) and 7 (checkerboards, bilinear).

Every ``draw_*`` function takes a fresh figure and keyword parameters, so it can be used by ``updown.plot.explore``
and ``updown.plot.animate``; the ``*_animation`` functions return a playable ``to_jshtml`` animation.
"""
from __future__ import annotations

import matplotlib as mpl
import numpy as np
import torch

from .. import transposed as T
from . import PALETTE, animate, draw_window, pixel_grid

__all__ = [
    "draw_conv_matrix",
    "conv_matrix_animation",
    "draw_sparsity",
    "draw_scatter_step",
    "scatter_animation",
    "zero_insert",
    "draw_gather_step",
    "gather_animation",
    "overlap_counts",
    "draw_overlap",
    "draw_bilinear_kernel",
    "draw_border_difference",
]

_GREY = "0.85"


def _integer_ticks(*axes):
    for ax in axes:
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))


def _shade(ax, row, col, height=1, width=1, color=_GREY, hatch=None, alpha=0.85):
    ax.add_patch(mpl.patches.Rectangle((col, row), width, height, facecolor=color, edgecolor="0.6",
                                       hatch=hatch, alpha=alpha, lw=0.5, zorder=2.5))


# ------------------------------------------------------------------------------------------- chapter 6: C itself

def draw_conv_matrix(fig, row: int = 0, size: int = 4, kernel_size: int = 3):
    """The 4x4 input (pixels numbered in flattening order) with the window of output ``row`` and the matrix C.

    The kernel is ``1..k*k`` so each entry of C says which tap it is; the highlighted row of C is the window.
    """
    row = int(row)
    weight = torch.arange(1.0, kernel_size * kernel_size + 1).reshape(1, 1, kernel_size, kernel_size)
    c = T.conv2d_matrix(weight, size).to_dense().numpy()
    out = size - kernel_size + 1
    oy, ox = divmod(row, out)
    ax_in, ax_c = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 3.2]})
    pixel_grid(ax_in, np.zeros((size, size)), cmap="Greys", vmin=0, vmax=1, annotate=False)
    for n in range(size * size):
        ax_in.text(n % size + 0.5, n // size + 0.75, str(n), ha="center", va="center", fontsize=8)
    draw_window(ax_in, oy, ox, kernel_size, kernel_size)
    ax_in.set_title(f"input {size}×{size}: pixel numbers,\nwindow of output {row}")
    pixel_grid(ax_c, c, vmin=0, vmax=c.max(), fmt="{:.0f}", centres=False,
               label_axes=False)
    draw_window(ax_c, row, 0, 1, c.shape[1], color=PALETTE["orange"])
    _integer_ticks(ax_in, ax_c)
    ax_c.set_xlabel("column = input pixel number")
    ax_c.set_ylabel("row = output pixel")
    ax_c.set_title(f"C, {c.shape[0]}×{c.shape[1]}: row {row} holds the kernel taps 1..{kernel_size**2} "
                   f"at the pixels of the window, 0 elsewhere")
    return fig


def conv_matrix_animation(size: int = 4, kernel_size: int = 3, alt: str = ""):
    """Animate :func:`draw_conv_matrix` over the rows of C (one frame per output pixel).

    ``alt`` is the player's text alternative; by default a sentence built from the sizes.
    """
    out = size - kernel_size + 1
    n = out ** 2
    alt = alt or (f"Animation: a {kernel_size}×{kernel_size} window steps over a {size}×{size} input whose "
                  f"pixels are numbered 0 to {size * size - 1}; beside it the {n}×{size * size} matrix C "
                  f"highlights the row of that window, holding the taps 1 to {kernel_size ** 2} in the "
                  f"columns of the window's pixels and 0 elsewhere.")
    return animate(draw_conv_matrix, range(n), param="row", size=size, kernel_size=kernel_size,
                   figsize=(8.5, 3.0), interval=900, what="rows of C", alt=alt)


def draw_sparsity(fig, size: int = 8, kernel_size: int = 3, padding: int = 1, stride: int = 1):
    """``spy`` plot of C for a ``size``x``size`` image: a band of kernel-width diagonals, almost all zero."""
    weight = torch.ones(1, 1, kernel_size, kernel_size)
    c = T.conv2d_matrix(weight, size, stride=stride, padding=padding)
    dense = c.to_dense().numpy()
    ax = fig.subplots()
    ax.spy(dense, markersize=1.6, color=PALETTE["blue"])
    ax.set_xlabel("column = input pixel number")
    ax.set_ylabel("row = output pixel number")
    ax.xaxis.set_label_position("bottom")
    ax.set_title(f"non-zeros of C for a {size}×{size} input, {kernel_size}×{kernel_size} kernel, "
                 f"padding {padding}: {c._nnz()} of {dense.size}")
    return fig


# ------------------------------------------------------------------------------ chapter 6: the two animations

def draw_scatter_step(fig, step: int = 0, y=None, kernel=None, stride: int = 2, padding: int = 0):
    """Scatter view of ``C^T y``: input pixel ``step`` stamps ``y[i, j] * kernel`` at ``(i*stride, j*stride)``.

    Left: the input with the current pixel outlined. Right: the running sum on the uncropped canvas; a
    ``padding`` crops that many rows/columns on each side (shaded), which is what ``padding`` means here.
    """
    y = np.array([[1.0, 2.0], [3.0, 4.0]]) if y is None else np.asarray(y, dtype=float)
    kernel = np.array([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]]) if kernel is None else np.asarray(kernel, float)
    step = int(step)
    hi, wi = y.shape
    k = kernel.shape[0]
    size = ((hi - 1) * stride + k, (wi - 1) * stride + k)
    canvas = np.zeros(size)
    for n in range(step + 1):
        i, j = divmod(n, wi)
        canvas[i * stride:i * stride + k, j * stride:j * stride + k] += y[i, j] * kernel
    i, j = divmod(step, wi)
    total = np.zeros(size)
    for n in range(hi * wi):
        a, b = divmod(n, wi)
        total[a * stride:a * stride + k, b * stride:b * stride + k] += y[a, b] * kernel
    ax_y, ax_out = fig.subplots(1, 2, gridspec_kw={"width_ratios": [hi + 1, size[1] + 1]})
    pixel_grid(ax_y, y, vmin=0, vmax=y.max(), fmt="{:.0f}")
    draw_window(ax_y, i, j, 1, 1, color=PALETTE["vermillion"])
    ax_y.set_title(f"input y, pixel ({i}, {j})")
    pixel_grid(ax_out, canvas, vmin=0, vmax=total.max(), fmt="{:.0f}")
    draw_window(ax_out, i * stride, j * stride, k, k, color=PALETTE["vermillion"],
                label=f"y[{i},{j}] × kernel")
    if padding:
        p = padding
        for r in range(size[0]):
            for c in range(size[1]):
                if r < p or c < p or r >= size[0] - p or c >= size[1] - p:
                    _shade(ax_out, r, c, alpha=0.6)
    ax_out.set_title(f"C^T y: stamps added so far\n(stride {stride}" + (f"; padding {padding} crops the grey band"
                                                                        if padding else "") + ")")
    ax_out.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16))
    _integer_ticks(ax_y, ax_out)
    return fig


def scatter_animation(y=None, kernel=None, stride: int = 2, padding: int = 0, alt: str = ""):
    """Animation of the scatter view, one frame per input pixel (``alt``: text alternative, default built)."""
    y = np.array([[1.0, 2.0], [3.0, 4.0]]) if y is None else np.asarray(y, dtype=float)
    k = 3 if kernel is None else np.asarray(kernel).shape[0]
    crop = f"; a grey band of {padding} pixel(s) on each side marks what padding crops" if padding else ""
    alt = alt or (f"Animation of the scatter view: each of the {y.size} input pixels in turn adds a copy of the "
                  f"{k}×{k} kernel, scaled by its value, to the output canvas, {stride} pixels after the "
                  f"previous stamp; where stamps overlap their values add up{crop}.")
    return animate(draw_scatter_step, range(y.size), param="step", y=y, kernel=kernel, stride=stride,
                   padding=padding, figsize=(6.4, 3.3), interval=1000, what="scatter view", alt=alt)


def zero_insert(y, stride: int, kernel_size: int, padding: int = 0, output_padding: int = 0, dilation: int = 1):
    """The input of the equivalent direct convolution: ``stride - 1`` zeros between samples, then
    ``dilation*(kernel_size-1) - padding`` zeros on each side (plus ``output_padding`` at the bottom/right).
    A negative border crops instead. 2D NumPy in, 2D NumPy out; also returns a mask of the original samples.
    """
    y = np.asarray(y, dtype=float)
    hi, wi = y.shape
    inserted = np.zeros(((hi - 1) * stride + 1, (wi - 1) * stride + 1))
    inserted[::stride, ::stride] = y
    mask = np.zeros_like(inserted, dtype=bool)
    mask[::stride, ::stride] = True
    border = dilation * (kernel_size - 1) - padding
    out, m = inserted, mask
    lo, hi_ = border, border + output_padding
    if lo >= 0 and hi_ >= 0:
        out = np.pad(inserted, ((lo, hi_), (lo, hi_)))
        m = np.pad(mask, ((lo, hi_), (lo, hi_)))
    else:  # crop where the border is negative (padding larger than the dilated kernel)
        big = np.pad(inserted, ((max(lo, 0), max(hi_, 0)),) * 2)
        mb = np.pad(mask, ((max(lo, 0), max(hi_, 0)),) * 2)
        a, b = max(-lo, 0), big.shape[0] - max(-hi_, 0)
        out, m = big[a:b, a:b], mb[a:b, a:b]
    return out, m


def draw_gather_step(fig, step: int = 0, y=None, kernel=None, stride: int = 2, padding: int = 0):
    """Gather view of the same ``C^T y``: zeros inserted, border added, the 180°-rotated kernel slides with stride 1.

    Left: the zero-inserted, padded input (inserted and border zeros shaded) with the window of output ``step``
    and the rotated kernel's values. Right: the output filled up to ``step``.
    """
    y = np.array([[1.0, 2.0], [3.0, 4.0]]) if y is None else np.asarray(y, dtype=float)
    kernel = np.array([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]]) if kernel is None else np.asarray(kernel, float)
    step = int(step)
    k = kernel.shape[0]
    big, mask = zero_insert(y, stride, k, padding)
    full = T.conv_transpose2d(y[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
    ho, wo = full.shape
    oy, ox = divmod(step, wo)
    shown = np.full(full.shape, np.nan)
    flat = shown.reshape(-1)
    flat[:step + 1] = full.reshape(-1)[:step + 1]
    ax_in, ax_out = fig.subplots(1, 2, gridspec_kw={"width_ratios": [big.shape[1] + 1, wo + 1]})
    pixel_grid(ax_in, big, vmin=0, vmax=max(y.max(), 1), fmt="{:.0f}")
    for r in range(big.shape[0]):
        for c in range(big.shape[1]):
            if not mask[r, c]:
                _shade(ax_in, r, c, alpha=0.45)
    rotated = kernel[::-1, ::-1]
    for u in range(k):
        for v in range(k):
            ax_in.text(ox + v + 0.5, oy + u + 0.25, f"×{rotated[u, v]:.0f}", ha="center", va="center",
                       fontsize=6.5, color=PALETTE["vermillion"], zorder=7,
                       bbox=dict(boxstyle="round,pad=0.08", fc="white", ec="none", alpha=0.85))
    draw_window(ax_in, oy, ox, k, k, color=PALETTE["vermillion"], label="kernel rotated 180°")
    ax_in.set_title(f"{stride - 1} zero(s) inserted, border {k - 1 - padding}")
    ax_in.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16))
    pixel_grid(ax_out, np.nan_to_num(shown), vmin=0, vmax=full.max(), fmt="{:.0f}")
    for r in range(ho):
        for c in range(wo):
            if np.isnan(shown[r, c]):
                _shade(ax_out, r, c, color="white", alpha=1.0)
    draw_window(ax_out, oy, ox, 1, 1, color=PALETTE["vermillion"])
    ax_out.set_title(f"output pixel ({oy}, {ox}) = window sum")
    _integer_ticks(ax_in, ax_out)
    return fig


def gather_animation(y=None, kernel=None, stride: int = 2, padding: int = 0, alt: str = ""):
    """Animation of the gather view, one frame per output pixel (``alt``: text alternative, default built)."""
    y = np.array([[1.0, 2.0], [3.0, 4.0]]) if y is None else np.asarray(y, dtype=float)
    k = 3 if kernel is None else np.asarray(kernel).shape[0]
    n = T.conv_transpose_output_size(y.shape[0], k, stride, padding) * \
        T.conv_transpose_output_size(y.shape[1], k, stride, padding)
    alt = alt or (f"Animation of the gather view: the input with {stride - 1} zero(s) inserted between samples "
                  f"and a border of {k - 1 - padding} zero(s), shaded, under a {k}×{k} window holding the kernel "
                  f"rotated by 180 degrees; the window slides with stride 1 and fills the {n} output pixels "
                  f"one by one with its weighted sums.")
    return animate(draw_gather_step, range(n), param="step", y=y, kernel=kernel, stride=stride,
                   padding=padding, figsize=(6.4, 3.3), interval=800, what="gather view", alt=alt)


# --------------------------------------------------------------------------------------- chapter 7: overlaps

def overlap_counts(length: int, kernel_size: int, stride: int) -> np.ndarray:
    """How many stamps cover each output position of a 1D transposed convolution (no padding), as ints."""
    y = torch.ones(1, 1, 1, int(length), dtype=torch.float64)
    w = torch.ones(1, 1, 1, int(kernel_size), dtype=torch.float64)
    return T.conv_transpose2d(y, w, stride=(1, int(stride)))[0, 0, 0].round().numpy().astype(int)


def draw_overlap(fig, kernel_size: int = 3, stride: int = 2, length: int | None = None):
    """Stamps of a 1D transposed convolution stacked (top), their count per output pixel (middle), and the 2D
    count, the outer product of the 1D counts (right). ``length`` (input samples) defaults to enough for an
    interior where no stamp is cut by the ends."""
    k, s = int(round(kernel_size)), int(round(stride))
    n = int(length) if length is not None else max(4, -(-k // s) + 3)
    counts = overlap_counts(n, k, s)
    out = counts.size
    top = -(-k // s)
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.5, 1]})
    colours = list(PALETTE.values())
    for i in range(n):
        ax1.add_patch(mpl.patches.Rectangle((i * s, i * 0.8 + 0.2), k, 0.6, color=colours[i % 6], alpha=0.75))
    taps = (np.arange(n)[:, None] * s + np.arange(k)[None, :] + 0.5).ravel()
    rows = np.repeat(np.arange(n) * 0.8 + 0.5, k)
    ax1.plot(taps, rows, "o", ms=2.5, color="black")
    base = n * 0.8 + 0.6
    ax1.imshow(counts[None, :], extent=(0, out, base + 1, base), vmin=0, vmax=top, aspect="auto")
    ax1.vlines(np.arange(out + 1), base, base + 1, color="0.35", lw=0.6)
    for j, c in enumerate(counts):
        ax1.text(j + 0.5, base + 0.55, str(c), ha="center", va="center", fontsize=8,
                 color="white" if c < top / 2 + 0.01 else "black")
    ax1.set_xlim(0, out)
    ax1.set_ylim(base + 1.2, 0)
    ax1.set_xlabel("output x (pixels)")
    ax1.set_yticks([i * 0.8 + 0.5 for i in range(n)] + [base + 0.5],
                   [f"stamp of y[{i}]" for i in range(n)] + ["count"])
    ax1.set_title(f"1D: kernel {k}, stride {s}: "
                  + ("even overlap inside" if k % s == 0 else f"counts alternate {k // s} and {top}" if s == 2
                     else f"counts {k // s} or {top}, by position"))
    grid2 = np.outer(counts, counts)
    if out <= 12:
        pixel_grid(ax2, grid2, vmin=0, vmax=top ** 2, fmt="{:d}")
    else:  # too many pixels to label: one image and one line collection per axis keep the redraw fast
        ax2.imshow(grid2, extent=(0, out, out, 0), vmin=0, vmax=top ** 2)
        ax2.vlines(np.arange(out + 1), 0, out, color="0.35", lw=0.4)
        ax2.hlines(np.arange(out + 1), 0, out, color="0.35", lw=0.4)
        ax2.set_xlabel("x (pixels)")
        ax2.set_ylabel("y (pixels)")
    ax2.set_title("2D count = product of 1D counts")
    _integer_ticks(ax2)
    return fig


def draw_bilinear_kernel(fig, factor: int = 2):
    """FCN's bilinear kernel for ``factor``: the 2D weights (left) and its 1D tent with the phases (right)."""
    f = int(round(factor))
    kern = T.bilinear_kernel(f)
    k = kern.shape[0]
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
    pixel_grid(ax1, kern, vmin=0, vmax=1, fmt="{:.2f}", fontsize=6 if k > 6 else 8)
    ax1.set_title(f"bilinear_kernel({f}): {k}×{k}")
    _integer_ticks(ax1)
    tent = 1.0 - np.abs(np.arange(k) - (k - 1) / 2) / f
    for phase in range(f):
        taps = np.arange(phase, k, f)
        colour = list(PALETTE.values())[phase % 7]
        ax2.vlines(taps + 0.5, 0, tent[taps], color=colour, lw=2)
        ax2.plot(taps + 0.5, tent[taps], "o", color=colour,
                 label=f"taps ≡ {phase} mod {f}: sum {tent[taps].sum():.2f}")
    ax2.set_xlim(0, k)
    ax2.set_ylim(0, 1.45)
    ax2.set_xlabel("tap position (pixels)")
    ax2.set_ylabel("1D weight")
    ax2.set_title("each phase (taps one stride apart) sums to 1")
    ax2.legend(loc="upper center", ncols=2)
    return fig



def draw_border_difference(fig, ours: np.ndarray, ref: np.ndarray, band: int, *, corner: int = 16):
    """The bilinear transposed convolution, ``interpolate(align_corners=False)`` and their difference, each as the
    top-left ``corner`` x ``corner`` pixels, with the border band (``band`` pixels) where they differ outlined."""
    ours, ref = np.asarray(ours, dtype=float), np.asarray(ref, dtype=float)
    diff = ours - ref
    axes = fig.subplots(1, 3)
    lim = np.abs(diff[:corner, :corner]).max()
    lo, hi = ref[:corner, :corner].min(), ref[:corner, :corner].max()
    for ax, img, title, kw in [(axes[0], ours, "transposed conv, bilinear kernel", dict(cmap="gray", vmin=lo, vmax=hi)),
                               (axes[1], ref, "interpolate, align_corners=False", dict(cmap="gray", vmin=lo, vmax=hi)),
                               (axes[2], diff, "difference", dict(cmap="RdBu_r", vmin=-lim, vmax=lim))]:
        im = ax.imshow(img[:corner, :corner], extent=(0, corner, corner, 0), **kw)
        ax.add_patch(mpl.patches.Rectangle((band, band), corner, corner, fill=False, ls="--",
                                           edgecolor=PALETTE["orange"], lw=1.5))
        ax.set_title(title)
        ax.set_xlabel("x (pixels)")
        _integer_ticks(ax)
    axes[0].set_ylabel("y (pixels)")
    fig.colorbar(im, ax=axes[2], shrink=0.8)
    fig.suptitle(f"top-left {corner}×{corner} pixels; inside the dashed line (band {band}) the two agree")
    return fig
