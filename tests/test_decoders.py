"""updown.decoders: shapes of every family for odd and even sizes, parameter counts, the shared backbone,
CARAFE (normalised kernels, a slow loop reference, the uniform-kernel limit), DySample (zero offsets are bilinear
upsampling, a slow loop reference), U-Net's crop, SegNet's unpooling, FPN's merge, the CLI, and the errors."""
import inspect
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from updown import decoders as D
from updown import fcn
from updown import pooling as P
from updown.decoders import carafe as C
from updown.decoders import compare
from updown.decoders import dysample as Y

pytestmark = pytest.mark.usefixtures("one_torch_thread")
K = 5


def _built(name, seed=0, **kw):
    torch.manual_seed(seed)
    return D.build(name, **kw)


# ----------------------------------------------------------------------------------------------------------------
# every family
# ----------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(D.FAMILIES))
@pytest.mark.parametrize("size", [(32, 32), (33, 47), (17, 16), (1, 1), (96, 96)])
def test_shapes_odd_and_even(name, size):
    model = _built(name).eval()
    with torch.no_grad():
        y = model(torch.randn(2, 3, *size))
    assert y.shape == (2, K, *size)
    assert torch.isfinite(y).all()


@pytest.mark.parametrize("name", list(D.FAMILIES))
def test_trains_one_step_in_train_mode_on_odd_sizes(name):
    model = _built(name).train()
    x, y = torch.randn(2, 3, 35, 29), torch.randint(0, K, (2, 35, 29))
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert all(g is not None for g in grads) and any(float(g.abs().sum()) > 0 for g in grads)


def test_every_family_has_the_same_initial_backbone():
    ref = fcn.FCN(K, "32s")
    torch.manual_seed(0)
    ref = fcn.FCN(K, "32s")
    want = [t.clone() for t in ref.stages.state_dict().values()]
    for name in D.FAMILIES:
        got = list(_built(name).stages.state_dict().values())
        assert len(got) == len(want)
        assert all(torch.equal(a, b) for a, b in zip(got, want)), name


def test_names_and_what_each_passes_upward():
    for name in D.FAMILIES:
        model = _built(name)
        assert model.name == name
        assert model.passes == D.PASSES[name]
        assert isinstance(model, fcn.FCN)        # so train_fcn and evaluate accept it
    assert set(D.PASSES.values()) == {"scores", "indices", "features", "kernels", "offsets"}


# ----------------------------------------------------------------------------------------------------------------
# parameter counts
# ----------------------------------------------------------------------------------------------------------------

def test_count_parameters_by_hand():
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Conv2d(4, 2, 1, bias=False))
    assert D.count_parameters(net) == 3 * 4 * 9 + 4 + 2 * 4 + 4 * 2
    net[2].weight.requires_grad_(False)
    assert D.count_parameters(net, trainable_only=True) == 3 * 4 * 9 + 4 + 2 * 4
    with pytest.raises(TypeError, match="model must be a torch.nn.Module, got int"):
        D.count_parameters(3)


def _backbone_parameters():
    return D.count_parameters(fcn.FCN(K, "32s").stages)


def test_parameter_counts_by_formula():
    b, w, d = _backbone_parameters(), D.FCN8s().widths, 64
    fpn_head = sum(w[i - 1] * d + d for i in (5, 4, 3, 2)) + 9 * d * d + 2 * d + d * K + K
    assert D.FPN().num_parameters == b + fpn_head
    carafe_one = (d * 64 + 64) + (64 * 4 * 25 * 9 + 4 * 25)
    assert D.CARAFE(d).__class__ is C.CARAFE and D.count_parameters(D.CARAFE(d)) == carafe_one
    assert D.CARAFEFPN().num_parameters == b + fpn_head + 3 * carafe_one
    dysample_one = d * 2 * 4 * 4 + 2 * 4 * 4
    assert D.count_parameters(D.DySample(d)) == dysample_one
    assert D.DySampleFPN().num_parameters == b + fpn_head + 3 * dysample_one
    assert D.count_parameters(D.DySample(d, scope="dynamic")) == 2 * dysample_one
    segnet = sum(9 * w[i] * w[max(i - 1, 0)] + 2 * w[max(i - 1, 0)] for i in range(5)) + 9 * w[0] * K + K
    assert D.SegNet().num_parameters == b + segnet
    unet, c_prev = 0, w[4]
    for level in range(5, 0, -1):
        c_out, c_skip = w[max(level - 2, 0)], w[level - 1]
        unet += 4 * c_prev * c_out + c_out + 9 * (c_out + c_skip) * c_out + 2 * c_out
        c_prev = c_out
    assert D.UNet().num_parameters == b + unet + w[0] * K + K
    fixed = K * K * 16 * 16                     # the final bilinear 8x of FCN-8s, never learned
    m = D.FCN8s()
    assert D.count_parameters(m) - D.count_parameters(m, trainable_only=True) == fixed
    assert m.num_parameters == D.count_parameters(m)


