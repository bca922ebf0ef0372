"""Set the book's one repository address: the launch, repository and download buttons and the Colab set-up cell.

    python tools/set_repository.py https://github.com/<owner>/<repo>   # turn the buttons on
    python tools/set_repository.py ""                                  # back to no buttons
    python tools/set_repository.py URL --jupyterhub https://hub.example.org
    python tools/set_repository.py --check                             # verify, change nothing
    python tools/set_repository.py --refresh                           # set-up cells to the current text

It writes, and nothing else:

* ``repository.url`` in ``_config.yml``; for a GitHub address also ``launch_buttons.binderhub_url``
  (https://mybinder.org) and ``launch_buttons.colab_url`` (https://colab.research.google.com), which only work
  with GitHub repositories; ``launch_buttons.jupyterhub_url`` when ``--jupyterhub`` is given (cleared with the
  address). The book's extension (``book/_ext/updown_html.py``) shows the buttons only while the address is set.
* ``REPOSITORY = "..."`` in the set-up cell (the first code cell, tagged ``remove-cell``) of every notebook in
  ``notebooks/``: on Colab or Binder that cell installs the library from this address.

``--check`` exits with status 1, naming each problem, when a notebook's first code cell is not the set-up cell
(text, tag) or its address differs from ``_config.yml``.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"

#: The set-up cell every chapter notebook starts with (after its title); ``{repository}`` is the address and
#: ``{extra}`` the chapter's install extra (``""`` or ``"[name]"``, set by hand in the notebook).
SETUP_CELL = '''\
# Set-up for Colab, Binder and other fresh kernels: installs the book's library `updown` when it is missing.
# Where it is installed (make lab, make test, the book build) this cell does nothing.
import importlib, importlib.metadata as metadata, importlib.util, pathlib, re, shlex, subprocess, sys
REPOSITORY = "{repository}"  # repository.url of _config.yml, written here by tools/set_repository.py
EXTRA = "{extra}"  # the install extra this chapter needs beyond the library, e.g. "[crosslib]"
def _setup_needed():  # the library, or a package of this chapter's extra, is not installed
    if importlib.util.find_spec("updown") is None:
        return True
    try:
        marker = re.compile(r"extra\\s*==\\s*\\W" + re.escape(EXTRA.strip("[]")) + r"\\W")
        for r in (metadata.requires("updown-book") or []) if EXTRA else []:
            if marker.search(r):
                metadata.version(re.match(r"[A-Za-z0-9_.-]+", r).group())
    except metadata.PackageNotFoundError:
        return True
    return False
if _setup_needed():
    class SetupError(Exception):
        def _render_traceback_(self):  # IPython shows the message alone, without a traceback
            return [str(self)]
    clone = next((d for d in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (d / "pyproject.toml").is_file()
                  and 'name = "updown-book"' in (d / "pyproject.toml").read_text(errors="ignore")), None)
    target = (f"{{clone}}{{EXTRA}}" if clone else f"updown-book{{EXTRA}} @ git+{{REPOSITORY}}" if REPOSITORY
              else f"<path to a clone of the book>{{EXTRA}}")
    # without torch, take PyTorch's CPU build: the default one pulls gigabytes of CUDA libraries
    cpu = [] if importlib.util.find_spec("torch") else ["--extra-index-url", "https://download.pytorch.org/whl/cpu"]
    args = [sys.executable, "-m", "pip", "install", *cpu, target]
    command = " ".join(shlex.quote(a) for a in args)
    if not (clone or REPOSITORY) or subprocess.run(args).returncode != 0:
        raise SetupError(f"The book's library is not installed. Run this, then restart the kernel: {{command}}")
    importlib.invalidate_caches()
'''
#: Earlier versions of the set-up cell, recognised by ``--check`` and replaced by ``--refresh`` (keeping the
#: notebook's REPOSITORY and EXTRA).
PREVIOUS_SETUP_CELLS = (
'''\
# Set-up for Colab, Binder and other fresh kernels: installs the book's library `updown` when it is missing.
# Where it is installed (make lab, make test, the book build) this cell does nothing.
import importlib, importlib.util, pathlib, subprocess, sys
if importlib.util.find_spec("updown") is None:
    REPOSITORY = "{repository}"  # repository.url of _config.yml, written here by tools/set_repository.py
    EXTRA = "{extra}"  # the install extra this chapter needs beyond the library, e.g. "[crosslib]"
    class SetupError(Exception):
        def _render_traceback_(self):  # IPython shows the message alone, without a traceback
            return [str(self)]
    clone = next((d for d in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (d / "pyproject.toml").is_file()
                  and 'name = "updown-book"' in (d / "pyproject.toml").read_text(errors="ignore")), None)
    target = (f"{{clone}}{{EXTRA}}" if clone else f"updown-book{{EXTRA}} @ git+{{REPOSITORY}}" if REPOSITORY
              else f"<path to a clone of the book>{{EXTRA}}")
    command = f'{{sys.executable}} -m pip install "{{target}}"'
    if not (clone or REPOSITORY) or subprocess.run(command, shell=True).returncode != 0:
        raise SetupError(f"The book's library is not installed. Run, then restart the kernel:\\n    {{command}}")
    importlib.invalidate_caches()
''',
# the first one (the book's first release, commit e0c33ee): no EXTRA, a RuntimeError without an address
'''\
# Set-up for Colab, Binder and other fresh kernels: installs the book's library `updown` when it is missing.
# Where it is installed (make lab, make test, the book build) this cell does nothing.
import importlib.util, subprocess, sys
if importlib.util.find_spec("updown") is None:
    REPOSITORY = "{repository}"  # repository.url of _config.yml, written here by tools/set_repository.py
    if not REPOSITORY:
        raise RuntimeError("updown is not installed: run `make lab` in a clone of the book, or set repository.url")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", f"updown-book @ git+{{REPOSITORY}}"], check=True)
''',
)
SETUP_TAG = "remove-cell"
_REPOSITORY_LINE = re.compile(r'^(\s*REPOSITORY = )"([^"\n]*)"', re.MULTILINE)
_EXTRA_LINE = re.compile(r'^(\s*EXTRA = )"(|\[[a-z0-9,-]+\])"', re.MULTILINE)


def normalise_url(url: str) -> str:
    """The address as written everywhere: ``""`` or ``http(s)://host/path`` without a trailing ``/`` or ``.git``."""
    if not isinstance(url, str):
        raise TypeError(f"url must be a string, got {type(url).__name__}")
    url = url.strip()
    if url == "":
        return ""
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~%+-]+)+/?", url):
        raise ValueError(f"url must be empty or an http(s) address of a repository such as "
                         f"https://github.com/<owner>/<repo>, got {url!r}")
    url = url.rstrip("/")
    return url[:-4] if url.endswith(".git") else url


