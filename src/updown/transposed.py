"""Convolution as a sparse matrix C, transposed convolution as multiplication by C transposed.

Chapters *Convolution is a matrix, and its transpose* (6) and *Checkerboard artifacts and bilinear upsampling* (7).

A 2D convolution is linear in its input, so it is a matrix: flatten the input ``x`` of shape ``(C_in, H, W)``
row-major into a vector of length ``C_in*H*W`` and the output into a vector of length ``C_out*H_out*W_out``;
then ``conv2d(x) = C @ x`` ({eq}`eq-tr-conv-matrix`). A transposed convolution is ``C.T @ y``
({eq}`eq-tr-transposed`): it takes a vector of the output's shape back to a vector of the input's shape.
It is the gradient of the convolution with respect to its input, not its inverse.

Functions mirror ``torch.nn.functional`` (weight layouts included) but take no ``bias`` and no ``groups``
(add a bias by broadcasting: ``y + b[:, None, None]``). They accept ``torch.Tensor`` or ``numpy.ndarray`` of
dtype float32 or float64 and return the type they were given (see each docstring).
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import torch

from ._checks import int_tuple

__all__ = [
    "conv_output_size",
    "conv_transpose_output_size",
    "conv_input_sizes",
    "conv2d_matrix",
    "conv2d",
    "conv_transpose2d",
    "bilinear_kernel",
    "bilinear_weight",
    "bilinear_padding",
]

_FLOATS = (torch.float32, torch.float64)


# ----------------------------------------------------------------------------------------------------------------
# output sizes (1D: apply per axis)
# ----------------------------------------------------------------------------------------------------------------

def _positive_int(name: str, value: Any, minimum: int = 1) -> int:
    return int_tuple(name, value, 1, minimum=minimum)[0]


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Length of a convolution's output along one axis ({eq}`eq-tr-conv-size`).

    ``floor((size + 2*padding - dilation*(kernel_size - 1) - 1) / stride) + 1``. Apply per axis for 2D.

    Raises ``TypeError`` for non-integers and ``ValueError`` for a size, kernel size, stride or dilation below 1,
    a negative padding, or an input (padded) smaller than the dilated kernel.
    """
    size = _positive_int("size", size)
    kernel_size = _positive_int("kernel_size", kernel_size)
    stride = _positive_int("stride", stride)
    padding = _positive_int("padding", padding, 0)
    dilation = _positive_int("dilation", dilation)
    span = dilation * (kernel_size - 1) + 1
    if size + 2 * padding < span:
        raise ValueError(f"input size {size} with padding {padding} is smaller than the dilated kernel "
                         f"(dilation*(kernel_size-1)+1 = {span}); got size={size}")
    return (size + 2 * padding - span) // stride + 1


def conv_transpose_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                               output_padding: int = 0, dilation: int = 1) -> int:
    """Length of a transposed convolution's output along one axis ({eq}`eq-tr-transposed-size`).

    ``(size - 1)*stride - 2*padding + dilation*(kernel_size - 1) + output_padding + 1``: of the input lengths
    that the convolution with the same parameters maps to ``size`` (see :func:`conv_input_sizes`), the smallest
    plus ``output_padding``.

    Raises ``ValueError`` when ``output_padding`` is not smaller than ``stride`` or ``dilation`` (as PyTorch),
    or when the result would be below 1; ``TypeError`` for non-integers.
    """
    size = _positive_int("size", size)
    kernel_size = _positive_int("kernel_size", kernel_size)
    stride = _positive_int("stride", stride)
    padding = _positive_int("padding", padding, 0)
    output_padding = _positive_int("output_padding", output_padding, 0)
    dilation = _positive_int("dilation", dilation)
    if output_padding >= stride and output_padding >= dilation:
        raise ValueError(f"output_padding must be smaller than stride ({stride}) or dilation ({dilation}), "
                         f"got output_padding={output_padding}")
    out = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        raise ValueError(f"the transposed convolution's output would have size {out} (< 1): padding={padding} "
                         f"is too large for size={size}, kernel_size={kernel_size}, stride={stride}")
    return out