# ----------------------------------------------------------------------------------------------------------------
# CARAFE
# ----------------------------------------------------------------------------------------------------------------

def _carafe_loops(x, kernels, k, s):
    """Explicit loops over output pixels and taps: the reassembly as the paper writes it."""
    n, c, h, w = x.shape
    r = k // 2
    out = np.zeros((n, c, s * h, s * w))
    for b in range(n):
        for i2 in range(s * h):
            for j2 in range(s * w):
                i, j = i2 // s, j2 // s
                for dn in range(-r, r + 1):
                    for dm in range(-r, r + 1):
                        if 0 <= i + dn < h and 0 <= j + dm < w:
                            weight = kernels[b, (dn + r) * k + (dm + r), i2, j2]
                            out[b, :, i2, j2] += weight * x[b, :, i + dn, j + dm]
    return out


@given(st.integers(1, 4), st.integers(1, 4), st.sampled_from([1, 3, 5]), st.integers(1, 3), st.integers(0, 2**16))
def test_carafe_matches_loops_numpy_and_torch(h, w, k, s, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3, h, w))
    kernels = rng.standard_normal((2, k * k, s * h, s * w))
    want = _carafe_loops(x, kernels, k, s)
    x0, k0 = x.copy(), kernels.copy()
    got_np = C.carafe(x, kernels, k, s)
    got_t = C.carafe(torch.from_numpy(x), torch.from_numpy(kernels), k, s).numpy()
    assert np.abs(got_np - want).max() < 1e-12
    assert np.abs(got_t - want).max() < 1e-12
    assert np.array_equal(x, x0) and np.array_equal(kernels, k0)


def test_carafe_kernels_are_normalised():
    torch.manual_seed(0)
    up = D.CARAFE(8, 2, kernel_size=5, compressed=4)
    ker = up.kernels(torch.randn(2, 8, 5, 7))
    assert ker.shape == (2, 25, 10, 14)
    assert (ker > 0).all()
    assert torch.allclose(ker.sum(1), torch.ones(2, 10, 14), atol=1e-6)
    assert up(torch.randn(2, 8, 5, 7)).shape == (2, 8, 10, 14)


