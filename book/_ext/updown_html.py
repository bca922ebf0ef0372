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
* **Lean output.** Of the MathJax copy made by sphinx-mathjax-offline only what the pages load is kept (the
  loader and core, TeX input and its extensions, CommonHTML output and its fonts, the assistive MathML for screen
  readers; no MathJax menu, see ``MATHJAX_LOAD``); the other combined bundles, source maps and the theme's translation
  catalogues (used at build time, never by the browser) are removed from the output, and the page sources
  (``_sources/``) are copied only when the download button is shown. The theme's icons are drawn from Font
  Awesome's web fonts alone: its 1.5 MB SVG-drawing script would otherwise be the heaviest file of every page.
  The figures in ``_images/`` are re-saved as palette PNGs (about 3x smaller), like the animation frames.
  Sphinx's search tools and index load on ``search.html`` only (search-as-you-type is off, so every other
  page's search box sends the query there): otherwise each page would carry the index of the whole book.
* **Nothing cut off.** ``static/updown.css`` widens the article column on wide windows, wraps printed output
  instead of scrolling it, and lets wide displayed equations scroll on narrow screens only.
* **The map of the book.** The directive ``{updown-map}`` (used in ``book/intro.md``) is replaced, once the
  chapter numbers are known, by the figure ``updown.plot.book.book_map`` draws from the chapters of the table of
  contents, with ``updown.plot.book.map_alt``'s text alternative: a chapter is on the map as soon as it is in
  ``_toc.yml``, never before. A chapter with no place on the map is a build warning.
"""
from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.util import logging

LOG = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"

#: MathJax as the pages load it: the loader (startup.js), the core, TeX input (its extensions load on demand),
#: CommonHTML output with its fonts, and the hidden MathML that screen readers read. The combined tex-chtml.js
#: would add the MathJax menu (0.4 MB on every page) and its speech engine; leaving them out keeps chapter pages
#: under 2.5 MB, and screen readers still get each formula as MathML.
MATHJAX_LOAD = ("input/tex", "output/chtml", "a11y/assistive-mml")
MATHJAX_KEEP = ("startup.js", "core.js", "input/tex.js", "input/tex", "output/chtml.js", "output/chtml",
                "a11y/assistive-mml.js")

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
    # MathJax from its loader with the components the book needs (see MATHJAX_LOAD), not the combined bundle.
    config.mathjax_path = "mathjax/startup.js"
    mathjax = dict(config.mathjax3_config or {})
    mathjax["loader"] = {"load": list(MATHJAX_LOAD)}
    config.mathjax3_config = mathjax
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
    if (mathjax / "startup.js").is_file():
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
    # The theme's few icons come from Font Awesome's web fonts, which its style sheet declares; the 1.5 MB script
    # that would redraw them as SVG is left out of every page, and so are the TrueType copies of the fonts
    # (every browser that runs MathJax 3 reads the WOFF2 ones, listed first).
    script = re.compile(r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\s*')
    # Sphinx's search tools and the search index (about 10 KB per chapter) are only used by search.html while
    # search-as-you-type is off (the theme's default): the search box of every other page sends its query there.
    # The theme loads them on every page all the same; left out, a page's weight no longer grows with the book,
    # and a change to one chapter's words no longer changes what every other page loads.
    search = re.compile(r'<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|'
                        r'searchindex\.js)[^"]*"></script>\s*')
    search_page = Path(app.outdir) / "search.html"
    as_you_type = _theme_options(app).get("search_as_you_type")
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf8")
        lean = script.sub("", text)
        if not as_you_type and page != search_page:
            lean = search.sub("", lean)
        if lean != text:
            page.write_text(lean, encoding="utf8")
    for name in ("fontawesome.js", "fontawesome.js.LICENSE.txt"):
        (static / "scripts" / name).unlink(missing_ok=True)
    for path in (static / "vendor" / "fontawesome" / "webfonts").glob("*.ttf"):
        path.unlink()
    palette_images(Path(app.outdir) / "_images")


def palette_images(folder: Path, colors: int = 256) -> None:
    """The chapters' figures re-saved as palette PNGs where that makes them smaller (as the animation frames are).

    Figures are flat colours, text and colormaps on white: an adaptive palette without dithering changes a pixel by
    about one level of 255 on average. Only files of this build are touched, never a notebook's stored output.
    """
    from PIL import Image

    for path in sorted(folder.glob("*.png")):
        with Image.open(path) as img:
            if img.mode == "P":
                continue
            rgb = img.convert("RGB")
        pal = rgb.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        out = io.BytesIO()
        pal.save(out, format="PNG")
        if out.tell() < path.stat().st_size:
            path.write_bytes(out.getvalue())


class book_map_node(nodes.General, nodes.Element):
    """Placeholder for the map of the book, drawn once the chapters' numbers are known (doctree-resolved)."""


class BookMap(Directive):
    """``{updown-map}``: the map of the book (``updown.plot.book``); the content is the figure's caption."""

    has_content = True
    option_spec = {"name": directives.unchanged}

    def run(self):
        node = book_map_node()
        if self.content:
            caption = nodes.paragraph()
            self.state.nested_parse(self.content, self.content_offset, caption)
            node["caption"] = caption.children
        else:
            node["caption"] = []
        node["name"] = self.options.get("name", "")
        return [node]


def _chapters(app, env) -> list[tuple[str, str, str]]:
    """(notebook name, chapter number, short title) of every numbered page of the table of contents."""
    from updown.plot.book import place_of

    found = []
    for docname in env.found_docs:
        number = env.toc_secnumbers.get(docname, {}).get("")
        if not number:
            continue
        name = docname.rsplit("/", 1)[-1]
        if place_of(name) is None:
            LOG.warning(f"chapter {docname} has no place on the map of the book (updown.plot.book.PLACES)")
            continue
        title = env.titles[docname].astext().split(": ")[0] if docname in env.titles else name
        found.append((tuple(number), name, ".".join(map(str, number)), title))
    return [item[1:] for item in sorted(found)]


def draw_book_map(app, doctree, docname) -> None:
    """Replace each map placeholder by the figure, embedded as a PNG with its text alternative."""
    placeholders = list(doctree.findall(book_map_node))
    if not placeholders:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from updown.plot.book import book_map, map_alt

    chapters = _chapters(app, app.env)
    fig = book_map(chapters)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    for node in placeholders:
        figure = nodes.figure(classes=["updown-map"])
        figure += nodes.image(uri=uri, alt=map_alt(chapters), candidates={"?": uri})
        if node["caption"]:
            figure += nodes.caption("", "", *[child.deepcopy() for child in node["caption"]])
        if node["name"]:
            figure["ids"].append(nodes.make_id(node["name"]))
        node.replace_self(figure)


def add_static(app, config) -> None:
    config.html_static_path = list(config.html_static_path or []) + [str(STATIC)]


def setup(app):
    app.add_node(book_map_node)
    app.add_directive("updown-map", BookMap)
    app.connect("config-inited", add_static)
    app.connect("doctree-resolved", draw_book_map)
    app.add_css_file("updown.css")
    app.connect("config-inited", configure, priority=900)
    app.connect("doctree-resolved", drop_thebe_nodes, priority=900)
    app.connect("html-page-context", clean_scripts, priority=900)
    app.connect("build-finished", prune_output, priority=900)
    app.add_js_file(None, body=_SEARCH_FROM_DISK, priority=210)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
