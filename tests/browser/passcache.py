"""A browser test that passed is not run again while nothing it read has changed (warm `make test`).

After a browser test passes, a record is written to ``_build/cache/browser/``: the files the test read and one
SHA-256 digest of their bytes, together with the bytes of the browser tests themselves and the pinned requirements,
and the Chromium binary's size and modification time. Before the test runs again the digest is recomputed from the
same files; when it is unchanged the test is skipped with the reason "unchanged since it passed". Any change to a
page, to a script or style sheet it loaded, to the tests or to the pins runs it again, and a failed test leaves no
record.

What a test read:
- a page opened with the ``open_page`` fixture: the HTML file and every local file the page fetched (file:// or
  the local server), found by the browser itself, so an image or script added later is covered too;
- a test module's ``CACHE_INPUTS``: paths or globs relative to the repository (for tests that build or serve
  something themselves).

A fresh clone has no records, so CI runs every test. ``UPDOWN_BROWSER_CACHE=0`` turns the records off (nothing is
skipped or written); ``make clean`` removes them.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bookpages import CHROMIUM, ROOT

CACHE_DIR = ROOT / "_build" / "cache" / "browser"
#: Files every browser test depends on besides what it reads itself.
COMMON_INPUTS = ("tests/browser/*.py", "requirements.txt", "pyproject.toml")


def enabled() -> bool:
    return os.environ.get("UPDOWN_BROWSER_CACHE", "1") not in ("0", "")


def expand(patterns, root: Path = ROOT) -> list[Path]:
    """Paths and globs (relative to ``root``) as a sorted list of files; a missing path stays in the list."""
    files = set()
    for pattern in patterns:
        pattern = str(pattern)
        if any(ch in pattern for ch in "*?["):
            files.update(p for p in root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts)
        else:
            path = Path(pattern)
            files.add(path if path.is_absolute() else root / path)
    return sorted(files)


def digest(files, root: Path = ROOT) -> str:
    """One SHA-256 of the files' names and bytes (a missing file counts as missing), the common inputs and the
    Chromium binary's size and modification time."""
    h = hashlib.sha256()
    for path in sorted(set(map(Path, files)) | set(expand(COMMON_INPUTS, root))):
        h.update(str(path).encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"<missing>")
        h.update(b"\0")
    try:
        st = CHROMIUM.resolve().stat()
        h.update(f"chromium {st.st_size} {st.st_mtime_ns}".encode())
    except OSError:
        h.update(b"chromium missing")
    return h.hexdigest()


def local_file(url: str, book: Path) -> Path | None:
    """The file of the built book behind a URL the page fetched (file:// or the local server), else None."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        path = Path(unquote(parts.path))
    elif parts.scheme in ("http", "https") and parts.hostname in ("127.0.0.1", "localhost"):
        path = book / unquote(parts.path).lstrip("/")
    else:
        return None
    if path.is_dir():
        path = path / "index.html"
    return path


def _record_path(nodeid: str) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)
    return CACHE_DIR / f"{name[:150]}-{hashlib.sha256(nodeid.encode()).hexdigest()[:12]}.json"


def unchanged(nodeid: str) -> bool:
    """True when ``nodeid`` passed before and nothing it read has changed since."""
    if not enabled():
        return False
    try:
        record = json.loads(_record_path(nodeid).read_text(encoding="utf8"))
    except (OSError, ValueError):
        return False
    files = [Path(p) for p in record.get("files", [])]
    return bool(files) and record.get("digest") == digest(files)


def remember(nodeid: str, files) -> None:
    """Record that ``nodeid`` passed having read ``files``."""
    if not enabled():
        return
    files = sorted({str(Path(p)) for p in files})
    if not files:
        return
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = _record_path(nodeid)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"nodeid": nodeid, "files": files, "digest": digest(files)}, indent=1),
                   encoding="utf8")
    tmp.replace(path)


def forget(nodeid: str) -> None:
    _record_path(nodeid).unlink(missing_ok=True)
