"""FCN-32s, FCN-16s and FCN-8s: a small fully convolutional network with skip fusion, and how to train it.

Chapter *FCN: skip fusion* (8), after {cite}`long2015fcn`. The backbone is VGG-like: five stages of 3x3
convolutions ('same' padding) followed by a 2x2 max pooling, so the maps after pool3, pool4 and pool5 have
strides 8, 16 and 32. Unlike VGG16 each convolution is followed by batch normalisation, so that a network this
small trains from scratch in a few epochs (the paper fine-tunes an ImageNet VGG16). Then, as in the paper:

* ``fc6``/``fc7``: the classifier's fully connected layers written as convolutions ({eq}`eq-fc-as-conv`);
* ``score_fr``, ``score_pool4``, ``score_pool3``: 1x1 convolutions giving ``K`` class scores per position; the
  two skip scorers start at zero, so a freshly built FCN-16s predicts exactly what its FCN-32s part predicts;
* ``upscore2``, ``upscore_pool4``: 2x upsampling by ``ConvTranspose2d`` initialised with the bilinear kernel of
  :func:`updown.transposed.bilinear_weight` and learned (``learnable_upsampling=True``, the paper) or frozen,
  or by any module that ``upsampler(channels, 2)`` builds (another chapter compares sub-pixel convolution);
* fusion by summation: ``fuse_pool4 = upscore2(score_fr) + score_pool4`` ({eq}`eq-fuse`), and so on;
* ``upscore_final``: the last upsampling (by 32, 16 or 8) fixed to bilinear, never learned.

Alignment. Every convolution keeps the size ('same' padding) and the poolings round up (``ceil_mode=True``, as
Caffe), so cell ``i`` of a stride-``s`` map covers input pixels ``[s*i, s*(i+1))`` and the 2x upsampling with
``padding = factor // 2`` maps cell centres onto cell centres: every crop offset is 0 and a crop only removes the
extra row or column at the bottom/right when a size was odd. The paper pads the input by 100 pixels and uses an
unpadded 7x7 ``fc6``, so its maps are shifted and it crops at offsets 5, 9 (skips) and 19, 27, 31 (final);
:func:`coord_map` and :func:`paper_crop_offsets` compute those numbers.
"""
from __future__ import annotations

import argparse
import contextlib
import inspect
import math
import sys
import time
from typing import Any, Iterable, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import _cache, metrics
from . import data as _data
from . import transposed as _transposed
from ._checks import _show, check_bool, check_choice, int_tuple
from .data import NUM_CLASSES, make_shapes
from .transposed import bilinear_padding, bilinear_weight

__all__ = [
    "VARIANTS", "STRIDES", "DEFAULTS", "feature_sizes", "coord_map", "crop_offset", "paper_crop_offsets",
    "convolutionalize", "FCN", "select_device", "train_fcn", "predict", "evaluate", "make_split", "compare_variants",
    "cached_compare_variants", "format_table", "main",
]

#: The three heads, coarsest first.
VARIANTS = ("32s", "16s", "8s")
#: The output stride of each head's last fused map (the final upsampling factor).
STRIDES = {"32s": 32, "16s": 16, "8s": 8}
#: The book's settings: what ``python -m updown.fcn`` and the chapter train with.
DEFAULTS = dict(image_size=96, num_train=256, num_test=96, epochs=6, batch_size=16, lr=3e-3, seed=0)


# ----------------------------------------------------------------------------------------------------------------
# sizes and alignment
# ----------------------------------------------------------------------------------------------------------------

