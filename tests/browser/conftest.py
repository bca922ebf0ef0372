"""Fixtures for the browser tests: the built book, Debian's Chromium driven by playwright, a local HTTP server.

The tests read the book built in ``_build/html`` (``make book``; ``make test`` builds it first). Another build can be
tested with ``UPDOWN_HTML=/path/to/_build/html``; its table of contents is read from ``<book>/_toc.yml`` two levels
above. Without a build or without ``/usr/bin/chromium`` the tests are skipped with the reason, unless
``UPDOWN_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where they fail instead.

Every page is opened in a fresh browser context (empty storage, as on a first visit) that refuses every request
not addressed to ``file://`` or to the local server, and records it: a test fails if any was attempted.
"""
from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import passcache
from bookpages import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, html_dir, skip_or_fail


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# A test that passed is skipped while nothing it read has changed (tests/browser/passcache.py).
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item.cache_files = set(passcache.expand(getattr(item.module, "CACHE_INPUTS", ())))
    item.passed_phases = 0
    if passcache.unchanged(item.nodeid):
        pytest.skip("unchanged since it passed (tests/browser/passcache.py; UPDOWN_BROWSER_CACHE=0 runs it)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not hasattr(item, "passed_phases"):
        return
    if report.passed:
        item.passed_phases += 1
    elif report.failed:
        passcache.forget(item.nodeid)
    if report.when == "teardown" and item.passed_phases == 3:
        passcache.remember(item.nodeid, item.cache_files)


@pytest.fixture(scope="session")
def book() -> Path:
    """The built HTML book (skip, or fail when required, if it is missing)."""
    path = html_dir()
    if not (path / "index.html").is_file():
        skip_or_fail(f"no built book in {path}: run `make book` first")
    return path


@pytest.fixture(scope="session")
def screenshots(book) -> Path:
    """``_build/screenshots``: one PNG per page of this build's table of contents (others are removed)."""
    from bookpages import toc_pages

    out = book.parent / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    keep = {f"{p.replace('/', '__')}.png" for p in toc_pages()}
    for old in out.glob("*.png"):
        if old.name not in keep:
            old.unlink(missing_ok=True)
    return out


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through playwright (never `playwright install`); a fresh temporary profile."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is pinned in requirements.txt
        skip_or_fail(f"the playwright package is missing: {exc}")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="session")
def server(book):
    """``http://127.0.0.1:<free port>`` serving the built book, stopped at the end of the session."""
    handler = functools.partial(_QuietHandler, directory=str(book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.fixture(params=["file", "http"])
def base_url(request, book):
    """The book's address, once from disk (file://) and once from the local server."""
    if request.param == "file":
        return book.as_uri()
    return request.getfixturevalue("server")


def _is_local(url: str) -> bool:
    if url.startswith(("file:", "data:", "blob:", "about:")):
        return True
    return re.match(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?(/|$)", url) is not None


@dataclass
class Visit:
    """What happened while a page was open."""

    url: str
    blocked: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    loaded: set = field(default_factory=set)  # every address the page fetched (for its weight)

    def problems(self) -> list[str]:
        return ([f"non-local request attempted: {u}" for u in self.blocked]
                + [f"request failed: {u}" for u in self.failed]
                + [f"console error: {m}" for m in self.console_errors]
                + [f"page error: {m}" for m in self.page_errors])


@pytest.fixture
def open_page(browser, book, request):
    """``open_page(url) -> (page, visit)``: a fresh context refusing non-local requests, waiting for MathJax.
    Every local file a page fetched is one of the test's inputs for tests/browser/passcache.py."""
    contexts = []
    visits = []

    def _open(url: str, *, wait_math: bool = True):
        context = browser.new_context(viewport=VIEWPORT, service_workers="block")
        contexts.append(context)
        visit = Visit(url)
        visits.append(visit)

        def route(r):
            if _is_local(r.request.url):
                r.continue_()
            else:
                visit.blocked.append(r.request.url)
                r.abort("blockedbyclient")

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and visit.console_errors.append(
            f"{m.text} ({m.location.get('url', '')})"))
        page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
        page.on("requestfailed", lambda r: _is_local(r.url) and visit.failed.append(
            f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and visit.failed.append(f"{r.url} (HTTP {r.status})"))
        page.on("requestfinished", lambda r: visit.loaded.add(r.url))
        page.goto(url, wait_until="load")
        if wait_math:
            page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise"
                          " ? MathJax.startup.promise.then(() => true) : false")
        page.wait_for_load_state("networkidle", timeout=120_000)  # 2 cores shared by busy builds
        return page, visit

    yield _open
    for context in contexts:
        context.close()
    files = getattr(request.node, "cache_files", set())
    for visit in visits:
        for url in visit.loaded | {visit.url.split("?")[0].split("#")[0]}:
            path = passcache.local_file(url, book)
            if path is not None:
                files.add(path)
