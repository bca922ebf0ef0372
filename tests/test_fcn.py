"""Tests of updown.fcn: shapes, alignment, zero-initialised skips, bilinear layers vs updown.transposed, training."""
import numpy as np
import pytest
import torch
import torch.nn as nn
from hypothesis import given, settings
from hypothesis import strategies as st

from updown import fcn as N
from updown import transposed as T
from updown.data import NUM_CLASSES, make_shapes


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _model(variant, seed=0, **kw):
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return N.FCN(NUM_CLASSES, variant, **kw).eval()


@pytest.fixture(scope="module")
def models():
    return {v: _model(v) for v in N.VARIANTS}


@pytest.mark.parametrize("variant", N.VARIANTS)
@pytest.mark.parametrize("size", [(64, 64), (63, 63), (37, 50), (96, 81), (1, 1), (2, 33)])
def test_output_shape_odd_and_even(models, variant, size):
    x = torch.rand(2, 3, *size)
    with torch.no_grad():
        assert models[variant](x).shape == (2, NUM_CLASSES, *size)


_MODEL_8S = _model("8s")


@settings(max_examples=12)
@given(st.integers(1, 100), st.integers(1, 100))
def test_trace_sizes_follow_feature_sizes(h, w):
    model = _MODEL_8S
    with torch.no_grad():
        t = model.trace(torch.rand(1, 3, h, w))
    sizes = N.feature_sizes((h, w))
    for i, hw in enumerate(sizes, start=1):
        assert tuple(t[f"pool{i}"].shape[-2:]) == hw
    assert tuple(t["score_fr"].shape[-2:]) == sizes[4]
    assert tuple(t["fuse_pool4"].shape[-2:]) == sizes[3]
    assert tuple(t["fuse_pool3"].shape[-2:]) == sizes[2]
    # each 2x upsampling gives exactly twice the coarser size, at least the finer one: crops drop at most 1 row
    assert tuple(t["upscore2"].shape[-2:]) == tuple(2 * s for s in sizes[4])
    assert all(0 <= 2 * a - b <= 1 for a, b in zip(sizes[4], sizes[3]))
    assert tuple(t["upscore_final"].shape[-2:]) == tuple(8 * s for s in sizes[2])


def test_feature_sizes_by_hand():
    assert N.feature_sizes(64) == [(32, 32), (16, 16), (8, 8), (4, 4), (2, 2)]
    assert N.feature_sizes(100) == [(50, 50), (25, 25), (13, 13), (7, 7), (4, 4)]
    assert N.feature_sizes((37, 8), pools=3) == [(19, 4), (10, 2), (5, 1)]
    assert N.feature_sizes(5, pools=0) == []


@pytest.mark.parametrize("variant", ["16s", "8s"])
def test_zero_initialised_skips_give_the_upsampled_coarser_scores(models, variant):
    model = models[variant]
    assert float(model.score_pool4.weight.detach().abs().sum()) == 0.0
    with torch.no_grad():
        t = model.trace(torch.rand(2, 3, 61, 70))
        h4, w4 = t["score_pool4"].shape[-2:]
        assert torch.equal(t["score_pool4"], torch.zeros_like(t["score_pool4"]))
        assert torch.equal(t["fuse_pool4"], model.upscore2(t["score_fr"])[..., :h4, :w4])
        if variant == "8s":
            h3, w3 = t["score_pool3"].shape[-2:]
            coarser = model.upscore_pool4(model.upscore2(t["score_fr"])[..., :h4, :w4])[..., :h3, :w3]
            assert torch.equal(t["fuse_pool3"], coarser)


def test_random_skips_change_the_scores():
    model = _model("8s", zero_init_skips=False)
    assert float(model.score_pool3.weight.detach().abs().sum()) > 0
    with torch.no_grad():
        t = model.trace(torch.rand(1, 3, 64, 64))
        assert not torch.allclose(t["fuse_pool4"], t["upscore2"])


