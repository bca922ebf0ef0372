"""A reader's fresh kernel, as on Colab or Binder: only Jupyter and the CPU build of torch, then the chapters.

Two paths, each in a new virtual environment:

- ``jupyter-only``: nothing but ``nbclient`` and ``ipykernel`` (Jupyter) and ``torch==2.13.0`` (the pin of
  requirements.txt: pip takes the CPU wheel; an unpinned torch would pull gigabytes of CUDA packages). Nothing
  installs the library beforehand: each chapter's hidden set-up cell finds the clone above the working directory
  and installs it from there, as in a clone opened with plain Jupyter.
- ``binder``: ``binder/requirements.txt`` (without PyTorch's CPU index, unreachable here: the same
  ``torch==2.13.0+cpu`` wheel comes from the local package store) and ``binder/postBuild``, as repo2docker runs
  them; the set-up cell then finds the library and does nothing.

The chapters are executed in a temporary clone (the repository's tracked files, with the chapters as they are in
the work tree), in that environment's own kernel, with ``UPDOWN_STATIC`` unset as for a reader. Every chapter must
run with 0 errors.

It measures what a reader waits for and writes it to ``<tmp>/fresh_env.json`` (and prints it): the time to build
the environment and its size, the time to the first cell (the set-up cell installing the library) and the size
after it, and each chapter's execution time.

Marked ``fresh_env`` and skipped unless asked (``pytest -m fresh_env tests/test_fresh_env.py``); it needs the
package index pip is configured with (a few minutes, about 1 GB of disk). ``UPDOWN_FRESH_CHAPTERS`` picks the
chapters (globs of notebook names, comma-separated; default ``01_*``, ``all`` for every chapter).
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: What the fresh environment gets before any notebook runs: Jupyter's kernel and runner, and torch.
JUPYTER = ("nbclient", "ipykernel")
TORCH = "torch"
KERNEL = "updown-fresh"


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
        if m:
            pins[m.group(1).lower()] = f"{m.group(1)}=={m.group(2)}"
    return pins


def _size(path: Path) -> int:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total


def _clean_env(venv: Path) -> dict[str, str]:
    """The environment of a reader's shell: this project's venv, Jupyter paths and book settings removed."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("UPDOWN_", "JUPYTER", "PYTHON", "VIRTUAL_ENV", "MPLBACKEND", "IPYTHON"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["JUPYTER_PATH"] = str(venv / "share" / "jupyter")   # only the fresh environment's kernel
    env["JUPYTER_DATA_DIR"] = str(venv / "share" / "jupyter")
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _run(cmd, env, cwd=None, timeout=1800) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n{done.stdout[-3000:]}\n"
                    f"{done.stderr[-3000:]}")
    return done


def _make_clone(dest: Path, chapters: list[Path]) -> Path:
    """A copy of the repository's tracked files as they are in the work tree (a reader's clone), or, outside
    git, of what installing the library needs and the chapters."""
    try:
        tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True,
                                 text=True).stdout.split("\0")
    except (OSError, subprocess.CalledProcessError):
        tracked = []
    tracked = [t for t in tracked if t and (ROOT / t).is_file() and not t.startswith("binder/")]
    if not tracked:
        tracked = [n for n in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-TEXT.md") if (ROOT / n).exists()]
        tracked += [str(p.relative_to(ROOT)) for p in (ROOT / "src").rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p)]
    for name in tracked:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    (dest / "notebooks").mkdir(exist_ok=True)
    for nb in chapters:                      # the chapters as they are now, committed or not
        shutil.copy2(nb, dest / "notebooks" / nb.name)
    return dest / "notebooks"


#: Runs inside the fresh environment: executes one notebook in the fresh kernel and reports, as JSON, the
#: errors, the time of the set-up cell (the first code cell) and of the whole notebook.
RUNNER = r'''
import json, sys, time
import nbformat
from nbclient import NotebookClient

path, kernel = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
client = NotebookClient(nb, kernel_name=kernel, timeout=900, allow_errors=True,
                        resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}})
t0 = time.perf_counter()
first = None
with client.setup_kernel():
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        client.execute_cell(cell, index)
        if first is None:
            first = time.perf_counter() - t0
errors = [(i, o.get("ename"), o.get("evalue", "")[:300]) for i, c in enumerate(nb.cells)
          if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
probe = [c for c in nb.cells if c.cell_type == "code"][0]
print(json.dumps({"errors": errors, "first_cell_s": first, "total_s": time.perf_counter() - t0,
                  "setup_output": "".join(o.get("text", "") for o in probe.get("outputs", []))[-2000:]}))
'''


def _chapters() -> list[Path]:
    wanted = os.environ.get("UPDOWN_FRESH_CHAPTERS", "01_*")
    every = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if wanted.strip() == "all":
        return every
    globs = [g.strip() for g in wanted.split(",") if g.strip()]
    return [p for p in every if any(fnmatch.fnmatch(p.name, g if g.endswith(".ipynb") else g + "*")
                                    for g in globs)]


