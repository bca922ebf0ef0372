"""updown.dilated: the sparse kernel, footprints, shift-and-stitch, the receptive field with output stride, the
dilated backbone, ASPP and DeepLab (shapes for odd and even sizes), activation bytes, the results file's hash,
and every error."""
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from updown import dilated as D
from updown import fcn, transposed
from updown import pooling as P

ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------------------------------------------
# the sparse kernel
# ----------------------------------------------------------------------------------------------------------------

@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**16))
def test_dilated_conv_is_conv_with_the_sparse_kernel(kh, kw, d, c, seed):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((2, c, kh, kw))
    x = torch.from_numpy(rng.standard_normal((1, c, d * (kh - 1) + 4, d * (kw - 1) + 3)))
    sparse = D.dilate_kernel(w, d)
    assert sparse.shape == (2, c, d * (kh - 1) + 1, d * (kw - 1) + 1)
    assert np.count_nonzero(sparse) == np.count_nonzero(w)
    want = F.conv2d(x, torch.from_numpy(w), dilation=d)
    assert torch.allclose(F.conv2d(x, torch.from_numpy(sparse)), want, rtol=1e-12, atol=1e-12)


@given(st.integers(1, 3), st.integers(1, 3), st.integers(5, 9), st.integers(0, 2**16))
def test_dilated_conv_matrix_is_the_sparse_kernels_matrix(k, d, size, seed):
    w = np.random.default_rng(seed).standard_normal((1, 1, k, k))
    if d * (k - 1) + 1 > size:
        return
    a = transposed.conv2d_matrix(w, size, dilation=d).to_dense()
    b = transposed.conv2d_matrix(D.dilate_kernel(w, d), size).to_dense()
    assert torch.equal(a, b)


def test_dilate_kernel_core_agrees_and_input_kept():
    w = np.arange(6.0).reshape(2, 3)
    before = w.copy()
    assert np.array_equal(D._dilate_kernel_core(w, 2), D.dilate_kernel(w, 2))
    assert np.array_equal(D.dilate_kernel(w, 2), [[0, 0, 1, 0, 2], [0, 0, 0, 0, 0], [3, 0, 4, 0, 5]])
    assert np.array_equal(D.dilate_kernel(w, 1), w)
    assert np.array_equal(w, before)


# ----------------------------------------------------------------------------------------------------------------
# footprints: gridding
# ----------------------------------------------------------------------------------------------------------------

@given(st.integers(1, 4), st.lists(st.integers(1, 4), min_size=1, max_size=3))
def test_footprint_counts_the_paths_of_a_stack_of_ones(k, dilations):
    """Composing convolutions of ones gives, at each input offset, the number of paths to the output."""
    fp = D.dilation_footprint(k, dilations)
    r = P.receptive_field([k] * len(dilations), [1] * len(dilations), dilations)[-1]
    assert fp.shape == (r, r)
    x = torch.zeros(1, 1, 2 * r - 1, 2 * r - 1, dtype=torch.float64)
    x[0, 0, r - 1, r - 1] = 1.0                       # an impulse: the output is the flipped footprint
    y = x
    for d in dilations:
        y = F.conv2d(y, torch.ones(1, 1, k, k, dtype=torch.float64), dilation=d)
    assert np.array_equal(y[0, 0].numpy()[::-1, ::-1], fp)
    assert np.array_equal(D._dilation_footprint_core(k, tuple(dilations)), fp)


def test_equal_rates_leave_holes_hybrid_rates_do_not():
    assert (D.dilation_footprint(3, [2, 2, 2]) == 0).mean() == pytest.approx(1 - (7 / 13) ** 2)
    assert (D.dilation_footprint(3, [1, 2, 3]) > 0).all()


