"""The map of the book: an encoder-decoder network with each chapter placed where its operator sits.

The introduction shows it (``book/_ext/updown_html.py`` draws it at every build from the chapters of the table of
contents, so a chapter appears on the map only once it exists).
"""
from __future__ import annotations

import re
from typing import Sequence

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, Rectangle

from . import PALETTE

__all__ = ["PLACES", "place_of", "book_map", "map_alt"]

#: Where each chapter sits in the network, by its notebook's name without the number (``01_pooling``: ``pooling``),
#: so that renumbering the chapters moves nothing on the map.
PLACES = {
    "pooling": "down",
    "linear_1d": "interp",
    "bilinear_2d": "interp",
    "trilinear_3d": "interp",
    "pixel_conventions": "grid",
    "bicubic_area_antialias": "interp",
    "transposed_convolution": "learned",
    "checkerboard_bilinear": "learned",
    "subpixel_convolution": "learned",
    "fcn_skip_fusion": "skip",
    "antialiased_downsampling": "down",
    "dilated_convolution": "down",
    "decoders": "skip",
}


def place_of(name: str) -> str | None:
    """The place of a chapter on the map from its notebook's name (``"03_bilinear_2d"``), or ``None``."""
    return PLACES.get(re.sub(r"^\d+_", "", name))


#: The places on the map: what the network does there, the colour of its arrows, the column of its chapters.
_WHERE = {
    "down": ("Encoder: pooling makes the maps smaller", PALETTE["blue"], 0.15),
    "interp": ("Decoder, fixed weights: interpolation", PALETTE["green"], 3.25),
    "learned": ("Decoder, learned weights: transposed convolution", PALETTE["vermillion"], 6.35),
    "grid": ("Where each output pixel sits on the input", PALETTE["purple"], 9.45),
    "skip": ("Skip connections fuse coarse and fine scores", PALETTE["orange"], None),
}

_CENTRE = 5.0  # the feature maps are centred on this line
_WIDTH = 0.5
_HEIGHTS = (3.0, 2.2, 1.5, 0.9)
_SIZES = ("H×W", "H/2", "H/4", "H/8")
_ENCODER_X = (0.6, 1.9, 3.1, 4.2)
_SPAN = 12.4


def _block(ax, x, height, color, size):
    ax.add_patch(Rectangle((x, _CENTRE - height / 2), _WIDTH, height, facecolor=color, edgecolor="black",
                           linewidth=0.8))
    ax.text(x + _WIDTH / 2, _CENTRE - height / 2 - 0.12, size, ha="center", va="top", fontsize=7)


def _arrow(ax, start, end, color, linestyle="-", width=1.4, style="-|>", bend=0.0):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=11, color=color, linewidth=width,
                                 linestyle=linestyle, shrinkA=1, shrinkB=1, connectionstyle=f"arc3,rad={bend}"))


