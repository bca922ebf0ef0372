"""Sub-pixel convolution: pixel shuffle, the phase kernels of a transposed convolution, ICNR, checkerboards.

Chapter *Sub-pixel convolution and ICNR*, after {cite}`shi2016subpixel` and {cite}`aitken2017icnr`.

* :func:`pixel_shuffle` moves ``r*r`` channels into an ``r x r`` block of pixels ({eq}`eq-sp-shuffle`),
  :func:`pixel_unshuffle` moves them back; both are exact (pure data movement) and mirror PyTorch's.
* :func:`transposed_as_subpixel` splits a stride-``s`` transposed convolution into ``s*s`` stride-1 kernels, one
  per output phase, in pixel-shuffle channel order ({eq}`eq-sp-phase-kernel`): convolution with them, then pixel
  shuffle, is the transposed convolution.
* :func:`resize_conv_as_transposed` writes nearest resize followed by a convolution as one transposed
  convolution ({eq}`eq-sp-resize-as-transposed`), whose phase sums are all equal.
* :func:`icnr` initialises a sub-pixel convolution so that its ``r*r`` sub-kernels are equal: at initialisation
  it is then a convolution followed by nearest resize ({eq}`eq-sp-icnr`).
* :func:`checkerboard_score` measures the share of a map's variance that is a period-``s`` pattern
  ({eq}`eq-sp-score`).

The operators take and return NumPy arrays; PyTorch (``torch.nn.functional.pixel_shuffle``,
``conv_transpose2d``) is the oracle the tests and the chapter compare them with. :class:`SubPixelConv2d` and
:class:`ResizeConv2d` are the two upsampling layers as ``torch.nn`` modules, for training.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ._checks import _show, as_array, check_choice, int_tuple

__all__ = [
    "pixel_shuffle",
    "pixel_unshuffle",
    "transposed_as_subpixel",
    "resize_conv_as_transposed",
    "icnr",
    "checkerboard_score",
    "SubPixelConv2d",
    "ResizeConv2d",
]


def _factor(name: str, value: Any) -> int:
    return int_tuple(name, value, 1, minimum=1)[0]


def _own(out: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``out``, copied if it is a view of ``x`` (a factor of 1), so the caller never aliases the input."""
    return out.copy() if np.shares_memory(out, x) else out


# ----------------------------------------------------------------------------------------------------------------
# pixel shuffle and its inverse
# ----------------------------------------------------------------------------------------------------------------