# ----------------------------------------------------------------------------------------------------------------
# shift-and-stitch
# ----------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("factor", [1, 2, 3])
@pytest.mark.parametrize("size", [(17, 16), (20, 23), (15, 15)])
def test_shift_and_stitch_is_dilation(factor, size):
    torch.manual_seed(factor)
    w1 = torch.randn(3, 2, 3, 3, dtype=torch.float64)
    w2 = torch.randn(4, 3, 3, 2, dtype=torch.float64)

    def strided(x):
        return F.conv2d(F.max_pool2d(F.conv2d(x, w1), factor, factor), w2)

    def dense(x):
        return F.conv2d(F.max_pool2d(F.conv2d(x, w1), factor, 1), w2, dilation=factor)

    x = torch.randn(2, 2, *size, dtype=torch.float64)
    before = x.clone()
    stitched = D.shift_and_stitch(strided, x, factor)
    assert stitched.shape == dense(x).shape
    assert torch.equal(stitched, dense(x))
    assert torch.equal(x, before)
    assert torch.equal(D._shift_and_stitch_core(strided, x, factor), stitched)


# ----------------------------------------------------------------------------------------------------------------
# receptive field and output stride
# ----------------------------------------------------------------------------------------------------------------

@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=5))
def test_receptive_field_and_output_stride_by_brute_force(layers):
    """Field: the extent of the gradient of one output; stride: how far the field moves to the next output."""
    ks, ss, ds = (list(v) for v in zip(*layers))
    fields, strides = P.receptive_field(ks, ss, ds, output_stride=True)
    assert fields == P.receptive_field(ks, ss, ds)
    size = fields[-1] + 3 * int(np.prod(ss))
    x = torch.ones(1, 1, size, 1, dtype=torch.float64, requires_grad=True)
    y = x
    for n, (k, s, d) in enumerate(layers):
        y = F.conv2d(y, torch.ones(1, 1, k, 1, dtype=torch.float64), stride=(s, 1), dilation=(d, 1))
        firsts = []
        for i in (0, 1):
            (grad,) = torch.autograd.grad(y[0, 0, i, 0], x, retain_graph=True)
            touched = np.flatnonzero(grad[0, 0, :, 0].numpy())
            firsts.append(int(touched[0]))
            if i == 0:
                assert int(touched[-1] - touched[0] + 1) == fields[n]
        assert firsts[1] - firsts[0] == strides[n]


@pytest.mark.parametrize("output_stride", D.OUTPUT_STRIDES)
def test_backbone_field_and_stride_match_the_network(output_stride):
    field, stride = D.backbone_receptive_field(output_stride)
    assert stride == output_stride
    torch.manual_seed(0)
    net = D.DilatedBackbone(output_stride).double().eval()
    n = field + 2 * output_stride + 40
    x = torch.randn(1, 3, n, 8, dtype=torch.float64, requires_grad=True)
    y = net(x)
    head = nn.Conv2d(net.out_channels, 1, 3, padding=net.head_dilation, dilation=net.head_dilation,
                     bias=False).double()
    nn.init.constant_(head.weight, 1.0)
    z = head(y)
    i = z.shape[-2] // 2
    (grad,) = torch.autograd.grad(z[0, 0, i, 0], x)
    rows = np.flatnonzero(grad[0].abs().sum(dim=(0, 2)).numpy())
    # 'same' padding clips the field at the border; away from it the extent is the formula's
    assert rows[-1] - rows[0] + 1 == field
    assert net.layers() == D.backbone_layers(output_stride)


