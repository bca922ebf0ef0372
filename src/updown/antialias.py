"""Anti-aliased downsampling in PyTorch: BlurPool and MaxBlurPool layers, an FCN built with them, and the
shift consistency of a segmentation network's predictions.

Chapter *Anti-aliased downsampling* (label ``ch-blurpool``), after {cite}`zhang2019shiftinvariant`. The NumPy
operators the chapter derives are :func:`updown.pooling.blur_pool2d` and :func:`updown.pooling.max_blur_pool2d`;
the modules here compute the same thing with ``torch.nn.functional`` so that a network can be trained with them
(the tests check both against each other and against Zhang's package ``antialiased-cnns``):

* :class:`BlurPool2d`: reflect padding, a fixed depthwise binomial filter, a stride ({eq}`eq-blur-pool`);
* :class:`MaxBlurPool2d`: a dense (stride 1) max, then :class:`BlurPool2d` ({eq}`eq-max-blur-pool`);
* :func:`antialias_fcn`: a copy of an :class:`updown.fcn.FCN` whose five ``MaxPool2d`` layers are replaced by
  ``MaxBlurPool2d(ceil_mode=True)``, which keeps every map's size, so the skips and crops are unchanged;
* :func:`shift_consistency`: how often a predicted label stays the same when the input moves by a few pixels.
"""
from __future__ import annotations

import copy
from typing import Any, Callable

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import fcn as _fcn
from ._checks import _show, check_bool, int_tuple
from .pooling import BLUR_FILTER_SIZES, binomial_filter

__all__ = ["BlurPool2d", "MaxBlurPool2d", "antialias_fcn", "shift_consistency"]


def _int(name: str, value: Any, minimum: int) -> int:
    return int_tuple(name, value, 1, minimum=minimum)[0]


def _filt_size(value: Any) -> int:
    f = _int("filt_size", value, 1)
    if f not in BLUR_FILTER_SIZES:
        raise ValueError(f"filt_size must be an int from 1 to 7 (the binomial filters of antialiased-cnns), "
                         f"got {_show(value)}")
    return f


class BlurPool2d(nn.Module):
    """Blur pooling of ``(N, channels, H, W)`` maps, as :func:`updown.pooling.blur_pool2d` ({eq}`eq-blur-pool`).

    Reflect padding by ``(filt_size - 1) // 2 + pad_off`` pixels at the top/left and ``filt_size // 2 + pad_off``
    at the bottom/right, the ``filt_size x filt_size`` binomial filter on each channel (a fixed buffer, no
    parameters), then every ``stride``-th pixel. Output ``(N, channels, (H - 1 + 2*pad_off) // stride + 1, ...)``.
    Raises ``TypeError``/``ValueError`` for non-integer or out-of-range arguments (``filt_size`` in 1..7).
    """

    def __init__(self, channels: int, filt_size: int = 4, stride: int = 2, pad_off: int = 0):
        super().__init__()
        self.channels = _int("channels", channels, 1)
        self.filt_size = _filt_size(filt_size)
        self.stride = _int("stride", stride, 1)
        self.pad_off = _int("pad_off", pad_off, 0)
        a = torch.from_numpy(binomial_filter(self.filt_size)).float()
        self.register_buffer("filt", (a[:, None] * a[None, :]).expand(self.channels, 1, -1, -1).clone())
        before, after = (self.filt_size - 1) // 2 + self.pad_off, self.filt_size // 2 + self.pad_off
        self.pad = (before, after, before, after)                   # F.pad order: left, right, top, bottom

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if any(self.pad):
            x = F.pad(x, self.pad, mode="reflect")
        return F.conv2d(x, self.filt, stride=self.stride, groups=x.shape[1])

    def extra_repr(self) -> str:
        return f"{self.channels}, filt_size={self.filt_size}, stride={self.stride}, pad_off={self.pad_off}"


