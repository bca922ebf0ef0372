"""SegNet ({cite}`badrinarayanan2017segnet`): the encoder's max-pooling indices passed upward.

Each decoder level puts the values back where the encoder's maximum was (max-unpooling, the inverse of the
pooling's selection, chapter ch-pooling; :func:`updown.pooling.max_unpool2d` is the NumPy version), leaves
zeros elsewhere, and lets a 3x3 convolution fill them in. Nothing but the indices crosses from encoder to decoder.
"""
from __future__ import annotations

import warnings
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..data import NUM_CLASSES
from ._base import CONVS, WIDTHS, Decoder, check_images, conv_bn_relu


class SegNet(Decoder):
    """The book's backbone with a SegNet decoder: unpool with the encoder's indices, then convolve.

    Level ``i = 5..1``: ``nn.MaxUnpool2d(2, 2)`` with the indices of pool ``i`` (the output size is the size
    before that pooling, so odd sizes come back exactly), then one 3x3 conv + batch norm + ReLU from
    ``widths[i-1]`` to ``widths[i-2]`` channels (``widths[0]`` at level 1; the paper mirrors every encoder
    convolution, one per level keeps this decoder as cheap as the others). A 3x3 convolution gives the scores.
    ``trace(x)``: the backbone's maps, ``unpool{i}``, ``dec{i}`` and ``score``. Raises ``TypeError``/``ValueError``
    for bad arguments or input.
    """

    name = "SegNet"
    passes = "indices"

    def __init__(self, num_classes: int = NUM_CLASSES, in_channels: int = 3, widths: Sequence[int] = WIDTHS,
                 convs: Sequence[int] = CONVS):
        super().__init__(num_classes, in_channels, widths, convs)
        w = self.widths
        self.unpool = nn.MaxUnpool2d(2, stride=2)
        self.decoder = nn.ModuleList(conv_bn_relu(w[i], w[max(i - 1, 0)]) for i in range(4, -1, -1))
        self.classifier = nn.Conv2d(w[0], self.num_classes, 3, padding=1)

    def trace(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        check_images(x, self.in_channels)
        out, sizes, indices = {}, [], []
        h = x
        for i, stage in enumerate(self.stages, start=1):
            h = out[f"conv{i}"] = stage[:-1](h)
            pool = stage[-1]
            sizes.append(h.shape[-2:])
            h, idx = F.max_pool2d(h, pool.kernel_size, pool.stride, pool.padding, pool.dilation,
                                  ceil_mode=pool.ceil_mode, return_indices=True)
            out[f"pool{i}"] = h
            indices.append(idx)
        for level, conv in zip(range(5, 0, -1), self.decoder):
            with warnings.catch_warnings():
                # 2x2 windows with stride 2 never share a position, so no two values race for one output:
                # the result is deterministic though torch warns under use_deterministic_algorithms
                warnings.filterwarnings("ignore", message="max_unpooling2d_forward_out")
                h = self.unpool(h, indices[level - 1], output_size=sizes[level - 1])
            out[f"unpool{level}"] = h
            h = out[f"dec{level}"] = conv(h)
        out["score"] = self.classifier(h)
        return out
