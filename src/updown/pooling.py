"""Pooling from scratch in NumPy: max pooling, average pooling and max-unpooling.

Chapter *Pooling* (1). The functions mirror ``torch.nn.functional`` (names, argument order, defaults, results and
the layout of the indices) on NumPy arrays of shape ``(N, C, H, W)`` or ``(C, H, W)``:

* :func:`pool_output_size` is the output-size relationship {eq}`eq-pool-size` (floor and ceil modes);
* :func:`max_pool2d` keeps the largest value of each window {eq}`eq-max-pool` (and, on request, where it was);
* :func:`avg_pool2d` keeps the mean of each window {eq}`eq-avg-pool`;
* :func:`max_unpool2d` puts each value back where its index says and zeros elsewhere {eq}`eq-max-unpool`;
* :func:`receptive_field` follows the window of one output pixel back through a stack of layers {eq}`eq-receptive`.

A window is a set of ``kernel_size`` taps ``dilation`` pixels apart, placed every ``stride`` pixels on the input
padded by ``padding`` pixels on each side. Max pooling pads with ``-inf`` (the lowest value for integers), so
padding never beats an input pixel (a window of padding only, which dilation allows, gives ``-inf``, as in
PyTorch); average pooling pads with zeros and chooses what to divide by. The loops run over the ``k`` offsets
of a window, never over pixels; max pooling is separable (rows, then columns), so a ``k x k`` window costs at
most ``2k`` passes of ``np.maximum`` over strided views.

Each operator has a short teaching core, ``_<name>_core`` (the chapter's equation in NumPy, no checks), which
the chapter shows; the public function checks its arguments, pads the input, computes the output size and
divisors, and calls it. Max pooling with ``return_indices`` and integer average pooling keep their own paths.

No torch here: PyTorch is the oracle the tests and the chapter compare these functions with.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import _show, as_array, check_bool, int_tuple

__all__ = ["pool_output_size", "max_pool2d", "avg_pool2d", "max_unpool2d", "receptive_field"]

_LAYOUT = "(N, C, H, W) or (C, H, W)"


# ----------------------------------------------------------------------------------------------------------------
# the output-size relationship
# ----------------------------------------------------------------------------------------------------------------

def _one_int(name: str, value: Any, minimum: int) -> int:
    return int_tuple(name, value, 1, minimum=minimum)[0]


def _pool_output_size_core(size, kernel_size, stride, padding, dilation, ceil_mode):
    """Output length along one axis: eq-pool-size, or eq-pool-size-ceil in ceil mode."""
    room = size + 2 * padding - dilation * (kernel_size - 1) - 1
    if not ceil_mode:
        return room // stride + 1
    out = -(-room // stride) + 1  # a ceiling division in integers
    if (out - 1) * stride >= size + padding:  # the last window would start in padding
        out -= 1
    return out


def pool_output_size(size: int, kernel_size: int, stride: int | None = None,
                     padding: int = 0, dilation: int = 1,
                     ceil_mode: bool = False) -> int:
    """Length of a pooling's output along one axis, by PyTorch's rule ({eq}`eq-pool-size`).

    With the dilated window ``span = dilation*(kernel_size - 1) + 1``::

        floor mode:  out = floor((size + 2*padding - span) / stride) + 1
        ceil mode:   out = ceil((size + 2*padding - span) / stride) + 1, minus 1 if the last window would start
                     at or after size + padding (in the right padding or beyond it)

    ``stride=None`` means ``stride = kernel_size``. Apply once per axis for 2D pooling.

    Raises ``TypeError`` for non-integers (or a non-bool ``ceil_mode``) and ``ValueError`` for a size, kernel size,
    stride or dilation below 1, a negative padding, a padding above ``kernel_size // 2``, or a window that does not
    fit in the padded input (an output size below 1).
    """
    size = _one_int("size", size, 1)
    kernel_size = _one_int("kernel_size", kernel_size, 1)
    stride = kernel_size if stride is None else _one_int("stride", stride, 1)
    padding = _one_int("padding", padding, 0)
    dilation = _one_int("dilation", dilation, 1)
    check_bool("ceil_mode", ceil_mode)
    if padding > kernel_size // 2:
        raise ValueError(f"padding must be at most half of kernel_size "
                         f"(kernel_size // 2 = {kernel_size // 2}), "
                         f"got padding={padding} with kernel_size={kernel_size}")
    out = _pool_output_size_core(size, kernel_size, stride, padding, dilation,
                                 ceil_mode)
    if out < 1:
        span = dilation * (kernel_size - 1) + 1
        raise ValueError(f"the window (dilation*(kernel_size-1)+1 = {span} pixels) "
                         f"does not fit in the padded input (size + 2*padding = "
                         f"{size + 2 * padding} pixels): output size would be {out}; "
                         f"got size={size}, kernel_size={kernel_size}, "
                         f"padding={padding}, dilation={dilation}")
    return out


# ----------------------------------------------------------------------------------------------------------------
# shared argument handling
# ----------------------------------------------------------------------------------------------------------------

def _check_input(name: str, x: Any, what: str) -> np.ndarray:
    x = as_array(name, x)
    if x.ndim not in (3, 4):
        raise ValueError(f"{name} must have shape {_LAYOUT}, got shape {tuple(x.shape)} ({x.ndim} dimensions)")
    # As PyTorch: a batch of zero images is allowed, a zero channel, height or width is not.
    if 0 in x.shape[-3:]:
        raise ValueError(f"{name} must have non-zero C, H and W, got shape {tuple(x.shape)}")
    kind = x.dtype.kind
    allowed = {"max": "fiu", "avg": "f", "unpool": "f"}[what]
    if kind not in allowed and not (what == "avg" and x.dtype == np.int64):
        accepted = {"max": "a floating or integer dtype (not bool)",
                    "avg": "a floating dtype or int64",
                    "unpool": "a floating dtype"}[what]
        raise TypeError(f"{name} must have {accepted}, got dtype {x.dtype}")
    return x


def _geometry(x: np.ndarray, kernel_size, stride, padding, dilation, ceil_mode):
    """Checked pairs (k, s, p, d) and the output size (Ho, Wo), axis by axis as PyTorch does."""
    k = int_tuple("kernel_size", kernel_size, 2, minimum=1)
    s = k if stride is None else int_tuple("stride", stride, 2, minimum=1)
    p = int_tuple("padding", padding, 2, minimum=0)
    d = int_tuple("dilation", dilation, 2, minimum=1)
    check_bool("ceil_mode", ceil_mode)
    for axis in range(2):
        if p[axis] > k[axis] // 2:
            raise ValueError(f"padding must be at most half of kernel_size, got padding={padding} with "
                             f"kernel_size={kernel_size}")
    out = []
    for axis, size in enumerate(x.shape[-2:]):
        n = _pool_output_size_core(size, k[axis], s[axis], p[axis], d[axis], ceil_mode)
        if n < 1:
            raise ValueError(f"the window (kernel_size={kernel_size}, dilation={dilation}) is larger than the input "
                             f"of shape {tuple(x.shape)} padded by padding={padding}: the output would have size "
                             f"{n} along {'HW'[axis]}")
        out.append(n)
    return k, s, p, d, tuple(out)


def _padded(x: np.ndarray, p, need, fill) -> np.ndarray:
    """``x`` framed so that index ``(p0 + i, p1 + j)`` is pixel ``(i, j)`` and the frame is ``need`` pixels tall
    and wide; outside the input the value is ``fill``. A view of ``x`` when no frame is needed."""
    h, w = x.shape[-2:]
    if p == (0, 0) and need[0] <= h and need[1] <= w:
        return x
    out = np.full(x.shape[:-2] + need, fill, dtype=x.dtype)
    hh, ww = min(h, need[0] - p[0]), min(w, need[1] - p[1])
    out[..., p[0]:p[0] + hh, p[1]:p[1] + ww] = x[..., :hh, :ww]
    return out


def _reduce(op, views, dtype):
    """``op`` folded over ``views`` into a new array of ``dtype``: the first pair makes it, the others update it."""
    if len(views) == 1:
        return views[0].astype(dtype, copy=True)
    out = op(views[0], views[1], dtype=dtype)
    for v in views[2:]:
        op(out, v, out=out)
    return out


def _taps(n_out: int, stride: int, dilation: int, kernel: int):
    """Slices picking, for each of the ``kernel`` offsets, that tap of every window along one axis."""
    last = (n_out - 1) * stride
    return [slice(t * dilation, t * dilation + last + 1, stride) for t in range(kernel)]


# ----------------------------------------------------------------------------------------------------------------
# max pooling
# ----------------------------------------------------------------------------------------------------------------

def _max_pool2d_core(xp, k, s, d, out):
    """Max pooling of the padded input xp (eq-max-pool): out = (Ho, Wo) pixels, each the
    largest tap xp[s*i + d*a, s*j + d*b], 0 <= a, b < k; k, s, d are (height, width)."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = k, s, d, out
    # tap a of every window: the rows sh*i + dh*a for i < ho, one strided slice
    rows = [slice(dh * a, dh * a + sh * (ho - 1) + 1, sh) for a in range(kh)]
    cols = [slice(dw * b, dw * b + sw * (wo - 1) + 1, sw) for b in range(kw)]
    # max is separable: over the window's rows, then over its columns. The first and
    # last taps make a new array (also when k = 1), the others update it in place.
    r = np.maximum(xp[..., rows[0], :], xp[..., rows[-1], :])
    for sl in rows[1:-1]:
        np.maximum(r, xp[..., sl, :], out=r)
    y = np.maximum(r[..., cols[0]], r[..., cols[-1]])
    for sl in cols[1:-1]:
        np.maximum(y, r[..., sl], out=y)
    return y


