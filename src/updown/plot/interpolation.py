"""Figures of the chapters *Linear, 1D* (2) and *Bilinear, 2D* (3), one of *Trilinear, 3D* (4), and their data.

Index coordinates throughout: sample (pixel) ``j`` of a 1D signal has its centre at ``x = j``, as in the chapters'
equations; figures of pixel grids use the book's plane, where pixel ``j`` covers ``[j, j + 1)`` and its centre is
at ``j + 0.5``. Every axis is labelled in pixels. Public names here are stable: other chapters may import them.
"""
from __future__ import annotations

from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from . import CMAP, PALETTE, mark_samples, pixel_grid
from ..interpolation import interpolate, linear_neighbours, source_coordinates

__all__ = [
    "example_signal",
    "smooth_signal",
    "hopper",
    "two_point_figure",
    "draw_linear_query",
    "reconstruction_figure",
    "upsampling_2x_figure",
    "information_figure",
    "bilinear_passes_figure",
    "opposite_rectangles_figure",
    "draw_opposite_rectangles",
    "draw_bilinear_patch",
    "weights_2d_figure",
    "photo_crops_figure",
    "label_volume_figure",
    "as_fractions",
    "fraction_table",
]

#: The six samples of the chapter's running 1D example.
EXAMPLE = np.array([1.0, 3.0, 2.0, 4.5, 4.0, 1.5])


def example_signal() -> np.ndarray:
    """The six samples of the running example of chapter 2 (a copy)."""
    return EXAMPLE.copy()


def smooth_signal(x: np.ndarray) -> np.ndarray:
    """A smooth test function of the index coordinate ``x`` (a few sines), for reconstruction experiments."""
    x = np.asarray(x, dtype=float)
    return np.sin(0.55 * x) + 0.4 * np.sin(1.3 * x + 0.5) + 0.15 * x


def hopper(gray: bool = False) -> np.ndarray:
    """Grace Hopper's portrait from matplotlib's bundled sample data, float64 in [0, 1], shape (600, 512, 3).

    With ``gray=True`` the luminance (600, 512). No download: the file ships with matplotlib.
    """
    import matplotlib.cbook as cbook

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        img = plt.imread(f).astype(np.float64) / 255.0
    if gray:
        return img @ np.array([0.299, 0.587, 0.114])
    return img


def as_fractions(values, limit: int = 1000) -> np.ndarray:
    """An object array of :class:`fractions.Fraction` closest to each value (denominator at most ``limit``)."""
    arr = np.asarray(values, dtype=float)
    return np.array([Fraction(v).limit_denominator(limit) for v in arr.ravel()], dtype=object).reshape(arr.shape)


def fraction_table(values, limit: int = 1000) -> str:
    """A 2D array of weights as aligned fractions, one row per line (``0`` for zero), for printing."""
    cells = [[str(f) for f in row] for row in as_fractions(np.atleast_2d(values), limit)]
    width = max(len(c) for row in cells for c in row)
    return "\n".join("  ".join(c.rjust(width) for c in row) for row in cells)


# ------------------------------------------------------------------------------------------------------------------
# chapter 2: linear, 1D
# ------------------------------------------------------------------------------------------------------------------

def _signal_axes(ax, values, *, title=None):
    """Samples as dots at index coordinates 0..n-1 over a row of pixel borders; axes in pixels."""
    n = len(values)
    for k in range(n + 1):
        ax.axvline(k - 0.5, color="0.85", lw=0.8, zorder=0)
    ax.plot(np.arange(n), values, "o", color="black", ms=5, zorder=4, label="samples (pixel centres)")
    ax.set_xlim(-0.5, n - 0.5)
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = 0.25 * (hi - lo + 1e-9)
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlabel("x (pixels, index coordinate)")
    ax.set_ylabel("value")
    if title:
        ax.set_title(title)


def _query(ax, values, x, *, annotate=True):
    """Draw the two neighbours of ``x``, the segment between them and the interpolated value (a cross)."""
    n = len(values)
    u = np.array([x], dtype=np.float64)
    i0, i1, w0, w1 = (a[0] for a in linear_neighbours(u, n))
    y = w0 * values[i0] + w1 * values[i1]
    ax.plot([i0, i1], [values[i0], values[i1]], color=PALETTE["blue"], lw=2, zorder=3)
    ax.plot([i0, i1], [values[i0], values[i1]], "o", color=PALETTE["blue"], ms=8, mfc="none", mew=2, zorder=5)
    mark_samples(ax, [x], [y], label="query", size=10)
    ax.axvline(x, color=PALETTE["vermillion"], lw=0.8, ls=":", zorder=1)
    if annotate:
        lo, hi = ax.get_ylim()
        level = hi - 0.12 * (hi - lo)
        for a, b, colour, text, ha in ((i0, x, PALETTE["green"], f"x - x1 = {x - i0:.2f}", "right"),
                                       (x, i1, PALETTE["orange"], f"x2 - x = {i1 - x:.2f}", "left")):
            ax.annotate("", xy=(a, level), xytext=(b, level), arrowprops=dict(arrowstyle="<->", color=colour))
            ax.text(x - 0.05 if ha == "right" else x + 0.05, level + 0.03 * (hi - lo), text, ha=ha, va="bottom",
                    fontsize=8, color=colour)
    return y, (i0, i1, w0, w1)