def feature_sizes(image_size, pools: int = 5) -> list[tuple[int, int]]:
    """Height and width after each of ``pools`` 2x2 poolings that round up (``ceil_mode=True``).

    ``[(ceil(H/2), ceil(W/2)), (ceil(H/4), ceil(W/4)), ...]`` ({eq}`eq-pool-sizes`): size-preserving convolutions
    in between, so only the poolings change the size. ``image_size`` is an int or ``(H, W)``.
    Raises ``TypeError``/``ValueError`` for non-integer or non-positive sizes.
    """
    h, w = int_tuple("image_size", image_size, 2, minimum=1)
    pools = int_tuple("pools", pools, 1, minimum=0)[0]
    out = []
    for _ in range(pools):
        h, w = -(-h // 2), -(-w // 2)
        out.append((h, w))
    return out


_KINDS = ("conv", "pool", "deconv")


def coord_map(layers: Sequence[tuple]) -> tuple[float, float]:
    """The affine map from the coordinates of the last layer's output to those of the first layer's input.

    Each layer is ``(kind, kernel_size, stride, padding)`` with ``kind`` in ``"conv"``, ``"pool"``,
    ``"deconv"``. A convolution or pooling maps output index ``i`` to the centre of its window in the input,
    ``s*i + (k - 1)/2 - p``; a transposed convolution is its inverse. Returns ``(a, b)`` with
    ``x_first = a * x_last + b`` ({eq}`eq-coord-map`), composed over the layers in order (first layer first).
    This is how the FCN authors computed their crop offsets. Raises ``ValueError`` for an unknown kind or a bad
    layer tuple.
    """
    checked = []
    for n, layer in enumerate(layers):
        if not (isinstance(layer, tuple) and len(layer) == 4):
            raise ValueError(f"layers[{n}] must be (kind, kernel_size, stride, padding), got {_show(layer)}")
        kind, k, s, p = layer
        check_choice(f"layers[{n}] kind", kind, _KINDS)
        k = int_tuple(f"layers[{n}] kernel_size", k, 1, minimum=1)[0]
        s = int_tuple(f"layers[{n}] stride", s, 1, minimum=1)[0]
        p = int_tuple(f"layers[{n}] padding", p, 1, minimum=0)[0]
        checked.append((kind, k, s, p))
    return _coord_map_core(checked)


def _coord_map_core(layers):
    """(a, b) with x_first = a * x_last + b, over (kind, k, s, p) layers in order."""
    a, b = 1.0, 0.0
    for kind, k, s, p in layers:
        shift = (k - 1) / 2 - p                 # where output 0 sits in the input
        if kind == "deconv":                    # inverse: x_in = (x_out - shift) / s
            la, lb = 1 / s, -shift / s
        else:                                   # conv, pool: x_in = s * x_out + shift
            la, lb = s, shift
        a, b = a * la, a * lb + b               # x_first = a * (la * x + lb) + b
    return float(a), float(b)


def crop_offset(layers_a: Sequence[tuple], layers_b: Sequence[tuple]) -> int:
    """The offset at which map A must be cropped so that its index ``i + offset`` lies where B's index ``i`` does.

    ``layers_a`` and ``layers_b`` are the paths from the same input to A and to B (see :func:`coord_map`); both
    must reach the same scale. Raises ``ValueError`` when the scales differ or the offset is not an integer.
    """
    a_a, b_a = coord_map(layers_a)
    a_b, b_b = coord_map(layers_b)
    if not math.isclose(a_a, a_b):
        raise ValueError(f"A and B must have the same scale to be cropped, got {a_a} and {a_b}")
    off = (b_b - b_a) / a_a
    if not math.isclose(off, round(off), abs_tol=1e-9):
        raise ValueError(f"the maps are offset by a non-integer {off}; no crop can align them")
    return int(round(off))


def _vgg16_path(stages: int, pad_first: int = 100) -> list[tuple]:
    """The paper's VGG16 layers from the image up to pool<stages> (conv1_1 padded by 100)."""
    convs = (2, 2, 3, 3, 3)
    path = []
    for stage in range(stages):
        for c in range(convs[stage]):
            path.append(("conv", 3, 1, pad_first if (stage, c) == (0, 0) else 1))
        path.append(("pool", 2, 2, 0))
    return path


def paper_crop_offsets() -> dict[str, dict[str, int]]:
    """The crop offsets of the reference FCN-VGG16 nets, recomputed with :func:`coord_map` ({cite}`long2015fcn`).

    conv1_1 pads by 100, ``fc6`` is an unpadded 7x7 convolution, the upsamplings are unpadded transposed
    convolutions (kernel 4 stride 2; kernel 64/32/16 with stride 32/16/8). Returns
    ``{"32s": {"score": 19}, "16s": {"score_pool4c": 5, "score": 27}, "8s": {"score_pool4c": 5,
    "score_pool3c": 9, "score": 31}}``: the offsets of the paper's Crop layers.
    """
    head = _vgg16_path(5) + [("conv", 7, 1, 0), ("conv", 1, 1, 0), ("conv", 1, 1, 0)]   # fc6, fc7, score_fr
    up2 = ("deconv", 4, 2, 0)
    pool4 = _vgg16_path(4) + [("conv", 1, 1, 0)]
    pool3 = _vgg16_path(3) + [("conv", 1, 1, 0)]
    out = {"32s": {"score": crop_offset(head + [("deconv", 64, 32, 0)], [])}}
    out["16s"] = {"score_pool4c": crop_offset(pool4, head + [up2]),
                  "score": crop_offset(head + [up2, ("deconv", 32, 16, 0)], [])}
    fuse4 = head + [up2]
    out["8s"] = {"score_pool4c": crop_offset(pool4, fuse4),
                 "score_pool3c": crop_offset(pool3, fuse4 + [up2]),
                 "score": crop_offset(fuse4 + [up2, ("deconv", 16, 8, 0)], [])}
    return out


# ----------------------------------------------------------------------------------------------------------------
# the network
# ----------------------------------------------------------------------------------------------------------------

def convolutionalize(linear: nn.Linear, in_channels: int, kernel_size) -> nn.Conv2d:
    """The ``Conv2d`` that computes ``linear`` on every ``kernel_size`` window of a ``(N, C, h, w)`` map.

    ``linear`` reads a flattened ``(C, kh, kw)`` block (``in_features = C*kh*kw``); the returned convolution has
    its weights reshaped to ``(out_features, C, kh, kw)`` ({eq}`eq-fc-as-conv`), so on a map of exactly
    ``(kh, kw)`` it gives the classifier's output, and on a larger map a grid of outputs. Raises ``TypeError``
    when ``linear`` is not an ``nn.Linear`` and ``ValueError`` when the sizes do not multiply to
    ``in_features``.
    """
    if not isinstance(linear, nn.Linear):
        raise TypeError(f"linear must be a torch.nn.Linear, got {type(linear).__name__}")
    c = int_tuple("in_channels", in_channels, 1, minimum=1)[0]
    kh, kw = int_tuple("kernel_size", kernel_size, 2, minimum=1)
    if c * kh * kw != linear.in_features:
        raise ValueError(f"in_channels*kh*kw must equal linear.in_features={linear.in_features}, got "
                         f"{c}*{kh}*{kw} = {c * kh * kw}")
    conv = nn.Conv2d(c, linear.out_features, (kh, kw), bias=linear.bias is not None)
    kernel = _convolutionalize_core(linear.weight.detach().cpu().numpy(), c, kh, kw)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(kernel))
        if linear.bias is not None:
            conv.bias.copy_(linear.bias)          # b_o is the same number at every position
    return conv


