"""Figures of the chapter *Bicubic, area and antialiasing* ({ref}`ch-resize`).

Every ``draw_*`` function takes a fresh figure (and its data as arguments) and draws on it; the kernels and
weights come from ``updown.interpolation``'s teaching cores, so a figure shows the code the chapter tests.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from .. import interpolation as I
from . import PALETTE

__all__ = ["circle", "zone_plate", "step_edge", "draw_kernels", "draw_step", "draw_antialias_weights",
           "draw_images"]


def circle(size: int = 128, radius: float = 0.35, supersample: int = 1) -> np.ndarray:
    """A white disc of ``radius`` (a fraction of the width) on black, ``size x size`` float64 pixels.

    With ``supersample = s`` each pixel is the mean of ``s x s`` point samples (its covered area, nearly).
    """
    n = size * supersample
    c = (np.arange(n) + 0.5) / n - 0.5
    disc = (c[:, None] ** 2 + c[None, :] ** 2 <= radius ** 2).astype(float)
    return disc.reshape(size, supersample, size, supersample).mean(axis=(1, 3))


def zone_plate(size: int = 256) -> np.ndarray:
    """A zone plate ``0.5 + 0.5 cos(pi r^2 / size)`` (r in pixels from the centre): its local frequency grows
    linearly from 0 at the centre to 1/2 cycle per pixel (the Nyquist limit) at distance ``size / 2``."""
    c = np.arange(size) + 0.5 - size / 2
    r2 = c[:, None] ** 2 + c[None, :] ** 2
    return 0.5 + 0.5 * np.cos(np.pi * r2 / size)


def step_edge(size: int = 8) -> np.ndarray:
    """A 1D step: ``size // 2`` zeros, then ones, float64."""
    return (np.arange(size) >= size // 2).astype(float)


def draw_kernels(fig, a_values: Sequence[float] = (-0.5, -0.75)):
    """Keys' cubic kernel for each ``a`` and the linear (tent) kernel, on [-3, 3]."""
    ax = fig.add_subplot(1, 1, 1)
    u = np.linspace(-3, 3, 601)
    ax.plot(u, I._triangle_kernel(u), color=PALETTE["black"], lw=1, ls="--", label="linear (tent)")
    for a, colour in zip(a_values, [PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"]]):
        ax.plot(u, I._cubic_kernel(u, a), color=colour, lw=1.8, label=f"cubic, a = {a}")
    ax.axhline(0, color="0.6", lw=0.6)
    ax.set_xlabel("distance to the sample (input pixels)")
    ax.set_ylabel("weight")
    ax.legend(loc="upper right")
    return ax


def draw_step(fig, x: np.ndarray, curves: Mapping[str, np.ndarray], factor: int):
    """A 1D signal ``x`` (its pixel centres as dots) and its ``factor``-times upsampled versions ``curves``."""
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(np.arange(len(x)) + 0.5, x, "o", color=PALETTE["black"], label="input pixels", zorder=3)
    colours = [PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"], PALETTE["orange"]]
    for (name, y), colour in zip(curves.items(), colours):
        ax.plot((np.arange(len(y)) + 0.5) / factor, y, ".-", color=colour, ms=3, lw=1, label=name)
    for level in (0, 1):
        ax.axhline(level, color="0.6", lw=0.6)
    ax.set_xlabel("x (input pixels)")
    ax.set_ylabel("value")
    ax.legend(loc="upper left")
    return ax


def draw_antialias_weights(fig, mode: str = "bilinear", in_size: int = 32, out_sizes: Sequence[int] = (16, 8),
                           output_index: int | None = None):
    """The weights one output sample gives the input pixels, plain (the kernel at input scale) and antialiased
    (widened by the scale), one panel per output size."""
    axes = fig.subplots(1, len(out_sizes), sharey=True, squeeze=False)[0]
    kernel = I._KERNELS[mode]
    for ax, n_out in zip(axes, out_sizes):
        k = n_out // 2 if output_index is None else output_index
        wide = I._antialias_weights_core(in_size, n_out, kernel, I.SUPPORT[mode])[k]
        centre = (k + 0.5) * in_size / n_out
        j = np.arange(in_size) + 0.5
        narrow = kernel(j - centre)
        narrow = narrow / narrow.sum()
        ax.bar(j, narrow, width=0.8, color=PALETTE["sky"], alpha=0.8, label="plain (no antialias)")
        ax.bar(j, wide, width=0.4, color=PALETTE["blue"], label="antialias=True")
        ax.axvline(centre, color=PALETTE["vermillion"], lw=1, ls=":", label="output centre")
        ax.set_xlim(centre - 3 * in_size / n_out - 1, centre + 3 * in_size / n_out + 1)
        ax.set_title(f"{mode}, {in_size} -> {n_out} (scale 1/{in_size // n_out}): "
                     f"{int((wide > 0).sum())} taps")
        ax.set_xlabel("x (input pixels)")
    axes[0].set_ylabel("weight")
    axes[0].legend(loc="upper left")
    return axes


def draw_images(fig, images: Sequence[np.ndarray], titles: Sequence[str], cmap="gray", vmin=0.0, vmax=1.0):
    """Images side by side, each with its title and its size; RGB images are drawn as they are."""
    axes = fig.subplots(1, len(images), squeeze=False)[0]
    for ax, img, title in zip(axes, images, titles):
        img = np.asarray(img)
        # an image larger than its panel is filtered by matplotlib, or the screen itself would alias it
        smooth = "antialiased" if img.shape[0] > 100 else "nearest"
        ax.imshow(img, cmap=None if img.ndim == 3 else cmap, vmin=vmin, vmax=vmax, interpolation=smooth)
        ax.set_title(f"{title}\n{img.shape[0]}×{img.shape[1]}")
        ax.set_xticks([])
        ax.set_yticks([])
    return axes