class MaxBlurPool2d(nn.Module):
    """Max-blur pooling ({eq}`eq-max-blur-pool`), as :func:`updown.pooling.max_blur_pool2d`: the max over
    ``kernel_size x kernel_size`` windows at every pixel (stride 1), then :class:`BlurPool2d`.

    ``ceil_mode=True`` extends the input by ``kernel_size - 1`` rows and columns of ``-inf`` at the bottom and
    right before the dense max, so the output has ``ceil(H / stride)`` rows, as ``MaxPool2d(stride,
    ceil_mode=True)``; ``ceil_mode=False`` is Zhang's ``MaxPool2d(kernel_size, stride=1)`` + ``BlurPool``.
    """

    def __init__(self, channels: int, kernel_size: int = 2, filt_size: int = 4, stride: int = 2,
                 ceil_mode: bool = False):
        super().__init__()
        self.kernel_size = _int("kernel_size", kernel_size, 1)
        check_bool("ceil_mode", ceil_mode)
        self.ceil_mode = bool(ceil_mode)
        self.blur = BlurPool2d(channels, filt_size, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k = self.kernel_size
        if self.ceil_mode and k > 1:
            x = F.pad(x, (0, k - 1, 0, k - 1), value=float("-inf"))
        return self.blur(F.max_pool2d(x, k, stride=1))

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, ceil_mode={self.ceil_mode}"


def antialias_fcn(model: _fcn.FCN, filt_size: int = 4) -> _fcn.FCN:
    """A copy of ``model`` with each stage's ``MaxPool2d(2, 2, ceil_mode=True)`` replaced by
    ``MaxBlurPool2d(C, 2, filt_size, 2, ceil_mode=True)`` (same output sizes, no new parameters).

    The copy keeps ``model``'s weights, so a model built under a seed and its anti-aliased copy start from the
    same initial weights (a paired comparison). ``model`` is not modified. Raises ``TypeError`` when ``model`` is
    not an :class:`updown.fcn.FCN` and ``ValueError`` for a ``filt_size`` outside 1..7.
    """
    if not isinstance(model, _fcn.FCN):
        raise TypeError(f"model must be an updown.fcn.FCN, got {type(model).__name__}")
    f = _filt_size(filt_size)
    out = copy.deepcopy(model)
    for stage in out.stages:
        for i, layer in enumerate(stage):
            if isinstance(layer, nn.MaxPool2d):
                channels = next(m.num_features for m in stage
                                if isinstance(m, nn.BatchNorm2d))
                stage[i] = MaxBlurPool2d(channels, 2, f, 2, ceil_mode=True)
    return out


def _shift_consistency_core(base, moved, d, axis):
    """Fraction of overlap pixels whose label is the same in base and in moved, the
    prediction for the input moved by d pixels along axis (-2: rows, -1: columns)."""
    n = base.shape[axis]
    same = (np.take(base, range(d, n), axis=axis)  # overlap: rows (columns) d .. n-1
            == np.take(moved, range(n - d), axis=axis))
    return same.mean()


def shift_consistency(predict: Callable[[np.ndarray], np.ndarray], images: np.ndarray, max_shift: int,
                      per_shift: bool = False):
    """How often a prediction keeps its label when the input moves by ``1 .. max_shift`` pixels.

    With ``m = max_shift`` and ``images`` ``(N, C, H, W)``, the reference window is ``images[..., :H-m, :W-m]``;
    for each shift ``d`` the window moved ``d`` pixels down (``images[..., d:H-m+d, :W-m]``) and the one moved ``d``
    pixels right (``images[..., :H-m, d:W-m+d]``) are predicted too. All windows have the same size, so only the
    content's position relative to the network's pooling grid changes. On the overlap, the pixel that is row
    ``i + d`` of the reference window is row ``i`` of the moved one; the score for ``d`` is the fraction of
    overlap pixels with the same label, averaged over the two directions. ``predict`` maps float images
    ``(n, C, h, w)`` to integer labels ``(n, h, w)`` (e.g. ``lambda x: updown.fcn.predict(model, x)``).

    Returns the mean over ``d = 1 .. m`` (a float in [0, 1]), or with ``per_shift=True`` the array of the ``m``
    scores. Raises ``TypeError`` for a non-callable ``predict``, a non-array or non-floating ``images``, a
    non-integer ``max_shift`` or a non-bool ``per_shift``; ``ValueError`` for images not of rank 4 or empty,
    a ``max_shift`` below 1 or not smaller than ``H`` and ``W``, and a prediction of the wrong shape.
    """
    if not callable(predict):
        raise TypeError(f"predict must be a callable images -> labels, got {_show(predict)}")
    if not isinstance(images, np.ndarray):
        raise TypeError(f"images must be a numpy.ndarray, got {type(images).__name__}")
    if images.dtype.kind != "f":
        raise TypeError(f"images must have a floating dtype, got dtype {images.dtype}")
    if images.ndim != 4 or images.size == 0:
        raise ValueError(f"images must have shape (N, C, H, W) and not be empty, got shape {tuple(images.shape)}")
    m = _int("max_shift", max_shift, 1)
    check_bool("per_shift", per_shift)
    h, w = images.shape[-2:]
    if m >= min(h, w):
        raise ValueError(f"max_shift must be smaller than the images' height and width ({h}x{w}), got {m}")

    def labels(window: np.ndarray) -> np.ndarray:
        y = np.asarray(predict(window))
        want = (window.shape[0],) + window.shape[-2:]
        if y.shape != want:
            raise ValueError(f"predict must return labels of shape {want} for images of shape "
                             f"{tuple(window.shape)}, got shape {y.shape}")
        return y

    base = labels(images[..., :h - m, :w - m])
    scores = []
    for d in range(1, m + 1):
        down = labels(images[..., d:h - m + d, :w - m])
        right = labels(images[..., :h - m, d:w - m + d])
        scores.append((_shift_consistency_core(base, down, d, -2)
                       + _shift_consistency_core(base, right, d, -1)) / 2)
    scores = np.array(scores, dtype=float)
    return scores if per_shift else float(scores.mean())