def _binder_requirements(dest: Path) -> Path:
    """binder/requirements.txt without PyTorch's CPU index, which this machine cannot reach: the same CPU wheel
    (``torch==2.13.0+cpu``) comes from the local package store instead."""
    lines = [line for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
             if not line.startswith("--extra-index-url")]
    out = dest / "binder-requirements-local.txt"
    out.write_text("\n".join(lines) + "\n")
    return out


@pytest.mark.fresh_env
@pytest.mark.parametrize("path", ["jupyter-only", "binder"])
def test_chapters_run_in_a_fresh_environment(path, tmp_path):
    """``jupyter-only``: nbclient, ipykernel and torch; the set-up cell installs the library from the clone.
    ``binder``: binder/requirements.txt and binder/postBuild, as repo2docker runs them; the set-up cell finds the
    library installed and does nothing."""
    chapters = _chapters()
    assert chapters, f"no notebook matches UPDOWN_FRESH_CHAPTERS={os.environ.get('UPDOWN_FRESH_CHAPTERS')!r}"
    pins = _pins()
    missing = [name for name in (*JUPYTER, TORCH) if name not in pins]
    assert not missing, f"requirements.txt pins no {missing}"
    venv = tmp_path / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    report: dict = {"path": path, "python": base}
    clone = tmp_path / "clone"
    clone.mkdir()
    notebooks = _make_clone(clone, chapters)

    t0 = time.perf_counter()
    _run([base, "-m", "venv", str(venv)], env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"})
    env = _clean_env(venv)
    py = venv / "bin" / "python"
    report["empty_venv_mb"] = round(_size(venv) / 2**20)
    if path == "jupyter-only":
        _run([py, "-m", "pip", "install", "-q", *(pins[n] for n in JUPYTER), pins[TORCH]], env)
    else:
        shutil.copytree(ROOT / "binder", clone / "binder")
        _run([py, "-m", "pip", "install", "-q", "-r", str(_binder_requirements(tmp_path)), pins["nbclient"]], env)
        _run(["bash", str(clone / "binder" / "postBuild")], env, cwd=tmp_path)
    report["environment_build_s"] = round(time.perf_counter() - t0, 1)
    report["environment_mb"] = round(_size(venv) / 2**20)
    freeze = _run([py, "-m", "pip", "freeze"], env).stdout
    assert re.search(r"^torch==2\.13\.0", freeze, re.M), freeze
    assert not re.search(r"^(nvidia-|triton)", freeze, re.M), f"CUDA packages were installed:\n{freeze}"
    installed = bool(re.search(r"^updown-book @ file://", freeze, re.M))
    assert installed == (path == "binder"), f"updown-book installed before the set-up cell: {installed}"
    _run([py, "-m", "ipykernel", "install", "--prefix", str(venv), "--name", KERNEL], env)

    runner = tmp_path / "run_notebook.py"
    runner.write_text(RUNNER)
    report["chapters"] = {}
    failures = []
    for nb in chapters:
        done = _run([py, str(runner), str(notebooks / nb.name), KERNEL], env, cwd=notebooks)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        entry = {"first_cell_s": round(result["first_cell_s"], 1), "total_s": round(result["total_s"], 1),
                 "errors": result["errors"]}
        if "venv_with_library_mb" not in report:
            report["venv_with_library_mb"] = round(_size(venv) / 2**20)
            report["library_installed_after_first_chapter"] = bool(re.search(
                r"^updown-book @ file://", _run([py, "-m", "pip", "freeze"], env).stdout, re.M))
        report["chapters"][nb.stem] = entry
        if result["errors"]:
            failures.append(f"{nb.name}: {result['errors'][:3]}")
    out = Path(os.environ.get("UPDOWN_FRESH_REPORT", tmp_path)) / f"fresh_env-{path}.json"
    out.write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    assert report["library_installed_after_first_chapter"], "the set-up cell did not install the library"
    assert not failures, "errors in a fresh environment:\n" + "\n".join(failures)


def test_binder_configuration_installs_the_cpu_torch_and_the_pinned_versions():
    """Checked without Binder: the CPU index and the +cpu pin, the same pins as requirements.txt, a postBuild
    that installs the library with an extra pyproject.toml declares."""
    import tomllib

    text = (ROOT / "binder" / "requirements.txt").read_text()
    assert re.search(r"^--extra-index-url https://download\.pytorch\.org/whl/cpu$", text, re.M)
    pins = _pins()
    torch_pin = re.search(r"^torch==(\S+)$", text, re.M)
    assert torch_pin and torch_pin.group(1) == pins["torch"].split("==")[1] + "+cpu"
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", line)
        if m and m.group(1) != "torch":
            assert pins.get(m.group(1).lower()) == line, f"binder pin {line} differs from requirements.txt"
    post = ROOT / "binder" / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    used = re.findall(r'pip install [^\n]*"\.\[([a-z0-9,-]+)\]"', post.read_text())
    assert used and all(e in extras for u in used for e in u.split(",")), (used, sorted(extras))
    for extra, requirements in extras.items():
        assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[^\s=]+", r) for r in requirements), (extra, requirements)
