"""Figures and the animation of the chapter *Sub-pixel convolution and ICNR*.

Every ``draw_*`` function takes a fresh figure and keyword parameters, so ``updown.plot.explore`` and
``updown.plot.animate`` can drive it; :func:`pixel_shuffle_animation` returns a playable ``to_jshtml`` player.
"""
from __future__ import annotations

import matplotlib as mpl
import numpy as np

from .. import subpixel as S
from . import PALETTE, animate, draw_window, pixel_grid

__all__ = ["draw_pixel_shuffle", "pixel_shuffle_animation", "draw_phase_kernels", "draw_maps"]

_PHASE_COLOURS = [PALETTE["sky"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"],
                  PALETTE["yellow"], PALETTE["vermillion"], PALETTE["blue"], "0.7", "0.45"]


def _phase_cmap(n: int):
    return mpl.colors.ListedColormap(_PHASE_COLOURS[:n])


def _labelled_grid(ax, colour_index, labels, n_colours, highlight=None, title=""):
    """A grid of pixels coloured by ``colour_index`` (ints), each with its text label and centre dot."""
    h, w = colour_index.shape
    pixel_grid(ax, colour_index, annotate=False, cmap=_phase_cmap(n_colours), vmin=-0.5, vmax=n_colours - 0.5,
               alpha=0.55 if highlight is not None else 0.8, label_axes=False)
    for i in range(h):
        for j in range(w):
            strong = highlight is not None and highlight[i, j]
            ax.text(j + 0.5, i + 0.3, labels[i][j], ha="center", va="center", fontsize=7.5,
                    fontweight="bold" if strong else "normal", zorder=4)
    ax.set_title(title)
    ax.set_xticks(np.arange(w) + 0.5, [str(v) for v in range(w)])
    ax.set_yticks(np.arange(h) + 0.5, [str(v) for v in range(h)])
    ax.tick_params(length=0)


def draw_pixel_shuffle(fig, step: int | None = None, factor: int = 2, size: int = 3):
    """Pixel shuffle of ``factor**2`` channels of ``size x size`` into one ``factor*size`` square map.

    Left: the input channels, pixel ``(h, w)`` of channel ``c`` labelled ``c:hw``. Right: the output, each pixel
    coloured by the channel it came from (its phase) and labelled the same way. With ``step`` (a low-resolution
    pixel index, row-major), that pixel is outlined in every channel and its ``factor x factor`` block in the
    output.
    """
    r, n = int(factor), int(size)
    channels = r * r
    index = np.arange(channels * n * n).reshape(1, channels, n, n)
    shuffled = S.pixel_shuffle(index, r)[0, 0]             # which input entry lands where
    c_of, rest = np.divmod(shuffled, n * n)
    labels_out = [[f"{c_of[i, j]}:{rest[i, j] // n}{rest[i, j] % n}" for j in range(n * r)] for i in range(n * r)]
    axes = fig.subplots(1, channels + 1, gridspec_kw={"width_ratios": [1] * channels + [r * 1.25]})
    hi = wi = None
    if step is not None:
        hi, wi = divmod(int(step), n)
    for c, ax in enumerate(axes[:channels]):
        labels = [[f"{c}:{i}{j}" for j in range(n)] for i in range(n)]
        mask = None
        if step is not None:
            mask = np.zeros((n, n), bool)
            mask[hi, wi] = True
        _labelled_grid(ax, np.full((n, n), c), labels, channels, mask,
                       title=f"channel {c}\n(phase {c // r}, {c % r})")
        if step is not None:
            draw_window(ax, hi, wi, 1, 1, color=PALETTE["black"])
    axes[0].set_xlabel("w (low-res pixels)")
    axes[0].set_ylabel("h (low-res pixels)")
    mask = None
    if step is not None:
        mask = np.zeros((n * r, n * r), bool)
        mask[hi * r:(hi + 1) * r, wi * r:(wi + 1) * r] = True
    _labelled_grid(axes[-1], c_of, labels_out, channels, mask,
                   title=f"pixel_shuffle, r = {r}: {n * r}×{n * r}")
    axes[-1].set_xlabel("x (pixels)")
    axes[-1].set_ylabel("y (pixels)")
    if step is not None:
        draw_window(axes[-1], hi * r, wi * r, r, r, color=PALETTE["black"],
                    label=f"block of low-res pixel ({hi}, {wi})")
        axes[-1].legend(loc="upper center", bbox_to_anchor=(0.5, -0.14))
    return fig


def pixel_shuffle_animation(factor: int = 2, size: int = 3, alt: str = ""):
    """:func:`draw_pixel_shuffle` over the low-resolution pixels, one frame each."""
    alt = alt or (f"Animation: for each of the {size * size} low-resolution pixels in turn, its value in each of "
                  f"the {factor * factor} input channels is outlined, and the {factor}×{factor} output block "
                  f"that pixel shuffle fills with those values is outlined on the right: channel i·{factor} + j "
                  f"goes to row i and column j of the block.")
    return animate(draw_pixel_shuffle, range(size * size), param="step", factor=factor, size=size,
                   figsize=(9.0, 2.9), interval=900, what="pixel shuffle", alt=alt)


def draw_phase_kernels(fig, weight: np.ndarray | None = None, stride: int = 2):
    """A 2D kernel ``weight`` (k x k) coloured by output phase, and its ``stride**2`` phase kernels with sums.

    The phase kernels are those of :func:`updown.subpixel.transposed_as_subpixel`; the sum written above each
    is that phase's sum, the value a constant input of ones gives in that phase of the transposed convolution.
    """
    s = int(stride)
    weight = np.round(np.random.default_rng(7).uniform(-1, 1, (3, 3)), 2) if weight is None else np.asarray(weight)
    k = weight.shape[0]
    phases = S.transposed_as_subpixel(weight[None, None].astype(float), s)[:, 0]
    big = phases.shape[-1]
    grid = fig.add_gridspec(s, s + 1, width_ratios=[k * 1.1] + [big] * s)
    ax_w = fig.add_subplot(grid[:, 0])
    phase_of = (np.arange(k)[:, None] % s) * s + np.arange(k)[None, :] % s
    pixel_grid(ax_w, phase_of, annotate=False, cmap=_phase_cmap(s * s), vmin=-0.5, vmax=s * s - 0.5, alpha=0.7,
               centres=False, label_axes=False)
    for i in range(k):
        for j in range(k):
            ax_w.text(j + 0.5, i + 0.5, f"{weight[i, j]:.2f}", ha="center", va="center", fontsize=8)
    ax_w.set_title(f"kernel {k}×{k}, stride {s}: tap (u, v)\nbelongs to phase kernel\n(u mod {s}, v mod {s})")
    ax_w.set_xticks(np.arange(k) + 0.5, [str(v) for v in range(k)])
    ax_w.set_yticks(np.arange(k) + 0.5, [str(v) for v in range(k)])
    ax_w.set_xlabel("v (tap column)")
    ax_w.set_ylabel("u (tap row)")
    for n in range(s * s):
        a, b = divmod(n, s)
        ax = fig.add_subplot(grid[a, 1 + b])
        pixel_grid(ax, np.full((big, big), n), annotate=False, cmap=_phase_cmap(s * s), vmin=-0.5,
                   vmax=s * s - 0.5, alpha=0.7, centres=False, label_axes=False)
        for i in range(big):
            for j in range(big):
                ax.text(j + 0.5, i + 0.5, f"{phases[n, i, j]:.2f}", ha="center", va="center", fontsize=8)
        ax.set_title(f"phase ({a}, {b}): sum {phases[n].sum():.2f}")
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def draw_maps(fig, maps, titles, *, crop: int | None = 16, cmap="gray"):
    """Maps side by side, each on its own colour scale, top-left ``crop x crop`` pixels (all if ``None``)."""
    axes = fig.subplots(1, len(maps), squeeze=False)[0]
    for ax, m, title in zip(axes, maps, titles):
        m = np.asarray(m)
        shown = m if crop is None else m[:crop, :crop]
        ax.imshow(shown, cmap=cmap, interpolation="nearest")
        ax.set_title(title)
        ax.set_xlabel("x (pixels)")
    axes[0].set_ylabel("y (pixels)")
    return fig