@pytest.mark.parametrize("k, s", [(3, 2), (5, 2), (5, 3)])
def test_uniform_carafe_is_box_filter_then_nearest(k, s):
    torch.manual_seed(1)
    up = D.CARAFE(6, s, kernel_size=k, compressed=4)
    nn.init.zeros_(up.encode.weight)
    nn.init.zeros_(up.encode.bias)          # equal logits: every kernel is 1/k**2
    x = torch.randn(1, 6, 6, 5, dtype=torch.float64)
    up = up.double()
    box = F.avg_pool2d(x, k, 1, k // 2, count_include_pad=True)
    want = F.interpolate(box, scale_factor=s, mode="nearest")
    assert (up(x) - want).abs().max() < 1e-12
    # the same thing seen from the high-resolution side: a box of dilation s on the nearest-upsampled input
    near = F.interpolate(x, scale_factor=s, mode="nearest")
    dilated_box = F.conv2d(near, torch.full((6, 1, k, k), 1.0 / k**2, dtype=x.dtype), padding=s * (k // 2),
                           dilation=s, groups=6)
    assert (up(x) - dilated_box).abs().max() < 1e-12


def test_carafe_errors():
    x = np.zeros((1, 2, 3, 3))
    with pytest.raises(ValueError, match="kernel_size must be odd .*, got 4"):
        C.carafe(x, np.zeros((1, 16, 6, 6)), 4, 2)
    with pytest.raises(ValueError, match=r"kernels must have shape .* = \(1, 9, 6, 6\), got shape \(1, 9, 6, 5\)"):
        C.carafe(x, np.zeros((1, 9, 6, 5)), 3, 2)
    with pytest.raises(TypeError, match="x and kernels must both be numpy.ndarray or both torch.Tensor, "
                                        "got ndarray and Tensor"):
        C.carafe(x, torch.zeros(1, 9, 6, 6), 3, 2)
    with pytest.raises(TypeError, match="x must have a floating dtype, got dtype int64"):
        C.carafe(np.zeros((1, 2, 3, 3), dtype=np.int64), np.zeros((1, 9, 6, 6)), 3, 2)
    with pytest.raises(ValueError, match=r"x must have shape \(N, C, H, W\), not empty, got shape \(2, 3, 3\)"):
        C.carafe(torch.zeros(2, 3, 3), torch.zeros(1, 9, 6, 6), 3, 2)
    with pytest.raises(ValueError, match="scale_factor must be positive, got 0"):
        C.carafe(x, np.zeros((1, 9, 6, 6)), 3, 0)
    with pytest.raises(ValueError, match="encoder_size must be odd, got 2"):
        D.CARAFE(4, encoder_size=2)
    with pytest.raises(TypeError, match="channels must be an int"):
        D.CARAFE(4.0)


# ----------------------------------------------------------------------------------------------------------------
# DySample
# ----------------------------------------------------------------------------------------------------------------

def _bilinear_at(plane, y, x):
    h, w = plane.shape
    y, x = min(max(y, 0.0), h - 1.0), min(max(x, 0.0), w - 1.0)
    y0, x0 = int(np.floor(y)), int(np.floor(x))
    y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
    fy, fx = y - y0, x - x0
    return ((1 - fy) * ((1 - fx) * plane[y0, x0] + fx * plane[y0, x1])
            + fy * ((1 - fx) * plane[y1, x0] + fx * plane[y1, x1]))


def _dysample_loops(x, offsets, s, g):
    n, c, h, w = x.shape
    out = np.zeros((n, c, s * h, s * w))
    for b in range(n):
        for ch in range(c):
            grp = ch // (c // g)
            for i2 in range(s * h):
                for j2 in range(s * w):
                    py = (i2 + 0.5) / s - 0.5 + offsets[b, 2 * grp + 1, i2, j2]
                    px = (j2 + 0.5) / s - 0.5 + offsets[b, 2 * grp, i2, j2]
                    out[b, ch, i2, j2] = _bilinear_at(x[b, ch], py, px)
    return out


@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 3), st.sampled_from([1, 2]), st.integers(0, 2**16))
def test_dysample_matches_loops_numpy_and_torch(h, w, s, g, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 4, h, w))
    offsets = rng.uniform(-1.5, 1.5, (2, 2 * g, s * h, s * w))
    want = _dysample_loops(x, offsets, s, g)
    x0, o0 = x.copy(), offsets.copy()
    assert np.abs(Y.dysample(x, offsets, s, g) - want).max() < 1e-12
    got = Y.dysample(torch.from_numpy(x), torch.from_numpy(offsets), s, g).numpy()
    assert np.abs(got - want).max() < 1e-9          # grid_sample goes through [-1, 1] and back
    assert np.array_equal(x, x0) and np.array_equal(offsets, o0)


@pytest.mark.parametrize("h, w, s", [(4, 4, 2), (5, 3, 2), (3, 7, 3), (1, 1, 2)])
def test_dysample_with_zero_offsets_is_bilinear_upsampling(h, w, s):
    x = torch.randn(2, 4, h, w, dtype=torch.float64)
    want = F.interpolate(x, scale_factor=s, mode="bilinear", align_corners=False)
    zero = torch.zeros(2, 4, s * h, s * w, dtype=torch.float64)
    assert (Y.dysample(x, zero, s, 2) - want).abs().max() < 1e-12
    assert np.abs(Y.dysample(x.numpy(), zero.numpy(), s, 2) - want.numpy()).max() < 1e-12
    up = D.DySample(4, s, groups=2).double()
    nn.init.zeros_(up.offset.weight)
    assert (up(x) - want).abs().max() < 1e-12


def test_dysample_module_starts_near_bilinear_and_stays_in_scope():
    torch.manual_seed(0)
    x = torch.randn(2, 8, 6, 5)
    with torch.no_grad():
        for scope in Y.SCOPES:
            up = D.DySample(8, 2, groups=4, scope=scope)
            o = up.offsets(x)
            assert o.shape == (2, 8, 12, 10)
            assert 0 < float(o.abs().max()) < 0.01                # std 1e-3 weights, times 0.25
        dyn = D.DySample(8, 2, groups=4, scope="dynamic")
        stat = D.DySample(8, 2, groups=4)
        stat.offset.load_state_dict(dyn.offset.state_dict())
        assert torch.allclose(dyn.offsets(x), stat.offsets(x))  # sigmoid(0) * 0.5 = 0.25


