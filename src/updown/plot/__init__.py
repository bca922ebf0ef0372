"""The book's one figure style and the drawing helpers every chapter uses.

Chapter-specific figures live in submodules (``updown.plot.pooling``, ``updown.plot.interpolation``, ...); this
module holds the style and the helpers they share.

Conventions (see the notation page): pixel ``(i, j)`` covers the unit square ``[j, j+1) x [i, i+1)`` of the
continuous plane and its centre is at ``(j + 0.5, i + 0.5)``. Axes are labelled in pixels, row index growing
downwards as in an image. Pixel centres are drawn as dots, sample positions as crosses.
"""
from __future__ import annotations

import os
import re
from typing import Callable, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation

__all__ = [
    "PALETTE",
    "CMAP",
    "DIVERGING",
    "use_style",
    "pixel_grid",
    "mark_samples",
    "draw_window",
    "image_row",
    "explore",
    "LiveFigure",
    "animate",
    "is_static",
    "grey_png",
    "show_grey",
]

#: Okabe & Ito's colour-blind-safe palette, in the order the book uses it.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: Sequential colormap for values (perceptually uniform, colour-blind safe).
CMAP = "viridis"
#: Diverging colormap for signed differences and errors.
DIVERGING = "RdBu_r"

_STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 96,
    "savefig.dpi": 96,
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE.values())),
    "image.cmap": CMAP,
    "image.interpolation": "nearest",
    "animation.embed_limit": 40.0,
    "figure.max_open_warning": 0,
}


def use_style() -> None:
    """Apply the book's matplotlib style (white background, colour-blind-safe colours, nearest-pixel images)."""
    mpl.rcParams.update(_STYLE)


use_style()


def is_static() -> bool:
    """True when the notebook is executed for the static book or for the tests (``UPDOWN_STATIC=1``).

    The Makefile sets it for ``make book``, ``make test`` and ``make execute``; ``make lab``, Colab and Binder leave
    it unset, so readers running the notebook get live widgets.
    """
    return os.environ.get("UPDOWN_STATIC", "") not in ("", "0")


def pixel_grid(ax, values: np.ndarray, *, annotate: bool = True, fmt: str = "{:.2g}", cmap=None,
               vmin=None, vmax=None, centres: bool = True, alpha: float = 1.0, origin=(0.0, 0.0),
               label_axes: bool = True, fontsize: float = 8):
    """Draw a 2D array as pixels on the continuous plane: pixel (i, j) covers [j, j+1) x [i, i+1).

    Grid lines mark pixel borders, dots mark centres, and (optionally) each pixel shows its value.
    ``origin`` shifts the whole grid (in pixels) so several grids can share one axes. Returns the image artist.
    """
    values = np.asarray(values)
    if values.ndim != 2:
        raise ValueError(f"values must be a 2D array, got shape {values.shape}")
    h, w = values.shape
    x0, y0 = origin
    im = ax.imshow(values, cmap=cmap or CMAP, vmin=vmin, vmax=vmax, alpha=alpha,
                   extent=(x0, x0 + w, y0 + h, y0), interpolation="nearest")
    # Pixel borders as two line collections (one artist each, not one per line: cheaper to redraw live).
    ax.vlines(x0 + np.arange(w + 1), y0, y0 + h, colors="0.35", lw=0.6, zorder=2)
    ax.hlines(y0 + np.arange(h + 1), x0, x0 + w, colors="0.35", lw=0.6, zorder=2)
    if centres:
        jj, ii = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
        ax.plot(x0 + jj.ravel(), y0 + ii.ravel(), "o", ms=2.5, color="black", zorder=3)
    if annotate:
        lo = np.nanmin(values) if vmin is None else vmin
        hi = np.nanmax(values) if vmax is None else vmax
        mid = (lo + hi) / 2
        for i in range(h):
            for j in range(w):
                v = values[i, j]
                ax.text(x0 + j + 0.5, y0 + i + 0.72, fmt.format(v), ha="center", va="center",
                        fontsize=fontsize, color="white" if v < mid else "black", zorder=4)
    ax.set_xlim(min(ax.get_xlim()[0], x0) if ax.has_data() else x0, max(ax.get_xlim()[1], x0 + w))
    ax.set_ylim(max(ax.get_ylim()[0], y0 + h), min(ax.get_ylim()[1], y0))
    ax.set_aspect("equal")
    if label_axes:
        ax.set_xlabel("x (pixels)")
        ax.set_ylabel("y (pixels)")
    return im