def conv_input_sizes(output_size: int, kernel_size: int, stride: int = 1, padding: int = 0,
                     dilation: int = 1) -> list[int]:
    """Every input length that a convolution with these parameters maps to ``output_size``, smallest first.

    There are up to ``stride`` of them (fewer when the smallest would be below 1): the floor in
    {eq}`eq-tr-conv-size` forgets the remainder. They are the outputs of :func:`conv_transpose_output_size` for
    ``output_padding = 0, 1, ..., stride - 1``, which is why ``output_padding`` exists.
    """
    output_size = _positive_int("output_size", output_size)
    kernel_size = _positive_int("kernel_size", kernel_size)
    stride = _positive_int("stride", stride)
    padding = _positive_int("padding", padding, 0)
    dilation = _positive_int("dilation", dilation)
    return _conv_input_sizes_core(output_size, kernel_size, stride, padding, dilation)


def _conv_input_sizes_core(o, k, s, p, d):
    """The s input sizes that Relationship 1 maps to o (those of at least 1)."""
    smallest = (o - 1) * s - 2 * p + d * (k - 1) + 1   # Relationship 2 at op = 0
    return [i for i in range(smallest, smallest + s) if i >= 1]


# ----------------------------------------------------------------------------------------------------------------
# the matrix
# ----------------------------------------------------------------------------------------------------------------

def _as_tensor(name: str, x: Any) -> torch.Tensor:
    if isinstance(x, np.ndarray):
        if x.dtype not in (np.float32, np.float64):
            raise TypeError(f"{name} must have dtype float32 or float64, got dtype {x.dtype}")
        return torch.from_numpy(x)
    if isinstance(x, torch.Tensor):
        if x.dtype not in _FLOATS:
            raise TypeError(f"{name} must have dtype float32 or float64, got dtype {x.dtype}")
        if x.is_sparse or x.layout != torch.strided:
            raise TypeError(f"{name} must be a dense tensor, got layout {x.layout}")
        return x.detach() if not x.requires_grad else x
    raise TypeError(f"{name} must be a torch.Tensor or a numpy.ndarray, got {type(x).__name__}")


def _check_weight(weight: torch.Tensor, layout: str) -> None:
    if weight.ndim != 4:
        raise ValueError(f"weight must have shape {layout} (4 dimensions), got shape {tuple(weight.shape)}")
    if weight.numel() == 0:
        raise ValueError(f"weight must not be empty, got shape {tuple(weight.shape)}")


def _input_size(input_size: Any) -> tuple[int, int]:
    return int_tuple("input_size", input_size, 2, minimum=1)


def _conv2d_matrix_core(weight, input_size, stride, padding, dilation, output_size):
    """Row, column and value of each non-zero of C: one per output pixel and tap."""
    c_out, c_in, kh, kw = weight.shape
    (h, w), (ho, wo) = input_size, output_size
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    o, i, j, c, u, v = np.ix_(*map(np.arange, (c_out, ho, wo, c_in, kh, kw)))
    a, b = i * sh - ph + u * dh, j * sw - pw + v * dw   # the pixel tap (u, v) reads
    every = (c_out, ho, wo, c_in, kh, kw)
    inside = np.broadcast_to((a >= 0) & (a < h) & (b >= 0) & (b < w), every)
    rows = np.broadcast_to((o * ho + i) * wo + j, every)[inside]      # r = (o, i, j)
    cols = np.broadcast_to((c * h + a) * w + b, every)[inside]        # q = (c, a, b)
    return rows, cols, np.broadcast_to(weight[o, c, u, v], every)[inside]


def _conv2d_core(x, weight, stride, padding, dilation, out_size):
    """y = C x for each image: non-zero (r, q, w) of C adds w * x[q] to y[r]."""
    rows, cols, values = _conv2d_matrix_core(weight, x.shape[2:], stride, padding,
                                             dilation, out_size)
    length = weight.shape[0] * out_size[0] * out_size[1]
    y = [np.bincount(rows, values * image.ravel()[cols], length) for image in x]
    return np.stack(y).reshape(len(x), weight.shape[0], *out_size)


