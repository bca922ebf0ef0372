"""updown.subpixel: pixel shuffle against PyTorch, the transposed = sub-pixel equivalence, ICNR, checkerboards."""
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from updown import subpixel as S

ROOT = Path(__file__).resolve().parents[1]


def _subpixel_transposed(y, weight, stride, padding=0, output_padding=0):
    """conv_transpose2d by the recipe of transposed_as_subpixel's docstring: conv2d, pixel shuffle, crop."""
    phases = S.transposed_as_subpixel(weight, stride)
    kh, kw = phases.shape[-2:]
    z = S.pixel_shuffle(F.conv2d(torch.from_numpy(y), torch.from_numpy(phases),
                                 padding=(kh - 1, kw - 1)).numpy(), stride)
    h_out = (y.shape[-2] - 1) * stride - 2 * padding + weight.shape[-2] + output_padding
    w_out = (y.shape[-1] - 1) * stride - 2 * padding + weight.shape[-1] + output_padding
    z = np.pad(z, ((0, 0), (0, 0), (0, max(0, padding + h_out - z.shape[-2])),
                   (0, max(0, padding + w_out - z.shape[-1]))))
    return z[..., padding:padding + h_out, padding:padding + w_out]


# ------------------------------------------------------------------------------------------------ pixel shuffle

@given(lead=st.lists(st.integers(1, 3), min_size=0, max_size=2), c=st.integers(1, 3), r=st.integers(1, 4),
       h=st.integers(1, 5), w=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_pixel_shuffle_bit_exact_with_torch(lead, c, r, h, w, seed):
    x = np.random.default_rng(seed).standard_normal((*lead, c * r * r, h, w)).astype(np.float32)
    before = x.copy()
    ours = S.pixel_shuffle(x, r)
    assert np.array_equal(ours, F.pixel_shuffle(torch.from_numpy(x), r).numpy())
    assert ours.dtype == x.dtype and np.array_equal(x, before)
    assert np.array_equal(S._pixel_shuffle_core(x, r), ours)          # core and public agree
    back = S.pixel_unshuffle(ours, r)
    assert np.array_equal(back, F.pixel_unshuffle(torch.from_numpy(ours), r).numpy())
    assert np.array_equal(back, x)                                    # an exact inverse
    assert np.array_equal(S._pixel_unshuffle_core(ours, r), back)


def test_pixel_shuffle_layout_by_hand():
    x = np.arange(8).reshape(1, 8, 1, 1)                 # 2 output channels of a 2x2 block each
    out = S.pixel_shuffle(x, 2)
    assert out.tolist() == [[[[0, 1], [2, 3]], [[4, 5], [6, 7]]]]
    assert S.pixel_shuffle(x.astype(np.int64), 2).dtype == np.int64


def test_factor_one_returns_a_copy():
    x = np.ones((2, 3, 4))
    for fn in (S.pixel_shuffle, S.pixel_unshuffle):
        out = fn(x, 1)
        assert np.array_equal(out, x) and not np.shares_memory(out, x)


@pytest.mark.parametrize("call, error, message", [
    (lambda: S.pixel_shuffle([[1.0]], 2), TypeError, "x must be a numpy.ndarray, got list"),
    (lambda: S.pixel_shuffle(np.ones((4, 2)), 2), ValueError, "at least 3 dimensions, got shape (4, 2)"),
    (lambda: S.pixel_shuffle(np.ones((0, 2, 2)), 1), ValueError, "must not be empty"),
    (lambda: S.pixel_shuffle(np.ones((6, 2, 2)), 2), ValueError, "divisible by upscale_factor**2 = 4, got 6"),
    (lambda: S.pixel_shuffle(np.ones((4, 2, 2)), 0), ValueError, "upscale_factor must be positive, got 0"),
    (lambda: S.pixel_shuffle(np.ones((4, 2, 2)), 2.0), TypeError, "upscale_factor must be an int"),
    (lambda: S.pixel_unshuffle(np.ones((1, 4, 5)), 2), ValueError, "divisible by downscale_factor = 2, got "
                                                                   "height 4 and width 5"),
    (lambda: S.pixel_unshuffle(np.ones((4, 4)), 2), ValueError, "at least 3 dimensions"),
    (lambda: S.pixel_unshuffle(np.ones((1, 0, 4)), 2), ValueError, "must not be empty"),
    (lambda: S.pixel_unshuffle(np.ones((1, 4, 4)), True), TypeError, "downscale_factor must be an int"),
    (lambda: S.pixel_shuffle(np.array([["a"]] * 4)[:, None], 2), TypeError, "numeric dtype"),
])
def test_pixel_shuffle_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


# ------------------------------------------------------------------------------- transposed = sub-pixel + crop

@given(k=st.integers(1, 7), s=st.integers(1, 4), c_in=st.integers(1, 3), c_out=st.integers(1, 3),
       h=st.integers(1, 5), w=st.integers(1, 5), data=st.data())
def test_transposed_equals_subpixel(k, s, c_in, c_out, h, w, data):
    kw = data.draw(st.integers(1, 7))
    p = data.draw(st.integers(0, min(k, kw) - 1))
    q = data.draw(st.integers(0, s - 1))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    y = rng.standard_normal((2, c_in, h, w))
    weight = rng.standard_normal((c_in, c_out, k, kw))
    try:
        ref = F.conv_transpose2d(torch.from_numpy(y), torch.from_numpy(weight), stride=s, padding=p,
                                 output_padding=q).numpy()
    except RuntimeError:                                  # an output size below 1: PyTorch refuses it too
        return
    before = weight.copy()
    ours = _subpixel_transposed(y, weight, s, p, q)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-10)
    assert np.array_equal(weight, before)