def mark_samples(ax, xs, ys, *, color=PALETTE["vermillion"], label="sample positions", size=7, **kw):
    """Mark sample positions (continuous coordinates, in pixels) with crosses."""
    return ax.plot(np.ravel(xs), np.ravel(ys), "x", ms=size, mew=1.8, color=color, label=label, zorder=5, **kw)


def draw_window(ax, row: float, col: float, height: float, width: float, *, color=PALETTE["orange"],
                lw: float = 2.2, label=None, **kw):
    """Outline a window covering rows [row, row+height) and columns [col, col+width) of a pixel grid."""
    rect = mpl.patches.Rectangle((col, row), width, height, fill=False, edgecolor=color, lw=lw,
                                 label=label, zorder=6, **kw)
    ax.add_patch(rect)
    return rect


def image_row(images: Sequence[np.ndarray], titles: Sequence[str] | None = None, *, size: float = 2.6,
              cmap=None, vmin=None, vmax=None, colorbar: bool = False, axis_labels: bool = True, suptitle=None):
    """Show images side by side, each with its title and its shape in pixels; returns ``(fig, axes)``.

    Arrays may be ``(H, W)`` (drawn with ``cmap``) or ``(H, W, 3)`` (RGB, values in [0, 1] or uint8).
    """
    n = len(images)
    titles = list(titles) if titles is not None else [""] * n
    if len(titles) != n:
        raise ValueError(f"titles must have one entry per image ({n}), got {len(titles)}")
    fig, axes = plt.subplots(1, n, figsize=(size * n, size * 1.05), squeeze=False, layout="constrained")
    axes = axes[0]
    for ax, img, title in zip(axes, images, titles):
        img = np.asarray(img)
        im = ax.imshow(img, cmap=cmap or (None if img.ndim == 3 else CMAP), vmin=vmin, vmax=vmax,
                       interpolation="nearest")
        shape = "×".join(str(s) for s in img.shape[:2])
        ax.set_title(f"{title}\n{shape}" if title else shape)
        if axis_labels:
            ax.set_xlabel("x (pixels)")
        else:
            ax.set_xticks([])
            ax.set_yticks([])
        if colorbar and img.ndim == 2:
            fig.colorbar(im, ax=ax, shrink=0.8)
    if axis_labels:
        axes[0].set_ylabel("y (pixels)")
    if suptitle:
        fig.suptitle(suptitle)
    return fig, axes


#: The player's icons as inline SVG paths (16 x 16 box): matplotlib's template loads Font Awesome from a CDN,
#: which an offline reader cannot fetch, so the link is dropped and each icon is drawn in the page itself.
_PLAYER_ICONS = {
    "fa-minus": "M2 7h12v2H2z",
    "fa-plus": "M7 2h2v5h5v2H9v5H7V9H2V7h5z",
    "fa-play": "M4 2l10 6-10 6z",
    "fa-play fa-flip-horizontal": "M12 2L2 8l10 6z",
    "fa-pause": "M3 2h4v12H3zM9 2h4v12H9z",
    "fa-step-forward": "M2 2l9 6-9 6zM11 2h3v12h-3z",
    "fa-step-backward": "M14 2L5 8l9 6zM2 2h3v12H2z",
    "fa-fast-forward": "M0 2l6 6-6 6zM6 2l6 6-6 6zM13 2h2v12h-2z",
    "fa-fast-backward": "M16 2l-6 6 6 6zM10 2L4 8l6 6zM1 2h2v12H1z",
}


def grey_png(fig) -> bytes:
    """``fig`` as a PNG (``savefig.dpi``, tight box, as the notebook shows it), stored as 8-bit greyscale when every
    pixel is grey (red = green = blue, so nothing is lost) and as RGB otherwise: a quarter of the bytes of
    matplotlib's RGBA PNG for a grey figure, which keeps image-heavy pages light."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    rgb = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    a = np.asarray(rgb)
    grey = bool((a[..., 0] == a[..., 1]).all() and (a[..., 1] == a[..., 2]).all())
    out = io.BytesIO()
    (rgb.convert("L") if grey else rgb).save(out, format="PNG", optimize=True)
    return out.getvalue()


def show_grey(fig) -> None:
    """Display ``fig`` in the notebook as :func:`grey_png` and close it (instead of ``plt.show()``)."""
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    data = grey_png(fig)
    plt.close(fig)
    display(Image(data))


def _with_alt(html: str, alt: str) -> str:
    """The player's frame image with ``alt`` as its text alternative (``to_jshtml`` writes none)."""
    import html as html_lib

    return re.sub(r"<img id=", f'<img alt="{html_lib.escape(alt, quote=True)}" id=', html, count=1)


