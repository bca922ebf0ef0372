"""Launch (Binder, Colab, JupyterHub), repository and download buttons follow the one address in _config.yml.

Two throwaway builds of a one-chapter book made with the real _config.yml and book extension: with
``repository.url: ""`` no button appears and the build has no warning; with a dummy address set by
``tools/set_repository.py`` every button appears with the right link. Both open in Chromium without an error and
without a request leaving the machine (the buttons are links; nothing is fetched until a reader clicks).
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bookpages import ROOT

# In a parallel run (make test-browser: -n 2 --dist loadgroup) the two throwaway builds are made once, on one worker.
pytestmark = pytest.mark.xdist_group("buttons")
# what these tests read besides themselves (tests/browser/passcache.py): the book's configuration and extension
CACHE_INPUTS = ["_config.yml", "book/_ext/**/*", "book/references.bib", "tools/set_repository.py"]

URL = "https://github.com/example/updown"
HUB = "https://hub.example.org"
CHAPTER = "notebooks/01_tiny"

_spec = importlib.util.spec_from_file_location("set_repository", ROOT / "tools" / "set_repository.py")
set_repository = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(set_repository)

LINKS = {
    "binder": f"https://mybinder.org/v2/gh/example/updown/main?urlpath=lab/tree/{CHAPTER}.ipynb",
    "colab": f"https://colab.research.google.com/github/example/updown/blob/main/{CHAPTER}.ipynb",
    "jupyterhub": f"{HUB}/hub/user-redirect/git-pull?repo=https%3A//github.com/example/updown",
    "repository": f'href="{URL}"',
    "download": f"_sources/{CHAPTER}.ipynb",
}


def _make_book(root: Path, url: str) -> Path:
    (root / "book").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    shutil.copytree(ROOT / "book" / "_ext", root / "book" / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "book" / "references.bib", root / "book" / "references.bib")
    (root / "book" / "intro.md").write_text("# A tiny book\n\nOne chapter, one formula: $y = 2x$.\n", encoding="utf8")
    (root / "_toc.yml").write_text(f"format: jb-book\nroot: book/intro\nchapters:\n  - file: {CHAPTER}\n",
                                   encoding="utf8")
    (root / "notebooks").mkdir()
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    nb = {"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# Tiny chapter"]},
                    {**cell, "id": "b", "metadata": {"tags": ["remove-cell"]},
                     "source": set_repository.SETUP_CELL.format(repository="", extra="").splitlines(keepends=True)},
                    {**cell, "id": "c", "source": ["print(1 + 1)"]}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (root / f"{CHAPTER}.ipynb").write_text(json.dumps(nb, indent=1), encoding="utf8")
    problems = set_repository.run(root, url, jupyterhub=HUB if url else None)
    assert problems == []
    jb = Path(sys.executable).with_name("jupyter-book")
    env = {**os.environ, "UPDOWN_STATIC": "1", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    out = subprocess.run([str(jb), "build", str(root), "--warningiserror", "--keep-going"], env=env,
                         capture_output=True, text=True, timeout=600)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-3000:]
    assert "WARNING: " not in log.replace("[IPKernelApp] WARNING", ""), log[-3000:]
    return root / "_build" / "html"


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    if not shutil.which("jupyter-book", path=str(Path(sys.executable).parent)):
        pytest.skip("jupyter-book is not installed in this environment")
    return {state: _make_book(tmp_path_factory.mktemp(f"buttons-{state}"), url)
            for state, url in (("unset", ""), ("set", URL))}


def test_no_buttons_without_address(builds):
    html = (builds["unset"] / f"{CHAPTER}.html").read_text(encoding="utf8")
    for name, link in LINKS.items():
        assert link not in html, f"{name} button shown although repository.url is empty"
    for marker in ("mybinder", "colab.research", "launch-buttons", "btn-download", "fa-github"):
        assert marker not in html, f"{marker!r} found although repository.url is empty"
    assert not (builds["unset"] / "_sources").exists(), "page sources copied although nothing offers them"


def test_buttons_with_address(builds):
    html = (builds["set"] / f"{CHAPTER}.html").read_text(encoding="utf8")
    missing = [name for name, link in LINKS.items() if link not in html]
    assert not missing, f"buttons missing with repository.url = {URL}: {missing}"
    assert (builds["set"] / f"{CHAPTER.replace('notebooks/', '_sources/notebooks/')}.ipynb").is_file()


@pytest.mark.parametrize("state", ["unset", "set"])
def test_pages_open_cleanly(state, builds, open_page):
    page, visit = open_page((builds[state] / f"{CHAPTER}.html").as_uri())
    shown = page.evaluate("""() => [...document.querySelectorAll('a[href], button')]
        .filter((a) => /mybinder|colab|github\\.com|_sources/.test(a.getAttribute('href') || a.dataset.url || ''))
        .length""")
    assert (shown > 0) == (state == "set")
    assert not visit.problems(), "\n".join(visit.problems())