def _conv_transpose2d_core(y, weight, stride, padding, dilation, out_size):
    """z = C^T y for each image: the same non-zeros, rows and columns swapped."""
    cols, rows, values = _conv2d_matrix_core(weight, out_size, stride, padding,
                                             dilation, y.shape[2:])
    length = weight.shape[1] * out_size[0] * out_size[1]
    z = [np.bincount(rows, values * image.ravel()[cols], length) for image in y]
    return np.stack(z).reshape(len(y), weight.shape[1], *out_size)


def conv2d_matrix(weight, input_size, stride=1, padding=0, dilation=1) -> torch.Tensor:
    """The matrix C of a 2D convolution ({eq}`eq-tr-conv-matrix`), as a sparse COO torch tensor.

    ``weight`` has PyTorch's convolution layout ``(C_out, C_in, kh, kw)`` (tensor or array, float32/float64);
    ``input_size`` is ``(H, W)`` or an int. C has shape ``(C_out*H_out*W_out, C_in*H*W)`` and, for an input ``x``
    of shape ``(C_in, H, W)``, ``C @ x.flatten() == conv2d(x, weight).flatten()``. Its non-zeros are the taps
    that fall inside the image (one structural entry per tap, even where the weight is 0); call ``.to_dense()``
    to draw a small one. ``stride``, ``padding`` and ``dilation`` are ints or pairs, as in PyTorch. Built by index
    arithmetic over (output position x kernel tap), without a loop over pixels: ``_conv2d_matrix_core`` (the
    chapter's listing) gives the non-zeros, this function checks the arguments and packs them.

    Raises ``ValueError`` for a weight that is not 4D, a stride or dilation below 1, a negative padding, or an
    input smaller than the dilated kernel; ``TypeError`` for a non-float weight or non-integer sizes.
    """
    weight = _as_tensor("weight", weight).detach()
    _check_weight(weight, "(C_out, C_in, kh, kw)")
    stride = int_tuple("stride", stride, 2, minimum=1)
    padding = int_tuple("padding", padding, 2, minimum=0)
    dilation = int_tuple("dilation", dilation, 2, minimum=1)
    size = _input_size(input_size)
    return _matrix(weight, size, stride, padding, dilation)


def _matrix(weight, size, stride, padding, dilation, output_size=None):
    if output_size is None:
        output_size = tuple(conv_output_size(n, k, s, p, d) for n, k, s, p, d in
                            zip(size, weight.shape[2:], stride, padding, dilation))
    rows, cols, values = _conv2d_matrix_core(weight.numpy(), size, stride, padding, dilation, output_size)
    c_out, c_in = weight.shape[:2]
    # the core's row-major order over (row, tap) leaves (row, col) sorted: already coalesced
    return torch.sparse_coo_tensor(torch.from_numpy(np.stack([rows, cols])), torch.from_numpy(values.copy()),
                                   (c_out * output_size[0] * output_size[1], c_in * size[0] * size[1]),
                                   is_coalesced=True, check_invariants=False)


def _batched(name: str, x: torch.Tensor, layout: str):
    if x.ndim not in (3, 4):
        raise ValueError(f"{name} must have shape {layout} or without N, got shape {tuple(x.shape)} "
                         f"({x.ndim} dimensions)")
    if x.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(x.shape)}")
    return (x.unsqueeze(0), True) if x.ndim == 3 else (x, False)


def _array(t: torch.Tensor, dtype: torch.dtype) -> np.ndarray:
    return t.detach().to(dtype).numpy()


def _result(out: np.ndarray, dtype: torch.dtype, was_numpy: bool, unbatched: bool):
    out = torch.from_numpy(out).to(dtype)
    if unbatched:
        out = out.squeeze(0)
    return out.numpy() if was_numpy else out