def test_dysample_errors():
    x = np.zeros((1, 4, 3, 3))
    with pytest.raises(ValueError, match=r"offsets must have shape .* = \(1, 4, 6, 6\), got shape \(1, 2, 6, 6\)"):
        Y.dysample(x, np.zeros((1, 2, 6, 6)), 2, 2)
    with pytest.raises(ValueError, match="groups must divide the 4 channels of x, got 3"):
        Y.dysample(x, np.zeros((1, 6, 6, 6)), 2, 3)
    with pytest.raises(TypeError, match="x and offsets must both be numpy.ndarray or both torch.Tensor, "
                                        "got Tensor and ndarray"):
        Y.dysample(torch.zeros(1, 4, 3, 3), np.zeros((1, 2, 6, 6)), 2)
    with pytest.raises(TypeError, match="offsets must have a floating dtype, got dtype torch.int64"):
        Y.dysample(torch.zeros(1, 4, 3, 3), torch.zeros(1, 2, 6, 6, dtype=torch.int64), 2)
    with pytest.raises(ValueError, match="scope must be one of 'static', 'dynamic', got 'wide'"):
        D.DySample(4, scope="wide")
    with pytest.raises(ValueError, match="groups must divide channels=6, got 4"):
        D.DySample(6, groups=4)


# ----------------------------------------------------------------------------------------------------------------
# U-Net, SegNet, FPN, DeepLabv3+
# ----------------------------------------------------------------------------------------------------------------

def test_original_unet_sizes_are_the_papers():
    down, crops, out = D.original_unet_sizes(572)
    assert down == [568, 280, 136, 64]
    assert crops == [(64, 56, 4), (136, 104, 16), (280, 200, 40), (568, 392, 88)]
    assert out == 388
    with pytest.raises(ValueError, match="input_size 571 gives a map of 567 before pooling 1"):
        D.original_unet_sizes(571)
    with pytest.raises(ValueError, match="input_size 20 leaves no bottom map"):
        D.original_unet_sizes(20, 2)


def test_center_crop():
    x = np.arange(7 * 6).reshape(7, 6)
    assert np.array_equal(D.center_crop(x, (3, 2)), x[2:5, 2:4])
    assert np.array_equal(D.center_crop(x, (6, 6)), x[:6])    # the odd row comes off the end
    t = torch.arange(2 * 9 * 9).reshape(2, 9, 9)
    assert torch.equal(D.center_crop(t, 5), t[:, 2:7, 2:7])
    with pytest.raises(ValueError, match=r"size must be at most the map's \(H, W\) = \(7, 6\), got \(8, 2\)"):
        D.center_crop(x, (8, 2))
    with pytest.raises(TypeError, match="x must be a numpy.ndarray or a torch.Tensor, got list"):
        D.center_crop([[1]], 1)


def test_unet_concatenates_the_cropped_upsampling_with_the_encoder_map():
    model = _built("U-Net").eval()
    with torch.no_grad():
        t = model.trace(torch.randn(1, 3, 37, 30))
    for level in range(5, 0, -1):
        assert t[f"up{level}"].shape[-2:] == t[f"conv{level}"].shape[-2:]
    assert t["conv1"].shape[-2:] == (37, 30)


def test_segnet_unpools_with_the_encoders_indices():
    model = _built("SegNet").eval()
    with torch.no_grad():
        t = model.trace(torch.randn(1, 3, 37, 30))
    before = {5: "pool5", 4: "dec5", 3: "dec4"}
    for level, source in before.items():
        conv = t[f"conv{level}"].numpy()
        _, idx = P.max_pool2d(conv, 2, 2, ceil_mode=True, return_indices=True)
        want = P.max_unpool2d(t[source].numpy(), idx, 2, 2, output_size=conv.shape[-2:])
        assert np.array_equal(t[f"unpool{level}"].numpy(), want), level
    # only the maxima's positions are filled at the deepest level
    assert (t["unpool5"] != 0).sum() <= (t["pool5"] != 0).sum()


