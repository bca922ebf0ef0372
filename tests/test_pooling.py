"""Tests of updown.pooling: parity with torch.nn.functional over random parameters, edge cases, every error."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from updown import pooling as P

FLOATS = {"float32": (np.float32, 2e-6), "float64": (np.float64, 1e-12)}


def as_arg(draw, pair):
    """An argument as PyTorch accepts it: an int when both entries agree (sometimes), else a tuple or a list."""
    if pair[0] == pair[1] and draw(st.booleans()):
        return pair[0]
    return draw(st.sampled_from([tuple, list]))(pair)


@st.composite
def pool_case(draw, dilation=True, valid=True, dtypes=("float32", "float64")):
    """Random pooling parameters and an input. With ``valid=False`` paddings and sizes may break PyTorch's rules."""
    k = tuple(draw(st.integers(1, 4)) for _ in range(2))
    s = tuple(draw(st.integers(1, 3)) for _ in range(2))
    d = tuple(draw(st.integers(1, 3)) for _ in range(2)) if dilation else (1, 1)
    if valid:
        p = tuple(draw(st.integers(0, ki // 2)) for ki in k)
    else:
        p = tuple(draw(st.integers(0, ki // 2 + 1)) for ki in k)
    span = [di * (ki - 1) + 1 for di, ki in zip(d, k)]
    lo = [max(1, sp - 2 * pi) for sp, pi in zip(span, p)] if valid else [1, 1]
    size = tuple(draw(st.integers(l, l + 7)) for l in lo)
    lead = draw(st.sampled_from([(1,), (2,), (1, 1), (2, 3), (1, 2)]))
    dtype = draw(st.sampled_from(dtypes))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal(lead + size)
    if draw(st.booleans()):
        x = np.round(x)  # many ties: the index of the first maximum matters
    if draw(st.integers(0, 3)) == 0:
        x[rng.random(x.shape) < 0.3] = -np.inf
    if draw(st.integers(0, 3)) == 0:
        x[rng.random(x.shape) < 0.15] = np.nan
    if dtype in FLOATS:
        x = x.astype(FLOATS[dtype][0])
    else:
        x = np.nan_to_num(x * 40, nan=0, neginf=-100).astype(dtype)
    kw = dict(kernel_size=as_arg(draw, k), stride=draw(st.sampled_from([None, as_arg(draw, s)])),
              padding=as_arg(draw, p), ceil_mode=draw(st.booleans()))
    if dilation:
        kw["dilation"] = as_arg(draw, d)
    return x, kw


def torch_or_error(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except (RuntimeError, ValueError):
        return None


# ----------------------------------------------------------------------------------------------------------------
# parity with PyTorch
# ----------------------------------------------------------------------------------------------------------------

@given(pool_case())
def test_max_pool2d_values_and_indices_match_torch(case):
    x, kw = case
    before = x.copy()
    y, idx = P.max_pool2d(x, **kw, return_indices=True)
    ref, ref_idx = F.max_pool2d(torch.from_numpy(x), **kw, return_indices=True)
    assert y.dtype == x.dtype and idx.dtype == np.int64
    assert np.array_equal(y, ref.numpy(), equal_nan=True)
    assert np.array_equal(idx, ref_idx.numpy())
    assert np.array_equal(P.max_pool2d(x, **kw), y, equal_nan=True)
    assert np.array_equal(x, before, equal_nan=True)


@given(pool_case(dtypes=("int64", "int32", "int16", "uint8")))
def test_max_pool2d_integers_match_torch(case):
    x, kw = case
    y, idx = P.max_pool2d(x, **kw, return_indices=True)
    ref, ref_idx = F.max_pool2d(torch.from_numpy(x), **kw, return_indices=True)
    assert y.dtype == x.dtype
    assert np.array_equal(y, ref.numpy()) and np.array_equal(idx, ref_idx.numpy())


@given(pool_case(dilation=False), st.booleans(), st.sampled_from([None, 1, 3, -2, 7]))
def test_avg_pool2d_matches_torch(case, count_include_pad, divisor_override):
    x, kw = case
    x = np.nan_to_num(x, nan=0.25, neginf=-2.0)
    before = x.copy()
    y = P.avg_pool2d(x, **kw, count_include_pad=count_include_pad, divisor_override=divisor_override)
    ref = F.avg_pool2d(torch.from_numpy(x), **kw, count_include_pad=count_include_pad,
                       divisor_override=divisor_override).numpy()
    tol = FLOATS[x.dtype.name][1]
    assert y.dtype == x.dtype and y.shape == ref.shape
    assert np.allclose(y, ref, rtol=tol, atol=tol)
    assert np.array_equal(x, before)


@given(pool_case(dilation=False, dtypes=("int64",)), st.booleans(), st.sampled_from([None, 3, -2]))
def test_avg_pool2d_int64_truncates_like_torch(case, count_include_pad, divisor_override):
    x, kw = case
    y = P.avg_pool2d(x, **kw, count_include_pad=count_include_pad, divisor_override=divisor_override)
    ref = F.avg_pool2d(torch.from_numpy(x), **kw, count_include_pad=count_include_pad,
                       divisor_override=divisor_override).numpy()
    assert y.dtype == np.int64 and np.array_equal(y, ref)


@given(pool_case(valid=False))
def test_same_inputs_rejected_as_torch(case):
    """Padding over half the kernel, windows that do not fit: we raise ValueError exactly when PyTorch refuses."""
    x, kw = case
    ref = torch_or_error(F.max_pool2d, torch.from_numpy(x), **kw)
    if ref is None:
        with pytest.raises(ValueError, match="padding|window"):
            P.max_pool2d(x, **kw)
    else:
        assert np.array_equal(P.max_pool2d(x, **kw), ref.numpy(), equal_nan=True)


@given(st.integers(1, 12), st.integers(1, 5), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3), st.booleans())
def test_pool_output_size_matches_torch(size, k, s, p, d, ceil_mode):
    ref = torch_or_error(F.max_pool2d, torch.zeros(1, 1, size, 1), (k, 1), (s, 1), (p, 0), (d, 1), ceil_mode)
    if ref is None:
        with pytest.raises(ValueError, match="padding|window"):
            P.pool_output_size(size, k, s, p, d, ceil_mode)
    else:
        assert P.pool_output_size(size, k, s, p, d, ceil_mode) == ref.shape[2]


@given(pool_case(dilation=False), st.data())
def test_max_unpool2d_matches_torch(case, data):
    x, kw = case
    kw.pop("ceil_mode")
    x = np.nan_to_num(x, nan=0.5)
    y, idx = P.max_pool2d(x, **kw, return_indices=True)
    k = P._geometry(x, kw["kernel_size"], kw["stride"], kw["padding"], 1, False)
    (kh, kw_), (sh, sw), (ph, pw), _, (ho, wo) = k
    default = ((ho - 1) * sh + kh - 2 * ph, (wo - 1) * sw + kw_ - 2 * pw)
    size = data.draw(st.sampled_from([None, "input", "random"]))
    if size == "input":
        size = x.shape[-2:] if all(dv - sv < xs < dv + sv for dv, sv, xs in zip(default, (sh, sw), x.shape[-2:])) \
            else None
    elif size == "random":
        size = tuple(data.draw(st.integers(max(1, dv - sv + 1), dv + sv - 1)) for dv, sv in zip(default, (sh, sw)))
    before_y, before_i = y.copy(), idx.copy()
    if size is None and min(default) < 1:
        # PyTorch returns an empty tensor here, dropping every value without a word; we refuse.
        with pytest.raises(ValueError, match="the default output size"):
            P.max_unpool2d(y, idx, **kw)
        return
    ref = torch_or_error(F.max_unpool2d, torch.from_numpy(y), torch.from_numpy(idx), **kw, output_size=size)
    if ref is None:  # an index beyond the requested size
        with pytest.raises(ValueError, match="indices must lie in"):
            P.max_unpool2d(y, idx, **kw, output_size=size)
        return
    got = P.max_unpool2d(y, idx, **kw, output_size=size)
    assert got.dtype == y.dtype and np.array_equal(got, ref.numpy())
    assert np.array_equal(y, before_y) and np.array_equal(idx, before_i)


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_max_unpool2d_of_arbitrary_unique_indices(h, w, c, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((c, h, w))
    idx = np.stack([rng.permutation(4 * h * w)[:h * w] for _ in range(c)]).reshape(c, h, w)
    got = P.max_unpool2d(x, idx, 2)
    ref = F.max_unpool2d(torch.from_numpy(x), torch.from_numpy(idx), 2).numpy()
    assert got.shape == (c, 2 * h, 2 * w) and np.array_equal(got, ref)


# ----------------------------------------------------------------------------------------------------------------
# edge cases
# ----------------------------------------------------------------------------------------------------------------

def test_nan_goes_to_last_nan_and_ties_to_first_maximum():
    x = np.array([[[[np.nan, 1.0, np.nan, 2.0], [2.0, 0.0, 2.0, 2.0]]]])
    y, idx = P.max_pool2d(x, (1, 4), return_indices=True)
    assert np.isnan(y[0, 0, 0, 0]) and idx[0, 0, 0, 0] == 2
    assert y[0, 0, 1, 0] == 2.0 and idx[0, 0, 1, 0] == 4


def test_window_of_minus_inf_points_to_its_first_pixel_inside_the_input():
    x = np.full((1, 1, 3, 3), -np.inf, dtype=np.float32)
    y, idx = P.max_pool2d(x, 3, 2, 1, return_indices=True)
    assert np.all(np.isneginf(y))
    assert idx[0, 0].tolist() == [[0, 1], [3, 4]]


def test_window_of_padding_only_gives_minus_inf_and_torch_s_index():
    # k = 2, d = 3, p = 1 on 2 rows: the one window reads padded rows 0 and 3, both padding
    x = np.array([[1.0], [2.0]])[None, None]
    kw = dict(kernel_size=(2, 1), padding=(1, 0), dilation=(3, 1), return_indices=True)
    y, idx = P.max_pool2d(x, **kw)
    y_ref, idx_ref = F.max_pool2d(torch.from_numpy(x), **kw)
    assert np.isneginf(y).all() and np.array_equal(y, y_ref.numpy())
    assert np.array_equal(idx, idx_ref.numpy())


def test_ceil_mode_drops_a_window_starting_in_the_right_padding():
    # ceil((5 + 2 - 2) / 2) + 1 = 4, but the 4th window would start at 6 = size + padding: PyTorch keeps 3.
    assert P.pool_output_size(5, 2, 2, 1, 1, ceil_mode=True) == 3
    assert P.pool_output_size(5, 2, 2, 0, 1, ceil_mode=True) == 3
    assert P.pool_output_size(5, 2, 2, 0, 1, ceil_mode=False) == 2
    assert P.pool_output_size(1, 3, 3, ceil_mode=True) == 1  # a window larger than the input, allowed as PyTorch
    assert P.pool_output_size(7, 3) == 2


def test_ceil_mode_average_does_not_count_the_overhang():
    x = np.arange(25, dtype=np.float64).reshape(1, 1, 5, 5)
    y = P.avg_pool2d(x, 2, ceil_mode=True)
    assert y.shape == (1, 1, 3, 3)
    assert y[0, 0, 2, 2] == 24.0 and y[0, 0, 0, 2] == (4 + 9) / 2


def test_count_include_pad_changes_the_border_divisor_only():
    x = np.ones((1, 1, 4, 4))
    with_pad = P.avg_pool2d(x, 3, 1, 1, count_include_pad=True)
    without = P.avg_pool2d(x, 3, 1, 1, count_include_pad=False)
    assert with_pad[0, 0, 0, 0] == pytest.approx(4 / 9) and with_pad[0, 0, 1, 1] == 1.0
    assert np.all(without == 1.0)


def test_three_dimensional_input_and_empty_batch():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 5, 6)).astype(np.float32)
    y, idx = P.max_pool2d(x, 2, return_indices=True)
    ref, ref_idx = F.max_pool2d(torch.from_numpy(x), 2, return_indices=True)
    assert y.shape == (2, 2, 3) and np.array_equal(y, ref.numpy()) and np.array_equal(idx, ref_idx.numpy())
    assert np.allclose(P.avg_pool2d(x, 3, 2, 1), F.avg_pool2d(torch.from_numpy(x), 3, 2, 1).numpy(), atol=1e-6)
    assert np.array_equal(P.max_unpool2d(y, idx, 2, output_size=(5, 6)),
                          F.max_unpool2d(ref, ref_idx, 2, output_size=(5, 6)).numpy())
    empty = np.zeros((0, 2, 4, 4))
    assert P.max_pool2d(empty, 2).shape == (0, 2, 2, 2) and P.avg_pool2d(empty, 2).shape == (0, 2, 2, 2)


def test_float16_and_non_contiguous_inputs():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 2, 9, 7)).astype(np.float16)
    ref = F.avg_pool2d(torch.from_numpy(x), 3, 2, 1).numpy()
    got = P.avg_pool2d(x, 3, 2, 1)
    assert got.dtype == np.float16 and np.allclose(got.astype(float), ref.astype(float), atol=2e-3)
    xt = rng.standard_normal((1, 2, 7, 9)).swapaxes(-1, -2)  # a view with swapped strides
    y, idx = P.max_pool2d(xt, 2, 1, return_indices=True)
    ref, ref_idx = F.max_pool2d(torch.from_numpy(np.ascontiguousarray(xt)), 2, 1, return_indices=True)
    assert np.array_equal(y, ref.numpy()) and np.array_equal(idx, ref_idx.numpy())


def test_unpool_of_overlapping_windows_keeps_each_maximum_once():
    x = np.array([[[[0.0, 1, 0, 0], [0, 0, 0, 5], [2, 0, 0, 0], [0, 0, 3, 0]]]])
    y, idx = P.max_pool2d(x, 3, 1, return_indices=True)
    back = P.max_unpool2d(y, idx, 3, 1)
    assert back.shape == x.shape
    assert np.array_equal(back, np.where(np.isin(np.arange(16), idx.ravel()).reshape(x.shape), x, 0))
    assert np.array_equal(back, F.max_unpool2d(torch.from_numpy(y), torch.from_numpy(idx), 3, 1).numpy())


# ----------------------------------------------------------------------------------------------------------------
# errors: each names the argument and the value
# ----------------------------------------------------------------------------------------------------------------

X = np.zeros((1, 1, 4, 4))
Y, IDX = P.max_pool2d(np.arange(16.0).reshape(1, 1, 4, 4), 2, return_indices=True)

POOL_ERRORS = [
    (dict(x=[[1.0]]), TypeError, r"x must be a numpy.ndarray, got list"),
    (dict(x=np.zeros((1, 1, 4, 4), bool)), TypeError, r"x must have a floating or integer dtype .*got dtype bool"),
    (dict(x=np.zeros((4, 4))), ValueError, r"x must have shape \(N, C, H, W\) or \(C, H, W\), got shape \(4, 4\)"),
    (dict(x=np.zeros((1, 1, 1, 4, 4))), ValueError, r"got shape \(1, 1, 1, 4, 4\) \(5 dimensions\)"),
    (dict(x=np.zeros((1, 1, 0, 4))), ValueError, r"x must have non-zero C, H and W, got shape \(1, 1, 0, 4\)"),
    (dict(kernel_size=0), ValueError, r"kernel_size must be positive, got 0"),
    (dict(kernel_size=(2, -1)), ValueError, r"kernel_size must be positive, got \(2, -1\)"),
    (dict(kernel_size=2.0), TypeError, r"kernel_size must be an int or a sequence of 2 ints, got 2.0"),
    (dict(kernel_size=(2, 2, 2)), ValueError, r"kernel_size must be an int or a sequence of 2 ints, got \(2, 2, 2\)"),
    (dict(stride=0), ValueError, r"stride must be positive, got 0"),
    (dict(stride=-2), ValueError, r"stride must be positive, got -2"),
    (dict(padding=-1), ValueError, r"padding must be non-negative, got -1"),
    (dict(padding=2), ValueError, r"padding must be at most half of kernel_size, got padding=2 with kernel_size=2"),
    (dict(kernel_size=(3, 1), padding=(1, 1)), ValueError, r"padding=\(1, 1\) with kernel_size=\(3, 1\)"),
    (dict(kernel_size=5), ValueError, r"the window \(kernel_size=5, dilation=1\) is larger than the input"),
    (dict(ceil_mode=1), TypeError, r"ceil_mode must be True or False, got 1"),
]


@pytest.mark.parametrize("change, error, message", POOL_ERRORS)
def test_max_and_avg_pool_errors(change, error, message):
    kw = dict(x=X, kernel_size=2) | change
    with pytest.raises(error, match=message):
        P.max_pool2d(**kw)
    if "bool" in message:
        return
    with pytest.raises(error, match=message):
        P.avg_pool2d(**kw)


@pytest.mark.parametrize("change, error, message", [
    (dict(dilation=0), ValueError, r"dilation must be positive, got 0"),
    (dict(dilation=(1, 3)), ValueError, r"the window \(kernel_size=2, dilation=\(1, 3\)\) is larger"),
    (dict(return_indices="yes"), TypeError, r"return_indices must be True or False, got 'yes'"),
])
def test_max_pool_only_errors(change, error, message):
    with pytest.raises(error, match=message):
        P.max_pool2d(X[..., :3], **(dict(kernel_size=2) | change))


@pytest.mark.parametrize("change, error, message", [
    (dict(x=np.zeros((1, 1, 4, 4), np.int32)), TypeError, r"x must have a floating dtype or int64, got dtype int32"),
    (dict(count_include_pad=None), TypeError, r"count_include_pad must be True or False, got None"),
    (dict(divisor_override=0), ValueError, r"divisor_override must be a non-zero int or None, got 0"),
    (dict(divisor_override=2.0), TypeError, r"divisor_override must be an int .*got 2.0"),
])
def test_avg_pool_only_errors(change, error, message):
    with pytest.raises(error, match=message):
        P.avg_pool2d(**(dict(x=X, kernel_size=2) | change))


@pytest.mark.parametrize("change, error, message", [
    (dict(x=Y.tolist()), TypeError, r"x must be a numpy.ndarray, got list"),
    (dict(x=Y.astype(np.int64)), TypeError, r"x must have a floating dtype, got dtype int64"),
    (dict(x=Y[0, 0]), ValueError, r"x must have shape .*got shape \(2, 2\)"),
    (dict(indices=IDX.tolist()), TypeError, r"indices must be a numpy.ndarray, got list"),
    (dict(indices=IDX.astype(np.int32)), TypeError, r"indices must have dtype int64 .*got dtype int32"),
    (dict(indices=IDX[..., :1]), ValueError, r"indices must have the shape of x \(1, 1, 2, 2\), got shape \(1, 1, 2, 1\)"),
    (dict(indices=IDX + 1), ValueError, r"indices must lie in \[0, 16\) for an output of size 4x4, got index 16"),
    (dict(indices=IDX - 6), ValueError, r"indices must lie in \[0, 16\) .*got index -1"),
    (dict(kernel_size=0), ValueError, r"kernel_size must be positive, got 0"),
    (dict(stride=0), ValueError, r"stride must be positive, got 0"),
    (dict(padding=-1), ValueError, r"padding must be non-negative, got -1"),
    (dict(padding=3), ValueError, r"the default output size \(-2, -2\) .* is empty"),
    (dict(output_size=(4, 4, 4)), ValueError, r"output_size must be a sequence of 2 \(or 4\) ints, got \(4, 4, 4\)"),
    (dict(output_size=5), ValueError, r"output_size must be a sequence of 2 \(or 4\) ints, got 5"),
    (dict(output_size=(4.0, 4)), TypeError, r"output_size must be an int or a sequence of 2 ints, got \(4.0, 4\)"),
    (dict(output_size=(6, 4)), ValueError, r"strictly between 2 and 6 along H .*got output_size=\(6, 4\)"),
    (dict(output_size=(1, 1, 4, 2)), ValueError, r"strictly between 2 and 6 along W"),
])
def test_max_unpool_errors(change, error, message):
    with pytest.raises(error, match=message):
        P.max_unpool2d(**(dict(x=Y, indices=IDX, kernel_size=2) | change))


def test_unpool_accepts_the_range_torch_accepts():
    for size in (3, 4, 5):
        got = P.max_unpool2d(Y, np.zeros_like(IDX), 2, output_size=(size, 4))
        assert got.shape == (1, 1, size, 4)
    assert P.max_unpool2d(Y, IDX, 2, output_size=(1, 1, 5, 5)).shape == (1, 1, 5, 5)


@pytest.mark.parametrize("args, error, message", [
    ((0, 2), ValueError, r"size must be positive, got 0"),
    ((4, 0), ValueError, r"kernel_size must be positive, got 0"),
    ((4, 2, 0), ValueError, r"stride must be positive, got 0"),
    ((4, 2, 1, -1), ValueError, r"padding must be non-negative, got -1"),
    ((4, 2, 1, 0, 0), ValueError, r"dilation must be positive, got 0"),
    ((4, 3, 1, 2), ValueError, r"padding must be at most half of kernel_size \(kernel_size // 2 = 1\), got padding=2"),
    ((4, 3, 1, 0, 2), ValueError, r"the window \(dilation\*\(kernel_size-1\)\+1 = 5 pixels\) does not fit"),
    ((4, 2, 1, 0, 1, "no"), TypeError, r"ceil_mode must be True or False, got 'no'"),
    ((4.5, 2), TypeError, r"size must be an int or a sequence of 1 ints, got 4.5"),
])
def test_pool_output_size_errors(args, error, message):
    with pytest.raises(error, match=message):
        P.pool_output_size(*args)


# ----------------------------------------------------------------------------------------------------------------
# receptive field
# ----------------------------------------------------------------------------------------------------------------

@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 2)), min_size=1, max_size=4))
def test_receptive_field_is_the_support_of_the_gradient(layers):
    """The extent of the input an output pixel depends on, found by autograd through convolutions of ones."""
    ks, ss, ds = (list(v) for v in zip(*layers))
    fields = P.receptive_field(ks, ss, ds)
    size = fields[-1] + 2 * int(np.prod(ss))
    x = torch.ones(1, 1, size, 1, dtype=torch.float64, requires_grad=True)
    y, measured = x, []
    for k, s, d in layers:
        y = F.conv2d(y, torch.ones(1, 1, k, 1, dtype=torch.float64), stride=(s, 1), dilation=(d, 1))
        (grad,) = torch.autograd.grad(y[0, 0, 0, 0], x, retain_graph=True)
        touched = np.flatnonzero(grad[0, 0, :, 0].numpy())
        measured.append(int(touched[-1] - touched[0] + 1))  # the extent: dilation leaves holes inside it
    assert fields == tuple(measured)
    assert P.receptive_field(ks) == P.receptive_field(ks, ks, [1] * len(ks))


