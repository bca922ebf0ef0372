"""Facts that chapters 4 ("Trilinear, 3D") and 5 ("Where are the pixels?") state, checked on the library.

Each test names the claim of the chapter it guards; the figure helpers of ``updown.plot.conventions`` are checked too.
"""
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st
from PIL import Image

from updown.interpolation import (_linear_pass_core, _source_coordinates_core, interpolate,
                                  linear_neighbours, linear_pass, source_coordinates)
from updown.plot import conventions as figs
from updown.exercises.trilinear import _exact_slices
from updown.exercises.conventions import _common

sizes = st.integers(min_value=1, max_value=40)


# ---- chapter 5: the mapping formulas ---------------------------------------------------------------------------
@given(n_in=sizes, n_out=sizes)
def test_half_pixel_formula(n_in, n_out):
    """(eq-src-half): x_src = (x_dst + 1/2) in/out - 1/2, clamped below at 0 by the library."""
    dst = np.arange(n_out)
    expected = np.maximum((dst + 0.5) * n_in / n_out - 0.5, 0)
    if n_in == n_out:
        expected = dst.astype(float)
    assert np.allclose(source_coordinates(n_out, n_in, None, "linear", False, np.float64), expected, atol=1e-12)


@given(n_in=sizes, n_out=sizes)
def test_corner_formula(n_in, n_out):
    """(eq-src-corners): x_src = x_dst (in-1)/(out-1), and 0 for a one-pixel output."""
    dst = np.arange(n_out)
    expected = dst * (n_in - 1) / (n_out - 1) if n_out > 1 else np.zeros(1)
    assert np.allclose(source_coordinates(n_out, n_in, None, "linear", True, np.float64), expected, atol=1e-12)


@given(n_in=sizes, n_out=sizes, align=st.booleans())
def test_ramp_reveals_the_coordinate(n_in, n_out, align):
    """Linear interpolation of the ramp 0, 1, 2, ... returns the source coordinate, clamped to [0, in-1]."""
    ramp = torch.arange(n_in, dtype=torch.float64)[None, None]
    theirs = F.interpolate(ramp, size=n_out, mode="linear", align_corners=align)[0, 0].numpy()
    ours = np.clip(source_coordinates(n_out, n_in, None, "linear", align, np.float64), 0, n_in - 1)
    assert np.allclose(ours, theirs, atol=1e-12)


@given(n_in=sizes, n_out=sizes)
def test_nearest_rules(n_in, n_out):
    """(eq-nearest) and (eq-nearest-exact), in exact arithmetic away from ties, and PyTorch's indices."""
    idx = source_coordinates(n_out, n_in, None, "nearest")
    idx_exact = source_coordinates(n_out, n_in, None, "nearest-exact")
    ramp = torch.arange(n_in, dtype=torch.float32)[None, None]
    assert np.array_equal(idx, F.interpolate(ramp, size=n_out, mode="nearest")[0, 0].numpy().astype(int))
    assert np.array_equal(idx_exact, F.interpolate(ramp, size=n_out, mode="nearest-exact")[0, 0].numpy().astype(int))
    for d in range(n_out):
        floor_pos = Fraction(d * n_in, n_out)
        centre_pos = Fraction((2 * d + 1) * n_in, 2 * n_out)
        if floor_pos.denominator != 1:
            assert idx[d] == min(int(floor_pos), n_in - 1)
        if centre_pos.denominator != 1:
            assert idx_exact[d] == min(int(centre_pos), n_in - 1)


def test_halving_nearest_keeps_even_nearest_exact_odd():
    x = np.arange(10.0)[None, None]
    assert interpolate(x, size=5, mode="nearest")[0, 0].tolist() == [0, 2, 4, 6, 8]
    assert interpolate(x, size=5, mode="nearest-exact")[0, 0].tolist() == [1, 3, 5, 7, 9]


