"""The shared pieces: argument checks, show_source, and the plot helpers' contracts."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

import updown
from updown import _checks, plot
from updown._source import show_source


# ---- argument checks -------------------------------------------------------------------------------------------
def test_as_array_accepts_arrays_without_copying():
    x = np.zeros((2, 3))
    assert _checks.as_array("x", x) is x


@pytest.mark.parametrize("bad, kind", [([1, 2], "list"), (3.0, "float"), ("abc", "str")])
def test_as_array_rejects_non_arrays(bad, kind):
    with pytest.raises(TypeError, match=rf"x must be a numpy.ndarray, got {kind}"):
        _checks.as_array("x", bad)


def test_as_array_floating():
    with pytest.raises(TypeError, match=r"x must have a floating dtype .* got dtype int64"):
        _checks.as_array("x", np.arange(3, dtype=np.int64), floating=True)
    with pytest.raises(TypeError, match=r"x must have a numeric dtype, got dtype <U1"):
        _checks.as_array("x", np.array(["a"]))


def test_check_ndim():
    _checks.check_ndim("x", np.zeros((1, 1, 2, 2)), (4,), "(N, C, H, W)")
    with pytest.raises(ValueError, match=r"x must have shape \(N, C, H, W\), got shape \(2, 2\) \(2 dimensions\)"):
        _checks.check_ndim("x", np.zeros((2, 2)), (4,), "(N, C, H, W)")
    with pytest.raises(ValueError, match=r"x must not be empty, got shape \(1, 0, 2, 2\)"):
        _checks.check_ndim("x", np.zeros((1, 0, 2, 2)), (4,), "(N, C, H, W)")


def test_int_tuple():
    assert _checks.int_tuple("stride", 2, 2) == (2, 2)
    assert _checks.int_tuple("stride", (1, 3), 2) == (1, 3)
    assert _checks.int_tuple("stride", [np.int64(4), 5], 2, minimum=1) == (4, 5)
    assert _checks.int_tuple("stride", None, 2, allow_none=True) is None
    with pytest.raises(ValueError, match=r"stride must be positive, got 0"):
        _checks.int_tuple("stride", 0, 2, minimum=1)
    with pytest.raises(ValueError, match=r"padding must be non-negative, got \(1, -1\)"):
        _checks.int_tuple("padding", (1, -1), 2, minimum=0)
    with pytest.raises(ValueError, match=r"kernel_size must be an int or a sequence of 2 ints, got \(1, 2, 3\)"):
        _checks.int_tuple("kernel_size", (1, 2, 3), 2)
    for bad in (2.0, True, "2", None, (1.5, 2)):
        with pytest.raises(TypeError, match=r"kernel_size must be an int or a sequence of 2 ints"):
            _checks.int_tuple("kernel_size", bad, 2)


def test_float_tuple():
    assert _checks.float_tuple("scale_factor", 2, 3) == (2.0, 2.0, 2.0)
    assert _checks.float_tuple("scale_factor", (0.5, 1.5), 2) == (0.5, 1.5)
    with pytest.raises(ValueError, match=r"scale_factor must be positive, got -2.0"):
        _checks.float_tuple("scale_factor", -2.0, 1)
    with pytest.raises(ValueError, match=r"scale_factor must be finite, got nan"):
        _checks.float_tuple("scale_factor", float("nan"), 1)
    with pytest.raises(TypeError, match=r"scale_factor must be a number or a sequence of 2 numbers, got True"):
        _checks.float_tuple("scale_factor", True, 2)


def test_check_choice_and_bool():
    _checks.check_choice("mode", "nearest", ("nearest", "bilinear"))
    with pytest.raises(ValueError, match=r"mode must be one of 'nearest', 'bilinear', got 'cubic'"):
        _checks.check_choice("mode", "cubic", ("nearest", "bilinear"))
    _checks.check_bool("ceil_mode", False)
    _checks.check_bool("align_corners", None, allow_none=True)
    with pytest.raises(TypeError, match=r"ceil_mode must be True or False, got 1"):
        _checks.check_bool("ceil_mode", 1)


# ---- show_source --------------------------------------------------------------------------------------------------
def _documented(a):
    """A docstring."""
    return a + 1


def test_show_source_is_the_real_source():
    src = show_source(_documented)
    assert repr(src).startswith("def _documented(a):")
    assert '"""A docstring."""' in repr(src)
    assert "```python" in src._repr_markdown_()
    assert "test_core._documented" in src._repr_markdown_()
    bare = show_source(_documented, docstring=False)
    assert "docstring" not in repr(bare) and "return a + 1" in repr(bare)


def test_show_source_rejects_non_code():
    with pytest.raises(TypeError, match=r"obj must be a function, class, method or module, got int"):
        updown.show_source(3)


# ---- plot helpers -------------------------------------------------------------------------------------------------
def test_pixel_grid_places_pixel_ij_on_the_unit_square():
    fig, ax = plt.subplots()
    im = plot.pixel_grid(ax, np.arange(6.0).reshape(2, 3))
    assert im.get_extent() == [0.0, 3.0, 2.0, 0.0]  # x from 0 to W, y from H (bottom) to 0 (top)
    centres = [line for line in ax.lines if line.get_marker() == "o"][0]
    assert np.allclose(sorted(set(centres.get_xdata())), [0.5, 1.5, 2.5])
    assert np.allclose(sorted(set(centres.get_ydata())), [0.5, 1.5])
    assert len(ax.texts) == 6
    plt.close(fig)


def test_pixel_grid_rejects_non_2d():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"values must be a 2D array, got shape \(3,\)"):
        plot.pixel_grid(ax, np.zeros(3))
    plt.close(fig)


def test_image_row_titles_show_shapes():
    fig, axes = plot.image_row([np.zeros((4, 5)), np.zeros((2, 3, 3))], ["a", "b"])
    assert [ax.get_title() for ax in axes] == ["a\n4×5", "b\n2×3"]
    with pytest.raises(ValueError, match=r"titles must have one entry per image \(1\), got 2"):
        plot.image_row([np.zeros((2, 2))], ["a", "b"])
    plt.close("all")


def _draw(fig, k=1.0):
    ax = fig.add_subplot()
    ax.plot([0, k], [0, k])


def test_explore_static_draws_figure_or_animation(monkeypatch):
    monkeypatch.setenv("UPDOWN_STATIC", "1")
    assert plot.is_static()
    before = len(plt.get_fignums())
    assert plot.explore(_draw, k=(0.0, 2.0, 0.5, 1.0)) is None
    anim = plot.explore(_draw, animate_over="k", frames=3, k=(0.0, 2.0, 0.5, 1.0))
    assert repr(anim) == "<animation over k: 3 frames>"
    assert "<script" in anim._repr_html_()
    assert len(plt.get_fignums()) <= before + 1  # the animation's figure is closed
    plt.close("all")


def test_explore_validates_sliders(monkeypatch):
    monkeypatch.setenv("UPDOWN_STATIC", "1")
    with pytest.raises(ValueError, match=r"slider k must be \(min, max, step, default\)"):
        plot.explore(_draw, k=(0, 1))
    with pytest.raises(ValueError, match=r"animate_over must name a slider \(k\), got 'j'"):
        plot.explore(_draw, animate_over="j", k=(0.0, 1.0, 0.5, 0.5))


def test_explore_live_builds_widgets(monkeypatch):
    monkeypatch.delenv("UPDOWN_STATIC", raising=False)
    assert not plot.is_static()
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    plot.explore(_draw, k=(0.0, 2.0, 0.5, 1.0))
    box = shown[0]
    slider = box.children[0].children[0]
    assert (slider.min, slider.max, slider.value, slider.description) == (0.0, 2.0, 1.0, "k")
    plt.close("all")