@pytest.mark.parametrize("args, error, message", [
    (([],), ValueError, r"kernel_sizes must be a non-empty sequence of ints, got \[\]"),
    ((3,), ValueError, r"kernel_sizes must be a non-empty sequence of ints, got 3"),
    (([2, 0],), ValueError, r"kernel_sizes must be positive, got \(2, 0\)"),
    (([2, 2], [2]), ValueError, r"strides must be an int or a sequence of 2 ints, got \[2\]"),
    (([2, 2], None, [1, 0]), ValueError, r"dilations must be positive, got \[1, 0\]"),
    (([2, 2.5],), TypeError, r"kernel_sizes must be an int or a sequence of 2 ints, got \(2, 2.5\)"),
])
def test_receptive_field_errors(args, error, message):
    with pytest.raises(error, match=message):
        P.receptive_field(*args)


# ----------------------------------------------------------------------------------------------------------------
# the teaching cores the chapter shows: the public functions are built on them and agree with them
# ----------------------------------------------------------------------------------------------------------------

@st.composite
def core_case(draw):
    """Per-axis kernel, stride, padding, dilation, ceil mode and a float64 input the public functions accept."""
    k = tuple(draw(st.integers(1, 4)) for _ in range(2))
    s = tuple(draw(st.integers(1, 3)) for _ in range(2))
    d = tuple(draw(st.integers(1, 3)) for _ in range(2))
    p = tuple(draw(st.integers(0, ki // 2)) for ki in k)
    size = tuple(draw(st.integers(max(1, di * (ki - 1) + 1 - 2 * pi), 12)) for ki, di, pi in zip(k, d, p))
    ceil = draw(st.booleans())
    x = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).standard_normal((2, 3) + size)
    if draw(st.booleans()):
        x = np.round(x)  # ties
    return x, k, s, p, d, ceil


def padded_by_hand(x, p, out, s, k, d, fill):
    """x framed by p pixels of fill on the top and left and enough on the bottom and right for every window."""
    need = [(o - 1) * si + di * (ki - 1) + 1 for o, si, ki, di in zip(out, s, k, d)]
    after = [max(pi, n - h - pi) for pi, n, h in zip(p, need, x.shape[-2:])]
    return np.pad(x, [(0, 0), (0, 0), (p[0], after[0]), (p[1], after[1])], constant_values=fill)


@given(core_case())
def test_output_size_core_is_the_public_rule(case):
    x, k, s, p, d, ceil = case
    for axis in range(2):
        size = x.shape[-2 + axis]
        assert (P._pool_output_size_core(size, k[axis], s[axis], p[axis], d[axis], ceil)
                == P.pool_output_size(size, k[axis], s[axis], p[axis], d[axis], ceil))


@given(core_case())
def test_max_pool2d_core_agrees_with_public_and_torch(case):
    x, k, s, p, d, ceil = case
    out = tuple(P.pool_output_size(h, ki, si, pi, di, ceil) for h, ki, si, pi, di in zip(x.shape[-2:], k, s, p, d))
    xp = padded_by_hand(x, p, out, s, k, d, -np.inf)
    before = xp.copy()
    core = P._max_pool2d_core(xp, k, s, d, out)
    assert core.shape == x.shape[:-2] + out and not np.shares_memory(core, xp)
    assert np.array_equal(core, P.max_pool2d(x, k, s, p, d, ceil))
    assert np.array_equal(core, F.max_pool2d(torch.from_numpy(x), k, s, p, d, ceil).numpy())
    assert np.array_equal(xp, before)


@given(core_case())
def test_avg_pool2d_core_agrees_with_public(case):
    x, k, s, p, _, ceil = case
    one = (1, 1)
    out = tuple(P.pool_output_size(h, ki, si, pi, 1, ceil) for h, ki, si, pi in zip(x.shape[-2:], k, s, p))
    xp = padded_by_hand(x, p, out, s, k, one, 0.0)
    # With divisor_override the divisor is one number for every window, whatever the padding.
    core = P._avg_pool2d_core(xp, k, s, out, 7.0)
    assert not np.shares_memory(core, xp)
    assert np.allclose(core, P.avg_pool2d(x, k, s, p, ceil, divisor_override=7), rtol=1e-12, atol=1e-12)
    ref = F.avg_pool2d(torch.from_numpy(x), k, s, p, ceil, divisor_override=7).numpy()
    assert np.allclose(core, ref, rtol=1e-12, atol=1e-12)


def test_avg_pool2d_core_with_a_divisor_per_window():
    x = np.arange(30.0).reshape(1, 1, 5, 6)
    xp = np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)])
    counts = np.outer([2, 3, 2], [2, 3, 3])  # 3x3 windows, stride 2, padding 1: input pixels per window
    core = P._avg_pool2d_core(xp, (3, 3), (2, 2), (3, 3), counts.astype(float))
    assert np.array_equal(core, P.avg_pool2d(x, 3, 2, 1, count_include_pad=False))
    assert core[0, 0, 0, 0] == (0 + 1 + 6 + 7) / 4


