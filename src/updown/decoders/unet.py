"""U-Net ({cite}`ronneberger2015unet`): the encoder's features passed upward and concatenated.

The original uses unpadded ("valid") 3x3 convolutions, so every decoder map is smaller than the encoder map it
joins, and the encoder map is cropped at its centre (:func:`center_crop`; :func:`original_unet_sizes`
recomputes the paper's 572 -> 388 sizes). The network trained here pads its convolutions ('same'), as most
re-implementations do: the maps then agree up to the row or column that an odd size adds, removed at the
bottom/right (offset 0).
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn

from .._checks import int_tuple
from ..data import NUM_CLASSES
from ._base import CONVS, WIDTHS, Decoder, check_images, conv_bn_relu, crop_to


def _center_crop_core(x, size):
    """The centre size = (h, w) part of x (..., H, W): equal margins, an odd pixel
    more at the end."""
    top, left = (x.shape[-2] - size[0]) // 2, (x.shape[-1] - size[1]) // 2
    return x[..., top:top + size[0], left:left + size[1]]


def center_crop(x, size):
    """The centre ``size = (h, w)`` part of ``x`` (NumPy array or tensor, ``(..., H, W)``), as U-Net crops the
    encoder's map before concatenating it. Raises ``TypeError`` for a non-array or non-integer size and
    ``ValueError`` for fewer than 2 dimensions or a size larger than ``x``."""
    if not hasattr(x, "shape") or not hasattr(x, "ndim"):
        raise TypeError(f"x must be a numpy.ndarray or a torch.Tensor, got {type(x).__name__}")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (..., H, W), got shape {tuple(x.shape)}")
    h, w = int_tuple("size", size, 2, minimum=0)
    if h > x.shape[-2] or w > x.shape[-1]:
        raise ValueError(f"size must be at most the map's (H, W) = {tuple(x.shape[-2:])}, got {(h, w)}")
    return _center_crop_core(x, (h, w))


def _original_unet_sizes_core(size, depth):
    """Map sizes of the valid-convolution U-Net: per level two 3x3 convolutions
    (2 pixels fewer each), then a 2x2 pooling down, or a 2x2 up-convolution up."""
    down = []
    for _ in range(depth):
        size -= 4                    # two unpadded 3x3 convolutions
        down.append(size)
        size //= 2                   # 2x2 max pooling
    size -= 4                        # the bottom level
    crops = []
    for skip in reversed(down):
        size *= 2                    # 2x2 up-convolution
        crops.append((skip, size, (skip - size) // 2))
        size -= 4
    return down, crops, size


def original_unet_sizes(input_size: int = 572, depth: int = 4):
    """Sizes in the original U-Net (valid 3x3 convolutions) of a square ``input_size`` input.

    Returns ``(down, crops, output)``: ``down`` the encoder map sizes before each of the ``depth`` poolings;
    ``crops`` per decoder level ``(skip size, upsampled size, margin cropped on each side)``; the output size
    (388 for 572 and depth 4, as in the paper). Raises ``ValueError`` when a map would vanish or a pooling
    would meet an odd size (the paper picks input sizes for which every pooling sees an even size).
    """
    n = int_tuple("input_size", input_size, 1, minimum=1)[0]
    d = int_tuple("depth", depth, 1, minimum=0)[0]
    size = n
    for level in range(d):
        size -= 4
        if size < 2 or size % 2:
            raise ValueError(f"input_size {n} gives a map of {size} before pooling {level + 1}: it must be even "
                             "and at least 2")
        size //= 2
    if size - 4 < 1:
        raise ValueError(f"input_size {n} leaves no bottom map at depth {d}")
    return _original_unet_sizes_core(n, d)


class UNet(Decoder):
    """The book's backbone with a U-Net decoder: up-convolve, concatenate the encoder's map, convolve.

    Start: pool5 (stride 32). Level ``i = 5..1``: a 2x2 stride-2 ``ConvTranspose2d`` (the paper's
    "up-convolution") to ``widths[i-2]`` channels (``widths[0]`` at level 1), cropped at offset 0 to the size of
    ``conv{i}`` (stage ``i`` before its pooling, stride ``2**(i-1)``), concatenated with it, then one 3x3
    conv + batch norm + ReLU (the paper has two). A 1x1 convolution gives the scores at full resolution.
    ``trace(x)``: the backbone's maps, ``up{i}``, ``dec{i}``, ``score``. Raises ``TypeError``/``ValueError``.
    """

    name = "U-Net"
    passes = "features"

    def __init__(self, num_classes: int = NUM_CLASSES, in_channels: int = 3, widths: Sequence[int] = WIDTHS,
                 convs: Sequence[int] = CONVS):
        super().__init__(num_classes, in_channels, widths, convs)
        w = self.widths
        ups, decs = [], []
        c_prev = w[4]
        for level in range(5, 0, -1):
            c_out, c_skip = w[max(level - 2, 0)], w[level - 1]
            ups.append(nn.ConvTranspose2d(c_prev, c_out, 2, stride=2))
            decs.append(conv_bn_relu(c_out + c_skip, c_out))
            c_prev = c_out
        self.ups, self.decoder = nn.ModuleList(ups), nn.ModuleList(decs)
        self.classifier = nn.Conv2d(w[0], self.num_classes, 1)

    def trace(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        check_images(x, self.in_channels)
        out = self.encode(x)
        h = out["pool5"]
        for level, up, conv in zip(range(5, 0, -1), self.ups, self.decoder):
            skip = out[f"conv{level}"]
            h = out[f"up{level}"] = crop_to(up(h), skip)
            h = out[f"dec{level}"] = conv(torch.cat([h, skip], dim=1))
        out["score"] = self.classifier(h)
        return out
