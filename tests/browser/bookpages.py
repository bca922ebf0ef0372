"""Where the built book is, which pages its table of contents lists, and how Chromium is started."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("UPDOWN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}


def html_dir() -> Path:
    return Path(os.environ.get("UPDOWN_HTML", ROOT / "_build" / "html")).resolve()


def required() -> bool:
    return os.environ.get("UPDOWN_REQUIRE_BROWSER", "0") not in ("", "0")


def skip_or_fail(reason: str):
    if required():
        pytest.fail(f"{reason} (browser tests are required: UPDOWN_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def toc_pages(book: Path | None = None) -> list[str]:
    """Every page of the book's ``_toc.yml`` (root first, then in reading order), as paths without suffix."""
    import yaml

    book = book or html_dir().parent.parent
    toc_file = book / "_toc.yml"
    if not toc_file.is_file():
        return []
    toc = yaml.safe_load(toc_file.read_text(encoding="utf8")) or {}
    pages = [toc["root"]] if toc.get("root") else []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                pages.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [re.sub(r"\.(md|ipynb|rst)$", "", p) for p in dict.fromkeys(pages)]


