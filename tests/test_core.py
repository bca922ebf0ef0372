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


# ---- animations: palette frames ----------------------------------------------------------------------------------
def _frames(html):
    import base64
    import io

    from PIL import Image

    return [Image.open(io.BytesIO(base64.b64decode(m.group(2).replace("\\\n", ""))))
            for m in plot._FRAME.finditer(html)]


def _draw_ramp(fig, shift):
    ax = fig.add_subplot()
    ax.imshow(np.add.outer(np.arange(40.0), np.arange(60.0)) + shift)
    ax.set_title(f"shift {shift}")


def test_animation_frames_are_palette_pngs_close_to_the_originals():
    anim = plot.animate(_draw_ramp, [0, 10, 20], figsize=(3, 2), alt="A colour ramp moving to the right.")
    html = anim._repr_html_()
    lighter = _frames(html)
    assert len(lighter) == 3 and all(im.mode == "P" for im in lighter)
    assert 'alt="A colour ramp moving to the right."' in html
    # the same frames before re-encoding: the palette changes a pixel by about one level of 255 on average
    from matplotlib import animation as mpl_animation

    fig = plt.figure(figsize=(3, 2), layout="constrained")

    def frame(k):
        fig.clear()
        _draw_ramp(fig, [0, 10, 20][k])

    raw_html = mpl_animation.FuncAnimation(fig, frame, frames=3).to_jshtml(default_mode="once")
    plt.close(fig)
    original = _frames(raw_html)
    assert [im.size for im in original] == [im.size for im in lighter]
    assert len(html) < 0.7 * len(raw_html)
    for a, b in zip(original, lighter):
        err = np.abs(np.asarray(a.convert("RGB"), float) - np.asarray(b.convert("RGB"), float))
        assert err.mean() < 2.0, err.mean()


def test_palette_frames_keep_a_frame_that_would_grow():
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("P", (4, 4)).save(buf, format="PNG")  # already tiny: re-encoding cannot make it smaller
    payload = base64.b64encode(buf.getvalue()).decode()
    html = f'  frames[0] = "data:image/png;base64,{payload}"\n'
    assert plot._palette_frames(html) == html


# ---- the map of the book --------------------------------------------------------------------------------------------
def test_book_map_places_every_chapter_and_describes_it():
    from updown.plot import book

    chapters = [(f"{k + 1:02d}_{name}", str(k + 1), f"Title {k + 1}") for k, name in enumerate(book.PLACES)]
    fig = book.book_map(chapters)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for _, number, title in chapters:
        assert f"{number}  {title}" in texts
    alt = book.map_alt(chapters)
    assert all(f"{n} {t}" in alt for _, n, t in chapters) and alt.endswith(".")
    plt.close(fig)
    # a part of the network without a chapter yet shows no chapter list, and its chapters are not in the alt text
    fig = book.book_map(chapters[:1])
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "1  Title 1" in texts and "Title 2" not in texts and "Title 2" not in book.map_alt(chapters[:1])
    plt.close(fig)


def test_book_map_rejects_a_chapter_without_a_place():
    from updown.plot import book

    assert book.place_of("03_bilinear_2d") == book.place_of("11_bilinear_2d") == "interp"
    assert book.place_of("bilinear") is None

    with pytest.raises(ValueError, match=r"chapters: no place on the map for '09_unet'"):
        book.book_map([("09_unet", "9", "U-Net")])


