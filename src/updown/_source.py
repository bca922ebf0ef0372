"""Show a library function's source in a notebook, so the code on the page is the code that is tested."""
from __future__ import annotations

import inspect
import textwrap


class Source:
    """The source of a Python object: rendered as a highlighted code block, compared as plain text by nbval."""

    def __init__(self, obj, *, docstring: bool = True):
        text = textwrap.dedent(inspect.getsource(obj))
        if not docstring:
            text = _strip_docstring(text, obj)
        self.text = text.rstrip() + "\n"
        module = getattr(obj, "__module__", "")
        self.where = f"{module}.{obj.__qualname__}" if hasattr(obj, "__qualname__") else module

    def _repr_markdown_(self) -> str:
        return f"From `{self.where}`:\n\n```python\n{self.text}```\n"

    def __repr__(self) -> str:
        return self.text


def _strip_docstring(text: str, obj) -> str:
    doc = inspect.getdoc(obj)
    if not doc:
        return text
    import ast

    tree = ast.parse(text)
    node = tree.body[0]
    first = node.body[0] if getattr(node, "body", None) else None
    if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant):
        lines = text.splitlines(keepends=True)
        del lines[first.lineno - 1:first.end_lineno]
        return "".join(lines)
    return text


def show_source(obj, *, docstring: bool = True) -> Source:
    """Return an object that displays the source of ``obj`` (a function, class or module) in a notebook.

    With ``docstring=False`` the docstring is left out, for when the prose already says it.
    """
    if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismodule(obj) or inspect.ismethod(obj)):
        raise TypeError(f"obj must be a function, class, method or module, got {type(obj).__name__}")
    return Source(obj, docstring=docstring)