def test_fpn_merge_is_nearest_plus_lateral():
    model = _built("FPN").eval()
    with torch.no_grad():
        t = model.trace(torch.randn(2, 3, 45, 50))
    for i in (4, 3, 2):
        want = D.top_down(t[f"p{i + 1}"].numpy(), t[f"lat{i}"].numpy())
        assert np.abs(t[f"p{i}"].numpy() - want).max() < 1e-6
    with pytest.raises(ValueError, match="2h - 1 <= H <= 2h"):
        D.top_down(np.zeros((3, 3)), np.zeros((7, 6)))
    with pytest.raises(TypeError, match="top must be a numpy.ndarray, got Tensor"):
        D.top_down(torch.zeros(3, 3), np.zeros((6, 6)))
    with pytest.raises(ValueError, match="upsampler must be one of 'nearest', 'carafe', 'dysample', got 'bicubic'"):
        D.FPN(upsampler="bicubic")


def test_deeplabv3plus_strides_and_errors():
    model = _built("DeepLabv3+").eval()
    with torch.no_grad():
        t = model.trace(torch.randn(1, 3, 97, 64))
    assert model.output_stride == 8                      # the family runs at the dilated chapter's stride
    assert t["features"].shape[-2:] == (13, 8)           # ceil(97 / 8), ceil(64 / 8)
    assert t["low_level"].shape[-2:] == t["aspp_up"].shape[-2:] == (25, 16)
    assert model.aspp.rates == (2, 4, 7)                 # aspp_rates of the 12x12 map of a 96-px image
    assert D.build("DeepLabv3+", image_size=128).aspp.rates == (3, 6, 9)
    os16 = D.DeepLabV3Plus(image_size=96)
    assert os16.output_stride == 16 and os16.aspp.rates == (1, 2, 3)   # the 6x6 map
    assert os16.eval().trace(torch.randn(1, 3, 97, 64))["features"].shape[-2:] == (7, 4)
    assert D.DeepLabV3Plus(output_stride=8).trace(torch.randn(2, 3, 33, 33))["features"].shape[-2:] == (5, 5)
    with pytest.raises(ValueError, match="output_stride must be 8 or 16, got 32"):
        D.DeepLabV3Plus(output_stride=32)


def test_input_and_build_errors():
    model = _built("U-Net")
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got ndarray"):
        model(np.zeros((1, 3, 8, 8)))
    with pytest.raises(ValueError, match=r"x must have shape \(N, 3, H, W\) .*, got shape \(1, 1, 8, 8\)"):
        model(torch.zeros(1, 1, 8, 8))
    with pytest.raises(TypeError, match="x must have a floating dtype, got dtype torch.int64"):
        model(torch.zeros(1, 3, 8, 8, dtype=torch.int64))
    with pytest.raises(ValueError, match="name must be one of 'FCN-8s', .* got 'PSPNet'"):
        D.build("PSPNet")
    with pytest.raises(ValueError, match="num_classes must be positive, got 0"):
        D.SegNet(0)


# ----------------------------------------------------------------------------------------------------------------
# the comparison and the CLI
# ----------------------------------------------------------------------------------------------------------------

def test_thin_iou_and_summary():
    assert compare.thin_iou([0.9, 0.8, 0.7, 0.2, 0.4]) == pytest.approx(0.3)
    assert compare.thin_iou([0.9, 0.8, 0.7, float("nan"), 0.4]) == pytest.approx(0.4)
    rows = [{"name": "A", "seed": s, "mean_iou": v, "boundary_f1": 0.5, "thin_iou": 0.1, "seconds": 2.0,
             "parameters": 7, "class_iou": [v] * 5} for s, v in enumerate([0.1, 0.3])]
    (row,) = compare.summarize(rows)
    assert row["mean_iou"] == pytest.approx(0.2) and row["mean_iou_sd"] == pytest.approx(np.sqrt(0.02))
    assert "0.200 ± 0.141" in compare.format_table([row])
    one = compare.summarize(rows[:1])
    assert np.isnan(one[0]["mean_iou_sd"]) and "±" not in compare.format_table(one)


def test_no_progress_bar_when_stderr_is_not_a_terminal(monkeypatch):
    class Pipe:
        def isatty(self):
            return False
    monkeypatch.setattr(sys, "stderr", Pipe())
    assert compare._interactive() is False


def test_cli_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        compare.main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for option in ("--seeds", "--epochs", "--image-size", "--device", "--help"):
        assert option in text