@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_max_unpool2d_core_agrees_with_public(h, w, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3, h, w))
    size = (2 * h + 1, 2 * w)
    idx = np.stack([rng.permutation(size[0] * size[1])[:h * w] for _ in range(6)]).reshape(x.shape)
    core = P._max_unpool2d_core(x, idx, size)
    assert core.shape == (2, 3) + size and np.count_nonzero(core) == np.count_nonzero(x)
    assert np.array_equal(core, P.max_unpool2d(x, idx, 2, output_size=size))
    assert np.array_equal(core, F.max_unpool2d(torch.from_numpy(x), torch.from_numpy(idx), 2, output_size=size).numpy())


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=5))
def test_receptive_field_core_agrees_with_public(layers):
    ks, ss, ds = (tuple(v) for v in zip(*layers))
    assert P._receptive_field_core(ks, ss, ds) == P.receptive_field(list(ks), list(ss), list(ds))
    assert P._receptive_field_core((2, 2, 2), (2, 2, 2), (1, 1, 1)) == (2, 4, 8)


def test_native_pixel_figure_shows_the_arrays_own_pixels():
    """Chapter 1's zone-plate figure: the big image one to one, the small ones at 2x2, no resampling."""
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from updown.plot import pooling as figs

    rng = np.random.default_rng(5)
    big = (rng.random((64, 64)) > 0.5).astype(float)  # a checker of single pixels: any resampling shows
    small = [(rng.random((16, 16)) > 0.5).astype(float) for _ in range(3)]
    fig = figs.draw_at_native_pixels(big, "big", small, ["a", "b", "c"])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")  # as the notebook's inline backend saves it
    plt.close(fig)
    png = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L")).astype(int)

    def found(target):
        h, w = target.shape
        return any(np.array_equal(png[r:r + h, c:c + w], target)
                   for r in range(png.shape[0] - h + 1) for c in range(png.shape[1] - w + 1)
                   if png[r, c] == target[0, 0])

    assert found((big * 255).astype(int))
    assert all(found((np.kron(a, np.ones((2, 2))) * 255).astype(int)) for a in small)
    with pytest.raises(ValueError, match="titles must have one entry per small image"):
        figs.draw_at_native_pixels(big, "big", small, ["a"])


def test_window_explorer_title_says_when_ceil_mode_drops_the_last_window():
    """The live window explorer's output title: the -1 of eq-pool-size-ceil appears exactly when it applies."""
    import matplotlib.pyplot as plt

    from updown.plot import pooling as figs

    titles = {}
    for p in (1, 0):  # H = 5, k = s = 2, ceil_mode: p = 1 drops the 4th window, p = 0 keeps all 3
        fig = plt.figure()
        _, ax_out = figs.draw_pool_windows(fig, 2, 2, p, 1, 5, 0, 1)
        titles[p] = ax_out.get_title()
        plt.close(fig)
    assert titles[1].startswith("output 3×3") and "−1 (last window in the padding)" in titles[1]
    assert titles[0].startswith("output 3×3") and "−1" not in titles[0]
