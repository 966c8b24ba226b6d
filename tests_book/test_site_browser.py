"""Every page of the site in Chromium, light and dark: no console error, no request leaving
127.0.0.1, every image loaded, math rendered by MathJax, no serious or critical axe-core
violation. Screenshots: build/ui/book-<page>-<theme>.png.
"""

import importlib.util
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import SHOTS, site_pages

PAGES = site_pages() or ["index.html"]  # (none built yet: the site fixture says so)
THEMES = ("light", "dark")
FIGURE_PAGE = "notebooks/02_cost_curves.html"  # the notebook page shot with a figure in view
AXE_JS = Path(importlib.util.find_spec("axe_playwright_python").origin).with_name("axe.min.js")

# Every image (lazy ones too) loaded or failed; returns [src, naturalWidth, alt].
IMAGES_JS = """
async () => {
  const imgs = [...document.images];
  imgs.forEach(img => { img.loading = "eager"; });
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener("load", done); img.addEventListener("error", done);
  })));
  return imgs.map(img => [img.getAttribute("src"), img.naturalWidth, img.alt]);
}
"""
# axe's colour-contrast rule costs about 10 ms per element here (2 cores), and pygments wraps
# each token of code in a span: 4,000 spans on a notebook page. Spans of one token style in one
# kind of block share their colours, so the first of each style stays a span (and is checked),
# the others become plain text of their block (checked in its colours).
ONE_SPAN_PER_CODE_STYLE_JS = """
() => {
  const seen = new Set();
  for (const span of document.querySelectorAll(".highlight pre span")) {
    const key = span.className + "|" + (span.closest(".cell_output") ? "output" : "input");
    if (seen.has(key)) { span.replaceWith(...span.childNodes); } else { seen.add(key); }
  }
  return seen.size;
}
"""
# Math: each Sphinx math element rendered by MathJax, and no TeX left raw in the text.
MATH_JS = r"""
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const main = document.querySelector("main") || document.body;
  const clone = main.cloneNode(true);
  clone.querySelectorAll("pre, code, mjx-container, script, style").forEach(e => e.remove());
  const raw = clone.textContent.match(/\$[^$\s][^$\n]*\$|\\\(|\\\[|\\begin\{/g) || [];
  const maths = [...main.querySelectorAll(".math")];
  return {
    maths: maths.length,
    unrendered: maths.filter(e => !e.querySelector("mjx-container"))
                     .map(e => e.textContent.slice(0, 80)),
    raw: raw.slice(0, 10),
  };
}
"""


def slug(path: str) -> str:
    return path.removesuffix(".html").replace("/", "-")


def open_page(browser, server, path, theme):
    """A fresh page at the site's `path` in `theme`; returns (page, log of problems)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  color_scheme=theme)
    host = urlsplit(server).netloc
    log = {"outside": [], "errors": []}

    def only_local(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https") and url.netloc != host:
            log["outside"].append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and log["errors"].append(
        f"console: {m.text} ({m.location.get('url', '')})"))
    page.on("pageerror", lambda e: log["errors"].append(f"page error: {e}"))
    page.on("response", lambda r: r.status >= 400 and log["errors"].append(
        f"HTTP {r.status}: {r.url}"))
    page.goto(f"{server}/{path}", wait_until="load")
    page.wait_for_function("document.documentElement.dataset.theme !== undefined")
    return page, log


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("path", PAGES)
def test_page_works_offline_and_passes_axe(browser, server, path, theme):
    page, log = open_page(browser, server, path, theme)
    try:
        assert page.evaluate("document.documentElement.dataset.theme") == theme
        images = page.evaluate(IMAGES_JS)
        SHOTS.mkdir(parents=True, exist_ok=True)
        math = page.evaluate(MATH_JS)
        page.screenshot(path=str(SHOTS / f"book-{slug(path)}-{theme}.png"))
        page.evaluate(ONE_SPAN_PER_CODE_STYLE_JS)
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
        # preload: false: axe would fetch the style sheets again, resolving @import wrongly
        axe = page.evaluate("axe.run(document, {resultTypes: ['violations'], preload: false})")
        page.wait_for_timeout(200)  # late console messages
    finally:
        page.context.close()

    problems = log["errors"] + [f"request outside 127.0.0.1: {u}" for u in log["outside"]]
    problems += [f"image not loaded: {src}" for src, width, _alt in images if width == 0]
    problems += [f"image without alt text: {src}" for src, _w, alt in images if not alt.strip()]
    problems += [f"math not rendered: {t!r}" for t in math["unrendered"]]
    problems += [f"raw TeX in the text: {t!r}" for t in math["raw"]]
    problems += [f"axe {v['impact']}: {v['id']} ({v['help']}) at "
                 + ", ".join(str(n["target"]) for n in v["nodes"][:5])
                 for v in axe["violations"] if v["impact"] in ("serious", "critical")]
    assert not problems, f"{path} ({theme}):\n" + "\n".join(problems)


@pytest.mark.parametrize("theme", THEMES)
def test_figures_stay_readable_in_both_themes(browser, server, theme):
    """A notebook page with a figure in view; the figure sits on white in either theme."""
    page, log = open_page(browser, server, FIGURE_PAGE, theme)
    try:
        figure = page.locator(".cell_output img").first
        figure.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -150)")  # its cell's code above it too
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"book-{slug(FIGURE_PAGE)}-figure-{theme}.png"))
        background = figure.evaluate("img => getComputedStyle(img).backgroundColor")
        page_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    finally:
        page.context.close()
    assert not log["errors"] and not log["outside"], log
    if theme == "dark":
        assert background == "rgb(255, 255, 255)", f"figure background in dark: {background}"
        assert page_background != "rgb(255, 255, 255)", "the dark theme did not apply"


def test_lab_page_shows_the_lab_and_how_to_start_it(browser, server):
    page, log = open_page(browser, server, "notebooks/00_lab.html", "light")
    try:
        picture = page.locator("main img").first
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0"), "no picture"
        assert "lab" in picture.get_attribute("alt").lower()
        text = page.locator("main").inner_text()
        page.screenshot(path=str(SHOTS / "book-notebooks-00_lab-full.png"), full_page=True)
    finally:
        page.context.close()
    assert "make lab" in text and "Run ▸ Run All Cells" in text
    assert "the sliders appear when this cell runs" in text  # the widget's stored text
    assert "VBox(" not in text
    assert not log["errors"] and not log["outside"], log