def _convolutionalize_core(weight, c, kh, kw):
    """Kernels w_o[c, u, v] = W[o, (c, u, v)] of a weight W of shape (O, C*kh*kw)."""
    o = weight.shape[0]
    kernel = np.empty((o, c, kh, kw), dtype=weight.dtype)
    for n, (ch, u, v) in enumerate(np.ndindex(c, kh, kw)):  # c, then u, then v
        kernel[:, ch, u, v] = weight[:, n]
    return kernel


def _stage(c_in: int, c_out: int, convs: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for n in range(convs):
        layers += [nn.Conv2d(c_in if n == 0 else c_out, c_out, 3, padding=1, bias=False),
                   nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]
    layers.append(nn.MaxPool2d(2, stride=2, ceil_mode=True))
    return nn.Sequential(*layers)


def _bilinear_up(channels: int, factor: int, learnable: bool) -> nn.ConvTranspose2d:
    """A ``factor``-times upsampling ``ConvTranspose2d`` initialised to bilinear interpolation, per channel."""
    weight = bilinear_weight(channels, factor)
    layer = nn.ConvTranspose2d(channels, channels, weight.shape[-1], stride=factor,
                               padding=bilinear_padding(factor), bias=False)
    with torch.no_grad():
        layer.weight.copy_(weight)
    layer.weight.requires_grad_(learnable)
    return layer


class FCN(nn.Module):
    """A small FCN with a VGG-like backbone and the ``"32s"``, ``"16s"`` or ``"8s"`` head of {cite}`long2015fcn`.

    ``FCN(num_classes, variant="8s", ...)`` maps images ``(N, in_channels, H, W)`` to class scores
    ``(N, num_classes, H, W)`` for any ``H, W >= 1`` (in training mode, batch normalisation needs more than one
    value per channel at pool5: ``N > 1`` or ``H, W > 16``). ``widths``: channels of the five stages; ``convs``: 3x3
    convolutions per stage; ``fc_channels``: width of ``fc6``/``fc7``. ``learnable_upsampling`` switches the
    2x ``ConvTranspose2d`` layers between learned (the paper) and fixed bilinear; ``zero_init_skips=False``
    gives the skip scorers PyTorch's default random initialisation instead of zeros. The last upsampling is
    always fixed bilinear.

    ``upsampler``: ``None`` (the bilinear-initialised ``ConvTranspose2d`` above) or a callable
    ``upsampler(channels, factor) -> nn.Module`` that builds each learnable 2x layer (``upscore2``,
    ``upscore_pool4``; called with ``factor=2``). The module must map ``(N, channels, h, w)`` to
    ``(N, channels, >= 2h - 1, >= 2w - 1)`` with cell centres on cell centres (offset-0 crops, see the module
    docstring); the forward pass checks the shape. With ``learnable_upsampling=False`` its parameters are frozen
    too. Build it inside ``torch.random.fork_rng`` or after ``torch.manual_seed`` for
    reproducible weights (:func:`train_fcn` does).

    Raises ``ValueError`` for an unknown variant, non-positive sizes or a wrong number of widths/convs, and
    ``TypeError`` for non-integer sizes, non-bool switches, an ``upsampler`` that is not callable or one that
    does not return an ``nn.Module``.
    """

    def __init__(self, num_classes: int = NUM_CLASSES, variant: str = "8s", in_channels: int = 3,
                 widths: Sequence[int] = (16, 32, 64, 96, 128), convs: Sequence[int] = (1, 1, 2, 2, 2),
                 fc_channels: int = 128, learnable_upsampling: bool = True, zero_init_skips: bool = True,
                 upsampler=None):
        super().__init__()
        check_choice("variant", variant, VARIANTS)
        k = int_tuple("num_classes", num_classes, 1, minimum=1)[0]
        c_in = int_tuple("in_channels", in_channels, 1, minimum=1)[0]
        widths = int_tuple("widths", tuple(widths) if isinstance(widths, list) else widths, 5, minimum=1)
        convs = int_tuple("convs", tuple(convs) if isinstance(convs, list) else convs, 5, minimum=1)
        fc = int_tuple("fc_channels", fc_channels, 1, minimum=1)[0]
        check_bool("learnable_upsampling", learnable_upsampling)
        check_bool("zero_init_skips", zero_init_skips)
        if upsampler is not None and not callable(upsampler):
            raise TypeError(f"upsampler must be None or a callable (channels, factor) -> nn.Module, "
                            f"got {_show(upsampler)}")
        self.upsampler = upsampler
        self.variant, self.num_classes = variant, k
        self.learnable_upsampling, self.zero_init_skips = bool(learnable_upsampling), bool(zero_init_skips)
        chans = (c_in,) + widths
        self.stages = nn.ModuleList(_stage(chans[i], chans[i + 1], convs[i]) for i in range(5))
        # fc6/fc7: the classifier as convolutions (3x3 here, the size of the pool5 map of a 96x96 image)
        self.fc = nn.Sequential(nn.Conv2d(widths[4], fc, 3, padding=1, bias=False), nn.BatchNorm2d(fc),
                                nn.ReLU(inplace=True), nn.Conv2d(fc, fc, 1, bias=False), nn.BatchNorm2d(fc),
                                nn.ReLU(inplace=True))
        self.score_fr = nn.Conv2d(fc, k, 1)
        if variant in ("16s", "8s"):
            self.score_pool4 = self._skip_scorer(widths[3], k)
            self.upscore2 = self._up2(k, learnable_upsampling)
        if variant == "8s":
            self.score_pool3 = self._skip_scorer(widths[2], k)
            self.upscore_pool4 = self._up2(k, learnable_upsampling)
        self.upscore_final = _bilinear_up(k, STRIDES[variant], learnable=False)

    def _up2(self, k: int, learnable: bool) -> nn.Module:
        if self.upsampler is None:
            return _bilinear_up(k, 2, learnable)
        layer = self.upsampler(k, 2)
        if not isinstance(layer, nn.Module):
            raise TypeError(f"upsampler(channels, factor) must return a torch.nn.Module, "
                            f"got {type(layer).__name__}")
        if not learnable:
            layer.requires_grad_(False)
        return layer

    def _crop_to(self, up: torch.Tensor, skip: torch.Tensor, name: str) -> torch.Tensor:
        if up.shape[:2] != skip.shape[:2] or up.shape[-2] < skip.shape[-2] or up.shape[-1] < skip.shape[-1]:
            raise ValueError(f"{name} must give (N, K, >= {skip.shape[-2]}, >= {skip.shape[-1]}) to match the "
                             f"skip scores {tuple(skip.shape)}, got shape {tuple(up.shape)}")
        return up[..., :skip.shape[-2], :skip.shape[-1]]                          # crop offset 0

    def _skip_scorer(self, c: int, k: int) -> nn.Conv2d:
        layer = nn.Conv2d(c, k, 1)
        if self.zero_init_skips:
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)
        return layer

    def trace(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every named intermediate map of the forward pass, in order (``"pool1"`` ... ``"score"``).

        Keys: ``pool1..pool5``, ``fc7``, ``score_fr``; for 16s/8s ``upscore2``, ``score_pool4``, ``fuse_pool4``;
        for 8s ``upscore_pool4``, ``score_pool3``, ``fuse_pool3``; then ``upscore_final`` (before the crop) and
        ``score`` ``(N, K, H, W)``. Crops (offset 0, see the module docstring) keep the top-left part.
        """
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
        if x.ndim != 4:
            shape = tuple(x.shape)
            raise ValueError(f"x must have shape (N, C, H, W), got shape {shape}")
        out: dict[str, torch.Tensor] = {}
        h = x
        for i, stage in enumerate(self.stages, start=1):
            h = stage(h)
            out[f"pool{i}"] = h
        out["fc7"] = self.fc(h)
        s = out["score_fr"] = self.score_fr(out["fc7"])
        if self.variant in ("16s", "8s"):
            up = out["upscore2"] = self.upscore2(s)
            skip = out["score_pool4"] = self.score_pool4(out["pool4"])
            s = out["fuse_pool4"] = self._crop_to(up, skip, "upscore2") + skip
        if self.variant == "8s":
            up = out["upscore_pool4"] = self.upscore_pool4(s)
            skip = out["score_pool3"] = self.score_pool3(out["pool3"])
            s = out["fuse_pool3"] = self._crop_to(up, skip, "upscore_pool4") + skip
        up = out["upscore_final"] = self.upscore_final(s)
        out["score"] = up[..., :x.shape[-2], :x.shape[-1]]
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores ``(N, num_classes, H, W)`` of images ``x`` ``(N, in_channels, H, W)``."""
        return self.trace(x)["score"]

    def extra_repr(self) -> str:
        extra = "" if self.upsampler is None else f", upsampler={getattr(self.upsampler, '__qualname__', '?')}"
        return (f"variant={self.variant!r}, num_classes={self.num_classes}, "
                f"learnable_upsampling={self.learnable_upsampling}, zero_init_skips={self.zero_init_skips}"
                + extra)


# ----------------------------------------------------------------------------------------------------------------
# training and evaluation
# ----------------------------------------------------------------------------------------------------------------

def select_device(device: str | None = None) -> torch.device:
    """``device`` as a ``torch.device``; ``None`` means ``"cuda"`` when a GPU is present, else ``"cpu"``."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"device must be a string such as 'cpu' or 'cuda', or None, got {_show(device)}")
    try:
        dev = torch.device(device)
    except RuntimeError as err:
        raise ValueError(f"device must name a torch device such as 'cpu' or 'cuda', got {device!r}") from err
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} was requested but torch.cuda.is_available() is False")
    return dev


@contextlib.contextmanager
def _reproducible(seed: int, threads: int | None):
    """Seed torch's generators, ask for deterministic kernels and fix the thread count; restore all afterwards."""
    det, warn = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    old_threads = torch.get_num_threads()
    with torch.random.fork_rng(devices=list(range(torch.cuda.device_count()))):
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True, warn_only=True)
        if threads is not None:
            torch.set_num_threads(threads)
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(det, warn_only=warn)
            torch.set_num_threads(old_threads)