@pytest.mark.parametrize("variant", N.VARIANTS)
def test_bilinear_layers_equal_transposed_conv_transpose2d(models, variant):
    model = models[variant]
    y = torch.randn(2, NUM_CLASSES, 5, 7, dtype=torch.float64)
    layers = [("upscore_final", N.STRIDES[variant])]
    if variant != "32s":
        layers.append(("upscore2", 2))
    if variant == "8s":
        layers.append(("upscore_pool4", 2))
    for name, f in layers:
        layer = getattr(model, name)
        np.testing.assert_array_equal(layer.weight.detach().numpy(),
                                      T.bilinear_weight(NUM_CLASSES, f).numpy())
        ours = T.conv_transpose2d(y, T.bilinear_weight(NUM_CLASSES, f, dtype=torch.float64), stride=f,
                                  padding=T.bilinear_padding(f))
        with torch.no_grad():
            torch_out = layer.double()(y)
        layer.float()
        assert ours.shape == (2, NUM_CLASSES, 5 * f, 7 * f)
        assert float((torch_out - ours).abs().max()) < 1e-12


def test_upsampling_switch():
    learned, fixed = _model("8s"), _model("8s", learnable_upsampling=False)
    assert learned.upscore2.weight.requires_grad and learned.upscore_pool4.weight.requires_grad
    assert not fixed.upscore2.weight.requires_grad and not fixed.upscore_pool4.weight.requires_grad
    assert not learned.upscore_final.weight.requires_grad      # the last layer is always fixed
    x, y = make_shapes(4, 32, seed=1)
    for model in (learned, fixed):
        N.train_fcn(model, x, y, epochs=1, batch_size=2, progress=False)
    w2 = T.bilinear_weight(NUM_CLASSES, 2)
    assert not torch.equal(learned.upscore2.weight.detach(), w2)
    assert torch.equal(fixed.upscore2.weight.detach(), w2)
    for model in (learned, fixed):
        assert torch.equal(model.upscore_final.weight.detach(), T.bilinear_weight(NUM_CLASSES, 8))


def test_alignment_offsets():
    assert N.paper_crop_offsets() == {"32s": {"score": 19}, "16s": {"score_pool4c": 5, "score": 27},
                                      "8s": {"score_pool4c": 5, "score_pool3c": 9, "score": 31}}
    # our net: 'same' convolutions, 2x2 pools, bilinear transposed convolutions padded by factor // 2 -> 0
    pool = ("pool", 2, 2, 0)
    conv = ("conv", 3, 1, 1)
    to_pool4 = [conv, pool] * 4
    to_pool5 = to_pool4 + [conv, pool, ("conv", 3, 1, 1), ("conv", 1, 1, 0)]
    assert N.crop_offset(to_pool4, to_pool5 + [("deconv", 4, 2, 1)]) == 0
    assert N.crop_offset(to_pool5 + [("deconv", 64, 32, 16)], []) == 0
    assert N.coord_map([pool, pool]) == (4.0, 1.5)          # cell i of pool2 is centred on pixel 4i + 1.5
    assert N.coord_map([("deconv", 4, 2, 1)]) == (0.5, -0.25)


def test_convolutionalize():
    torch.manual_seed(0)
    lin = nn.Linear(4 * 2 * 3, 5)
    conv = N.convolutionalize(lin, 4, (2, 3))
    x = torch.randn(3, 4, 2, 3)
    with torch.no_grad():
        assert torch.allclose(conv(x).flatten(1), lin(x.flatten(1)), atol=1e-6)
        big = torch.randn(1, 4, 6, 9)
        grid = conv(big)
        assert grid.shape == (1, 5, 5, 7)
        assert torch.allclose(grid[0, :, 2, 4], lin(big[:, :, 2:4, 4:7].flatten(1))[0], atol=1e-6)
    with pytest.raises(ValueError, match=r"in_channels\*kh\*kw must equal linear.in_features=24, got 4\*2\*2 = 16"):
        N.convolutionalize(lin, 4, 2)
    with pytest.raises(TypeError, match="linear must be a torch.nn.Linear, got Conv2d"):
        N.convolutionalize(conv, 4, 2)


