"""Resampling by interpolation: nearest, nearest-exact, linear (1D), bilinear (2D) and trilinear (3D).

Chapters *Linear, 1D* (2), *Bilinear, 2D* (3), *Trilinear, 3D* (4) and *Where are the pixels?* (5).

The module is built the way the chapters teach it, from two pieces:

* :func:`source_coordinates` says, for every output index along one axis, where it reads the input. Every
  convention lives there and nowhere else: half-pixel centres (``align_corners=False``,
  {eq}`eq-src-half`), corner-aligned grids (``align_corners=True``, {eq}`eq-src-corners`), the floor rule of
  ``nearest`` and the half-pixel rule of ``nearest-exact``, and PyTorch's choice of scale (the given
  ``scale_factor``, not the size ratio, unless ``recompute_scale_factor=True``).
* :func:`linear_pass` interpolates along ONE axis: each output sample takes its two neighbours and weights them
  by distance ({eq}`eq-linear-weights`). Bilinear is two passes (width, then height), trilinear three
  (width, height, depth): {eq}`eq-bilinear-passes`.

The chapters show the teaching cores ``_source_coordinates_core``, ``_linear_pass_core`` and ``_interpolate_core``:
the same equations in float64 NumPy without checks (the tests assert that they agree with the public functions).

:func:`interpolate` mirrors ``torch.nn.functional.interpolate`` (same arguments, order, defaults and errors) and
agrees with it to floating-point rounding: it computes coordinates and weights in the input's precision
(float32 for float16/float32 inputs, float64 for float64), as PyTorch's CPU kernel does. NumPy only.

Chapter *Bicubic, area and antialiasing* ({ref}`ch-resize`) adds ``mode="bicubic"`` (Keys' kernel
:func:`_cubic_kernel`, ``a = -0.75``), ``mode="area"`` (adaptive average pooling), ``antialias=True`` for
bilinear and bicubic (the kernel widened by the scale when downsampling, :func:`_antialias_weights_core`; the
antialiased bicubic uses ``a = -0.5``) and ``mode="lanczos"`` (Lanczos-3, antialiased only), with the teaching
cores ``_cubic_kernel``, ``_cubic_pass_core``, ``_antialias_weights_core`` and ``_area_weights_core``.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._checks import _show, as_array, check_bool, check_choice, float_tuple, int_tuple

__all__ = ["MODES", "ALL_MODES", "source_coordinates", "linear_neighbours", "linear_pass", "interpolate"]

#: The modes of :func:`interpolate`, and the input rank each linear mode needs.
MODES = ("nearest", "nearest-exact", "linear", "bilinear", "trilinear")
_LINEAR_RANK = {"linear": 3, "bilinear": 4, "trilinear": 5}
_LAYOUT = {3: "(N, C, L)", 4: "(N, C, H, W)", 5: "(N, C, D, H, W)"}


#: How float32 half-pixel coordinates are rounded. PyTorch's CPU kernels are compiled once per instruction set
#: and picked at run time: the AVX2 and AVX-512 builds evaluate ``scale * (i + 0.5) - 0.5`` with one fused
#: multiply-add (one rounding), the DEFAULT build (a CPU without AVX2, or ``ATEN_CPU_CAPABILITY=default``) with
#: two. ``True`` (the default) reproduces the first; set it to ``False`` to reproduce the second. The two differ
#: by one float32 step of the coordinate, so PyTorch's own bilinear output differs between CPUs by up to that
#: step times the difference of two neighbouring pixels.
FUSED_MULTIPLY_ADD = True


def _compute_dtype(dtype) -> np.dtype:
    """The precision PyTorch computes coordinates and weights in: float64 for float64, float32 otherwise."""
    return np.dtype(np.float64) if np.dtype(dtype) == np.float64 else np.dtype(np.float32)


def _positive_size(name: str, value: Any) -> int:
    return int_tuple(name, value, 1, minimum=1)[0]


# Teaching cores: the chapters' equations in NumPy (float64), without argument checks. The public
# functions below check their arguments and add what PyTorch's CPU kernels do beyond the equations:
# float32 arithmetic (with a fused multiply-add, see FUSED_MULTIPLY_ADD), float32 nearest indices, copy shortcuts,
# cache blocking.

def _source_coordinates_core(out_size, in_size, scale_factor=None, mode="linear",
                             align_corners=False):
    """Where each output index of one axis reads the input (in input indices)."""
    if align_corners:  # the corner centres meet: (in - 1) / (out - 1)
        scale = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    else:  # 1 / s: s is the given scale factor, or the size ratio out / in
        scale = 1 / scale_factor if scale_factor else in_size / out_size
    i = np.arange(out_size)
    if mode == "nearest":  # eq-nearest
        return np.minimum(np.floor(i * scale).astype(int), in_size - 1)
    if mode == "nearest-exact":  # eq-nearest-exact
        return np.minimum(np.floor((i + 0.5) * scale).astype(int), in_size - 1)
    if align_corners:  # eq-src-corners
        return i * scale
    return np.maximum((i + 0.5) * scale - 0.5, 0.0)  # eq-src-half, clamped at 0


def _linear_pass_core(x, axis, size, scale_factor=None, align_corners=False):
    """Linear interpolation of x along one axis to length size."""
    x = np.moveaxis(x, axis, -1)  # the resampled axis last, so the weights broadcast
    n = x.shape[-1]
    u = _source_coordinates_core(size, n, scale_factor, "linear", align_corners)
    i0 = np.minimum(np.floor(u).astype(int), n - 1)  # left neighbour
    i1 = np.minimum(i0 + 1, n - 1)  # right neighbour, clamped at the last sample
    t = u - i0  # eq-linear-unit: weights 1 - t and t
    y = (1 - t) * x[..., i0] + t * x[..., i1]
    return np.moveaxis(y, -1, axis)


def _interpolate_core(x, size, scale_factor=None, mode="bilinear", align_corners=False):
    """Resample the spatial axes of x, shape (N, C, ...), to the sizes in size."""
    scales = scale_factor or (None,) * len(size)
    for axis in range(x.ndim - 1, 1, -1):  # one pass per axis, last axis first
        k = axis - 2
        if mode.startswith("nearest"):
            index = _source_coordinates_core(size[k], x.shape[axis], scales[k], mode)
            x = np.take(x, index, axis=axis)
        else:
            x = _linear_pass_core(x, axis, size[k], scales[k], align_corners)
    return x


def source_coordinates(out_size: int, in_size: int, scale_factor: float | None = None, mode: str = "linear",
                       align_corners: bool = False, dtype=np.float32) -> np.ndarray:
    """Where each output index ``0 .. out_size-1`` of one axis reads the input of length ``in_size``.

    The one place that holds the pixel conventions. First the scale (input pixels per output pixel):

    * ``align_corners=True``: ``(in_size - 1) / (out_size - 1)`` (0 when ``out_size == 1``), {eq}`eq-src-corners`;
    * otherwise ``1 / scale_factor`` when a scale factor is given, else ``in_size / out_size``.

    Then, for output index ``i``:

    * linear modes (``"linear"``, ``"bilinear"``, ``"trilinear"``): the continuous source coordinate, in input
      *indices*, returned as floats of ``dtype``. Half-pixel: ``max((i + 0.5) * scale - 0.5, 0)``
      ({eq}`eq-src-half`); corners: ``i * scale``. When ``out_size == in_size`` it is ``i`` (PyTorch copies).
    * ``"nearest"``: the integer index ``min(floor(i * scale), in_size - 1)`` ({eq}`eq-nearest`);
    * ``"nearest-exact"``: ``min(floor((i + 0.5) * scale), in_size - 1)`` ({eq}`eq-nearest-exact`).

    ``dtype`` is the precision of the arithmetic (float32 or float64, as PyTorch: the input's). Nearest indices
    are floored in float32, as PyTorch does for every dtype. Returns an array of shape ``(out_size,)``.

    Raises ``TypeError``/``ValueError`` for non-integer or non-positive sizes, a non-positive ``scale_factor``,
    an unknown ``mode``, or ``align_corners=True`` with a nearest mode.
    """
    out_size = _positive_size("out_size", out_size)
    in_size = _positive_size("in_size", in_size)
    if scale_factor is not None:
        scale_factor = float_tuple("scale_factor", scale_factor, 1)[0]
    check_choice("mode", mode, MODES)
    check_bool("align_corners", align_corners)
    dt = np.dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64, got {dt}")
    if align_corners and mode.startswith("nearest"):
        raise ValueError(f"align_corners=True is only defined for the linear modes, got mode={mode!r}")
    if dt == np.float64 and mode not in ("nearest", "nearest-exact") and out_size != in_size:
        return _source_coordinates_core(out_size, in_size, scale_factor, mode, align_corners)

    # the same equations in PyTorch's arithmetic: float32 inputs in float32 (see FUSED_MULTIPLY_ADD),
    # nearest indices floored in float32 whatever the dtype, a copy when the size does not change
    if align_corners:
        scale = dt.type(in_size - 1) / dt.type(out_size - 1) if out_size > 1 else dt.type(0)
    elif scale_factor is not None:
        scale = dt.type(1.0 / scale_factor)
    else:
        scale = dt.type(in_size) / dt.type(out_size)

    i = np.arange(out_size, dtype=dt)
    if mode == "nearest":
        # floor(i * scale), the floor taken in float32 (as PyTorch's floorf)
        src = (scale * i).astype(np.float32)
        return np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    if mode == "nearest-exact":
        # floor((i + 0.5) * scale), written as PyTorch evaluates it: the half-pixel coordinate plus one half
        src = np.maximum(scale * (i + dt.type(0.5)) - dt.type(0.5), dt.type(0))
        src = (src.astype(np.float64) + 0.5).astype(np.float32)
        return np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    if out_size == in_size:
        return i
    if align_corners:
        return scale * i
    if not FUSED_MULTIPLY_ADD:  # PyTorch's DEFAULT kernel: two float32 roundings
        return np.maximum(scale * (i + dt.type(0.5)) - dt.type(0.5), dt.type(0))
    # PyTorch's AVX2 and AVX-512 kernels evaluate scale * (i + 0.5) - 0.5 as one fused multiply-add (a single
    # rounding); in float32 the float64 evaluation below is exact before its one rounding: bit for bit the same
    wide = np.float64(scale) * (i + dt.type(0.5)).astype(np.float64) - 0.5
    return np.maximum(wide.astype(dt), dt.type(0))


def linear_neighbours(coordinates: np.ndarray, in_size: int):
    """The two neighbours of each continuous source coordinate and their weights ({eq}`eq-linear-weights`).

    For a coordinate ``u`` (in input indices) the left neighbour is ``i0 = min(floor(u), in_size - 1)``, the
    right one ``i1 = i0 + 1`` (or ``i0`` at the last pixel: the edge is clamped), and the weights are the
    distances to the *other* neighbour: ``w1 = u - i0`` (clipped to [0, 1]) and ``w0 = 1 - w1``.
    Returns ``(i0, i1, w0, w1)``: two int64 arrays and two arrays of the coordinates' dtype, each of the
    coordinates' shape. Raises ``TypeError`` unless ``coordinates`` is a floating array.
    """
    u = as_array("coordinates", coordinates, floating=True)
    in_size = _positive_size("in_size", in_size)
    i0 = np.minimum(np.floor(u).astype(np.int64), in_size - 1)
    w1 = np.clip(u - i0.astype(u.dtype), 0, 1).astype(u.dtype)
    i1 = i0 + (i0 < in_size - 1)
    w0 = (u.dtype.type(1) - w1).astype(u.dtype)
    return i0, i1, w0, w1


def linear_pass(x: np.ndarray, axis: int, size: int, scale_factor: float | None = None,
                align_corners: bool = False) -> np.ndarray:
    """Linear interpolation of ``x`` along ONE axis to length ``size`` ({eq}`eq-linear-weights`).

    Every output sample ``i`` gathers the two input samples around its source coordinate
    (:func:`source_coordinates`) and mixes them, ``y[i] = w0[i] * x[i0[i]] + w1[i] * x[i1[i]]``
    (:func:`linear_neighbours`). The index and weight tables are computed once for the axis; the gather and the
    weighting are vectorised over all other axes. Bilinear and trilinear interpolation are this pass applied to
    each spatial axis in turn ({eq}`eq-bilinear-passes`).

    ``x``: a floating array of any shape; ``axis``: the axis to resample; ``scale_factor`` and
    ``align_corners`` as in :func:`interpolate`. Returns a new array of ``x``'s dtype whose ``axis`` has length
    ``size``; ``x`` is not modified. Raises ``TypeError`` for a non-array or non-floating array and
    ``ValueError`` for an axis out of range or a non-positive size.
    """
    x = as_array("x", x, floating=True)
    if x.dtype == np.float16:
        return linear_pass(x.astype(np.float32), axis, size, scale_factor, align_corners).astype(np.float16)
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool) or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis must be an int in [{-x.ndim}, {x.ndim - 1}] for an input of shape "
                         f"{x.shape}, got {_show(axis)}")
    axis = int(axis) % x.ndim
    in_size = x.shape[axis]
    u = source_coordinates(size, in_size, scale_factor, "linear", align_corners, _compute_dtype(x.dtype))
    i0, i1, w0, w1 = linear_neighbours(u, in_size)
    return _mix(x, axis, i0, i1, w0.astype(x.dtype), w1.astype(x.dtype))


# Working set of one block of _mix, in elements: small enough for the temporaries to stay in the CPU cache.
_BLOCK = 1 << 16


def _mix(x: np.ndarray, axis: int, i0, i1, w0, w1) -> np.ndarray:
    """``y[.., k, ..] = w0[k] * x[.., i0[k], ..] + w1[k] * x[.., i1[k], ..]`` along ``axis``, in ``x``'s dtype.

    The same arithmetic as ``w0 * take(x, i0) + w1 * take(x, i1)``, done block by block so that the two gathered
    operands never leave the cache (the blocks are not pixels: a few dozen per megapixel).
    """
    n_in, n_out = x.shape[axis], len(i0)
    outer = math.prod(x.shape[:axis])
    inner = math.prod(x.shape[axis + 1:])
    src = x.reshape(outer, n_in, inner)
    out = np.empty((outer, n_out, inner), dtype=x.dtype)
    w0, w1 = w0[:, None], w1[:, None]
    if n_out * inner <= _BLOCK:  # whole output slabs, several outer slices at a time
        step = min(outer, _BLOCK // (n_out * inner))
        blocks = ((slice(s, s + step), slice(None)) for s in range(0, outer, step))
        largest = step * n_out * inner
    else:  # one outer slice at a time, cut along the output axis
        step = min(n_out, max(1, _BLOCK // inner))
        blocks = ((slice(s, s + 1), slice(a, a + step)) for s in range(outer) for a in range(0, n_out, step))
        largest = step * inner
    scratch = np.empty(largest, dtype=x.dtype)
    for rows, cols in blocks:
        o = out[rows, cols]
        np.take(src[rows], i0[cols], axis=1, out=o, mode="clip")
        o *= w0[cols]
        right = scratch[:o.size].reshape(o.shape)
        np.take(src[rows], i1[cols], axis=1, out=right, mode="clip")
        right *= w1[cols]
        o += right
    return out.reshape(x.shape[:axis] + (n_out,) + x.shape[axis + 1:])


def _output_sizes(in_sizes, size, scale_factor, recompute_scale_factor):
    """Output sizes and the scale factors the coordinate mapping uses (``None`` = use the size ratio)."""
    n = len(in_sizes)
    if size is not None and scale_factor is not None:
        raise ValueError(f"give only one of size and scale_factor, got size={_show(size)} and "
                         f"scale_factor={_show(scale_factor)}")
    if size is None and scale_factor is None:
        raise ValueError("give one of size and scale_factor, got size=None and scale_factor=None")
    check_bool("recompute_scale_factor", recompute_scale_factor, allow_none=True)
    if size is not None:
        if recompute_scale_factor:
            raise ValueError(f"recompute_scale_factor=True needs scale_factor, not size; got size={_show(size)}")
        return int_tuple("size", size, n, minimum=1), (None,) * n
    scales = float_tuple("scale_factor", scale_factor, n)
    out = tuple(int(math.floor(s * f)) for s, f in zip(in_sizes, scales))
    if min(out) < 1:
        raise ValueError(f"scale_factor={_show(scale_factor)} makes an empty output from spatial size "
                         f"{tuple(in_sizes)} (output size {out}); use a larger scale_factor")
    return out, ((None,) * n if recompute_scale_factor else scales)


def interpolate(x: np.ndarray, size=None, scale_factor=None, mode: str = "nearest", align_corners=None,
                recompute_scale_factor=None, antialias: bool = False) -> np.ndarray:
    """Resample a batch of signals, images or volumes, as ``torch.nn.functional.interpolate``.

    ``x`` has shape ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``; the output has the same ``N`` and ``C``
    and spatial sizes ``size`` (an int, or one per spatial axis) or ``floor(in_size * scale_factor)``
    (``scale_factor`` a number or one per axis). Modes:

    * ``"nearest"`` (floor rule, {eq}`eq-nearest`) and ``"nearest-exact"`` (half-pixel rule,
      {eq}`eq-nearest-exact`): any rank, any numeric dtype;
    * ``"linear"`` (3D input), ``"bilinear"`` (4D), ``"trilinear"`` (5D): one :func:`linear_pass` per spatial axis,
      last axis first ({eq}`eq-bilinear-passes`); floating inputs only.

    ``align_corners`` (linear modes only; ``None`` means ``False``) chooses the coordinate mapping
    ({eq}`eq-src-half` or {eq}`eq-src-corners`). With ``scale_factor`` the coordinates use ``1/scale_factor``,
    not the size ratio, unless ``recompute_scale_factor=True`` (as PyTorch; one exception reproduced here:
    PyTorch's 2D ``nearest`` kernel copies an axis that keeps its size and repeats each pixel twice on an axis
    that exactly doubles, whatever the scale factor). Returns a new array of ``x``'s dtype;
    ``x`` is not modified.

    Raises ``TypeError`` for a non-array, a non-floating array in a linear mode, non-integer sizes or a non-bool
    ``align_corners``; ``ValueError`` for both or neither of ``size`` and ``scale_factor``, an unknown mode, a
    linear mode for the wrong rank, non-positive or empty sizes and scales, per-axis tuples of the wrong length,
    or ``align_corners`` set with a nearest mode.

    Also (chapter {ref}`ch-resize`): ``"bicubic"`` (4D; Keys' kernel with ``a = -0.75``, indices clamped at the
    edges), ``"area"`` (any rank; adaptive average pooling) and ``"lanczos"`` (4D, ``antialias=True`` only), and
    ``antialias=True`` for bilinear, bicubic (``a = -0.5``) and lanczos on 4D input: the kernel is widened by
    the scale when downsampling and each output's weights are normalised to sum to 1. These need a floating
    ``x`` (PyTorch also takes uint8 with antialias; this library does not).
    """
    x = as_array("x", x)
    check_choice("mode", mode, ALL_MODES)
    if x.ndim not in _LAYOUT:
        raise ValueError(f"x must have shape (N, C, L), (N, C, H, W) or (N, C, D, H, W), got shape "
                         f"{tuple(x.shape)} ({x.ndim} dimensions)")
    if x.size == 0:
        raise ValueError(f"x must not be empty, got shape {tuple(x.shape)}")
    if mode in _WIDE_MODES or antialias is not False:  # bicubic, area, lanczos, antialias: ch-resize
        return _interpolate_wide(x, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias)
    linear = mode in _LINEAR_RANK
    if linear and x.ndim != _LINEAR_RANK[mode]:
        rank = _LINEAR_RANK[mode]
        raise ValueError(f"mode={mode!r} needs x of shape {_LAYOUT[rank]} ({rank} dimensions), got shape "
                         f"{tuple(x.shape)}; use mode={[m for m, r in _LINEAR_RANK.items() if r == x.ndim][0]!r}")
    check_bool("align_corners", align_corners, allow_none=True)
    if not linear and align_corners is not None:
        raise ValueError(f"align_corners can only be set with mode 'linear', 'bilinear' or 'trilinear', got "
                         f"align_corners={align_corners!r} with mode={mode!r}")
    if linear:
        as_array("x", x, floating=True)
    in_sizes = x.shape[2:]
    out_sizes, scales = _output_sizes(in_sizes, size, scale_factor, recompute_scale_factor)

    if linear:
        # half precision is computed in float32 and rounded once at the end, as PyTorch does
        y = x.astype(np.float32) if x.dtype == np.float16 else x
        for axis in range(x.ndim - 1, 1, -1):
            k = axis - 2
            y = linear_pass(y, axis, out_sizes[k], scales[k], bool(align_corners))
        return y.astype(x.dtype, copy=y is x)

    # nearest modes: one index table per axis, one gather per axis
    dtype = _compute_dtype(x.dtype)
    if x.ndim == 4:
        # PyTorch's 2D nearest kernels compute indices in float32 whatever the dtype, and "nearest" takes a
        # shortcut when an axis keeps its size or exactly doubles: it copies, or repeats each pixel twice, whatever
        # the scale factor (that is the size-ratio mapping)
        dtype = np.dtype(np.float32)
        if mode == "nearest":
            scales = tuple(None if o in (i, 2 * i) else s for o, i, s in zip(out_sizes, in_sizes, scales))
    y = x
    for axis in range(x.ndim - 1, 1, -1):
        k = axis - 2
        index = source_coordinates(out_sizes[k], in_sizes[k], scales[k], mode, False, dtype)
        y = np.take(y, index, axis=axis, mode="clip")
    return y


# ---------------------------------------------------------------------------------------------------------------
# Bicubic, area, antialiasing and Lanczos: chapter *Bicubic, area and antialiasing* ({ref}`ch-resize`).
#
# Every one of these modes is, along one axis, a table of taps: output sample k reads the input samples
# index[k, 0..K-1] and weights them by weight[k, 0..K-1] (K = 4 for bicubic, the widest box for area, the widened
# support for antialias). The separable 2D (or 3D) resampling applies one table per axis, last axis first.

#: Keys' parameter ``a`` of PyTorch's plain bicubic (as OpenCV and TensorFlow 1).
CUBIC_A = -0.75
#: Keys' parameter of PyTorch's antialiased bicubic (as Pillow and TensorFlow 2), also when it enlarges.
CUBIC_A_ANTIALIAS = -0.5
#: The half-width of each kernel of the antialiased modes, in input pixels before widening.
SUPPORT = {"bilinear": 1.0, "bicubic": 2.0, "lanczos": 3.0}
_WIDE_MODES = ("bicubic", "area", "lanczos")
ALL_MODES = MODES + _WIDE_MODES


def _cubic_kernel(x, a=CUBIC_A):
    """Keys' cubic convolution kernel W(x): 1 at 0, 0 at the other integers, 0 beyond |x| = 2."""
    x = np.abs(x)
    near = ((a + 2) * x - (a + 3)) * x * x + 1  # |x| <= 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a  # 1 < |x| < 2
    return np.where(x <= 1, near, np.where(x < 2, far, 0 * x))


def _triangle_kernel(x):
    """The linear (tent) kernel max(0, 1 - |x|): bilinear interpolation as a convolution."""
    return np.maximum(0 * x, 1 - np.abs(x))


def _lanczos_kernel(x, lobes=3):
    """Lanczos-3: sinc(x) sinc(x / 3) for |x| < 3, else 0."""
    return np.where(np.abs(x) < lobes, np.sinc(x) * np.sinc(x / lobes), 0 * x)


_KERNELS = {"bilinear": _triangle_kernel, "lanczos": _lanczos_kernel,
            "bicubic": lambda x: _cubic_kernel(x, CUBIC_A_ANTIALIAS)}


def _cubic_pass_core(x, axis, size, scale=None, align_corners=False, a=CUBIC_A):
    """Bicubic interpolation of x along one axis: four taps, indices clamped at the edges."""
    x = np.moveaxis(x, axis, -1)
    n = x.shape[-1]
    i = np.arange(size)
    if align_corners:
        u = i * ((n - 1) / (size - 1) if size > 1 else 0.0)
    else:  # half-pixel, NOT clamped at 0 (unlike linear)
        u = (i + 0.5) * (1 / scale if scale else n / size) - 0.5
    i0 = np.floor(u).astype(int)
    y = 0
    for k in (-1, 0, 1, 2):  # the four neighbours i0-1 .. i0+2
        w = _cubic_kernel(u - (i0 + k), a)
        y = y + w * x[..., np.clip(i0 + k, 0, n - 1)]
    return np.moveaxis(y, -1, axis)


def _antialias_weights_core(in_size, out_size, kernel, support, scale=None):
    """The (out_size, in_size) weights of an antialiased resampling along one axis."""
    scale = in_size / out_size if scale is None else scale  # input pixels per output
    stretch = max(scale, 1.0)  # downsampling widens the kernel by the scale
    centre = (np.arange(out_size) + 0.5) * scale  # pixel j spans [j, j+1)
    offset = np.arange(in_size) + 0.5 - centre[:, None]  # input centres, relative
    w = kernel(offset / stretch) * (np.abs(offset) < support * stretch)
    return w / w.sum(axis=1, keepdims=True)  # each row sums to 1, also at the borders


def _area_weights_core(in_size, out_size):
    """The (out_size, in_size) weights of mode="area" (adaptive average pooling)."""
    i = np.arange(out_size)
    start = (i * in_size) // out_size  # floor(i * in / out)
    end = -((-(i + 1) * in_size) // out_size)  # ceil((i + 1) * in / out)
    j = np.arange(in_size)
    box = (j >= start[:, None]) & (j < end[:, None])
    return box / (end - start)[:, None]


def _apply_taps(x: np.ndarray, axis: int, index: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``y[.., k, ..] = sum_t weight[k, t] * x[.., index[k, t], ..]`` along ``axis``, in ``x``'s dtype.

    One gather and one multiply-add per tap column (K of them), vectorised over every output sample.
    """
    shape = [1] * x.ndim
    shape[axis] = len(index)
    used = np.flatnonzero(np.any(weight != 0, axis=0))  # tap columns that are zero everywhere are skipped
    weight = weight.astype(x.dtype)
    y = np.take(x, index[:, used[0]], axis=axis)
    y *= weight[:, used[0]].reshape(shape)
    for t in used[1:]:
        term = np.take(x, index[:, t], axis=axis)
        term *= weight[:, t].reshape(shape)
        y += term
    return y


def _cubic_taps(in_size, out_size, scale, align_corners, dtype):
    """PyTorch's four bicubic taps per output sample: float ``dtype`` coordinates and weights (A = -0.75)."""
    dt = np.dtype(dtype)
    if align_corners:
        ratio = dt.type(in_size - 1) / dt.type(out_size - 1) if out_size > 1 else dt.type(0)
        u = ratio * np.arange(out_size, dtype=dt)
    else:
        ratio = dt.type(1.0 / scale) if scale is not None else dt.type(in_size) / dt.type(out_size)
        i = np.arange(out_size, dtype=dt)
        if FUSED_MULTIPLY_ADD and dt == np.float32:  # one rounding, as the AVX2/AVX-512 kernels
            u = (np.float64(ratio) * (i + dt.type(0.5)).astype(np.float64) - 0.5).astype(dt)
        else:
            u = ratio * (i + dt.type(0.5)) - dt.type(0.5)
    i0 = np.floor(u).astype(np.int64)
    t = np.clip(u - i0.astype(dt), 0, 1).astype(dt)
    index = np.clip(i0[:, None] + np.arange(-1, 3), 0, in_size - 1)
    weight = np.stack([_cubic_kernel(t + dt.type(1)), _cubic_kernel(t), _cubic_kernel(dt.type(1) - t),
                       _cubic_kernel(dt.type(2) - t)], axis=1).astype(dt)
    return index, weight


def _antialias_taps(in_size, out_size, scale, align_corners, mode, dtype):
    """PyTorch's antialiased taps: the kernel widened by the scale when downsampling, rows normalised to 1."""
    dt = np.dtype(dtype)
    if align_corners:
        ratio = dt.type(in_size - 1) / dt.type(out_size - 1) if out_size > 1 else dt.type(0)
    else:
        ratio = dt.type(1.0 / scale) if scale is not None else dt.type(in_size) / dt.type(out_size)
    stretch = max(ratio, dt.type(1))
    support = dt.type(SUPPORT[mode]) * stretch
    width = int(math.ceil(support)) * 2 + 1
    centre = ratio * (np.arange(out_size, dtype=dt) + dt.type(0.5))
    first = np.maximum((centre - support + dt.type(0.5)).astype(np.int64), 0)
    last = np.minimum((centre + support + dt.type(0.5)).astype(np.int64), in_size)
    index = first[:, None] + np.arange(width)
    inside = index < np.minimum(last, first + width)[:, None]
    offset = (index.astype(dt) - centre[:, None] + dt.type(0.5)) / stretch
    weight = np.where(inside, _KERNELS[mode](offset.astype(dt)), dt.type(0)).astype(dt)
    total = weight.sum(axis=1, keepdims=True, dtype=dt)
    weight = np.where(total != 0, weight / np.where(total != 0, total, 1), 0).astype(dt)
    return np.minimum(index, in_size - 1), weight


def _area_taps(in_size, out_size):
    """Adaptive average pooling as taps: the widest box's length of taps, zero weights past each box's end."""
    i = np.arange(out_size)
    start = (i * in_size) // out_size
    end = -((-(i + 1) * in_size) // out_size)
    width = int((end - start).max())
    index = start[:, None] + np.arange(width)
    weight = np.where(index < end[:, None], 1.0, 0.0) / (end - start)[:, None]
    return np.minimum(index, in_size - 1), weight


def _check_wide_mode(x, mode, align_corners, antialias):
    """The combinations PyTorch rejects for bicubic, area, lanczos and antialias, as clear errors."""
    check_bool("antialias", antialias)
    if antialias and (mode not in SUPPORT or x.ndim != 4):
        raise ValueError(f"antialias=True needs mode 'bilinear', 'bicubic' or 'lanczos' and x of shape "
                         f"(N, C, H, W); got mode={mode!r} and shape {tuple(x.shape)}")
    if mode in ("bicubic", "lanczos") and x.ndim != 4:
        raise ValueError(f"mode={mode!r} needs x of shape (N, C, H, W) (4 dimensions), got shape "
                         f"{tuple(x.shape)}")
    if mode == "area" and align_corners is not None:
        raise ValueError(f"align_corners can only be set with mode 'linear', 'bilinear', 'bicubic' or "
                         f"'trilinear', got align_corners={align_corners!r} with mode='area'")
    if mode == "lanczos" and not antialias:
        raise ValueError("mode='lanczos' needs antialias=True (PyTorch has no plain Lanczos), got antialias=False")
    if mode == "lanczos" and align_corners:
        raise ValueError("mode='lanczos' does not support align_corners=True, got align_corners=True")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must have a floating dtype (float16, float32 or float64) for mode={mode!r}"
                        f"{' with antialias=True' if antialias else ''}, got dtype {x.dtype}")


def _interpolate_wide(x, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias):
    """:func:`interpolate` for bicubic, area, lanczos and antialiased bilinear (its arguments checked here)."""
    _check_wide_mode(x, mode, align_corners, antialias)
    check_bool("align_corners", align_corners, allow_none=True)
    if mode == "area" and size is None:  # PyTorch: area always uses the integer output size
        recompute_scale_factor = True if scale_factor is not None else recompute_scale_factor
    in_sizes = x.shape[2:]
    out_sizes, scales = _output_sizes(in_sizes, size, scale_factor, recompute_scale_factor)
    y = x.astype(np.float32) if x.dtype == np.float16 else x
    dtype = _compute_dtype(y.dtype)
    for axis in range(x.ndim - 1, 1, -1):
        k = axis - 2
        n_in, n_out = in_sizes[k], out_sizes[k]
        if mode == "area":
            if n_in == n_out:
                continue
            index, weight = _area_taps(n_in, n_out)
        elif antialias:
            if n_in == n_out:  # PyTorch's separable kernel skips an axis that keeps its size
                continue
            index, weight = _antialias_taps(n_in, n_out, scales[k], bool(align_corners), mode, dtype)
        else:
            index, weight = _cubic_taps(n_in, n_out, scales[k], bool(align_corners), dtype)
        y = _apply_taps(y, axis, index, weight)
    return y.astype(x.dtype, copy=y is x)
