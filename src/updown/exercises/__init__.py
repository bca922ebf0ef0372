"""Automatic checks for the book's exercises: ``check_<name>(answer)``.

Each chapter keeps its checks in a submodule of this package (``updown.exercises.pooling``, ...); every public
``check_*`` function of those submodules is offered here, so a notebook writes
``from updown.exercises import check_output_size``. A check runs the student's function on cases the student does
not see and prints ``passed`` or raises :class:`ExerciseFailed` (an ``AssertionError`` that IPython shows as its
message only) naming the input, what came back and what was expected; ``case_input(check, n)`` rebuilds the input
of case ``n``. A compute-by-hand check says which entry is wrong and how, never the expected values.
"""
from __future__ import annotations

import importlib
import pkgutil

from ._common import ExerciseFailed, case_input

__all__: list[str] = ["ExerciseFailed", "case_input"]
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("_"):
        continue
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    for _name in dir(_module):
        if _name.startswith("check_"):
            globals()[_name] = getattr(_module, _name)
            __all__.append(_name)
