"""tests/browser/passcache.py: a browser test is skipped only while every file it read is byte for byte the same."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "browser"))
import passcache  # noqa: E402


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(passcache, "CACHE_DIR", tmp_path / "records")
    monkeypatch.delenv("UPDOWN_BROWSER_CACHE", raising=False)
    page = tmp_path / "html" / "chapter.html"
    page.parent.mkdir()
    page.write_text("<p>a page</p>")
    script = tmp_path / "html" / "_static" / "book.js"
    script.parent.mkdir()
    script.write_text("// a script")
    return page, script


def test_a_passed_test_is_skipped_until_a_file_it_read_changes(cache):
    page, script = cache
    node = "tests/browser/test_pages.py::test_page[file-notebooks/01]"
    assert not passcache.unchanged(node)          # never passed
    passcache.remember(node, [page, script])
    assert passcache.unchanged(node)
    script.write_text("// another script")        # a file the page loaded, not the page itself
    assert not passcache.unchanged(node)
    passcache.remember(node, [page, script])
    assert passcache.unchanged(node)
    script.unlink()                                # a missing file counts
    assert not passcache.unchanged(node)


def test_the_tests_themselves_and_other_tests_are_separate(cache, monkeypatch, tmp_path):
    page, _ = cache
    passcache.remember("a", [page])
    assert not passcache.unchanged("b")
    # a change to the common inputs (the tests, the pins) runs everything again
    extra = tmp_path / "pins.txt"
    extra.write_text("torch==1")
    monkeypatch.setattr(passcache, "COMMON_INPUTS", (str(extra),))
    passcache.remember("a", [page])
    assert passcache.unchanged("a")
    extra.write_text("torch==2")
    assert not passcache.unchanged("a")


def test_off_switch_forget_and_nothing_read(cache, monkeypatch):
    page, _ = cache
    passcache.remember("a", [page])
    monkeypatch.setenv("UPDOWN_BROWSER_CACHE", "0")
    assert not passcache.unchanged("a")
    monkeypatch.delenv("UPDOWN_BROWSER_CACHE")
    assert passcache.unchanged("a")
    passcache.forget("a")
    assert not passcache.unchanged("a")
    passcache.remember("c", [])                    # a test that read nothing is never skipped
    assert not passcache.unchanged("c")


def test_local_file(tmp_path):
    book = tmp_path / "html"
    (book / "sub").mkdir(parents=True)
    assert passcache.local_file("http://127.0.0.1:8123/sub/page%20x.html", book) == book / "sub" / "page x.html"
    assert passcache.local_file((book / "a.js").as_uri(), book) == book / "a.js"
    assert passcache.local_file("http://127.0.0.1:8123/sub/", book) == book / "sub" / "index.html"
    assert passcache.local_file("https://cdn.example.org/x.js", book) is None
    assert passcache.local_file("data:image/png;base64,AAAA", book) is None


def test_expand_skips_bytecode(tmp_path):
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "pkg" / "a.py").write_text("x = 1")
    (tmp_path / "pkg" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    assert passcache.expand(["pkg/**/*"], tmp_path) == [tmp_path / "pkg" / "a.py"]
