"""Results that take long to compute, stored under a key that names everything that produced them.

Two uses, one key:

* ``cached(name, settings, modules, compute)``: training runs in the chapters. With the environment variable
  ``UPDOWN_CACHE`` set to a folder (``make test`` and ``make book`` set it), the result is stored there under a key
  that hashes the settings, the source files of ``modules`` and the CPU configuration (see ``cpu_config``), so a
  change to the code, to the settings or to the emulated CPU recomputes it. Unset (a reader's kernel, Colab,
  ``make test-portable``), ``compute()`` simply runs.
* ``code_hash(modules, settings)``: the hash a results file written by a command-line run records, so a test can
  fail when the code or settings that produced a table shown in a chapter have changed since.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import os
import pickle
import platform
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable

__all__ = ["cached", "code_hash", "cpu_config", "cache_dir"]

#: Environment variables that change which kernels NumPy, PyTorch and oneDNN run (the emulated CPUs of
#: ``make test-portable``) or how many threads they use: all of them are part of a cache key.
CPU_VARIABLES = ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "NPY_DISABLE_CPU_FEATURES", "OMP_NUM_THREADS",
                 "MKL_NUM_THREADS", "OPENBLAS_CORETYPE")


def cpu_config() -> dict[str, str]:
    """What decides the last bits of a computation here: machine, library versions, chosen CPU kernels, threads."""
    import numpy
    import torch

    config = {"machine": platform.machine(), "python": platform.python_version(),
              "numpy": numpy.__version__, "torch": torch.__version__,
              "torch_capability": torch.backends.cpu.get_cpu_capability(),
              "torch_threads": str(torch.get_num_threads())}
    config.update({name: os.environ.get(name, "") for name in CPU_VARIABLES})
    return config


def _source_bytes(module: ModuleType) -> bytes:
    if not isinstance(module, ModuleType):
        raise TypeError(f"modules must hold modules, got {type(module).__name__}")
    return Path(inspect.getfile(module)).read_bytes()


def code_hash(modules: Iterable[ModuleType], settings: dict[str, Any] | None = None) -> str:
    """SHA-256 (hex, first 16 digits) of the modules' source files and the settings (JSON, sorted keys)."""
    digest = hashlib.sha256()
    def name(m):  # a module run with `python -m updown.fcn` is __main__, yet the same code as updown.fcn
        spec = getattr(m, "__spec__", None)
        return spec.name if spec is not None and spec.name else m.__name__

    for module in sorted(modules, key=name):
        digest.update(name(module).encode() + b"\0" + _source_bytes(module) + b"\0")
    digest.update(json.dumps(settings or {}, sort_keys=True, default=repr).encode())
    return digest.hexdigest()[:16]


def cache_dir() -> Path | None:
    """The cache folder from ``UPDOWN_CACHE``, or ``None`` when caching is off."""
    folder = os.environ.get("UPDOWN_CACHE", "").strip()
    return Path(folder) if folder else None


def cached(name: str, settings: dict[str, Any], modules: Iterable[ModuleType], compute: Callable[[], Any]) -> Any:
    """``compute()``, or its stored result when the settings, the modules' code and the CPU configuration match.

    The result must be picklable (keep it to numbers, lists, dicts, NumPy arrays or state dicts).
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be an identifier-like string, got {name!r}")
    folder = cache_dir()
    if folder is None:
        return compute()
    key = code_hash(modules, {"settings": settings, "cpu": cpu_config()})
    path = folder / f"{name}-{key}.pkl"
    if path.exists():
        try:
            with path.open("rb") as f:
                return pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError):
            pass  # a half-written file from an interrupted run: compute again
    result = compute()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with tmp.open("wb") as f:
        pickle.dump(result, f)
    os.replace(tmp, path)
    return result