def _as_images(name: str, x: Any) -> torch.Tensor:
    if isinstance(x, np.ndarray):
        x = torch.from_numpy(x)
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a numpy.ndarray or a torch.Tensor, got {type(x).__name__}")
    if not x.dtype.is_floating_point:
        raise TypeError(f"{name} must have a floating dtype, got dtype {x.dtype}")
    if x.ndim != 4 or x.numel() == 0:
        raise ValueError(f"{name} must have shape (N, C, H, W) and not be empty, got shape {tuple(x.shape)}")
    return x.float()


def _as_labels(name: str, y: Any, images: torch.Tensor, num_classes: int) -> torch.Tensor:
    if isinstance(y, np.ndarray):
        y = torch.from_numpy(y)
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"{name} must be a numpy.ndarray or a torch.Tensor, got {type(y).__name__}")
    if y.dtype.is_floating_point or y.dtype == torch.bool:
        raise TypeError(f"{name} must hold integer labels, got dtype {y.dtype}")
    want = (images.shape[0],) + tuple(images.shape[2:])
    if tuple(y.shape) != want:
        raise ValueError(f"{name} must have shape {want} (N, H, W of the images), got shape {tuple(y.shape)}")
    if int(y.min()) < 0 or int(y.max()) >= num_classes:
        raise ValueError(f"{name} must be in 0..{num_classes - 1}, got values from {int(y.min())} to {int(y.max())}")
    return y.long()


