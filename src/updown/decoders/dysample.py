"""DySample, upsampling by learned point sampling ({cite}`liu2023dysample`): predicted offsets passed upward.

Upsampling by ``s`` is sampling: output pixel ``(i', j')`` reads the input at the point where bilinear
upsampling would, ``g = ((i' + 1/2)/s - 1/2, (j' + 1/2)/s - 1/2)`` in input pixels, moved by a learned offset
``o``. A 1x1 convolution predicts ``2 s**2`` offsets per input pixel (per channel group), a pixel shuffle puts
them on the ``sH x sW`` grid, and the input is sampled bilinearly at ``g + o`` (``grid_sample``, coordinates
clamped to the map), ({eq}`eq-dysample`). The *scope factor* keeps the offsets small: ``0.25`` times the
prediction (static), or ``0.5 * sigmoid(...)`` times it (dynamic). With zero offsets DySample is exactly
bilinear upsampling (``align_corners=False``).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .._checks import check_choice, int_tuple

SCOPES = ("static", "dynamic")


def _dysample_core(x, offsets, s):
    """Point sampling (eq-dysample): x (C, H, W); offsets (2, sH, sW) in input pixels,
    x then y. Bilinear samples of x at the bilinear-upsampling grid moved by the
    offsets, clamped to the map."""
    h, w = x.shape[-2:]
    gy = (np.arange(s * h) + 0.5) / s - 0.5        # where bilinear upsampling reads
    gx = (np.arange(s * w) + 0.5) / s - 0.5
    py = np.clip(gy[:, None] + offsets[1], 0, h - 1)
    px = np.clip(gx[None, :] + offsets[0], 0, w - 1)
    y0, x0 = np.floor(py).astype(int), np.floor(px).astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    fy, fx = py - y0, px - x0
    return (x[:, y0, x0] * (1 - fy) * (1 - fx) + x[:, y0, x1] * (1 - fy) * fx
            + x[:, y1, x0] * fy * (1 - fx) + x[:, y1, x1] * fy * fx)


def _check_pair(x, offsets, scale_factor, groups):
    s = int_tuple("scale_factor", scale_factor, 1, minimum=1)[0]
    g = int_tuple("groups", groups, 1, minimum=1)[0]
    if x.ndim != 4 or min(x.shape) == 0:
        raise ValueError(f"x must have shape (N, C, H, W), not empty, got shape {tuple(x.shape)}")
    if x.shape[1] % g:
        raise ValueError(f"groups must divide the {x.shape[1]} channels of x, got {g}")
    want = (x.shape[0], 2 * g, s * x.shape[2], s * x.shape[3])
    if tuple(offsets.shape) != want:
        raise ValueError(f"offsets must have shape (N, 2*groups, scale_factor*H, scale_factor*W) = {want}, "
                         f"got shape {tuple(offsets.shape)}")
    return s, g


def dysample(x, offsets, scale_factor: int = 2, groups: int = 1):
    """Sample ``x`` ``(N, C, H, W)`` at the bilinear-upsampling grid moved by ``offsets`` ``(N, 2*groups, sH, sW)``.

    Channels ``2g`` and ``2g + 1`` of ``offsets`` are the x (column) and y (row) offsets, in input pixels, of
    channel group ``g`` (``C // groups`` consecutive channels). Output ``(N, C, sH, sW)``, bilinear, coordinates
    clamped to ``[0, W-1] x [0, H-1]`` ({eq}`eq-dysample`); zero offsets give
    ``F.interpolate(x, scale_factor=s, mode="bilinear", align_corners=False)``. NumPy arrays go through the
    teaching core, tensors through ``F.grid_sample`` (differentiable). Raises ``TypeError`` for mixed or
    non-array inputs or non-floating dtypes, ``ValueError`` for bad sizes or shapes.
    """
    if isinstance(x, np.ndarray) and isinstance(offsets, np.ndarray):
        for name, a in (("x", x), ("offsets", offsets)):
            if not np.issubdtype(a.dtype, np.floating):
                raise TypeError(f"{name} must have a floating dtype, got dtype {a.dtype}")
        s, g = _check_pair(x, offsets, scale_factor, groups)
        n, c, h, w = x.shape
        xg, og = x.reshape(n * g, c // g, h, w), offsets.reshape(n * g, 2, s * h, s * w)
        out = np.stack([_dysample_core(a, o, s) for a, o in zip(xg, og)])
        return out.reshape(n, c, s * h, s * w).astype(np.result_type(x, offsets), copy=False)
    if not (isinstance(x, torch.Tensor) and isinstance(offsets, torch.Tensor)):
        raise TypeError(f"x and offsets must both be numpy.ndarray or both torch.Tensor, got "
                        f"{type(x).__name__} and {type(offsets).__name__}")
    for name, a in (("x", x), ("offsets", offsets)):
        if not a.dtype.is_floating_point:
            raise TypeError(f"{name} must have a floating dtype, got dtype {a.dtype}")
    s, g = _check_pair(x, offsets, scale_factor, groups)
    n, c, h, w = x.shape
    gy = (torch.arange(s * h, dtype=x.dtype, device=x.device) + 0.5) / s - 0.5
    gx = (torch.arange(s * w, dtype=x.dtype, device=x.device) + 0.5) / s - 0.5
    o = offsets.reshape(n * g, 2, s * h, s * w)
    px = gx.view(1, 1, -1) + o[:, 0]
    py = gy.view(1, -1, 1) + o[:, 1]
    grid = torch.stack([(2 * px + 1) / w - 1, (2 * py + 1) / h - 1], dim=-1)   # pixel -> [-1, 1], corners out
    out = F.grid_sample(x.reshape(n * g, c // g, h, w), grid, mode="bilinear", padding_mode="border",
                        align_corners=False)
    return out.reshape(n, c, s * h, s * w)


class DySample(nn.Module):
    """A learned DySample upsampler ({cite}`liu2023dysample`): offsets from a 1x1 convolution + :func:`dysample`.

    ``DySample(channels, scale_factor=2, groups=4, scope="static")``: the offset layer maps ``channels`` to
    ``2 * groups * s**2`` channels per input pixel ("linear, then pixel shuffle"), initialised with small normal
    weights (std 1e-3) and zero bias so that training starts at bilinear upsampling; ``scope="static"``
    multiplies by 0.25, ``"dynamic"`` by ``0.5 * sigmoid`` of a second 1x1 layer (initialised at zero, so it
    too starts at 0.25). ``offsets(x)`` returns ``(N, 2*groups, sH, sW)``; ``forward`` maps ``(N, channels, H,
    W)`` to ``(N, channels, sH, sW)``. Raises ``TypeError``/``ValueError`` for bad sizes, a ``groups`` that does
    not divide ``channels`` or an unknown scope.
    """

    def __init__(self, channels: int, scale_factor: int = 2, groups: int = 4, scope: str = "static"):
        super().__init__()
        c = int_tuple("channels", channels, 1, minimum=1)[0]
        self.scale_factor = s = int_tuple("scale_factor", scale_factor, 1, minimum=1)[0]
        self.groups = g = int_tuple("groups", groups, 1, minimum=1)[0]
        if c % g:
            raise ValueError(f"groups must divide channels={c}, got {g}")
        check_choice("scope", scope, SCOPES)
        self.channels, self.scope = c, scope
        self.offset = nn.Conv2d(c, 2 * g * s * s, 1)
        nn.init.normal_(self.offset.weight, std=1e-3)
        nn.init.zeros_(self.offset.bias)
        if scope == "dynamic":
            self.scope_layer = nn.Conv2d(c, 2 * g * s * s, 1)
            nn.init.zeros_(self.scope_layer.weight)
            nn.init.zeros_(self.scope_layer.bias)

    def offsets(self, x: torch.Tensor) -> torch.Tensor:
        """The sampling offsets ``(N, 2*groups, sH, sW)`` in input pixels (x, y per group)."""
        o = self.offset(x)
        o = o * (0.25 if self.scope == "static" else 0.5 * torch.sigmoid(self.scope_layer(x)))
        return F.pixel_shuffle(o, self.scale_factor)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return dysample(x, self.offsets(x), self.scale_factor, self.groups)

    def extra_repr(self) -> str:
        return f"channels={self.channels}, scale_factor={self.scale_factor}, groups={self.groups}, scope={self.scope!r}"