def conv2d(x, weight, stride=1, padding=0, dilation=1):
    """2D convolution (cross-correlation, as PyTorch) computed as ``C @ x`` ({eq}`eq-tr-conv-matrix`).

    ``x``: ``(N, C_in, H, W)`` or ``(C_in, H, W)``; ``weight``: ``(C_out, C_in, kh, kw)``. Returns
    ``(N, C_out, H_out, W_out)`` (or without N), sizes from {eq}`eq-tr-conv-size`, the same as
    ``torch.nn.functional.conv2d(x, weight, stride=stride, padding=padding, dilation=dilation)``.
    Type: a NumPy array if ``x`` is one, else a tensor; dtype: the promoted dtype of ``x`` and ``weight``
    (sums accumulate in float64). The product runs in NumPy (``_conv2d_core``), so the result carries no
    autograd history.

    Raises ``ValueError`` for wrong ranks, a channel mismatch, a stride or dilation below 1, a negative padding or
    an input smaller than the dilated kernel; ``TypeError`` for non-float inputs.
    """
    was_numpy = isinstance(x, np.ndarray)
    x = _as_tensor("x", x)
    weight = _as_tensor("weight", weight)
    _check_weight(weight, "(C_out, C_in, kh, kw)")
    x4, unbatched = _batched("x", x, "(N, C_in, H, W)")
    if x4.shape[1] != weight.shape[1]:
        raise ValueError(f"x has {x4.shape[1]} channels but weight expects C_in = {weight.shape[1]} "
                         f"(weight shape {tuple(weight.shape)})")
    dtype = torch.promote_types(x.dtype, weight.dtype)
    stride = int_tuple("stride", stride, 2, minimum=1)
    padding = int_tuple("padding", padding, 2, minimum=0)
    dilation = int_tuple("dilation", dilation, 2, minimum=1)
    size = tuple(conv_output_size(a, k, s, p, d) for a, k, s, p, d in
                 zip(x4.shape[2:], weight.shape[2:], stride, padding, dilation))
    out = _conv2d_core(_array(x4, dtype), _array(weight, dtype), stride, padding, dilation, size)
    return _result(out, dtype, was_numpy, unbatched)


def conv_transpose2d(y, weight, stride=1, padding=0, output_padding=0, dilation=1):
    """2D transposed convolution computed as ``C.T @ y`` ({eq}`eq-tr-transposed`).

    ``y``: ``(N, C_in, H_in, W_in)`` or without N; ``weight``: ``(C_in, C_out, kh, kw)``, PyTorch's layout for
    ``conv_transpose2d``, which is the layout of the convolution whose transpose this is (that convolution maps
    ``C_out`` channels to ``C_in``). Returns ``(N, C_out, H_out, W_out)`` with
    ``H_out = (H_in - 1)*stride - 2*padding + dilation*(kh - 1) + output_padding + 1`` ({eq}`eq-tr-transposed-size`),
    the same as ``torch.nn.functional.conv_transpose2d(y, weight, stride=stride, padding=padding,
    output_padding=output_padding, dilation=dilation)``. C is built for the input size ``(H_out, W_out)``; when
    ``output_padding >= stride`` (allowed if smaller than ``dilation``) the convolution of that size has more
    than ``H_in`` output rows and only the first ``H_in`` are used, as PyTorch does.
    Type: a NumPy array if ``y`` is one, else a tensor; dtype: the promoted dtype of ``y`` and ``weight``
    (sums accumulate in float64). The product runs in NumPy (``_conv_transpose2d_core``: the non-zeros of C
    with rows and columns swapped), so the result carries no autograd history.

    Raises ``ValueError`` for wrong ranks, a channel mismatch, a stride or dilation below 1, a negative padding,
    an ``output_padding`` not smaller than ``stride`` or ``dilation``, or an output size below 1;
    ``TypeError`` for non-float inputs.
    """
    was_numpy = isinstance(y, np.ndarray)
    y = _as_tensor("y", y)
    weight = _as_tensor("weight", weight)
    _check_weight(weight, "(C_in, C_out, kh, kw)")
    y4, unbatched = _batched("y", y, "(N, C_in, H, W)")
    if y4.shape[1] != weight.shape[0]:
        raise ValueError(f"y has {y4.shape[1]} channels but weight expects C_in = {weight.shape[0]} "
                         f"(weight shape {tuple(weight.shape)}, layout (C_in, C_out, kh, kw))")
    dtype = torch.promote_types(y.dtype, weight.dtype)
    stride = int_tuple("stride", stride, 2, minimum=1)
    padding = int_tuple("padding", padding, 2, minimum=0)
    output_padding = int_tuple("output_padding", output_padding, 2, minimum=0)
    dilation = int_tuple("dilation", dilation, 2, minimum=1)
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= s and op >= d:
            raise ValueError(f"output_padding must be smaller than stride or dilation (per axis), got "
                             f"output_padding={output_padding}, stride={stride}, dilation={dilation}")
    size = tuple(conv_transpose_output_size(a, k, s, p, op, d) for a, k, s, p, op, d in
                 zip(y4.shape[2:], weight.shape[2:], stride, padding, output_padding, dilation))
    out = _conv_transpose2d_core(_array(y4, dtype), _array(weight, dtype), stride, padding, dilation, size)
    return _result(out, dtype, was_numpy, unbatched)