def normalise_hub(url: str) -> str:
    """A JupyterHub address: ``""`` or ``http(s)://host[:port][/path]`` without a trailing ``/``."""
    if not isinstance(url, str):
        raise TypeError(f"jupyterhub must be a string, got {type(url).__name__}")
    url = url.strip()
    if url and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~%+-]+)*/?", url):
        raise ValueError(f"jupyterhub must be empty or an http(s) address such as https://hub.example.org, got {url!r}")
    return url.rstrip("/")


def is_github(url: str) -> bool:
    return re.match(r"^https://github\.com/[^/]+/[^/]+$", url) is not None


def _set_key(text: str, section: str, key: str, value: str) -> str:
    """Replace ``key: ...`` inside the top-level ``section:`` block of a YAML text, keeping comments and layout."""
    block = re.search(rf"^{re.escape(section)}:[ \t]*(#.*)?\n((?:[ \t]+.*\n|[ \t]*\n)*)", text, re.MULTILINE)
    if block is None:
        raise ValueError(f"_config.yml has no top-level {section!r} section")
    body = block.group(2)
    line = re.compile(rf"^([ \t]+{re.escape(key)}:[ \t]*)(\"[^\"\n]*\"|'[^'\n]*'|[^#\n]*?)([ \t]*(#.*)?)$",
                      re.MULTILINE)
    if line.search(body) is None:
        raise ValueError(f"_config.yml has no {section}.{key} entry")
    body = line.sub(lambda m: f"{m.group(1)}{json.dumps(value)}{m.group(3)}", body, count=1)
    return text[:block.start(2)] + body + text[block.end(2):]


def _get_key(text: str, section: str, key: str) -> str:
    import yaml

    value = (yaml.safe_load(text) or {}).get(section, {}) or {}
    return value.get(key) or ""


def update_config(text: str, url: str, jupyterhub: str | None = None) -> str:
    """``_config.yml`` text with the repository address and the launch services that go with it."""
    url = normalise_url(url)
    text = _set_key(text, "repository", "url", url)
    github = is_github(url)
    text = _set_key(text, "launch_buttons", "binderhub_url", BINDER if github else "")
    text = _set_key(text, "launch_buttons", "colab_url", COLAB if github else "")
    if jupyterhub is not None or not url:
        text = _set_key(text, "launch_buttons", "jupyterhub_url", normalise_hub(jupyterhub or "") if url else "")
    return text


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def setup_cell(nb: dict):
    """The notebook's first code cell (the set-up cell), or None."""
    return next((c for c in nb.get("cells", []) if c.get("cell_type") == "code"), None)