def book_map(chapters: Sequence[tuple[str, str, str]], *, figsize=(9.6, 5.0)):
    """Draw the map: ``chapters`` is a list of ``(notebook name, number, title)`` in reading order.

    Each chapter is listed under the part of the network it explains (``PLACES``); a place with no chapter yet
    is drawn without a list. A notebook name that is not in ``PLACES`` raises ``ValueError``. Returns the figure.
    """
    import textwrap

    chapters = list(chapters)
    for name, _, _ in chapters:
        if place_of(name) is None:
            raise ValueError(f"chapters: no place on the map for {name!r}; known: {', '.join(PLACES)}")
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.set_xlim(0, _SPAN)
    ax.set_ylim(0.8, 8.3)
    ax.axis("off")
    decoder_x = [_SPAN - x - _WIDTH for x in _ENCODER_X]  # mirror image of the encoder
    for x, h, size in zip(_ENCODER_X, _HEIGHTS, _SIZES):
        _block(ax, x, h, PALETTE["sky"], size)
    for x, h, size in zip(decoder_x, _HEIGHTS, _SIZES):
        _block(ax, x, h, "#9ED9C3", size)
    top = _CENTRE + _HEIGHTS[0] / 2 + 0.1
    ax.text(_ENCODER_X[0] + _WIDTH / 2, top, "image", ha="center", va="bottom", fontsize=8)
    ax.text(decoder_x[0] + _WIDTH / 2, top, "a label\nper pixel", ha="center", va="bottom", fontsize=8)
    marks = {}
    for k in range(3):  # encoder: pooling steps
        a, b = (_ENCODER_X[k] + _WIDTH, _CENTRE), (_ENCODER_X[k + 1], _CENTRE)
        _arrow(ax, a, b, _WHERE["down"][1])
        marks.setdefault("down", ((a[0] + b[0]) / 2, _CENTRE))
    _arrow(ax, (_ENCODER_X[3] + _WIDTH, _CENTRE), (decoder_x[3], _CENTRE), "black", width=1.0)
    ax.text(_SPAN / 2, _CENTRE + 0.12, "class scores", ha="center", va="bottom", fontsize=7)
    for k in (3, 2, 1):  # decoder: each step either fixed (above) or learned (below)
        a, b = decoder_x[k] + _WIDTH, decoder_x[k - 1]
        _arrow(ax, (a, _CENTRE + 0.18), (b, _CENTRE + 0.18), _WHERE["interp"][1])
        _arrow(ax, (a, _CENTRE - 0.18), (b, _CENTRE - 0.18), _WHERE["learned"][1])
        marks.setdefault("interp", ((a + b) / 2, _CENTRE + 0.18))
        marks.setdefault("learned", ((a + b) / 2, _CENTRE - 0.18))
    marks["grid"] = (decoder_x[0] + _WIDTH / 2, _CENTRE - _HEIGHTS[0] / 2)
    for k in (1, 2):  # skips from the finer encoder maps into the decoder
        h = _HEIGHTS[k] / 2
        _arrow(ax, (_ENCODER_X[k] + _WIDTH / 2, _CENTRE + h), (decoder_x[k] + _WIDTH / 2, _CENTRE + h),
               _WHERE["skip"][1], linestyle="--", width=1.1, bend=-0.18)
    listed = {place: [] for place in _WHERE}
    for name, number, title in chapters:
        listed[place_of(name)].append((number, title))
    for place, (what, color, column) in _WHERE.items():
        if column is None:  # the skip connections: above the network
            ax.text(_SPAN / 2, 8.25, what, ha="center", va="top", fontsize=8.5, color=color, fontweight="bold")
            text = "   ".join(f"{n}  {t}" for n, t in listed[place])
            ax.text(_SPAN / 2, 7.85, text, ha="center", va="top", fontsize=8.5)
            continue
        ax.text(column, 2.75, textwrap.fill(what, 30), ha="left", va="top", fontsize=8.5, color=color,
                fontweight="bold")
        y = 2.05
        for number, title in listed[place]:
            lines = textwrap.wrap(title, 28)
            ax.text(column, y, f"{number}  " + "\n     ".join(lines), ha="left", va="top", fontsize=8.5)
            y -= 0.36 * len(lines) + 0.1
        if listed[place]:
            _arrow(ax, (column + 1.2, 2.85), marks[place], color, linestyle=":", width=1.0, style="-")
    return fig


def map_alt(chapters: Sequence[tuple[str, str, str]]) -> str:
    """The map's text alternative: the network in one sentence, then each place with its chapters."""
    chapters = list(chapters)
    parts = []
    for place, (what, _, _) in _WHERE.items():
        names = [f"{number} {title}" for name, number, title in chapters if place_of(name) == place]
        if names:
            parts.append(f"{what} ({'; '.join(names)})")
    return ("Diagram of an encoder-decoder segmentation network: feature maps shrink from the image down to "
            "H/8 and grow back to a label per pixel, each decoder step either fixed or learned, with dashed skip "
            "connections across. The chapters, by the part they explain: " + "; ".join(parts) + ".")
