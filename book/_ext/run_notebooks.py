"""Execute every chapter once; that one execution serves both the output comparison and the HTML build.

``make test`` and ``make book`` run this script, then build the HTML with execution off from the copies it writes:

1. **Execute.** Each notebook listed in ``_toc.yml`` is run top to bottom (``nbclient``, ``--jobs`` at a time,
   longest first), with the environment ``make`` sets (``UPDOWN_STATIC=1``, ``UPDOWN_CACHE`` for trained results).
   The executed copy goes to ``<stage>/notebooks/``.
2. **Compare** (``--check``). Every text output of the executed copy is compared with the one stored in
   ``notebooks/``, with nbval's rules: the cell tags and comment markers ``nbval-ignore-output`` /
   ``nbval-skip`` / ``raises-exception``, the patterns of ``tests/nbval_sanitize.cfg``, images not compared,
   streams merged per name. A difference is reported as a diff and fails the run.
3. **Stage.** ``<stage>`` becomes a copy of the book's source tree (``_config.yml`` with execution turned off,
   ``_toc.yml``, a link to ``book/``, the executed notebooks), which ``jupyter-book build`` turns into HTML without
   running anything again.

**Reuse.** An executed copy is reused, without running the notebook, only while its key is unchanged: a hash of
the stored notebook, every file of the library (``src/updown``), the results files and their scripts
(``notebooks/results/*.json``, ``tools/*.py``), this script, the sanitize file, ``requirements.txt`` and
``pyproject.toml``, the name and version of every installed distribution, the Python and
CPU configuration (``updown._cache.cpu_config``) and the variables that change what a notebook draws or prints
(``UPDOWN_STATIC``, ``MPLBACKEND``, the emulated-CPU variables). A figure is a function of exactly these, so a
reused copy holds the figures the current code draws: a stale figure cannot reach the HTML. ``--fresh`` ignores
the keys. The key is only recorded after a successful execution (and comparison, with ``--check``).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
#: Variables that change what a notebook computes or draws (besides the code): part of every key.
KEY_VARIABLES = ("UPDOWN_STATIC", "MPLBACKEND", "PYTHONHASHSEED")

# nbval's vocabulary: cell tags and the equivalent comment markers.
_MARKERS = {"nbval-ignore-output": "ignore", "nbval-skip": "skip", "nbval-check-output": "check",
            "nbval-raises-exception": "raises", "raises-exception": "raises"}
#: Output fields nbval never compares (images only with nbdime, which the book does not use).
_NOT_COMPARED = {"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
                 "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg"}


# ---- the comparison ---------------------------------------------------------------------------------------------
def sanitize_patterns(path: Path = SANITIZE) -> list[tuple[str, str]]:
    """The ``regex:`` / ``replace:`` pairs of an nbval sanitize file, in order."""
    text = path.read_text(encoding="utf8") if path.is_file() else ""
    return re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)


def cell_options(cell: dict) -> set[str]:
    """What nbval does with a code cell: a subset of {'ignore', 'skip', 'check', 'raises'}."""
    found = {_MARKERS[t] for t in cell.get("metadata", {}).get("tags", []) or [] if t in _MARKERS}
    for line in _source(cell).splitlines():
        line = line.strip()
        if line.startswith("#"):
            marker = line.lstrip("#").strip().lower().replace("_", "-")
            if marker in _MARKERS:
                found.add(_MARKERS[marker])
    return found


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def _merge_streams(outputs: list) -> list:
    """Streams of one name merged into one output at its first place; ``\\b`` and ``\\r`` applied (as nbval)."""
    merged, streams = [], {}
    for out in outputs:
        if out.get("output_type") == "stream":
            name = out.get("name", "stdout")
            if name in streams:
                streams[name]["text"] += _text(out.get("text", ""))
                continue
            out = {"output_type": "stream", "name": name, "text": _text(out.get("text", ""))}
            streams[name] = out
        merged.append(out)
    for out in streams.values():
        text = out["text"]
        while True:
            shorter = re.sub(r"[^\n]\x08", "", text)
            if shorter == text:
                break
            text = shorter
        out["text"] = re.sub(r"^.*\r(?=[^\n])", "", text, flags=re.MULTILINE)
    return merged


def comparable(outputs: list, patterns: list[tuple[str, str]]) -> dict[str, list]:
    """The outputs as nbval compares them: field (stream name, MIME type, ename, ...) -> sanitized values."""
    fields = defaultdict(list)

    def clean(value):
        value = _text(value)
        if isinstance(value, str):
            for regex, replace in patterns:
                value = re.sub(regex, replace, value)
        return value

    for out in _merge_streams(outputs):
        if out.get("output_type") == "stream":
            fields[out["name"]].append(clean(out["text"]))
            continue
        for key, value in out.items():
            if key in _NOT_COMPARED:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in _NOT_COMPARED:
                        fields[mime].append(clean(data))
            else:
                fields[key].append(clean(value))
    return dict(fields)


def _short(value) -> str:
    value = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return value if len(value) < 2000 else value[:2000] + " [...]"


def compare_cells(stored: dict, executed: dict, patterns: list[tuple[str, str]]) -> list[str]:
    """The differences nbval would report between a stored notebook and its fresh execution (empty: none)."""
    problems = []
    stored_code = [c for c in stored["cells"] if c["cell_type"] == "code"]
    fresh_code = [c for c in executed["cells"] if c["cell_type"] == "code"]
    if len(stored_code) != len(fresh_code):
        return [f"{len(stored_code)} code cells stored, {len(fresh_code)} executed"]
    for number, (old, new) in enumerate(zip(stored_code, fresh_code)):
        where = f"code cell {number} ({_source(old).strip().splitlines()[0][:60] if _source(old).strip() else ''})"
        options = cell_options(old)
        if old.get("execution_count") is None:
            if old.get("outputs"):
                problems.append(f"{where}: unrun reference cell has outputs")
            continue
        if "skip" in options or ("ignore" in options and "check" not in options):
            continue
        ref, got = comparable(old.get("outputs", []), patterns), comparable(new.get("outputs", []), patterns)
        if set(ref) != set(got):
            missing, extra = sorted(set(ref) - set(got)), sorted(set(got) - set(ref))
            problems.append(f"{where}: output fields differ (missing {missing}, unexpected {extra})")
            continue
        for field in ref:
            if len(ref[field]) != len(got[field]):
                problems.append(f"{where}: {len(ref[field])} stored '{field}' outputs, {len(got[field])} now")
                break
            for a, b in zip(ref[field], got[field]):
                if a != b:
                    diff = difflib.unified_diff(_short(a).splitlines(), _short(b).splitlines(),
                                                "stored", "executed now", lineterm="", n=1)
                    problems.append(f"{where}: '{field}' differs\n    " + "\n    ".join(diff))
                    break
            else:
                continue
            break
    return problems


# ---- keys --------------------------------------------------------------------------------------------------------
def key_files(root: Path = ROOT) -> list[Path]:
    """The files whose bytes are part of every notebook's key: this script, the sanitize file, the pins, every
    file of the library, and the results files with the scripts that check them (``notebooks/results/*.json``,
    ``tools/*.py``), which chapters read through ``updown.results.load_checked``."""
    files = [Path(__file__), root / "tests" / "nbval_sanitize.cfg", root / "requirements.txt", root / "pyproject.toml"]
    for folder, pattern in (("src/updown", "**/*"), ("notebooks/results", "*.json"), ("tools", "*.py")):
        files += sorted(p for p in (root / folder).glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
    return files


def _environment_digest() -> str:
    """Everything outside the notebook that decides its outputs, hashed once per run."""
    from importlib import metadata

    from updown._cache import CPU_VARIABLES, cpu_config

    digest = hashlib.sha256()
    for path in key_files():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    env = {name: os.environ.get(name, "") for name in KEY_VARIABLES + tuple(CPU_VARIABLES)}
    digest.update(json.dumps({"dists": dists, "env": env, "cpu": cpu_config(), "python": sys.version},
                             sort_keys=True).encode())
    return digest.hexdigest()


def notebook_key(notebook: Path, environment: str) -> str:
    return hashlib.sha256(environment.encode() + notebook.read_bytes()).hexdigest()[:32]


# ---- execution ---------------------------------------------------------------------------------------------------
def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks the table of contents lists, in reading order."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf8")) or {}
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                name = node.get(key)
                if isinstance(name, str):
                    path = root / (name if name.endswith(".ipynb") else name + ".ipynb")
                    if path.is_file():
                        found.append(path)
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return list(dict.fromkeys(found))


