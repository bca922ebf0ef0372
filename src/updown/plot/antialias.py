"""Figures of the chapter *Anti-aliased downsampling* (label ``ch-blurpool``).

Every ``draw_*`` function takes a fresh figure (and its data), so a cell only calls it and ``plt.show()``.
"""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import pooling as P
from . import PALETTE, pixel_grid

__all__ = ["draw_max_blur_steps", "draw_frequency_responses", "draw_shift_profile"]


def draw_max_blur_steps(fig, x: np.ndarray, shift: int = 1):
    """Two rows, for ``x`` and ``x`` moved ``shift`` pixels right: the input, ``max_pool2d(2)``, the dense max
    (stride 1) and MaxBlurPool (dense max, then the 4-tap binomial blur with stride 2). Returns the axes."""
    axes = fig.subplots(2, 4, width_ratios=[x.shape[1], x.shape[1] / 2, x.shape[1] - 1, x.shape[1] / 2])
    rows = [(x, "input"), (np.roll(x, shift, axis=1), f"input moved {shift} pixel right")]
    for r, (image, title) in enumerate(rows):
        panels = [(image, title, "{:.0f}"),
                  (P.max_pool2d(image[None], 2)[0], "max_pool2d(2)", "{:.0f}"),
                  (P.max_pool2d(image[None], 2, stride=1)[0], "dense max (stride 1)", "{:.0f}"),
                  (P.max_blur_pool2d(image[None])[0], "MaxBlurPool", "{:.2f}")]
        for ax, (values, name, fmt) in zip(axes[r], panels):
            pixel_grid(ax, values, fmt=fmt, vmin=0, vmax=1, label_axes=False, fontsize=6.5)
            ax.set_title(name, fontsize=9)
            ax.set_xticks(range(0, values.shape[1] + 1, 2))
            ax.set_yticks(range(0, values.shape[0] + 1, 2))
            ax.tick_params(labelsize=7)
        axes[r, 0].set_ylabel("y (pixels)")
    for ax in axes[1]:
        ax.set_xlabel("x (pixels)")
    return axes


def draw_frequency_responses(fig, sizes=P.BLUR_FILTER_SIZES, stride: int = 2):
    """The gain ``|H(f)|`` of each binomial filter of ``sizes`` taps, for 0 <= f <= 0.5 cycles per pixel, with
    the Nyquist frequency after subsampling by ``stride`` marked and the band that aliases shaded."""
    ax = fig.subplots()
    f = np.linspace(0, 0.5, 401)
    colours = [PALETTE[c] for c in ("black", "sky", "orange", "vermillion", "green", "purple", "blue")]
    for n, colour in zip(sizes, colours * 2):
        a = P.binomial_filter(n)
        gain = np.abs(np.exp(-2j * np.pi * np.outer(f, np.arange(n))) @ a)
        ax.plot(f, gain, color=colour, lw=1.6, label=f"{n} tap{'s' if n > 1 else ''}")
    nyquist = 1 / (2 * stride)
    ax.axvspan(nyquist, 0.5, color="0.9", zorder=0)
    ax.axvline(nyquist, color="0.4", lw=1, ls="--")
    ax.text(nyquist + 0.005, 1.03, f"aliases after stride {stride}", fontsize=8, va="bottom")
    ax.set_xlim(0, 0.5)
    ax.set_ylim(0, 1.12)
    ax.set_xlabel("frequency (cycles per input pixel)")
    ax.set_ylabel("gain |H(f)|")
    ax.legend(loc="lower left", ncols=2, fontsize=8)
    return ax


def draw_shift_profile(fig, profiles: dict, labels: dict, stride: int = 8):
    """Shift consistency against the shift ``d`` (pixels): for each kind, its mean over seeds (line) and the
    range of the seeds (band). ``profiles[kind]`` has ``"mean"``, ``"min"`` and ``"max"`` lists of equal length;
    multiples of ``stride`` are marked."""
    ax = fig.subplots()
    colours = [PALETTE["vermillion"], PALETTE["blue"], PALETTE["green"], PALETTE["orange"]]
    for (kind, p), colour in zip(profiles.items(), colours):
        d = np.arange(1, len(p["mean"]) + 1)
        ax.fill_between(d, p["min"], p["max"], color=colour, alpha=0.25, lw=0)
        ax.plot(d, p["mean"], "o-", color=colour, label=labels[kind])
    last = max(len(p["mean"]) for p in profiles.values())
    for m in range(stride, last + 1, stride):
        ax.axvline(m, color="0.5", ls=":", lw=1)
    ax.set_xticks(range(1, last + 1))
    ax.set_xlabel("shift d of the input (pixels)")
    ax.set_ylabel("pixels with the same label")
    # ticks at 1, 2 or 5 x 10^k only, so one decimal of a percent labels them exactly
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.1%}")
    ax.legend(loc="lower right")
    return ax
