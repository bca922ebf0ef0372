"""What every exercise check shares: run the answer on hidden cases and report clearly.

Two kinds of check, two kinds of report:

- An implement-exercise (``answer(*args)``) is run on hidden cases. The first failing case is shown with its
  input (small inputs inline, exactly; larger ones with one line that rebuilds them, :func:`case_input`), what
  came back and what was expected, numbers rounded to the digits that tell them apart.
- A compute-by-hand exercise (``answer()`` with no arguments, :func:`run_by_hand`) says which entry is wrong
  and how (too large, too small, a wrong position, a missing value) and never prints the expected values.

A failing check raises :class:`ExerciseFailed`. IPython shows it as its message only (no traceback into the
check, whose source would show the answer); when the student's function raised, the frames of the student's
own code are shown under the message. A passing check prints its verdict once and returns it as a
:class:`Verdict`, a ``str`` that IPython does not echo again as the cell's ``Out[...]`` value.
"""
from __future__ import annotations

import inspect
import os
import re
import sys
import traceback
from collections.abc import Mapping
from typing import Any, Callable, Iterable

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
_INLINE = 12          # arrays with at most this many entries are shown inline, as an exact literal
_SHOWN = 16           # expected/returned arrays with at most this many entries are shown in full


class ExerciseFailed(AssertionError):
    """Raised by a check when the answer is wrong (or not written yet); the message says which case and why.

    IPython renders it as the message only (``_render_traceback_``), plus the student's own frames when the
    student's function raised.
    """

    def __init__(self, message: str, frames: list[str] | None = None):
        super().__init__(message)
        self.frames = list(frames or [])

    def _render_traceback_(self) -> list[str]:
        lines = [f"{type(self).__name__}: {self}"]
        if self.frames:
            lines.append("Where it was raised, in your code:")
            lines.extend(line.rstrip("\n") for line in self.frames)
        return lines


class Verdict(str):
    """A check's verdict: a ``str``, already printed by the check, so IPython does not echo it as ``Out[...]``."""

    def _ipython_display_(self) -> None:
        pass


class _Probe:
    """The answer :func:`case_input` passes to a check: ``run_cases`` hands it the inputs of case ``index``
    (of every case, as a list, when ``index`` is None)."""

    def __init__(self, index: int | None):
        self.index = index
        self.seen: list[tuple] = []


class _Found(Exception):
    def __init__(self, args: tuple, kwargs: dict):
        super().__init__()
        self.case = (args, kwargs)


def _all_case_inputs(check: Callable) -> list[tuple]:
    """The positional arguments of every case of ``check`` (for tests)."""
    try:
        check(_Probe(None))
    except _Found as found:
        return list(found.case[0])
    raise ValueError(f"{check.__name__} runs no cases")


def case_input(check: Callable, index: int) -> tuple:
    """The positional arguments of hidden case ``index`` (counted from 1) of ``check``, as the check passes them.

    A failing check names its case, e.g. ``x, kernel_size, stride = case_input(check_max_pool1d, 3)``, so the
    student can call the function on that input and look at it. Keyword arguments, if a case has any, are shown
    in the failure message itself.
    """
    if not callable(check) or not getattr(check, "__name__", "").startswith("check_"):
        raise TypeError(f"check must be an exercise check such as check_max_pool1d, got {check!r}")
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 1:
        raise ValueError(f"index must be a case number (an int >= 1), got {index!r}")
    try:
        check(_Probe(int(index)))
    except _Found as found:
        return found.case[0]
    raise ValueError(f"index must be at most the number of cases of {check.__name__}, got {index}")


# ------------------------------------------------------------------------------------------------ display ---