@pytest.mark.parametrize("argv, message", [
    (["--epochs", "0"], "--epochs must be at least 1, got 0"),
    (["--seeds", "-1"], "--seeds must be non-negative"),
    (["--jobs", "0"], "--jobs must be at least 1, got 0"),
    (["--families", "PSPNet"], "--families: unknown ['PSPNet']"),
    (["--image-size", "x"], "invalid int value: 'x'"),
    (["--device", "abacus"], "device must name a torch device"),
])
def test_cli_argument_errors(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        compare.main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_tiny_run_end_to_end(capsys, tmp_path):
    path = tmp_path / "decoders.json"
    argv = ["--epochs", "1", "--train", "4", "--test", "2", "--image-size", "24", "--output", str(path)]
    assert compare.main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == ""                               # no bar, no warning: not a terminal
    lines = captured.out.strip().splitlines()
    assert lines[0].split()[:3] == ["family", "mean", "IoU"]
    assert [line.split()[0] for line in lines[1:]] == list(D.FAMILIES)
    record = json.loads(path.read_text())
    assert record["code_hash"] == compare.results_key(record["settings"])
    assert len(record["rows"]) == 7
    for row in record["rows"]:
        assert 0 <= row["mean_iou"] <= 1 and 0 <= row["boundary_f1"] <= 1 and row["seconds"] > 0
        assert row["parameters"] == D.build(row["name"]).num_parameters


def test_cli_two_seeds_report_spread(capsys):
    argv = ["--epochs", "1", "--train", "4", "--test", "2", "--image-size", "16", "--seeds", "0", "1",
            "--families", "FPN", "SegNet"]
    assert compare.main(argv) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and all("±" in line for line in lines[1:])


def test_compare_decoders_errors():
    with pytest.raises(ValueError, match="names must name at least one family"):
        compare.compare_decoders([])
    with pytest.raises(ValueError, match="seeds must hold at least one seed"):
        compare.compare_decoders(["FPN"], seeds=[])
    with pytest.raises(TypeError, match="seeds must be a sequence of non-negative ints, got 3"):
        compare.compare_decoders(["FPN"], seeds=3)


def test_family_diagrams_cover_every_family_and_kind():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from updown.plot import decoders as PD

    assert set(PD.FAMILY_DIAGRAMS) == set(D.FAMILIES)
    for name, spec in PD.FAMILY_DIAGRAMS.items():
        kinds = {k for *_, k in spec["ups"]} | {k for *_, k in spec["laterals"]}
        assert D.PASSES[name] in kinds, name
        assert min(b for _, b, *_ in spec["ups"]) == 0     # every decoder reaches stride 1
    fig = plt.figure(figsize=(9.5, 7.2))
    assert len(PD.draw_families(fig)) == 7
    plt.close(fig)
    with pytest.raises(ValueError, match="names must be keys of FAMILY_DIAGRAMS .*, got 'PSPNet'"):
        PD.draw_families(plt.figure(), ["PSPNet"])


@pytest.mark.slow
def test_jobs_give_the_same_rows_as_one_process():
    kw = dict(seeds=[0, 1], epochs=1, num_train=4, num_test=2, image_size=16, progress=False)
    one = compare.compare_decoders(["FPN"], **kw)
    two = compare.compare_decoders(["FPN"], jobs=2, **kw)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "seconds"} for r in rows]  # noqa: E731
    assert strip(one) == strip(two)
    with pytest.raises(ValueError, match="return_models needs jobs=1"):
        compare.compare_decoders(["FPN"], jobs=2, return_models=True, **kw)


def test_no_progress_bar_under_ipython(monkeypatch):
    class Terminal:
        def isatty(self):
            return True

    class FakeIPython:
        @staticmethod
        def get_ipython():
            return object()
    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert compare._interactive() is True
    monkeypatch.setitem(sys.modules, "IPython", FakeIPython)
    assert compare._interactive() is False


# ------------------------------------------------------------------------------------- the chapter's results file

