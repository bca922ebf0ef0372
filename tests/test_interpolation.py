"""updown.interpolation against torch.nn.functional.interpolate: randomised parity, edge cases, every error."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import _parity
from _parity import torch_interpolate
from updown.interpolation import MODES, interpolate, linear_neighbours, linear_pass, source_coordinates

torch.set_num_threads(1)

LINEAR_FOR_RANK = {3: "linear", 4: "bilinear", 5: "trilinear"}
# float32: coordinates and weights are computed as PyTorch does; what is left is the order of the final sums
TOL = {np.float32: dict(rtol=2e-6, atol=2e-6), np.float64: dict(rtol=1e-12, atol=1e-12)}


def assert_matches_torch(x, **kw):
    return _parity.assert_matches_torch(x, TOL.get(x.dtype.type, {}), **kw)


scales = st.one_of(st.integers(1, 4).map(float), st.floats(0.25, 4.0).map(lambda v: round(v, 3)),
                   st.sampled_from([1 / 3, 2 / 3, 0.5, 1.5, 2.5, 7 / 3, 1.1, 0.9]))


@st.composite
def cases(draw):
    rank = draw(st.sampled_from([3, 4, 5]))
    nsp = rank - 2
    biggest = 8 if rank < 5 else 5
    spatial = tuple(draw(st.lists(st.integers(1, biggest), min_size=nsp, max_size=nsp)))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3))) + spatial
    mode = draw(st.sampled_from(["nearest", "nearest-exact", LINEAR_FOR_RANK[rank]]))
    kw = {"mode": mode}
    if mode in LINEAR_FOR_RANK.values():
        kw["align_corners"] = draw(st.sampled_from([None, False, True]))
    if draw(st.booleans()):
        per_axis = draw(st.booleans())
        sizes = draw(st.lists(st.integers(1, 2 * biggest), min_size=nsp, max_size=nsp))
        kw["size"] = tuple(sizes) if per_axis or nsp == 1 else sizes[0]
    else:
        per_axis = draw(st.booleans())
        factors = draw(st.lists(scales, min_size=nsp, max_size=nsp))
        # keep every output axis non-empty
        factors = [f if int(s * f) >= 1 else 1.0 / s + 0.01 for f, s in zip(factors, spatial)]
        kw["scale_factor"] = tuple(factors) if per_axis else factors[0]
        if not per_axis and any(int(s * factors[0]) < 1 for s in spatial):
            kw["scale_factor"] = max(1.0 / s + 0.01 for s in spatial)
        kw["recompute_scale_factor"] = draw(st.sampled_from([None, False, True]))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2**16))
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return x, kw


@given(cases())
def test_parity_with_torch(case):
    x, kw = case
    assert_matches_torch(x, **kw)


@given(st.integers(1, 40), st.integers(1, 40), st.sampled_from([None, 0.3, 0.5, 1.3, 2.0, 2.5, 1 / 3, 3.0]),
       st.sampled_from(["nearest", "nearest-exact", "linear-half", "linear-corners"]))
def test_source_coordinates_reproduce_torch_1d(in_size, out_size, factor, which):
    """The coordinate table alone: interpolating the ramp 0, 1, 2, ... returns the source coordinates."""
    mode = which.split("-half")[0].split("-corners")[0]
    corners = which.endswith("corners")
    if factor is not None and not corners:
        out_size = int(in_size * factor)
        if out_size < 1:
            return
    ramp = np.arange(in_size, dtype=np.float64)[None, None]
    kw = dict(size=out_size) if factor is None or corners else dict(scale_factor=factor)
    if mode == "linear":
        kw["align_corners"] = corners
    expected = torch_interpolate(ramp, mode=mode, **kw)[0, 0]
    u = source_coordinates(out_size, in_size, None if corners else factor, mode, corners, np.float64)
    if mode == "linear":  # past the last centre the edge is clamped
        u = np.minimum(u, in_size - 1)
        np.testing.assert_allclose(u, expected, rtol=1e-13, atol=1e-13)
    else:
        assert u.dtype == np.int64
        np.testing.assert_array_equal(u, expected)


def test_half_pixel_two_times_upsampling_weights():
    u = source_coordinates(8, 4, None, "linear", False, np.float64)
    np.testing.assert_array_equal(u, [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25])
    i0, i1, w0, w1 = linear_neighbours(u, 4)
    np.testing.assert_array_equal(i0, [0, 0, 0, 1, 1, 2, 2, 3])
    np.testing.assert_array_equal(i1, [1, 1, 1, 2, 2, 3, 3, 3])
    np.testing.assert_array_equal(w1[1:-1], [0.25, 0.75, 0.25, 0.75, 0.25, 0.75])
    np.testing.assert_array_equal(w0 + w1, np.ones(8))


def test_corner_coordinates_hit_both_ends():
    u = source_coordinates(7, 4, None, "linear", True, np.float64)
    np.testing.assert_allclose(u, np.linspace(0, 3, 7))
    assert source_coordinates(1, 5, None, "linear", True).tolist() == [0.0]


def test_given_scale_factor_is_used_not_the_size_ratio():
    # 5 * 1.7 = 8.5 -> 8 outputs; PyTorch maps with 1/1.7, not 5/8, unless asked to recompute
    given = source_coordinates(8, 5, 1.7, "linear", False, np.float64)
    ratio = source_coordinates(8, 5, None, "linear", False, np.float64)
    assert not np.allclose(given, ratio)
    x = np.random.default_rng(1).standard_normal((1, 1, 5))
    a = assert_matches_torch(x, scale_factor=1.7, mode="linear")
    b = assert_matches_torch(x, scale_factor=1.7, mode="linear", recompute_scale_factor=True)
    np.testing.assert_allclose(b, assert_matches_torch(x, size=8, mode="linear"))
    assert not np.allclose(a, b)


def test_same_size_copies_even_with_a_scale_factor():
    x = np.random.default_rng(2).standard_normal((1, 2, 5, 6)).astype(np.float32)
    y = assert_matches_torch(x, scale_factor=1.1, mode="bilinear")  # floor(5.5)=5, floor(6.6)=6
    np.testing.assert_array_equal(y, x)
    # PyTorch's 2D nearest kernel copies too; in 1D nearest has no such rule and maps with 1/1.1
    np.testing.assert_array_equal(assert_matches_torch(x, scale_factor=1.1, mode="nearest"), x)
    signal = x[:, :, 0]
    assert not np.array_equal(assert_matches_torch(signal, scale_factor=1.1, mode="nearest"), signal)


@pytest.mark.parametrize("mode,shape", [("linear", (2, 3, 1)), ("bilinear", (1, 2, 1, 1)),
                                        ("bilinear", (1, 1, 1, 5)), ("trilinear", (1, 1, 1, 3, 1)),
                                        ("nearest", (1, 1, 1, 1)), ("nearest-exact", (1, 1, 1))])
@pytest.mark.parametrize("align_corners", [None, True])
def test_size_one_input_axes(mode, shape, align_corners):
    if mode.startswith("nearest") and align_corners:
        return
    x = np.random.default_rng(3).standard_normal(shape)
    kw = {} if mode.startswith("nearest") else {"align_corners": align_corners}
    assert_matches_torch(x, size=(4,) * (len(shape) - 2), mode=mode, **kw)
    assert_matches_torch(x, scale_factor=3, mode=mode, **kw)


@pytest.mark.parametrize("align_corners", [None, False, True])
def test_size_one_output_axes(align_corners):
    x = np.random.default_rng(4).standard_normal((1, 2, 6, 5))
    assert_matches_torch(x, size=(1, 3), mode="bilinear", align_corners=align_corners)
    assert_matches_torch(x, size=1, mode="bilinear", align_corners=align_corners)
    assert_matches_torch(x, scale_factor=0.2, mode="bilinear", align_corners=align_corners)


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
def test_nearest_downscaling_and_non_integer_scales(mode):
    x = np.random.default_rng(5).standard_normal((2, 3, 17, 23))
    for kw in (dict(size=(5, 7)), dict(scale_factor=0.37), dict(scale_factor=(2.7, 0.55)),
               dict(scale_factor=1 / 3, recompute_scale_factor=True)):
        assert_matches_torch(x, mode=mode, **kw)


def test_nearest_works_on_integer_and_bool_arrays():
    x = np.random.default_rng(6).integers(0, 255, (1, 3, 5, 7)).astype(np.uint8)
    for mode in ("nearest", "nearest-exact"):
        assert_matches_torch(x, scale_factor=(1.7, 0.6), mode=mode)
        mask = interpolate(x > 100, size=(9, 3), mode=mode)
        assert mask.dtype == np.bool_
        np.testing.assert_array_equal(mask, interpolate(x, size=(9, 3), mode=mode) > 100)


def test_float16_is_computed_in_float32_and_rounded_once():
    x = np.random.default_rng(7).standard_normal((1, 2, 5, 7)).astype(np.float16)
    ours = interpolate(x, scale_factor=1.7, mode="bilinear")
    theirs = torch_interpolate(x, scale_factor=1.7, mode="bilinear")
    assert ours.dtype == np.float16
    np.testing.assert_allclose(ours.astype(np.float32), theirs.astype(np.float32), rtol=1e-3, atol=1e-3)


def test_non_contiguous_input_and_output_is_new():
    base = np.random.default_rng(8).standard_normal((1, 2, 9, 6)).astype(np.float32)
    x = base.transpose(0, 1, 3, 2)[..., ::2]  # a strided view
    assert not x.flags.c_contiguous
    y = assert_matches_torch(x, size=(7, 8), mode="bilinear", align_corners=True)
    assert not np.shares_memory(y, base)
    same = interpolate(base, size=(9, 6), mode="bilinear")
    assert not np.shares_memory(same, base)
    np.testing.assert_array_equal(same, base)


def test_bilinear_is_two_linear_passes_in_either_order():
    x = np.random.default_rng(9).standard_normal((2, 3, 6, 5))
    for kw in (dict(align_corners=False), dict(align_corners=True), dict(scale_factor=None)):
        ac = kw.get("align_corners", False)
        w_first = linear_pass(linear_pass(x, 3, 9, align_corners=ac), 2, 11, align_corners=ac)
        h_first = linear_pass(linear_pass(x, 2, 11, align_corners=ac), 3, 9, align_corners=ac)
        np.testing.assert_allclose(w_first, h_first, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(w_first, interpolate(x, size=(11, 9), mode="bilinear", align_corners=ac))


def test_trilinear_is_three_passes():
    x = np.random.default_rng(10).standard_normal((1, 2, 4, 5, 3))
    y = x
    for axis, n in ((4, 6), (3, 7), (2, 8)):
        y = linear_pass(y, axis, n)
    np.testing.assert_array_equal(y, interpolate(x, size=(8, 7, 6), mode="trilinear"))
    assert_matches_torch(x, size=(8, 7, 6), mode="trilinear")


def test_linear_pass_negative_axis_and_any_rank():
    x = np.random.default_rng(11).standard_normal((4, 3))
    np.testing.assert_array_equal(linear_pass(x, -1, 7), linear_pass(x, 1, 7))
    np.testing.assert_allclose(linear_pass(x, 0, 9)[None], interpolate(x.T[None], size=9, mode="linear")
                               .transpose(0, 2, 1), rtol=1e-12)


def test_interpolation_reproduces_constants_and_ramps():
    const = np.full((1, 1, 4, 5), 2.5)
    for ac in (False, True):
        np.testing.assert_allclose(interpolate(const, size=(9, 13), mode="bilinear", align_corners=ac), 2.5)
    ramp = np.arange(6, dtype=np.float64)[None, None]
    y = interpolate(ramp, size=11, mode="linear", align_corners=True)
    np.testing.assert_allclose(y[0, 0], np.linspace(0, 5, 11), atol=1e-12)


def test_modes_constant():
    assert MODES == ("nearest", "nearest-exact", "linear", "bilinear", "trilinear")


# ---------------------------------------------------------------------------------------------------------------
# errors: every message names the argument and the value
# ---------------------------------------------------------------------------------------------------------------
X3 = np.zeros((1, 1, 4))
X4 = np.zeros((1, 1, 4, 4))


@pytest.mark.parametrize("call,exc,match", [
    (lambda: interpolate([[[1.0, 2.0]]], size=3), TypeError, r"x must be a numpy.ndarray, got list"),
    (lambda: interpolate(torch.zeros(1, 1, 4), size=3), TypeError, r"x must be a numpy.ndarray, got Tensor"),
    (lambda: interpolate(np.array([["a"]]), size=3), TypeError, r"x must have a numeric dtype"),
    (lambda: interpolate(X4, size=3, scale_factor=2), ValueError, r"only one of size and scale_factor.*size=3"),
    (lambda: interpolate(X4), ValueError, r"give one of size and scale_factor, got size=None"),
    (lambda: interpolate(X4, size=3, mode="bicubc"), ValueError, r"mode must be one of 'nearest'.*got 'bicubc'"),
    (lambda: interpolate(X4, size=3, mode=None), ValueError, r"mode must be one of .*got None"),
    (lambda: interpolate(X3, size=3, mode="bilinear"), ValueError,
     r"mode='bilinear' needs x of shape \(N, C, H, W\).*got shape \(1, 1, 4\); use mode='linear'"),
    (lambda: interpolate(X4, size=3, mode="linear"), ValueError, r"mode='linear' needs x of shape \(N, C, L\)"),
    (lambda: interpolate(X4, size=3, mode="trilinear"), ValueError, r"mode='trilinear' needs x .*use mode='bilinear'"),
    (lambda: interpolate(np.zeros((4, 4)), size=3), ValueError, r"x must have shape .*got shape \(4, 4\)"),
    (lambda: interpolate(np.zeros((1, 1, 1, 1, 1, 1)), size=3), ValueError, r"got shape \(1, 1, 1, 1, 1, 1\)"),
    (lambda: interpolate(np.zeros((1, 0, 4)), size=3), ValueError, r"x must not be empty, got shape \(1, 0, 4\)"),
    (lambda: interpolate(X4, size=0), ValueError, r"size must be positive, got 0"),
    (lambda: interpolate(X4, size=(3, -1)), ValueError, r"size must be positive, got \(3, -1\)"),
    (lambda: interpolate(X4, size=(3, 3, 3)), ValueError, r"size must be an int or a sequence of 2 ints, got \(3, 3, 3\)"),
    (lambda: interpolate(X4, size=2.5), TypeError, r"size must be an int or a sequence of 2 ints, got 2.5"),
    (lambda: interpolate(X4, size=True), TypeError, r"size must be an int .*got True"),
    (lambda: interpolate(X4, scale_factor=0), ValueError, r"scale_factor must be positive, got 0"),
    (lambda: interpolate(X4, scale_factor=-2.0), ValueError, r"scale_factor must be positive, got -2.0"),
    (lambda: interpolate(X4, scale_factor=float("nan")), ValueError, r"scale_factor must be finite, got nan"),
    (lambda: interpolate(X4, scale_factor=(2.0,)), ValueError, r"scale_factor must be a number or a sequence of 2"),
    (lambda: interpolate(X4, scale_factor="2"), TypeError, r"scale_factor must be a number .*got '2'"),
    (lambda: interpolate(X4, scale_factor=0.1), ValueError,
     r"scale_factor=0.1 makes an empty output from spatial size \(4, 4\)"),
    (lambda: interpolate(X4, size=3, mode="nearest", align_corners=True), ValueError,
     r"align_corners can only be set with mode 'linear'.*align_corners=True with mode='nearest'"),
    (lambda: interpolate(X4, size=3, mode="nearest-exact", align_corners=False), ValueError,
     r"align_corners=False with mode='nearest-exact'"),
    (lambda: interpolate(X4, size=3, mode="bilinear", align_corners=1), TypeError,
     r"align_corners must be True, False or None, got 1"),
    (lambda: interpolate(X4.astype(np.int64), size=3, mode="bilinear"), TypeError,
     r"x must have a floating dtype .*got dtype int64"),
    (lambda: interpolate(X4, size=3, recompute_scale_factor=True), ValueError,
     r"recompute_scale_factor=True needs scale_factor, not size; got size=3"),
    (lambda: interpolate(X4, scale_factor=2, recompute_scale_factor="yes"), TypeError,
     r"recompute_scale_factor must be True, False or None, got 'yes'"),
    (lambda: source_coordinates(0, 4), ValueError, r"out_size must be positive, got 0"),
    (lambda: source_coordinates(4, 0), ValueError, r"in_size must be positive, got 0"),
    (lambda: source_coordinates(4, 4, -1.0), ValueError, r"scale_factor must be positive, got -1.0"),
    (lambda: source_coordinates(4, 4, mode="cubic"), ValueError, r"mode must be one of .*got 'cubic'"),
    (lambda: source_coordinates(4, 4, mode="nearest", align_corners=True), ValueError,
     r"align_corners=True is only defined for the linear modes, got mode='nearest'"),
    (lambda: source_coordinates(4, 4, dtype=np.int32), TypeError, r"dtype must be float32 or float64, got int32"),
    (lambda: linear_neighbours(np.arange(3), 4), TypeError, r"coordinates must have a floating dtype"),
    (lambda: linear_pass(np.zeros((2, 3)), 2, 4), ValueError, r"axis must be an int in \[-2, 1\] .*got 2"),
    (lambda: linear_pass(np.zeros((2, 3)), 1, 0), ValueError, r"out_size must be positive, got 0"),
    (lambda: linear_pass(np.zeros((2, 3), dtype=int), 1, 4), TypeError, r"x must have a floating dtype"),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_torch_rejects_what_we_reject():
    """The same bad calls fail in PyTorch (so our errors are not stricter than the API we mirror)."""
    t = torch.zeros(1, 1, 4, 4)
    for kw in (dict(size=3, scale_factor=2), dict(), dict(size=3, mode="nearest", align_corners=True),
               dict(size=3, mode="linear"), dict(scale_factor=0.1)):
        with pytest.raises((ValueError, RuntimeError, NotImplementedError)):
            F.interpolate(t, **kw)


@pytest.mark.parametrize("block", [1, 7, 64])
def test_blocking_does_not_change_results(monkeypatch, block):
    """_mix works block by block; tiny blocks exercise every branch on small inputs, equal bit for bit."""
    import updown.interpolation as mod

    rng = np.random.default_rng(12)
    inputs = [(rng.standard_normal((2, 3, 5, 7)).astype(np.float32), dict(size=(9, 4), mode="bilinear")),
              (rng.standard_normal((1, 2, 3, 4, 5)), dict(scale_factor=(1.5, 0.5, 2.2), mode="trilinear")),
              (rng.standard_normal((2, 2, 6)), dict(size=13, mode="linear", align_corners=True))]
    expected = [interpolate(x, **kw) for x, kw in inputs]
    monkeypatch.setattr(mod, "_BLOCK", block)
    for (x, kw), want in zip(inputs, expected):
        np.testing.assert_array_equal(interpolate(x, **kw), want)


def test_large_inputs_match_torch():
    rng = np.random.default_rng(13)
    assert_matches_torch(rng.standard_normal((1, 2, 300, 280)).astype(np.float32), size=(301, 257),
                         mode="bilinear", align_corners=False)
    assert_matches_torch(rng.standard_normal((1, 1, 3, 260, 270)).astype(np.float32), size=(5, 261, 270),
                         mode="trilinear", align_corners=True)
    assert_matches_torch(rng.standard_normal((1, 3, 200, 300)).astype(np.float32), scale_factor=1.7,
                         mode="nearest")


def test_pytorch_rounds_half_pixel_coordinates_per_cpu(monkeypatch):
    """The large bilinear case matches PyTorch with this CPU's rounding of the coordinates and misses it with the
    other one: PyTorch's own output depends on the instruction set its kernel was compiled for."""
    from updown import interpolation as mod

    x = np.random.default_rng(13).standard_normal((1, 2, 300, 280)).astype(np.float32)
    kw = dict(size=(301, 257), mode="bilinear", align_corners=False)
    theirs = torch_interpolate(x, **kw)
    fused = torch.backends.cpu.get_cpu_capability() != "DEFAULT"
    gaps = {}
    for setting in (True, False):
        monkeypatch.setattr(mod, "FUSED_MULTIPLY_ADD", setting)
        gaps[setting] = float(np.abs(interpolate(x, **kw) - theirs).max())
    assert gaps[fused] < 2e-6, gaps
    assert gaps[not fused] > 1e-5, gaps  # one float32 step of the coordinate, times a neighbour difference
    # the two roundings differ by at most one float32 step of the coordinate (2**-15 near 280)
    monkeypatch.setattr(mod, "FUSED_MULTIPLY_ADD", True)
    one = source_coordinates(257, 280, mode="linear")
    monkeypatch.setattr(mod, "FUSED_MULTIPLY_ADD", False)
    two = source_coordinates(257, 280, mode="linear")
    step = np.spacing(np.float32(280))
    assert 0 < np.abs(one - two).max() <= step


