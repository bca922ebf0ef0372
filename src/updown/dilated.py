"""Dilated (atrous) convolution, shift-and-stitch, a dilated FCN backbone, ASPP and a DeepLab-style network.

Chapter *Keeping resolution: dilated convolution* (ch-dilated). A convolution with dilation ``d`` reads its
``k`` taps ``d`` pixels apart: it is the ordinary convolution with the sparse kernel that has ``d - 1`` zeros
inserted between neighbouring taps ({eq}`eq-dil-sparse`), so its convolution matrix (chapter ch-transposed) is
the matrix of that sparse kernel. FCN's shift-and-stitch ({cite}`long2015fcn`, section 3.2) computes the same
numbers as a network whose pooling has stride 1 and whose later filters are dilated by the removed stride
({eq}`eq-dil-stitch`, :func:`shift_and_stitch`).

The networks, built from :class:`updown.fcn.FCN`'s public parts (its stages are taken from a built FCN and the
poolings and convolutions replaced), without editing that module:

* :class:`DilatedBackbone`: the FCN's five stages with the last poolings removed and the convolutions after them
  dilated, so the features have output stride 32, 16 or 8 ({cite}`yu2016dilated`, {cite}`chen2018deeplab`);
* :class:`ASPP`: atrous spatial pyramid pooling, parallel 3x3 convolutions at several rates, a 1x1 branch and
  image pooling, concatenated and projected ({cite}`chen2017rethinking`); :func:`aspp_rates` scales
  DeepLabv3's rates to the size of the feature map;
* :class:`DeepLab`: backbone + ASPP + a 1x1 classifier + fixed bilinear upsampling to the image. It subclasses
  :class:`updown.fcn.FCN`, so :func:`updown.fcn.train_fcn`, :func:`~updown.fcn.predict` and
  :func:`~updown.fcn.evaluate` train and score it like the FCN heads.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import fcn as _fcn
from ._checks import _show, check_bool, int_tuple
from .data import NUM_CLASSES
from .pooling import receptive_field

__all__ = [
    "OUTPUT_STRIDES", "dilate_kernel", "dilation_footprint", "shift_and_stitch", "backbone_layers",
    "backbone_receptive_field", "aspp_rates", "valid_tap_fraction", "DilatedBackbone", "ASPP", "DeepLab",
    "activation_bytes",
]

#: The output strides a :class:`DilatedBackbone` offers: 32 (the FCN's), 16 (pool5 removed), 8 (pool4 too).
OUTPUT_STRIDES = (32, 16, 8)
#: DeepLabv3's ASPP rates at output stride 16 and the feature-map size they were chosen for (513-px crops).
DEEPLAB_RATES, DEEPLAB_MAP = (6, 12, 18), 33


# ----------------------------------------------------------------------------------------------------------------
# dilation as a sparse kernel
# ----------------------------------------------------------------------------------------------------------------

def _dilate_kernel_core(weight, d):
    """The sparse kernel: tap (u, v) of weight moves to (d u, d v), zeros elsewhere."""
    *lead, kh, kw = weight.shape
    sparse = np.zeros((*lead, d * (kh - 1) + 1, d * (kw - 1) + 1), dtype=weight.dtype)
    sparse[..., ::d, ::d] = weight
    return sparse


def dilate_kernel(weight, dilation) -> np.ndarray:
    """The kernel of a ``dilation``-dilated convolution written out with its holes ({eq}`eq-dil-sparse`).

    ``weight``: NumPy array ``(..., kh, kw)`` (PyTorch's ``(C_out, C_in, kh, kw)`` or a plain 2D kernel).
    Returns ``(..., d*(kh-1)+1, d*(kw-1)+1)`` with ``weight[..., u, v]`` at ``[..., d*u, d*v]`` and zeros
    between, so ``conv2d(x, weight, dilation=d) == conv2d(x, dilate_kernel(weight, d))``. The input is not
    modified. Raises ``TypeError`` for a non-array or non-numeric weight or a non-integer dilation and
    ``ValueError`` for fewer than 2 dimensions, an empty weight or a dilation below 1.
    """
    if not isinstance(weight, np.ndarray):
        raise TypeError(f"weight must be a numpy.ndarray, got {type(weight).__name__}")
    if not np.issubdtype(weight.dtype, np.number):
        raise TypeError(f"weight must have a numeric dtype, got dtype {weight.dtype}")
    if weight.ndim < 2 or weight.size == 0:
        raise ValueError(f"weight must have shape (..., kh, kw) and not be empty, got shape {weight.shape}")
    d = int_tuple("dilation", dilation, 1, minimum=1)[0]
    return _dilate_kernel_core(weight, d)


def _dilation_footprint_core(k, dilations):
    """Paths from each input offset to one output: 1D convolution of the dilated all-ones kernels."""
    paths = np.ones(1, dtype=np.int64)
    for d in dilations:
        taps = np.zeros(d * (k - 1) + 1, dtype=np.int64)
        taps[::d] = 1                              # k taps d apart
        paths = np.convolve(paths, taps)
    return np.outer(paths, paths)          # k x k kernels: rows times columns


def dilation_footprint(kernel_size: int, dilations) -> np.ndarray:
    """How many paths lead from each input pixel to one output of a stack of dilated ``k x k`` convolutions.

    ``dilations``: one rate per layer (stride 1 everywhere). Returns an int64 array ``(R, R)``, ``R`` the
    receptive field, whose entry is the number of tap sequences through which that input pixel reaches the
    output; a zero inside the field is a pixel the output never sees: the gridding artifact of equal rates
    ({cite}`wang2018understanding`). Raises ``TypeError``/``ValueError`` for non-integer or non-positive
    entries or an empty list.
    """
    k = int_tuple("kernel_size", kernel_size, 1, minimum=1)[0]
    if not isinstance(dilations, (list, tuple)) or len(dilations) == 0:
        raise ValueError(f"dilations must be a non-empty sequence of ints, got {_show(dilations)}")
    ds = int_tuple("dilations", tuple(dilations), len(dilations), minimum=1)
    return _dilation_footprint_core(k, ds)


# ----------------------------------------------------------------------------------------------------------------
# shift-and-stitch
# ----------------------------------------------------------------------------------------------------------------

def _shift_and_stitch_core(net, x, f):
    """Run net on the f*f shifted inputs; shift (a, b)'s output pixel (i, j) goes to (f i + a, f j + b)."""
    outs = {(a, b): net(x[..., a:, b:]) for a in range(f) for b in range(f)}
    h = max(f * (y.shape[-2] - 1) + a + 1 for (a, _), y in outs.items())
    w = max(f * (y.shape[-1] - 1) + b + 1 for (_, b), y in outs.items())
    out = outs[0, 0].new_zeros(*outs[0, 0].shape[:-2], h, w)
    for (a, b), y in outs.items():
        out[..., a::f, b::f] = y[..., :len(range(a, h, f)), :len(range(b, w, f))]
    return out


def shift_and_stitch(net: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, factor: int) -> torch.Tensor:
    """FCN's shift-and-stitch ({cite}`long2015fcn`, section 3.2): a dense output from a net of stride ``factor``.

    ``net`` maps ``(N, C, H, W)`` tensors to ``(N, K, h, w)`` at stride ``factor``; ``x``: ``(N, C, H, W)``.
    The net runs on the ``factor**2`` inputs shifted up and left by ``(a, b)``, ``0 <= a, b < factor`` (the
    first ``a`` rows and ``b`` columns dropped), and output pixel ``(i, j)`` of shift ``(a, b)`` is placed at
    ``(factor*i + a, factor*j + b)`` ({eq}`eq-dil-stitch`). For a net without padding this is the output of the
    same net with the stride removed and the later filters dilated by ``factor``. The input is not modified.

    Raises ``TypeError`` for a ``net`` that is not callable, an ``x`` that is not a tensor or a non-integer
    factor, and ``ValueError`` for an ``x`` that is not 4D, a factor below 1 or larger than the image, or a
    net whose outputs are not 4D tensors of equal batch and channels.
    """
    if not callable(net):
        raise TypeError(f"net must be callable (a torch.nn.Module or a function), got {_show(net)}")
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(f"x must have shape (N, C, H, W), got shape {tuple(x.shape)}")
    f = int_tuple("factor", factor, 1, minimum=1)[0]
    if f > min(x.shape[-2:]):
        raise ValueError(f"factor must be at most the image's height and width {tuple(x.shape[-2:])}, got {f}")

    def checked(inp):
        y = net(inp)
        if not isinstance(y, torch.Tensor) or y.ndim != 4 or y.shape[:2] != (x.shape[0], y.shape[1]):
            shape = tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__
            raise ValueError(f"net must return a tensor (N, K, h, w) with N = {x.shape[0]}, got {shape}")
        return y

    return _shift_and_stitch_core(checked, x, f)


# ----------------------------------------------------------------------------------------------------------------
# receptive field and output stride of the backbone
# ----------------------------------------------------------------------------------------------------------------

def _backbone_dilations(output_stride: int) -> tuple[int, int, int]:
    """Dilation of stage 4's convs, stage 5's convs and the head, and how many of pool4/pool5 remain."""
    return {32: (1, 1, 1), 16: (1, 1, 2), 8: (1, 2, 4)}[output_stride]


def _check_output_stride(output_stride: Any) -> int:
    os_ = int_tuple("output_stride", output_stride, 1, minimum=1)[0]
    if os_ not in OUTPUT_STRIDES:
        raise ValueError(f"output_stride must be one of {', '.join(map(str, OUTPUT_STRIDES))}, "
                         f"got {output_stride!r}")
    return os_


def backbone_layers(output_stride: int = 8, convs: Sequence[int] = (1, 1, 2, 2, 2),
                    head_kernel: int = 3) -> list[tuple[str, int, int, int]]:
    """The layers of a :class:`DilatedBackbone` along one axis: ``(name, kernel, stride, dilation)`` each.

    ``convs``: 3x3 convolutions per stage (as :class:`updown.fcn.FCN`); ``head_kernel``: the 3x3 layer after
    the backbone (``fc6`` or an ASPP branch at rate 1), dilated as the stage after the last pooling would be.
    Pools that the output stride removes are left out. Feed the columns to
    :func:`updown.pooling.receptive_field`. Raises ``ValueError`` for an output stride not in
    :data:`OUTPUT_STRIDES` or bad ``convs``.
    """
    os_ = _check_output_stride(output_stride)
    convs = int_tuple("convs", tuple(convs) if isinstance(convs, list) else convs, 5, minimum=1)
    head_kernel = int_tuple("head_kernel", head_kernel, 1, minimum=1)[0]
    d4, d5, dh = _backbone_dilations(os_)
    layers = []
    for stage, n in enumerate(convs, start=1):
        d = {4: d4, 5: d5}.get(stage, 1)
        layers += [(f"conv{stage}_{c + 1}", 3, 1, d) for c in range(n)]
        if stage <= 3 or (stage == 4 and os_ >= 16) or (stage == 5 and os_ == 32):
            layers.append((f"pool{stage}", 2, 2, 1))
    layers.append(("head", head_kernel, 1, dh))
    return layers


def backbone_receptive_field(output_stride: int = 8, **kwargs) -> tuple[int, int]:
    """``(receptive field, output stride)`` in input pixels of the backbone's head (:func:`backbone_layers`)."""
    layers = backbone_layers(output_stride, **kwargs)
    _, ks, ss, ds = zip(*layers)
    fields, strides = receptive_field(list(ks), list(ss), list(ds), output_stride=True)
    return fields[-1], strides[-1]


# ----------------------------------------------------------------------------------------------------------------
# ASPP rates
# ----------------------------------------------------------------------------------------------------------------

def aspp_rates(feature_size: int, base_rates: Sequence[int] = DEEPLAB_RATES,
               base_size: int = DEEPLAB_MAP) -> tuple[int, ...]:
    """ASPP rates scaled to a ``feature_size``-cell map: ``max(1, round(r * feature_size / base_size))``.

    DeepLabv3 ({cite}`chen2017rethinking`) uses rates 6, 12, 18 on the 33x33 map of a 513-px crop at output
    stride 16; the same fractions of the map at another size keep each branch's view of the image the same.
    Raises ``TypeError``/``ValueError`` for non-integer or non-positive sizes or rates.
    """
    n = int_tuple("feature_size", feature_size, 1, minimum=1)[0]
    rates = int_tuple("base_rates", tuple(base_rates), len(base_rates), minimum=1)
    base = int_tuple("base_size", base_size, 1, minimum=1)[0]
    return tuple(max(1, int(math.floor(r * n / base + 0.5))) for r in rates)


def _valid_tap_fraction_core(n, rate, k):
    """Mean over the n x n positions of the fraction of the k x k taps that land inside the map."""
    pos, off = np.arange(n)[:, None], rate * (np.arange(k) - k // 2)[None, :]
    inside = ((pos + off >= 0) & (pos + off < n)).mean(axis=1)  # per position, one axis
    return float(inside.mean() ** 2)            # rows and columns are independent


def valid_tap_fraction(feature_size: int, rate: int, kernel_size: int = 3) -> float:
    """The fraction of a ``k x k`` rate-``rate`` kernel's taps that fall on the ``feature_size`` map, on average.

    With zero padding the other taps read zeros; at ``rate >= feature_size`` only the centre tap is left and
    the 3x3 convolution has become a 1x1 convolution ({cite}`chen2017rethinking`, fraction ``1/k**2``).
    Raises ``TypeError``/``ValueError`` for non-integer or non-positive arguments or an even kernel size.
    """
    n = int_tuple("feature_size", feature_size, 1, minimum=1)[0]
    r = int_tuple("rate", rate, 1, minimum=1)[0]
    k = int_tuple("kernel_size", kernel_size, 1, minimum=1)[0]
    if k % 2 == 0:
        raise ValueError(f"kernel_size must be odd (a centred kernel), got {k}")
    return _valid_tap_fraction_core(n, r, k)


# ----------------------------------------------------------------------------------------------------------------
# the networks
# ----------------------------------------------------------------------------------------------------------------

def _conv_bn_relu(c_in: int, c_out: int, kernel: int, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, kernel, padding=dilation * (kernel // 2), dilation=dilation,
                                   bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


class DilatedBackbone(nn.Module):
    """The five stages of :class:`updown.fcn.FCN` with output stride 32, 16 or 8.

    ``DilatedBackbone(output_stride=8, in_channels=3, widths=..., convs=...)`` builds an FCN (same arguments,
    same initialisation from torch's global generator) and keeps its ``stages``; for output stride 16 pool5 is
    removed, for 8 pool4 too, and every 3x3 convolution after a removed pooling gets dilation (and padding)
    2 per removed pooling, as DeepLab does ({cite}`chen2018deeplab`). The weights are the FCN's: only where the
    taps read changes. ``forward(x)`` maps ``(N, C, H, W)`` to ``(N, widths[-1], ceil(H/os), ceil(W/os))``;
    ``head_dilation`` is the rate a 3x3 layer after it needs to see what ``fc6`` sees in the FCN (1, 2, 4).
    ``layers()``: :func:`backbone_layers` of this backbone. Raises ``ValueError`` for an output stride not
    in :data:`OUTPUT_STRIDES` and what :class:`updown.fcn.FCN` raises for the other arguments.
    """

    def __init__(self, output_stride: int = 8, in_channels: int = 3,
                 widths: Sequence[int] = (16, 32, 64, 96, 128), convs: Sequence[int] = (1, 1, 2, 2, 2)):
        super().__init__()
        self.output_stride = _check_output_stride(output_stride)
        donor = _fcn.FCN(NUM_CLASSES, "32s", in_channels=in_channels, widths=widths, convs=convs)
        self.widths, self.convs = tuple(widths), tuple(convs)
        self.stages = donor.stages
        d4, d5, self.head_dilation = _backbone_dilations(self.output_stride)
        for index, d in ((3, d4), (4, d5)):
            for layer in self.stages[index]:
                if isinstance(layer, nn.Conv2d):
                    layer.dilation, layer.padding = (d, d), (d, d)
        if self.output_stride <= 16:
            self.stages[4][-1] = nn.Identity()          # pool5
        if self.output_stride == 8:
            self.stages[3][-1] = nn.Identity()          # pool4

    @property
    def out_channels(self) -> int:
        return self.widths[-1]

    def layers(self) -> list[tuple[str, int, int, int]]:
        return backbone_layers(self.output_stride, self.convs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for stage in self.stages:
            x = stage(x)
        return x

    def extra_repr(self) -> str:
        return f"output_stride={self.output_stride}"


class ASPP(nn.Module):
    """Atrous spatial pyramid pooling (DeepLabv3, {cite}`chen2017rethinking`).

    ``ASPP(in_channels, out_channels=64, rates=(6, 12, 18), image_pooling=True)``: a 1x1 branch, one 3x3
    branch per rate (dilation = padding = rate), and, with ``image_pooling``, the global average of the input
    through a 1x1 convolution, broadcast back to the map; each branch is conv + batch norm + ReLU. The branches
    are concatenated and projected by a 1x1 conv + batch norm + ReLU to ``out_channels``. ``(N, in_channels,
    h, w) -> (N, out_channels, h, w)``. Choose the rates for the map with :func:`aspp_rates`. Raises
    ``TypeError``/``ValueError`` for non-integer or non-positive channels or rates, an empty rate list or a
    non-bool ``image_pooling``.
    """

    def __init__(self, in_channels: int, out_channels: int = 64, rates: Sequence[int] = DEEPLAB_RATES,
                 image_pooling: bool = True):
        super().__init__()
        c_in = int_tuple("in_channels", in_channels, 1, minimum=1)[0]
        c_out = int_tuple("out_channels", out_channels, 1, minimum=1)[0]
        if not isinstance(rates, (list, tuple)) or len(rates) == 0:
            raise ValueError(f"rates must be a non-empty sequence of ints, got {_show(rates)}")
        self.rates = int_tuple("rates", tuple(rates), len(rates), minimum=1)
        check_bool("image_pooling", image_pooling)
        self.image_pooling = bool(image_pooling)
        self.branches = nn.ModuleList([_conv_bn_relu(c_in, c_out, 1)]
                                      + [_conv_bn_relu(c_in, c_out, 3, r) for r in self.rates])
        if self.image_pooling:
            self.pool = _conv_bn_relu(c_in, c_out, 1)
        parts = len(self.branches) + int(self.image_pooling)
        self.project = _conv_bn_relu(parts * c_out, c_out, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outs = [branch(x) for branch in self.branches]
        if self.image_pooling:
            g = self.pool(x.mean(dim=(-2, -1), keepdim=True))
            outs.append(g.expand(-1, -1, *x.shape[-2:]))   # upsampling 1x1: a constant
        return self.project(torch.cat(outs, dim=1))

    def extra_repr(self) -> str:
        return f"rates={self.rates}, image_pooling={self.image_pooling}"


class DeepLab(_fcn.FCN):
    """A DeepLab-style network: :class:`DilatedBackbone`, :class:`ASPP`, a 1x1 classifier, bilinear upsampling.

    ``DeepLab(num_classes=5, output_stride=8, rates=None, aspp_channels=64, image_pooling=True, ...)``:
    ``rates=None`` takes ``aspp_rates(ceil(image_size / output_stride))`` with ``image_size`` (default 96)
    the images it is meant for; the scores ``(N, K, ceil(H/os), ceil(W/os))`` are upsampled by exactly
    ``output_stride`` with bilinear interpolation (``align_corners=False``, fixed) and cropped to ``(H, W)``:
    cell ``i`` of the map covers pixels ``[os*i, os*(i+1))``, so the centres line up (as in
    :class:`updown.fcn.FCN`). It subclasses :class:`updown.fcn.FCN` only so that the FCN's training and
    evaluation functions accept it; the FCN's own layers are not kept. ``trace(x)`` returns ``features``,
    ``aspp``, ``score_os`` and ``score``. Raises what :class:`DilatedBackbone` and :class:`ASPP` raise.
    """

    def __init__(self, num_classes: int = NUM_CLASSES, output_stride: int = 8, rates: Sequence[int] | None = None,
                 aspp_channels: int = 64, image_pooling: bool = True, image_size: int = 96,
                 in_channels: int = 3, widths: Sequence[int] = (16, 32, 64, 96, 128),
                 convs: Sequence[int] = (1, 1, 2, 2, 2)):
        nn.Module.__init__(self)                        # not FCN.__init__: none of the FCN heads' layers
        k = int_tuple("num_classes", num_classes, 1, minimum=1)[0]
        size = int_tuple("image_size", image_size, 1, minimum=1)[0]
        self.variant, self.num_classes, self.upsampler = "deeplab", k, None
        self.learnable_upsampling, self.zero_init_skips = False, False
        self.backbone = DilatedBackbone(output_stride, in_channels, widths, convs)
        self.output_stride = self.backbone.output_stride
        if rates is None:
            rates = aspp_rates(-(-size // self.output_stride))
        self.aspp = ASPP(self.backbone.out_channels, aspp_channels, rates, image_pooling)
        self.classifier = nn.Conv2d(int_tuple("aspp_channels", aspp_channels, 1, minimum=1)[0], k, 1)

    def trace(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
        if x.ndim != 4:
            raise ValueError(f"x must have shape (N, C, H, W), got shape {tuple(x.shape)}")
        out = {"features": self.backbone(x)}
        out["aspp"] = self.aspp(out["features"])
        s = out["score_os"] = self.classifier(out["aspp"])
        up = F.interpolate(s, scale_factor=self.output_stride, mode="bilinear", align_corners=False,
                           recompute_scale_factor=False)
        out["score"] = up[..., :x.shape[-2], :x.shape[-1]]
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.trace(x)["score"]

    def extra_repr(self) -> str:
        return f"output_stride={self.output_stride}, num_classes={self.num_classes}"


@torch.no_grad()
def activation_bytes(model: nn.Module, x: torch.Tensor) -> int:
    """Bytes of the activations of one forward pass of ``model`` on ``x`` (eval mode), summed by hooks.

    Forward hooks on every module without children add up ``numel * element_size`` of each distinct output
    tensor (by storage address: an in-place ReLU returns its input and is not counted twice), plus the model's
    output. Operations outside modules (a crop, a sum, ``F.interpolate`` in ``forward``) are counted only
    through the module outputs they feed and the final output. This is the memory the forward pass writes for
    its feature maps, not the process's peak. The model's training mode is restored. Raises ``TypeError`` for
    a model that is not an ``nn.Module`` or an ``x`` that is not a tensor.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    seen: dict[int, torch.Tensor] = {}       # holding them keeps the allocator from reusing an address

    def count(t):
        if isinstance(t, torch.Tensor):
            seen[t.untyped_storage().data_ptr()] = t

    handles = [m.register_forward_hook(lambda _m, _i, out: count(out))
               for m in model.modules() if not list(m.children())]
    was_training = model.training
    try:
        model.eval()
        count(model(x))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return sum(t.untyped_storage().nbytes() for t in seen.values())