# ----------------------------------------------------------------------------------------------------------------
# FCN's bilinear kernel
# ----------------------------------------------------------------------------------------------------------------

def _factor(factor: Any) -> int:
    if isinstance(factor, numbers.Real) and not isinstance(factor, (numbers.Integral, bool)):
        raise TypeError(f"factor must be an int (the integer upsampling factor), got {factor!r}")
    return int_tuple("factor", factor, 1, minimum=1)[0]


def bilinear_kernel(factor: int) -> np.ndarray:
    """FCN's bilinear upsampling kernel for an integer ``factor`` ({eq}`eq-tr-bilinear-kernel`), {cite}`long2015fcn`.

    A ``(k, k)`` float64 array with ``k = 2*factor - factor % 2`` (the size of Caffe's bilinear-filler recipe,
    {cite}`jia2014caffebilinearfiller`; FCN's own layers have even factors and ``k = 2*factor``): the outer
    product of the 1D tent ``1 - |i - c| / factor`` with centre ``c = (k - 1) / 2``. Used as the weight of a
    transposed convolution with ``stride=factor`` and ``padding=bilinear_padding(factor)``, it reproduces
    bilinear interpolation (``align_corners=False``) away from the border.

    Raises ``TypeError`` for a non-integer factor and ``ValueError`` for a factor below 1.
    """
    return _bilinear_kernel_core(_factor(factor))


def _bilinear_kernel_core(f):
    """The outer product of two tents 1 - |u - c| / f, of k = 2f - (f mod 2) taps."""
    k = 2 * f - f % 2
    tent = 1 - np.abs(np.arange(k) - (k - 1) / 2) / f    # centre c = (k - 1) / 2
    return np.outer(tent, tent)


def bilinear_padding(factor: int) -> int:
    """The padding that aligns the bilinear transposed convolution with ``interpolate(align_corners=False)``.

    ``factor // 2`` (equal to ``ceil((factor - 1) / 2)``): with ``stride=factor`` and the kernel of
    :func:`bilinear_kernel` the output has exactly ``factor * H`` rows and, away from the border, the values of
    ``torch.nn.functional.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)``.
    """
    return _factor(factor) // 2


def bilinear_weight(channels: int, factor: int, dtype=torch.float32) -> torch.Tensor:
    """The ``(channels, channels, k, k)`` weight of a ``ConvTranspose2d`` that upsamples each channel bilinearly.

    Diagonal in channels: channel ``c`` is upsampled by :func:`bilinear_kernel` and never mixed with another.
    Use with ``stride=factor, padding=bilinear_padding(factor)`` (output size ``factor * H``), e.g.
    ``conv_transpose2d(y, bilinear_weight(C, f), stride=f, padding=bilinear_padding(f))``. Returns a torch tensor
    of ``dtype`` (float32 by default), a fresh one at each call.

    Raises ``ValueError`` for channels or factor below 1, ``TypeError`` for non-integers.
    """
    channels = _positive_int("channels", channels)
    return torch.as_tensor(_bilinear_weight_core(channels, _factor(factor)), dtype=dtype)


def _bilinear_weight_core(channels, f):
    """Channel c is upsampled by the bilinear kernel, never mixed with another."""
    kernel = _bilinear_kernel_core(f)
    weight = np.zeros((channels, channels, *kernel.shape))
    weight[np.arange(channels), np.arange(channels)] = kernel
    return weight
