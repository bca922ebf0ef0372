"""Figures of the chapter *Decoders compared* (ch-decoders): the families side by side as diagrams."""
from __future__ import annotations

from typing import Sequence

import matplotlib as mpl
import numpy as np

from . import PALETTE
from ..fcn import feature_sizes

__all__ = ["KIND_COLOURS", "FAMILY_DIAGRAMS", "draw_families"]

#: One colour per kind of thing a decoder passes upward (Okabe & Ito's palette).
KIND_COLOURS = {"scores": PALETTE["vermillion"], "indices": PALETTE["purple"], "features": PALETTE["blue"],
                "kernels": PALETTE["orange"], "offsets": PALETTE["green"], "fixed": "0.35"}

# Levels are 0..5 for strides 1, 2, 4, 8, 16, 32. Per family: the deepest encoder level, the upward steps
# (from level, to level, label, kind) and the lateral links from encoder to decoder (level, label, kind).
FAMILY_DIAGRAMS = {
    "FCN-8s": dict(deepest=5, ups=[(5, 4, "learned", "scores"), (4, 3, "learned", "scores"),
                                   (3, 0, "8× bilinear", "fixed")],
                   laterals=[(5, "1×1 scores", "scores"), (4, "1×1 scores, +", "scores"),
                             (3, "1×1 scores, +", "scores")]),
    "SegNet": dict(deepest=5, ups=[(i, i - 1, "unpool", "indices") for i in range(5, 0, -1)],
                   laterals=[(5, "pool5 output", "features")]
                   + [(i, "pool indices", "indices") for i in range(4, -1, -1)]),
    "U-Net": dict(deepest=5, ups=[(i, i - 1, "up-conv", "features") for i in range(5, 0, -1)],
                  laterals=[(5, "pool5 output", "features")]
                  + [(i, "features, concat", "features") for i in range(4, -1, -1)]),
    "FPN": dict(deepest=5, ups=[(5, 4, "nearest", "features"), (4, 3, "nearest", "features"),
                                (3, 2, "nearest", "features"), (2, 0, "4× bilinear", "fixed")],
                laterals=[(i, "1×1 lateral, +", "features") for i in (5, 4, 3, 2)]),
    "DeepLabv3+": dict(deepest=3, note="dilated, ASPP",
                       ups=[(3, 2, "2× bilinear", "fixed"), (2, 0, "4× bilinear", "fixed")],
                       laterals=[(3, "ASPP features", "features"), (2, "1×1, concat", "features")]),
    "CARAFE": dict(deepest=5, ups=[(5, 4, "CARAFE", "kernels"), (4, 3, "CARAFE", "kernels"),
                                   (3, 2, "CARAFE", "kernels"), (2, 0, "4× bilinear", "fixed")],
                   laterals=[(i, "1×1 lateral, +", "features") for i in (5, 4, 3, 2)]),
    "DySample": dict(deepest=5, ups=[(5, 4, "DySample", "offsets"), (4, 3, "DySample", "offsets"),
                                     (3, 2, "DySample", "offsets"), (2, 0, "4× bilinear", "fixed")],
                     laterals=[(i, "1×1 lateral, +", "features") for i in (5, 4, 3, 2)]),
}


def _box(ax, x, y, text, colour):
    ax.add_patch(mpl.patches.FancyBboxPatch((x - 0.42, y - 0.27), 0.84, 0.54, boxstyle="round,pad=0.02",
                                            facecolor=colour, edgecolor="0.25", alpha=0.9))
    ax.text(x, y, text, ha="center", va="center", fontsize=7)


def _arrow(ax, start, end, colour, lw=1.6):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="-|>", color=colour, lw=lw,
                                                         shrinkA=0, shrinkB=0))


def draw_families(fig, names: Sequence[str] = tuple(FAMILY_DIAGRAMS), image_size: int = 96):
    """The decoder families side by side: encoder on the left (stride 1 at the top, 32 at the bottom), decoder on
    the right, each arrow coloured by what it carries (:data:`KIND_COLOURS`: scores, indices, features, kernels,
    offsets, or a fixed interpolation). Boxes give the stride and the map's side for a square ``image_size``.
    Returns the axes. Raises ``ValueError`` for an unknown family name."""
    names = list(names)
    for n in names:
        if n not in FAMILY_DIAGRAMS:
            raise ValueError(f"names must be keys of FAMILY_DIAGRAMS ({', '.join(FAMILY_DIAGRAMS)}), got {n!r}")
    sides = [image_size] + [s[0] for s in feature_sizes(image_size)]
    cols = min(4, len(names))
    rows = -(-len(names) // cols)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax, name in zip(axes, names):
        spec = FAMILY_DIAGRAMS[name]
        deep = spec["deepest"]
        dec_levels = {lv for up in spec["ups"] for lv in up[:2]}
        for lv in range(deep + 1):
            label = f"s{2 ** lv}: {sides[lv]}²" if lv <= deep else ""
            _box(ax, 0, lv, label, PALETTE["sky"])
            if lv:
                _arrow(ax, (0, lv - 0.73), (0, lv - 0.27), "0.5", lw=1.0)
        if "note" in spec:
            ax.text(0, deep + 0.42, spec["note"], ha="center", va="top", fontsize=6.5, style="italic")
        for lv in sorted(dec_levels):
            _box(ax, 2.2, lv, f"s{2 ** lv}", PALETTE["yellow"] if lv == 0 else "white")
        for lv, text, kind in spec["laterals"]:
            _arrow(ax, (0.42, lv), (1.78, lv), KIND_COLOURS[kind])
            ax.text(1.1, lv - 0.08, text, ha="center", va="bottom", fontsize=5.8, color=KIND_COLOURS[kind])
        for a, b, text, kind in spec["ups"]:
            _arrow(ax, (2.65, a - 0.05), (2.65, b + 0.05), KIND_COLOURS[kind], lw=2.2)
            ax.text(2.75, (a + b) / 2, text, ha="left", va="center", fontsize=6.2, color=KIND_COLOURS[kind],
                    rotation=90)
        ax.set_xlim(-0.55, 3.2)
        ax.set_ylim(5.5, -0.6)
        ax.set_title(name, fontsize=9, weight="bold")
        ax.axis("off")
    for ax in axes[len(names):]:
        ax.axis("off")
    legend_ax = axes[-1] if len(axes) > len(names) else None
    handles = [mpl.lines.Line2D([], [], color=c, lw=2.2, label=k if k != "fixed" else "fixed interpolation")
               for k, c in KIND_COLOURS.items()]
    if legend_ax is not None:
        legend_ax.legend(handles=handles, loc="center", title="what goes up", fontsize=8, title_fontsize=9)
    else:
        fig.legend(handles=handles, loc="outside lower center", ncol=len(handles))
    return axes[:len(names)]
