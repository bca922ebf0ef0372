"""Tests of updown.crosslib: the cross-library matrix of the conventions chapter."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

pytest.importorskip("cv2")
pytest.importorskip("skimage")
pytest.importorskip("onnx")

from updown import crosslib as cl  # noqa: E402


@pytest.fixture(scope="module")
def image():
    x = np.random.default_rng(7).random((32, 32))
    return (x - x.min()) / (x.max() - x.min())


def entry(name):
    return next(e for e in cl.entries() if e.name == name)


def test_entries_cover_every_library_with_unique_names():
    rows = cl.entries()
    names = [e.name for e in rows]
    assert len(names) == len(set(names))
    assert {e.library for e in rows} == {"PyTorch", "Pillow", "OpenCV", "skimage", "ONNX"}
    assert all(e.family is None or e.family in cl.FAMILIES for e in rows)
    assert all(e.by in ("scale", "float32 scale", "size") for e in rows)


@pytest.mark.parametrize("family", ["nearest", "nearest-exact", "bilinear", "bilinear, corners"])
@pytest.mark.parametrize("scale", [2.0, 0.5, 0.125, 1.3, 0.75])
def test_book_resize_matches_pytorch_by_scale_and_by_size(image, family, scale):
    kw = cl.FAMILIES[family]
    t = torch.from_numpy(image)[None, None]
    theirs = F.interpolate(t, scale_factor=scale, **kw)[0, 0].numpy()
    ours = cl.book_resize(image, theirs.shape, scale, family)
    by_size = F.interpolate(t, size=(40, 24), **kw)[0, 0].numpy()
    ours_size = cl.book_resize(image, (40, 24), None, family)
    if family.startswith("nearest"):   # PyTorch floors in float32: compare away from ties
        assert np.mean(ours == theirs) > 0.9 and np.mean(ours_size == by_size) > 0.9
    else:
        assert np.abs(ours - theirs).max() < 1e-12 and np.abs(ours_size - by_size).max() < 1e-12


def test_book_resize_none_without_a_book_mode(image):
    assert cl.book_resize(image, (64, 64), 2.0, None) is None
    assert not cl.book_available(None)


def test_book_resize_does_not_modify_its_input(image):
    before = image.copy()
    cl.book_resize(image, (41, 41), 1.3, "bilinear")
    assert np.array_equal(image, before)


def test_output_size_floor_versus_round(image):
    """32 x 0.9999: PyTorch and ONNX floor to 31, OpenCV, Pillow and scikit-image round to 32."""
    shapes = {(e.library, e.resize(image, 0.9999).shape) for e in cl.entries()}
    assert shapes == {("PyTorch", (31, 31)), ("ONNX", (31, 31)), ("OpenCV", (32, 32)), ("Pillow", (32, 32)),
                      ("skimage", (32, 32))}


def test_measure_agrees_where_conventions_match(image):
    rows = [entry("PyTorch bilinear"), entry("OpenCV LINEAR"), entry("skimage order=1, anti_aliasing")]
    table = cl.measure(image, rows)
    assert all(cl.agrees(table["PyTorch bilinear", s]) for s in cl.SCALES)
    assert all(cl.agrees(table["OpenCV LINEAR", s]) for s in cl.SCALES)
    # the Gaussian prefilter is not PyTorch's widened tent: it disagrees when shrinking
    assert not cl.agrees(table["skimage order=1, anti_aliasing", 0.5])
    assert table["OpenCV LINEAR", 1.3].shape == (42, 42)


def test_tie_indices():
    assert cl.tie_indices(8, 4, 0.5, "nearest-exact") == {0, 1, 2, 3}      # (i + 1/2) * 2 = 2i + 1
    assert cl.tie_indices(32, 41, 1.3, "nearest-exact") == {6, 19, 32}    # (i + 1/2) / 1.3 = 5, 15, 25
    assert cl.tie_indices(32, 41, 1.3, "nearest") == {13, 26, 39}         # i / 1.3 = 10, 20, 30; not 0
    assert cl.tie_indices(4, 8, None, "nearest-exact") == set()            # (i + 1/2) / 2 never an integer


def test_cell_prints_stable_verdicts():
    m = cl.Measurement
    assert cl.cell(m((4, 4), None)) == "-"
    assert cl.cell(m((4, 4), math.inf)) == "shape"
    assert cl.cell(m((4, 4), 1e-9)) == "="
    assert cl.cell(m((4, 4), 0.5, True)) == "tie"
    assert cl.cell(m((4, 4), 0.0612)) == "0.06"
    assert cl.cell(m((4, 4), 0.002)) == "<.01"
    with pytest.raises(ValueError, match="too close to the tolerance"):
        cl.cell(m((4, 4), 1.005e-6))
    with pytest.raises(ValueError, match="rounding boundary"):
        cl.cell(m((4, 4), 0.015000001))
    assert cl.agrees(m((4, 4), 5e-7)) and not cl.agrees(m((4, 4), 2e-6)) and cl.agrees(m((4, 4), None)) is None


def test_onnx_resize_arguments():
    x = np.arange(12.0).reshape(3, 4)
    with pytest.raises(ValueError, match="exactly one of scales and sizes"):
        cl.onnx_resize(x, mode="linear")
    with pytest.raises(ValueError, match="exactly one of scales and sizes"):
        cl.onnx_resize(x, scales=(2, 2), sizes=(6, 8), mode="linear")
    with pytest.raises(TypeError, match="float32 or float64, got int64"):
        cl.onnx_resize(np.arange(12).reshape(3, 4), scales=(2, 2))
    assert cl.onnx_resize(x, sizes=(6, 8), mode="linear").shape == (6, 8)


def test_onnx_reference_reads_the_wrong_neighbour_7_to_17():
    """onnx's reference Resize pads before choosing neighbours: at x_src = 3 + 4e-16 it reads pixel 2."""
    ramp = np.tile(np.arange(7.0, dtype=np.float32)[:, None], (1, 3))
    onnx_rows = cl.onnx_resize(ramp, sizes=(17, 3), mode="linear")[:, 0]
    torch_rows = F.interpolate(torch.from_numpy(ramp)[None, None], size=(17, 3), mode="bilinear")[0, 0, :, 0]
    wrong = np.flatnonzero(np.abs(onnx_rows - torch_rows.numpy()) > 1e-5).tolist()
    assert wrong == [8] and onnx_rows[8] == 2.0 and torch_rows[8] == 3.0


def test_reproduce_finds_the_call_and_the_scales_it_misses(image):
    torch_calls = cl.torch_candidates()
    assert cl.reproduce(image, entry("PyTorch bilinear"), torch_calls) == (
        'scale_factor=s, mode="bilinear"', ())
    description, missed = cl.reproduce(image, entry("OpenCV LINEAR"), torch_calls)
    assert description.startswith("size=out") and missed == (1.3,)       # fx=1.3: 42 pixels, scale 1.3
    assert cl.reproduce(image, entry("OpenCV LANCZOS4"), torch_calls)[0] == "none"


@pytest.mark.parametrize("mode", ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                  "half_pixel_symmetric"])
@pytest.mark.parametrize("n_in, n_out", [(4, 8), (8, 3), (5, 7), (6, 1)])
def test_coordinate_formulas_match_onnx(mode, n_in, n_out):
    formula = cl.coordinate_formulas()[mode]
    i = np.arange(n_out, dtype=np.float64)
    expected = np.clip(formula(i, n_in, n_out, n_out / n_in), 0, n_in - 1)
    assert np.allclose(cl.onnx_coordinates(mode, n_in, n_out), expected, atol=1e-6)