def test_training_is_reproducible_and_leaves_global_state():
    x, y = make_shapes(12, 32, seed=2)
    x0, y0 = x.copy(), y.copy()
    state = torch.get_rng_state()
    threads, det = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    runs = []
    for seed in (5, 5, 6):
        model = _model("16s", seed=seed)
        hist = N.train_fcn(model, x, y, epochs=2, batch_size=4, seed=seed, progress=False)
        runs.append((hist, model.state_dict()))
    assert runs[0][0] == runs[1][0] and len(runs[0][0]) == 2
    assert all(torch.equal(a, b) for a, b in zip(runs[0][1].values(), runs[1][1].values()))
    assert runs[0][0] != runs[2][0]
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.get_num_threads() == threads and torch.are_deterministic_algorithms_enabled() == det
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)


def test_progress_lines_and_evaluate(capsys):
    x, y = make_shapes(8, 32, seed=0)
    model = _model("32s")
    N.train_fcn(model, torch.from_numpy(x), torch.from_numpy(y), epochs=2, batch_size=8, name="FCN-32s")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("FCN-32s: epoch 1/2  loss ") and lines[1].endswith(" s")
    scores = N.evaluate(model, x, y)
    assert set(scores) == {"mean_iou", "pixel_accuracy", "boundary_f1", "class_iou"}
    iou = np.array(scores.pop("class_iou"))
    assert all(0.0 <= v <= 1.0 for v in scores.values())
    assert iou.shape == (NUM_CLASSES,) and scores["mean_iou"] == pytest.approx(np.nanmean(iou))
    pred = N.predict(model, x)
    assert pred.shape == y.shape and pred.dtype == np.int64


