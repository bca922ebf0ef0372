"""What every exercise check shares: run the answer on hidden cases and report clearly."""
from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np


class ExerciseFailed(AssertionError):
    """Raised by a check when the answer is wrong (or not written yet); the message says which case and why."""


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 16:
            return np.array2string(np.round(value, 4), separator=", ").replace("\n", "")
        return f"array of shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def run_cases(exercise: str, answer: Callable, cases: Iterable[tuple[tuple, dict, Any]], *,
              rtol: float = 1e-6, atol: float = 1e-8) -> str:
    """Call ``answer(*args, **kwargs)`` for each ``(args, kwargs, expected)`` and compare with ``expected``.

    Arrays and numbers are compared with tolerances, everything else with ``==``. Prints and returns a one-line
    verdict on success; raises :class:`ExerciseFailed` naming the exercise, the input, what came back and what was
    expected on the first failure, or saying the exercise is not done yet when the answer raises
    ``NotImplementedError`` (the stub of the student edition).
    """
    if not callable(answer):
        raise TypeError(f"answer must be a function, got {type(answer).__name__}")
    name = getattr(answer, "__name__", None) or type(answer).__name__
    n = 0
    for args, kwargs, expected in cases:
        n += 1
        shown = ", ".join([_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()])
        try:
            got = answer(*args, **kwargs)
        except NotImplementedError:
            raise ExerciseFailed(f"{exercise}: not done yet (the function still raises NotImplementedError)") from None
        except Exception as err:  # report the student's error with the input that caused it
            raise ExerciseFailed(f"{exercise}: {name}({shown}) raised {type(err).__name__}: {err}") from err
        if not _same(got, expected, rtol, atol):
            raise ExerciseFailed(
                f"{exercise}: {name}({shown}) returned {_short(got)}, expected {_short(expected)}"
                + _hint(got, expected, rtol, atol))
    verdict = f"{exercise}: passed ({n} hidden cases)"
    print(verdict)
    return verdict


def _hint(got: Any, expected: Any, rtol: float, atol: float) -> str:
    """Where a wrong answer differs, when the values alone don't show it (shapes, the first wrong entry, None)."""
    if got is None:
        return " (the function returned None: is a `return` missing?)"
    if not (isinstance(expected, np.ndarray) or isinstance(got, np.ndarray)):
        return ""
    try:
        got_a = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f" (got a {type(got).__name__} that is not an array of numbers)"
    exp_a = np.asarray(expected, dtype=float)
    if got_a.shape != exp_a.shape:
        return f" (shape {got_a.shape} instead of {exp_a.shape})"
    wrong = ~np.isclose(got_a, exp_a, rtol=rtol, atol=atol)
    if not wrong.any():
        return ""
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    return (f" (first wrong entry at index {first}: {got_a[first]:.6g} instead of {exp_a[first]:.6g}; "
            f"{int(wrong.sum())} of {wrong.size} entries wrong)")


def _same(got: Any, expected: Any, rtol: float, atol: float) -> bool:
    if isinstance(expected, np.ndarray) or isinstance(got, np.ndarray):
        try:
            got_a = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return False
        exp_a = np.asarray(expected, dtype=float)
        return got_a.shape == exp_a.shape and bool(np.allclose(got_a, exp_a, rtol=rtol, atol=atol))
    if isinstance(expected, tuple) and isinstance(got, (tuple, list)):
        return len(got) == len(expected) and all(_same(g, e, rtol, atol) for g, e in zip(got, expected))
    if isinstance(expected, float) and isinstance(got, (int, float, np.number)):
        return bool(np.isclose(float(got), expected, rtol=rtol, atol=atol))
    if isinstance(got, (bool, np.bool_)) != isinstance(expected, (bool, np.bool_)):
        return False
    try:
        return bool(got == expected)
    except (TypeError, ValueError):
        return False
