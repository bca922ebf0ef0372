"""updown.interpolation's bicubic, area, lanczos and antialias modes against torch.nn.functional.interpolate:
randomised parity, the teaching cores against the public code, the kernels' properties, every error."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import _parity
from _parity import torch_interpolate
from updown import interpolation as I
from updown.interpolation import interpolate

torch.set_num_threads(1)

# Tolerances, relative to the largest |x| of the case (max(1, max|x|)). float32: coordinates and weights are
# computed in float32 like PyTorch's, but the order of the tap sums, the fused multiply-adds inside the cubic
# polynomial and the normalisation's division are the compiler's and the CPU build's choice. Measured worst cases
# over 3000 random cases (one run per CPU: AVX-512, AVX2, DEFAULT): bicubic 1.8e-6, antialiased
# bicubic 2.1e-6, lanczos 5.6e-7, antialiased bilinear 2.4e-7, area 1.6e-7 (DEFAULT: at most 1.2e-6); 8e-6
# leaves a margin of about 4 and still catches a wrong tap or weight (errors of the order of the data, 1e-2 and
# up). float64: measured at most 5.5e-15, tolerance 1e-12.
TOL = {np.float32: 8e-6, np.float64: 1e-12}


def assert_matches_torch(x, **kw):
    """Within TOL of max(1, max|x|) in absolute terms: cubic weights overshoot, so errors scale with the data."""
    scale = max(1.0, float(np.abs(x).max()))
    return _parity.assert_matches_torch(x, dict(rtol=0, atol=TOL[x.dtype.type] * scale), **kw)


scales = st.one_of(st.integers(1, 4).map(float), st.floats(0.2, 4.0).map(lambda v: round(v, 3)),
                   st.sampled_from([1 / 3, 2 / 3, 0.5, 0.25, 0.125, 1.5, 2.5, 1.3, 0.9999]))


@st.composite
def cases(draw):
    mode = draw(st.sampled_from(["bicubic", "bicubic+aa", "bilinear+aa", "lanczos", "area3", "area4", "area5"]))
    rank = int(mode[-1]) if mode.startswith("area") else 4
    nsp = rank - 2
    biggest = {3: 24, 4: 14, 5: 6}[rank]
    spatial = tuple(draw(st.lists(st.integers(1, biggest), min_size=nsp, max_size=nsp)))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) + spatial
    kw = {"mode": mode.split("+")[0].rstrip("345")}
    if mode.endswith("+aa") or mode == "lanczos":
        kw["antialias"] = True
    if kw["mode"] in ("bicubic", "bilinear"):
        kw["align_corners"] = draw(st.sampled_from([None, False, True]))
    if draw(st.booleans()):
        kw["size"] = tuple(draw(st.lists(st.integers(1, 2 * biggest), min_size=nsp, max_size=nsp)))
        out = kw["size"]
    else:
        factors = draw(st.lists(scales, min_size=nsp, max_size=nsp))
        factors = [max(f, 1.0 / n) for f, n in zip(factors, spatial)]  # keep every output axis non-empty
        out = tuple(int(np.floor(n * f)) for n, f in zip(spatial, factors))
        if min(out) < 1:
            factors = [1.0] * nsp
            out = spatial
        kw["scale_factor"] = tuple(factors)
    # PyTorch 2.13's antialiased CPU kernel returns the first row, repeated, when the output is one column wide
    # and the height changes (test_torch_antialias_one_column_bug); that case is compared separately
    assume_ok = not (kw.get("antialias") and out[-1] == 1 and out[0] != spatial[0])
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return shape, dtype, kw, assume_ok


@given(cases(), st.integers(0, 2**32 - 1))
def test_parity_with_torch(case, seed):
    shape, dtype, kw, ok = case
    if not ok:
        return
    x = np.random.default_rng(seed).uniform(-3, 3, shape).astype(dtype)
    assert_matches_torch(x, **kw)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "lanczos"])
@pytest.mark.parametrize("factor", [1 / 2, 1 / 4, 1 / 8, 0.9999, 1.3, 2.0])
def test_antialias_parity_on_a_photograph_sized_input(mode, factor):
    x = np.random.default_rng(3).uniform(0, 1, (1, 3, 64, 48)).astype(np.float32)
    assert_matches_torch(x, scale_factor=factor, mode=mode, antialias=True)


def test_torch_antialias_one_column_bug():
    """PyTorch 2.13 (CPU) returns the first input row for every output row when an antialiased resize makes the
    output one column wide and changes the height; ours resamples the column, like the one-row case does."""
    x = np.arange(9.0).reshape(1, 1, 9, 1)
    ours = interpolate(x, size=(4, 1), mode="bilinear", antialias=True)
    row = interpolate(x.reshape(1, 1, 1, 9), size=(1, 4), mode="bilinear", antialias=True)
    np.testing.assert_allclose(ours.ravel(), row.ravel(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(row, torch_interpolate(x.reshape(1, 1, 1, 9), size=(1, 4), mode="bilinear",
                                                      antialias=True), atol=1e-12)
    theirs = torch_interpolate(x, size=(4, 1), mode="bilinear", antialias=True)
    if not np.allclose(theirs, ours):  # the bug as measured; the test tells when a later torch fixes it
        np.testing.assert_allclose(theirs.ravel(), np.full(4, theirs.ravel()[0]))


# --- what the chapter measures about PyTorch -------------------------------------------------------------------

def _bicubic_aa_with(a, x, size):
    kernels = dict(I._KERNELS)
    try:
        I._KERNELS["bicubic"] = lambda u: I._cubic_kernel(u, a)
        return interpolate(x, size=size, mode="bicubic", antialias=True)
    finally:
        I._KERNELS.clear()
        I._KERNELS.update(kernels)


@pytest.mark.parametrize("size", [(5, 6), (13, 17)])  # downsampling and enlarging
def test_torch_antialiased_bicubic_uses_a_minus_one_half(size):
    x = np.random.default_rng(5).uniform(0, 1, (1, 1, 9, 11))
    theirs = torch_interpolate(x, size=size, mode="bicubic", antialias=True)
    assert np.abs(_bicubic_aa_with(-0.5, x, size) - theirs).max() < 1e-12
    assert np.abs(_bicubic_aa_with(-0.75, x, size) - theirs).max() > 1e-3


def test_plain_bicubic_uses_a_minus_three_quarters_and_clamps_indices():
    x = np.random.default_rng(6).uniform(0, 1, (1, 1, 6, 7))
    theirs = torch_interpolate(x, size=(13, 15), mode="bicubic", align_corners=False)
    ours = I._cubic_pass_core(I._cubic_pass_core(x, 3, 15), 2, 13)
    np.testing.assert_allclose(ours, theirs, atol=1e-12)
    other = I._cubic_pass_core(I._cubic_pass_core(x, 3, 15, a=-0.5), 2, 13, a=-0.5)
    assert np.abs(other - theirs).max() > 1e-3


def test_antialias_when_enlarging():
    # enlarging, antialias keeps the kernel's width and renormalises the weights at the borders instead of
    # clamping indices: for bilinear that is the same thing, for bicubic (a = -0.5) only inside the image
    x = np.random.default_rng(7).uniform(0, 1, (1, 1, 8, 8))
    aa = interpolate(x, size=(16, 16), mode="bilinear", antialias=True)
    np.testing.assert_allclose(aa, interpolate(x, size=(16, 16), mode="bilinear"), atol=1e-12)
    aa = interpolate(x, size=(16, 16), mode="bicubic", antialias=True)
    clamped = I._cubic_pass_core(I._cubic_pass_core(x, 3, 16, a=-0.5), 2, 16, a=-0.5)
    np.testing.assert_allclose(aa[..., 4:-4, 4:-4], clamped[..., 4:-4, 4:-4], atol=1e-12)
    assert np.abs(aa - clamped).max() > 1e-3


# --- teaching cores against the public code --------------------------------------------------------------------

@given(st.integers(1, 20), st.integers(1, 40), st.sampled_from([False, True]), st.sampled_from([None, 0.7, 2.5]))
def test_cubic_core_agrees_with_public(n_in, n_out, align_corners, factor):
    if factor is not None and (align_corners or int(np.floor(n_in * factor)) != n_out):
        factor = None
    x = np.random.default_rng(n_in * 41 + n_out).uniform(-1, 1, (1, 2, 3, n_in))
    kw = {"scale_factor": (1.0, factor)} if factor else {"size": (3, n_out)}
    ours = interpolate(x, mode="bicubic", align_corners=align_corners, **kw)
    core = I._cubic_pass_core(x, 3, n_out, factor, align_corners)
    np.testing.assert_allclose(core, ours, atol=1e-12)


@given(st.integers(1, 30), st.integers(1, 30), st.sampled_from(["bilinear", "bicubic", "lanczos"]))
def test_antialias_weights_core_agrees_with_public(n_in, n_out, mode):
    x = np.random.default_rng(n_in * 31 + n_out).uniform(-1, 1, (1, 1, 2, n_in))
    ours = interpolate(x, size=(2, n_out), mode=mode, antialias=True)
    w = I._antialias_weights_core(n_in, n_out, I._KERNELS[mode], I.SUPPORT[mode])
    np.testing.assert_allclose(x @ w.T, ours, atol=1e-12)


@given(st.integers(1, 30), st.integers(1, 30))
def test_area_weights_core_agrees_with_public_and_torch(n_in, n_out):
    x = np.random.default_rng(n_in * 37 + n_out).uniform(-1, 1, (2, 1, n_in))
    w = I._area_weights_core(n_in, n_out)
    np.testing.assert_allclose(x @ w.T, interpolate(x, size=n_out, mode="area"), atol=1e-12)
    np.testing.assert_allclose(x @ w.T, F.adaptive_avg_pool1d(torch.from_numpy(x), n_out).numpy(), atol=1e-12)


def test_cubic_kernel_properties():
    u = np.linspace(-3, 3, 6001)
    for a in (-0.5, -0.75, -1.0):
        w = I._cubic_kernel(u, a)
        np.testing.assert_allclose(I._cubic_kernel(np.arange(-3.0, 4.0), a), [0, 0, 0, 1, 0, 0, 0], atol=1e-15)
        assert w[np.abs(u) >= 2].max() == 0
        # the four taps of any fractional position sum to 1 (Keys' kernel reproduces constants)
        t = np.linspace(0, 1, 101)
        taps = sum(I._cubic_kernel(t - k, a) for k in (-1, 0, 1, 2))
        np.testing.assert_allclose(taps, 1.0, atol=1e-14)
        assert w.min() < 0  # the negative lobes that cause overshoot
    # a = -0.5 reproduces quadratics (Keys 1981), a = -0.75 does not
    t = np.linspace(0, 1, 11)
    for a, exact in [(-0.5, True), (-0.75, False)]:
        interpolated = sum(I._cubic_kernel(t - k, a) * k ** 2 for k in (-1, 0, 1, 2))
        assert (np.abs(interpolated - t ** 2).max() < 1e-12) == exact


def test_antialias_weights_rows_sum_to_one_and_widen_with_the_scale():
    for n_in, n_out in [(16, 8), (16, 4), (16, 16), (8, 16), (7, 3)]:
        w = I._antialias_weights_core(n_in, n_out, I._triangle_kernel, 1.0)
        np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-14)
    half = (I._antialias_weights_core(32, 16, I._triangle_kernel, 1.0)[8] > 0).sum()
    quarter = (I._antialias_weights_core(32, 8, I._triangle_kernel, 1.0)[4] > 0).sum()
    assert (half, quarter) == (4, 8)


def test_lanczos_kernel_is_one_at_zero_and_zero_at_the_integers():
    np.testing.assert_allclose(I._lanczos_kernel(np.arange(-4.0, 5.0)), [0, 0, 0, 0, 1, 0, 0, 0, 0], atol=1e-15)


def test_float16_is_computed_in_float32_and_rounded_once():
    x = np.random.default_rng(8).uniform(0, 1, (1, 1, 9, 7)).astype(np.float16)
    for kw in [dict(mode="bicubic", size=(5, 12)), dict(mode="area", size=(4, 3)),
               dict(mode="bilinear", antialias=True, size=(4, 3))]:
        y = interpolate(x, **kw)
        assert y.dtype == np.float16
        np.testing.assert_array_equal(y, interpolate(x.astype(np.float32), **kw).astype(np.float16))


def test_area_with_scale_factor_uses_the_output_size_and_same_size_copies():
    x = np.random.default_rng(9).uniform(0, 1, (1, 1, 10, 6))
    assert_matches_torch(x, scale_factor=0.35, mode="area")
    y = interpolate(x, size=(10, 6), mode="area")
    np.testing.assert_array_equal(y, x)
    assert y is not x


def test_non_contiguous_input():
    x = np.random.default_rng(10).uniform(0, 1, (1, 2, 9, 11)).astype(np.float32)[:, :, ::2, ::-1]
    for kw in [dict(mode="bicubic", size=(7, 9)), dict(mode="area", size=(2, 3)),
               dict(mode="bicubic", antialias=True, size=(2, 3))]:
        assert_matches_torch(x, **kw)


# --- errors ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kw, error, message", [
    (dict(mode="bicubic", size=4, shape=(1, 1, 5)), ValueError, r"mode='bicubic' needs x of shape \(N, C, H, W\)"),
    (dict(mode="lanczos", size=4, antialias=True, shape=(1, 1, 5)), ValueError, r"antialias=True needs mode"),
    (dict(mode="lanczos", size=(4, 4)), ValueError, r"mode='lanczos' needs antialias=True"),
    (dict(mode="lanczos", size=(4, 4), antialias=True, align_corners=True), ValueError,
     r"does not support align_corners=True"),
    (dict(mode="area", size=(4, 4), align_corners=False), ValueError, r"align_corners can only be set"),
    (dict(mode="nearest", size=(4, 4), antialias=True), ValueError, r"antialias=True needs mode 'bilinear'"),
    (dict(mode="area", size=(4, 4), antialias=True), ValueError, r"antialias=True needs mode"),
    (dict(mode="bilinear", size=4, antialias=True, shape=(1, 1, 5, 5, 5)), ValueError, r"antialias=True needs"),
    (dict(mode="bilinear", size=(4, 4), antialias=1), TypeError, r"antialias must be True or False, got 1"),
    (dict(mode="bicubic", size=(4, 4), align_corners="yes"), TypeError, r"align_corners must be True, False"),
    (dict(mode="bicubic", size=(4, 4), dtype=np.uint8), TypeError, r"floating dtype .* got dtype uint8"),
    (dict(mode="area", size=(4, 4), dtype=np.int64), TypeError, r"floating dtype .* got dtype int64"),
    (dict(mode="bicubic"), ValueError, r"give one of size and scale_factor"),
    (dict(mode="bicubic", size=(4, 4), scale_factor=2), ValueError, r"give only one of size and scale_factor"),
    (dict(mode="bicubic", scale_factor=-1.0), ValueError, r"scale_factor must be positive"),
    (dict(mode="area", scale_factor=0.01), ValueError, r"makes an empty output"),
    (dict(mode="bicubic", size=(4, 4, 4)), ValueError, r"size must be an int or a sequence of 2 ints"),
    (dict(mode="bicubc", size=(4, 4)), ValueError, r"mode must be one of .*'bicubic'"),
])
def test_errors(kw, error, message):
    kw = dict(kw)
    shape = kw.pop("shape", (1, 1, 5, 5))
    x = np.ones(shape, dtype=kw.pop("dtype", np.float32))
    with pytest.raises(error, match=message):
        interpolate(x, **kw)


@pytest.mark.parametrize("kw", [
    dict(mode="bicubic", size=4, shape=(1, 1, 5)),
    dict(mode="lanczos", size=(4, 4)),
    dict(mode="lanczos", size=(4, 4), antialias=True, align_corners=True),
    dict(mode="area", size=(4, 4), align_corners=False),
    dict(mode="nearest", size=(4, 4), antialias=True),
    dict(mode="bilinear", size=4, antialias=True, shape=(1, 1, 5, 5, 5)),
])
def test_torch_rejects_the_same_combinations(kw):
    kw = dict(kw)
    shape = kw.pop("shape", (1, 1, 5, 5))
    with pytest.raises((ValueError, NotImplementedError, RuntimeError)):
        F.interpolate(torch.ones(shape), **kw)