def train_fcn(model: FCN, images, labels, *, epochs: int = DEFAULTS["epochs"],
              batch_size: int = DEFAULTS["batch_size"], lr: float = DEFAULTS["lr"], seed: int = 0,
              device: str | None = None, threads: int | None = 1, progress: bool = True,
              name: str | None = None) -> list[float]:
    """Train ``model`` in place by Adam on the per-pixel cross-entropy; return the mean loss of each epoch.

    ``images``: float ``(N, C, H, W)``; ``labels``: integer ``(N, H, W)`` in ``0 .. model.num_classes - 1``
    (NumPy or torch). ``seed`` fixes the order of the mini-batches (and any randomness inside the step);
    ``threads`` fixes torch's CPU thread count during training (1 by default, so that the numbers do not depend
    on the machine's core count; ``None`` keeps the current setting). ``device``: see
    :func:`select_device`; the model is moved there. With ``progress`` one plain text line per epoch is printed
    (loss and time), prefixed by ``name``. Parameters with ``requires_grad=False`` (fixed upsampling) are not
    optimised. The inputs are not modified.

    Raises ``TypeError``/``ValueError`` for bad arrays, labels out of range, or non-positive ``epochs``,
    ``batch_size`` or ``lr``.
    """
    if not isinstance(model, FCN):
        raise TypeError(f"model must be an updown.fcn.FCN, got {type(model).__name__}")
    x = _as_images("images", images)
    y = _as_labels("labels", labels, x, model.num_classes)
    epochs = int_tuple("epochs", epochs, 1, minimum=1)[0]
    batch_size = int_tuple("batch_size", batch_size, 1, minimum=1)[0]
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive finite number, got {_show(lr)}")
    seed = int_tuple("seed", seed, 1, minimum=0)[0]
    threads = int_tuple("threads", threads, 1, minimum=1, allow_none=True)
    threads = None if threads is None else threads[0]
    check_bool("progress", progress)
    dev = select_device(device)
    label = f"{name}: " if name else ""
    history = []
    with _reproducible(seed, threads):
        model.to(dev).train()
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.Adam(params, lr=lr)
        g = torch.Generator().manual_seed(seed)
        n = x.shape[0]
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            order = torch.randperm(n, generator=g)
            total = 0.0
            for i in range(0, n, batch_size):
                idx = order[i:i + batch_size]
                xb, yb = x[idx].to(dev), y[idx].to(dev)
                loss = F.cross_entropy(model(xb), yb)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(idx)
            history.append(total / n)
            if progress:
                print(f"{label}epoch {epoch}/{epochs}  loss {history[-1]:.3f}  "
                      f"took {time.perf_counter() - start:.1f} s", flush=True)
    model.eval()
    return history


@torch.no_grad()
def predict(model: nn.Module, images, batch_size: int = 64, device: str | None = None,
            threads: int | None = 1) -> np.ndarray:
    """Predicted labels ``(N, H, W)`` int64 (argmax of the scores) of ``images`` ``(N, C, H, W)``, in eval mode."""
    x = _as_images("images", images)
    batch_size = int_tuple("batch_size", batch_size, 1, minimum=1)[0]
    dev = select_device(device) if device is not None else next(model.parameters()).device
    out = []
    with _reproducible(0, threads):
        model.to(dev).eval()
        for i in range(0, x.shape[0], batch_size):
            out.append(model(x[i:i + batch_size].to(dev)).argmax(1).cpu())
    return torch.cat(out).numpy()