# ---- the teaching cores (the chapters' equations, float64) against the public functions ----

from updown.interpolation import _interpolate_core, _linear_pass_core, _source_coordinates_core  # noqa: E402

FACTORS = [None, 0.3, 0.5, 1 / 3, 2 / 3, 0.9, 1.1, 1.3, 1.5, 2.0, 2.5, 7 / 3, 3.0]


def _out_size(in_size, out_size, factor):
    return out_size if factor is None else int(in_size * factor)


@given(st.integers(1, 40), st.integers(1, 40), st.sampled_from(FACTORS), st.booleans())
def test_source_coordinates_core_is_the_public_float64_mapping(in_size, out_size, factor, align):
    out_size = _out_size(in_size, out_size, factor)
    if out_size < 1 or (factor is not None and out_size == in_size):  # PyTorch's copy: a shell rule
        return
    for mode in ("linear", "bilinear", "trilinear"):
        core = _source_coordinates_core(out_size, in_size, factor, mode, align)
        public = source_coordinates(out_size, in_size, factor, mode, align, np.float64)
        np.testing.assert_array_equal(core, public)
        # float32: the same equation in PyTorch's float32 arithmetic, equal to float32 rounding
        single = source_coordinates(out_size, in_size, factor, mode, align, np.float32)
        np.testing.assert_allclose(single, core, rtol=0, atol=4e-7 * max(in_size, 1))


