"""What a reader sees on each page (issue 11): nothing cut off, every figure described, short listings, light pages.

``layout_problems`` checks a page of the table of contents opened from the local server in a 1280 x 900 window,
then narrowed to a 390-px phone; ``test_pages.test_page`` calls it on its HTTP visit of every page. The rules,
and how each is decided:

* **Listings shown open** (code a reader sees without clicking, not inside a collapsed block): no line of a cell
  input or of a code block wider than 88 characters, no ``show_source`` listing (code in a cell's output) longer
  than 25 lines. Printed output is not a listing: it wraps (``book/_ext/static/updown.css``) and is checked below.
* **Nothing cut off at 1280 px.** Every collapsed block is opened first (``<details>``, toggle buttons,
  dropdowns): *a hidden block counts once it is opened*, since a reader who opens it must see all of it. Then a
  code block, a printed output or a displayed equation is cut off if it needs horizontal scrolling (its content is
  wider than its box) or reaches past the article column. For code the failure counts the lines that do not fit.
* **Alt text.** Every image in the article (static figures and each animation's frame) has an ``alt`` that is a
  sentence (at least four words), is not a file name, and differs from every other image's on the page.
* **Weight.** Everything the page loads (its HTML with the embedded animations, images, style sheets, scripts,
  fonts, MathJax's components) at most 2.5 MB on disk, as a reader opening the book from a folder loads it; what
  a web host sends (text gzipped) is less.
* **390 px.** Equations and code may scroll inside their boxes; the page itself may not scroll sideways and no
  paragraph, list item or heading may reach past the window.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

MAX_CHARS = 88
MAX_LINES = 25
MAX_BYTES = 2_500_000
PHONE = {"width": 390, "height": 844}

# A code block shown on the page: cell inputs and highlighted blocks in outputs (show_source) or in the text.
LISTINGS = r"""() => {
  const PRINTED = '.output.stream, .output.text_plain, .output.traceback, .output.error, .output.stderr';
  const shown = (el) => el.getClientRects().length > 0 && !el.closest('details:not([open])');
  const blocks = [...document.querySelectorAll('main div.highlight pre')].filter(shown);
  return blocks.filter((pre) => !pre.closest(PRINTED)).map((pre) => {
    const lines = pre.innerText.replace(/\n$/, '').split('\n');
    const where = pre.closest('.cell_input') ? 'cell input'
      : (pre.closest(PRINTED) ? 'printed' : (pre.closest('.cell_output') ? 'listing' : 'code block'));
    return {where, first: lines[0].slice(0, 70), lines: lines.length,
            wide: lines.filter((l) => l.length > %(chars)d).map((l) => l.length)};
  });
}""" % {"chars": MAX_CHARS}

# Opens every collapsed block: <details>, sphinx-togglebutton buttons, sphinx-design / exercise dropdowns.
OPEN_ALL = r"""async () => {
  document.querySelectorAll('main details').forEach((d) => { d.open = true; });
  for (const b of document.querySelectorAll('main button.toggle-button')) {
    const target = document.getElementById(b.dataset.target || '') || b.parentElement;
    if (b.classList.contains('toggle-button-hidden') || (target && target.classList.contains('toggle-hidden'))) b.click();
  }
  document.querySelectorAll('main .toggle-hidden').forEach((el) => el.classList.remove('toggle-hidden'));
  await new Promise((ok) => setTimeout(ok, 300));
  return document.querySelectorAll('main details:not([open]), main .toggle-hidden').length;
}"""

# Blocks that do not fit: code (counting the lines too wide for the box), printed output, displayed equations.
OVERFLOW = r"""() => {
  const article = document.querySelector('main article, main .bd-article, main') ;
  const right = article.getBoundingClientRect().right + 1;
  const canvas = document.createElement('canvas').getContext('2d');
  const out = {code: [], output: [], math: []};
  const visible = (el) => el.getClientRects().length > 0;
  for (const pre of document.querySelectorAll('main pre')) {
    if (!visible(pre)) continue;
    const box = pre.getBoundingClientRect();
    const tooWide = pre.scrollWidth > pre.clientWidth + 1 || box.right > right;
    if (!tooWide) continue;
    const style = getComputedStyle(pre);
    canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = Math.min(pre.clientWidth, right - box.left) - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const lines = pre.innerText.split('\n').filter((l) => canvas.measureText(l).width > room + 0.5);
    const kind = pre.closest('.output.stream, .output.text_plain, .output.traceback, .output.error') ? 'output' : 'code';
    out[kind].push({first: pre.innerText.split('\n')[0].slice(0, 70), lines: Math.max(lines.length, 1),
                    example: (lines[0] || '').slice(0, 100)});
  }
  for (const m of document.querySelectorAll('main mjx-container[display="true"]')) {
    if (!visible(m)) continue;
    const inner = m.querySelector('mjx-math') || m;
    const box = m.getBoundingClientRect(), math = inner.getBoundingClientRect();
    const holder = m.closest('div.math') || m;
    if (m.scrollWidth > m.clientWidth + 1 || holder.scrollWidth > holder.clientWidth + 1
        || math.right > Math.min(box.right, right) + 1 || math.left < box.left - 1) {
      out.math.push({tex: (m.getAttribute('aria-label') || holder.textContent || '').slice(0, 80),
                     width: Math.round(math.width), room: Math.round(Math.min(box.right, right) - box.left)});
    }
  }
  return out;
}"""

ALTS = r"""() => [...document.querySelectorAll('main img')].map((img) => ({
  alt: img.getAttribute('alt'), src: (img.getAttribute('src') || '').slice(0, 80),
  animation: !!img.closest('.animation'),
}))"""

# Running text that reaches past a narrow window, and whether the page scrolls sideways.
PHONE_TEXT = r"""() => {
  const width = document.documentElement.clientWidth;
  const sel = ['p', 'li', 'dd', 'dt', 'h1', 'h2', 'h3', 'figcaption'].map((t) => 'article ' + t).join(', ');
  const text = [...document.querySelectorAll(sel)]
    .filter((el) => el.getClientRects().length > 0 && el.innerText.trim()
                    && !el.closest('pre, table, .math, mjx-container, .highlight'))
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .map((el) => el.innerText.slice(0, 60));
  return {pageScroll: document.documentElement.scrollWidth > width + 1, scrollWidth: document.documentElement.scrollWidth,
          width, text};
}"""


def alt_problems(images: list[dict]) -> list[str]:
    """The alt-text rule: a sentence, not a file name, different for each image of the page."""
    problems, seen = [], {}
    for k, image in enumerate(images):
        alt = (image["alt"] or "").strip()
        what = f"{'animation frame' if image['animation'] else 'image'} {k} ({image['src'][:40]}...)"
        name = Path(urlparse(image["src"]).path).name if not image["src"].startswith("data:") else ""
        if not alt:
            problems.append(f"{what}: no alt text")
        elif (name and name in alt) or alt.lower().endswith((".png", ".jpg", ".svg", ".gif")):
            problems.append(f"{what}: the alt text is a file name: {alt!r}")
        elif len(alt.split()) < 4:
            problems.append(f"{what}: the alt text is not a sentence: {alt!r}")
        elif alt in seen:
            problems.append(f"{what}: same alt text as image {seen[alt]}: {alt[:60]!r}")
        else:
            seen[alt] = k
    return problems


#: Text files a web host sends compressed (every static host gzips them); images and fonts are sent as they are.
TEXT = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map")


def page_bytes(book: Path, urls: set[str]) -> dict[str, tuple[int, int]]:
    """Each file of the book a page loaded: (size on disk, bytes sent by a web host that gzips text files)."""
    import gzip

    sizes = {}
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "file"):
            continue
        path = Path(unquote(parsed.path)) if parsed.scheme == "file" else book / unquote(parsed.path).lstrip("/")
        if path.is_file():
            data = path.read_bytes()
            sent = len(gzip.compress(data, 6)) if path.suffix in TEXT else len(data)
            sizes[str(path.relative_to(book)) if book in path.parents else str(path)] = (len(data), sent)
    return sizes


def weight_problems(page_name: str, sizes: dict[str, tuple[int, int]]) -> list[str]:
    """At most 2.5 MB on disk for everything the page loads (shared theme and MathJax files included)."""
    total = sum(v[0] for v in sizes.values())
    if total <= MAX_BYTES:
        return []
    biggest = sorted(sizes.items(), key=lambda kv: -kv[1][0])[:4]
    return [f"the page loads {total / 1e6:.2f} MB from disk (at most {MAX_BYTES / 1e6} MB): "
            + ", ".join(f"{k} {v[0] / 1e6:.2f} MB" for k, v in biggest)]


def layout_problems(page, visit, book: Path) -> list[str]:
    """Every rule above for an open page (served over HTTP, 1280 px wide); leaves it opened up and 390 px wide.

    Called by ``test_pages.test_page`` on its HTTP visit, so each page is loaded once for all these checks.
    """
    page.evaluate("() => Promise.all([...document.images].map((img) => { img.loading = 'eager'; "
                  "return img.complete ? null : new Promise((ok) => { img.onload = img.onerror = ok; }); }))")
    page.wait_for_load_state("networkidle")
    problems = []

    # listings as the reader first sees them
    for block in page.evaluate(LISTINGS):
        if block["wide"]:
            problems.append(f"{block['where']} '{block['first']}': {len(block['wide'])} line(s) over {MAX_CHARS} "
                            f"characters (longest {max(block['wide'])})")
        if block["where"] == "listing" and block["lines"] > MAX_LINES:
            problems.append(f"listing '{block['first']}' shown open is {block['lines']} lines long "
                            f"(at most {MAX_LINES}; collapse the rest)")

    problems += alt_problems(page.evaluate(ALTS))
    problems += weight_problems(page.url, page_bytes(book, visit.loaded))

    # everything opened, at 1280 px
    still_closed = page.evaluate(OPEN_ALL)
    if still_closed:
        problems.append(f"{still_closed} collapsed block(s) could not be opened")
    cut = page.evaluate(OVERFLOW)
    for block in cut["code"]:
        problems.append(f"code block '{block['first']}': {block['lines']} line(s) cut off at 1280 px, "
                        f"e.g. {block['example']!r}")
    for block in cut["output"]:
        problems.append(f"printed output '{block['first']}': {block['lines']} line(s) cut off at 1280 px")
    for eq in cut["math"]:
        problems.append(f"displayed equation {eq['tex']!r} is {eq['width']} px wide, {eq['room']} px fit")

    # a phone
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    phone = page.evaluate(PHONE_TEXT)
    if phone["pageScroll"]:
        problems.append(f"at {PHONE['width']} px the page scrolls sideways ({phone['scrollWidth']} px wide)")
    problems += [f"at {PHONE['width']} px running text is cut off: {t!r}" for t in phone["text"]]
    return problems


def test_alt_rule_catches_bad_alt_text():
    """The alt-text rule itself: it must reject what issue 11 found (file names, words, duplicates)."""
    bad = [{"alt": "", "src": "_images/a.png", "animation": False},
           {"alt": "a.png", "src": "_images/a.png", "animation": False},
           {"alt": "figure", "src": "_images/b.png", "animation": False},
           {"alt": "A max pooling window slides over a grid.", "src": "_images/c.png", "animation": False},
           {"alt": "A max pooling window slides over a grid.", "src": "data:image/png;base64,xx",
            "animation": True}]
    problems = alt_problems(bad)
    assert [p.split("): ", 1)[1].split(":")[0] for p in problems] == [
        "no alt text", "the alt text is a file name", "the alt text is not a sentence", "same alt text as image 3"]
    assert alt_problems(bad[3:4]) == []