def evaluate(model: FCN, images, labels, tolerance: float = 2.0, **kwargs) -> dict[str, Any]:
    """``{"mean_iou", "pixel_accuracy", "boundary_f1", "class_iou"}`` of ``model`` on ``images``/``labels``.

    Mean IoU is pooled over all pixels of all images ({eq}`eq-mean-iu`); ``class_iou`` is the list of the
    per-class IoUs it averages (NaN for a class absent from both, see :func:`updown.metrics.class_iou`);
    boundary F1 uses ``tolerance`` pixels and is averaged over images. ``kwargs`` go to :func:`predict`.
    """
    pred = predict(model, images, **kwargs)
    target = _as_labels("labels", labels, _as_images("images", images), model.num_classes).numpy()
    k = model.num_classes
    return {"mean_iou": metrics.mean_iou(pred, target, k),
            "pixel_accuracy": metrics.pixel_accuracy(pred, target, k),
            "boundary_f1": metrics.boundary_f1(pred, target, k, tolerance),
            "class_iou": [float(v) for v in metrics.class_iou(pred, target, k)]}


def make_split(seed: int = DEFAULTS["seed"], image_size: int = DEFAULTS["image_size"],
               num_train: int = DEFAULTS["num_train"], num_test: int = DEFAULTS["num_test"]):
    """The book's training and held-out test sets: ``(train_x, train_y, test_x, test_y)`` as NumPy arrays.

    ``make_shapes(num_train, image_size, seed)`` and ``make_shapes(num_test, image_size, 10_000 + seed)``: the test
    images come from another stream, so they are never training images.
    """
    seed = int_tuple("seed", seed, 1, minimum=0)[0]
    train_x, train_y = make_shapes(num_train, image_size, seed)
    test_x, test_y = make_shapes(num_test, image_size, 10_000 + seed)
    return train_x, train_y, test_x, test_y


def compare_variants(variants: Iterable[str] = VARIANTS, *, image_size: int = DEFAULTS["image_size"],
                     num_train: int = DEFAULTS["num_train"], num_test: int = DEFAULTS["num_test"],
                     epochs: int = DEFAULTS["epochs"], batch_size: int = DEFAULTS["batch_size"],
                     lr: float = DEFAULTS["lr"], seed: int = DEFAULTS["seed"], device: str | None = None,
                     threads: int | None = 1, learnable_upsampling: bool = True, zero_init_skips: bool = True,
                     upsampler=None, progress: bool = True, return_models: bool = False):
    """Train each variant on the same data with the same seed and evaluate it on held-out images.

    The images are those of :func:`make_split`; every model is built and trained under ``seed``;
    ``learnable_upsampling``, ``zero_init_skips`` and ``upsampler`` go to :class:`FCN`. Returns
    a list of rows ``{"variant", "mean_iou", "pixel_accuracy", "boundary_f1", "class_iou", "seconds"}`` (see
    :func:`evaluate`; ``seconds``: training time), plus ``{variant: model}`` when ``return_models``.
    """
    variants = list(variants)
    for v in variants:
        check_choice("variants", v, VARIANTS)
    train_x, train_y, test_x, test_y = make_split(seed, image_size, num_train, num_test)
    rows, models = [], {}
    for v in variants:
        with _reproducible(seed, threads):
            model = FCN(NUM_CLASSES, v, learnable_upsampling=learnable_upsampling, zero_init_skips=zero_init_skips,
                        upsampler=upsampler)
        start = time.perf_counter()
        train_fcn(model, train_x, train_y, epochs=epochs, batch_size=batch_size, lr=lr, seed=seed, device=device,
                  threads=threads, progress=progress, name=f"FCN-{v}")
        seconds = time.perf_counter() - start
        scores = evaluate(model, test_x, test_y, threads=threads)
        rows.append({"variant": f"FCN-{v}", **scores, "seconds": seconds})
        models[v] = model
    return (rows, models) if return_models else rows


def cached_compare_variants(variants: Iterable[str] = VARIANTS, name: str = "fcn_compare", **kwargs):
    """:func:`compare_variants` with ``return_models=True``, its results kept by :func:`updown._cache.cached`.

    Returns ``(rows, {variant: model})`` like ``compare_variants(variants, return_models=True, **kwargs)``.
    With ``UPDOWN_CACHE`` unset (a reader's kernel, ``make test-portable``) it simply trains. With it set, the
    rows and the trained weights are stored under a key that hashes the settings (the defaults filled in), the
    device, the source of ``fcn``, ``data``, ``metrics`` and ``transposed`` (and of the module defining
    ``upsampler``, if one is given) and the CPU configuration; a warm run rebuilds the models from the stored
    weights instead of training, and prints no progress lines. ``name`` names the cache file.
    """
    variants = list(variants)
    for v in variants:
        check_choice("variants", v, VARIANTS)
    if "return_models" in kwargs:
        raise TypeError("cached_compare_variants always returns the models; do not pass return_models")
    settings = dict(DEFAULTS, threads=1, learnable_upsampling=True, zero_init_skips=True, upsampler=None,
                    device=None)
    unknown = sorted(set(kwargs) - set(settings) - {"progress"})
    if unknown:
        raise TypeError(f"cached_compare_variants got unexpected keyword arguments {unknown}")
    settings.update(kwargs)
    progress = settings.pop("progress", True)
    upsampler = settings["upsampler"]
    modules = [sys.modules[__name__], _data, metrics, _transposed]
    key = dict(settings, variants=variants, device=str(select_device(settings["device"])))
    if upsampler is not None:
        key["upsampler"] = f"{getattr(upsampler, '__module__', '?')}.{getattr(upsampler, '__qualname__', '?')}"
        origin = inspect.getmodule(upsampler)
        if origin is not None and getattr(origin, "__file__", None) and origin not in modules:
            modules.append(origin)

    def compute():
        rows, models = compare_variants(variants, progress=progress, return_models=True, **settings)
        return rows, {v: {k: t.detach().cpu() for k, t in m.state_dict().items()} for v, m in models.items()}

    rows, states = _cache.cached(name, key, modules, compute)
    models = {}
    for v in variants:
        with torch.random.fork_rng():
            model = FCN(NUM_CLASSES, v, learnable_upsampling=settings["learnable_upsampling"],
                        zero_init_skips=settings["zero_init_skips"], upsampler=upsampler)
        model.load_state_dict(states[v])
        models[v] = model.to(select_device(settings["device"])).eval()
    return [dict(r) for r in rows], models