def max_pool2d(x: np.ndarray, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """2D max pooling of ``x`` (``(N, C, H, W)`` or ``(C, H, W)``), as ``torch.nn.functional.max_pool2d``.

    Output pixel ``(i, j)`` is the largest of the window's taps ``x[i*s - p + a*d, j*s - p + b*d]`` for
    ``0 <= a, b < k`` ({eq}`eq-max-pool`); taps in the padding count as ``-inf`` (the lowest integer for integer
    dtypes), so padding never beats an input pixel (a window of padding only, which dilation allows, gives
    ``-inf``). ``kernel_size``, ``stride`` (default: ``kernel_size``), ``padding``
    and ``dilation`` are ints or ``(height, width)`` pairs; ``padding`` is at most ``kernel_size // 2``. The output
    has shape ``(..., H_out, W_out)`` given by :func:`pool_output_size` ({eq}`eq-pool-size`) and ``x``'s dtype.

    A NaN in a window makes the output NaN. With ``return_indices=True`` also returns, as int64 of the output's
    shape, where each maximum was, as PyTorch numbers it: the flat index ``row * W + col`` into its channel's
    ``H x W`` input. Ties go to the first tap in row-major order, NaNs to the last NaN, and a window of ``-inf``
    only to its first tap inside the input (for a window of padding only, its first tap with row and column
    ``>= 0``, which may lie outside the plane, as PyTorch reports it).

    Raises ``TypeError`` for a non-array, a bool or complex dtype, non-integer sizes or non-bool flags;
    ``ValueError`` for a rank other than 3 or 4, an empty channel/height/width, a kernel size, stride or dilation
    below 1, a negative padding or one above ``kernel_size // 2``, and a window larger than the padded input.
    """
    x = _check_input("x", x, "max")
    check_bool("return_indices", return_indices)
    k, s, p, d, out = _geometry(x, kernel_size, stride, padding, dilation, ceil_mode)
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    need = tuple((out[a] - 1) * s[a] + d[a] * (k[a] - 1) + 1 for a in range(2))
    xp = _padded(x, p, need, fill)
    if not return_indices:
        return _max_pool2d_core(xp, k, s, d, out)
    rows, cols = _taps(out[0], s[0], d[0], k[0]), _taps(out[1], s[1], d[1], k[1])
    return _max_pool_with_indices(x, xp, k, s, p, d, out, rows, cols)


def _max_pool_with_indices(x, xp, k, s, p, d, out, rows, cols):
    # PyTorch scans each window row by row and takes a tap when it is larger than the running max, or NaN: the
    # winner is the first maximum, or the last NaN, in row-major order. Scanning the columns of each row first
    # (which b wins in that row), then the rows (which row's winner wins) gives exactly that tap.
    # A tap's code only grows during a scan, so "code = t where the tap wins" is np.maximum(code, win * t),
    # which is branch-free and much faster than a masked copy.
    nan = x.dtype.kind == "f" and bool(np.isnan(x).any())
    ctype = np.uint8 if k[0] * k[1] < 255 else np.int32

    def wins(v, best):
        win = v > best
        if nan:
            win |= np.isnan(v)
        np.maximum(best, v, out=best)  # the same values as a masked copy, NaN included
        return win.view(np.uint8)

    row_best = xp[..., :, cols[0]].copy()
    b_code = np.zeros(row_best.shape, dtype=ctype)
    for b, sl in enumerate(cols[1:], start=1):
        np.maximum(b_code, wins(xp[..., :, sl], row_best) * ctype(b), out=b_code)
    y = row_best[..., rows[0], :].copy()
    code = b_code[..., rows[0], :] + ctype(1)  # code = a*kw + b + 1 for tap (a, b)
    for a, sl in enumerate(rows[1:], start=1):
        cand = b_code[..., sl, :] + ctype(a * k[1] + 1)
        cand *= wins(row_best[..., sl, :], y)
        np.maximum(code, cand, out=code)
    h, w = x.shape[-2:]
    top = np.arange(out[0]) * s[0] - p[0]
    left = np.arange(out[1]) * s[1] - p[1]
    taps = np.arange(k[0] * k[1] + 1) - 1
    offset = (taps // k[1]) * d[0] * w + (taps % k[1]) * d[1]
    idx = np.take(offset, code) + (top[:, None] * w + left[None, :])
    # A window whose input taps are all -inf (or the lowest integer) keeps its first tap, which may lie in the
    # padding; PyTorch reports the window's first tap inside the input.
    low = np.nonzero(y == (-np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min))
    if low[0].size:
        i, j = low[-2], low[-1]
        first_row = top[i] + (-np.minimum(top[i], 0) + d[0] - 1) // d[0] * d[0]
        first_col = left[j] + (-np.minimum(left[j], 0) + d[1] - 1) // d[1] * d[1]
        idx[low] = first_row * w + first_col
    return y, idx


# ----------------------------------------------------------------------------------------------------------------
# average pooling
# ----------------------------------------------------------------------------------------------------------------

def _window_counts(n_out, size, k, s, p, count_include_pad):
    """Per-axis divisor of average pooling: window length within the padded input, or within the input."""
    start = np.arange(n_out) * s - p
    end = np.minimum(start + k, size + p)
    if count_include_pad:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


def _avg_pool2d_core(xp, k, s, out, divisor):
    """Average pooling of the zero-padded input xp (eq-avg-pool): out = (Ho, Wo) pixels,
    each the sum of the taps xp[s*i + a, s*j + b], 0 <= a, b < k, divided by divisor."""
    (kh, kw), (sh, sw), (ho, wo) = k, s, out
    rows = [slice(a, a + sh * (ho - 1) + 1, sh) for a in range(kh)]
    cols = [slice(b, b + sw * (wo - 1) + 1, sw) for b in range(kw)]
    # the sum is separable too: over the window's rows, then over its columns
    r = xp[..., rows[0], :].copy()
    for sl in rows[1:]:
        r += xp[..., sl, :]
    total = r[..., cols[0]].copy()
    for sl in cols[1:]:
        total += r[..., sl]
    total /= divisor  # one number, or one D per output pixel
    return total


def avg_pool2d(x: np.ndarray, kernel_size, stride=None, padding=0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None):
    """2D average pooling of ``x`` (``(N, C, H, W)`` or ``(C, H, W)``), as ``torch.nn.functional.avg_pool2d``.

    Output pixel ``(i, j)`` is the sum of the window's input pixels divided by a count ({eq}`eq-avg-pool`): by
    ``divisor_override`` when given; else, with ``count_include_pad=True``, by the window's area inside the padded
    input (padding pixels count, the part beyond the padding that ``ceil_mode`` may add does not); else by the
    number of input pixels in the window. ``kernel_size``, ``stride`` (default: ``kernel_size``) and ``padding``
    are ints or pairs, ``padding`` at most ``kernel_size // 2``. Output ``(..., H_out, W_out)`` by
    {eq}`eq-pool-size` (dilation 1), in ``x``'s dtype: floats are summed in at least float32, int64 is divided
    with truncation towards zero, as PyTorch does.

    Raises ``TypeError`` for a non-array, a dtype other than floating or int64, non-integer sizes or divisor, and
    non-bool flags; ``ValueError`` for a rank other than 3 or 4, an empty channel/height/width, a kernel size or
    stride below 1, a negative padding or one above ``kernel_size // 2``, a window larger than the padded input,
    and ``divisor_override == 0``.
    """
    x = _check_input("x", x, "avg")
    check_bool("count_include_pad", count_include_pad)
    if divisor_override is not None:
        divisor_override = int_tuple("divisor_override", divisor_override, 1)[0]
        if divisor_override == 0:
            raise ValueError("divisor_override must be a non-zero int or None, got 0")
    k, s, p, _, out = _geometry(x, kernel_size, stride, padding, 1, ceil_mode)
    acc = np.float32 if x.dtype == np.float16 else x.dtype.type
    need = tuple((out[a] - 1) * s[a] + k[a] for a in range(2))
    if divisor_override is not None:
        div = np.full(out, divisor_override, dtype=np.int64)
    else:
        h, w = x.shape[-2:]
        div = np.outer(_window_counts(out[0], h, k[0], s[0], p[0], count_include_pad),
                       _window_counts(out[1], w, k[1], s[1], p[1], count_include_pad))
    if x.dtype.kind == "i":
        xp = _padded(x, p, need, 0)
        rows, cols = _taps(out[0], s[0], 1, k[0]), _taps(out[1], s[1], 1, k[1])
        r = _reduce(np.add, [xp[..., sl, :] for sl in rows], acc)
        total = _reduce(np.add, [r[..., sl] for sl in cols], acc)
        # C++ integer division truncates towards zero; floor division does not for
        # negative quotients.
        q = total // div
        q += ((total - q * div) != 0) & ((total < 0) != (div < 0))
        return q
    # float16 is summed in float32, as PyTorch does
    xp = _padded(x.astype(acc, copy=False), p, need, 0)
    # One divisor for every window (no padding, or padding counted) is the common case:
    # divide by a scalar.
    divisor = acc(div.flat[0]) if (div == div.flat[0]).all() else div.astype(acc)
    return _avg_pool2d_core(xp, k, s, out, divisor).astype(x.dtype, copy=False)


# ----------------------------------------------------------------------------------------------------------------
# max-unpooling
# ----------------------------------------------------------------------------------------------------------------

def _max_unpool2d_core(x, indices, size):
    """Max-unpooling (eq-max-unpool): zeros of size = (Ho, Wo) per channel, except that
    u[indices[i, j]] = x[i, j], indices being flat (row * Wo + col) in each channel."""
    planes = x.reshape(-1, x.shape[-2] * x.shape[-1])  # one row per channel
    plane = size[0] * size[1]
    u = np.zeros(planes.shape[0] * plane, dtype=x.dtype)
    start = np.arange(planes.shape[0])[:, None] * plane  # where each channel begins
    u[indices.reshape(planes.shape) + start] = planes
    return u.reshape(x.shape[:-2] + tuple(size))


def max_unpool2d(x: np.ndarray, indices: np.ndarray, kernel_size, stride=None,
                 padding=0, output_size=None):
    """Partial inverse of :func:`max_pool2d`, as ``torch.nn.functional.max_unpool2d`` ({eq}`eq-max-unpool`).

    Returns zeros of shape ``(..., H_out, W_out)`` with ``x``'s dtype, except that each value of ``x`` goes to the
    flat position ``indices`` gives it in its channel's ``H_out x W_out`` plane. ``x`` and ``indices`` (int64) have
    the same shape, ``(N, C, H, W)`` or ``(C, H, W)``. The default output size is
    ``(H - 1)*stride - 2*padding + kernel_size`` per axis (``stride`` defaults to ``kernel_size``); pass
    ``output_size`` (2 sizes, or 4 of which the last 2 are used) to pick another one strictly between
    ``default - stride`` and ``default + stride``, e.g. the size of the input that was pooled. Where two indices
    coincide, the later one wins (PyTorch does not promise an order). Where the default size is 0 (a padding as
    large as the window), PyTorch returns an empty array and drops every value; this function raises instead.

    Raises ``TypeError`` for non-arrays, a non-floating ``x``, non-int64 ``indices`` or non-integer sizes;
    ``ValueError`` for a rank other than 3 or 4, an empty channel/height/width, ``indices`` of another shape, a
    kernel size or stride below 1, a negative padding, an ``output_size`` of the wrong length or out of range
    (or below 1), and an index outside ``[0, H_out * W_out)``.
    """
    x = _check_input("x", x, "unpool")
    indices = as_array("indices", indices)
    if indices.dtype != np.int64:
        raise TypeError(f"indices must have dtype int64 (as returned by max_pool2d), "
                        f"got dtype {indices.dtype}")
    if indices.shape != x.shape:
        raise ValueError(f"indices must have the shape of x {tuple(x.shape)}, "
                         f"got shape {tuple(indices.shape)}")
    k = int_tuple("kernel_size", kernel_size, 2, minimum=1)
    s = k if stride is None else int_tuple("stride", stride, 2, minimum=1)
    p = int_tuple("padding", padding, 2, minimum=0)
    default = tuple((x.shape[-2 + a] - 1) * s[a] + k[a] - 2 * p[a] for a in range(2))
    if output_size is None:
        size = default
        if min(size) < 1:
            raise ValueError(f"the default output size {size} of x of shape "
                             f"{tuple(x.shape)} with kernel_size={kernel_size}, "
                             f"stride={stride}, padding={padding} is empty; "
                             "reduce padding")
    else:
        if not isinstance(output_size, (tuple, list)) or len(output_size) not in (2, 4):
            raise ValueError("output_size must be a sequence of 2 (or 4) ints, "
                             f"got {_show(output_size)}")
        size = int_tuple("output_size", tuple(output_size[-2:]), 2, minimum=1)
        for a in range(2):
            lo, hi = default[a] - s[a], default[a] + s[a]
            if not lo < size[a] < hi:
                raise ValueError(f"output_size must be strictly between {lo} and {hi} "
                                 f"along {'HW'[a]} (the default size {default[a]} "
                                 f"minus/plus the stride), "
                                 f"got output_size={_show(output_size)}")
    plane = size[0] * size[1]
    if indices.size and (indices.min() < 0 or indices.max() >= plane):
        bad = indices[(indices < 0) | (indices >= plane)].flat[0]
        raise ValueError(f"indices must lie in [0, {plane}) for an output of size "
                         f"{size[0]}x{size[1]}, got index {int(bad)}")
    return _max_unpool2d_core(x, indices, size)


# ----------------------------------------------------------------------------------------------------------------
# receptive field of a stack of windows
# ----------------------------------------------------------------------------------------------------------------

def _receptive_field_core(kernel_sizes, strides, dilations):
    """Receptive field after each layer of a stack (eq-receptive); r_0 = J_0 = 1."""
    sizes, field, jump = [], 1, 1
    for k, s, d in zip(kernel_sizes, strides, dilations):
        field += d * (k - 1) * jump  # r_l = r_(l-1) + d_l (k_l - 1) J_(l-1)
        jump *= s  # J_l = J_(l-1) s_l: the next layer's input pixels are further apart
        sizes.append(field)
    return tuple(sizes)


def receptive_field(kernel_sizes, strides=None, dilations=None, *, output_stride=False):
    """Receptive field, in input pixels along one axis, after each layer of a stack ({eq}`eq-receptive`).

    Layer ``l`` has a window of ``kernel_sizes[l]`` taps ``dilations[l]`` apart (default 1) moved by
    ``strides[l]`` (default: the kernel size, as pooling does). With ``J`` the product of the strides before
    layer ``l`` (the distance, in input pixels, between neighbouring pixels of its input), the field grows as
    ``r_l = r_(l-1) + dilations[l] * (kernel_sizes[l] - 1) * J``, from ``r_0 = 1``. Padding moves the field but
    does not change its size. Returns ``(r_1, ..., r_L)``. A stack may mix convolutions (stride 1), poolings
    or strided convolutions, and dilated convolutions: only ``k``, ``s`` and ``d`` matter.

    With ``output_stride=True`` it returns ``((r_1, ..., r_L), (J_1, ..., J_L))``: also the output stride
    after each layer, ``J_l = s_1 * ... * s_l``, the distance in input pixels between neighbouring outputs.

    Raises ``TypeError`` for non-integer entries or a non-bool ``output_stride`` and ``ValueError`` for an
    empty stack, lists of different lengths or entries below 1.
    """
    if not isinstance(kernel_sizes, (tuple, list)) or len(kernel_sizes) == 0:
        raise ValueError("kernel_sizes must be a non-empty sequence of ints, "
                         f"got {_show(kernel_sizes)}")
    n = len(kernel_sizes)
    ks = int_tuple("kernel_sizes", tuple(kernel_sizes), n, minimum=1)
    ss = ks if strides is None else int_tuple("strides", strides, n, minimum=1)
    ds = (1,) * n if dilations is None else int_tuple("dilations", dilations, n,
                                                       minimum=1)
    check_bool("output_stride", output_stride)
    if output_stride:
        return _receptive_field_core(ks, ss, ds), tuple(np.cumprod(ss).tolist())
    return _receptive_field_core(ks, ss, ds)


# ----------------------------------------------------------------------------------------------------------------
# anti-aliased downsampling: binomial filters, blur pooling, max-blur pooling (chapter ch-blurpool)
# ----------------------------------------------------------------------------------------------------------------

#: The filter sizes of Zhang's ``antialiased-cnns`` (``BlurPool(filt_size=1..7)``).
BLUR_FILTER_SIZES = (1, 2, 3, 4, 5, 6, 7)


def _binomial_filter_core(size):
    """Row size - 1 of Pascal's triangle over its sum, 2**(size - 1) (eq-binomial)."""
    row = np.ones(1)
    for _ in range(size - 1):
        row = np.convolve(row, [1.0, 1.0])  # each entry: the two above it, summed
    return row / row.sum()


def binomial_filter(size: int) -> np.ndarray:
    """The normalised binomial filter of ``size`` taps ({eq}`eq-binomial`), float64, summing to 1.

    Tap ``a`` is ``C(size - 1, a) / 2**(size - 1)``: ``[1, 3, 3, 1] / 8`` for ``size=4``. It is the box ``[1, 1] / 2``
    convolved with itself ``size - 1`` times; the 2D blur of :func:`blur_pool2d` is its outer product with itself.
    Raises ``TypeError`` for a non-integer and ``ValueError`` for a size below 1.
    """
    return _binomial_filter_core(_one_int("size", size, 1))


def _blur_pad(filt_size: int, pad_off: int) -> tuple[int, int]:
    """(before, after) padding of the reference: floor and ceil of (filt_size - 1) / 2, plus pad_off."""
    return (filt_size - 1) // 2 + pad_off, filt_size // 2 + pad_off


def _blur_pool2d_core(xp, filt, s):
    """Blur pooling of the padded input xp (eq-blur-pool): the binomial filter filt
    along rows and columns, then every s-th pixel, y[i, j] =
    sum over a, b of filt[a] * filt[b] * xp[s*i + a, s*j + b]."""
    f = len(filt)
    ho, wo = (xp.shape[-2] - f) // s + 1, (xp.shape[-1] - f) // s + 1
    # separable: the filter along the rows, then along the columns
    rows = sum(filt[a] * xp[..., a:a + s * (ho - 1) + 1:s, :] for a in range(f))
    return sum(filt[b] * rows[..., b:b + s * (wo - 1) + 1:s] for b in range(f))


def _check_blur(x, filt_size, stride, pad_off):
    x = as_array("x", x)
    if x.ndim not in (3, 4):
        raise ValueError(f"x must have shape {_LAYOUT}, got shape {tuple(x.shape)} ({x.ndim} dimensions)")
    if 0 in x.shape[-3:]:
        raise ValueError(f"x must have non-zero C, H and W, got shape {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise TypeError(f"x must have a floating dtype (float16, float32 or float64), got dtype {x.dtype}")
    f = _one_int("filt_size", filt_size, 1)
    if f not in BLUR_FILTER_SIZES:
        raise ValueError(f"filt_size must be an int from 1 to 7 (the binomial filters of antialiased-cnns), "
                         f"got {_show(filt_size)}")
    s = _one_int("stride", stride, 1)
    off = _one_int("pad_off", pad_off, 0)
    return x, f, s, off


def _reflect_pad(x: np.ndarray, before: int, after: int, name: str) -> np.ndarray:
    h, w = x.shape[-2:]
    if max(before, after) >= min(h, w):
        raise ValueError(f"reflect padding of {max(before, after)} pixels needs {name} of at least "
                         f"{max(before, after) + 1} pixels along H and W, got {h}x{w}")
    if before == after == 0:
        return x
    return np.pad(x, [(0, 0)] * (x.ndim - 2) + [(before, after)] * 2, mode="reflect")


def blur_pool2d(x: np.ndarray, filt_size: int = 4, stride: int = 2, pad_off: int = 0) -> np.ndarray:
    """Blur pooling of ``x`` (``(N, C, H, W)`` or ``(C, H, W)``, floating), as Zhang's ``BlurPool``
    {cite}`zhang2019shiftinvariant` with ``pad_type='reflect'`` ({eq}`eq-blur-pool`).

    Each channel is padded by reflection (``(filt_size - 1) // 2 + pad_off`` pixels at the top and left,
    ``filt_size // 2 + pad_off`` at the bottom and right), blurred by the ``filt_size x filt_size`` binomial filter
    (the outer product of :func:`binomial_filter` with itself) and kept every ``stride`` pixels, starting at the
    first. Output: ``(..., H_out, W_out)`` with ``H_out = (H - 1 + 2*pad_off) // stride + 1``, in ``x``'s dtype.
    ``filt_size=1`` with ``pad_off=0`` is plain subsampling ``x[..., ::stride, ::stride]``, as in the reference.
    The input is not modified.

    Raises ``TypeError`` for a non-array, a non-floating dtype or non-integer arguments; ``ValueError`` for a rank
    other than 3 or 4, an empty channel/height/width, ``filt_size`` outside 1..7, a stride below 1, a negative
    ``pad_off``, or a padding of at least the input's height or width (reflection needs a pixel to reflect).
    """
    x, f, s, off = _check_blur(x, filt_size, stride, pad_off)
    xp = _reflect_pad(x, *_blur_pad(f, off), "x")
    acc = np.float32 if x.dtype == np.float16 else x.dtype.type
    filt = _binomial_filter_core(f).astype(acc)
    return _blur_pool2d_core(xp.astype(acc, copy=False), filt, s).astype(x.dtype, copy=False)


def _max_blur_pool2d_core(x, k, filt, s):
    """Max-blur pooling (eq-max-blur-pool): the densely evaluated max over k x k windows
    (stride 1), then blur pooling by filt with stride s, reflect-padded as BlurPool."""
    dense = _max_pool2d_core(x, (k, k), (1, 1), (1, 1),
                             (x.shape[-2] - k + 1, x.shape[-1] - k + 1))
    f = len(filt)
    padded = np.pad(dense, [(0, 0)] * (x.ndim - 2) + [((f - 1) // 2, f // 2)] * 2,
                    mode="reflect")
    return _blur_pool2d_core(padded, filt, s)


def max_blur_pool2d(x: np.ndarray, kernel_size: int = 2, filt_size: int = 4, stride: int = 2,
                    ceil_mode: bool = False) -> np.ndarray:
    """Max-blur pooling of ``x`` (``(N, C, H, W)`` or ``(C, H, W)``, floating) {cite}`zhang2019shiftinvariant`
    ({eq}`eq-max-blur-pool`): as ``nn.Sequential(nn.MaxPool2d(kernel_size, stride=1), BlurPool(C, filt_size=
    filt_size, stride=stride))``, the reference's replacement of ``MaxPool2d(kernel_size, stride)``.

    The max over ``kernel_size x kernel_size`` windows is evaluated at every pixel (stride 1, no padding:
    ``H - kernel_size + 1`` rows), then blurred and subsampled by :func:`blur_pool2d`. With ``ceil_mode=True`` the
    dense max is computed on ``x`` extended by ``kernel_size - 1`` rows and columns of ``-inf`` at the bottom and
    right (windows cut at the border), so it keeps ``H`` rows and the output has ``ceil(H / stride)`` rows, the
    size of ``max_pool2d(x, stride, ceil_mode=True)``; this is not in the reference, it lets a network built on
    ``ceil_mode`` pooling keep its sizes. Output in ``x``'s dtype; the input is not modified.

    Raises as :func:`blur_pool2d`, and for a ``kernel_size`` below 1 or larger than the input, or a non-bool
    ``ceil_mode``.
    """
    x, f, s, _ = _check_blur(x, filt_size, stride, 0)
    k = _one_int("kernel_size", kernel_size, 1)
    check_bool("ceil_mode", ceil_mode)
    if k > min(x.shape[-2:]):
        raise ValueError(f"kernel_size must be at most the input's height and width ({x.shape[-2]}x"
                         f"{x.shape[-1]}), got {k}")
    acc = np.float32 if x.dtype == np.float16 else x.dtype.type
    xa = x.astype(acc, copy=False)
    if ceil_mode and k > 1:
        xa = np.pad(xa, [(0, 0)] * (x.ndim - 2) + [(0, k - 1)] * 2, constant_values=-np.inf)
    dense_size = min(xa.shape[-2:]) - k + 1
    if max(_blur_pad(f, 0)) >= dense_size:
        raise ValueError(f"reflect padding of {max(_blur_pad(f, 0))} pixels needs the dense max of at least "
                         f"{max(_blur_pad(f, 0)) + 1} pixels along H and W, got {dense_size} from x of shape "
                         f"{tuple(x.shape)} with kernel_size={k}")
    filt = _binomial_filter_core(f).astype(acc)
    return _max_blur_pool2d_core(xa, k, filt, s).astype(x.dtype, copy=False)


__all__ += ["BLUR_FILTER_SIZES", "binomial_filter", "blur_pool2d", "max_blur_pool2d"]
