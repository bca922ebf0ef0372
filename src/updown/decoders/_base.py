"""What every decoder family shares: the book's backbone (the FCN's five stages), the input checks, the
parameter count and the small building blocks."""
from __future__ import annotations

from typing import Any, Sequence

import torch
import torch.nn as nn

from .. import fcn as _fcn
from .._checks import int_tuple
from ..data import NUM_CLASSES

#: The backbone of :class:`updown.fcn.FCN`: channels of the five stages and 3x3 convolutions per stage.
WIDTHS = (16, 32, 64, 96, 128)
CONVS = (1, 1, 2, 2, 2)


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """The number of parameters (scalars) of ``model``; with ``trainable_only``, those with ``requires_grad``.

    Raises ``TypeError`` when ``model`` is not an ``nn.Module``.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def conv_bn_relu(c_in: int, c_out: int, kernel: int = 3) -> nn.Sequential:
    """A size-keeping ``kernel`` x ``kernel`` convolution, batch normalisation and ReLU (as the backbone's)."""
    return nn.Sequential(nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=False), nn.BatchNorm2d(c_out),
                         nn.ReLU(inplace=True))


def check_images(x: Any, in_channels: int) -> None:
    """Raise ``TypeError``/``ValueError`` unless ``x`` is a float tensor ``(N, in_channels, H, W)``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.ndim != 4 or x.shape[1] != in_channels or min(x.shape) == 0:
        raise ValueError(f"x must have shape (N, {in_channels}, H, W) with N, H, W >= 1, got shape {tuple(x.shape)}")
    if not x.dtype.is_floating_point:
        raise TypeError(f"x must have a floating dtype, got dtype {x.dtype}")


def crop_to(x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """The top-left ``like.shape[-2:]`` part of ``x``: the crop at offset 0 that the backbone's alignment needs.

    The poolings round up (``ceil_mode=True``), so cell ``i`` of a stride-``s`` map covers input pixels
    ``[s*i, s*(i+1))`` and a 2x upsampling of it is too large by at most one row or column at the bottom/right.
    """
    return x[..., :like.shape[-2], :like.shape[-1]]


class Decoder(_fcn.FCN):
    """Base class of the decoder families: the FCN's backbone, checks, ``trace``/``forward``, a parameter count.

    It subclasses :class:`updown.fcn.FCN` only so that :func:`updown.fcn.train_fcn`, :func:`~updown.fcn.predict`
    and :func:`~updown.fcn.evaluate` train and score every family the same way (as
    :class:`updown.dilated.DeepLab` does); none of the FCN heads' layers are kept. ``stages``: the five stages of
    an :class:`updown.fcn.FCN` built with the same arguments (so, for one seed, the same initial backbone
    weights in every family), unless a subclass passes its own (a dilated backbone).

    Class attributes: ``name`` (the row label) and ``passes`` (what the decoder carries upward: ``"scores"``,
    ``"indices"``, ``"features"``, ``"kernels"`` or ``"offsets"``).
    """

    name = "decoder"
    passes = "features"

    def __init__(self, num_classes: int = NUM_CLASSES, in_channels: int = 3, widths: Sequence[int] = WIDTHS,
                 convs: Sequence[int] = CONVS, stages: nn.ModuleList | None = None):
        nn.Module.__init__(self)
        self.num_classes = int_tuple("num_classes", num_classes, 1, minimum=1)[0]
        self.in_channels = int_tuple("in_channels", in_channels, 1, minimum=1)[0]
        self.widths = int_tuple("widths", tuple(widths) if isinstance(widths, list) else widths, 5, minimum=1)
        self.convs = int_tuple("convs", tuple(convs) if isinstance(convs, list) else convs, 5, minimum=1)
        self.variant, self.upsampler = self.name, None
        self.learnable_upsampling, self.zero_init_skips = True, False
        if stages is None:
            donor = _fcn.FCN(self.num_classes, "32s", in_channels=self.in_channels, widths=self.widths,
                             convs=self.convs)
            stages = donor.stages
        self.stages = stages

    @property
    def num_parameters(self) -> int:
        """The number of parameters of the whole network (backbone and decoder)."""
        return count_parameters(self)

    def encode(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """The backbone's maps: ``conv{i}`` (stage ``i`` before its pooling, stride ``2**(i-1)``) and ``pool{i}``
        (after it, stride ``2**i``), ``i = 1..5``."""
        out = {}
        for i, stage in enumerate(self.stages, start=1):
            x = out[f"conv{i}"] = stage[:-1](x)
            x = out[f"pool{i}"] = stage[-1](x)
        return out

    def trace(self, x: torch.Tensor) -> dict[str, torch.Tensor]:  # pragma: no cover - every family overrides it
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores ``(N, num_classes, H, W)`` of images ``x`` ``(N, in_channels, H, W)``."""
        return self.trace(x)["score"]

    def extra_repr(self) -> str:
        return f"name={self.name!r}, num_classes={self.num_classes}, parameters={self.num_parameters}"
