"""Figures of chapter 8, "FCN: skip fusion": score grids, the architecture diagram, predictions, boundary errors."""
from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from . import PALETTE
from ..data import CLASS_COLOURS, CLASS_NAMES, colourize
from ..fcn import STRIDES, feature_sizes
from ..metrics import _dilate, boundary_map

__all__ = ["class_legend", "draw_score_grids", "draw_architecture", "draw_predictions", "boundary_errors",
           "draw_boundary_errors", "draw_upsampling_profiles"]


def class_legend(fig, **kw):
    """A legend naming the colour of each class."""
    handles = [mpl.patches.Patch(facecolor=c, edgecolor="0.4", label=n) for c, n in zip(CLASS_COLOURS, CLASS_NAMES)]
    return fig.legend(handles=handles, loc=kw.pop("loc", "outside lower center"), ncol=len(handles), **kw)


def _label_axes(ax):
    ax.set_xlabel("x (pixels)")
    ax.set_ylabel("y (pixels)")


def draw_score_grids(fig, image: np.ndarray, labels: np.ndarray, strides: Sequence[int] = (32, 16, 8)):
    """The image, then its label map once per stride with the score cells (grid) and their centres (crosses).

    A stride-``s`` score map has one score vector per ``s x s`` cell, located at the cell centre
    ``(s*j + s/2, s*i + s/2)`` in pixel coordinates.
    """
    h, w = labels.shape
    axes = fig.subplots(1, len(strides) + 1)
    axes[0].imshow(np.moveaxis(image, 0, -1), extent=(0, w, h, 0))
    axes[0].set_title(f"image, {h}×{w}")
    _label_axes(axes[0])
    for ax, s in zip(axes[1:], strides):
        ax.imshow(colourize(labels), extent=(0, w, h, 0))
        for k in range(0, max(h, w) + 1, s):
            ax.axhline(min(k, h), color="0.25", lw=0.8)
            ax.axvline(min(k, w), color="0.25", lw=0.8)
        cy = np.arange(-(-h // s)) * s + s / 2
        cx = np.arange(-(-w // s)) * s + s / 2
        xx, yy = np.meshgrid(cx, cy)
        ax.plot(xx.ravel(), yy.ravel(), "x", ms=7 if s >= 16 else 5, mew=1.8, color=PALETTE["black"])
        ax.set_xlim(0, w)
        ax.set_ylim(h, 0)
        ax.set_title(f"stride {s}: {len(cy)}×{len(cx)} scores")
        ax.set_xlabel("x (pixels)")
    class_legend(fig)
    return axes


def draw_architecture(fig, image_size: int = 64, variant: str = "8s", widths=(16, 32, 64, 96, 128),
                      num_classes: int = 5):
    """The network as boxes whose heights are proportional to the maps' sizes, with skips and fusions.

    Each box is labelled with its name and its shape ``C×H×W`` for a square input of ``image_size`` pixels.
    """
    sizes = [image_size] + [s[0] for s in feature_sizes(image_size)]
    ax = fig.subplots()
    names = ["input"] + [f"pool{i}" for i in range(1, 6)] + ["fc7", "score_fr"]
    chans = [3] + list(widths) + [128, num_classes]
    sides = sizes + [sizes[-1], sizes[-1]]
    xs = np.arange(len(names)) * 1.45
    scale = 2.6 / image_size
    top = {}
    for x, name, c, s in zip(xs, names, chans, sides):
        hgt = max(s * scale, 0.12)
        ax.add_patch(mpl.patches.Rectangle((x - 0.42, -hgt / 2), 0.84, hgt, facecolor=PALETTE["sky"],
                                           edgecolor="0.2", alpha=0.85))
        ax.text(x, hgt / 2 + 0.12, name, ha="center", va="bottom", fontsize=8, weight="bold")
        ax.text(x, -hgt / 2 - 0.12, f"{c}×{s}×{s}", ha="center", va="top", fontsize=7.5)
        top[name] = (x, hgt / 2)
    for a, b in zip(xs[:-1], xs[1:]):
        ax.annotate("", xy=(b - 0.44, 0), xytext=(a + 0.44, 0), arrowprops=dict(arrowstyle="->", color="0.3"))
    # the head runs right to left above the backbone: each fusion sits right above the pool it reads
    y_head = 2.5
    k = num_classes
    red, green = PALETTE["vermillion"], PALETTE["green"]
    box = dict(boxstyle="round", fc="white", ec=red)
    x_prev = top["score_fr"][0]
    ax.text(x_prev, y_head, f"{k}×{sizes[5]}×{sizes[5]}", ha="center", va="center", fontsize=7.5, bbox=box)
    ax.annotate("", xy=(x_prev, y_head - 0.25), xytext=(x_prev, top["score_fr"][1] + 0.45),
                arrowprops=dict(arrowstyle="->", color=red))
    skips = {"16s": [("pool4", 4)], "8s": [("pool4", 4), ("pool3", 3)]}.get(variant, [])
    for skip, level in skips:
        x_new, y_skip = top[skip]
        s = sizes[level]
        ax.text(x_new, y_head, f"+  {k}×{s}×{s}", ha="center", va="center", fontsize=7.5, bbox=box)
        ax.annotate("", xy=(x_new + 0.62, y_head), xytext=(x_prev - 0.5, y_head),
                    arrowprops=dict(arrowstyle="->", color=red))
        ax.text((x_new + x_prev) / 2, y_head + 0.22, "2× up (learned)", ha="center", va="bottom", fontsize=7,
                color=red)
        ax.annotate("", xy=(x_new, y_head - 0.25), xytext=(x_new, y_skip + 0.45),
                    arrowprops=dict(arrowstyle="->", color=green))
        ax.text(x_new + 0.08, (y_head + y_skip) / 2 + 0.15, "1×1 score\n(zeros at start)", fontsize=6.5,
                color=green, ha="left", va="center")
        x_prev = x_new
    f = STRIDES[variant]
    x_out = top["pool1"][0]
    ax.text(x_out, y_head, f"score {k}×{image_size}×{image_size}", ha="center", va="center", fontsize=7.5,
            bbox=dict(boxstyle="round", fc=PALETTE["yellow"], ec="0.2"))
    ax.annotate("", xy=(x_out + 1.0, y_head), xytext=(x_prev - 0.62, y_head),
                arrowprops=dict(arrowstyle="->", color="0.2"))
    ax.text((x_out + 1.0 + x_prev - 0.62) / 2, y_head + 0.22, f"{f}× up (fixed bilinear)", ha="center",
            va="bottom", fontsize=7)
    ax.set_xlim(-0.7, xs[-1] + 0.7)
    ax.set_ylim(-1.9, 3.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"FCN-{variant} on a {image_size}×{image_size} image: box height ∝ map size (C×H×W)")
    return ax


def draw_predictions(images: np.ndarray, labels: np.ndarray, preds: Mapping[str, np.ndarray],
                     indices: Sequence[int], size: float = 1.9):
    """Rows of examples: image, ground truth, then each model's prediction, side by side."""
    cols = 2 + len(preds)
    fig, axes = plt.subplots(len(indices), cols, figsize=(size * cols, size * len(indices) + 0.5),
                             squeeze=False, layout="constrained")
    for r, i in enumerate(indices):
        h, w = labels[i].shape
        panels = [np.moveaxis(images[i], 0, -1), colourize(labels[i])] + [colourize(p[i]) for p in preds.values()]
        titles = ["image", "truth"] + list(preds)
        for c, (ax, img, t) in enumerate(zip(axes[r], panels, titles)):
            ax.imshow(img, extent=(0, w, h, 0))
            if r == 0:
                ax.set_title(t)
            ax.set_xticks([0, w // 2, w])
            ax.set_yticks([0, h // 2, h])
            if c == 0:
                ax.set_ylabel("y (pixels)")
            if r == len(indices) - 1:
                ax.set_xlabel("x (pixels)")
    class_legend(fig)
    return fig, axes


def boundary_errors(pred: np.ndarray, target: np.ndarray, tolerance: float = 2.0) -> np.ndarray:
    """Per pixel of one ``(H, W)`` pair: 0 none, 1 matched boundary, 2 missed true boundary, 3 false boundary.

    The matching is the one of :func:`updown.metrics.boundary_f1` (4-neighbour label changes, Euclidean
    tolerance in pixels). A pixel both missed and false counts as missed.
    """
    bp, bt = boundary_map(pred[None]), boundary_map(target[None])
    near_t, near_p = _dilate(bt, tolerance), _dilate(bp, tolerance)
    out = np.zeros(target.shape, dtype=np.int64)
    out[(bp & near_t)[0] | (bt & near_p)[0]] = 1
    out[(bp & ~near_t)[0]] = 3
    out[(bt & ~near_p)[0]] = 2
    return out


_ERR_COLOURS = np.array([[1, 1, 1], [0.6, 0.6, 0.6], mpl.colors.to_rgb(PALETTE["vermillion"]),
                         mpl.colors.to_rgb(PALETTE["blue"])])


def draw_boundary_errors(labels: np.ndarray, preds: Mapping[str, np.ndarray], indices: Sequence[int],
                         tolerance: float = 2.0, size: float = 2.1):
    """Boundary error maps: grey = boundary found within ``tolerance``, vermillion = missed, blue = invented."""
    cols = len(preds)
    fig, axes = plt.subplots(len(indices), cols, figsize=(size * cols, size * len(indices) + 0.5),
                             squeeze=False, layout="constrained")
    for r, i in enumerate(indices):
        h, w = labels[i].shape
        for c, (name, p) in enumerate(preds.items()):
            ax = axes[r, c]
            ax.imshow(_ERR_COLOURS[boundary_errors(p[i], labels[i], tolerance)], extent=(0, w, h, 0))
            if r == 0:
                ax.set_title(name)
            if c == 0:
                ax.set_ylabel("y (pixels)")
            if r == len(indices) - 1:
                ax.set_xlabel("x (pixels)")
    names = [f"matched (within {tolerance:g} px)", "missed true boundary", "invented boundary"]
    handles = [mpl.patches.Patch(facecolor=c, edgecolor="0.4", label=n) for c, n in zip(_ERR_COLOURS[1:], names)]
    fig.legend(handles=handles, loc="outside lower center", ncol=3)
    return fig, axes


def draw_upsampling_profiles(ax, kernels: Mapping[str, np.ndarray]):
    """The centre row of 2D upsampling kernels (e.g. bilinear vs learned), one line with markers each."""
    for (name, k), colour in zip(kernels.items(), PALETTE.values()):
        k = np.asarray(k)
        row = k[k.shape[0] // 2 - (1 - k.shape[0] % 2)] if k.ndim == 2 else k
        ax.plot(np.arange(len(row)), row, "o-", color=colour, label=name)
    ax.set_xlabel("kernel tap (pixels)")
    ax.set_ylabel("weight")
    ax.legend()
    return ax
