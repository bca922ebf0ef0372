"""Sphinx extension for the book's HTML: readable offline, no console errors, lean, buttons from one address.

Loaded from ``_config.yml`` (``sphinx: local_extensions: {updown_html: book/_ext}``). What it does and why:

* **Buttons follow ``repository.url``.** With an empty address the page shows no repository, download or launch
  button (and Jupyter Book raises no error); with an address it shows the repository and download buttons and the
  launch buttons configured under ``launch_buttons`` (``tools/set_repository.py URL`` writes both).
* **No duplicate inline scripts.** Sphinx 7.4 registers an inline script added after the builder starts twice
  (once as ``None``, once as ``''``), which declares ``const THEBE_JS_URL`` twice and raises a page error on every
  page. Scripts are de-duplicated per page, and sphinx-thebe's scripts and configuration are left out entirely
  while ``launch_buttons.thebe`` is off (they name a CDN the page would fetch on activation).
* **Search from disk.** Search results fetch each page for a summary, which a browser refuses for ``file://``
  pages; opened from disk the results show titles only, served over HTTP they show summaries.
* **Lean output.** Of the MathJax copy made by sphinx-mathjax-offline only what ``tex-chtml.js`` can load is
  kept (its TeX extensions, both output renderers and their fonts, the accessibility menu's components and their
  English and Braille speech rules); the other combined bundles, source maps and the theme's translation
  catalogues (used at build time, never by the browser) are removed from the output, and the page sources
  (``_sources/``) are copied only when the download button is shown.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes

#: Paths under _static/mathjax that tex-chtml.js loads itself or on the reader's request (MathJax menu).
MATHJAX_KEEP = ("tex-chtml.js", "input/tex", "input/mml", "input/mml.js", "output", "a11y", "ui",
                # speech rules of the accessibility menu: the book's language, the shared base, Nemeth Braille
                "sre/mathmaps/base.json", "sre/mathmaps/en.json", "sre/mathmaps/nemeth.json")

_BUTTONS = ("use_repository_button", "use_download_button")
_LAUNCH = ("binderhub_url", "colab_url", "jupyterhub_url", "jupyterlite_url", "thebe")

# Opened from disk, the search page cannot fetch other pages for their summaries (the browser blocks file://
# fetches), so it shows titles only; documentation_options.js (priority 200) defines DOCUMENTATION_OPTIONS.
_SEARCH_FROM_DISK = ('if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") '
                     '{ DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false; }')


def _theme_options(app) -> dict:
    opts = app.config.html_theme_options
    if opts is None:
        opts = app.config.html_theme_options = {}
    return opts


def configure(app, config) -> None:
    """Turn the buttons on or off from the one repository address."""
    opts = _theme_options(app)
    url = (opts.get("repository_url") or "").strip()
    for key in _BUTTONS:
        opts[key] = bool(url)
    for key in ("use_issues_button", "use_edit_page_button"):
        opts[key] = bool(url) and bool(opts.get(key))
    launch = dict(opts.get("launch_buttons") or {})
    if not url:
        for key in _LAUNCH:
            launch.pop(key, None)
    opts["launch_buttons"] = launch
    # The copied sources (_sources/) only serve the download button: without it they are dead weight.
    if not url:
        config.html_copy_source = False


def _thebe_on(app) -> bool:
    return bool((_theme_options(app).get("launch_buttons") or {}).get("thebe"))


def drop_thebe_nodes(app, doctree, docname) -> None:
    """Remove sphinx-thebe's per-page configuration when thebe is off (it is only read by thebe)."""
    if _thebe_on(app):
        return
    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if "text/x-thebe-config" in text or text.startswith("<script>kernelName ="):
            node.parent.remove(node)


def clean_scripts(app, pagename, templatename, context, doctree) -> None:
    """De-duplicate the page's scripts and leave out sphinx-thebe's while thebe is off."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    thebe = _thebe_on(app)
    seen, kept = set(), []
    for js in scripts:
        name = str(getattr(js, "filename", js) or "")
        attrs = getattr(js, "attributes", {}) or {}
        body = attrs.get("body", "")
        if not thebe and (name.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body):
            continue
        key = (name, getattr(js, "priority", 500), tuple(sorted(attrs.items())))
        if key in seen:
            continue
        seen.add(key)
        kept.append(js)
    context["script_files"] = kept


def prune_output(app, exception) -> None:
    """Remove from the HTML output what no page loads: unused MathJax bundles, source maps, catalogues."""
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    mathjax = static / "mathjax"
    if (mathjax / "tex-chtml.js").is_file():
        keep = [mathjax / k for k in MATHJAX_KEEP]
        for path in sorted(mathjax.rglob("*"), reverse=True):
            if any(path == k or k in path.parents for k in keep):
                continue
            if path.is_dir():
                if not any(path.iterdir()):
                    path.rmdir()
            else:
                path.unlink()
    for path in static.rglob("*.map"):
        path.unlink()
    shutil.rmtree(static / "locales", ignore_errors=True)


def setup(app):
    app.connect("config-inited", configure, priority=900)
    app.connect("doctree-resolved", drop_thebe_nodes, priority=900)
    app.connect("html-page-context", clean_scripts, priority=900)
    app.connect("build-finished", prune_output, priority=900)
    app.add_js_file(None, body=_SEARCH_FROM_DISK, priority=210)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
