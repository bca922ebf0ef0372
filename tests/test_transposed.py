"""Tests of updown.transposed: C against conv2d, C^T against autograd and conv_transpose2d, the bilinear kernel."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st

from updown import transposed as T

TOL = 1e-10


@st.composite
def conv_case(draw, transposed=False):
    """Random valid parameters (pairs per axis) and float64 tensors for a convolution and its transpose."""
    c_in = draw(st.integers(1, 3))
    c_out = draw(st.integers(1, 3))
    n = draw(st.integers(1, 2))
    k = tuple(draw(st.integers(1, 4)) for _ in range(2))
    s = tuple(draw(st.integers(1, 3)) for _ in range(2))
    d = tuple(draw(st.integers(1, 3)) for _ in range(2))
    p = tuple(draw(st.integers(0, 2)) for _ in range(2))
    op = tuple(draw(st.integers(0, max(si, di) - 1)) for si, di in zip(s, d))
    span = [di * (ki - 1) + 1 for di, ki in zip(d, k)]
    size = tuple(draw(st.integers(max(1, sp - 2 * pi), sp - 2 * pi + 7)) for sp, pi in zip(span, p))
    seed = draw(st.integers(0, 2**16))
    g = torch.Generator().manual_seed(seed)
    weight = torch.randn(c_out, c_in, *k, dtype=torch.float64, generator=g)
    x = torch.randn(n, c_in, *size, dtype=torch.float64, generator=g)
    return dict(x=x, weight=weight, stride=s, padding=p, dilation=d, output_padding=op)


@given(conv_case())
def test_matrix_times_x_is_conv2d(case):
    x, w = case["x"][0], case["weight"]
    kw = {k: case[k] for k in ("stride", "padding", "dilation")}
    c = T.conv2d_matrix(w, x.shape[1:], **kw)
    ref = F.conv2d(x[None], w, **kw)[0]
    assert c.shape == (ref.numel(), x.numel())
    got = torch.sparse.mm(c, x.reshape(-1, 1)).reshape(ref.shape)
    assert (got - ref).abs().max().item() < TOL


@given(conv_case())
def test_conv2d_matches_torch(case):
    kw = {k: case[k] for k in ("stride", "padding", "dilation")}
    got = T.conv2d(case["x"], case["weight"], **kw)
    ref = F.conv2d(case["x"], case["weight"], **kw)
    assert got.shape == ref.shape
    assert (got - ref).abs().max().item() < TOL


@given(conv_case())
def test_transpose_is_the_gradient(case):
    x = case["x"].clone().requires_grad_(True)
    kw = {k: case[k] for k in ("stride", "padding", "dilation")}
    y = F.conv2d(x, case["weight"], **kw)
    g = torch.Generator().manual_seed(1)
    upstream = torch.randn(y.shape, dtype=torch.float64, generator=g)
    (grad,) = torch.autograd.grad(y, x, upstream)
    # the conv's input size is reached with the output_padding that recovers the remainder of the floor
    op = tuple((h + 2 * p - d * (k - 1) - 1) % s for h, p, d, k, s in
               zip(x.shape[2:], kw["padding"], kw["dilation"], case["weight"].shape[2:], kw["stride"]))
    assume(all(o < s or o < d for o, s, d in zip(op, kw["stride"], kw["dilation"])))
    got = T.conv_transpose2d(upstream, case["weight"], output_padding=op, **kw)
    assert got.shape == grad.shape
    assert (got - grad).abs().max().item() < TOL
    # and as a matrix: grad = C^T upstream
    c = T.conv2d_matrix(case["weight"], x.shape[2:], **kw)
    flat = torch.sparse.mm(c.t(), upstream.reshape(upstream.shape[0], -1).T).T.reshape(grad.shape)
    assert (flat - grad).abs().max().item() < TOL


@given(conv_case())
def test_conv_transpose2d_matches_torch(case):
    kw = {k: case[k] for k in ("stride", "padding", "dilation", "output_padding")}
    w = case["weight"]
    c_in_t = w.shape[0]
    g = torch.Generator().manual_seed(2)
    hi, wi = (int(v) for v in torch.randint(1, 6, (2,), generator=g))
    y = torch.randn(case["x"].shape[0], c_in_t, hi, wi, dtype=torch.float64, generator=g)
    try:
        ref = F.conv_transpose2d(y, w, **kw)
    except RuntimeError:
        with pytest.raises(ValueError, match="output would have size"):
            T.conv_transpose2d(y, w, **kw)
        return
    got = T.conv_transpose2d(y, w, **kw)
    assert got.shape == ref.shape
    assert (got - ref).abs().max().item() < TOL


def test_numpy_in_numpy_out_and_dtypes():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 7, 6)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    x_before = x.copy()
    y = T.conv2d(x, w, stride=2, padding=1)
    assert isinstance(y, np.ndarray) and y.dtype == np.float32
    ref = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), stride=2, padding=1).numpy()
    assert np.abs(y - ref).max() < 1e-5
    back = T.conv_transpose2d(y, w, stride=2, padding=1, output_padding=(0, 1))
    assert isinstance(back, np.ndarray) and back.shape == x.shape
    np.testing.assert_array_equal(x, x_before)
    # mixed dtypes promote; a tensor in gives a tensor out
    out = T.conv2d(torch.from_numpy(x), w.astype(np.float64))
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float64


def test_unbatched_input():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 5, 5, generator=g)
    w = torch.randn(3, 2, 2, 2, generator=g)
    assert torch.allclose(T.conv2d(x, w), F.conv2d(x, w), atol=1e-5)
    y = torch.randn(3, 4, 4, generator=g)
    assert torch.allclose(T.conv_transpose2d(y, w, stride=2), F.conv_transpose2d(y, w, stride=2), atol=1e-5)


def test_matrix_of_the_4x4_example_and_its_sparsity():
    w = torch.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    c = T.conv2d_matrix(w, 4).to_dense()
    assert c.shape == (4, 16)
    # first row: the kernel laid over the top-left 3x3 window of the 4x4 image
    expected = torch.zeros(4, 4)
    expected[:3, :3] = w[0, 0]
    assert torch.equal(c[0].reshape(4, 4), expected)
    assert torch.equal(c[3].reshape(4, 4), torch.roll(expected, (1, 1), (0, 1)))
    big = T.conv2d_matrix(torch.ones(1, 1, 3, 3), (64, 64), padding=1)
    assert big._nnz() == 9 * 64 * 64 - 4 * 3 * 64 + 4  # taps that fall in the zero padding are dropped


def test_matrix_accepts_numpy_and_does_not_modify():
    w = np.ones((1, 1, 2, 2))
    c = T.conv2d_matrix(w, (3, 3), stride=(1, 2))
    assert c.shape == (2 * 1, 9) and c.dtype == torch.float64
    np.testing.assert_array_equal(w, np.ones((1, 1, 2, 2)))


def test_conv_transpose_with_output_padding_beyond_stride_uses_dilation_rule():
    g = torch.Generator().manual_seed(4)
    y = torch.randn(1, 2, 4, 5, dtype=torch.float64, generator=g)
    w = torch.randn(2, 3, 3, 2, dtype=torch.float64, generator=g)
    kw = dict(stride=1, dilation=3, output_padding=2)
    assert (T.conv_transpose2d(y, w, **kw) - F.conv_transpose2d(y, w, **kw)).abs().max() < TOL


# ------------------------------------------------------------------------------------------------ output sizes

@given(st.integers(1, 40), st.integers(1, 5), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3))
def test_output_sizes_agree_with_torch(size, k, s, p, d):
    x = torch.zeros(1, 1, 1, size)
    w = torch.zeros(1, 1, 1, k)
    if size + 2 * p < d * (k - 1) + 1:
        with pytest.raises(ValueError, match="smaller than the dilated kernel"):
            T.conv_output_size(size, k, s, p, d)
        return
    out = T.conv_output_size(size, k, s, p, d)
    axis = dict(stride=(1, s), padding=(0, p), dilation=(1, d))  # the height axis (size 1) is left alone
    assert out == F.conv2d(x, w, **axis).shape[-1]
    inputs = T.conv_input_sizes(out, k, s, p, d)
    assert size in inputs and len(inputs) <= s
    assert all(T.conv_output_size(h, k, s, p, d) == out for h in inputs)
    # one below and one above the list map elsewhere
    assert T.conv_output_size(inputs[-1] + 1, k, s, p, d) == out + 1
    for op in range(max(s, d)):
        y = torch.zeros(1, 1, 1, out)
        try:
            t = F.conv_transpose2d(y, w, output_padding=(0, op), **axis).shape[-1]
        except RuntimeError:  # PyTorch refuses an output below 1
            with pytest.raises(ValueError, match="output would have size"):
                T.conv_transpose_output_size(out, k, s, p, op, d)
            continue
        assert T.conv_transpose_output_size(out, k, s, p, op, d) == t
        if op < s:
            smallest = (out - 1) * s - 2 * p + d * (k - 1) + 1
            assert t == smallest + op
            assert (t in inputs) == (t >= 1)


def test_input_sizes_example():
    # 3x3 kernel, stride 2, padding 1: inputs 7 and 8 both give 4 outputs
    assert T.conv_input_sizes(4, 3, 2, 1) == [7, 8]
    assert T.conv_transpose_output_size(4, 3, 2, 1, 0) == 7
    assert T.conv_transpose_output_size(4, 3, 2, 1, 1) == 8
    assert T.conv_input_sizes(1, 3, 3, 0) == [3, 4, 5]


# ------------------------------------------------------------------------------------------------ bilinear

def test_bilinear_kernel_values():
    np.testing.assert_allclose(T.bilinear_kernel(2)[0], [1 / 16, 3 / 16, 3 / 16, 1 / 16])
    k3 = T.bilinear_kernel(3)
    assert k3.shape == (5, 5) and k3[2, 2] == 1.0
    np.testing.assert_allclose(k3[2], [1 / 3, 2 / 3, 1, 2 / 3, 1 / 3])
    assert T.bilinear_kernel(1).shape == (1, 1) and T.bilinear_kernel(1)[0, 0] == 1.0
    for f in range(1, 9):
        k = T.bilinear_kernel(f)
        assert k.shape == (2 * f - f % 2,) * 2
        np.testing.assert_allclose(k, k.T)
        np.testing.assert_allclose(k, k[::-1, ::-1])
        # the kernel is a partition of unity: the taps hitting one output pixel sum to 1
        polyphase = np.zeros((f, f))
        for i in range(k.shape[0]):
            for j in range(k.shape[1]):
                polyphase[i % f, j % f] += k[i, j]
        np.testing.assert_allclose(polyphase, 1.0)


def test_bilinear_weight_is_diagonal():
    w = T.bilinear_weight(3, 4)
    assert w.shape == (3, 3, 8, 8) and w.dtype == torch.float32
    k = torch.as_tensor(T.bilinear_kernel(4), dtype=torch.float32)
    for a in range(3):
        for b in range(3):
            assert torch.equal(w[a, b], k if a == b else torch.zeros_like(k))
    assert T.bilinear_weight(1, 2, dtype=torch.float64).dtype == torch.float64
    assert T.bilinear_padding(2) == 1 and T.bilinear_padding(3) == 1 and T.bilinear_padding(4) == 2


@given(st.integers(1, 6), st.integers(4, 9), st.integers(4, 9), st.integers(0, 2**16))
def test_bilinear_transposed_conv_is_interpolation_inside(factor, h, w, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(1, 2, h, w, dtype=torch.float64, generator=g)
    weight = T.bilinear_weight(2, factor, dtype=torch.float64)
    pad = T.bilinear_padding(factor)
    ours = T.conv_transpose2d(x, weight, stride=factor, padding=pad)
    ref = F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)
    assert ours.shape == ref.shape == (1, 2, factor * h, factor * w)
    m = pad  # the border band where interpolate clamps and the transposed conv sees zeros
    inner = (ours - ref)[..., m:ours.shape[-2] - m, m:ours.shape[-1] - m].abs().max().item()
    assert inner < 1e-12
    if factor > 1:
        # each side of the border band differs (zero padding versus clamping); generic data makes it non-zero
        diff = (ours - ref).abs()
        for band in (diff[..., :m, :], diff[..., -m:, :], diff[..., :, :m], diff[..., :, -m:]):
            assert band.max().item() > 1e-6


def test_bilinear_padding_is_the_only_one_that_gives_factor_times_size():
    x = torch.ones(1, 1, 5, 5)
    for f in range(1, 6):
        w = T.bilinear_weight(1, f)
        sizes = {p: T.conv_transpose_output_size(5, w.shape[-1], f, p) for p in range(f)}
        assert [p for p, n in sizes.items() if n == 5 * f] == [T.bilinear_padding(f)]
        assert T.conv_transpose2d(x, w, stride=f, padding=T.bilinear_padding(f)).shape[-1] == 5 * f


# ------------------------------------------------------------------------------------------------ teaching cores

@given(conv_case())
def test_cores_agree_with_the_public_functions(case):
    """The cores the chapters show are the code the public functions run: same numbers, same C."""
    x, w = case["x"], case["weight"]
    kw = {k: case[k] for k in ("stride", "padding", "dilation")}
    out = tuple(T.conv_output_size(n, k, s, p, d) for n, k, s, p, d in
                zip(x.shape[2:], w.shape[2:], kw["stride"], kw["padding"], kw["dilation"]))
    rows, cols, values = T._conv2d_matrix_core(w.numpy(), x.shape[2:], kw["stride"], kw["padding"],
                                               kw["dilation"], out)
    dense = np.zeros((w.shape[0] * out[0] * out[1], x[0].numel()))
    np.add.at(dense, (rows, cols), values)
    assert np.array_equal(dense, T.conv2d_matrix(w, x.shape[2:], **kw).to_dense().numpy())
    core = T._conv2d_core(x.numpy(), w.numpy(), kw["stride"], kw["padding"], kw["dilation"], out)
    assert np.array_equal(core, T.conv2d(x.numpy(), w.numpy(), **kw))
    # C^T of the convolution of size x: the transposed core maps conv2d's output back to x's shape
    y = F.conv2d(x, w, **kw).numpy()
    back = T._conv_transpose2d_core(y, w.numpy(), kw["stride"], kw["padding"], kw["dilation"], x.shape[2:])
    assert back.shape == x.shape
    assert np.allclose(back.reshape(len(x), -1), (dense.T @ y.reshape(len(x), -1).T).T, atol=TOL)


def test_transposed_core_is_the_matrix_transpose_and_misses_a_flipped_kernel():
    g = torch.Generator().manual_seed(11)
    w = torch.randn(1, 1, 3, 3, dtype=torch.float64, generator=g)
    y = torch.randn(1, 1, 4, 5, dtype=torch.float64, generator=g)
    ref = F.conv_transpose2d(y, w, stride=2, padding=1, output_padding=1)
    assert (T.conv_transpose2d(y, w, stride=2, padding=1, output_padding=1) - ref).abs().max() < TOL
    # "transposed" names the matrix: transposing (or flipping) the kernel's spatial axes gives another result
    for wrong in (w.transpose(-2, -1), w.flip(-2, -1)):
        assert (T.conv_transpose2d(y, wrong, stride=2, padding=1, output_padding=1) - ref).abs().max() > 0.1


def test_small_cores_agree():
    for f in range(1, 7):
        assert np.array_equal(T._bilinear_kernel_core(f), T.bilinear_kernel(f))
        core = T._bilinear_weight_core(3, f)
        assert torch.equal(torch.as_tensor(core, dtype=torch.float32), T.bilinear_weight(3, f))
    for o, k, s, p, d in [(4, 3, 2, 1, 1), (1, 3, 3, 0, 1), (5, 2, 4, 0, 2), (1, 1, 3, 2, 1)]:
        assert T._conv_input_sizes_core(o, k, s, p, d) == T.conv_input_sizes(o, k, s, p, d)


def test_inputs_requiring_grad_are_read_not_modified():
    g = torch.Generator().manual_seed(12)
    x = torch.randn(1, 2, 6, 6, generator=g, requires_grad=True)
    w = torch.randn(3, 2, 3, 3, generator=g)
    before = x.detach().clone()
    out = T.conv2d(x, w, stride=2)
    assert torch.allclose(out, F.conv2d(x, w, stride=2).detach(), atol=1e-5) and not out.requires_grad
    assert torch.equal(x.detach(), before)


@given(st.integers(1, 30), st.integers(1, 5), st.integers(1, 4), st.integers(0, 2), st.integers(1, 2))
def test_output_padding_rule_recovers_the_input_size(size, k, s, p, d):
    """output_padding = (i + 2p - d(k-1) - 1) mod s gives back the input size i, as PyTorch computes it."""
    assume(size + 2 * p >= d * (k - 1) + 1)
    o = T.conv_output_size(size, k, s, p, d)
    op = (size + 2 * p - d * (k - 1) - 1) % s
    assert T.conv_transpose_output_size(o, k, s, p, op, d) == size
    got = F.conv_transpose2d(torch.zeros(1, 1, o, 1), torch.zeros(1, 1, k, 1), stride=(s, 1), padding=(p, 0),
                             output_padding=(op, 0), dilation=(d, 1)).shape[2]
    assert got == size


# ------------------------------------------------------------------------------------------------ errors

W = torch.ones(2, 3, 3, 3)
X = torch.ones(1, 3, 8, 8)
Y = torch.ones(1, 2, 4, 4)


@pytest.mark.parametrize("call, err, match", [
    (lambda: T.conv2d(X, torch.ones(2, 3, 3)), ValueError, r"weight must have shape \(C_out, C_in, kh, kw\).*\(2, 3, 3\)"),
    (lambda: T.conv2d_matrix(torch.ones(3, 3), 4), ValueError, r"weight must have shape.*\(3, 3\)"),
    (lambda: T.conv_transpose2d(Y, torch.ones(2, 3, 3)), ValueError, r"weight must have shape \(C_in, C_out"),
    (lambda: T.conv2d(torch.ones(1, 4, 8, 8), W), ValueError, r"x has 4 channels but weight expects C_in = 3"),
    (lambda: T.conv_transpose2d(torch.ones(1, 3, 4, 4), W), ValueError, r"y has 3 channels but weight expects C_in = 2"),
    (lambda: T.conv2d(torch.ones(8, 8), W), ValueError, r"x must have shape \(N, C_in, H, W\).*\(8, 8\)"),
    (lambda: T.conv2d(X, W, stride=0), ValueError, r"stride must be positive, got 0"),
    (lambda: T.conv_transpose2d(Y, W, stride=(1, 0)), ValueError, r"stride must be positive, got \(1, 0\)"),
    (lambda: T.conv2d_matrix(W, 8, stride=0), ValueError, r"stride must be positive, got 0"),
    (lambda: T.conv2d(X, W, dilation=0), ValueError, r"dilation must be positive, got 0"),
    (lambda: T.conv2d(X, W, padding=-1), ValueError, r"padding must be non-negative, got -1"),
    (lambda: T.conv2d(X, W, stride=1.5), TypeError, r"stride must be an int or a sequence of 2 ints, got 1.5"),
    (lambda: T.conv2d(torch.ones(1, 3, 2, 8), W), ValueError, r"input size 2 .* smaller than the dilated kernel"),
    (lambda: T.conv2d(X, W, dilation=4), ValueError, r"input size 8 .* dilated kernel .* = 9"),
    (lambda: T.conv2d_matrix(W, (2, 8)), ValueError, r"smaller than the dilated kernel"),
    (lambda: T.conv_transpose2d(Y, W, stride=2, output_padding=2), ValueError,
     r"output_padding must be smaller than stride or dilation.*output_padding=\(2, 2\), stride=\(2, 2\)"),
    (lambda: T.conv_transpose2d(Y, W, output_padding=1), ValueError, r"output_padding must be smaller"),
    (lambda: T.conv_transpose2d(torch.ones(1, 2, 1, 1), W, padding=2), ValueError, r"output would have size -1"),
    (lambda: T.conv2d([[1.0]], W), TypeError, r"x must be a torch.Tensor or a numpy.ndarray, got list"),
    (lambda: T.conv2d(X.long(), W), TypeError, r"x must have dtype float32 or float64, got dtype torch.int64"),
    (lambda: T.conv2d(np.ones((1, 3, 8, 8), dtype=int), W), TypeError, r"x must have dtype float32 or float64"),
    (lambda: T.conv2d_matrix(W, (0, 4)), ValueError, r"input_size must be positive, got \(0, 4\)"),
    (lambda: T.conv_output_size(2, 3), ValueError, r"smaller than the dilated kernel"),
    (lambda: T.conv_transpose_output_size(4, 3, 2, 0, 2), ValueError, r"output_padding must be smaller.*got output_padding=2"),
    (lambda: T.conv_input_sizes(0, 3), ValueError, r"output_size must be positive, got 0"),
    (lambda: T.bilinear_kernel(0), ValueError, r"factor must be positive, got 0"),
    (lambda: T.bilinear_kernel(-2), ValueError, r"factor must be positive, got -2"),
    (lambda: T.bilinear_kernel(2.0), TypeError, r"factor must be an int .*got 2.0"),
    (lambda: T.bilinear_kernel(1.5), TypeError, r"factor must be an int .*got 1.5"),
    (lambda: T.bilinear_kernel(True), TypeError, r"factor must be an int"),
    (lambda: T.bilinear_weight(0, 2), ValueError, r"channels must be positive, got 0"),
    (lambda: T.bilinear_weight(2, 0), ValueError, r"factor must be positive, got 0"),
    (lambda: T.bilinear_padding(0.5), TypeError, r"factor must be an int"),
])
def test_errors(call, err, match):
    with pytest.raises(err, match=match):
        call()