def check_notebook(nb: dict, url: str | None, name: str = "notebook") -> list[str]:
    """Problems with the notebook's set-up cell: missing, text changed, tag missing, or (unless ``url`` is None)
    an address other than ``url``."""
    cell = setup_cell(nb)
    if cell is None:
        return [f"{name}: no code cell, so no set-up cell"]
    problems = []
    src = _source(cell)
    found = _REPOSITORY_LINE.search(src)
    version = _version(src)
    if version is None:
        problems.append(f"{name}: the first code cell is not the set-up cell (its text must be exactly "
                        f"tools/set_repository.py's SETUP_CELL)")
    elif version > 0:
        problems.append(f"{name}: the set-up cell is an older version; run `python tools/set_repository.py "
                        f"--refresh` to bring every notebook's set-up cell up to date")
    elif url is not None and found.group(2) != url:
        problems.append(f"{name}: set-up cell has REPOSITORY = {found.group(2)!r}, _config.yml has {url!r}")
    if SETUP_TAG not in (cell.get("metadata", {}).get("tags") or []):
        problems.append(f"{name}: the set-up cell is not tagged {SETUP_TAG!r}")
    return problems


def _version(src: str) -> int | None:
    """0 if ``src`` is the current set-up cell, k if it is the k-th previous version (1 = the last), else None."""
    found = _REPOSITORY_LINE.search(src)
    if found is None:
        return None
    extra = _extra(src)
    for k, template in enumerate((SETUP_CELL, *PREVIOUS_SETUP_CELLS)):
        if src.rstrip("\n") == template.format(repository=found.group(2), extra=extra).rstrip("\n"):
            return k
    return None


def _extra(src: str) -> str:
    """The cell's EXTRA (``""`` for the first version of the cell, which had none)."""
    found = _EXTRA_LINE.search(src)
    return found.group(2) if found else ""


def update_notebook(nb: dict, url: str, name: str = "notebook") -> bool:
    """Write the address into the notebook's set-up cell (in place), bringing an older version of the cell up to
    date (keeping its EXTRA); True if it changed."""
    problems = [p for p in check_notebook(nb, None, name) if "older version" not in p]
    if problems:
        raise ValueError("; ".join(problems))
    cell = setup_cell(nb)
    src = _source(cell)
    extra = _extra(src)
    new = SETUP_CELL.format(repository=url, extra=extra).rstrip("\n") + ("\n" if src.endswith("\n") else "")
    if new == src:
        return False
    cell["source"] = new.splitlines(keepends=True) if isinstance(cell["source"], list) else new
    return True


def notebooks(root: Path) -> list[Path]:
    return sorted(p for p in (root / "notebooks").glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _dump(nb: dict) -> str:
    # The layout nbformat writes, so an unchanged notebook stays byte for byte the same.
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def run(root: Path, url: str | None, *, jupyterhub: str | None = None, check: bool = False,
        refresh: bool = False) -> list[str]:
    """Set (or with ``check`` verify) the address under ``root``; returns the problems (empty when all is well).
    ``refresh`` keeps the address of ``_config.yml`` and brings older set-up cells up to date."""
    config = root / "_config.yml"
    text = config.read_text(encoding="utf8")
    if check or refresh:
        url = normalise_url(_get_key(text, "repository", "url"))
    else:
        url = normalise_url(url)
        new_text = update_config(text, url, jupyterhub)
        if new_text != text:
            config.write_text(new_text, encoding="utf8")
    problems = []
    for path in notebooks(root):
        nb = json.loads(path.read_text(encoding="utf8"))
        name = str(path.relative_to(root))
        if check:
            problems += check_notebook(nb, url, name)
            continue
        try:
            changed = update_notebook(nb, url, name)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if changed:
            path.write_text(_dump(nb), encoding="utf8")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", help='the repository address, e.g. https://github.com/<owner>/<repo>; "" clears it')
    parser.add_argument("--jupyterhub", help="a JupyterHub address for the JupyterHub launch button")
    parser.add_argument("--check", action="store_true", help="verify every notebook's set-up cell, change nothing")
    parser.add_argument("--refresh", action="store_true",
                        help="rewrite older set-up cells as the current SETUP_CELL (address and EXTRA kept)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if (args.check or args.refresh) == (args.url is not None) or (args.check and args.refresh):
        parser.error("give either a URL (\"\" to clear it), --check or --refresh")
    try:
        problems = run(args.root, args.url, jupyterhub=args.jupyterhub, check=args.check, refresh=args.refresh)
    except (ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    n = len(notebooks(args.root))
    if args.check:
        print(f"ok: {n} notebooks start with the set-up cell and use _config.yml's repository.url")
    elif args.refresh:
        print(f"set-up cell up to date in {n} notebooks")
    else:
        print(f"repository.url = {normalise_url(args.url)!r}; set-up cell updated in {n} notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
