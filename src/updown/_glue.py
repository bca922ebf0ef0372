"""``glue`` for the book's prose numbers, also where myst-nb is not installed (Colab, Binder, a bare kernel)."""
from __future__ import annotations

from typing import Any

try:  # the book build and the test suite have myst-nb: values are stored for {glue:text} and friends
    from myst_nb import glue as _myst_glue
except ImportError:  # a reader's kernel: nothing to store; show the value only when asked to
    _myst_glue = None


def glue(name: str, variable: Any, display: bool = True) -> None:
    """Store ``variable`` under ``name`` for the book's text (myst-nb's ``glue``); without myst-nb, display it
    when ``display`` is true and otherwise do nothing, so a notebook runs the same with only ``updown`` installed."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    variable = _plain(variable)
    if _myst_glue is not None:
        _myst_glue(name, variable, display=display)
    elif display:
        from IPython.display import display as show

        show(variable)


def _plain(variable: Any) -> Any:
    """A NumPy scalar as the Python number it holds: its repr (``np.float64(0.5)``) is what myst-nb stores, and
    ``{glue:text}`name:.3f``` can format only a plain number."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - NumPy is a dependency of the library
        return variable
    if isinstance(variable, np.generic) and not isinstance(variable, (np.str_, np.bytes_, np.void)):
        return variable.item()
    return variable