#: The CPUs of the variation measurement: the machine's own kernels and two older x86-64 CPUs that PyTorch,
#: oneDNN and NumPy imitate when these environment variables are set (they must be set before torch is imported,
#: so each configuration runs in its own process). The same settings as ``make test-portable``.
EMULATED_CPUS = {
    "native": {},
    # NumPy's X86_V4 group leaves its newer AVX-512 targets (ICL, SPR) on, so they are named too (as in the Makefile)
    "sse41": {"ATEN_CPU_CAPABILITY": "default", "ONEDNN_MAX_CPU_ISA": "SSE41",
              "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR", "OMP_NUM_THREADS": "1"},
    "avx2": {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2",
             "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR", "OMP_NUM_THREADS": "2"},
}
#: The seeds of the variation measurement.
VARIATION_SEEDS = (0, 1, 2)


def variation_key() -> str:
    """The code hash a variation table must carry: the source of fcn, data and metrics and the settings."""
    settings = {"defaults": DEFAULTS, "seeds": list(VARIATION_SEEDS), "cpus": EMULATED_CPUS, "device": "cpu"}
    return _cache.code_hash([sys.modules[__name__], _data, metrics], settings)


def _variation_run(seed: int) -> dict:
    """The chapter's two experiments for one seed on the CPU: the three variants, and FCN-8s with fixed 2x."""
    rows = compare_variants(seed=seed, device="cpu", progress=False)
    fixed = compare_variants(["8s"], seed=seed, device="cpu", learnable_upsampling=False, progress=False)
    for r in rows + fixed:
        r.pop("seconds")
    return {"seed": seed, "rows": rows, "fixed_8s": fixed[0], "config": _cache.cpu_config()}


def measure_variation(path=None, seeds: Sequence[int] = VARIATION_SEEDS, cpus: Sequence[str] = tuple(EMULATED_CPUS),
                      log=print, jobs: int = 1) -> dict:
    """Run :func:`_variation_run` for every seed under every CPU of :data:`EMULATED_CPUS` (one process each).

    Returns ``{"code_hash", "settings", "runs"}`` (runs ordered by CPU, then seed); with ``path``, also writes it
    there as a Python module (``src/updown/_fcn_variation.py`` is the one the chapter reads). About a minute of
    one core per seed and CPU; ``jobs`` processes run at once (each trains on one thread, so the numbers do not
    depend on ``jobs``).
    """
    import json
    import os
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    jobs = int_tuple("jobs", jobs, 1, minimum=1)[0]
    for cpu in cpus:
        check_choice("cpus", cpu, tuple(EMULATED_CPUS))

    def one(task):
        cpu, seed = task
        env = dict(os.environ, **EMULATED_CPUS[cpu])
        code = f"import json, updown.fcn as f; print(json.dumps(f._variation_run({int(seed)})))"
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
        run = dict(json.loads(out.stdout.strip().splitlines()[-1]), cpu=cpu)
        log(f"{cpu} seed {seed}: " + ", ".join(f"{r['variant']} {r['mean_iou']:.3f}" for r in run["rows"])
            + f", fixed {run['fixed_8s']['mean_iou']:.3f}  ({time.perf_counter() - start:.0f} s)")
        return run

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        runs = list(pool.map(one, [(cpu, seed) for cpu in cpus for seed in seeds]))
    result = {"code_hash": variation_key(), "settings": dict(DEFAULTS, device="cpu"), "runs": runs}
    if path is not None:
        text = ('"""The FCN chapter\'s variation table: written by ``python -m updown.fcn --variation``, do '
                'not edit.\n\nEach run: one seed, one CPU configuration (see ``updown.fcn.EMULATED_CPUS``). '
                '``code_hash`` is ``updown.fcn.variation_key()`` of the code that produced it.\n"""\n'
                'import json\n\nRESULTS = json.loads(r"""\n'
                + json.dumps(result, indent=1, sort_keys=True) + '\n""")\n')
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return result