def execute(path: str, timeout: int) -> tuple[dict | None, str, float]:
    """Run one notebook in its own kernel (cwd: its folder); returns (executed notebook, error text, seconds)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            record_timing=False, resources={"metadata": {"path": str(Path(path).parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        return None, str(exc), time.perf_counter() - start
    except Exception as exc:  # a dead kernel, a timeout: report it like a failing cell
        return None, f"{type(exc).__name__}: {exc}", time.perf_counter() - start
    return nb, "", time.perf_counter() - start


def stage_tree(stage: Path) -> None:
    """``stage``: the book's sources with execution off and links to the narrative pages (notebooks are copied)."""
    import yaml

    stage.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    text = ("# Generated by book/_ext/run_notebooks.py from ../../_config.yml: the notebooks here are already "
            "executed.\n" + yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    if not (stage / "_config.yml").is_file() or (stage / "_config.yml").read_text(encoding="utf8") != text:
        (stage / "_config.yml").write_text(text, encoding="utf8")
    shutil.copyfile(ROOT / "_toc.yml", stage / "_toc.yml")
    link = stage / "book"
    target = os.path.relpath(ROOT / "book", stage)
    if not (link.is_symlink() and os.readlink(link) == target):
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.exists():
            shutil.rmtree(link)
        link.symlink_to(target, target_is_directory=True)
    (stage / "notebooks").mkdir(exist_ok=True)
    for other in (ROOT / "notebooks").iterdir():  # files and folders next to the chapters (results, images)
        if other.suffix == ".ipynb":
            continue
        link = stage / "notebooks" / other.name
        if link.is_file() and not link.is_symlink():
            link.unlink()  # a copy left by an older version of this script
        if not link.is_symlink():
            link.symlink_to(os.path.relpath(other, stage / "notebooks"), target_is_directory=other.is_dir())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stage", default=str(ROOT / "_build" / "stage"), help="where the executed book goes")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks executed at the same time")
    parser.add_argument("--check", action="store_true", help="compare text outputs with the stored ones")
    parser.add_argument("--fresh", action="store_true", help="execute every notebook, whatever the keys say")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: every one in _toc.yml)")
    args = parser.parse_args(argv)

    import nbformat

    stage = Path(args.stage).resolve()
    stage_tree(stage)
    keys_dir = stage / ".keys"
    keys_dir.mkdir(exist_ok=True)
    notebooks = [Path(p).resolve() for p in args.notebooks] or toc_notebooks()
    listed = {p.name for p in toc_notebooks()}
    for old in (stage / "notebooks").glob("*.ipynb"):
        if old.name not in listed:
            old.unlink()
    environment = _environment_digest()
    patterns = sanitize_patterns()
    todo, records = [], {}
    for nb in notebooks:
        key = notebook_key(nb, environment)
        record_file = keys_dir / f"{nb.stem}.json"
        record = json.loads(record_file.read_text()) if record_file.is_file() else {}
        records[nb] = record
        copy = stage / "notebooks" / nb.name
        fresh_enough = record.get("key") == key and record.get("checked", False) >= args.check
        if fresh_enough and copy.is_file() and not args.fresh:
            print(f"  up to date  {nb.name} (executed {record.get('seconds', 0):.0f} s, key {key[:12]})")
        else:
            todo.append((nb, key))
    todo.sort(key=lambda item: -records[item[0]].get("seconds", 1e9))  # longest (or never run) first
    failures = []
    start = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(execute, str(nb), args.timeout): (nb, key) for nb, key in todo}
        for future in concurrent.futures.as_completed(futures):
            nb, key = futures[future]
            executed, error, seconds = future.result()
            failed = {"key": None, "seconds": round(seconds, 1)}  # no key: run again next time, longest first
            if executed is None:
                failures.append(f"{nb.name}: execution failed\n{error}")
                print(f"  FAILED      {nb.name} after {seconds:.0f} s")
                (keys_dir / f"{nb.stem}.json").write_text(json.dumps(failed))
                continue
            nbformat.write(executed, str(stage / "notebooks" / nb.name))
            problems = compare_cells(json.loads(nb.read_text(encoding="utf8")), executed, patterns) \
                if args.check else []
            if problems:
                failures.append(f"{nb.name}: {len(problems)} cell(s) differ from the stored outputs "
                                "(re-run `make execute NB=...` if the change is intended)\n  "
                                + "\n  ".join(problems))
                print(f"  DIFFERS     {nb.name} ({seconds:.0f} s)")
                (keys_dir / f"{nb.stem}.json").write_text(json.dumps(failed))
                continue
            (keys_dir / f"{nb.stem}.json").write_text(json.dumps(
                {"key": key, "seconds": round(seconds, 1), "checked": args.check}))
            print(f"  executed    {nb.name} in {seconds:.0f} s" + (", outputs as stored" if args.check else ""))
    print(f"{len(todo)} of {len(notebooks)} notebook(s) executed in {time.perf_counter() - start:.0f} s "
          f"({args.jobs} at a time); the executed book is in {os.path.relpath(stage)}")
    for failure in failures:
        print("\n" + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