def two_point_figure(values=None, x: float = 2.3):
    """Chapter 2's opening picture: samples at pixel centres, a query between two of them and the line through
    the two neighbours; returns the figure."""
    values = example_signal() if values is None else np.asarray(values, dtype=float)
    fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
    _signal_axes(ax, values, title="the value at x comes from the line through its two neighbours")
    ax.set_ylim(ax.get_ylim()[0], ax.get_ylim()[1] + 1.2)
    y, _ = _query(ax, values, x)
    ax.legend(loc="lower left")
    return fig


def draw_linear_query(fig, x: float = 2.3):
    """Explore callback of chapter 2: the query point at ``x`` (index coordinate), its neighbours and weights."""
    values = example_signal()
    ax, bar = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
    _signal_axes(ax, values, title=f"query at x = {x:.2f}")
    ax.set_ylim(ax.get_ylim()[0], ax.get_ylim()[1] + 0.6)
    ax.plot(np.arange(len(values)), values, color="0.6", lw=1, zorder=2)
    y, (i0, i1, w0, w1) = _query(ax, values, x, annotate=False)
    bar.bar([0, 1], [w0, w1], color=[PALETTE["green"], PALETTE["orange"]])
    bar.set_xticks([0, 1], [f"w1 (x={i0})", f"w2 (x={i1})"])
    bar.set_ylim(0, 1.05)
    bar.set_ylabel("weight")
    bar.set_title(f"value {y:.3f}")
    for k, w in enumerate((w0, w1)):
        bar.text(k, w + 0.02, f"{w:.2f}", ha="center", fontsize=8)
    return fig


def reconstruction_figure(x_fine, truth, samples, nearest, linear):
    """Chapter 2: a smooth signal, its samples, and its nearest and linear reconstructions on a fine grid."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3), sharey=True, layout="constrained")
    for ax, recon, name, color in ((axes[0], nearest, "nearest", PALETTE["orange"]),
                                   (axes[1], linear, "linear", PALETTE["blue"])):
        ax.plot(x_fine, truth, color="0.65", lw=1.2, label="signal")
        ax.plot(x_fine, recon, color=color, lw=1.8, label=f"{name} reconstruction")
        ax.plot(np.arange(len(samples)), samples, "o", color="black", ms=4, label="samples", zorder=4)
        ax.set_xlabel("x (pixels of the sampled signal)")
        ax.set_title(f"{name}: max error {np.abs(recon - truth).max():.2f}")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3)
    axes[0].set_ylabel("value")
    return fig


def upsampling_2x_figure(in_size: int = 4):
    """Chapter 2: input pixels (top) and the pixels of its 2x upsampling (bottom) on the same axis, with each output
    centre's source coordinate and the weights of its two neighbours."""
    out_size = 2 * in_size
    u = source_coordinates(out_size, in_size, None, "linear", False, np.float64)
    i0, i1, w0, w1 = linear_neighbours(u, in_size)
    fig, ax = plt.subplots(figsize=(8, 2.8), layout="constrained")
    for k in range(in_size + 1):
        ax.plot([k, k], [1.0, 1.6], color="0.35", lw=0.8)
    for k in range(out_size + 1):
        ax.plot([k / 2, k / 2], [0.0, 0.6], color="0.35", lw=0.8)
    ax.plot([0, in_size], [1.0, 1.0], color="0.35", lw=0.8)
    ax.plot([0, in_size], [1.6, 1.6], color="0.35", lw=0.8)
    ax.plot([0, in_size], [0.0, 0.0], color="0.35", lw=0.8)
    ax.plot([0, in_size], [0.6, 0.6], color="0.35", lw=0.8)
    ax.plot(np.arange(in_size) + 0.5, np.full(in_size, 1.3), "o", color="black", ms=5, label="input centres")
    centres = (np.arange(out_size) + 0.5) / 2
    mark_samples(ax, centres, np.full(out_size, 0.38), label="output centres")
    for k in range(out_size):
        for idx, w in ((i0[k], w0[k]), (i1[k], w1[k])):
            if w > 0:
                ax.plot([centres[k], idx + 0.5], [0.62, 0.98], color=PALETTE["blue"], lw=0.5 + 2.5 * w, alpha=0.7)
        frac = Fraction(float(w0[k])).limit_denominator(16), Fraction(float(w1[k])).limit_denominator(16)
        ax.text(centres[k], -0.12, f"{frac[0]}, {frac[1]}", ha="center", va="top", fontsize=7)
        ax.text(centres[k], 0.1, f"u={u[k]:.2f}", ha="center", va="center", fontsize=6.5, color="0.3")
    ax.text(-0.1, 1.3, "input", ha="right", va="center")
    ax.text(-0.1, 0.3, "output", ha="right", va="center")
    ax.text(-0.1, -0.2, "w1, w2", ha="right", va="center", fontsize=7)
    ax.text(-0.1, 0.1, "u", ha="right", va="center", fontsize=7)
    ax.set_xlim(-0.8, in_size + 0.1)
    ax.set_ylim(-0.45, 1.75)
    ax.set_yticks([])
    ax.set_xlabel("x (pixels of the input; the book's plane, centres at j + 0.5)")
    ax.spines["left"].set_visible(False)
    ax.legend(loc="upper right", ncols=2, bbox_to_anchor=(1.0, 1.18))
    return fig


