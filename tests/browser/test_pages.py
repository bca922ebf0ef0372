"""Every page of the table of contents, opened offline from disk and from a local server, in headless Chromium.

For each page: no request leaves the machine, no console or page error, every formula typeset by the bundled
MathJax, every image loaded, no traceback in an output, no empty widget box, every animation player steps
through its frames. One screenshot per page is kept in ``_build/screenshots/`` for a person to look at. The visit
over HTTP also checks what a reader sees (``test_layout.layout_problems``: nothing cut off at 1280 px, alt text,
listing lengths, page weight, 390 px).
"""
from __future__ import annotations

import pytest

from bookpages import toc_pages
from test_layout import layout_problems

PAGES = toc_pages()

# Text a reader should never see: unrendered MyST roles or directive fences, raw math, widget placeholders, a
# traceback.
PAGE_STATE = r"""() => {
  const visible = (el) => !el.closest('pre, code, script, style, textarea, .highlight, .cell_input');
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  const prose = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) { if (visible(n.parentElement)) prose.push(n.data); }
  const text = prose.join(' ');
  // a directive fence shown as text (issue 16 item 17: an admonition MyST did not parse)
  const raw = ['$$', '\\(', '\\[', '\\begin{', '{eq}`', '{glue:', '{cite', '{numref}`', '```{', ':::{']
    .filter((s) => text.includes(s));
  const math = [...document.querySelectorAll('.math')];
  const outputs = [...document.querySelectorAll('.cell_output, .output')];
  const outText = outputs.map((o) => o.innerText).join('\n');
  return {
    raw,
    mathNodes: math.length,
    mathUntypeset: math.filter((m) => !m.querySelector('mjx-container')).map((m) => m.textContent.slice(0, 60)),
    mathErrors: [...document.querySelectorAll('mjx-merror')].map((m) => m.getAttribute('data-mjx-error') || m.textContent),
    images: [...document.images].map((i) => ({src: i.currentSrc.slice(0, 100), ok: i.complete && i.naturalWidth > 0})),
    tracebacks: outputs.filter((o) => o.querySelector('.traceback, .output.error, .ansi-red-intense-fg')
      || /Traceback \(most recent call last\)|^-{20,}$/m.test(o.innerText)).length,
    widgetPlaceholders: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"],'
      + ' script[type="application/vnd.jupyter.widget-state+json"]').length
      + (document.body.innerHTML.includes('vnd.jupyter.widget-view') ? 1 : 0),
    emptyWidgets: [...document.querySelectorAll('.jupyter-widgets, .widget-subarea, .jp-OutputArea-output')]
      .filter((w) => w.getBoundingClientRect().height < 2 && !w.querySelector('img, svg')).length,
    widgetText: /\b(VBox|HBox|interactive|Output|IntSlider|FloatSlider)\(children=|\b\w+Slider\(value=/.test(outText),
    animations: document.querySelectorAll('.animation').length,
  };
}"""


def _load_images(page):
    page.evaluate("""() => Promise.all([...document.images].map((img) => {
        img.loading = 'eager';
        return img.complete ? null : new Promise((ok) => { img.onload = img.onerror = ok; });
    }))""")


def _check_animations(page) -> list[str]:
    """Each to_jshtml player: its frame is an image and 'Next frame' moves the slider and changes the frame."""
    problems = []
    for k, player in enumerate(page.query_selector_all(".animation")):
        slider = player.query_selector("input.anim-slider")
        img = player.query_selector("img")
        button = player.query_selector('button[title="Next frame"]')
        if not (slider and img and button):
            problems.append(f"animation {k}: player incomplete")
            continue
        frames = int(slider.get_attribute("max") or 0) + 1
        if frames < 2:
            problems.append(f"animation {k}: {frames} frame(s)")
            continue
        before = (slider.input_value(), img.get_attribute("src"))
        player.scroll_into_view_if_needed()
        button.click()
        after = (slider.input_value(), img.get_attribute("src"))
        if after[0] == before[0] or after[1] == before[1]:
            problems.append(f"animation {k}: 'Next frame' did not change the frame")
        icons = player.query_selector_all("button svg")
        if len(icons) != len(player.query_selector_all("button")):
            problems.append(f"animation {k}: a button has no inline icon")
    return problems


def test_toc_found(book):
    assert PAGES, f"no pages found in the _toc.yml next to {book}"
    assert PAGES[0] == toc_pages()[0]


