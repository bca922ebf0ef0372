"""Argument checks shared by every operator of the library.

Each check names the argument, shows the value received and says what is accepted, e.g.
``ValueError: scale_factor must be positive, got -2.0``. None of them modifies its input.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "as_array",
    "check_ndim",
    "int_tuple",
    "float_tuple",
    "check_choice",
    "check_bool",
]


def _show(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_array(name: str, x: Any, *, floating: bool = False, numeric: bool = True) -> np.ndarray:
    """Return ``x`` as a NumPy array without copying it; raise ``TypeError`` for anything else.

    Only ``numpy.ndarray`` is accepted (not lists or tensors), so that a caller never pays for a silent
    conversion. ``floating=True`` demands a floating dtype (float16/32/64).
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(x).__name__}")
    if numeric and not (np.issubdtype(x.dtype, np.number) or x.dtype == np.bool_):
        raise TypeError(f"{name} must have a numeric dtype, got dtype {x.dtype}")
    if floating and not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must have a floating dtype (float16, float32 or float64), got dtype {x.dtype}")
    return x


def check_ndim(name: str, x: np.ndarray, ndims: tuple[int, ...], layout: str) -> None:
    """Raise ``ValueError`` unless ``x.ndim`` is one of ``ndims``; ``layout`` describes what is expected."""
    if x.ndim not in ndims:
        raise ValueError(f"{name} must have shape {layout}, got shape {tuple(x.shape)} ({x.ndim} dimensions)")
    if x.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(x.shape)}")


def _is_int(v: Any) -> bool:
    return isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_real(v: Any) -> bool:
    return isinstance(v, (numbers.Real, np.floating, np.integer)) and not isinstance(v, (bool, np.bool_))


def int_tuple(name: str, value: Any, n: int, *, minimum: int | None = None, allow_none: bool = False):
    """``value`` as a tuple of ``n`` Python ints (a single int is repeated), each at least ``minimum``.

    Raises ``TypeError`` for non-integers (bools included) and ``ValueError`` for a wrong length or a value below
    ``minimum``. Returns ``None`` when ``value`` is ``None`` and ``allow_none``.
    """
    if value is None and allow_none:
        return None
    if _is_int(value):
        items = (int(value),) * n
    elif isinstance(value, (tuple, list)) and all(_is_int(v) for v in value):
        if len(value) != n:
            raise ValueError(f"{name} must be an int or a sequence of {n} ints, got {_show(value)}")
        items = tuple(int(v) for v in value)
    else:
        raise TypeError(f"{name} must be an int or a sequence of {n} ints, got {_show(value)}")
    if minimum is not None and any(v < minimum for v in items):
        what = {0: "non-negative", 1: "positive"}.get(minimum, f"at least {minimum}")
        raise ValueError(f"{name} must be {what}, got {_show(value)}")
    return items


def float_tuple(name: str, value: Any, n: int, *, positive: bool = True):
    """``value`` as a tuple of ``n`` finite Python floats (a single number is repeated), positive by default."""
    if _is_real(value):
        items = (float(value),) * n
    elif isinstance(value, (tuple, list)) and all(_is_real(v) for v in value):
        if len(value) != n:
            raise ValueError(f"{name} must be a number or a sequence of {n} numbers, got {_show(value)}")
        items = tuple(float(v) for v in value)
    else:
        raise TypeError(f"{name} must be a number or a sequence of {n} numbers, got {_show(value)}")
    if not all(np.isfinite(v) for v in items):
        raise ValueError(f"{name} must be finite, got {_show(value)}")
    if positive and any(v <= 0 for v in items):
        raise ValueError(f"{name} must be positive, got {_show(value)}")
    return items


def check_choice(name: str, value: Any, choices: tuple) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        accepted = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {accepted}, got {_show(value)}")


def check_bool(name: str, value: Any, *, allow_none: bool = False) -> None:
    """Raise ``TypeError`` unless ``value`` is a bool (or ``None`` when allowed)."""
    if value is None and allow_none:
        return
    if not isinstance(value, (bool, np.bool_)):
        accepted = "True, False or None" if allow_none else "True or False"
        raise TypeError(f"{name} must be {accepted}, got {_show(value)}")
