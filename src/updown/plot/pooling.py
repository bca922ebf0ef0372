"""Figures of chapter 1, "Pooling".

Every ``draw_*`` function takes a fresh figure and keyword parameters, so it can serve ``updown.plot.explore`` and
``updown.plot.animate``. Grids follow the book's convention: pixel ``(i, j)`` covers ``[j, j+1) x [i, i+1)``, dots
are pixel centres, crosses are the taps of a window.
"""
from __future__ import annotations

import matplotlib as mpl
import numpy as np

from .. import pooling as P
from . import PALETTE, draw_window, pixel_grid

__all__ = [
    "draw_pooling_picture",
    "draw_pool_windows",
    "draw_overlap",
    "draw_unpool",
    "draw_receptive_fields",
    "draw_stripes",
    "draw_at_native_pixels",
]

_WINDOW_COLOURS = [PALETTE["orange"], PALETTE["sky"], PALETTE["green"], PALETTE["vermillion"], PALETTE["purple"],
                   PALETTE["blue"], PALETTE["yellow"]]


def _integer_ticks(*axes):
    for ax in axes:
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))


def _outside_cells(ax, lo_r, hi_r, lo_c, hi_c, h, w):
    """Grey cells for the positions in [lo, hi) that lie outside the h x w input (padding or ceil overhang)."""
    rr, cc = np.mgrid[lo_r:hi_r, lo_c:hi_c]
    outside = (rr < 0) | (rr >= h) | (cc < 0) | (cc >= w)
    ax.imshow(np.where(outside, 0.82, np.nan), cmap="gray", vmin=0, vmax=1, zorder=0,
              extent=(lo_c, hi_c, hi_r, lo_r), interpolation="nearest")
    ax.vlines(np.arange(lo_c, hi_c + 1), lo_r, hi_r, color="0.7", lw=0.5, zorder=0.5)
    ax.hlines(np.arange(lo_r, hi_r + 1), lo_c, hi_c, color="0.7", lw=0.5, zorder=0.5)


def draw_pooling_picture(fig, x: np.ndarray | None = None):
    """The chapter's first figure: a 4x6 input, its 2x2 windows, and what max and average pooling keep."""
    if x is None:
        x = np.array([[1, 3, 2, 0, 5, 1], [4, 2, 1, 1, 0, 2], [0, 1, 6, 2, 3, 3], [2, 0, 1, 7, 1, 4]], float)
    x4 = x[None, None]
    ymax, idx = P.max_pool2d(x4, 2, return_indices=True)
    yavg = P.avg_pool2d(x4, 2)
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [x.shape[1], ymax.shape[-1], ymax.shape[-1]]})
    pixel_grid(axes[0], x, fmt="{:.0f}", vmin=0, vmax=x.max())
    ho, wo = ymax.shape[-2:]
    for i in range(ho):
        for j in range(wo):
            draw_window(axes[0], 2 * i, 2 * j, 2, 2, color=_WINDOW_COLOURS[(i * wo + j) % len(_WINDOW_COLOURS)])
    rows, cols = np.divmod(idx.ravel(), x.shape[1])
    axes[0].plot(cols + 0.5, rows + 0.5, "x", ms=13, mew=2, color=PALETTE["vermillion"], zorder=7,
                 label="kept by max pooling")
    axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=1)
    axes[0].set_title("input 4×6, windows 2×2, stride 2")
    pixel_grid(axes[1], ymax[0, 0], fmt="{:.0f}", vmin=0, vmax=x.max())
    axes[1].set_title("max_pool2d: 2×3")
    pixel_grid(axes[2], yavg[0, 0], fmt="{:.2f}", vmin=0, vmax=x.max())
    axes[2].set_title("avg_pool2d: 2×3")
    _integer_ticks(*axes)
    return axes