@given(n_in=st.integers(1, 12), k=st.integers(1, 4))
def test_nearest_modes_agree_on_integer_upscaling(n_in, k):
    x = np.arange(float(n_in))[None, None]
    assert np.array_equal(interpolate(x, scale_factor=k, mode="nearest"),
                          interpolate(x, scale_factor=k, mode="nearest-exact"))


def test_size_and_scale_factor_differ_recompute_matches_size():
    """5 pixels: scale_factor=1.5 and size=7 give 7 outputs with different samples; recomputing gives size's."""
    x = np.arange(5.0)[None, None]
    by_scale = interpolate(x, scale_factor=1.5, mode="linear")
    by_size = interpolate(x, size=7, mode="linear")
    recomputed = interpolate(x, scale_factor=1.5, mode="linear", recompute_scale_factor=True)
    assert by_scale.shape == by_size.shape == (1, 1, 7)
    assert not np.allclose(by_scale, by_size) and np.allclose(recomputed, by_size)
    assert np.isclose(by_scale[0, 0, -1], (6 + 0.5) / 1.5 - 0.5) and by_size[0, 0, -1] == 4.0


@given(n_in=st.integers(2, 12), factor=st.integers(2, 4))
def test_edges_are_clamped_not_extrapolated(n_in, factor):
    rng = np.random.default_rng(n_in * 10 + factor)
    x = rng.normal(size=(1, 1, n_in))
    y = interpolate(x, scale_factor=factor, mode="linear", align_corners=False)[0, 0]
    # (d + 1/2)/f - 1/2 < 0 for the first f // 2 outputs: they lie before the first centre and read it alone
    assert np.allclose(y[: factor // 2], x[0, 0, 0]) and np.allclose(y[-(factor // 2):], x[0, 0, -1])
    i0, i1, w0, w1 = linear_neighbours(np.array([n_in - 0.75]), n_in)
    assert i0[0] == n_in - 1 and i1[0] == n_in - 1 and w0[0] + w1[0] == 1


@given(n_in=st.integers(1, 20), n_out=st.integers(1, 20))
def test_conventions_meet_only_at_the_centre(n_in, n_out):
    """Exercise 5.3's claim: equal coordinates only at x_dst = (out-1)/2, or everywhere when in == out."""
    common = _common(n_in, n_out)
    if n_in == n_out:
        assert common == tuple(range(n_out))
    elif n_out == 1:
        assert common == ()
    else:
        assert common == (((n_out - 1) // 2,) if n_out % 2 else ())
    a = figs.unclamped_source(n_out, n_in, False)
    b = figs.unclamped_source(n_out, n_in, True)
    assert tuple(np.flatnonzero(np.isclose(a, b, rtol=0, atol=1e-9))) == common


@given(n_in=st.integers(2, 30), n_out=st.integers(2, 30))
def test_mapping_arrows(n_in, n_out):
    """The animation's arrows: vertical with half-pixel centres; with corner centres the first one leans towards
    the middle when enlarging and towards the edge when shrinking (its source stays at 0)."""
    out_centres = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5           # output centres, input indices
    assert np.allclose(figs.unclamped_source(n_out, n_in, False), out_centres)
    first = figs.unclamped_source(n_out, n_in, True)[0]
    assert first == 0 and np.sign(first - out_centres[0]) == np.sign(n_out - n_in)


@given(n_in=sizes, n_out=st.integers(1, 80))
def test_corner_samples_never_leave_the_centres(n_in, n_out):
    u = figs.unclamped_source(n_out, n_in, True)
    assert u.min() >= 0 and u.max() <= n_in - 1 + 1e-12


@given(n_in=sizes, n_out=sizes, align=st.booleans())
def test_public_source_coordinates_by_size_is_the_core(n_in, n_out, align):
    """The chapter shows _source_coordinates_core; by size, the public function returns the same coordinates."""
    public = source_coordinates(n_out, n_in, None, "linear", align, np.float64)
    assert np.allclose(public, _source_coordinates_core(n_out, n_in, None, "linear", align), atol=1e-12)


@given(n_in=st.integers(1, 30), factor=st.floats(0.3, 3.0))
def test_the_shell_adds_the_copy_for_an_unchanged_size(n_in, factor):
    """What the chapter says the public function adds to the core: a copy when floor(in * s) == in."""
    n_out = int(np.floor(n_in * factor))
    assume(n_out >= 1)
    public = source_coordinates(n_out, n_in, factor, "linear", False, np.float64)
    core = _source_coordinates_core(n_out, n_in, factor, "linear", False)
    if n_out == n_in:
        assert np.array_equal(public, np.arange(n_in))
    else:
        assert np.allclose(public, core, atol=1e-12)


@given(n_in=st.integers(1, 30), factor=st.floats(0.3, 3.0))
def test_scale_factor_and_size_agree_only_when_the_size_is_unchanged(n_in, factor):
    """The chapter's corrected claim: with in * scale_factor not an integer, scale_factor and size give different
    values in the linear modes, except when out == in (PyTorch and the library copy) or for one pixel."""
    n_out = int(np.floor(n_in * factor))
    assume(n_out >= 1 and not np.isclose(n_in * factor, round(n_in * factor)))
    x = np.cumsum(np.random.default_rng(n_in).uniform(0.5, 1.5, n_in))[None, None]   # increasing
    t = torch.from_numpy(x)
    by_scale = F.interpolate(t, scale_factor=factor, mode="linear")
    by_size = F.interpolate(t, size=n_out, mode="linear")
    assert torch.allclose(by_scale, by_size, rtol=0, atol=1e-9) == (n_out == n_in or n_in == 1)
    ours = interpolate(x, scale_factor=factor, mode="linear")
    assert np.allclose(ours, by_scale.numpy(), rtol=0, atol=1e-12)
    if n_out == n_in:
        assert torch.equal(by_scale, t) and np.array_equal(ours, x)


@pytest.mark.parametrize("mode", ["bilinear", "trilinear"])
def test_unchanged_axes_are_copied_in_every_linear_mode(mode):
    """5 pixels with scale_factor=1.1 stay as they are along every axis of bilinear and trilinear too."""
    shape = (1, 1) + (5,) * (2 if mode == "bilinear" else 3)
    x = np.random.default_rng(0).normal(size=shape)
    assert torch.equal(F.interpolate(torch.from_numpy(x), scale_factor=1.1, mode=mode), torch.from_numpy(x))
    assert np.array_equal(interpolate(x, scale_factor=1.1, mode=mode), x)


def test_edges_flat_in_the_core():
    """The clamps the chapter points at in the cores: max(..., 0) and the right neighbour min(i0 + 1, n - 1)."""
    x = np.array([1.0, 3.0, 2.0, 4.0, 3.0])[None, None]
    y = _linear_pass_core(x, 2, 10, 2.0)
    assert y[0, 0, 0] == 1.0 and y[0, 0, -1] == 3.0
    assert np.allclose(y, interpolate(x, scale_factor=2, mode="linear"), atol=1e-12)


# ---- chapter 5: encoder and decoder ------------------------------------------------------------------------------
@pytest.mark.parametrize("factor", [2, 4])
@pytest.mark.parametrize("centre", [(20.0, 44.0), (40.0, 12.0), (31.5, 31.5)])
def test_decoder_shift_formula(factor, centre):
    """(eq-decoder-shift): half-pixel encoder, corner decoder: u - p = (f-1)/(N-f) (p - (N-1)/2)."""
    n = 64
    blob = figs.gaussian_blob(n, centre, sigma=3.0)
    coarse = interpolate(blob[None, None], scale_factor=1 / factor, mode="bilinear", align_corners=False)
    same = interpolate(coarse, size=n, mode="bilinear", align_corners=False)[0, 0]
    mixed = interpolate(coarse, size=n, mode="bilinear", align_corners=True)[0, 0]
    c0 = np.array(figs.centroid(blob))
    predicted = (factor - 1) * (np.array(centre) - (n - 1) / 2) / (n - factor)
    assert np.abs(np.array(figs.centroid(same)) - c0).max() < 0.01
    assert np.abs(np.array(figs.centroid(mixed)) - c0 - predicted).max() < 0.03


@pytest.mark.parametrize("factor", [2, 4, 8])
def test_strided_encoder_shift(factor):
    """Exercise 5.4's answer: x[::f] then half-pixel upsampling moves content by (f-1)/2 everywhere."""
    n = 64
    for centre in [(20.0, 44.0), (40.0, 24.0)]:
        blob = figs.gaussian_blob(n, centre, sigma=4.0)
        up = interpolate(blob[None, None, ::factor, ::factor].copy(), size=n, mode="bilinear",
                         align_corners=False)[0, 0]
        shift = np.array(figs.centroid(up)) - np.array(figs.centroid(blob))
        assert np.allclose(shift, (factor - 1) / 2, atol=0.03)


# ---- chapter 5: Pillow -------------------------------------------------------------------------------------------
def _pil(x, size, resample):
    return np.asarray(Image.fromarray(x).resize(size[::-1], resample=resample), dtype=np.float32)


def _torch(x, size, **kw):
    return F.interpolate(torch.from_numpy(x)[None, None], size=size, **kw)[0, 0].numpy()


@given(h=st.integers(3, 12), w=st.integers(3, 12), up_h=st.integers(1, 12), up_w=st.integers(1, 12),
       seed=st.integers(0, 2 ** 16))
def test_pillow_bilinear_upscaling_is_half_pixel_bilinear(h, w, up_h, up_w, seed):
    x = np.random.default_rng(seed).random((h, w), dtype=np.float32)
    size = (h + up_h, w + up_w)
    assert np.abs(_pil(x, size, Image.Resampling.BILINEAR) - _torch(x, size, mode="bilinear",
                                                                      align_corners=False)).max() < 1e-5


@given(h=st.integers(6, 20), w=st.integers(6, 20), down_h=st.integers(1, 4), down_w=st.integers(1, 4),
       seed=st.integers(0, 2 ** 16))
def test_pillow_bilinear_downscaling_is_antialiased(h, w, down_h, down_w, seed):
    x = np.random.default_rng(seed).random((h, w), dtype=np.float32)
    size = (h - down_h, w - down_w)
    pil = _pil(x, size, Image.Resampling.BILINEAR)
    assert np.abs(pil - _torch(x, size, mode="bilinear", align_corners=False, antialias=True)).max() < 1e-5


def test_pillow_downscaling_differs_from_plain_bilinear_and_weights_are_a_wide_tent():
    row = np.zeros((2, 8), dtype=np.float32)
    row[:, 3] = 1.0
    pil = _pil(row, (2, 4), Image.Resampling.BILINEAR)[0]
    assert np.allclose(pil, [0, 3 / 8, 1 / 8, 0])
    assert np.allclose(_torch(row, (2, 4), mode="bilinear", align_corners=False)[0], [0, 0.5, 0, 0])


def test_pillow_tent_weights_at_half():
    """8 -> 4: output pixel 1 (source coordinate 2.5) weighs input pixels 1..4 by 1/8, 3/8, 3/8, 1/8."""
    tent = [_pil(np.eye(8, dtype=np.float32)[[j, j]], (2, 4), Image.Resampling.BILINEAR)[0, 1] for j in range(8)]
    assert np.allclose(tent, [0, 1 / 8, 3 / 8, 3 / 8, 1 / 8, 0, 0, 0])
    assert np.isclose(source_coordinates(4, 8, None, "linear", False, np.float64)[1], 2.5)


@pytest.mark.parametrize("factor", [2, 3, 4, 5, 6])
def test_plain_bilinear_skips_pixels_below_half_pillow_reads_all(factor):
    """Shrinking by an integer factor: Pillow's tent reads every input pixel, plain bilinear at most 2 per output
    (exactly 2 for even factors, 1 for odd ones, where every sample falls on a centre)."""
    n_out = 4
    n_in = factor * n_out
    impulses = [np.eye(n_in, dtype=np.float32)[[j, j]] for j in range(n_in)]
    unread_pil = sum(not _pil(im, (2, n_out), Image.Resampling.BILINEAR).any() for im in impulses)
    unread_torch = sum(not _torch(im, (2, n_out), mode="bilinear", align_corners=False).any() for im in impulses)
    assert unread_pil == 0
    assert unread_torch == n_in - (2 if factor % 2 == 0 else 1) * n_out


@given(n_in=st.integers(2, 40), n_out=st.integers(1, 90))
def test_pillow_nearest_differs_from_nearest_exact_only_at_ties(n_in, n_out):
    """The chapter's claim: Pillow's NEAREST picks nearest-exact's pixel wherever the half-pixel position
    (d + 1/2) in/out is not an integer; the ties are where the last bit of rounding decides."""
    ramp = np.tile(np.arange(n_in, dtype=np.float32), (2, 1))
    pil = _pil(ramp, (2, n_out), Image.Resampling.NEAREST)[0].astype(int)
    exact = _torch(ramp, (2, n_out), mode="nearest-exact")[0].astype(int)
    ties = {d for d in range(n_out) if (Fraction(2 * d + 1, 2) * n_in / n_out).denominator == 1}
    assert set(np.flatnonzero(pil != exact).tolist()) <= ties


@pytest.mark.parametrize("n_in, n_out", [(3, 5), (3, 7), (12, 36), (10, 4), (16, 8), (7, 5)])
def test_pillow_nearest_is_nearest_exact_without_ties(n_in, n_out):
    x = np.tile(np.arange(n_in, dtype=np.float32), (2, 1))
    assert np.array_equal(_pil(x, (2, n_out), Image.Resampling.NEAREST),
                          interpolate(x[None, None], size=(2, n_out), mode="nearest-exact")[0, 0])


# ---- chapter 4: trilinear ---------------------------------------------------------------------------------------
@given(t=st.tuples(*[st.floats(0, 1)] * 3), seed=st.integers(0, 2 ** 16))
def test_three_passes_equal_eight_corner_sum_with_box_weights(t, seed):
    tz, ty, tx = t
    v = np.random.default_rng(seed).normal(size=(1, 1, 2, 2, 2))
    # (eq-trilinear-weights): products of 1D weights, equal to the volumes of the opposite boxes
    w = np.einsum("a,b,c->abc", [1 - tz, tz], [1 - ty, ty], [1 - tx, tx])
    boxes = np.array([[[np.prod(np.abs(np.array(t) - (1 - np.array([a, b, c])))) for c in (0, 1)]
                       for b in (0, 1)] for a in (0, 1)])
    assert np.allclose(w, boxes) and np.isclose(w.sum(), 1)
    c = (1 - tx) * v[0, 0, :, :, 0] + tx * v[0, 0, :, :, 1]
    c = (1 - ty) * c[:, 0] + ty * c[:, 1]
    assert np.isclose((1 - tz) * c[0] + tz * c[1], (w * v[0, 0]).sum())


@given(shape=st.tuples(*[st.integers(1, 5)] * 3), size=st.tuples(*[st.integers(1, 7)] * 3), align=st.booleans())
def test_trilinear_is_three_linear_passes_in_any_order(shape, size, align):
    x = np.random.default_rng(sum(shape) + sum(size)).normal(size=(1, 2) + shape)
    ref = interpolate(x, size=size, mode="trilinear", align_corners=align)
    for order in ((4, 3, 2), (2, 3, 4), (3, 2, 4)):
        y = x
        for axis in order:
            y = linear_pass(y, axis, size[axis - 2], None, align)
        assert np.allclose(y, ref, atol=1e-12)


def test_bilinear_per_slice_needs_the_depth_pass():
    low, up, _ = figs.torus_volumes(n=8, factor=3)
    per_slice = linear_pass(linear_pass(low, 2, 24, 3.0), 1, 24, 3.0)
    assert np.abs(np.repeat(per_slice, 3, axis=0) - up).max() > 0.01
    assert np.allclose(linear_pass(per_slice, 0, 24, 3.0), up, atol=1e-12)


@given(depth=st.integers(2, 8), factor=st.integers(1, 5))
def test_exact_slices_claim(depth, factor):
    """Exercise 4.4's reference: bilinear per slice, repeated, equals trilinear exactly on those slices only."""
    x = np.random.default_rng(depth * 7 + factor).normal(size=(1, 1, depth, 3, 4))
    tri = interpolate(x, scale_factor=(factor, 1, 1), mode="trilinear")[0, 0]
    rep = np.repeat(x[0, 0], factor, axis=0)
    same = tuple(k for k in range(depth * factor) if np.allclose(tri[k], rep[k], atol=1e-12))
    assert same == _exact_slices(depth, factor)


def test_time_upsampling_cross_fades():
    clip = figs.moving_dot_clip(frames=4, step=6)
    smooth = interpolate(clip[None, None], size=(7,) + clip.shape[1:], mode="trilinear", align_corners=True)[0, 0]
    assert np.allclose(smooth[::2], clip)
    assert np.allclose(smooth[1], (clip[0] + clip[1]) / 2)


def test_torus_sdf():
    sdf = figs.torus_sdf((24, 24, 24), major=0.25, minor=0.1)
    assert sdf.shape == (24, 24, 24) and sdf.dtype == np.float64
    # voxel centre (k, i, j) -> ((k + .5)/24 - .5, ...): the tube centre line passes through z = 0, x = 0.25
    k, i, j = 11, 11, 17   # z = -0.0208, y = -0.0208, x = 0.2292: inside the tube
    assert sdf[k, i, j] < 0 and sdf[0, 0, 0] > 0
    assert np.isclose(sdf[k, i, j], np.hypot(np.hypot(-0.5 / 24, 5.5 / 24) - 0.25, -0.5 / 24) - 0.1)
    assert np.allclose(sdf, sdf[::-1]) and np.allclose(sdf, sdf[:, ::-1]) and np.allclose(sdf, sdf[:, :, ::-1])


def test_blob_and_centroid():
    img = figs.gaussian_blob(32, (10.0, 20.5), sigma=2.0)
    before = img.copy()
    assert np.allclose(figs.centroid(img), (10.0, 20.5), atol=1e-6)
    assert np.array_equal(img, before)


# ---- figures ---------------------------------------------------------------------------------------------------
def _labelled_in_pixels(fig):
    labels = [ax.get_xlabel() for ax in fig.axes] + [ax.get_ylabel() for ax in fig.axes]
    return any("pixels" in s or "slices" in s for s in labels)


@pytest.mark.parametrize("make", [
    lambda: figs.trilinear_passes_figure(),
    lambda: figs.opposite_box_figure(),
    lambda: figs.torus_slices_figure(*figs.torus_volumes(n=6, factor=2)),
    lambda: figs.side_view_figure(*figs.torus_volumes(n=6, factor=2)),
    lambda: figs.video_figure(figs.moving_dot_clip(3), figs.moving_dot_clip(5)),
    lambda: figs.conventions_figure(),
    lambda: figs.nearest_modes_figure(),
    lambda: figs.size_vs_scale_figure(),
    lambda: figs.edge_clamp_figure(np.array([1.0, 2.0, 0.0])),
    lambda: figs.shift_figure(*(figs.gaussian_blob(32, (16.0, 16.0)),) * 3, 2),
])
def test_figures_draw_with_axes_in_pixels(make):
    fig = make()
    assert _labelled_in_pixels(fig)
    plt.close(fig)


@pytest.mark.parametrize("draw, params", [(figs.draw_torus_slice, dict(k=0)), (figs.draw_torus_slice, dict(k=35)),
                                          (figs.draw_mapping, dict(out_size=1, in_size=3)),
                                          (figs.draw_mapping, dict(out_size=9, in_size=2))])
def test_explore_callbacks(draw, params):
    fig = plt.figure()
    draw(fig, **params)
    assert _labelled_in_pixels(fig)
    plt.close(fig)


def test_size_vs_scale_figure_labels_index_and_position():
    """The figure names the last sample both as a position on its axis and as the index the prose quotes."""
    fig = figs.size_vs_scale_figure(in_size=5, scale_factor=1.5)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("4.333" in t and "index 3.833" in t for t in texts)
    assert any("4.643" in t and "index 4.143" in t for t in texts)     # size=7: past the last centre
    plt.close(fig)


def test_size_vs_scale_figure_rows_are_evenly_spaced_and_the_library_where_not_clamped():
    """Each row's crosses follow its rule before the clamp at 0 (evenly spaced) and match the library elsewhere."""
    fig = figs.size_vs_scale_figure(in_size=5, scale_factor=1.5)
    rows = [line.get_xdata() - 0.5 for line in fig.axes[0].lines if line.get_marker() == "x"]
    assert len(rows) == 3
    for xs, spacing, scale in zip(rows, (1 / 1.5, 5 / 7, 5 / 7), (1.5, None, None)):
        assert len(xs) == 7 and np.allclose(np.diff(xs), spacing)
        library = source_coordinates(7, 5, scale, "linear", False, np.float64)
        assert np.allclose(np.maximum(xs, 0), library, atol=1e-12)
    plt.close(fig)


@given(n_in=st.integers(1, 30), factor=st.floats(0.3, 3.0))
def test_align_corners_true_ignores_the_scale_factor(n_in, factor):
    """The chapter's claim: with align_corners=True, scale_factor only sets the size; the values are size=out's."""
    n_out = int(np.floor(n_in * factor))
    assume(n_out >= 1)
    x = np.random.default_rng(n_in).normal(size=(1, 1, n_in))
    t = torch.from_numpy(x)
    by_scale = F.interpolate(t, scale_factor=factor, mode="linear", align_corners=True)
    assert torch.equal(by_scale, F.interpolate(t, size=n_out, mode="linear", align_corners=True))
    ours = interpolate(x, scale_factor=factor, mode="linear", align_corners=True)
    assert np.array_equal(ours, interpolate(x, size=n_out, mode="linear", align_corners=True))
    assert np.allclose(ours, by_scale.numpy(), rtol=0, atol=1e-12)


def test_nearest_does_not_copy_an_unchanged_size():
    """The copy is a linear-mode rule: 5 pixels with scale_factor=1.1 and mode nearest read 0, 0, 1, 2, 3."""
    x = np.arange(5.0)[None, None]
    theirs = F.interpolate(torch.from_numpy(x), scale_factor=1.1, mode="nearest")[0, 0].numpy()
    assert theirs.tolist() == [0, 0, 1, 2, 3]
    assert np.array_equal(interpolate(x, scale_factor=1.1, mode="nearest")[0, 0], theirs)


@given(n_in=st.integers(1, 20), extra=st.integers(1, 20))
def test_after_clamping_an_enlargement_reads_the_end_pixels_in_both_conventions(n_in, extra):
    """Exercise ex-5-3's remark: the maps meet only in the middle, but after the clamp at the edges the outermost
    pixels of an enlargement read the same end pixels under both conventions."""
    n_out = n_in + extra
    x = np.random.default_rng(n_out).normal(size=(1, 1, n_in))
    half = interpolate(x, size=n_out, mode="linear", align_corners=False)[0, 0]
    corners = interpolate(x, size=n_out, mode="linear", align_corners=True)[0, 0]
    assert np.allclose([half[0], corners[0]], x[0, 0, 0], rtol=0, atol=1e-12)
    assert np.allclose([half[-1], corners[-1]], x[0, 0, -1], rtol=0, atol=1e-12)
