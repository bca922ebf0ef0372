"""Results files of the book's long runs: found in a clone of the repository, checked against their code hash.

A chapter whose table comes from a run longer than a chapter may take (e.g. ``tools/subpixel_fcn.py``) reads
it with :func:`load_checked`. The file lives in the repository (``notebooks/results/<name>.json``) next to the
script that wrote it (``tools/<name>.py``), whose :func:`code_hash` the file records: the loader refuses a file
whose hash no longer matches the code. Neither is part of the installed library (Colab, a ``pip install``
without a clone), so there the loader stops with a one-line message saying what to do instead of a traceback.
"""
from __future__ import annotations

import ast
import hashlib
import importlib.util
import inspect
import json
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Iterable, Sequence

__all__ = ["ResultsUnavailable", "code_only", "find_root", "load_checked", "separated", "source_digests"]


def code_only(source: str) -> str:
    """``source`` parsed, without its docstrings: ``ast.dump`` changes with the code, not with comments,
    docstrings or layout, so documentation edits do not make a results file stale."""
    tree = ast.parse(textwrap.dedent(source))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def source_digests(modules: Iterable[ModuleType], parts: dict[ModuleType, Sequence[str]] | None = None
                   ) -> dict[str, str]:
    """SHA-256 of the code (:func:`code_only`) of each module in ``modules``, and of the objects ``parts[m]``
    of the modules in ``parts`` (values by ``repr``; their teaching cores ``_<name>..._core`` included), keyed
    ``"<module name>"``: what a results script adds to its settings before ``updown._cache.code_hash``."""
    def name(m):
        spec = getattr(m, "__spec__", None)
        return spec.name if spec is not None and spec.name else m.__name__

    out = {name(m): hashlib.sha256(code_only(inspect.getsource(m)).encode()).hexdigest() for m in modules}
    for module, names in (parts or {}).items():
        texts = []
        for n in names:
            obj = getattr(module, n)
            texts.append(code_only(inspect.getsource(obj)) if callable(obj) else f"{n} = {obj!r}")
        for n in sorted(vars(module)):
            if n.endswith("_core") and any(n.startswith(f"_{p}") for p in names):
                texts.append(code_only(inspect.getsource(getattr(module, n))))
        out[name(module) + ":parts"] = hashlib.sha256("\n".join(texts).encode()).hexdigest()
    return out


class ResultsUnavailable(RuntimeError):
    """A results file is missing or stale; IPython shows the message alone, without a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


def _candidates() -> list[Path]:
    here = Path(__file__).resolve()
    cwd = Path.cwd().resolve()
    return [here.parents[2], cwd, *cwd.parents]          # an editable install's clone, then the working dir up


def find_root(name: str) -> Path | None:
    """The repository root that holds both ``notebooks/results/<name>.json`` and ``tools/<name>.py``, or None."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be the name of a results file such as 'subpixel_fcn', got {name!r}")
    for root in _candidates():
        if (root / "notebooks" / "results" / f"{name}.json").is_file() and (root / "tools" / f"{name}.py").is_file():
            return root
    return None


def _script(root: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_updown_results_{name}", root / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_checked(name: str) -> dict:
    """The results file ``notebooks/results/<name>.json``, after checking its ``code_hash`` against the code.

    Raises :class:`ResultsUnavailable` (one line in a notebook) when no clone of the repository holds the file
    and its script (e.g. on Colab), or when the recorded hash differs from ``tools/<name>.py``'s
    ``code_hash()`` (the code or settings changed since the run: rerun the script).
    """
    root = find_root(name)
    if root is None:
        raise ResultsUnavailable(
            f"this table comes from notebooks/results/{name}.json of the book's repository, which the installed "
            f"library does not include; open the chapter from a clone of the repository (git clone, then "
            f"pip install -e .) to see it")
    result = json.loads((root / "notebooks" / "results" / f"{name}.json").read_text(encoding="utf8"))
    expected = _script(root, name).code_hash()
    if result.get("code_hash") != expected:
        raise ResultsUnavailable(
            f"notebooks/results/{name}.json is stale: its code hash {result.get('code_hash')!r} does not match "
            f"the code's {expected!r}; rerun python tools/{name}.py")
    return result


def separated(a: Sequence[float], b: Sequence[float]) -> str | None:
    """The book's rule for a difference over seeds: ``"higher"`` when ``a`` exceeds ``b`` on every seed (paired
    by position) and the gap of the means exceeds the sum of the two sample standard deviations, ``"lower"`` in
    the mirror case, else ``None`` (within the spread). Raises ``ValueError`` unless both hold the same number of
    values, at least two (one seed has no spread), all finite."""
    import math

    a, b = [float(v) for v in a], [float(v) for v in b]
    if len(a) != len(b) or len(a) < 2:
        raise ValueError(f"a and b must hold the same number of values, at least 2, got {len(a)} and {len(b)}")
    if not all(math.isfinite(v) for v in a + b):
        raise ValueError(f"a and b must be finite, got {a} and {b}")

    def mean_sd(v):
        m = sum(v) / len(v)
        return m, math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1))

    (ma, sa), (mb, sb) = mean_sd(a), mean_sd(b)
    if all(x > y for x, y in zip(a, b)) and ma - mb > sa + sb:
        return "higher"
    if all(x < y for x, y in zip(a, b)) and mb - ma > sa + sb:
        return "lower"
    return None


def verdict(mine: Sequence[float], theirs: Sequence[float], bigger: str = "higher") -> str:
    """A paper's claim that ``mine`` is ``bigger`` (``"higher"`` or ``"lower"``) than ``theirs``, judged by
    :func:`separated` over the seeds: ``"reproduced here (+0.012)"`` when the rule gives the claimed direction,
    else ``"not reproduced here (<reason>: <gap>)"``, the reason being *the opposite holds* or *within the spread
    of the seeds*. The gap is the difference of the means, to 3 decimals."""
    if bigger not in ("higher", "lower"):
        raise ValueError(f"bigger must be 'higher' or 'lower', got {bigger!r}")
    side = separated(mine, theirs)
    gap = sum(float(v) for v in mine) / len(mine) - sum(float(v) for v in theirs) / len(theirs)
    if side == bigger:
        return f"reproduced here ({gap:+.3f})"
    why = "the opposite holds" if side else "within the spread of the seeds"
    return f"not reproduced here ({why}: {gap:+.3f})"
