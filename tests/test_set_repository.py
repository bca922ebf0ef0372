"""tools/set_repository.py: one address in _config.yml and in every notebook's set-up cell (on temporary copies)."""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "set_repository.py"
_spec = importlib.util.spec_from_file_location("set_repository", TOOL)
sr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sr)

URL = "https://github.com/example/updown"


def _notebook(first_code: str | None, tags=("remove-cell",)) -> dict:
    cells = [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": ["# Title"]}]
    if first_code is not None:
        cells.append({"cell_type": "code", "execution_count": None, "id": "s", "metadata": {"tags": list(tags)},
                      "outputs": [], "source": first_code.splitlines(keepends=True)})
    cells.append({"cell_type": "code", "execution_count": None, "id": "c", "metadata": {}, "outputs": [],
                  "source": ["x = 1"]})
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def book(tmp_path) -> Path:
    """A copy of the real _config.yml with two notebooks that start with the set-up cell."""
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    (tmp_path / "notebooks").mkdir()
    for name in ("01_a", "02_b"):
        text = sr._dump(_notebook(sr.SETUP_CELL.format(repository="", extra="")))
        (tmp_path / "notebooks" / f"{name}.ipynb").write_text(text, encoding="utf8")
    return tmp_path


def _config(root: Path) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf8"))


def _repository_in(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf8"))
    return sr._REPOSITORY_LINE.search(sr._source(sr.setup_cell(nb))).group(2)


def test_setup_cell_text_is_the_one_in_the_notebooks():
    """The template in the tool is the cell the chapters carry (checked on the repository's own notebooks)."""
    problems = sr.run(ROOT, None, check=True)
    assert problems == [], "\n".join(problems)


def test_set_then_clear_round_trip(book):
    before = {p.name: p.read_bytes() for p in [book / "_config.yml", *sr.notebooks(book)]}
    assert sr.run(book, URL + "/") == []
    cfg = _config(book)
    assert cfg["repository"]["url"] == URL
    assert cfg["launch_buttons"]["binderhub_url"] == sr.BINDER
    assert cfg["launch_buttons"]["colab_url"] == sr.COLAB
    assert [_repository_in(p) for p in sr.notebooks(book)] == [URL, URL]
    assert sr.run(book, None, check=True) == []
    # Everything else in the config is untouched: comments, other sections.
    text = (book / "_config.yml").read_text(encoding="utf8")
    assert "# The one address" in text and "sphinx:" in text and "execute:" in text
    assert sr.run(book, "") == []
    after = {p.name: p.read_bytes() for p in [book / "_config.yml", *sr.notebooks(book)]}
    assert after == before


def test_non_github_address_has_no_binder_or_colab(book):
    assert sr.run(book, "https://gitlab.com/example/updown.git", jupyterhub="https://hub.example.org/") == []
    cfg = _config(book)
    assert cfg["repository"]["url"] == "https://gitlab.com/example/updown"
    assert cfg["launch_buttons"]["binderhub_url"] == ""
    assert cfg["launch_buttons"]["colab_url"] == ""
    assert cfg["launch_buttons"]["jupyterhub_url"] == "https://hub.example.org"
    assert sr.run(book, "") == []
    assert _config(book)["launch_buttons"]["jupyterhub_url"] == ""


def test_check_finds_each_problem(book):
    nbs = sr.notebooks(book)
    nbs[0].write_text(sr._dump(_notebook(sr.SETUP_CELL.format(repository=URL, extra=""))), encoding="utf8")
    nbs[1].write_text(sr._dump(_notebook(sr.SETUP_CELL.format(repository="", extra=""), tags=())), encoding="utf8")
    (book / "notebooks" / "03_c.ipynb").write_text(sr._dump(_notebook("import numpy as np\n")), encoding="utf8")
    (book / "notebooks" / "04_d.ipynb").write_text(sr._dump(_notebook(None)), encoding="utf8")
    edited = sr.SETUP_CELL.format(repository="", extra="").replace("invalidate_caches()", "invalidate_caches()  # edited")
    (book / "notebooks" / "05_e.ipynb").write_text(sr._dump(_notebook(edited)), encoding="utf8")
    problems = "\n".join(sr.run(book, None, check=True))
    assert "01_a.ipynb: set-up cell has REPOSITORY = 'https://github.com/example/updown'" in problems
    assert "02_b.ipynb: the set-up cell is not tagged 'remove-cell'" in problems
    assert "03_c.ipynb: the first code cell is not the set-up cell" in problems
    assert "04_d.ipynb: the first code cell is not the set-up cell" in problems
    assert "05_e.ipynb: the first code cell is not the set-up cell" in problems
    # Setting the address refuses the notebooks without a set-up cell and leaves them as they were.
    before = (book / "notebooks" / "03_c.ipynb").read_bytes()
    problems = sr.run(book, URL)
    assert any("03_c.ipynb" in p for p in problems)
    assert (book / "notebooks" / "03_c.ipynb").read_bytes() == before


@pytest.mark.parametrize("bad", ["ftp://example.org/x", "github.com/example/updown", "https://", "https://x/a b",
                                 'https://github.com/a/"b'])
def test_bad_address(bad):
    with pytest.raises(ValueError, match="url must be empty or an http"):
        sr.normalise_url(bad)


def test_bad_hub(book):
    with pytest.raises(ValueError, match="jupyterhub must be empty or an http"):
        sr.run(book, URL, jupyterhub="hub.example.org")


def test_bad_type():
    with pytest.raises(TypeError, match="url must be a string, got int"):
        sr.normalise_url(3)


def test_config_without_section(tmp_path):
    with pytest.raises(ValueError, match="no top-level 'launch_buttons' section"):
        sr.update_config('repository:\n  url: ""\n', URL)


def test_command_line(book):
    def cli(*args):
        return subprocess.run([sys.executable, str(TOOL), "--root", str(book), *args],
                              capture_output=True, text=True)

    out = cli(URL)
    assert out.returncode == 0, out.stderr
    assert _config(book)["repository"]["url"] == URL
    assert cli("--check").returncode == 0
    nb = sr.notebooks(book)[0]
    nb.write_text(nb.read_text(encoding="utf8").replace(URL, "https://github.com/other/repo"), encoding="utf8")
    out = cli("--check")
    assert out.returncode == 1 and "01_a.ipynb" in out.stderr
    out = cli("not a url")
    assert out.returncode == 2 and "url must be empty" in out.stderr
    assert cli().returncode == 2  # neither an address nor --check


def test_refresh_brings_an_older_set_up_cell_up_to_date_keeping_address_and_extra(book):
    old = sr.PREVIOUS_SETUP_CELLS[0].format(repository=URL, extra="[crosslib]")
    path = book / "notebooks" / "03_old.ipynb"
    path.write_text(sr._dump(_notebook(old)), encoding="utf8")
    sr.run(book, URL)                                     # the other notebooks carry the address too
    path.write_text(sr._dump(_notebook(old)), encoding="utf8")
    problems = sr.run(book, None, check=True)
    assert problems == [f"notebooks/03_old.ipynb: the set-up cell is an older version; run `python "
                        f"tools/set_repository.py --refresh` to bring every notebook's set-up cell up to date"]
    untouched = {p: p.read_bytes() for p in sr.notebooks(book) if p != path}
    assert sr.run(book, None, refresh=True) == []
    assert sr.run(book, None, check=True) == []
    src = sr._source(sr.setup_cell(json.loads(path.read_text(encoding="utf8"))))
    assert src.rstrip("\n") == sr.SETUP_CELL.format(repository=URL, extra="[crosslib]").rstrip("\n")
    assert all(p.read_bytes() == b for p, b in untouched.items())
    out = subprocess.run([sys.executable, str(TOOL), "--root", str(book), "--refresh"], capture_output=True,
                         text=True)
    assert out.returncode == 0 and "up to date in 3 notebooks" in out.stdout, out.stderr


def test_refresh_recognises_the_first_release_set_up_cell(book):
    """A fork made from the first release (e0c33ee) has a cell without EXTRA: --check names it, --refresh
    replaces it keeping its address."""
    first = sr.PREVIOUS_SETUP_CELLS[-1].format(repository=URL)
    assert "EXTRA" not in first and "RuntimeError" in first
    sr.run(book, URL)
    path = book / "notebooks" / "04_first.ipynb"
    path.write_text(sr._dump(_notebook(first)), encoding="utf8")
    assert sr._version(first) == len(sr.PREVIOUS_SETUP_CELLS)
    assert [p for p in sr.run(book, None, check=True) if "04_first" in p and "older version" in p]
    assert sr.run(book, None, refresh=True) == []
    src = sr._source(sr.setup_cell(json.loads(path.read_text(encoding="utf8"))))
    assert src.rstrip("\n") == sr.SETUP_CELL.format(repository=URL, extra="").rstrip("\n")
    assert sr._version(first.replace("pip", "conda")) is None   # an edited cell is not taken for an old one


class _Ran(Exception):
    pass


def _run_setup_cell(monkeypatch, tmp_path, *, repository="", extra="", have=("updown", "torch"),
                    installed=True, clone=False, pip_ok=True):
    """Execute the set-up cell's text with the environment faked; returns the pip command it ran (or None)."""
    import importlib.metadata
    import importlib.util

    calls = []
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args):
        if name in ("updown", "torch"):
            return object() if name in have else None
        return real_find_spec(name, *args)

    def requires(dist):
        assert dist == "updown-book"
        return ['numpy>=1.24', 'fake-cv==1.0; extra == "crosslib"']

    def version(dist):
        if dist == "fake-cv" and not installed:
            raise importlib.metadata.PackageNotFoundError(dist)
        return "1.0"

    def run(args, *a, **k):
        calls.append(list(args))
        return subprocess.CompletedProcess(args, 0 if pip_ok else 1)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(importlib.metadata, "requires", requires)
    monkeypatch.setattr(importlib.metadata, "version", version)
    monkeypatch.setattr(subprocess, "run", run)
    work = tmp_path / "clone" / "notebooks"
    work.mkdir(parents=True, exist_ok=True)
    if clone:
        (tmp_path / "clone" / "pyproject.toml").write_text('[project]\nname = "updown-book"\n')
    monkeypatch.chdir(work)
    exec(compile(sr.SETUP_CELL.format(repository=repository, extra=extra), "setup-cell", "exec"), {})
    return calls[0] if calls else None


def test_set_up_cell_does_nothing_where_the_library_and_the_extra_are_installed(monkeypatch, tmp_path):
    assert _run_setup_cell(monkeypatch, tmp_path) is None
    assert _run_setup_cell(monkeypatch, tmp_path, extra="[crosslib]") is None


def test_set_up_cell_installs_from_a_clone_above_the_working_directory(monkeypatch, tmp_path):
    cmd = _run_setup_cell(monkeypatch, tmp_path, have=("torch",), clone=True, repository=URL)
    assert cmd == [sys.executable, "-m", "pip", "install", str(tmp_path / "clone")]


def test_set_up_cell_installs_a_missing_extra_even_where_the_library_is_installed(monkeypatch, tmp_path):
    cmd = _run_setup_cell(monkeypatch, tmp_path, extra="[crosslib]", installed=False, repository=URL)
    assert cmd == [sys.executable, "-m", "pip", "install", f"updown-book[crosslib] @ git+{URL}"]


def test_set_up_cell_takes_the_cpu_torch_when_torch_is_missing(monkeypatch, tmp_path):
    cmd = _run_setup_cell(monkeypatch, tmp_path, have=(), repository=URL)
    assert cmd[4:6] == ["--extra-index-url", "https://download.pytorch.org/whl/cpu"]


@pytest.mark.parametrize("repository, pip_ok", [("", True), (URL, False)])
def test_set_up_cell_stops_with_one_actionable_line(monkeypatch, tmp_path, repository, pip_ok):
    with pytest.raises(Exception) as info:
        _run_setup_cell(monkeypatch, tmp_path, have=("torch",), repository=repository, pip_ok=pip_ok)
    assert type(info.value).__name__ == "SetupError"
    (line,) = info.value._render_traceback_()
    assert line.startswith("The book's library is not installed. Run this, then restart the kernel: ")
    assert f"{sys.executable} -m pip install " in line
    assert ("'<path to a clone of the book>'" in line) if not repository else (f"git+{URL}" in line)