def _num(value: Any, other: Any = None) -> str:
    """A number at few digits: its shortest repr when that is short, else 6 significant digits, more only when
    needed to tell it apart from ``other``."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    v = float(value)
    text = repr(v)
    if len(text) <= 9:
        return text
    digits = 6
    while digits < 17:
        text = f"{v:.{digits}g}"
        if other is None or not isinstance(other, (int, float, np.number)) or float(other) == v:
            break
        if text != f"{float(other):.{digits}g}":
            break
        digits += 1
    return f"{v:.{digits}g}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def _array_text(a: np.ndarray, exact: bool) -> str:
    if a.dtype == bool:
        fmt = {"bool": lambda v: repr(bool(v))}
    elif np.issubdtype(a.dtype, np.integer):
        fmt = {"int": lambda v: str(int(v))}
    else:
        fmt = {"float_kind": (lambda v: repr(float(v))) if exact else (lambda v: _num(v))}
    text = np.array2string(a, separator=", ", formatter=fmt, max_line_width=10_000, threshold=10_000)
    return re.sub(r"\s+", " ", text)


def _show(value: Any) -> str:
    """A returned or expected value, rounded for reading."""
    if value is None:
        return "None"
    if _is_number(value) or isinstance(value, (bool, np.bool_)):
        return _num(value)
    if _is_tensor(value):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        if value.size <= _SHOWN and value.ndim <= 2:
            return _array_text(value, exact=False)
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(_show(v) for v in value)
        return f"({inner}{',' if len(value) == 1 else ''})" if isinstance(value, tuple) else f"[{inner}]"
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _literal(value: Any) -> str | None:
    """An exact, copyable literal of a small input (None when the input is too large to show inline)."""
    if isinstance(value, (bool, np.bool_, str)) or value is None:
        return repr(value if not isinstance(value, np.bool_) else bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, np.ndarray) and value.size <= _INLINE and value.dtype.kind in "biuf":
        text = _array_text(value, exact=True)
        dtype = "" if value.dtype in (np.float64, np.int64, np.bool_) else f", dtype=np.{value.dtype}"
        return f"np.array({text}{dtype})"
    if isinstance(value, (tuple, list)) and len(value) <= _INLINE:
        parts = [_literal(v) for v in value]
        if all(p is not None for p in parts):
            inner = ", ".join(parts)
            return f"({inner}{',' if len(parts) == 1 else ''})" if isinstance(value, tuple) else f"[{inner}]"
    return None


def _is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray) or _is_tensor(value):
        kind = "tensor" if _is_tensor(value) else "array"
        return f"{'a tensor' if kind == 'tensor' else 'an array'} of shape {tuple(value.shape)}"
    return f"an instance of {type(value).__name__}"


def _parameter_names(answer: Callable, n: int) -> list[str]:
    try:
        params = [p.name for p in inspect.signature(answer).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"arg{i + 1}" for i in range(n)]


def _call(name: str, answer: Callable, args: tuple, kwargs: dict, check: str | None, index: int):
    """The call as text (small inputs inline) and, if some input is too large, the line that rebuilds it."""
    names = _parameter_names(answer, len(args))
    shown, rebuilt = [], []
    for arg_name, value in zip(names, args):
        text = _literal(value)
        if text is None:
            rebuilt.append(f"{arg_name} is {_describe(value)}")
            text = arg_name
        shown.append(text)
    shown += [f"{k}={_literal(v) or _show(v)}" for k, v in kwargs.items()]
    call = f"{name}({', '.join(shown)})"
    if not rebuilt:
        return call, ""
    how = f"\n  {'; '.join(rebuilt)}"
    if check:
        how += (f"; this line rebuilds the case's input:\n"
                f"    from updown.exercises import case_input\n"
                f"    {', '.join(names)}{',' if len(names) == 1 else ''} = case_input({check}, {index})")
    return call, how


# ------------------------------------------------------------------------------------------- comparison ---

def _as_float_array(value: Any) -> np.ndarray | None:
    if _is_tensor(value):
        value = value.detach().cpu().numpy()
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _same(got: Any, expected: Any, rtol: float, atol: float) -> bool:
    if isinstance(expected, np.ndarray) or isinstance(got, np.ndarray):
        got_a = _as_float_array(got)
        if got_a is None:
            return False
        exp_a = np.asarray(expected, dtype=float)
        return got_a.shape == exp_a.shape and bool(np.allclose(got_a, exp_a, rtol=rtol, atol=atol))
    if isinstance(expected, tuple) and isinstance(got, (tuple, list)):
        return len(got) == len(expected) and all(_same(g, e, rtol, atol) for g, e in zip(got, expected))
    if isinstance(expected, float) and _is_number(got):
        return bool(np.isclose(float(got), expected, rtol=rtol, atol=atol))
    if isinstance(got, (bool, np.bool_)) != isinstance(expected, (bool, np.bool_)):
        return False
    try:
        return bool(got == expected)
    except (TypeError, ValueError):
        return False


def _how(got: float, expected: float) -> str:
    return "too large" if got > expected else "too small"


def _mismatch(got: Any, expected: Any, rtol: float, atol: float) -> str:
    """What came back and what was expected, for an implement-exercise (the expected output may be shown)."""
    if got is None:
        return "returned None (is a `return` missing?)"
    if isinstance(expected, np.ndarray) or isinstance(got, np.ndarray):
        got_a = _as_float_array(got)
        if got_a is None:
            return f"returned {_describe(got)}, which is not an array of numbers"
        exp_a = np.asarray(expected, dtype=float)
        if got_a.shape != exp_a.shape:
            return f"returned an array of shape {got_a.shape}; expected shape {exp_a.shape}"
        wrong = ~np.isclose(got_a, exp_a, rtol=rtol, atol=atol)
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        where = first if len(first) != 1 else first[0]
        detail = (f"the first wrong entry, at index {where}, is {_num(got_a[first], exp_a[first])} instead of "
                  f"{_num(exp_a[first], got_a[first])}; {int(wrong.sum())} of {wrong.size} entries are wrong")
        if exp_a.size <= _SHOWN and exp_a.ndim <= 2:
            return f"returned {_show(got_a)}, expected {_show(exp_a)} ({detail})"
        return f"returned an array of the right shape {exp_a.shape}, but {detail}"
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)):
            return f"returned {_describe(got)}; expected a tuple of {len(expected)}"
        flat = not any(isinstance(e, (tuple, np.ndarray)) for e in expected)
        if len(got) != len(expected):
            if flat and len(expected) <= _SHOWN:
                return f"returned {_show(tuple(got))}, expected {_show(expected)}"
            return f"returned {len(got)} values; expected {len(expected)}"
        if flat:
            return f"returned {_show(tuple(got))}, expected {_show(expected)}"
        i = next(i for i, (g, e) in enumerate(zip(got, expected)) if not _same(g, e, rtol, atol))
        inner = _mismatch(got[i], expected[i], rtol, atol)
        inner = inner[len("returned "):] if inner.startswith("returned ") else inner
        return f"returned a tuple whose entry {i} is {inner}"
    if _is_number(got) and _is_number(expected):
        if isinstance(expected, (int, np.integer)) and not isinstance(got, (int, np.integer)):
            return f"returned {_num(got)} (a {type(got).__name__}); expected the int {_num(expected)}"
        return f"returned {_num(got, expected)}, expected {_num(expected, got)} ({_how(got, expected)})"
    if isinstance(got, (bool, np.bool_)) != isinstance(expected, (bool, np.bool_)):
        return f"returned {_show(got)} (a {type(got).__name__}), expected {_show(expected)}"
    return f"returned {_show(got)}, expected {_show(expected)}"


def _student_frames(err: BaseException) -> list[str]:
    """The frames of the student's code (not the check's), innermost last; a notebook cell is named as such."""
    frames = [f for f in traceback.extract_tb(err.__traceback__)[1:]
              if not os.path.abspath(f.filename).startswith(_HERE + os.sep)]
    lines = []
    for f in frames[-4:]:
        where = "a notebook cell" if "ipykernel_" in f.filename else f'"{f.filename}"'
        lines.append(f"  {where}, line {f.lineno}, in {f.name}" + (f"\n    {f.line.strip()}" if f.line else ""))
    return lines


def _verdict(exercise: str, n: int | None) -> Verdict:
    if n is None:
        text = f"{exercise}: passed"
    else:
        text = f"{exercise}: passed ({n} hidden case{'' if n == 1 else 's'})"
    print(text)
    return Verdict(text)


def run_cases(exercise: str, answer: Callable, cases: Iterable[tuple], *, rtol: float = 1e-6,
              atol: float = 1e-8, check: str | None = None) -> Verdict:
    """Call ``answer(*args, **kwargs)`` for each ``(args, kwargs, expected)`` and compare with ``expected``.

    Arrays and numbers are compared with tolerances, everything else with ``==``. Prints the verdict and returns
    it on success; raises :class:`ExerciseFailed` naming the exercise, the input (inline if small, else the line
    of :func:`case_input` that rebuilds it), what came back and what was expected on the first failure, or
    saying the exercise is not done yet when the answer raises ``NotImplementedError`` (the student edition's
    stub). ``check`` names the calling check for that line (default: the calling function, if ``check_*``).
    """
    probe = getattr(answer, "__wrapped__", answer)
    if not callable(answer) and not isinstance(probe, _Probe):
        raise TypeError(f"answer must be a function, got {type(answer).__name__}")
    if check is None:
        caller = sys._getframe(1).f_code.co_name
        check = caller if caller.startswith("check_") else None
    name = getattr(answer, "__name__", None) or type(answer).__name__
    n = 0
    for args, kwargs, expected in cases:
        n += 1
        if isinstance(probe, _Probe):
            if n == probe.index:
                raise _Found(args, kwargs)
            probe.seen.append(args)
            continue
        try:
            got = answer(*args, **kwargs)
        except NotImplementedError:
            raise ExerciseFailed(f"{exercise}: not done yet (the function still raises NotImplementedError)") from None
        except Exception as err:  # report the student's error with the input that caused it
            call, how = _call(name, answer, args, kwargs, check, n)
            raise ExerciseFailed(f"{exercise}: {call} raised {type(err).__name__}: {err}{how}",
                                 _student_frames(err)) from err
        if not _same(got, expected, rtol, atol):
            call, how = _call(name, answer, args, kwargs, check, n)
            raise ExerciseFailed(f"{exercise}: {call} {_mismatch(got, expected, rtol, atol)}{how}")
    if isinstance(probe, _Probe):
        if probe.index is None:
            raise _Found(tuple(probe.seen), {})
        return Verdict("")
    return _verdict(exercise, n)


# -------------------------------------------------------------------------------------- by-hand checks ---

def _by_hand_difference(got: Any, expected: Any, name: str, unordered: frozenset, rtol: float,
                        atol: float) -> str | None:
    """How ``got`` differs from ``expected``, naming the entry but never an expected value (None if equal)."""
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            return f"{name} should be a dict, got {_describe(got)}"
        keys = {(tuple(int(i) for i in k) if isinstance(k, (tuple, list)) else k): v for k, v in got.items()}
        extra = [k for k in keys if k not in expected]
        if extra:
            return f"{name}: {_show(extra[0])} is a wrong position (it gets no weight)"
        missing = len(expected) - len(keys)
        if missing:
            return (f"{name}: {missing} of the {len(expected)} pixels with a non-zero weight "
                    f"{'is' if missing == 1 else 'are'} missing")
        for k in expected:
            diff = _by_hand_difference(keys[k], expected[k], f"the weight of {_show(k)}", unordered, rtol, atol)
            if diff:
                return diff
        return None
    if isinstance(expected, np.ndarray):
        got_a = _as_float_array(got)
        if got_a is None or got_a.dtype == object:
            return f"{name} should be an array of numbers, got {_describe(got)}"
        if got_a.shape != expected.shape:
            return f"{name} has shape {got_a.shape}; it should have shape {expected.shape}"
        wrong = ~np.isclose(got_a, expected, rtol=rtol, atol=atol)
        if not wrong.any():
            return None
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        index = ", ".join(map(str, first))
        return (f"{name}[{index}] is {_how(got_a[first], expected[first])} "
                f"({int(wrong.sum())} of {wrong.size} entries are wrong)")
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list, np.ndarray)):
            return f"{name} should be a tuple of {len(expected)}, got {_describe(got)}"
        got = list(got)
        if name in unordered:
            got_set, exp_set = set(_key(g) for g in got), set(expected)
            extra = sorted(v for v in got_set if v not in exp_set)
            if extra:
                return f"{name} includes {_show(extra[0])}, which does not belong"
            if got_set != exp_set:
                return f"{name} misses {len(exp_set - got_set)} value(s)"
            if len(got) != len(expected):
                return f"{name} lists a value twice"
            if [_key(g) for g in got] != list(expected):
                return f"{name} has the right values, but not in increasing order"
            return None
        if len(got) != len(expected):
            return f"{name} has {len(got)} entries; it should have {len(expected)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            diff = _by_hand_difference(g, e, f"{name}[{i}]", unordered, rtol, atol)
            if diff:
                return diff
        return None
    if _is_number(expected):
        if not _is_number(got):
            return f"{name} should be a number, got {_describe(got)}"
        if isinstance(expected, (int, np.integer)) and not isinstance(got, (int, np.integer)):
            if float(got) != int(expected):
                return f"{name} is {_how(float(got), expected)} (and should be an int)"
            return f"{name} should be an int, got {_num(got)}"
        if np.isclose(float(got), float(expected), rtol=rtol, atol=atol):
            return None
        return f"{name} is {_how(float(got), float(expected))}"
    return None if got == expected else f"{name} is wrong"


def _key(value: Any) -> Any:
    return int(value) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else value


def run_by_hand(exercise: str, answer: Callable, expected: Any, *, names: tuple[str, ...] | None = None,
                  label: str = "your answer", unordered: Iterable[str] = (), rtol: float = 1e-6,
                  atol: float = 1e-8) -> Verdict:
    """Check a compute-by-hand exercise: ``answer()`` must equal ``expected``.

    On a wrong answer the message names the first wrong entry and how it is wrong (too large, too small, a
    wrong position, a missing value) without printing the expected values. ``names`` labels the parts of a
    tuple answer (``label`` the whole answer otherwise); parts named in ``unordered`` are sorted tuples of
    distinct values, compared as sets first.
    """
    if not callable(answer):
        raise TypeError(f"answer must be a function, got {type(answer).__name__}")
    try:
        got = answer()
    except NotImplementedError:
        raise ExerciseFailed(f"{exercise}: not done yet (the function still raises NotImplementedError)") from None
    except Exception as err:
        raise ExerciseFailed(f"{exercise}: your function raised {type(err).__name__}: {err}",
                             _student_frames(err)) from err
    if got is None:
        raise ExerciseFailed(f"{exercise}: the function returned None (is a `return` missing?)")
    unordered = frozenset(unordered)
    if names is not None:
        if isinstance(got, np.ndarray) and got.ndim >= 1:
            got = list(got)
        if not isinstance(got, (tuple, list)) or len(got) != len(names):
            got_text = f"{len(got)} values" if isinstance(got, (tuple, list)) else _describe(got)
            raise ExerciseFailed(f"{exercise}: return a tuple of {len(names)}: ({', '.join(names)}); "
                                 f"got {got_text}")
        for g, e, part in zip(got, expected, names):
            diff = _by_hand_difference(g, e, part, unordered, rtol, atol)
            if diff:
                raise ExerciseFailed(f"{exercise}: {diff}")
    else:
        diff = _by_hand_difference(got, expected, label, unordered, rtol, atol)
        if diff:
            raise ExerciseFailed(f"{exercise}: {diff}")
    return _verdict(exercise, None)