def test_cli(capsys):
    with pytest.raises(SystemExit) as exit_:
        N.main(["--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for option in ("--epochs", "--seed", "--image-size", "--device", "--fixed-upsampling", "--threads"):
        assert option in text
    assert N.main(["--epochs", "1", "--train", "8", "--test", "4", "--image-size", "32", "--quiet"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].split()[:3] == ["variant", "mean", "IoU"]
    assert [line.split()[0] for line in out[1:]] == ["FCN-32s", "FCN-16s", "FCN-8s"]
    with pytest.raises(SystemExit) as exit_:
        N.main(["--epochs", "0"])
    assert exit_.value.code == 2
    assert "epochs must be positive, got 0" in capsys.readouterr().err


def test_device_selection():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert N.select_device().type == expected
    assert N.select_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="device must name a torch device such as 'cpu' or 'cuda', got 'gpu0'"):
        N.select_device("gpu0")
    with pytest.raises(TypeError, match="device must be a string"):
        N.select_device(3)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="torch.cuda.is_available"):
            N.select_device("cuda")


def test_errors():
    with pytest.raises(ValueError, match="variant must be one of '32s', '16s', '8s', got '4s'"):
        N.FCN(5, "4s")
    with pytest.raises(ValueError, match="num_classes must be positive, got 0"):
        N.FCN(0)
    with pytest.raises(ValueError, match=r"widths must be an int or a sequence of 5 ints, got \(8, 8\)"):
        N.FCN(5, widths=(8, 8))
    with pytest.raises(TypeError, match="learnable_upsampling must be True or False, got 1"):
        N.FCN(5, learnable_upsampling=1)
    with pytest.raises(TypeError, match="zero_init_skips must be True or False"):
        N.FCN(5, zero_init_skips="yes")
    model = _model("32s")
    with pytest.raises(ValueError, match=r"x must have shape \(N, C, H, W\), got shape \(3, 8, 8\)"):
        model(torch.zeros(3, 8, 8))
    with pytest.raises(TypeError, match="x must be a torch.Tensor, got ndarray"):
        model.trace(np.zeros((1, 3, 8, 8)))
    x, y = make_shapes(4, 16, seed=0)
    with pytest.raises(TypeError, match="model must be an updown.fcn.FCN, got Linear"):
        N.train_fcn(nn.Linear(2, 2), x, y)
    with pytest.raises(TypeError, match="images must have a floating dtype, got dtype torch.int64"):
        N.train_fcn(model, y[:, None], y)
    with pytest.raises(ValueError, match=r"labels must have shape \(4, 16, 16\) \(N, H, W of the images\)"):
        N.train_fcn(model, x, y[:2])
    with pytest.raises(ValueError, match="labels must be in 0..4, got values from 3 to 7"):
        N.train_fcn(model, x, y + 3)
    with pytest.raises(TypeError, match="labels must hold integer labels, got dtype torch.float32"):
        N.train_fcn(model, x, y.astype(np.float32))
    with pytest.raises(ValueError, match="epochs must be positive, got 0"):
        N.train_fcn(model, x, y, epochs=0)
    with pytest.raises(ValueError, match="lr must be a positive finite number, got -0.1"):
        N.train_fcn(model, x, y, lr=-0.1)
    with pytest.raises(ValueError, match=r"images must have shape \(N, C, H, W\) and not be empty"):
        N.predict(model, x[0])
    with pytest.raises(ValueError, match="variants must be one of"):
        N.compare_variants(["2s"])
    with pytest.raises(ValueError, match=r"layers\[0\] must be \(kind, kernel_size, stride, padding\)"):
        N.coord_map([("conv", 3, 1)])
    with pytest.raises(ValueError, match=r"layers\[1\] kind must be one of 'conv', 'pool', 'deconv', got 'fc'"):
        N.coord_map([("conv", 3, 1, 1), ("fc", 1, 1, 0)])
    with pytest.raises(ValueError, match="A and B must have the same scale to be cropped, got 2.0 and 1.0"):
        N.crop_offset([("pool", 2, 2, 0)], [])
    with pytest.raises(ValueError, match="offset by a non-integer -0.5"):
        N.crop_offset([("conv", 2, 1, 0)], [])
    with pytest.raises(ValueError, match="image_size must be positive, got 0"):
        N.feature_sizes(0)


def test_more_errors():
    x, y = make_shapes(2, 16, seed=0)
    model = _model("8s")
    with pytest.raises(ValueError, match="batch_size must be positive, got 0"):
        N.predict(model, x, batch_size=0)
    with pytest.raises(TypeError, match="images must be a numpy.ndarray or a torch.Tensor, got list"):
        N.evaluate(model, x.tolist(), y)
    with pytest.raises(ValueError, match="seed must be non-negative, got -1"):
        N.make_split(seed=-1)
    with pytest.raises(ValueError, match="threads must be positive, got 0"):
        N.train_fcn(model, x, y, threads=0)
    with pytest.raises(TypeError, match="progress must be True or False, got 'no'"):
        N.train_fcn(model, x, y, progress="no")
    with pytest.raises(ValueError, match="pools must be non-negative, got -1"):
        N.feature_sizes(8, pools=-1)
    with pytest.raises(ValueError, match="kernel_size must be positive, got 0"):
        N.convolutionalize(nn.Linear(4, 2), 4, 0)


class _NearestThen1x1(nn.Module):
    """A stand-in for another chapter's upsampler: nearest 2x, then a learnable 1x1 convolution."""

    def __init__(self, channels, factor):
        super().__init__()
        self.factor = factor
        self.mix = nn.Conv2d(channels, channels, 1)

    def forward(self, x):
        return self.mix(torch.nn.functional.interpolate(x, scale_factor=self.factor, mode="nearest"))


def test_upsampler_keyword_default_is_unchanged_and_custom_layers_are_used():
    default, explicit = _model("8s"), _model("8s", upsampler=None)
    assert all(torch.equal(a, b) for a, b in zip(default.state_dict().values(), explicit.state_dict().values()))
    assert isinstance(default.upscore2, nn.ConvTranspose2d)
    calls = []

    def build(channels, factor):
        calls.append((channels, factor))
        return _NearestThen1x1(channels, factor)

    model = _model("8s", upsampler=build)
    assert calls == [(NUM_CLASSES, 2), (NUM_CLASSES, 2)]
    assert isinstance(model.upscore2, _NearestThen1x1) and isinstance(model.upscore_pool4, _NearestThen1x1)
    assert isinstance(model.upscore_final, nn.ConvTranspose2d)          # the last layer stays fixed bilinear
    assert torch.equal(model.upscore_final.weight.detach(), T.bilinear_weight(NUM_CLASSES, 8))
    assert "upsampler=" in repr(model) and "upsampler=" not in repr(default)
    with torch.no_grad():
        t = model.trace(torch.rand(2, 3, 37, 50))
    assert t["score"].shape == (2, NUM_CLASSES, 37, 50)
    assert torch.equal(t["upscore2"], model.upscore2(t["score_fr"]))
    assert all(p.requires_grad for p in model.upscore2.parameters())
    frozen = _model("16s", upsampler=_NearestThen1x1, learnable_upsampling=False)
    assert not any(p.requires_grad for p in frozen.upscore2.parameters())
    assert not hasattr(_model("32s", upsampler=build), "upscore2")


def test_upsampler_is_trained_and_passed_through_compare_variants():
    rows, models = N.compare_variants(["16s"], image_size=32, num_train=4, num_test=2, epochs=1, batch_size=2,
                                      upsampler=_NearestThen1x1, progress=False, return_models=True)
    assert isinstance(models["16s"].upscore2, _NearestThen1x1) and rows[0]["variant"] == "FCN-16s"
    with torch.random.fork_rng():
        torch.manual_seed(0)                                       # as compare_variants builds it, untrained
        start = N.FCN(NUM_CLASSES, "16s", upsampler=_NearestThen1x1)
    assert not torch.equal(models["16s"].upscore2.mix.weight.detach(), start.upscore2.mix.weight)


def test_upsampler_errors():
    with pytest.raises(TypeError, match="upsampler must be None or a callable .* got 'bilinear'"):
        N.FCN(5, upsampler="bilinear")
    with pytest.raises(TypeError, match="upsampler\\(channels, factor\\) must return a torch.nn.Module, got int"):
        N.FCN(5, upsampler=lambda c, f: 3)
    model = _model("8s", upsampler=lambda c, f: nn.Identity())
    with pytest.raises(ValueError, match=r"upscore2 must give \(N, K, >= 2, >= 2\) to match the skip scores "
                                         r"\(1, 5, 2, 2\), got shape \(1, 5, 1, 1\)"):
        model(torch.rand(1, 3, 32, 32))


def test_cached_compare_variants(tmp_path, monkeypatch, capsys):
    small = dict(image_size=32, num_train=4, num_test=2, epochs=1, batch_size=2)
    monkeypatch.delenv("UPDOWN_CACHE", raising=False)
    rows0, models0 = N.cached_compare_variants(["32s", "8s"], **small)
    assert capsys.readouterr().out.count("epoch 1/1") == 2               # no cache: it trains
    monkeypatch.setenv("UPDOWN_CACHE", str(tmp_path))
    rows1, models1 = N.cached_compare_variants(["32s", "8s"], **small)
    assert capsys.readouterr().out.count("epoch 1/1") == 2               # cold cache: it trains and stores
    assert len(list(tmp_path.glob("fcn_compare-*.pkl"))) == 1
    rows2, models2 = N.cached_compare_variants(["32s", "8s"], **small)
    assert capsys.readouterr().out == ""                                 # warm: nothing is trained
    assert rows2 == rows1
    assert [r["mean_iou"] for r in rows0] == [r["mean_iou"] for r in rows1]
    x = torch.rand(1, 3, 32, 32)
    for v in ("32s", "8s"):
        assert not models2[v].training
        with torch.no_grad():
            assert torch.equal(models1[v](x), models2[v](x)) and torch.equal(models0[v](x), models2[v](x))
    N.cached_compare_variants(["32s", "8s"], **dict(small, seed=1), progress=False)
    assert len(list(tmp_path.glob("fcn_compare-*.pkl"))) == 2             # other settings, other key
    with pytest.raises(TypeError, match="do not pass return_models"):
        N.cached_compare_variants(return_models=True)
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['epoch'\]"):
        N.cached_compare_variants(epoch=1)


def test_teaching_cores_agree_with_the_public_functions():
    rng = np.random.default_rng(3)
    for _ in range(20):
        layers = [(str(rng.choice(["conv", "pool", "deconv"])), int(rng.integers(1, 8)), int(rng.integers(1, 4)),
                   int(rng.integers(0, 3))) for _ in range(int(rng.integers(0, 6)))]
        assert N.coord_map(layers) == N._coord_map_core(layers)
    assert N._coord_map_core([("pool", 2, 2, 0)] * 3) == (8.0, 3.5)
    assert N._coord_map_core([("pool", 2, 2, 0), ("deconv", 4, 2, 1)]) == (1.0, 0.0)   # back onto the pixels
    weight = rng.standard_normal((4, 3 * 2 * 5)).astype(np.float32)
    kernel = N._convolutionalize_core(weight, 3, 2, 5)
    np.testing.assert_array_equal(kernel, weight.reshape(4, 3, 2, 5))
    lin = nn.Linear(30, 4)
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(weight))
    np.testing.assert_array_equal(N.convolutionalize(lin, 3, (2, 5)).weight.detach().numpy(), kernel)