def test_phase_kernels_shape_order_and_phase_sums():
    weight = np.arange(9.0).reshape(1, 1, 3, 3)
    phases = S.transposed_as_subpixel(weight, 2)
    assert phases.shape == (4, 1, 2, 2) and phases.flags.c_contiguous
    # phase (0, 0) holds taps (0, 0), (0, 2), (2, 0), (2, 2), reversed; phase (1, 1) only tap (1, 1)
    assert phases[0, 0].tolist() == [[8.0, 6.0], [2.0, 0.0]]
    assert phases[3, 0].tolist() == [[0.0, 0.0], [0.0, 4.0]]
    sums = phases.sum(axis=(1, 2, 3))
    expected = [weight[0, 0, a::2, b::2].sum() for a in range(2) for b in range(2)]
    assert sums.tolist() == expected
    assert np.array_equal(S._transposed_as_subpixel_core(weight, 2), phases)


def test_no_crop_when_stride_divides_kernel():
    rng = np.random.default_rng(3)
    y, weight = rng.standard_normal((1, 2, 4, 5)), rng.standard_normal((2, 3, 4, 4))
    phases = S.transposed_as_subpixel(weight, 2)
    z = S.pixel_shuffle(F.conv2d(torch.from_numpy(y), torch.from_numpy(phases), padding=1).numpy(), 2)
    ref = F.conv_transpose2d(torch.from_numpy(y), torch.from_numpy(weight), stride=2).numpy()
    assert z.shape == ref.shape
    np.testing.assert_allclose(z, ref, atol=1e-12)


@pytest.mark.parametrize("call, error, message", [
    (lambda: S.transposed_as_subpixel(np.ones((1, 1, 3)), 2), ValueError, "4 dimensions), got shape (1, 1, 3)"),
    (lambda: S.transposed_as_subpixel(np.ones((1, 1, 3, 3), dtype=int), 2), TypeError, "floating dtype"),
    (lambda: S.transposed_as_subpixel(np.ones((0, 1, 3, 3)), 2), ValueError, "must not be empty"),
    (lambda: S.transposed_as_subpixel(np.ones((1, 1, 3, 3)), 0), ValueError, "stride must be positive, got 0"),
    (lambda: S.transposed_as_subpixel(np.ones((1, 1, 3, 3)), (2, 2)), ValueError, "stride must be an int"),
    (lambda: S.transposed_as_subpixel(torch.ones(1, 1, 3, 3), 2), TypeError, "got Tensor"),
])
def test_transposed_as_subpixel_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


# ------------------------------------------------------------------------- resize-conv = transposed, equal sums