@pytest.mark.parametrize("page_name", PAGES)
def test_page(page_name, base_url, book, open_page, screenshots, request):
    html = book / f"{page_name}.html"
    assert html.is_file(), f"{page_name} is in _toc.yml but was not built ({html} missing)"
    page, visit = open_page(f"{base_url}/{page_name}.html")
    _load_images(page)
    state = page.evaluate(PAGE_STATE)
    problems = visit.problems()
    problems += [f"raw markup left in the text: {s!r}" for s in state["raw"]]
    problems += [f"math not typeset: {m!r}" for m in state["mathUntypeset"]]
    problems += [f"MathJax error: {m!r}" for m in state["mathErrors"]]
    problems += [f"image not loaded: {i['src']}" for i in state["images"] if not i["ok"]]
    if state["tracebacks"]:
        problems.append(f"{state['tracebacks']} output(s) show a traceback")
    if state["widgetPlaceholders"] or state["emptyWidgets"] or state["widgetText"]:
        problems.append("a widget left an empty box or a placeholder (static builds must draw a figure "
                        f"or an animation): {state['widgetPlaceholders']} placeholder(s), "
                        f"{state['emptyWidgets']} empty box(es), widget repr text: {state['widgetText']}")
    problems += _check_animations(page)
    if base_url.startswith("file:"):
        # Back to the top, nothing focused: the theme's sticky header and sidebar then sit where a reader sees them.
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
        shot = screenshots / f"{page_name.replace('/', '__')}.png"
        page.screenshot(path=str(shot), full_page=True)
        request.node.cache_files.add(shot)  # a deleted screenshot runs the test again (passcache.py)
    if not base_url.startswith("file:"):
        problems += layout_problems(page, visit, book)  # last: it opens every block and narrows the window
    assert not problems, f"{page_name} ({base_url.split(':')[0]}):\n  " + "\n  ".join(problems)
    # Nothing the clicks above triggered may go out either.
    assert not visit.problems(), "\n".join(visit.problems())


def test_math_components_load_offline(base_url, book, open_page):
    """What the bundled MathJax loads on demand (TeX extensions, the assistive MathML) is shipped, and the pages
    load MathJax from its loader, not the combined bundle with the menu (see book/_ext/updown_html.py)."""
    with_math = [p for p in PAGES if "mathjax/startup.js" in (book / f"{p}.html").read_text(encoding="utf8")]
    if not with_math:
        pytest.skip("no page of this build uses math")
    page, visit = open_page(f"{base_url}/{with_math[0]}.html")
    assert page.evaluate("() => typeof MathJax !== 'undefined' && !!MathJax.startup"), "MathJax did not start"
    assert not (book / "_static" / "mathjax" / "tex-chtml.js").exists()
    loaded = page.evaluate("""() => MathJax.loader.load('[tex]/cancel', '[tex]/boldsymbol', 'a11y/assistive-mml')
                                    .then(() => 'ok', (e) => String(e && e.message || e))""")
    assert loaded == "ok"
    typeset = page.evaluate(r"""() => { const d = document.createElement('div');
        d.textContent = '\\(\\cancel{x} + \\boldsymbol{y}\\)'; document.body.appendChild(d);
        return MathJax.typesetPromise([d]).then(() => !!d.querySelector('mjx-container') && !d.querySelector('mjx-merror')); }""")
    assert typeset
    assert not visit.problems(), "\n".join(visit.problems())


def test_search(base_url, open_page):
    """The search page finds a word of the book offline, from disk and from the local server."""
    page, visit = open_page(f"{base_url}/search.html?q=pooling", wait_math=False)
    page.wait_for_selector("#search-results .search-summary", timeout=20_000)
    results = page.query_selector_all("#search-results ul.search li")
    assert results, page.inner_text("#search-results")[:500]
    assert any("pooling" in r.inner_text().lower() or r.query_selector("a") for r in results)
    page.wait_for_load_state("networkidle")
    assert not visit.problems(), "\n".join(visit.problems())


def test_search_from_a_chapter(base_url, book, open_page):
    """A chapter page loads no search index (only search.html does, see book/_ext/updown_html.py), and its search
    box still finds a word of the book: the query goes to the search page."""
    page, visit = open_page(f"{base_url}/{PAGES[0]}.html", wait_math=False)
    heavy = [u for u in visit.loaded if u.split("?")[0].endswith(("searchindex.js", "searchtools.js"))]
    assert not heavy, f"{PAGES[0]} loads the search tools: {heavy}"
    assert "searchindex.js" in (book / "search.html").read_text(encoding="utf8")
    page.keyboard.press("Control+k")
    box = page.locator("#pst-search-dialog input[name=q]")
    box.wait_for(state="visible", timeout=10_000)
    box.fill("pooling")
    box.press("Enter")
    page.wait_for_url("**/search.html?q=pooling*", timeout=20_000)
    page.wait_for_selector("#search-results .search-summary", timeout=20_000)
    assert page.query_selector_all("#search-results ul.search li"), page.inner_text("#search-results")[:500]
    page.wait_for_load_state("networkidle")
    assert not visit.problems(), "\n".join(visit.problems())


def test_index_redirects_to_root(book, open_page):
    """The folder opened from disk starts at index.html, which leads to the first page of the TOC."""
    page, visit = open_page((book / "index.html").as_uri(), wait_math=False)
    page.wait_for_url(f"**/{PAGES[0]}.html", timeout=10_000)
    assert not visit.problems(), "\n".join(visit.problems())