def draw_pool_windows(fig, kernel_size: int = 3, stride: int = 2, padding: int = 1, dilation: int = 1,
                      size: int = 6, position: int = 0, ceil_mode: int = 0):
    """One window of max pooling on a ``size x size`` grid and the output it fills (the explore widget).

    ``position`` numbers the windows row by row (wrapping around); ``ceil_mode`` is 0 or 1 (a slider).
    Parameters PyTorch refuses are shown as the error message instead of a figure.
    """
    k, s, p, d, size = (int(round(v)) for v in (kernel_size, stride, padding, dilation, size))
    ceil = bool(round(ceil_mode))
    x = np.random.default_rng(7).integers(0, 10, (size, size)).astype(float)
    try:
        y = P.max_pool2d(x[None, None], k, s, p, d, ceil)[0, 0]
    except ValueError as err:
        ax = fig.subplots()
        ax.axis("off")
        ax.text(0.5, 0.5, "PyTorch refuses these parameters:\n" + "\n".join(_wrap(str(err), 60)),
                ha="center", va="center", fontsize=9, transform=ax.transAxes)
        return [ax]
    ho, wo = y.shape
    n = int(round(position)) % (ho * wo)
    i, j = divmod(n, wo)
    span = d * (k - 1) + 1
    ax_in, ax_out = fig.subplots(1, 2, gridspec_kw={"width_ratios": [size + 2 * p + 1, wo + 1]})
    reach = (ho - 1) * s - p + span, (wo - 1) * s - p + span
    _outside_cells(ax_in, -p, max(size, reach[0]), -p, max(size, reach[1]), size, size)
    pixel_grid(ax_in, x, fmt="{:.0f}", vmin=0, vmax=12)
    top, left = i * s - p, j * s - p
    colour = _WINDOW_COLOURS[n % len(_WINDOW_COLOURS)]
    draw_window(ax_in, top, left, span, span, color=colour)
    taps = top + d * np.arange(k), left + d * np.arange(k)
    tr, tc = np.meshgrid(*taps, indexing="ij")
    ax_in.plot(tc.ravel() + 0.5, tr.ravel() + 0.5, "x", ms=9, mew=1.8, color=PALETTE["vermillion"], zorder=7)
    ax_in.set_xlim(-p - 0.2, max(size, reach[1]) + 0.2)
    ax_in.set_ylim(max(size, reach[0]) + 0.2, -p - 0.2)
    ax_in.set_title(f"input {size}×{size} (grey: −∞)\nk={k}, s={s}, p={p}, d={d}" + (", ceil_mode" if ceil else ""))
    pixel_grid(ax_out, y, fmt="{:.0f}", vmin=0, vmax=12)
    draw_window(ax_out, i, j, 1, 1, color=colour)
    rule = "⌈·⌉" if ceil else "⌊·⌋"
    # ceil_mode drops a last window that would start in the right padding (eq-pool-size-ceil)
    rounded = -(-(size + 2 * p - span) // s) + 1 if ceil else ho
    drop = ", −1 (last window in the padding)" if rounded != ho else ""
    ax_out.set_title(f"output {ho}×{wo}\n{rule} of ({size}+2·{p}−{span})/{s}, +1{drop}")
    _integer_ticks(ax_in, ax_out)
    return [ax_in, ax_out]


def _wrap(text: str, width: int):
    words, line, lines = text.split(), "", []
    for w in words:
        if len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return lines + [line]


def draw_overlap(fig, size: int = 9, cases=((2, 2), (3, 2), (3, 1))):
    """How many windows cover each pixel, for a few (kernel_size, stride) pairs without padding."""
    axes = fig.subplots(1, len(cases))
    for ax, (k, s) in zip(np.atleast_1d(axes), cases):
        n = P.pool_output_size(size, k, s)
        cover = np.zeros(size)
        for t in range(n):
            cover[t * s:t * s + k] += 1
        counts = np.outer(cover, cover)
        pixel_grid(ax, counts, fmt="{:.0f}", vmin=0, vmax=9)
        ax.set_title(f"k={k}, s={s}: windows per pixel")
        _integer_ticks(ax)
    return axes


def draw_unpool(fig, x: np.ndarray, pooled: np.ndarray, back: np.ndarray):
    """Input, max-pooled output and max-unpooled result side by side (2D arrays), kept pixels crossed."""
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [x.shape[1], pooled.shape[1], back.shape[1]]})
    vmax = float(np.max(x))
    for ax, a, title in zip(axes, (x, pooled, back), ("input", "max_pool2d", "max_unpool2d")):
        pixel_grid(ax, a, fmt="{:.0f}", vmin=0, vmax=vmax)
        ax.set_title(f"{title} {a.shape[0]}×{a.shape[1]}")
    r, c = np.nonzero(back)
    axes[2].plot(c + 0.5, r + 0.5, "x", ms=12, mew=1.8, color=PALETTE["vermillion"], zorder=7)
    _integer_ticks(*axes)
    return axes