@given(k=st.integers(1, 5), s=st.integers(1, 4), c_in=st.integers(1, 3), c_out=st.integers(1, 3),
       h=st.integers(1, 5), data=st.data())
def test_resize_conv_is_a_transposed_conv_with_equal_phase_sums(k, s, c_in, c_out, h, data):
    p = data.draw(st.integers(0, k - 1))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    weight = rng.standard_normal((c_out, c_in, k, k))
    y = torch.from_numpy(rng.standard_normal((1, c_in, h, h + 1)))
    up = F.interpolate(y, scale_factor=s, mode="nearest")
    if up.shape[-2] + 2 * p < k:
        return
    ref = F.conv2d(up, torch.from_numpy(weight), padding=p)
    wt, pt = S.resize_conv_as_transposed(weight, s, p)
    assert wt.shape == (c_in, c_out, k + s - 1, k + s - 1)
    ours = F.conv_transpose2d(y, torch.from_numpy(wt), stride=s, padding=pt)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), atol=1e-10)
    for a in range(s):
        for b in range(s):
            np.testing.assert_allclose(wt[:, :, a::s, b::s].sum(axis=(2, 3)), weight.sum(axis=(2, 3)).T,
                                       atol=1e-10)


@pytest.mark.parametrize("call, error, message", [
    (lambda: S.resize_conv_as_transposed(np.ones((1, 1, 3, 3)), 2, 3), ValueError,
     "padding must be at most kernel_size - 1 = 2"),
    (lambda: S.resize_conv_as_transposed(np.ones((1, 1, 3, 3)), 2, -1), ValueError, "padding must be "
                                                                                      "non-negative"),
    (lambda: S.resize_conv_as_transposed(np.ones((1, 1, 3, 3)), 0), ValueError, "scale_factor must be positive"),
    (lambda: S.resize_conv_as_transposed(np.ones((3, 3)), 2), ValueError, "4 dimensions"),
])
def test_resize_conv_as_transposed_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


# ----------------------------------------------------------------------------------------------------- ICNR

@given(c_out=st.integers(1, 3), c_in=st.integers(1, 3), r=st.integers(1, 3), k=st.sampled_from([1, 3, 5]),
       seed=st.integers(0, 2**16), init=st.sampled_from(["default", "kaiming_normal"]))