def information_figure(x, low, up, other, other_up):
    """Chapter 2: two signals with the same downsampled version, and the one upsampled signal both lead to."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3), sharey=True, layout="constrained")
    t = np.arange(len(x))
    factor = (len(x) - 1) // max(len(low) - 1, 1)
    for ax, sig, name in ((axes[0], x, "signal A"), (axes[1], other, "signal B")):
        ax.plot(t, sig, color="0.6", lw=1.2, label=name)
        ax.plot(t[::factor], sig[::factor], "o", color="black", ms=4, label="kept samples")
        ax.plot(t, up, color=PALETTE["blue"], lw=1.8, label="downsample, then upsample")
        ax.set_title(f"{name}: RMS loss {np.sqrt(np.mean((sig - up) ** 2)):.3f}")
        ax.set_xlabel("x (pixels)")
        ax.legend(loc="upper left", fontsize=7)
    axes[0].set_ylabel("value")
    return fig


# ------------------------------------------------------------------------------------------------------------------
# chapter 3: bilinear, 2D
# ------------------------------------------------------------------------------------------------------------------

def _cell_axes(ax, values, origin=(1, 1)):
    """A white 4x4 pixel grid whose pixels (1..2, 1..2) hold the four corner values (outlined, labelled);
    returns the (x, y) of pixel (1, 1)'s centre in the book's plane."""
    pixel_grid(ax, np.zeros((4, 4)), annotate=False, cmap="Greys", vmin=0, vmax=1)
    r, c = origin
    for (i, j), v in np.ndenumerate(values):
        ax.add_patch(Rectangle((c + j, r + i), 1, 1, fill=True, color=PALETTE["sky"], alpha=0.18, lw=0))
        ax.text(c + j + 0.5, r + i + 0.5 + (-0.12 if i == 0 else 0.2), f"f{i}{j} = {v:g}", fontsize=8,
                ha="center", va="bottom" if i == 0 else "top")
    return c + 0.5, r + 0.5


def bilinear_passes_figure(tx: float = 0.3, ty: float = 0.6, values=((1.0, 3.0), (2.0, 6.0))):
    """Chapter 3's opening picture: four pixel centres (dots), the query (cross), the two horizontal passes
    (triangles on the top and bottom rows) and the vertical pass between them."""
    f = np.asarray(values, dtype=float)
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), layout="constrained")
    r0 = (1 - tx) * f[0, 0] + tx * f[0, 1]
    r1 = (1 - tx) * f[1, 0] + tx * f[1, 1]
    v = (1 - ty) * r0 + ty * r1
    titles = ("the four neighbours", f"pass 1 and 2, along x: r0={r0:.2f}, r1={r1:.2f}",
              f"pass 3, along y: value {v:.2f}")
    for k, ax in enumerate(axes):
        x0, y0 = _cell_axes(ax, f)
        qx, qy = x0 + tx, y0 + ty
        if k >= 1:
            ax.plot([x0, x0 + 1], [y0, y0], color=PALETTE["blue"], lw=2)
            ax.plot([x0, x0 + 1], [y0 + 1, y0 + 1], color=PALETTE["blue"], lw=2)
            ax.plot([qx, qx], [y0, y0 + 1], "^", color=PALETTE["blue"], ms=8, label="row passes")
        if k == 2:
            ax.plot([qx, qx], [y0, y0 + 1], color=PALETTE["green"], lw=2, label="column pass")
        mark_samples(ax, [qx], [qy], label="query")
        ax.set_title(titles[k])
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.16), ncols=3, fontsize=7)
    return fig


def opposite_rectangles_figure(tx: float = 0.3, ty: float = 0.6):
    """Chapter 3: the cell between four pixel centres cut by the query into four rectangles; each corner's weight
    is the area of the rectangle opposite it (same colour)."""
    fig = plt.figure(figsize=(4.4, 4.2), layout="constrained")
    draw_opposite_rectangles(fig, tx=tx, ty=ty)
    return fig


def draw_opposite_rectangles(fig, tx: float = 0.3, ty: float = 0.6):
    """Explore callback of chapter 3: the unit cell, the query at ``(tx, ty)`` and the four opposite rectangles."""
    ax = fig.add_subplot(1, 1, 1)
    colours = {(0, 0): PALETTE["blue"], (0, 1): PALETTE["orange"], (1, 0): PALETTE["green"],
               (1, 1): PALETTE["purple"]}
    x0, y0 = 1.5, 1.5  # centre of pixel (1, 1) in the book's plane
    for (a, b), colour in colours.items():
        # the rectangle opposite corner (a, b) spans from the query to the corner (1 - a, 1 - b)
        left, right = sorted((tx, 1 - b))
        top, bottom = sorted((ty, 1 - a))
        area = (right - left) * (bottom - top)
        ax.add_patch(Rectangle((x0 + left, y0 + top), right - left, bottom - top, color=colour, alpha=0.35, lw=0))
        ax.plot(x0 + b, y0 + a, "o", color=colour, ms=11, zorder=4)
        ax.text(x0 + b + (0.07 if b else -0.07), y0 + a + (0.12 if a else -0.08), f"w{a}{b} = {area:.2f}",
                ha="left" if b else "right", va="center", fontsize=9, color=colour)
        ax.text(x0 + (left + right) / 2, y0 + (top + bottom) / 2, f"{area:.2f}", ha="center", va="center",
                fontsize=8)
    ax.add_patch(Rectangle((x0, y0), 1, 1, fill=False, edgecolor="0.3", lw=1))
    ax.plot([x0 + tx, x0 + tx], [y0, y0 + 1], color="0.3", lw=0.8, ls="--")
    ax.plot([x0, x0 + 1], [y0 + ty, y0 + ty], color="0.3", lw=0.8, ls="--")
    mark_samples(ax, [x0 + tx], [y0 + ty], label="query")
    ax.set_xlim(x0 - 0.75, x0 + 1.75)
    ax.set_ylim(y0 + 1.45, y0 - 0.45)
    ax.set_aspect("equal")
    ax.set_xlabel("x (pixels)")
    ax.set_ylabel("y (pixels)")
    ax.set_title(f"tx = {tx:.2f}, ty = {ty:.2f}: weight = opposite area")
    return fig


def draw_bilinear_patch(fig, f11: float = 0.0):
    """Explore callback of chapter 3: the bilinear patch with corners f00=0, f01=1, f10=1 and ``f11``, drawn as an
    image with contour lines, and its values along the diagonal. The contours are straight only when the xy
    coefficient ``f00 - f01 - f10 + f11`` is zero."""
    f00, f01, f10 = 0.0, 1.0, 1.0
    t = np.linspace(0, 1, 25)
    ty, tx = np.meshgrid(t, t, indexing="ij")
    z = (1 - tx) * (1 - ty) * f00 + tx * (1 - ty) * f01 + (1 - tx) * ty * f10 + tx * ty * f11
    d = f00 - f01 - f10 + f11
    ax, ax2 = fig.subplots(1, 2)
    ax.imshow(z, extent=(0, 1, 1, 0), cmap=CMAP, vmin=-1, vmax=3, interpolation="bilinear")
    ax.contour(t, t, z, levels=np.arange(-0.9, 3, 0.2), colors="white", linewidths=0.8)
    for (a, b), v in np.ndenumerate(np.array([[f00, f01], [f10, f11]])):
        ax.plot(b, a, "o", color="black", ms=6, clip_on=False, zorder=4)
        ax.text(b + (-0.04 if b else 0.04), a + (-0.04 if a else 0.04), f"f{a}{b}={v:g}", fontsize=8,
                ha="right" if b else "left", va="bottom" if a else "top", color="white")
    ax.plot([0, 1], [0, 1], color=PALETTE["vermillion"], lw=1.2, ls="--")
    ax.set_xlabel("tx (pixels)")
    ax.set_ylabel("ty (pixels)")
    ax.set_title(f"f11 = {f11:g}: xy coefficient d = {d:g}")
    diag = z[np.arange(len(t)), np.arange(len(t))]
    ax2.plot(t, diag, color=PALETTE["vermillion"], lw=2, label="bilinear along the diagonal")
    ax2.plot([0, 1], [diag[0], diag[-1]], color="0.5", ls=":", label="straight line")
    ax2.set_xlabel("t = tx = ty (pixels)")
    ax2.set_ylabel("value")
    ax2.set_ylim(-1, 3)
    ax2.legend(loc="upper left", fontsize=7)
    ax2.set_title("quadratic in t unless d = 0")
    return fig


def weights_2d_figure(weights, out_pixel, factor: int = 2):
    """Chapter 3: the input pixels that feed one output pixel of a ``factor`` upsampling, each annotated with its
    weight as a fraction; ``weights`` is the input-shaped array of weights, ``out_pixel`` = (row, column)."""
    w = np.asarray(weights, dtype=float)
    fig, ax = plt.subplots(figsize=(4.2, 4.2), layout="constrained")
    pixel_grid(ax, w, annotate=False, vmin=0, vmax=1, cmap="Greys", alpha=0.6)
    for (i, j), v in np.ndenumerate(w):
        if v > 0:
            ax.text(j + 0.3, i + 0.28, str(Fraction(v).limit_denominator(256)), ha="center", va="center",
                    fontsize=10, color=PALETTE["vermillion"])
    r, c = out_pixel
    ax.add_patch(Rectangle((c / factor, r / factor), 1 / factor, 1 / factor, fill=False,
                           edgecolor=PALETTE["blue"], lw=2, label="output pixel"))
    mark_samples(ax, [(c + 0.5) / factor], [(r + 0.5) / factor], label="its centre")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncols=2)
    ax.set_title(f"weights of output pixel {tuple(out_pixel)}")
    return fig


def photo_crops_figure(original, nearest, bilinear, box):
    """Chapter 3: the same crop of the original photograph and of its nearest and bilinear reconstructions."""
    r0, r1, c0, c1 = box
    fig, axes = plt.subplots(1, 3, figsize=(9.6, 3.6), layout="constrained")
    for ax, img, name in zip(axes, (original, nearest, bilinear), ("original", "nearest", "bilinear")):
        crop = img[r0:r1, c0:c1]
        ax.imshow(np.clip(crop, 0, 1), cmap="gray", vmin=0, vmax=1, extent=(c0, c1, r1, r0),
                  interpolation="nearest")
        err = np.sqrt(np.mean((img - original) ** 2))
        ax.set_title(name if name == "original" else f"{name} (RMS error {err:.3f})")
        ax.set_xlabel("x (pixels)")
    axes[0].set_ylabel("y (pixels)")
    return fig


# ------------------------------------------------------------------------------------------------------------------
# chapter 4: trilinear, 3D (its other figures are in updown.plot.conventions)
# ------------------------------------------------------------------------------------------------------------------

def label_volume_figure(labels, trilinear, nearest, via_one_hot):
    """Chapter 4: one slice of a label volume and of three ways to upsample it.

    ``labels`` is the input slice (class indices); ``trilinear`` the trilinear values (drawn continuous, then
    rounded to the nearest class), ``nearest`` and ``via_one_hot`` (one-hot, trilinear, argmax) class slices of the
    upsampled size. Classes 0, 1, 2 are drawn grey, blue and orange. Returns the figure.
    """
    from matplotlib.colors import ListedColormap

    classes = ListedColormap(["0.9", PALETTE["blue"], PALETTE["orange"]])
    panels = [(labels, "input labels", classes), (trilinear, "trilinear values", CMAP),
              (np.rint(trilinear), "trilinear, rounded", classes), (nearest, "nearest", classes),
              (via_one_hot, "one-hot, trilinear, argmax", classes)]
    fig, axes = plt.subplots(1, len(panels), figsize=(2.0 * len(panels), 2.5), layout="constrained")
    size = trilinear.shape[0]
    for ax, (img, title, cmap) in zip(axes, panels):
        ax.imshow(img, cmap=cmap, vmin=0, vmax=2, extent=(0, size, size, 0), interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.set_xticks([0, size])
        ax.set_yticks([0, size])
        ax.set_xlabel("x (output pixels)")
    axes[0].set_ylabel("y (output pixels)")
    return fig