def _results_script():
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("decoders_results_script", root / "tools" / "decoders.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_results_file_matches_the_code():
    """The chapter's table comes from notebooks/results/decoders.json; rerun `.venv/bin/python tools/decoders.py`
    when this fails (the code of the decoders or of the modules they use, or the settings, changed since)."""
    script = _results_script()
    result = json.loads(script.RESULTS.read_text())
    assert result["settings"] == json.loads(json.dumps(script.SETTINGS))
    assert result["code_hash"] == script.code_hash(), (
        "notebooks/results/decoders.json is stale: rerun .venv/bin/python tools/decoders.py")
    s = result["settings"]
    assert len(s["seeds"]) >= 3 and len(result["rows"]) == len(s["seeds"]) * len(s["families"]) == 21
    assert all(compare.decode_labels(r["predictions"]).shape == (s["keep_predictions"], s["image_size"], s["image_size"])
               for r in result["rows"])
    assert compare.summarize(result["rows"]) == json.loads(json.dumps(result["summary"]))


def test_results_key_ignores_docstrings_and_follows_code_and_settings(monkeypatch):
    script = _results_script()
    key = script.code_hash()
    assert compare.results_key(dict(script.SETTINGS, epochs=1)) != key
    source = inspect.getsource(sys.modules["updown.decoders.carafe"])
    monkeypatch.setattr(inspect, "getsource", lambda obj, _real=inspect.getsource: (
        _real(obj).replace('"""CARAFE, content', '"""An edited docstring. CARAFE, content')
        if obj is sys.modules["updown.decoders.carafe"] else _real(obj)))
    assert compare.results_key(script.SETTINGS) == key            # a docstring edit keeps the file valid
    monkeypatch.setattr(inspect, "getsource", lambda obj, _real=inspect.getsource: (
        _real(obj).replace("out = 0", "out = 0.0") if obj is sys.modules["updown.decoders.carafe"] else _real(obj)))
    assert compare.results_key(script.SETTINGS) != key            # a code edit makes it stale
    assert '"""CARAFE, content' in source and "out = 0\n" in source


def test_labels_round_trip_through_the_results_encoding():
    labels = np.random.default_rng(0).integers(0, 5, (3, 17, 9))
    record = compare.encode_labels(labels)
    assert json.loads(json.dumps(record)) == record
    back = compare.decode_labels(record)
    assert back.dtype == np.uint8 and np.array_equal(back, labels)


@pytest.mark.slow
def test_separated_pairs_of_the_results_file_hold_on_a_rerun():
    """The chapter states only the pairs that `updown.results.separated` finds in the results file. Rerun the
    comparison with the file's settings on this machine (about 25 minutes on 2 cores) and require each of those
    pairs to be separated again, in the same direction."""
    from updown import results

    script = _results_script()
    stored = json.loads(script.RESULTS.read_text())
    s = dict(stored["settings"])
    families = s.pop("families")
    rows = compare.compare_decoders(families, jobs=2, progress=False, **{k: v for k, v in s.items()})

    def pairs(rows, metric):
        def values(name):
            return [r[metric] for seed in s["seeds"] for r in rows if r["name"] == name and r["seed"] == seed]
        return {(a, b) for a in families for b in families
                if a != b and results.separated(values(a), values(b)) == "higher"}

    for metric in ("mean_iou", "boundary_f1", "thin_iou"):
        claimed = pairs(stored["rows"], metric)
        assert claimed <= pairs(rows, metric), (metric, claimed - pairs(rows, metric))


def test_training_activation_bytes_counts_what_autograd_saves():
    from updown.decoders.cost import training_activation_bytes

    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU())
    x = torch.rand(1, 3, 8, 8)
    before = [p.detach().clone() for p in net.parameters()]
    # conv saves its input (3*8*8 floats; its weight is a parameter), ReLU its output (4*6*6), the output itself
    assert training_activation_bytes(net, x) == 4 * (3 * 8 * 8 + 4 * 6 * 6)
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters()))
    bn = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
    stats = bn[1].running_mean.clone()
    assert training_activation_bytes(bn, x) > 0 and torch.equal(bn[1].running_mean, stats)   # a copy ran
    # functional work inside forward counts (leaf-module hooks miss it): CARAFE's reassembly output
    carafe = D.CARAFE(8)
    assert training_activation_bytes(carafe, torch.rand(1, 8, 6, 6)) > 4 * 8 * 12 * 12
    with pytest.raises(TypeError, match="model must be a torch.nn.Module, got int"):
        training_activation_bytes(3, x)
    with pytest.raises(TypeError, match="x must be a floating torch.Tensor, got Tensor of dtype torch.int64"):
        training_activation_bytes(net, torch.zeros(1, 3, 8, 8, dtype=torch.long))