def test_icnr_is_conv_then_nearest(c_out, c_in, r, k, seed, init):
    shape = (c_out * r * r, c_in, k, k)
    weight = S.icnr(shape, r, init=init, generator=torch.Generator().manual_seed(seed))
    assert weight.shape == shape and weight.dtype == torch.float32
    blocks = weight.reshape(c_out, r * r, c_in, k, k)
    assert torch.equal(blocks, blocks[:, :1].expand_as(blocks))      # the r*r sub-kernels are equal
    assert torch.equal(weight, torch.from_numpy(S._icnr_core(blocks[:, 0].numpy(), r)))
    x = torch.randn(2, c_in, 5, 6, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    out = F.pixel_shuffle(F.conv2d(x, weight.double(), padding=k // 2), r)
    low = F.conv2d(x, blocks[:, 0].double(), padding=k // 2)
    torch.testing.assert_close(out, F.interpolate(low, scale_factor=r, mode="nearest"), rtol=0, atol=0)
    assert S.checkerboard_score(out.numpy(), r) == pytest.approx(0.0, abs=1e-12)


def test_icnr_is_seeded_and_has_the_default_bound():
    a = S.icnr((16, 8, 3, 3), 2, generator=torch.Generator().manual_seed(1))
    b = S.icnr((16, 8, 3, 3), 2, generator=torch.Generator().manual_seed(1))
    c = S.icnr((16, 8, 3, 3), 2, generator=torch.Generator().manual_seed(2))
    assert torch.equal(a, b) and not torch.equal(a, c)
    bound = 1 / np.sqrt(8 * 3 * 3)                       # PyTorch's Conv2d default: U(-1/sqrt(fan_in), ...)
    assert a.abs().max() <= bound and a.abs().max() > 0.8 * bound
    filled = S.icnr([8, 2, 1, 1], 2, init=torch.nn.init.ones_)
    assert torch.equal(filled, torch.ones(8, 2, 1, 1))


@pytest.mark.parametrize("call, error, message", [
    (lambda: S.icnr((6, 1, 3, 3), 2), ValueError, "shape[0] must be divisible by upscale_factor**2 = 4"),
    (lambda: S.icnr((4, 1, 3), 2), ValueError, "shape must be an int or a sequence of 4 ints"),
    (lambda: S.icnr((4, 1, 3, 0), 2), ValueError, "shape must be positive"),
    (lambda: S.icnr((4, 1, 3, 3), 0), ValueError, "upscale_factor must be positive"),
    (lambda: S.icnr((4, 1, 3, 3), 2, init="xavier"), ValueError, "init must be one of 'default', "
                                                                  "'kaiming_normal', got 'xavier'"),
    (lambda: S.icnr((4, 1, 3, 3), 2, init=3), TypeError, "init must be one of"),
    (lambda: S.icnr((4, 1, 3, 3), 2, generator=np.random.default_rng()), TypeError, "generator must be a "
                                                                                     "torch.Generator"),
])
def test_icnr_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


# ------------------------------------------------------------------------------------------ checkerboard score

@given(s=st.integers(1, 4), h=st.integers(1, 6), w=st.integers(1, 6), lead=st.integers(1, 3),
       seed=st.integers(0, 2**16))
def test_checkerboard_score_decomposes_the_variance(s, h, w, lead, seed):
    rng = np.random.default_rng(seed)
    y = rng.standard_normal((lead, h * s, w * s))
    score = S.checkerboard_score(y, s)
    assert 0.0 <= score <= 1.0
    if h * w * s * s > 1:                                # one pixel: 0/0 in the core, 0 by definition
        assert score == pytest.approx(S._checkerboard_score_core(y, s))
    pattern = np.tile(rng.standard_normal((lead, s, s)), (1, h, w))   # a pure period-s pattern
    assert S.checkerboard_score(pattern, s) == (pytest.approx(1.0) if s > 1 else 0.0)
    nearest = np.kron(rng.standard_normal((lead, h, w)), np.ones((s, s)))
    assert S.checkerboard_score(nearest, s) == pytest.approx(0.0, abs=1e-12)
    assert S.checkerboard_score(y + 5.0, s) == pytest.approx(score)   # a shift changes nothing


def test_checkerboard_score_edge_cases():
    assert S.checkerboard_score(np.full((6, 6), 3.0), 2) == 0.0
    almost = np.full((6, 6), 1.0) + 1e-16 * np.arange(36).reshape(6, 6)
    assert S.checkerboard_score(almost, 2) == 0.0                    # rounding is not a pattern
    board = np.indices((5, 7)).sum(axis=0) % 2                       # ints; odd sizes cropped to 4x6
    assert S.checkerboard_score(board, 2) == 1.0
    assert S.checkerboard_score(board.astype(np.float32), 2) == pytest.approx(1.0)
    assert S.checkerboard_score(np.random.default_rng(0).standard_normal((4, 4)), 1) == 0.0


@pytest.mark.parametrize("call, error, message", [
    (lambda: S.checkerboard_score(np.ones(4), 2), ValueError, "at least 2 dimensions, got shape (4,)"),
    (lambda: S.checkerboard_score(np.ones((3, 8)), 4), ValueError, "at least stride x stride = 4x4 pixels"),
    (lambda: S.checkerboard_score(np.ones((0, 8)), 2), ValueError, "must not be empty"),
    (lambda: S.checkerboard_score(np.ones((4, 4)), 0), ValueError, "stride must be positive, got 0"),
    (lambda: S.checkerboard_score(torch.ones(4, 4), 2), TypeError, "y must be a numpy.ndarray, got Tensor"),
])
def test_checkerboard_score_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


# ------------------------------------------------------------------------------------------------- the modules

def test_modules_shapes_and_initialisation():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 3, 5, 6, generator=g)
    sub = S.SubPixelConv2d(3, 4, 2, generator=torch.Generator().manual_seed(1))
    icnr = S.SubPixelConv2d(3, 4, 2, init="icnr", generator=torch.Generator().manual_seed(1))
    rc = S.ResizeConv2d(3, 4, 2, generator=torch.Generator().manual_seed(1))
    rcb = S.ResizeConv2d(3, 4, 3, mode="bilinear", bias=True)
    for layer, factor in ((sub, 2), (icnr, 2), (rc, 2), (rcb, 3)):
        assert layer(x).shape == (2, 4, 5 * factor, 6 * factor)
    with torch.no_grad():
        out = icnr(x).double().numpy()
        assert S.checkerboard_score(out, 2) == pytest.approx(0.0, abs=1e-9)
        assert S.checkerboard_score(sub(torch.ones(1, 3, 8, 8))[..., 2:-2, 2:-2].double().numpy(), 2) > 0.9
        assert S.checkerboard_score(rc(torch.ones(1, 3, 8, 8))[..., 2:-2, 2:-2].double().numpy(), 2) == 0.0
    assert "init='icnr'" in repr(icnr) and "mode='bilinear'" in repr(rcb)
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        S.SubPixelConv2d(1, 1, 2, kernel_size=4)
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        S.ResizeConv2d(1, 1, 2, kernel_size=2)
    with pytest.raises(ValueError, match="init must be one of 'default', 'icnr'"):
        S.SubPixelConv2d(1, 1, 2, init="he")
    with pytest.raises(ValueError, match="mode must be one of 'nearest', 'bilinear'"):
        S.ResizeConv2d(1, 1, 2, mode="bicubic")
    with pytest.raises(ValueError, match="in_channels must be positive"):
        S.SubPixelConv2d(0, 1, 2)


# ------------------------------------------------------------------------------------- the chapter's results file

def _script():
    spec = importlib.util.spec_from_file_location("subpixel_fcn_script", ROOT / "tools" / "subpixel_fcn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_results_file_matches_the_code():
    """The table in the chapter comes from notebooks/results/subpixel_fcn.json; rerun
    `.venv/bin/python tools/subpixel_fcn.py` when this fails (the code or settings changed since)."""
    script = _script()
    result = json.loads(script.RESULTS.read_text())
    assert result["settings"] == json.loads(json.dumps(script.SETTINGS))
    assert result["code_hash"] == script.code_hash(), (
        "notebooks/results/subpixel_fcn.json is stale: its code hash does not match the code of "
        f"{', '.join(m.__name__ for m in script.modules())}; rerun .venv/bin/python tools/subpixel_fcn.py")
    kinds, seeds = result["settings"]["kinds"], result["settings"]["seeds"]
    assert len(result["runs"]) == len(kinds) * len(seeds) and len(seeds) >= 3
    assert set(result["cpu_runs"]) == set(script.CPUS)
    assert script.summarise(result) == result["summary"]


def test_code_hash_changes_with_the_settings():
    script = _script()
    assert script.code_hash(dict(script.SETTINGS, epochs=1)) != script.code_hash()


def test_library_loader_checks_the_hash_and_says_what_to_do_without_a_clone(tmp_path, monkeypatch):
    from updown import results

    assert results.find_root("subpixel_fcn") == ROOT
    assert results.load_checked("subpixel_fcn") == json.loads(_script().RESULTS.read_text())
    # a copy of the repository's two files whose recorded hash is wrong: refused as stale
    (tmp_path / "notebooks" / "results").mkdir(parents=True)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "subpixel_fcn.py").write_text((ROOT / "tools" / "subpixel_fcn.py").read_text())
    stale = dict(json.loads(_script().RESULTS.read_text()), code_hash="0" * 16)
    (tmp_path / "notebooks" / "results" / "subpixel_fcn.json").write_text(json.dumps(stale))
    monkeypatch.setattr(results, "_candidates", lambda: [tmp_path])
    with pytest.raises(results.ResultsUnavailable, match="is stale: its code hash '0000000000000000'"):
        results.load_checked("subpixel_fcn")
    # no clone at all (Colab): one line that says where the table comes from, no StopIteration
    monkeypatch.setattr(results, "_candidates", lambda: [tmp_path / "elsewhere"])
    with pytest.raises(results.ResultsUnavailable, match="from a clone of the repository") as info:
        results.load_checked("subpixel_fcn")
    assert info.value._render_traceback_() == [f"ResultsUnavailable: {info.value}"]
    with pytest.raises(ValueError, match="name must be the name of a results file"):
        results.find_root("../x")