def draw_receptive_fields(fig, supports, formula, measured, labels):
    """Left: which input pixels one output pixel of each layer depends on (2D maps). Right: sizes per layer."""
    n = len(supports)
    grid = fig.add_gridspec(2, n)
    for t, sup in enumerate(supports):
        ax = fig.add_subplot(grid[0, t])
        ax.imshow(sup, cmap="Greys", vmin=0, vmax=1, extent=(0, sup.shape[1], sup.shape[0], 0))
        ax.set_title(f"after pool {t + 1}")
        ax.set_xlabel("x (pixels)")
        if t == 0:
            ax.set_ylabel("y (pixels)")
    ax = fig.add_subplot(grid[1, :])
    layers = np.arange(1, len(formula[0]) + 1)
    for f, m, lab, col in zip(formula, measured, labels, (PALETTE["blue"], PALETTE["orange"], PALETTE["green"])):
        ax.plot(layers, f, "-", color=col, label=f"{lab}: formula")
        ax.plot(layers, m, "o", color=col, mfc="none", ms=8, label=f"{lab}: measured")
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_xlabel("number of pooling layers")
    ax.set_ylabel("receptive field (pixels)")
    ax.set_yscale("log", base=2)
    ax.legend(ncols=2)
    return ax


def draw_stripes(fig, frequency: float = 0.3, factor: int = 2, length: int = 24):
    """A cosine of ``frequency`` cycles per pixel sampled at pixel centres, every ``factor``-th sample kept, and
    the slower cosine those kept samples also fit (the alias)."""
    factor = max(1, int(round(factor)))
    ax = fig.subplots()
    t = np.linspace(0, length, 600)
    n = np.arange(length) + 0.5
    ax.plot(t, np.cos(2 * np.pi * frequency * t), color="0.6", lw=1, label=f"signal, {frequency:.3f} cycles/pixel")
    ax.plot(n, np.cos(2 * np.pi * frequency * n), "o", color="black", ms=3.5, label="pixel centres")
    kept = n[::factor]
    ax.plot(kept, np.cos(2 * np.pi * frequency * kept), "x", ms=9, mew=2, color=PALETTE["vermillion"],
            label=f"kept (every {factor})")
    # f * factor = integer + delta: on the kept samples the integer part turns whole cycles, invisible.
    delta = frequency * factor - np.round(frequency * factor)
    n0 = kept[0]
    ax.plot(t, np.cos(2 * np.pi * frequency * n0 + 2 * np.pi * delta / factor * (t - n0)), "--",
            color=PALETTE["blue"], label=f"what the kept samples show: {abs(delta):.3f} cycles per output pixel")
    ax.set_xlabel("x (pixels)")
    ax.set_ylabel("value")
    ax.set_ylim(-1.25, 1.9)
    ax.legend(loc="upper center", ncols=2)
    return ax


def draw_at_native_pixels(big: np.ndarray, big_title: str, small, titles, *, scale: int = 2, columns: int = 3,
                          dpi: float | None = None, vmin: float = 0.0, vmax: float = 1.0):
    """A figure that draws ``big`` at one screen pixel per pixel and each of ``small`` at ``scale x scale``.

    Grey images whose rings are finer than the screen's pixels show false patterns of their own when a figure is
    resampled to fit its axes; here every axes is exactly as many figure pixels as its image (times ``scale``), so
    what the reader sees are the arrays' own pixels. ``small`` are 2D arrays of one shape, laid out in rows of
    ``columns`` to the right of ``big``, each with its title from ``titles``. Returns the figure.
    """
    import matplotlib.pyplot as plt

    small = [np.asarray(a) for a in small]
    if len(titles) != len(small):
        raise ValueError(f"titles must have one entry per small image ({len(small)}), got {len(titles)}")
    dpi = float(dpi or mpl.rcParams["figure.dpi"])
    gap, head = 10, 34  # pixels between panels, and above each panel for its title
    bh, bw = big.shape
    sh, sw = (scale * n for n in small[0].shape)
    rows = -(-len(small) // columns)
    width = gap + bw + gap + columns * (sw + gap)
    height = max(head + bh, rows * (head + sh)) + gap
    fig = plt.figure(figsize=(width / dpi, height / dpi), dpi=dpi)

    def panel(image, title, left, top, h, w):
        ax = fig.add_axes((left / width, 1 - (top + h) / height, w / width, h / height))
        ax.imshow(image, cmap="gray", vmin=vmin, vmax=vmax, interpolation="nearest", aspect="auto")
        ax.set_axis_off()  # no spine may cover the image's edge pixels
        ax.set_title(title, fontsize=8)
        return ax

    axes = [panel(big, f"{big_title}\n{bh}×{bw} pixels", gap, head, bh, bw)]
    for t, (image, title) in enumerate(zip(small, titles)):
        r, c = divmod(t, columns)
        up = np.kron(image, np.ones((scale, scale)))  # each pixel as scale x scale screen pixels
        left, top = gap + bw + gap + c * (sw + gap), r * (head + sh) + head
        axes.append(panel(up, f"{title}\n{image.shape[0]}×{image.shape[1]}, drawn {scale}×{scale}", left, top,
                          sh, sw))
    return fig