def variation_summary(runs: Sequence[dict]) -> dict[str, Any]:
    """How much the results of :func:`measure_variation` move, from its ``runs``.

    For each metric (``mean_iou``, ``boundary_f1``) and each of ``FCN-32s``, ``FCN-16s``, ``FCN-8s`` and
    ``FCN-8s fixed``: ``by_seed`` (largest range over the seeds on one CPU), ``by_cpu`` (largest range over the
    CPUs for one seed) and ``range`` (min, max over all runs). ``gaps``: the smallest FCN-16s minus FCN-32s and
    FCN-8s minus FCN-16s over the runs, and the (min, max) of learned minus fixed FCN-8s.
    """
    def value(run, name, metric):
        row = run["fixed_8s"] if name == "FCN-8s fixed" else next(r for r in run["rows"] if r["variant"] == name)
        return row[metric]

    seeds = sorted({r["seed"] for r in runs})
    cpus = sorted({r["cpu"] for r in runs})
    table = {}
    for metric in ("mean_iou", "boundary_f1"):
        for name in ("FCN-32s", "FCN-16s", "FCN-8s", "FCN-8s fixed"):
            at = {(r["seed"], r["cpu"]): value(r, name, metric) for r in runs}
            spread = lambda vals: max(vals) - min(vals)  # noqa: E731
            table[metric, name] = {
                "by_seed": max(spread([at[s, c] for s in seeds if (s, c) in at]) for c in cpus),
                "by_cpu": max(spread([at[s, c] for c in cpus if (s, c) in at]) for s in seeds),
                "range": (min(at.values()), max(at.values()))}
    gaps = {}
    for metric in ("mean_iou", "boundary_f1"):
        gaps[metric, "16s-32s"] = min(value(r, "FCN-16s", metric) - value(r, "FCN-32s", metric) for r in runs)
        gaps[metric, "8s-16s"] = min(value(r, "FCN-8s", metric) - value(r, "FCN-16s", metric) for r in runs)
        diffs = [value(r, "FCN-8s", metric) - value(r, "FCN-8s fixed", metric) for r in runs]
        gaps[metric, "learned-fixed"] = (min(diffs), max(diffs))
    return {"table": table, "gaps": gaps}


def format_table(rows: Sequence[dict]) -> str:
    """The rows of :func:`compare_variants` as a plain text table (metrics to 3 decimals)."""
    lines = [f"{'variant':<8} {'mean IoU':>9} {'pixel acc':>10} {'boundary F1':>12} {'seconds':>8}"]
    for r in rows:
        lines.append(f"{r['variant']:<8} {r['mean_iou']:>9.3f} {r['pixel_accuracy']:>10.3f} "
                     f"{r['boundary_f1']:>12.3f} {r['seconds']:>8.1f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m updown.fcn``: train FCN-32s, FCN-16s and FCN-8s and print one row each."""
    parser = argparse.ArgumentParser(
        prog="python -m updown.fcn",
        description="Train FCN-32s, FCN-16s and FCN-8s (Long et al., 2015) on the book's procedural shapes and "
                    "print, for each, the mean IoU, pixel accuracy and boundary F1 on held-out images and the "
                    "training time in seconds. The defaults are the book's settings.")
    parser.add_argument("--epochs", type=int, default=DEFAULTS["epochs"], help="passes over the training set "
                        "(default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULTS["seed"], help="seed of the data, the weights and the "
                        "batch order (default %(default)s)")
    parser.add_argument("--image-size", type=int, default=DEFAULTS["image_size"], help="height and width of the "
                        "square images in pixels (default %(default)s)")
    parser.add_argument("--train", type=int, default=DEFAULTS["num_train"], help="number of training images "
                        "(default %(default)s)")
    parser.add_argument("--test", type=int, default=DEFAULTS["num_test"], help="number of held-out test images "
                        "(default %(default)s)")
    parser.add_argument("--batch-size", type=int, default=DEFAULTS["batch_size"], help="images per step "
                        "(default %(default)s)")
    parser.add_argument("--lr", type=float, default=DEFAULTS["lr"], help="Adam learning rate (default %(default)s)")
    parser.add_argument("--device", default=None, help="'cpu', 'cuda', 'cuda:1', ... (default: cuda if available, "
                        "else cpu)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads during training; 1 (default) "
                        "makes the numbers independent of the core count, 0 keeps torch's default")
    parser.add_argument("--fixed-upsampling", action="store_true", help="freeze the 2x upsampling layers at "
                        "bilinear instead of learning them")
    parser.add_argument("--random-skips", action="store_true", help="initialise the pool4/pool3 scorers randomly "
                        "instead of with zeros")
    parser.add_argument("--quiet", action="store_true", help="do not print a progress line per epoch")
    parser.add_argument("--variation", metavar="PATH", help="instead: measure the chapter's results for seeds "
                        "0, 1, 2 under each emulated CPU (about ten minutes) and write the table to PATH "
                        "(src/updown/_fcn_variation.py); --threads N runs N of the 9 trainings at once")
    args = parser.parse_args(argv)
    if args.variation:
        measure_variation(args.variation, jobs=max(1, args.threads))
        return 0
    try:
        rows = compare_variants(image_size=args.image_size, num_train=args.train, num_test=args.test,
                                epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
                                device=args.device, threads=args.threads or None,
                                learnable_upsampling=not args.fixed_upsampling,
                                zero_init_skips=not args.random_skips, progress=not args.quiet)
    except (TypeError, ValueError) as err:
        parser.error(str(err))
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