def _fake_run(seed, cpu, m, b, fixed):
    rows = [{"variant": v, "mean_iou": mi, "boundary_f1": bi}
            for v, mi, bi in zip(("FCN-32s", "FCN-16s", "FCN-8s"), m, b)]
    return {"seed": seed, "cpu": cpu, "rows": rows, "fixed_8s": {"variant": "FCN-8s", "mean_iou": fixed[0],
                                                                 "boundary_f1": fixed[1]}}


def test_variation_summary_by_hand():
    runs = [_fake_run(0, "a", (0.30, 0.40, 0.50), (0.2, 0.4, 0.6), (0.49, 0.58)),
            _fake_run(1, "a", (0.32, 0.41, 0.52), (0.2, 0.4, 0.6), (0.53, 0.60)),
            _fake_run(0, "b", (0.28, 0.40, 0.50), (0.1, 0.4, 0.6), (0.50, 0.61)),
            _fake_run(1, "b", (0.31, 0.45, 0.51), (0.2, 0.4, 0.6), (0.50, 0.60))]
    s = N.variation_summary(runs)
    t = s["table"]["mean_iou", "FCN-32s"]
    assert t["by_seed"] == pytest.approx(0.03)          # CPU b: 0.28 and 0.31
    assert t["by_cpu"] == pytest.approx(0.02)           # seed 0: 0.30 and 0.28
    assert t["range"] == (0.28, 0.32)
    assert s["table"]["boundary_f1", "FCN-32s"]["by_cpu"] == pytest.approx(0.1)
    assert s["table"]["mean_iou", "FCN-8s fixed"]["by_seed"] == pytest.approx(0.04)
    assert s["gaps"]["mean_iou", "16s-32s"] == pytest.approx(0.09)
    assert s["gaps"]["mean_iou", "8s-16s"] == pytest.approx(0.06)
    assert s["gaps"]["mean_iou", "learned-fixed"] == pytest.approx((-0.01, 0.01))


