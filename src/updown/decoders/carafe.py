"""CARAFE, content-aware reassembly of features ({cite}`wang2019carafe`): predicted kernels passed upward.

For an upsampling by ``s`` with ``k x k`` kernels, a kernel prediction module reads the low-resolution map
``X`` (``C x H x W``): a 1x1 *channel compressor* to ``C_m`` channels, a ``k_enc x k_enc`` *content encoder* to
``s**2 * k**2`` channels, a pixel shuffle to ``k**2`` channels on the ``sH x sW`` grid, and a softmax over
those ``k**2`` values, so every output location ``l' = (i', j')`` gets its own kernel ``W_l'`` whose weights
are positive and sum to 1. The *reassembly* then gives

    X'[:, i', j'] = sum over n, m in -r..r of W_l'[n, m] * X[:, i'//s + n, j'//s + m],   r = k // 2,

zero outside the map: a weighted mean of the ``k x k`` neighbourhood of the source location ``(i'//s, j'//s)``
({eq}`eq-carafe`). With equal logits every kernel is the box ``1/k**2`` and CARAFE is a ``k x k`` box filter
followed by nearest upsampling.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .._checks import int_tuple


def _carafe_core(x, kernels, k, s):
    """Reassembly (eq-carafe): x (..., C, H, W), kernels (..., k*k, sH, sW) whose tap
    n*k + m is offset (n - r, m - r). Output (..., C, sH, sW): at (i', j') the k x k
    neighbourhood of (i'//s, j'//s) weighted by that location's kernel; zero outside."""
    h, w, r = x.shape[-2], x.shape[-1], k // 2
    pad = [(0, 0)] * (x.ndim - 2) + [(r, r), (r, r)]
    padded = np.pad(x, pad)
    out = 0
    for n in range(k):
        for m in range(k):
            tap = padded[..., n:n + h, m:m + w]         # X[i + n - r, j + m - r]
            near = tap.repeat(s, axis=-2).repeat(s, axis=-1)  # at (i'//s, j'//s)
            out = out + kernels[..., None, n * k + m, :, :] * near
    return out


def _check_pair(x, kernels, kernel_size, scale_factor):
    k = int_tuple("kernel_size", kernel_size, 1, minimum=1)[0]
    s = int_tuple("scale_factor", scale_factor, 1, minimum=1)[0]
    if k % 2 == 0:
        raise ValueError(f"kernel_size must be odd (a kernel centred on the source pixel), got {k}")
    if x.ndim != 4 or min(x.shape) == 0:
        raise ValueError(f"x must have shape (N, C, H, W), not empty, got shape {tuple(x.shape)}")
    want = (x.shape[0], k * k, s * x.shape[2], s * x.shape[3])
    if tuple(kernels.shape) != want:
        raise ValueError(f"kernels must have shape (N, kernel_size**2, scale_factor*H, scale_factor*W) = {want}, "
                         f"got shape {tuple(kernels.shape)}")
    return k, s


def carafe(x, kernels, kernel_size: int = 5, scale_factor: int = 2):
    """Content-aware reassembly of ``x`` ``(N, C, H, W)`` with per-location ``kernels`` ``(N, k*k, sH, sW)``.

    Output ``(N, C, sH, sW)``: at ``(i', j')`` the ``k x k`` neighbourhood of ``(i'//s, j'//s)`` weighted by
    ``kernels[:, :, i', j']`` (tap ``n*k + m`` is offset ``(n - k//2, m - k//2)``), zeros outside the map
    ({eq}`eq-carafe`). The kernels are used as given (:class:`CARAFE` normalises them by a softmax). NumPy
    arrays go through the teaching core; tensors through ``F.unfold`` and one batched product, differentiable.
    Raises ``TypeError`` for mixed or non-array inputs or non-floating dtypes, ``ValueError`` for an even
    ``kernel_size``, non-positive sizes or mismatched shapes.
    """
    if isinstance(x, np.ndarray) and isinstance(kernels, np.ndarray):
        for name, a in (("x", x), ("kernels", kernels)):
            if not np.issubdtype(a.dtype, np.floating):
                raise TypeError(f"{name} must have a floating dtype, got dtype {a.dtype}")
        k, s = _check_pair(x, kernels, kernel_size, scale_factor)
        return _carafe_core(x, kernels, k, s).astype(np.result_type(x, kernels), copy=False)
    if not (isinstance(x, torch.Tensor) and isinstance(kernels, torch.Tensor)):
        raise TypeError(f"x and kernels must both be numpy.ndarray or both torch.Tensor, got "
                        f"{type(x).__name__} and {type(kernels).__name__}")
    for name, a in (("x", x), ("kernels", kernels)):
        if not a.dtype.is_floating_point:
            raise TypeError(f"{name} must have a floating dtype, got dtype {a.dtype}")
    k, s = _check_pair(x, kernels, kernel_size, scale_factor)
    n, c, h, w = x.shape
    cols = F.unfold(x, k, padding=k // 2).view(n, c, k * k, h, w)
    weights = kernels.view(n, k * k, h, s, w, s)
    out = torch.einsum("nckhw,nkhawb->nchawb", cols, weights)
    return out.reshape(n, c, s * h, s * w)


class CARAFE(nn.Module):
    """A learned CARAFE upsampler ({cite}`wang2019carafe`): kernel prediction + :func:`carafe`.

    ``CARAFE(channels, scale_factor=2, kernel_size=5, encoder_size=3, compressed=64)``: the paper's defaults
    (``k_up = 5``, ``k_encoder = 3``, ``C_m = 64``). ``kernels(x)`` returns the softmax-normalised kernels
    ``(N, k*k, sH, sW)``; ``forward(x)`` maps ``(N, channels, H, W)`` to ``(N, channels, sH, sW)``. The
    content encoder starts from PyTorch's default initialisation. Raises ``TypeError``/``ValueError`` for
    non-integer or non-positive sizes and even kernel sizes.
    """

    def __init__(self, channels: int, scale_factor: int = 2, kernel_size: int = 5, encoder_size: int = 3,
                 compressed: int = 64):
        super().__init__()
        c = int_tuple("channels", channels, 1, minimum=1)[0]
        self.scale_factor = int_tuple("scale_factor", scale_factor, 1, minimum=1)[0]
        self.kernel_size = int_tuple("kernel_size", kernel_size, 1, minimum=1)[0]
        enc = int_tuple("encoder_size", encoder_size, 1, minimum=1)[0]
        cm = int_tuple("compressed", compressed, 1, minimum=1)[0]
        for name, v in (("kernel_size", self.kernel_size), ("encoder_size", enc)):
            if v % 2 == 0:
                raise ValueError(f"{name} must be odd, got {v}")
        self.channels = c
        self.compress = nn.Conv2d(c, cm, 1)
        self.encode = nn.Conv2d(cm, self.scale_factor ** 2 * self.kernel_size ** 2, enc, padding=enc // 2)

    def kernels(self, x: torch.Tensor) -> torch.Tensor:
        """The reassembly kernels ``(N, k*k, sH, sW)``: positive, summing to 1 over the ``k*k`` taps."""
        logits = F.pixel_shuffle(self.encode(self.compress(x)), self.scale_factor)
        return torch.softmax(logits, dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return carafe(x, self.kernels(x), self.kernel_size, self.scale_factor)

    def extra_repr(self) -> str:
        return f"channels={self.channels}, scale_factor={self.scale_factor}, kernel_size={self.kernel_size}"
