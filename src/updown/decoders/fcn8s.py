"""FCN-8s ({cite}`long2015fcn`): class scores passed upward and summed with the scores of pool4 and pool3.

The book's own :class:`updown.fcn.FCN` with the ``"8s"`` head, given the attributes every family has."""
from __future__ import annotations

from typing import Sequence

from .. import fcn as _fcn
from ..data import NUM_CLASSES
from ._base import CONVS, WIDTHS, check_images, count_parameters


class FCN8s(_fcn.FCN):
    """:class:`updown.fcn.FCN` with ``variant="8s"`` (learned bilinear-initialised 2x layers, zero skip scorers).

    What goes upward: ``K`` class scores per cell (``passes = "scores"``). ``(N, in_channels, H, W) -> (N, K, H,
    W)``. Raises what :class:`updown.fcn.FCN` raises, and ``TypeError``/``ValueError`` for a bad input.
    """

    name = "FCN-8s"
    passes = "scores"

    def __init__(self, num_classes: int = NUM_CLASSES, in_channels: int = 3, widths: Sequence[int] = WIDTHS,
                 convs: Sequence[int] = CONVS):
        super().__init__(num_classes, "8s", in_channels=in_channels, widths=widths, convs=convs)
        self.in_channels, self.widths, self.convs = in_channels, tuple(widths), tuple(convs)

    @property
    def num_parameters(self) -> int:
        """The number of parameters (the fixed final bilinear upsampling included)."""
        return count_parameters(self)

    def trace(self, x):
        check_images(x, self.in_channels)
        return super().trace(x)