def test_variation_table_was_measured_with_this_code():
    from updown import _fcn_variation

    table = _fcn_variation.RESULTS
    assert table["code_hash"] == N.variation_key(), (
        "fcn.py, data.py or metrics.py changed since the chapter's variation table was measured: run "
        "`python -m updown.fcn --variation src/updown/_fcn_variation.py` (about 10 min on one core) and commit it")
    cpus = {r["cpu"] for r in table["runs"]}
    assert "native" in cpus and len(cpus) >= 2 and cpus <= set(N.EMULATED_CPUS)
    assert sorted((r["cpu"], r["seed"]) for r in table["runs"]) == sorted(
        (c, s) for s in N.VARIATION_SEEDS for c in cpus)                 # every seed on each CPU measured
    assert table["settings"] == dict(N.DEFAULTS, device="cpu")
    for run in table["runs"]:
        config = run["config"]
        for name, value in N.EMULATED_CPUS[run["cpu"]].items():
            assert config[name] == value, (run["cpu"], name)
        assert [r["variant"] for r in run["rows"]] == ["FCN-32s", "FCN-16s", "FCN-8s"]


def test_code_hash_is_the_same_under_python_dash_m():
    """`python -m updown.fcn --variation` runs fcn as a module named __main__ (its spec keeps the name
    updown.fcn): the key it records must be the one importers compute."""
    import importlib.util
    import types

    from updown import _cache

    main = types.ModuleType("__main__")
    main.__spec__ = importlib.util.find_spec("updown.fcn")
    main.__file__ = N.__file__
    assert _cache.code_hash([main], {"a": 1}) == _cache.code_hash([N], {"a": 1})
    plain = types.ModuleType("__main__")
    plain.__file__ = N.__file__                     # a script without a spec keeps its own name
    assert _cache.code_hash([plain]) != _cache.code_hash([N])