# ---- the notebook comparison of make test (book/_ext/run_notebooks.py) ---------------------------------------------
def _runner():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "book" / "_ext" / "run_notebooks.py"
    spec = importlib.util.spec_from_file_location("run_notebooks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebook_keys_cover_the_library_and_the_results_files(tmp_path):
    """A results file rerun (or its checking script edited) must re-execute the chapters that read it."""
    run = _runner()
    for name in ("src/updown/pkg/mod.py", "notebooks/results/x_fcn.json", "tools/x_fcn.py", "tools/notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("1")
    (tmp_path / "src/updown/pkg/__pycache__").mkdir()
    (tmp_path / "src/updown/pkg/__pycache__/mod.pyc").write_text("1")
    found = {str(p.relative_to(tmp_path)) for p in run.key_files(tmp_path) if tmp_path in p.parents}
    assert found == {"src/updown/pkg/mod.py", "notebooks/results/x_fcn.json", "tools/x_fcn.py",
                     "tests/nbval_sanitize.cfg", "requirements.txt", "pyproject.toml"}
    real = {str(p.relative_to(run.ROOT)) for p in run.key_files() if run.ROOT in p.parents}
    assert {"notebooks/results/decoders.json", "tools/decoders.py", "src/updown/fcn.py"} <= real


def _nb(*cells):
    return {"cells": [{"cell_type": "code", "execution_count": 1, "source": src, "metadata": {"tags": tags},
                       "outputs": outs} for src, tags, outs in cells]}


def _out(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def test_compare_cells_follows_nbval_rules():
    run = _runner()
    patterns = run.sanitize_patterns()
    stored = _nb(("print(x)", [], [_out("error < 1e-6\n")]),
                 ("train()", ["nbval-ignore-output"], [_out("IoU 0.301\n")]),
                 ("obj", [], [{"output_type": "execute_result", "execution_count": 3, "metadata": {},
                               "data": {"text/plain": "<Obj at 0x7f00aa11bb22>", "image/png": "AAAA"}}]))
    same = _nb(("print(x)", [], [_out("error < 1e-6\n")]),
               ("train()", ["nbval-ignore-output"], [_out("IoU 0.278\n")]),  # ignored: trained digits
               ("obj", [], [{"output_type": "execute_result", "execution_count": 9, "metadata": {},
                             "data": {"text/plain": "<Obj at 0x55d0cc99ee11>", "image/png": "BBBB"}}]))
    assert run.compare_cells(stored, same, patterns) == []
    changed = _nb(("print(x)", [], [_out("error < 1e-5\n")]), *[(c["source"], c["metadata"]["tags"], c["outputs"])
                                                              for c in same["cells"][1:]])
    problems = run.compare_cells(stored, changed, patterns)
    assert len(problems) == 1 and "code cell 0" in problems[0] and "error < 1e-5" in problems[0]
    missing = _nb(*[(c["source"], c["metadata"]["tags"], c["outputs"]) for c in same["cells"][:2]],
                  ("obj", [], []))
    assert "output fields differ" in run.compare_cells(stored, missing, patterns)[0]


def test_compare_cells_merges_streams_and_reads_comment_markers():
    run = _runner()
    stored = _nb(("print(1); print(2)", [], [_out("1\n2\n")]),
                 ("# NBVAL_IGNORE_OUTPUT\nprint(t)", [], [_out("0.31 s\n")]))
    fresh = _nb(("print(1); print(2)", [], [_out("1\n"), _out("2\n")]),
                ("# NBVAL_IGNORE_OUTPUT\nprint(t)", [], [_out("0.29 s\n")]))
    assert run.compare_cells(stored, fresh, []) == []
    fresh["cells"][0]["outputs"] = [_out("1\n"), _out("2\n", name="stderr")]
    assert run.compare_cells(stored, fresh, [])


def test_glue_stores_numpy_scalars_as_plain_numbers(monkeypatch):
    """{glue:text}`name:.3f` can format only a plain number: np.float64 would be stored as 'np.float64(...)'."""
    import numpy as np

    from updown import _glue

    stored = {}
    monkeypatch.setattr(_glue, "_myst_glue", lambda name, value, display: stored.update({name: value}))
    _glue.glue("f", np.float64(0.25), display=False)
    _glue.glue("i", np.int64(3), display=False)
    _glue.glue("b", np.bool_(True), display=False)
    _glue.glue("a", np.array([1.0]), display=False)            # arrays are left alone
    assert type(stored["f"]) is float and stored["f"] == 0.25
    assert type(stored["i"]) is int and type(stored["b"]) is bool
    assert isinstance(stored["a"], np.ndarray)
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        _glue.glue("", 1)


def test_grey_png_is_lossless_and_smaller_for_grey_figures():
    import io

    import matplotlib
    import matplotlib.pyplot as plt
    from PIL import Image

    from updown.plot import grey_png

    matplotlib.use("Agg")
    rng = np.random.default_rng(0)
    fig = plt.figure(figsize=(2, 2), dpi=96)
    fig.add_axes((0, 0, 1, 1)).imshow(rng.random((64, 64)), cmap="gray", interpolation="nearest")
    rgba = io.BytesIO()
    fig.savefig(rgba, format="png", bbox_inches="tight")
    data = grey_png(fig)
    img, ref = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(rgba.getvalue())).convert("RGB")
    assert img.mode == "L" and img.size == ref.size
    assert np.array_equal(np.asarray(img), np.asarray(ref)[..., 0])       # nothing lost
    assert len(data) < 0.6 * len(rgba.getvalue())
    fig.axes[0].plot([0, 63], [0, 63], color="red")                     # a colour: kept as RGB
    img = Image.open(io.BytesIO(grey_png(fig)))
    assert img.mode == "RGB"
    plt.close(fig)