@given(st.integers(1, 40), st.integers(1, 80), st.sampled_from(FACTORS),
       st.sampled_from(["nearest", "nearest-exact"]), st.sampled_from([np.float32, np.float64]))
def test_nearest_core_differs_from_public_only_at_exact_integers(in_size, out_size, factor, mode, dtype):
    """The core floors the float64 product; PyTorch floors a float32 one. They can disagree, by one, only
    where the product is (within float32 rounding) an integer, e.g. 14 -> 23 samples at output 11."""
    out_size = _out_size(in_size, out_size, factor)
    if out_size < 1:
        return
    core = _source_coordinates_core(out_size, in_size, factor, mode)
    public = source_coordinates(out_size, in_size, factor, mode, False, dtype)
    assert core.shape == public.shape
    scale = 1 / factor if factor else in_size / out_size
    product = (np.arange(out_size) + (0.5 if mode == "nearest-exact" else 0.0)) * scale
    near_integer = np.abs(product - np.round(product)) < 1e-5 * max(1.0, float(product.max()))
    differ = core != public
    assert not np.any(differ & ~near_integer)
    assert np.all(np.abs(core - public) <= 1)


def test_nearest_core_is_exact_where_torch_rounds_down():
    # 14 -> 23 samples: output 11 reads (11 + 1/2) * 14/23 = 7 exactly; PyTorch's float32 arithmetic gives 6
    assert _source_coordinates_core(23, 14, None, "nearest-exact")[11] == 7
    assert source_coordinates(23, 14, None, "nearest-exact")[11] == 6
    ramp = np.arange(14, dtype=np.float32)[None, None]
    assert torch_interpolate(ramp, size=23, mode="nearest-exact")[0, 0, 11] == 6
    # 26 -> 22 samples: output 11 reads 11 * 26/22 = 13 exactly; PyTorch gives 12
    assert _source_coordinates_core(22, 26, None, "nearest")[11] == 13
    assert torch_interpolate(np.arange(26, dtype=np.float32)[None, None], size=22, mode="nearest")[0, 0, 11] == 12