#: A frame of a ``to_jshtml`` player: ``frames[k] = "data:image/png;base64,<payload with escaped newlines>"``.
_FRAME = re.compile(r'(frames\[\d+\] = "data:image/png;base64,)((?:[A-Za-z0-9+/=]|\\\n)+)"')


def _palette_frames(html: str, colors: int = 256) -> str:
    """The player's PNG frames re-encoded as palette PNGs of at most ``colors`` colours (about 3x smaller).

    The book's figures are flat colours, text and colormaps on white: an adaptive palette without dithering
    moves a pixel by about one level of 255 on average (a photograph's rare colours by a few tens of levels);
    a frame that would not get smaller keeps its original PNG.
    """
    import base64
    import io

    from PIL import Image

    def lighter(match):
        raw = base64.b64decode(match.group(2).replace("\\\n", ""))
        rgb = Image.open(io.BytesIO(raw)).convert("RGB")
        pal = rgb.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        out = io.BytesIO()
        pal.save(out, format="PNG")
        small = out.getvalue()
        data = base64.b64encode(small if len(small) < len(raw) else raw).decode("ascii")
        return f'{match.group(1)}{data}"'

    return _FRAME.sub(lighter, html)


def _offline_player(html: str) -> str:
    """``to_jshtml`` output with no request to leave the page: no Font Awesome link, icons as inline SVG."""
    html = re.sub(r"<link[^>]*font-awesome[^>]*>\s*", "", html)

    def icon(match):
        path = _PLAYER_ICONS.get(match.group(1))
        if path is None:
            return match.group(0)
        return (f'<svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" '
                f'style="vertical-align:middle"><path fill="currentColor" d="{path}"/></svg>')

    return re.sub(r'<i class="fa ([^"]+)"></i>', icon, html)


class Animation:
    """A matplotlib animation shown as a self-contained JavaScript player (``to_jshtml``).

    The HTML plays in the static book without a kernel or network (the player's icons are inline SVG, not a CDN
    font); its plain-text form is a stable one-line summary, so notebook tests compare something meaningful.
    """

    def __init__(self, anim: animation.Animation, frames: int, what: str = "animation", alt: str = ""):
        if not isinstance(alt, str):
            raise TypeError(f"alt must be a string, got {type(alt).__name__}")
        html = _palette_frames(anim.to_jshtml(default_mode="once"))
        self._html = _with_alt(_offline_player(html), alt or what)
        self.alt = alt or what
        self.frames = frames
        self.what = what
        plt.close(anim._fig)

    def _repr_html_(self) -> str:
        return self._html

    def __repr__(self) -> str:
        return f"<{self.what}: {self.frames} frames>"


def animate(draw: Callable, values: Sequence, *, figsize=(5, 4), interval: int = 400, what: str = "animation",
            param: str | None = None, alt: str = "", **fixed):
    """Animate ``draw(ax_or_fig, value)`` over ``values`` and return a playable :class:`Animation`.

    ``draw`` receives a fresh figure (cleared at each frame) and one value; with ``param`` it is called as
    ``draw(fig, **{param: value}, **fixed)``. ``alt`` is the player's text alternative: a sentence saying what
    the animation shows (``what`` when empty).
    """
    values = list(values)
    fig = plt.figure(figsize=figsize, layout="constrained")

    def frame(k):
        fig.clear()
        if param is None:
            draw(fig, values[k], **fixed)
        else:
            draw(fig, **{param: values[k]}, **fixed)
        return []

    anim = animation.FuncAnimation(fig, frame, frames=len(values), interval=interval, blit=False)
    return Animation(anim, len(values), what, alt)


def _slider_values(lo, hi, step, frames: int) -> list:
    """``frames`` values spread over a slider's range, each one the slider can take (on its step grid)."""
    vals = np.linspace(lo, hi, frames)
    vals = np.clip(lo + np.round((vals - lo) / step) * step, min(lo, hi), max(lo, hi))
    if all(isinstance(v, (int, np.integer)) for v in (lo, hi, step)):
        return [int(v) for v in vals]
    return [float(v) for v in vals]