def _pixel_shuffle_core(x, r):
    """Channel c*r*r + i*r + j of pixel (h, w) -> pixel (h*r + i, w*r + j) of c."""
    *lead, c, h, w = x.shape
    n = len(lead)
    x = x.reshape(*lead, c // (r * r), r, r, h, w)             # (..., c, i, j, h, w)
    x = x.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)  # (..., c, h, i, w, j)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def _pixel_unshuffle_core(x, r):
    """Pixel (h*r + i, w*r + j) of channel c -> channel c*r*r + i*r + j at (h, w)."""
    *lead, c, hr, wr = x.shape
    n = len(lead)
    x = x.reshape(*lead, c, hr // r, r, wr // r, r)            # (..., c, h, i, w, j)
    x = x.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)  # (..., c, i, j, h, w)
    return x.reshape(*lead, c * r * r, hr // r, wr // r)


def pixel_shuffle(x: np.ndarray, upscale_factor: int) -> np.ndarray:
    """Rearrange ``(*, C*r*r, H, W)`` into ``(*, C, H*r, W*r)`` ({eq}`eq-sp-shuffle`), as PyTorch's.

    Channel ``c*r*r + i*r + j`` of low-resolution pixel ``(h, w)`` goes to pixel ``(h*r + i, w*r + j)`` of
    channel ``c``, with ``r = upscale_factor``. Any number of leading dimensions; the values are moved, never
    computed, so the result equals ``torch.nn.functional.pixel_shuffle`` bit for bit. Returns a new array of the
    input's dtype (the input is not modified).

    Raises ``TypeError`` for a non-array input or a non-integer factor, ``ValueError`` for fewer than three
    dimensions, an empty array, a factor below 1 or a channel count not divisible by ``r*r``.
    """
    x = as_array("x", x)
    r = _factor("upscale_factor", upscale_factor)
    if x.ndim < 3:
        raise ValueError(f"x must have shape (*, C*r*r, H, W) with at least 3 dimensions, got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"x must not be empty, got shape {x.shape}")
    if x.shape[-3] % (r * r):
        raise ValueError(f"x must have a channel count divisible by upscale_factor**2 = {r * r}, "
                         f"got {x.shape[-3]} channels (shape {x.shape})")
    return _own(_pixel_shuffle_core(x, r), x)


def pixel_unshuffle(x: np.ndarray, downscale_factor: int) -> np.ndarray:
    """Rearrange ``(*, C, H*r, W*r)`` into ``(*, C*r*r, H, W)``: the inverse of :func:`pixel_shuffle`.

    Pixel ``(h*r + i, w*r + j)`` of channel ``c`` goes to channel ``c*r*r + i*r + j`` of pixel ``(h, w)``, with
    ``r = downscale_factor``; equal to ``torch.nn.functional.pixel_unshuffle`` bit for bit. Returns a new array.

    Raises ``TypeError`` for a non-array input or a non-integer factor, ``ValueError`` for fewer than three
    dimensions, an empty array, a factor below 1 or a height or width not divisible by ``r``.
    """
    x = as_array("x", x)
    r = _factor("downscale_factor", downscale_factor)
    if x.ndim < 3:
        raise ValueError(f"x must have shape (*, C, H*r, W*r) with at least 3 dimensions, got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"x must not be empty, got shape {x.shape}")
    if x.shape[-2] % r or x.shape[-1] % r:
        raise ValueError(f"x must have a height and width divisible by downscale_factor = {r}, "
                         f"got height {x.shape[-2]} and width {x.shape[-1]} (shape {x.shape})")
    return _own(_pixel_unshuffle_core(x, r), x)


# ----------------------------------------------------------------------------------------------------------------
# transposed convolution = s*s stride-1 convolutions + pixel shuffle
# ----------------------------------------------------------------------------------------------------------------

def _weight(name: str, weight: Any, layout: str) -> np.ndarray:
    weight = as_array(name, weight, floating=True)
    if weight.ndim != 4:
        raise ValueError(f"{name} must have shape {layout} (4 dimensions), got shape {weight.shape}")
    if weight.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {weight.shape}")
    return weight


def _transposed_as_subpixel_core(weight, s):
    """Phase kernel (i, j) of channel o: taps (i + s*a, j + s*b) of weight, reversed."""
    c_in, c_out, kh, kw = weight.shape
    big_h, big_w = -(-kh // s), -(-kw // s)               # K = ceil(k / s) per phase
    w = np.zeros((c_in, c_out, big_h * s, big_w * s), dtype=weight.dtype)
    w[:, :, :kh, :kw] = weight                            # zero taps beyond k
    w = w.reshape(c_in, c_out, big_h, s, big_w, s)        # tap (a*s + i, b*s + j)
    w = w[:, :, ::-1, :, ::-1, :]                         # reversed: conv2d correlates
    w = w.transpose(1, 3, 5, 0, 2, 4)                     # (o, i, j, c_in, a, b)
    return w.reshape(c_out * s * s, c_in, big_h, big_w)


def transposed_as_subpixel(weight: np.ndarray, stride: int) -> np.ndarray:
    """The ``s*s`` stride-1 phase kernels of a stride-``s`` transposed convolution ({eq}`eq-sp-phase-kernel`).

    ``weight``: ``(C_in, C_out, kh, kw)``, the layout of ``conv_transpose2d``; ``stride``: one int ``s`` for
    both axes. Returns ``(C_out*s*s, C_in, K_h, K_w)`` with ``K = ceil(k / s)``, in pixel-shuffle channel order:
    channel ``o*s*s + i*s + j`` holds the taps ``(i + s*a, j + s*b)`` of ``weight[:, o]``, reversed in ``a`` and
    ``b`` (missing taps beyond ``k`` are 0). A copy in the weight's dtype.

    The equivalence, for ``y`` of shape ``(N, C_in, H, W)``, padding ``p`` and output padding ``q``:
    ``Z = pixel_shuffle(conv2d(y, phases, padding=(K_h - 1, K_w - 1)), s)`` has ``(H + K_h - 1)*s`` rows, and
    ``conv_transpose2d(y, weight, stride=s, padding=p, output_padding=q)`` is ``Z[..., p:p + H_out, ...]``
    (the same along columns), with ``H_out = (H - 1)*s - 2*p + kh + q``. Nothing is cropped when ``p = 0``
    and ``kh + q = K_h*s`` (without output padding: when ``s`` divides ``k``); rows of the crop that run past
    ``Z`` (possible only when ``q > 0``) are 0.

    Raises ``TypeError`` for a non-float array or a non-integer stride, ``ValueError`` for a weight that is not
    4D or is empty, or a stride below 1.
    """
    weight = _weight("weight", weight, "(C_in, C_out, kh, kw)")
    s = _factor("stride", stride)
    return np.ascontiguousarray(_transposed_as_subpixel_core(weight, s))


def _resize_conv_as_transposed_core(weight, s):
    """The reversed kernel, each tap spread over an s x s box (padding k - 1 - p)."""
    c_out, c_in, kh, kw = weight.shape
    flipped = weight[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (C_in, C_out, kh, kw)
    out = np.zeros((c_in, c_out, kh + s - 1, kw + s - 1), dtype=weight.dtype)
    for i in range(s):
        for j in range(s):
            out[:, :, i:i + kh, j:j + kw] += flipped
    return out


def resize_conv_as_transposed(weight: np.ndarray, scale_factor: int, padding: int = 0):
    """Nearest resize by ``s`` followed by ``conv2d(., weight, padding=p)``, as one transposed convolution.

    ``weight``: ``(C_out, C_in, kh, kw)``, the layout of ``conv2d``. Returns ``(weight_t, padding_t)``:
    ``weight_t`` of shape ``(C_in, C_out, kh + s - 1, kw + s - 1)``, the layout of ``conv_transpose2d``, is the
    flipped kernel spread over an ``s x s`` box ({eq}`eq-sp-resize-as-transposed`), and
    ``padding_t = (kh - 1 - p, kw - 1 - p)``. Then ``conv_transpose2d(y, weight_t, stride=s,
    padding=padding_t)`` equals ``conv2d(interpolate(y, scale_factor=s, mode="nearest"), weight, padding=p)``
    for every input. Every phase sum of ``weight_t`` is ``weight.sum()`` over the kernel's taps.

    Raises ``TypeError`` for a non-float array or non-integer sizes, ``ValueError`` for a weight that is not 4D
    or is empty, a factor below 1, a negative padding, or a padding above ``k - 1`` (the equivalent transposed
    convolution would need a negative padding).
    """
    weight = _weight("weight", weight, "(C_out, C_in, kh, kw)")
    s = _factor("scale_factor", scale_factor)
    p = int_tuple("padding", padding, 1, minimum=0)[0]
    kh, kw = weight.shape[2:]
    if p > min(kh, kw) - 1:
        raise ValueError(f"padding must be at most kernel_size - 1 = {min(kh, kw) - 1} for an equivalent "
                         f"transposed convolution, got padding={p} (kernel {kh}x{kw})")
    return _resize_conv_as_transposed_core(weight, s), (kh - 1 - p, kw - 1 - p)


# ----------------------------------------------------------------------------------------------------------------
# ICNR
# ----------------------------------------------------------------------------------------------------------------

_INITS = ("default", "kaiming_normal")


def _icnr_core(sub, r):
    """Each sub-kernel r*r times: channels o*r*r ... o*r*r + r*r - 1 all get sub[o]."""
    return np.repeat(sub, r * r, axis=0)


def icnr(shape, upscale_factor: int, init: str | Callable = "default",
         generator: torch.Generator | None = None) -> torch.Tensor:
    """An ICNR weight for a sub-pixel convolution ({eq}`eq-sp-icnr`), {cite}`aitken2017icnr`.

    ``shape``: ``(C_out*r*r, C_in, kh, kw)``, the weight of the ``Conv2d`` before ``PixelShuffle(r)``. Draws a
    sub-kernel of shape ``(C_out, C_in, kh, kw)`` and repeats each output channel ``r*r`` times, so the ``r*r``
    channels that pixel shuffle puts into one ``r x r`` block are equal: convolution then pixel shuffle is, at
    initialisation, a convolution at low resolution followed by nearest resize. ``init`` draws the sub-kernel:
    ``"default"`` is PyTorch's ``Conv2d`` initialisation (uniform in ``+-1/sqrt(C_in*kh*kw)``, the same bound as
    for the full weight), ``"kaiming_normal"`` is ``torch.nn.init.kaiming_normal_``; a callable is called as
    ``init(tensor)`` and fills the float32 tensor in place (seed it yourself). ``generator`` seeds the named
    initialisations. Returns a float32 torch tensor of ``shape``.

    Raises ``TypeError`` for a non-integer shape or factor or an ``init`` that is neither a name nor a callable,
    ``ValueError`` for a shape that is not 4 positive ints, a factor below 1, a first dimension not divisible by
    ``r*r`` or an unknown ``init`` name.
    """
    shape = int_tuple("shape", tuple(shape) if isinstance(shape, (list, torch.Size)) else shape, 4, minimum=1)
    r = _factor("upscale_factor", upscale_factor)
    if shape[0] % (r * r):
        raise ValueError(f"shape[0] must be divisible by upscale_factor**2 = {r * r} (C_out*r*r output "
                         f"channels), got shape {shape}")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")
    sub = torch.empty((shape[0] // (r * r),) + shape[1:])
    if callable(init):
        init(sub)
    elif isinstance(init, str):
        check_choice("init", init, _INITS)
        if init == "default":
            nn.init.kaiming_uniform_(sub, a=math.sqrt(5), generator=generator)
        else:
            nn.init.kaiming_normal_(sub, generator=generator)
    else:
        raise TypeError(f"init must be one of {', '.join(map(repr, _INITS))} or a callable, got {_show(init)}")
    return torch.from_numpy(_icnr_core(sub.numpy(), r))


# ----------------------------------------------------------------------------------------------------------------
# how much of a map is a checkerboard
# ----------------------------------------------------------------------------------------------------------------

def _checkerboard_score_core(y, s):
    """The variance of the s*s phase means over that of all pixels, summed over maps."""
    h, w = y.shape[-2] // s * s, y.shape[-1] // s * s
    y = y[..., :h, :w]                                    # equal-sized phases
    blocks = y.reshape(*y.shape[:-2], h // s, s, w // s, s)
    phase_means = blocks.mean(axis=(-4, -2))              # (..., s, s)
    return phase_means.var(axis=(-2, -1)).sum() / y.var(axis=(-2, -1)).sum()


def checkerboard_score(y: np.ndarray, stride: int) -> float:
    """The share of ``y``'s variance that is a period-``stride`` pattern ({eq}`eq-sp-score`), in ``[0, 1]``.

    ``y``: ``(..., H, W)``, one or more maps (the leading dimensions are summed over: each map's variances add).
    With ``s = stride``, the map is cut to its top-left ``s*floor(H/s)`` rows and ``s*floor(W/s)`` columns, so
    that its ``s*s`` phases (pixels ``(a + s*m, b + s*n)`` for a fixed ``(a, b)``) have equal sizes; the score is
    the variance of the ``s*s`` phase means divided by the variance of all pixels. It is 1 for a pure period-``s``
    pattern, 0 for a map whose phases have the same mean (nearest resize by ``s`` of anything), and defined as
    0 for a constant map: one where every map's standard deviation is below ``64 * eps`` of the largest
    magnitude (``eps`` of the dtype, float64 for integers), which is rounding, not a pattern. Crop the border band first when the
    border is not part of what you measure.

    Raises ``TypeError`` for a non-array or non-numeric ``y`` or a non-integer stride, ``ValueError`` for fewer
    than 2 dimensions, an empty array, a stride below 1 or a map smaller than ``stride`` in either direction.
    """
    y = as_array("y", y)
    s = _factor("stride", stride)
    if y.ndim < 2:
        raise ValueError(f"y must have shape (..., H, W) with at least 2 dimensions, got shape {y.shape}")
    if y.size == 0:
        raise ValueError(f"y must not be empty, got shape {y.shape}")
    if y.shape[-2] < s or y.shape[-1] < s:
        raise ValueError(f"y must be at least stride x stride = {s}x{s} pixels, got shape {y.shape}")
    y = y.astype(np.float64) if not np.issubdtype(y.dtype, np.floating) else y
    h, w = y.shape[-2] // s * s, y.shape[-1] // s * s
    spread = float(np.sqrt(y[..., :h, :w].var(axis=(-2, -1)).max()))
    if spread <= 64 * np.finfo(y.dtype).eps * float(np.abs(y).max()):
        return 0.0                                          # constant up to rounding
    return float(min(1.0, _checkerboard_score_core(y, s)))


# ----------------------------------------------------------------------------------------------------------------
# the two upsampling layers as modules
# ----------------------------------------------------------------------------------------------------------------

class SubPixelConv2d(nn.Module):
    """Sub-pixel convolution {cite}`shi2016subpixel`: ``Conv2d(C_in, C_out*r*r, k, padding=k//2)``, then
    ``PixelShuffle(r)``; ``(N, C_in, H, W) -> (N, C_out, r*H, r*W)`` for odd ``k``.

    ``init``: ``"default"`` (PyTorch's initialisation of the convolution) or ``"icnr"`` (:func:`icnr` with PyTorch's
    default sub-kernel, so the layer starts as convolution then nearest resize). No bias unless ``bias=True``
    (zero-initialised, the same for the ``r*r`` channels of a block under ICNR). ``generator`` seeds the weights.

    Raises ``TypeError``/``ValueError`` for non-positive or non-integer sizes, an even kernel size (the output
    would not be ``r*H``) or an unknown ``init``.
    """

    def __init__(self, in_channels: int, out_channels: int, upscale_factor: int, kernel_size: int = 3,
                 init: str = "default", bias: bool = False, generator: torch.Generator | None = None):
        super().__init__()
        c_in = _factor("in_channels", in_channels)
        c_out = _factor("out_channels", out_channels)
        r = _factor("upscale_factor", upscale_factor)
        k = _factor("kernel_size", kernel_size)
        if k % 2 == 0:
            raise ValueError(f"kernel_size must be odd (so that 'same' padding keeps the size), got {k}")
        check_choice("init", init, ("default", "icnr"))
        self.init, self.upscale_factor = init, r
        self.conv = nn.Conv2d(c_in, c_out * r * r, k, padding=k // 2, bias=bool(bias))
        weight = icnr(self.conv.weight.shape, r, generator=generator) if init == "icnr" else None
        with torch.no_grad():
            if weight is None:
                nn.init.kaiming_uniform_(self.conv.weight, a=math.sqrt(5), generator=generator)
            else:
                self.conv.weight.copy_(weight)
            if self.conv.bias is not None:
                self.conv.bias.zero_()
        self.shuffle = nn.PixelShuffle(r)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shuffle(self.conv(x))

    def extra_repr(self) -> str:
        return f"init={self.init!r}"


class ResizeConv2d(nn.Module):
    """Resize-convolution {cite}`odena2016deconvolution`: ``interpolate(scale_factor=r, mode)``, then
    ``Conv2d(C_in, C_out, k, padding=k//2)``; ``(N, C_in, H, W) -> (N, C_out, r*H, r*W)`` for odd ``k``.

    ``mode``: ``"nearest"`` (default) or ``"bilinear"`` (``align_corners=False``). PyTorch's default
    initialisation of the convolution (seeded by ``generator``), no bias unless ``bias=True`` (zeros).

    Raises ``TypeError``/``ValueError`` for non-positive or non-integer sizes, an even kernel size or an unknown
    mode.
    """

    def __init__(self, in_channels: int, out_channels: int, upscale_factor: int, kernel_size: int = 3,
                 mode: str = "nearest", bias: bool = False, generator: torch.Generator | None = None):
        super().__init__()
        c_in = _factor("in_channels", in_channels)
        c_out = _factor("out_channels", out_channels)
        r = _factor("upscale_factor", upscale_factor)
        k = _factor("kernel_size", kernel_size)
        if k % 2 == 0:
            raise ValueError(f"kernel_size must be odd (so that 'same' padding keeps the size), got {k}")
        check_choice("mode", mode, ("nearest", "bilinear"))
        self.mode, self.upscale_factor = mode, r
        self.conv = nn.Conv2d(c_in, c_out, k, padding=k // 2, bias=bool(bias))
        with torch.no_grad():
            nn.init.kaiming_uniform_(self.conv.weight, a=math.sqrt(5), generator=generator)
            if self.conv.bias is not None:
                self.conv.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        extra = {} if self.mode == "nearest" else {"align_corners": False}
        return self.conv(F.interpolate(x, scale_factor=self.upscale_factor, mode=self.mode, **extra))

    def extra_repr(self) -> str:
        return f"mode={self.mode!r}"