def test_source_coordinates_core_on_the_chapters_examples():
    np.testing.assert_array_equal(_source_coordinates_core(8, 4), [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25])
    np.testing.assert_allclose(_source_coordinates_core(7, 4, align_corners=True), np.arange(7) / 2)
    assert _source_coordinates_core(1, 5, align_corners=True).tolist() == [0.0]
    np.testing.assert_array_equal(_source_coordinates_core(7, 3, None, "nearest"), [0, 0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(_source_coordinates_core(7, 3, None, "nearest-exact"), [0, 0, 1, 1, 1, 2, 2])
    # a given scale factor, not the size ratio: 5 * 1.7 -> 8 outputs mapped with 1/1.7
    np.testing.assert_allclose(_source_coordinates_core(8, 5, 1.7), np.maximum((np.arange(8) + 0.5) / 1.7 - 0.5, 0))


@given(st.integers(1, 9), st.integers(1, 19), st.sampled_from(FACTORS), st.booleans(),
       st.sampled_from([np.float32, np.float64]), st.integers(0, 2), st.integers(0, 2**16))
def test_linear_pass_core_agrees_with_public(n, size, factor, align, dtype, axis, seed):
    size = _out_size(n, size, factor)
    if size < 1 or (factor is not None and size == n and not align):  # PyTorch's copy: a shell rule
        return
    shape = [2, 3, 4]
    shape[axis] = n
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    before = x.copy()
    core = _linear_pass_core(x, axis, size, factor, align)
    public = linear_pass(x, axis, size, factor, align)
    np.testing.assert_array_equal(x, before)
    assert core.shape == public.shape
    tol = 1e-12 if dtype == np.float64 else 2e-6
    np.testing.assert_allclose(core, public, rtol=tol, atol=tol)


@given(cases())
def test_interpolate_core_agrees_with_public(case):
    x, kw = case
    mode, align = kw["mode"], bool(kw.get("align_corners"))
    out = interpolate(x, **kw)
    sizes = out.shape[2:]
    factors = kw.get("scale_factor")
    if factors is not None and not kw.get("recompute_scale_factor"):
        factors = float_tuple_like(factors, len(sizes))
        if any(o == i for o, i in zip(sizes, x.shape[2:])) or (mode == "nearest" and x.ndim == 4):
            return  # PyTorch's copy and doubling shortcuts: shell rules the core does not teach
    else:
        factors = None
    if mode.startswith("nearest"):
        tables = [(_source_coordinates_core(o, i, None if factors is None else factors[k], mode),
                   source_coordinates(o, i, None if factors is None else factors[k], mode, False,
                                      np.float32 if x.ndim == 4 else x.dtype))
                  for k, (o, i) in enumerate(zip(sizes, x.shape[2:]))]
        if any(not np.array_equal(a, b) for a, b in tables):
            return  # PyTorch's float32 floor at an exact integer (the test above)
    core = _interpolate_core(x, sizes, factors, mode, align)
    tol = 1e-12 if x.dtype == np.float64 else 2e-6
    np.testing.assert_allclose(core, out, rtol=tol, atol=tol, err_msg=str(kw))


def float_tuple_like(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (float(value),) * n


def test_interpolate_core_on_a_constant_image_and_an_impulse():
    ones = np.ones((1, 1, 4, 4))
    np.testing.assert_array_equal(_interpolate_core(ones, (8, 8)), np.ones((1, 1, 8, 8)))
    impulse = np.zeros((1, 1, 4, 4))
    impulse[0, 0, 1, 1] = 1
    w = _interpolate_core(impulse, (8, 8))[0, 0]
    assert w[3, 3] == 9 / 16 and w[2, 2] == 9 / 16 and w[1, 1] == 1 / 16 and w[1, 2] == 3 / 16
    assert sorted({float(v) for v in w[1:-1, 1:-1].ravel() if v > 0}) == [1 / 16, 3 / 16, 9 / 16]