class LiveFigure:
    """The redraw behind a live exploration: ``draw(fig, **params)`` on one figure, returned as PNG bytes.

    The figure is not registered with pyplot (nothing is shown twice), and it is encoded once per redraw, without
    the inline backend's tight bounding box (which renders twice). The layout is solved once (constrained layout
    at the first parameters) and then kept, so the axes stay still while a slider moves and a redraw does not pay
    for the layout solver again; a redraw that changes the number of axes solves it anew.
    """

    def __init__(self, draw: Callable, figsize=(6, 4)):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.draw = draw
        self.fig = Figure(figsize=figsize, layout="constrained")
        FigureCanvasAgg(self.fig)
        self._positions = None

    @staticmethod
    def png_size(png: bytes) -> tuple[int, int]:
        """(width, height) in pixels of PNG bytes, read from the image header."""
        import struct

        if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
            raise ValueError("png must be the bytes of a PNG image")
        return struct.unpack(">II", png[16:24])

    def render(self, **params) -> bytes:
        """Draw the figure for ``params`` and return it as PNG bytes (the figure's dpi, white background)."""
        import io

        fig = self.fig
        fig.clear()
        if self._positions is None:
            fig.set_layout_engine("constrained")
        self.draw(fig, **params)
        if self._positions is not None:
            if len(fig.axes) == len(self._positions):
                for ax, pos in zip(fig.axes, self._positions):
                    ax.set_position(pos)
            else:
                fig.set_layout_engine("constrained")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        if fig.get_layout_engine() is not None:
            self._positions = [ax.get_position(original=True) for ax in fig.axes]
            # No engine at all: savefig would otherwise run a layout pass (a whole draw) before rendering.
            fig.set_layout_engine(None)
        return buf.getvalue()


def explore(draw: Callable, *, figsize=(6, 4), animate_over: str | None = None, frames: int = 9, alt: str = "",
            **sliders):
    """An exploration: ``draw(fig, **params)`` under sliders live, a figure or animation in the static book.

    Each slider is given as ``name=(min, max, step, default)``. Live (``make lab``, Colab, Binder) this shows
    ipywidgets sliders above the figure, redrawn by :class:`LiveFigure` as the sliders move. Static
    (``UPDOWN_STATIC=1``: the HTML book and the tests) it draws the figure at the default values, or, with
    ``animate_over="name"``, a ``to_jshtml`` animation over ``frames`` values of that slider's range (values the
    slider can take: on its step grid, integers for an integer slider), so the page never shows an empty widget box.
    ``alt`` is the animation's text alternative (a static figure takes its alt text from the cell's metadata).
    """
    for name, spec in sliders.items():
        if not (isinstance(spec, tuple) and len(spec) == 4):
            raise ValueError(f"slider {name} must be (min, max, step, default), got {spec!r}")
    if animate_over is not None and animate_over not in sliders:
        raise ValueError(f"animate_over must name a slider ({', '.join(sliders)}), got {animate_over!r}")
    defaults = {k: v[3] for k, v in sliders.items()}
    if is_static():
        if animate_over is None:
            fig = plt.figure(figsize=figsize, layout="constrained")
            draw(fig, **defaults)
            plt.show()
            return None
        lo, hi, step, _ = sliders[animate_over]
        vals = _slider_values(lo, hi, step, frames)
        fixed = {k: v for k, v in defaults.items() if k != animate_over}
        return animate(draw, vals, figsize=figsize, param=animate_over, what=f"animation over {animate_over}",
                       alt=alt, **fixed)

    import ipywidgets as widgets
    from IPython.display import display

    controls = {}
    for name, (lo, hi, step, default) in sliders.items():
        cls = widgets.IntSlider if all(isinstance(v, int) for v in (lo, hi, step, default)) else widgets.FloatSlider
        controls[name] = cls(min=lo, max=hi, step=step, value=default, description=name,
                             continuous_update=True)
    live = LiveFigure(draw, figsize=figsize)
    first = live.render(**defaults)
    width, _ = LiveFigure.png_size(first)
    # Shown at its own pixel size: a flex box would otherwise stretch the image to the notebook's width (blurry,
    # and taller than a laptop screen); narrower windows still shrink it, keeping its aspect ratio.
    image = widgets.Image(value=first, format="png",
                          layout=widgets.Layout(width=f"{width}px", max_width="100%", height="auto"))

    def redraw(_change=None):
        image.value = live.render(**{name: c.value for name, c in controls.items()})

    for control in controls.values():
        control.observe(redraw, names="value")
    ui = widgets.VBox([widgets.HBox(list(controls.values())), image])
    display(ui)
    return None
