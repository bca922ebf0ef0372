"""DeepLabv3+ ({cite}`chen2018encoderdecoder`): a dilated backbone with ASPP (the encoder), then a decoder that
upsamples the ASPP features bilinearly by 4 and concatenates them with low-level features at stride 4.

The dilated backbone and the ASPP are :class:`updown.dilated.DilatedBackbone` and :class:`updown.dilated.ASPP`
(chapter ch-dilated), imported unchanged."""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from .. import dilated as _dilated
from .._checks import int_tuple
from ..data import NUM_CLASSES
from ._base import CONVS, WIDTHS, Decoder, check_images, conv_bn_relu, crop_to


class DeepLabV3Plus(Decoder):
    """DeepLabv3+ on the book's backbone: output stride 16 (the paper's), ASPP, a stride-4 decoder.

    ``DeepLabV3Plus(num_classes=5, output_stride=16, rates=None, aspp_channels=64, low_level_channels=16,
    image_size=96, ...)``: ``rates=None`` takes :func:`updown.dilated.aspp_rates` of the ``ceil(image_size /
    output_stride)`` map. Decoder: the ASPP output upsampled bilinearly (``align_corners=False``) by
    ``output_stride // 4`` to stride 4 and cropped to pool2's size; pool2 (stride 4) through a 1x1 conv + batch
    norm + ReLU to ``low_level_channels`` (the paper reduces 256 to 48 channels so the low level does not
    outweigh the encoder); both concatenated and refined by two 3x3 conv + batch norm + ReLU; 1x1 scores; fixed
    bilinear 4x cropped to ``(H, W)``. ``trace(x)``: ``pool1``, ``pool2``, ``features``, ``aspp``,
    ``aspp_up``, ``low_level``, ``decoded``, ``score_s4``, ``score``. Raises what
    :class:`~updown.dilated.DilatedBackbone` and :class:`~updown.dilated.ASPP` raise, and ``ValueError`` for
    an output stride of 32 (the decoder joins at stride 4, from 16 or 8).
    """

    name = "DeepLabv3+"
    passes = "features"

    def __init__(self, num_classes: int = NUM_CLASSES, output_stride: int = 16, rates: Sequence[int] | None = None,
                 aspp_channels: int = 64, low_level_channels: int = 16, image_size: int = 96,
                 in_channels: int = 3, widths: Sequence[int] = WIDTHS, convs: Sequence[int] = CONVS):
        os_ = int_tuple("output_stride", output_stride, 1, minimum=1)[0]
        if os_ not in (8, 16):
            raise ValueError(f"output_stride must be 8 or 16, got {output_stride!r}")
        size = int_tuple("image_size", image_size, 1, minimum=1)[0]
        c_aspp = int_tuple("aspp_channels", aspp_channels, 1, minimum=1)[0]
        c_low = int_tuple("low_level_channels", low_level_channels, 1, minimum=1)[0]
        backbone = _dilated.DilatedBackbone(os_, in_channels, widths, convs)
        super().__init__(num_classes, in_channels, widths, convs, stages=backbone.stages)
        self.output_stride = os_
        if rates is None:
            rates = _dilated.aspp_rates(-(-size // os_))
        self.aspp = _dilated.ASPP(self.widths[4], c_aspp, rates)
        self.reduce = conv_bn_relu(self.widths[1], c_low, 1)
        self.refine = nn.Sequential(conv_bn_relu(c_aspp + c_low, c_aspp), conv_bn_relu(c_aspp, c_aspp))
        self.classifier = nn.Conv2d(c_aspp, self.num_classes, 1)

    def trace(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        check_images(x, self.in_channels)
        out = {}
        h = x
        for i, stage in enumerate(self.stages, start=1):
            h = stage(h)
            if i <= 2:
                out[f"pool{i}"] = h
        out["features"] = h
        a = out["aspp"] = self.aspp(h)
        low = out["low_level"] = self.reduce(out["pool2"])
        up = F.interpolate(a, scale_factor=self.output_stride // 4, mode="bilinear", align_corners=False,
                           recompute_scale_factor=False)
        up = out["aspp_up"] = crop_to(up, low)
        d = out["decoded"] = self.refine(torch.cat([up, low], dim=1))
        s = out["score_s4"] = self.classifier(d)
        score = F.interpolate(s, scale_factor=4, mode="bilinear", align_corners=False, recompute_scale_factor=False)
        out["score"] = score[..., :x.shape[-2], :x.shape[-1]]
        return out

    def extra_repr(self) -> str:
        return super().extra_repr() + f", output_stride={self.output_stride}, rates={self.aspp.rates}"
