"""FPN-style decoder ({cite}`lin2017featurepyramid`): a top-down path of 2x upsamplings, each summed with a 1x1
lateral projection of the backbone's map at that stride. The upsampling is nearest in the FPN paper; the CARAFE and
DySample papers evaluate their upsamplers by putting them in exactly this place, so the same class builds all
three (``upsampler="nearest"``, ``"carafe"``, ``"dysample"``)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .._checks import check_choice, int_tuple
from ..data import NUM_CLASSES
from ._base import CONVS, WIDTHS, Decoder, check_images, conv_bn_relu, crop_to
from .carafe import CARAFE
from .dysample import DySample

UPSAMPLERS = ("nearest", "carafe", "dysample")


def _top_down_core(top, lateral):
    """One FPN merge: the coarser map top (..., h, w) repeated 2x (nearest), cut to the
    lateral map's size (..., H, W), H <= 2h, W <= 2w, plus that map."""
    up = top.repeat(2, axis=-2).repeat(2, axis=-1)
    return up[..., :lateral.shape[-2], :lateral.shape[-1]] + lateral


def top_down(top: np.ndarray, lateral: np.ndarray) -> np.ndarray:
    """One step of the FPN top-down path in NumPy: nearest 2x of ``top`` (``(..., h, w)``), cropped at offset 0 to
    ``lateral``'s ``(H, W)``, plus ``lateral``. Needs the same leading shape and ``2h - 1 <= H <= 2h`` (same for
    ``W``), which is what poolings that round up give. Raises ``TypeError``/``ValueError`` otherwise."""
    for name, a in (("top", top), ("lateral", lateral)):
        if not isinstance(a, np.ndarray):
            raise TypeError(f"{name} must be a numpy.ndarray, got {type(a).__name__}")
        if a.ndim < 2:
            raise ValueError(f"{name} must have at least 2 dimensions (..., H, W), got shape {a.shape}")
    if top.shape[:-2] != lateral.shape[:-2] or not all(
            2 * t - 1 <= s <= 2 * t for t, s in zip(top.shape[-2:], lateral.shape[-2:])):
        raise ValueError(f"lateral must have shape (..., H, W) with the leading shape of top and 2h - 1 <= H <= 2h, "
                         f"got top {top.shape} and lateral {lateral.shape}")
    return _top_down_core(top, lateral)


class FPN(Decoder):
    """The book's backbone with an FPN-style top-down path, scored at stride 4 and upsampled bilinearly.

    Laterals: 1x1 convolutions from pool2..pool5 (strides 4..32) to ``channels``. Top-down: ``p5 = lat5``,
    ``p_i = up(p_{i+1})`` cropped at offset 0 to ``lat_i``, ``+ lat_i`` for ``i = 4, 3, 2``, where ``up`` is
    nearest 2x (``upsampler="nearest"``, no parameters), a :class:`~updown.decoders.carafe.CARAFE` or a
    :class:`~updown.decoders.dysample.DySample` module (one per step; ``upsampler_kwargs`` go to it). Then a 3x3
    conv + batch norm + ReLU, 1x1 scores at stride 4, and fixed bilinear 4x (``align_corners=False``, centres on
    centres), cropped to ``(H, W)``. ``trace(x)``: the backbone's maps, ``lat{i}``, ``up{i}``, ``p{i}``,
    ``score_s4``, ``score``. Raises ``TypeError``/``ValueError`` for bad arguments or input.
    """

    passes = "features"

    def __init__(self, num_classes: int = NUM_CLASSES, in_channels: int = 3, widths: Sequence[int] = WIDTHS,
                 convs: Sequence[int] = CONVS, channels: int = 64, upsampler: str = "nearest",
                 upsampler_kwargs: dict | None = None):
        check_choice("upsampler", upsampler, UPSAMPLERS)
        if upsampler_kwargs is not None and not isinstance(upsampler_kwargs, dict):
            raise TypeError(f"upsampler_kwargs must be a dict or None, got {type(upsampler_kwargs).__name__}")
        self.name = {"nearest": "FPN", "carafe": "CARAFE", "dysample": "DySample"}[upsampler]
        self.passes = {"nearest": "features", "carafe": "kernels", "dysample": "offsets"}[upsampler]
        super().__init__(num_classes, in_channels, widths, convs)
        d = int_tuple("channels", channels, 1, minimum=1)[0]
        self.channels, self.upsampler_name = d, upsampler
        self.laterals = nn.ModuleList(nn.Conv2d(self.widths[i - 1], d, 1) for i in (5, 4, 3, 2))
        kw = dict(upsampler_kwargs or {})
        if upsampler == "nearest":
            self.ups = nn.ModuleList(nn.Upsample(scale_factor=2, mode="nearest") for _ in range(3))
        elif upsampler == "carafe":
            self.ups = nn.ModuleList(CARAFE(d, 2, **kw) for _ in range(3))
        else:
            self.ups = nn.ModuleList(DySample(d, 2, **kw) for _ in range(3))
        self.smooth = conv_bn_relu(d, d)
        self.classifier = nn.Conv2d(d, self.num_classes, 1)

    def trace(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        check_images(x, self.in_channels)
        out = self.encode(x)
        for i, lateral in zip((5, 4, 3, 2), self.laterals):
            out[f"lat{i}"] = lateral(out[f"pool{i}"])
        p = out["p5"] = out["lat5"]
        for i, up in zip((4, 3, 2), self.ups):
            out[f"up{i}"] = crop_to(up(p), out[f"lat{i}"])
            p = out[f"p{i}"] = out[f"up{i}"] + out[f"lat{i}"]
        s = out["score_s4"] = self.classifier(self.smooth(p))
        score = F.interpolate(s, scale_factor=4, mode="bilinear", align_corners=False, recompute_scale_factor=False)
        out["score"] = score[..., :x.shape[-2], :x.shape[-1]]
        return out

    def extra_repr(self) -> str:
        return super().extra_repr() + f", upsampler={self.upsampler_name!r}"


def CARAFEFPN(num_classes: int = NUM_CLASSES, **kwargs) -> FPN:
    """:class:`FPN` with CARAFE upsamplers in its top-down path (the paper's setting, {cite}`wang2019carafe`)."""
    return FPN(num_classes, upsampler="carafe", **kwargs)


def DySampleFPN(num_classes: int = NUM_CLASSES, **kwargs) -> FPN:
    """:class:`FPN` with DySample upsamplers in its top-down path ({cite}`liu2023dysample`)."""
    return FPN(num_classes, upsampler="dysample", **kwargs)
