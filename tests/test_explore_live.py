"""updown.plot.explore: live sliders redraw an image widget; static builds draw a figure or an offline animation."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from updown import plot


def _draw(fig, n: int = 3, scale: float = 1.0):
    ax = fig.add_subplot(1, 2, 1)
    plot.pixel_grid(ax, np.arange(n * n, dtype=float).reshape(n, n) * scale)
    ax2 = fig.add_subplot(1, 2, 2)
    ax2.plot(np.arange(n), np.arange(n) * scale)
    ax2.set_title(f"n = {n}")


def _png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_live_figure_renders_png_and_keeps_its_layout():
    live = plot.LiveFigure(_draw, figsize=(6, 3))
    first = _png(live.render(n=3))
    assert first.shape == (3 * 96, 6 * 96, 3)
    positions = [ax.get_position(original=True).bounds for ax in live.fig.axes]
    second = _png(live.render(n=6, scale=2.0))
    assert second.shape == first.shape
    assert not np.array_equal(first, second)
    assert [ax.get_position(original=True).bounds for ax in live.fig.axes] == positions
    assert live.fig.get_layout_engine() is None  # no layout pass on later redraws


def test_live_figure_solves_layout_again_when_axes_change():
    def draw(fig, k: int = 1):
        for i in range(k):
            fig.add_subplot(1, k, i + 1).plot([0, 1], [0, i])

    live = plot.LiveFigure(draw, figsize=(6, 3))
    live.render(k=1)
    live.render(k=3)
    assert len(live.fig.axes) == 3
    xs = [ax.get_position().x0 for ax in live.fig.axes]
    assert xs == sorted(xs) and len(set(xs)) == 3  # three columns side by side, not stacked on one position


def test_live_figure_is_not_shown_by_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plot.LiveFigure(_draw).render()
    assert plt.get_fignums() == before


def test_explore_live_slider_redraws(monkeypatch):
    widgets = pytest.importorskip("ipywidgets")
    monkeypatch.delenv("UPDOWN_STATIC", raising=False)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs, **kw: shown.extend(objs))
    assert plot.explore(_draw, figsize=(6, 3), n=(2, 8, 1, 3), scale=(0.5, 2.0, 0.5, 1.0)) is None
    (ui,) = shown
    sliders = ui.children[0].children
    image = ui.children[1]
    assert isinstance(image, widgets.Image) and image.format == "png"
    assert [type(s).__name__ for s in sliders] == ["IntSlider", "FloatSlider"]
    before = image.value
    assert _png(before).shape[0] > 0
    sliders[0].value = 7
    assert image.value != before
    assert _png(image.value).shape == _png(before).shape
    # shown at its own pixel size, not stretched to the notebook's width (shrinks in narrow windows only)
    height, width = _png(before).shape[:2]
    assert plot.LiveFigure.png_size(before) == (width, height) == (6 * 96, 3 * 96)
    assert (image.layout.width, image.layout.max_width, image.layout.height) == (f"{width}px", "100%", "auto")


def test_png_size_reads_the_header_and_rejects_other_bytes():
    png = plot.LiveFigure(_draw, figsize=(2, 1)).render()
    assert plot.LiveFigure.png_size(png) == (2 * 96, 96)
    with pytest.raises(ValueError, match="png must be the bytes of a PNG image"):
        plot.LiveFigure.png_size(b"GIF89a" + bytes(30))


def test_explore_static_animation_uses_slider_values(monkeypatch):
    monkeypatch.setenv("UPDOWN_STATIC", "1")
    seen = []

    def draw(fig, n: int = 3):
        seen.append(n)
        _draw(fig, n=n)

    anim = plot.explore(draw, animate_over="n", frames=4, n=(2, 9, 1, 3))
    assert repr(anim) == "<animation over n: 4 frames>"
    assert seen and all(isinstance(v, int) and 2 <= v <= 9 for v in seen)
    assert {2, 9} <= set(seen)
    html = anim._repr_html_()
    assert "font-awesome" not in html and "https://" not in html.replace("http://www.w3.org", "")
    assert '<i class="fa' not in html and html.count("<svg") >= 9


@pytest.mark.parametrize("lo, hi, step, frames, expected", [
    (0, 35, 1, 10, [0, 4, 8, 12, 16, 19, 23, 27, 31, 35]),
    (1, 5, 1, 3, [1, 3, 5]),
    (0.0, 1.0, 0.25, 3, [0.0, 0.5, 1.0]),
    (0.0, 5.0, 0.05, 3, [0.0, 2.5, 5.0]),
])
def test_slider_values_on_the_step_grid(lo, hi, step, frames, expected):
    assert plot._slider_values(lo, hi, step, frames) == pytest.approx(expected)
