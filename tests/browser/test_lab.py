"""A chapter in JupyterLab (``make lab``), as a reader runs it: MyST renders, live figures at their own size.

Starts JupyterLab from this environment (``UPDOWN_STATIC`` unset, so explorations are live ipywidgets) on a
temporary copy of one chapter (the stored notebook is never touched, not even by Lab's autosave), with its own
config, runtime and settings folders, on a free local port. Headless Chromium opens the notebook with every
non-local request refused, then:

- an exercise cell (a ``{exercise}`` directive with ``{eq}`` roles and math) must be rendered by jupyterlab-myst:
  its title reads "Exercise ...", its math is typeset, and no raw MyST (backtick fences, ``:label:``, roles,
  ``:class: dropdown``) is left on the page of that cell or of the gated solution's opening cell;
- the first live exploration (the cells above it run first) must show its figure at its own pixel size, as
  big on the page as the PNG is (not stretched to the notebook's width).
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bookpages import skip_or_fail

pytestmark = pytest.mark.xdist_group("jupyterlab")   # one Lab server, on one worker (make test-browser: loadgroup)

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "notebooks" / "03_bilinear_2d.ipynb"
# what these tests read besides themselves (tests/browser/passcache.py): the chapter, the library it runs, how
# make lab starts JupyterLab
CACHE_INPUTS = ["notebooks/03_bilinear_2d.ipynb", "src/updown/**/*.py", "Makefile"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base URL, token, notebook name) of a JupyterLab serving a copy of the chapter; stopped afterwards."""
    try:
        import jupyterlab  # noqa: F401
        import jupyterlab_myst  # noqa: F401
    except ImportError as exc:
        skip_or_fail(f"JupyterLab or jupyterlab-myst is missing (pinned in requirements.txt): {exc}")
    if not CHAPTER.exists():
        skip_or_fail(f"{CHAPTER} is missing")
    home = tmp_path_factory.mktemp("lab")
    work = home / "notebooks"
    work.mkdir()
    shutil.copy2(CHAPTER, work / CHAPTER.name)
    token, port = secrets.token_hex(16), _free_port()
    env = {k: v for k, v in os.environ.items() if k != "UPDOWN_STATIC" and not k.startswith("JUPYTER")}
    env.update(JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               MPLBACKEND="module://matplotlib_inline.backend_inline")
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
           "--LabApp.expose_app_in_browser=True", "--ServerApp.disable_check_xsrf=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(home / "lab.log", "w")
    proc = subprocess.Popen(cmd, env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    json.load(r)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{(home / 'lab.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield base, token, CHAPTER.name
    finally:
        proc.send_signal(signal.SIGTERM)        # the server shuts its kernels down on the way out
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def notebook_page(browser, lab):
    base, token, name = lab
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    refused = []

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(f"{base}/lab/tree/{name}?token={token}")
    page.wait_for_function("""() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
        return k && k.status === 'idle' && w.content.widgets.length > 10; }""", timeout=120_000)
    yield page
    context.close()
    assert not refused, f"JupyterLab tried to leave the machine: {refused[:5]}"


def _cell_index(page, kind: str, text: str) -> int:
    index = page.evaluate("""([kind, text]) => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(
        w => w.model.type === kind && w.model.sharedModel.getSource().includes(text))""", [kind, text])
    assert index >= 0, f"no {kind} cell containing {text!r}"
    return index


def _rendered_markdown(page, index: int) -> dict:
    """Scroll the cell into view (Lab renders only visible cells) and return its rendered MyST."""
    page.evaluate("""async (i) => { const nb = window.jupyterapp.shell.currentWidget.content;
        nb.activeCellIndex = i; await nb.scrollToItem(i, 'start'); }""", index)
    page.wait_for_function("""(i) => { const w = window.jupyterapp.shell.currentWidget.content.widgets[i];
        const r = w.rendered && w.node.querySelector('.myst');
        return r && r.innerText.trim().length > 20; }""", arg=index,
                           timeout=30_000)
    return page.evaluate("""(i) => { const w = window.jupyterapp.shell.currentWidget.content.widgets[i];
        const r = w.node.querySelector('.myst');
        return {text: r.innerText, math: r.querySelectorAll('.katex, mjx-container').length}; }""", index)


RAW_MYST = ("```", ":label:", ":class:", "{exercise}", "{solution-start}", "{eq}", "{ref}", "$")


def test_an_exercise_cell_renders_as_myst(notebook_page):
    page = notebook_page
    rendered = _rendered_markdown(page, _cell_index(page, "markdown", "```{exercise}"))
    assert rendered["text"].lstrip().startswith("Exercise"), rendered["text"][:200]
    raw = [m for m in RAW_MYST if m in rendered["text"]]
    assert not raw, f"raw MyST {raw} in the rendered exercise: {rendered['text'][:400]!r}"
    solution = _rendered_markdown(page, _cell_index(page, "markdown", "{solution-start}"))
    raw = [m for m in RAW_MYST if m in solution["text"]]
    assert not raw, f"raw MyST {raw} in the rendered solution opening: {solution['text'][:400]!r}"


def test_an_exercise_cell_typesets_its_math(notebook_page):
    page = notebook_page
    index = page.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(
        w => w.model.type === 'markdown'
             && /```\\{exercise\\}[\\s\\S]*\\$[^$]+\\$/.test(w.model.sharedModel.getSource()))""")
    assert index >= 0, "no exercise cell with inline math in the chapter"
    assert _rendered_markdown(page, index)["math"] > 0


def test_a_live_figure_is_shown_at_its_own_pixel_size(notebook_page):
    page = notebook_page
    index = _cell_index(page, "code", "explore(")
    page.evaluate("""async (i) => { const app = window.jupyterapp, nb = app.shell.currentWidget.content;
        nb.activeCellIndex = i; await app.commands.execute('notebook:run-all-above');
        nb.activeCellIndex = i; await app.commands.execute('notebook:run-cell'); }""", index)
    page.evaluate("""async (i) => { const nb = window.jupyterapp.shell.currentWidget.content;
        nb.activeCellIndex = i; await nb.scrollToItem(i, 'start'); }""", index)
    page.wait_for_function("""(i) => { const w = window.jupyterapp.shell.currentWidget.content.widgets[i];
        const img = w.node.querySelector('.jp-OutputArea img.widget-image, .jp-OutputArea .widget-image img, '
                                         + '.jp-OutputArea .widget-image');
        return img && img.tagName === 'IMG' && img.complete && img.naturalWidth > 0; }""", arg=index,
                           timeout=120_000)
    size = page.evaluate("""(i) => { const w = window.jupyterapp.shell.currentWidget.content.widgets[i];
        const img = w.node.querySelector('.jp-OutputArea img.widget-image');
        const box = img.getBoundingClientRect();
        return {natural: [img.naturalWidth, img.naturalHeight], shown: [box.width, box.height],
                sliders: w.node.querySelectorAll('.jp-OutputArea .widget-slider').length}; }""", index)
    assert size["sliders"] >= 1, size
    (nw, nh), (w, h) = size["natural"], size["shown"]
    assert abs(w - nw) <= 1 and abs(h - nh) <= 1, f"a {nw}x{nh} figure is shown at {w:.0f}x{h:.0f}"
    # The control: without the widget's own width the same image is stretched to the output area's width,
    # which is what the measurement above would catch.
    stretched = page.evaluate("""(i) => { const w = window.jupyterapp.shell.currentWidget.content.widgets[i];
        const img = w.node.querySelector('.jp-OutputArea img.widget-image');
        img.style.width = ''; img.style.maxWidth = ''; img.style.height = '';
        return img.getBoundingClientRect().width; }""", index)
    assert stretched > nw + 50, f"control: the unsized image is {stretched:.0f} px wide, natural {nw}"
