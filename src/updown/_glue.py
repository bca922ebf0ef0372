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
    if _myst_glue is not None:
        _myst_glue(name, variable, display=display)
    elif display:
        from IPython.display import display as show

        show(variable)