# ----------------------------------------------------------------------------------------------------------------
# the networks: shapes for odd and even sizes
# ----------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("output_stride", D.OUTPUT_STRIDES)
@pytest.mark.parametrize("h, w", [(64, 64), (65, 63), (33, 48), (17, 17)])
def test_backbone_shapes(output_stride, h, w):
    torch.manual_seed(0)
    y = D.DilatedBackbone(output_stride).eval()(torch.rand(2, 3, h, w))
    assert tuple(y.shape) == (2, 128, -(-h // output_stride), -(-w // output_stride))


def test_backbone_starts_from_the_fcn_stages():
    torch.manual_seed(3)
    a = fcn.FCN(5, "8s")
    torch.manual_seed(3)
    b = D.DilatedBackbone(8)
    for (na, pa), (nb, pb) in zip(a.stages.named_parameters(), b.stages.named_parameters()):
        assert na == nb and torch.equal(pa, pb)
    torch.manual_seed(3)
    same = D.DilatedBackbone(32).eval()
    x = torch.rand(2, 3, 40, 36)
    h = x
    a.eval()
    for stage in a.stages:
        h = stage(h)
    assert torch.equal(same(x), h)


@pytest.mark.parametrize("h, w", [(96, 96), (97, 95), (128, 131), (40, 17)])
@pytest.mark.parametrize("output_stride", [8, 16])
def test_deeplab_shapes_and_trace(h, w, output_stride):
    torch.manual_seed(0)
    m = D.DeepLab(5, output_stride, image_size=h).eval()
    t = m.trace(torch.rand(2, 3, h, w))
    cells = (-(-h // output_stride), -(-w // output_stride))
    assert tuple(t["features"].shape) == (2, 128, *cells)
    assert tuple(t["aspp"].shape) == (2, 64, *cells)
    assert tuple(t["score_os"].shape) == (2, 5, *cells)
    assert tuple(t["score"].shape) == (2, 5, h, w)
    assert m.aspp.rates == D.aspp_rates(cells[0])


def test_deeplab_upsampling_puts_cell_centres_on_cell_centres():
    """Scores linear in the cell index come back linear in the pixel centre, cell i's centre at 8i + 3.5."""
    torch.manual_seed(0)
    m = D.DeepLab(5, 8, image_size=61).eval()
    i = torch.arange(8.0)
    scores = (0.3 * i[:, None] + 0.7 * i[None, :]).expand(1, 5, 8, 8)

    class Fixed(nn.Module):                          # the classifier replaced by known scores
        def forward(self, _):
            return scores

    m.classifier = Fixed()
    with torch.no_grad():
        t = m.trace(torch.rand(1, 3, 61, 59))
    up = t["score"][0, 0]
    assert tuple(t["score"].shape) == (1, 5, 61, 59)
    c = (torch.arange(64.0) + 0.5) / 8 - 0.5              # pixel centre in cell units
    want = 0.3 * c[:61, None] + 0.7 * c[None, :59]
    inside = slice(4, 56)                                 # no clamping at the border: 0 <= c <= 7
    assert torch.allclose(up[inside, inside], want[inside, inside], atol=1e-5)


def test_deeplab_trains_with_train_fcn():
    tx, ty, vx, vy = fcn.make_split(0, 32, 8, 4)
    torch.manual_seed(0)
    m = D.DeepLab(5, 8, image_size=32)
    history = fcn.train_fcn(m, tx, ty, epochs=2, batch_size=4, progress=False)
    assert len(history) == 2 and all(np.isfinite(history))
    scores = fcn.evaluate(m, vx, vy)
    assert 0.0 <= scores["mean_iou"] <= 1.0


def test_aspp_branches_and_image_pooling():
    torch.manual_seed(0)
    a = D.ASPP(8, 4, (1, 2, 3)).eval()
    assert len(a.branches) == 4 and a.rates == (1, 2, 3)
    x = torch.rand(2, 8, 9, 7)
    assert tuple(a(x).shape) == (2, 4, 9, 7)
    b = D.ASPP(8, 4, [2], image_pooling=False).eval()
    assert not hasattr(b, "pool") and tuple(b(x).shape) == (2, 4, 9, 7)
    assert [m.dilation for m in a.modules() if isinstance(m, nn.Conv2d) and m.kernel_size == (3, 3)] == \
        [(1, 1), (2, 2), (3, 3)]


def test_aspp_rates_and_valid_taps():
    assert D.aspp_rates(33) == (6, 12, 18)
    assert D.aspp_rates(65) == (12, 24, 35)          # DeepLabv3 doubles to 12, 24, 36 at OS 8
    assert D.aspp_rates(16) == (3, 6, 9)
    assert D.aspp_rates(12) == (2, 4, 7)
    assert D.aspp_rates(1) == (1, 1, 1)
    assert D.valid_tap_fraction(12, 12) == pytest.approx(1 / 9)
    assert D.valid_tap_fraction(12, 36) == pytest.approx(1 / 9)
    assert D.valid_tap_fraction(100, 1) == pytest.approx(((100 * 3 - 2) / 300) ** 2)
    # brute force: count taps inside over all positions of a 2D map
    n, r = 10, 3
    inside = [(0 <= i + a * r < n) and (0 <= j + b * r < n) for i in range(n) for j in range(n)
              for a in (-1, 0, 1) for b in (-1, 0, 1)]
    assert D.valid_tap_fraction(n, r) == pytest.approx(np.mean(inside))
    assert D._valid_tap_fraction_core(n, r, 3) == D.valid_tap_fraction(n, r)


def test_activation_bytes_counts_distinct_outputs():
    net = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(inplace=True), nn.Conv2d(2, 3, 1))
    net.train()
    x = torch.rand(1, 1, 5, 4)
    # conv1 output (2*5*4 floats; ReLU in place, not counted again) + conv2 output (3*5*4), 4 bytes each
    assert D.activation_bytes(net, x) == (40 + 60) * 4
    assert net.training
    torch.manual_seed(0)
    small, large = D.DeepLab(image_size=64), D.DeepLab(image_size=64)
    assert D.activation_bytes(small, torch.rand(1, 3, 64, 64)) * 4 == pytest.approx(
        D.activation_bytes(large, torch.rand(1, 3, 128, 128)), rel=0.02)


# ----------------------------------------------------------------------------------------------------------------
# the results file
# ----------------------------------------------------------------------------------------------------------------

def _tool():
    spec = importlib.util.spec_from_file_location("dilated_fcn_tool", ROOT / "tools" / "dilated_fcn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_results_file_matches_the_code():
    path = ROOT / "notebooks" / "results" / "dilated_fcn.json"
    if not path.exists():
        pytest.skip("notebooks/results/dilated_fcn.json not written yet")
    result = json.loads(path.read_text())
    assert result["code_hash"] == _tool().code_hash(), "rerun tools/dilated_fcn.py"
    seeds = result["settings"]["seeds"]
    assert len(seeds) >= 3
    for name in result["settings"]["models"]:
        assert sorted(r["seed"] for r in result["runs"] if r["model"] == name) == seeds


def test_tool_hash_follows_the_settings():
    tool = _tool()
    assert tool.code_hash() != tool.code_hash(dict(tool.SETTINGS, image_size=96))
    with pytest.raises(ValueError, match=r"model must be one of fcn8s, deeplab_os8, got 'x'"):
        tool.build("x", 0)


def test_tool_hash_ignores_docstrings_not_code():
    code_only = _tool().code_only
    a = 'def f(x):\n    """One."""\n    return x + 1  # a comment\n'
    b = 'def f(x):\n    """Two, longer."""\n\n    return x + 1\n'
    c = 'def f(x):\n    """One."""\n    return x + 2\n'
    assert code_only(a) == code_only(b) != code_only(c)
    assert code_only('def g():\n    """Only a docstring."""\n') == code_only("def g():\n    pass\n")


# ----------------------------------------------------------------------------------------------------------------
# errors
# ----------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: D.dilate_kernel([[1.0]], 2), TypeError, r"weight must be a numpy.ndarray, got list"),
    (lambda: D.dilate_kernel(np.array(["a"]).reshape(1, 1), 2), TypeError, r"weight must have a numeric dtype"),
    (lambda: D.dilate_kernel(np.ones(3), 2), ValueError, r"weight must have shape \(..., kh, kw\).*got shape \(3,\)"),
    (lambda: D.dilate_kernel(np.ones((0, 3)), 2), ValueError, r"and not be empty, got shape \(0, 3\)"),
    (lambda: D.dilate_kernel(np.ones((3, 3)), 0), ValueError, r"dilation must be positive, got 0"),
    (lambda: D.dilate_kernel(np.ones((3, 3)), 1.5), TypeError, r"dilation must be an int"),
    (lambda: D.dilation_footprint(3, []), ValueError, r"dilations must be a non-empty sequence of ints, got \[\]"),
    (lambda: D.dilation_footprint(3, 2), ValueError, r"dilations must be a non-empty sequence of ints, got 2"),
    (lambda: D.dilation_footprint(0, [1]), ValueError, r"kernel_size must be positive, got 0"),
    (lambda: D.dilation_footprint(3, [1, 0]), ValueError, r"dilations must be positive"),
    (lambda: D.shift_and_stitch(3, torch.rand(1, 1, 4, 4), 2), TypeError, r"net must be callable.*got 3"),
    (lambda: D.shift_and_stitch(lambda x: x, np.ones((1, 1, 4, 4)), 2), TypeError,
     r"x must be a torch.Tensor, got ndarray"),
    (lambda: D.shift_and_stitch(lambda x: x, torch.rand(1, 4, 4), 2), ValueError,
     r"x must have shape \(N, C, H, W\), got shape \(1, 4, 4\)"),
    (lambda: D.shift_and_stitch(lambda x: x, torch.rand(1, 1, 4, 4), 0), ValueError, r"factor must be positive"),
    (lambda: D.shift_and_stitch(lambda x: x, torch.rand(1, 1, 4, 3), 4), ValueError,
     r"factor must be at most the image's height and width \(4, 3\), got 4"),
    (lambda: D.shift_and_stitch(lambda x: x[0], torch.rand(1, 1, 4, 4), 2), ValueError,
     r"net must return a tensor \(N, K, h, w\) with N = 1, got \(1, 4, 4\)"),
    (lambda: D.shift_and_stitch(lambda x: 1.0, torch.rand(1, 1, 4, 4), 2), ValueError,
     r"net must return a tensor .* got float"),
    (lambda: P.receptive_field([3], output_stride=1), TypeError, r"output_stride must be True or False, got 1"),
    (lambda: D.backbone_layers(4), ValueError, r"output_stride must be one of 32, 16, 8, got 4"),
    (lambda: D.backbone_layers(8, convs=(1, 1)), ValueError, r"convs must be an int or a sequence of 5 ints"),
    (lambda: D.DilatedBackbone(12), ValueError, r"output_stride must be one of 32, 16, 8, got 12"),
    (lambda: D.DilatedBackbone("8"), TypeError, r"output_stride must be an int"),
    (lambda: D.DilatedBackbone(8, widths=(1, 2)), ValueError, r"widths must be an int or a sequence of 5 ints"),
    (lambda: D.aspp_rates(0), ValueError, r"feature_size must be positive, got 0"),
    (lambda: D.aspp_rates(16, (6, 0)), ValueError, r"base_rates must be positive"),
    (lambda: D.aspp_rates(16, base_size=2.5), TypeError, r"base_size must be an int"),
    (lambda: D.valid_tap_fraction(12, 0), ValueError, r"rate must be positive, got 0"),
    (lambda: D.valid_tap_fraction(12, 2, 4), ValueError, r"kernel_size must be odd \(a centred kernel\), got 4"),
    (lambda: D.ASPP(0), ValueError, r"in_channels must be positive, got 0"),
    (lambda: D.ASPP(8, 4, []), ValueError, r"rates must be a non-empty sequence of ints, got \[\]"),
    (lambda: D.ASPP(8, 4, (2, 0)), ValueError, r"rates must be positive"),
    (lambda: D.ASPP(8, 4, (2,), image_pooling=1), TypeError, r"image_pooling must be True or False, got 1"),
    (lambda: D.DeepLab(0), ValueError, r"num_classes must be positive, got 0"),
    (lambda: D.DeepLab(5, 7), ValueError, r"output_stride must be one of 32, 16, 8, got 7"),
    (lambda: D.DeepLab(5, 8, image_size=0), ValueError, r"image_size must be positive, got 0"),
    (lambda: D.DeepLab(5, 8)(np.ones((1, 3, 8, 8))), TypeError, r"x must be a torch.Tensor, got ndarray"),
    (lambda: D.DeepLab(5, 8)(torch.rand(3, 8, 8)), ValueError, r"x must have shape \(N, C, H, W\)"),
    (lambda: D.activation_bytes(3, torch.rand(1)), TypeError, r"model must be a torch.nn.Module, got int"),
    (lambda: D.activation_bytes(nn.ReLU(), [1.0]), TypeError, r"x must be a torch.Tensor, got list"),
])
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
