"""Blur pooling and max-blur pooling (updown.pooling, updown.antialias) against Zhang's antialiased-cnns, the
anti-aliased FCN, shift consistency, and the chapter's results file."""
import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from updown import antialias, fcn, pooling

ROOT = Path(__file__).resolve().parents[1]


def _reference():
    """antialiased_cnns/blurpool.py alone (the package's __init__ imports torchvision, which the book does not use)."""
    spec = importlib.util.find_spec("antialiased_cnns")
    path = Path(spec.submodule_search_locations[0]) / "blurpool.py"
    module_spec = importlib.util.spec_from_file_location("antialiased_cnns_blurpool", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


REF = _reference()


def _ref_blur(x, filt_size, stride, pad_off=0):
    layer = REF.BlurPool(x.shape[1], pad_type="reflect", filt_size=filt_size, stride=stride, pad_off=pad_off)
    return layer(torch.from_numpy(x)).numpy()


def _ref_max_blur(x, kernel_size, filt_size, stride):
    layer = torch.nn.Sequential(torch.nn.MaxPool2d(kernel_size, stride=1),
                                REF.BlurPool(x.shape[1], filt_size=filt_size, stride=stride))
    return layer(torch.from_numpy(x)).numpy()


# ------------------------------------------------------------------------------------- binomial filters

@pytest.mark.parametrize("size", range(1, 12))
def test_binomial_filter_is_pascals_row_over_its_sum(size):
    expected = np.array([math.comb(size - 1, a) for a in range(size)]) / 2 ** (size - 1)
    assert np.array_equal(pooling.binomial_filter(size), expected)
    assert np.array_equal(pooling._binomial_filter_core(size), expected)


@pytest.mark.parametrize("size", pooling.BLUR_FILTER_SIZES)
def test_binomial_filter_is_the_references_filter(size):
    ref = REF.BlurPool(1, filt_size=size).filt[0, 0].double().numpy()
    a = pooling.binomial_filter(size)
    np.testing.assert_allclose(np.outer(a, a), ref, rtol=1e-7, atol=0)


# ------------------------------------------------------------------------------------- parity with antialiased-cnns

@given(f=st.sampled_from(pooling.BLUR_FILTER_SIZES), s=st.integers(1, 4), off=st.integers(0, 2),
       n=st.integers(1, 2), c=st.integers(1, 3), h=st.integers(6, 17), w=st.integers(6, 17),
       seed=st.integers(0, 2 ** 16))
def test_blur_pool2d_matches_the_reference(f, s, off, n, c, h, w, seed):
    x = np.random.default_rng(seed).standard_normal((n, c, h, w)).astype(np.float32)
    before = x.copy()
    ref = _ref_blur(x, f, s, off)
    ours = pooling.blur_pool2d(x, f, s, off)
    assert ours.shape == ref.shape == (n, c, (h - 1 + 2 * off) // s + 1, (w - 1 + 2 * off) // s + 1)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, ref, rtol=0, atol=2e-6)
    torch_ours = antialias.BlurPool2d(c, f, s, off)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(torch_ours, ref, rtol=0, atol=2e-6)
    assert np.array_equal(x, before)


@given(k=st.integers(1, 3), f=st.sampled_from(pooling.BLUR_FILTER_SIZES), s=st.integers(1, 3),
       c=st.integers(1, 3), h=st.integers(7, 16), w=st.integers(7, 16), seed=st.integers(0, 2 ** 16))
def test_max_blur_pool2d_matches_the_reference(k, f, s, c, h, w, seed):
    x = np.random.default_rng(seed).standard_normal((2, c, h, w)).astype(np.float32)
    ref = _ref_max_blur(x, k, f, s)
    ours = pooling.max_blur_pool2d(x, k, f, s)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=0, atol=2e-6)
    module = antialias.MaxBlurPool2d(c, k, f, s)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(module, ref, rtol=0, atol=2e-6)


def test_defaults_are_the_references():
    x = np.random.default_rng(0).standard_normal((1, 2, 12, 12)).astype(np.float32)
    np.testing.assert_allclose(pooling.blur_pool2d(x), _ref_blur(x, 4, 2), atol=2e-6)
    np.testing.assert_allclose(pooling.max_blur_pool2d(x), _ref_max_blur(x, 2, 4, 2), atol=2e-6)


def test_filter_size_one_is_plain_subsampling():
    x = np.arange(2 * 7 * 9, dtype=np.float64).reshape(1, 2, 7, 9)
    assert np.array_equal(pooling.blur_pool2d(x, 1, 3), x[..., ::3, ::3])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_kept_and_three_dimensional_input_works(dtype):
    x = np.random.default_rng(1).random((3, 10, 8)).astype(dtype)
    y = pooling.blur_pool2d(x)
    assert y.dtype == dtype and y.shape == (3, 5, 4)
    np.testing.assert_allclose(y, pooling.blur_pool2d(x[None].astype(np.float64))[0],
                               atol=2e-3 if dtype == np.float16 else 1e-6)
    assert pooling.max_blur_pool2d(x).dtype == dtype


def test_a_constant_stays_constant_and_the_mean_is_kept():
    x = np.full((1, 1, 9, 9), 2.5)
    assert np.allclose(pooling.blur_pool2d(x, 7, 2), 2.5)
    assert np.allclose(pooling.max_blur_pool2d(x, 3, 5, 2), 2.5)


# ------------------------------------------------------------------------------------- the teaching cores

@given(f=st.sampled_from(pooling.BLUR_FILTER_SIZES), s=st.integers(1, 3), h=st.integers(6, 14),
       seed=st.integers(0, 2 ** 16))
def test_cores_agree_with_the_public_functions(f, s, h, seed):
    x = np.random.default_rng(seed).standard_normal((2, 2, h, h + 1))
    xp = np.pad(x, [(0, 0), (0, 0), ((f - 1) // 2, f // 2), ((f - 1) // 2, f // 2)], mode="reflect")
    filt = pooling._binomial_filter_core(f)
    assert np.array_equal(pooling._blur_pool2d_core(xp, filt, s), pooling.blur_pool2d(x, f, s))
    for k in (1, 2, 3):
        assert np.array_equal(pooling._max_blur_pool2d_core(x, k, filt, s),
                              pooling.max_blur_pool2d(x, k, f, s))


def test_blur_core_is_the_two_dimensional_sum():
    rng = np.random.default_rng(3)
    xp, f, s = rng.standard_normal((7, 9)), pooling._binomial_filter_core(4), 2
    y = pooling._blur_pool2d_core(xp, f, s)
    kernel = np.outer(f, f)
    by_hand = np.array([[(kernel * xp[s * i:s * i + 4, s * j:s * j + 4]).sum() for j in range(y.shape[1])]
                        for i in range(y.shape[0])])
    np.testing.assert_allclose(y, by_hand, atol=1e-12)


# ------------------------------------------------------------------------------------- ceil mode and the FCN

@pytest.mark.parametrize("h, w", [(7, 9), (8, 8), (5, 12), (11, 6)])
@pytest.mark.parametrize("k", [2, 3])
def test_ceil_mode_gives_max_pool_ceil_sizes_and_the_module_agrees(h, w, k):
    x = np.random.default_rng(h * w).standard_normal((2, 3, h, w)).astype(np.float32)
    ours = pooling.max_blur_pool2d(x, k, 4, k, ceil_mode=True)
    want = torch.nn.functional.max_pool2d(torch.from_numpy(x), k, k, ceil_mode=True).shape
    assert ours.shape == tuple(want)
    module = antialias.MaxBlurPool2d(3, k, 4, k, ceil_mode=True)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(module, ours, atol=2e-6)
    assert np.isfinite(ours).all()


@pytest.mark.parametrize("size", [(96, 96), (88, 88), (95, 61), (37, 50)])
def test_antialias_fcn_keeps_sizes_weights_and_the_original(size, one_torch_thread):
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = fcn.FCN(variant="8s")
    state = {k: v.clone() for k, v in model.state_dict().items()}
    aa = antialias.antialias_fcn(model)
    pools = [m for m in aa.modules() if isinstance(m, antialias.MaxBlurPool2d)]
    assert len(pools) == 5 and not any(isinstance(m, torch.nn.MaxPool2d) for m in aa.modules())
    assert [p.blur.channels for p in pools] == [16, 32, 64, 96, 128]
    assert sum(p.numel() for p in aa.parameters()) == sum(p.numel() for p in model.parameters())
    x = torch.randn(1, 3, *size)
    with torch.no_grad():
        a, b = model.eval().trace(x), aa.eval().trace(x)
    assert {k: v.shape for k, v in a.items()} == {k: v.shape for k, v in b.items()}
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in state.items())
    assert isinstance(model.stages[0][-1], torch.nn.MaxPool2d)
    assert not torch.equal(a["pool1"], b["pool1"])


# ------------------------------------------------------------------------------------- shift consistency

def _brute_consistency(predict, images, m):
    h, w = images.shape[-2:]
    base = predict(images[..., :h - m, :w - m])
    out = []
    for d in range(1, m + 1):
        down = predict(images[..., d:h - m + d, :w - m])
        right = predict(images[..., :h - m, d:w - m + d])
        same_down = [base[n, i + d, j] == down[n, i, j] for n in range(base.shape[0])
                     for i in range(base.shape[1] - d) for j in range(base.shape[2])]
        same_right = [base[n, i, j + d] == right[n, i, j] for n in range(base.shape[0])
                      for i in range(base.shape[1]) for j in range(base.shape[2] - d)]
        out.append((np.mean(same_down) + np.mean(same_right)) / 2)
    return np.array(out)


def _pixelwise(x):
    return (x[:, 0] > 0.5).astype(np.int64)


def _grid(x):
    """Labels from a stride-2 grid, repeated: moves in steps of 2 pixels, so odd shifts disagree."""
    coarse = (x[:, 0, ::2, ::2] > 0.5).astype(np.int64)
    return np.repeat(np.repeat(coarse, 2, 1), 2, 2)[:, :x.shape[-2], :x.shape[-1]]


def test_a_pixelwise_predictor_is_perfectly_consistent():
    x = np.random.default_rng(0).random((2, 1, 12, 10))
    assert antialias.shift_consistency(_pixelwise, x, 3) == 1.0


def test_shift_consistency_matches_brute_force_and_sees_the_grid():
    x = np.random.default_rng(1).random((2, 1, 14, 13))
    per_shift = antialias.shift_consistency(_grid, x, 4, per_shift=True)
    np.testing.assert_allclose(per_shift, _brute_consistency(_grid, x, 4), atol=1e-12)
    assert per_shift[1] == per_shift[3] == 1.0 and per_shift[0] < 0.9 and per_shift[2] < 0.9
    assert antialias.shift_consistency(_grid, x, 4) == pytest.approx(per_shift.mean())
    core = antialias._shift_consistency_core(_grid(x), _grid(x), 1, -1)
    assert 0 < core < 1


@pytest.mark.parametrize("call, error, message", [
    (lambda: antialias.shift_consistency(3, np.zeros((1, 1, 4, 4)), 1), TypeError, "predict must be a callable"),
    (lambda: antialias.shift_consistency(_pixelwise, [[0.0]], 1), TypeError, "images must be a numpy.ndarray"),
    (lambda: antialias.shift_consistency(_pixelwise, np.zeros((1, 1, 4, 4), int), 1), TypeError,
     "images must have a floating dtype, got dtype int64"),
    (lambda: antialias.shift_consistency(_pixelwise, np.zeros((1, 4, 4)), 1), ValueError,
     r"images must have shape \(N, C, H, W\)"),
    (lambda: antialias.shift_consistency(_pixelwise, np.zeros((1, 1, 4, 4)), 0), ValueError,
     "max_shift must be positive, got 0"),
    (lambda: antialias.shift_consistency(_pixelwise, np.zeros((1, 1, 4, 6)), 4), ValueError,
     r"max_shift must be smaller than the images' height and width \(4x6\), got 4"),
    (lambda: antialias.shift_consistency(_pixelwise, np.zeros((1, 1, 4, 4)), 1.5), TypeError, "max_shift must be"),
    (lambda: antialias.shift_consistency(_pixelwise, np.zeros((1, 1, 4, 4)), 1, per_shift=1), TypeError,
     "per_shift must be True or False"),
    (lambda: antialias.shift_consistency(lambda x: x[:, 0, :1], np.zeros((1, 1, 4, 4)), 1), ValueError,
     r"predict must return labels of shape \(1, 3, 3\)"),
])
def test_shift_consistency_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ------------------------------------------------------------------------------------- errors of the operators

X = np.zeros((1, 1, 8, 8), dtype=np.float32)


@pytest.mark.parametrize("call, error, message", [
    (lambda: pooling.binomial_filter(0), ValueError, "size must be positive, got 0"),
    (lambda: pooling.binomial_filter(2.0), TypeError, "size must be an int"),
    (lambda: pooling.blur_pool2d([[1.0]]), TypeError, "x must be a numpy.ndarray, got list"),
    (lambda: pooling.blur_pool2d(X.astype(int)), TypeError, "x must have a floating dtype .* got dtype int64"),
    (lambda: pooling.blur_pool2d(X[0, 0]), ValueError, r"x must have shape \(N, C, H, W\) or \(C, H, W\), got shape"),
    (lambda: pooling.blur_pool2d(np.zeros((1, 0, 4, 4))), ValueError, "x must have non-zero C, H and W"),
    (lambda: pooling.blur_pool2d(X, 8), ValueError, "filt_size must be an int from 1 to 7 .* got 8"),
    (lambda: pooling.blur_pool2d(X, 0), ValueError, "filt_size must be positive, got 0"),
    (lambda: pooling.blur_pool2d(X, 4, 0), ValueError, "stride must be positive, got 0"),
    (lambda: pooling.blur_pool2d(X, 4, 2, -1), ValueError, "pad_off must be non-negative, got -1"),
    (lambda: pooling.blur_pool2d(X, 4, 2.0), TypeError, "stride must be an int"),
    (lambda: pooling.blur_pool2d(np.zeros((1, 3, 3), np.float32), 7), ValueError,
     "reflect padding of 3 pixels needs x of at least 4 pixels along H and W, got 3x3"),
    (lambda: pooling.max_blur_pool2d(X, 9), ValueError, r"kernel_size must be at most the input's height and width"),
    (lambda: pooling.max_blur_pool2d(X, 0), ValueError, "kernel_size must be positive, got 0"),
    (lambda: pooling.max_blur_pool2d(X, ceil_mode="yes"), TypeError, "ceil_mode must be True or False"),
    (lambda: pooling.max_blur_pool2d(X, 6, 7), ValueError,
     r"reflect padding of 3 pixels needs the dense max of at least 4 pixels .* got 3"),
    (lambda: antialias.BlurPool2d(0), ValueError, "channels must be positive, got 0"),
    (lambda: antialias.BlurPool2d(2, 9), ValueError, "filt_size must be an int from 1 to 7"),
    (lambda: antialias.MaxBlurPool2d(2, ceil_mode=None), TypeError, "ceil_mode must be True or False"),
    (lambda: antialias.antialias_fcn(torch.nn.Conv2d(1, 1, 1)), TypeError, "model must be an updown.fcn.FCN, got Conv2d"),
    (lambda: antialias.antialias_fcn(fcn.FCN(), 0), ValueError, "filt_size must be positive, got 0"),
])
def test_errors_name_the_argument_and_the_value(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ------------------------------------------------------------------------------------- the chapter's results file

def _script():
    spec = importlib.util.spec_from_file_location("blurpool_fcn_script", ROOT / "tools" / "blurpool_fcn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_results_file_matches_the_code():
    """The chapter's table comes from notebooks/results/blurpool_fcn.json; rerun
    `.venv/bin/python tools/blurpool_fcn.py` when this fails (the code or settings changed since)."""
    script = _script()
    result = json.loads(script.RESULTS.read_text())
    assert result["settings"] == json.loads(json.dumps(script.SETTINGS))
    assert result["code_hash"] == script.code_hash(), (
        "notebooks/results/blurpool_fcn.json is stale: rerun .venv/bin/python tools/blurpool_fcn.py")
    kinds, seeds = result["settings"]["kinds"], result["settings"]["seeds"]
    assert len(result["runs"]) == len(kinds) * len(seeds) and len(seeds) >= 3
    assert set(result["cpu_runs"]) == set(script.CPUS)
    assert script.summarise(result) == json.loads(json.dumps(result["summary"]))


def test_code_hash_changes_with_the_settings_and_the_code_not_the_docstrings():
    script = _script()
    assert script.code_hash(dict(script.SETTINGS, filt_size=3)) != script.code_hash()
    source = 'def f(x):\n    """Doc."""\n    return x + 1\n'
    assert script._code_only(source) == script._code_only(source.replace("Doc.", "Other words."))
    assert script._code_only(source) != script._code_only(source.replace("x + 1", "x + 2"))
