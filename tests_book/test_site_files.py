"""The built site's files (build/book/), read without a browser: offline, links, alt text, pages.

Checks what the HTML says; test_site_browser.py checks what Chromium does with it.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import build_book as book
import pytest
from conftest import ROOT, SITE, site_pages

# Elements whose URL the browser fetches by itself (an <a> is only followed when clicked).
FETCHED = {("img", "src"), ("script", "src"), ("link", "href"), ("iframe", "src"),
           ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"),
           ("object", "data"), ("image", "href"), ("use", "href"), ("input", "src")}
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^"')\s]+)""")


class PageParser(HTMLParser):
    """Collects a page's ids, its URLs (tag, attribute, value), its images and inline CSS."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.urls, self.images, self.styles = set(), [], [], []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        for key in ("src", "href", "data"):
            if a.get(key) is not None:
                self.urls.append((tag, key, a[key]))
        if tag == "img":
            self.images.append(a)
        if a.get("style"):
            self.styles.append(a["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def pages(site):
    return {rel: parse(site / rel) for rel in site_pages()}


def source_notebooks():
    return [p for p in book.notebooks()]


def test_site_has_every_page(pages):
    expected = {"index.html", "notebooks/glossary.html", "search.html"}
    expected |= {f"{book.edition(p)}/{p.stem}.html" for p in source_notebooks()}
    if (ROOT / "data" / "README.md").exists():
        expected.add("data/README.html")
    assert expected <= set(pages), f"missing pages: {sorted(expected - set(pages))}"


def test_nothing_is_fetched_from_outside(site, pages):
    problems = [f"{rel}: <{tag} {key}={value!r}>" for rel, page in pages.items()
                for tag, key, value in page.urls
                if (tag, key) in FETCHED and EXTERNAL.match(value)]
    problems += [f"{rel}: inline style {url!r}" for rel, page in pages.items()
                 for css in page.styles for url in CSS_URL.findall(css) if EXTERNAL.match(url)]
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        problems += [f"{css.relative_to(site)}: {url!r}" for url in CSS_URL.findall(text)
                     if EXTERNAL.match(url)]
    assert not problems, "resources from outside the site:\n" + "\n".join(problems)


def test_every_internal_link_resolves_with_its_anchor(site, pages):
    problems, checked = [], 0
    for rel, page in pages.items():
        for tag, key, value in page.urls:
            if EXTERNAL.match(value) or re.match(r"^[a-z]+:", value):
                continue  # https://, mailto:, data:, javascript:
            url = urlsplit(value)
            target = (site / rel).parent / unquote(url.path) if url.path else site / rel
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file() or site.resolve() not in target.parents:
                problems.append(f"{rel}: <{tag} {key}={value!r}>: no such file")
                continue
            if url.fragment and target.suffix == ".html":
                ids = pages.get(target.relative_to(site.resolve()).as_posix())
                ids = ids.ids if ids else parse(target).ids
                if unquote(url.fragment) not in ids:
                    problems.append(f"{rel}: <{tag} {key}={value!r}>: no anchor "
                                    f"#{url.fragment} in {target.name}")
    assert checked > 100, f"only {checked} internal links found: is the site complete?"
    assert not problems, "broken internal links:\n" + "\n".join(problems)


def test_every_image_has_alt_text(pages):
    problems = [f"{rel}: {img.get('src')}" for rel, page in pages.items()
                for img in page.images if not (img.get("alt") or "").strip()]
    assert not problems, "images without alt text:\n" + "\n".join(problems)


def test_every_figure_shows_its_sentence_from_alt_text_yml(pages):
    """The sentences reach the right pages (myst-nb names figure files by their hash)."""
    table = book.load_alt_text()
    for path in source_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        wanted = set(book.alt_text_for(path, nb, table).values())
        page = pages[f"{book.edition(path)}/{path.stem}.html"]
        shown = {img["alt"] for img in page.images  # outputs: named by their SHA-256
                 if re.search(r"_images/[0-9a-f]{64}\.", img.get("src", ""))}
        assert shown == wanted, f"{path.name}: figures' alt text differs from alt_text.yml"


def test_each_notebook_page_says_how_to_run_it_and_its_source(site):
    for path in source_notebooks():
        html = (site / book.edition(path) / f"{path.stem}.html").read_text(encoding="utf-8")
        text = re.sub(r"<[^>]+>", "", html)
        assert "make lab" in text and f"{book.edition(path)}/{path.name}" in text, path.name
        if book.is_chinese(path):  # the Chinese edition's header, and its switch to English
            assert "§2.2" in text and "理解 mini-batch 梯度下降法" in text, path.name
            assert f"../{path.stem}.html" in html, f"{path}: no link to the English page"
        else:
            assert "§2.2" in text and "Understanding mini-batch gradient descent" in text, path.name
        if book.edition(path) == "exercises":
            assert re.search(r"<h1>[^<]*\(exercises edition\)", html), f"{path}: not labelled"
        if book.edition(path) == "exercises/zh":
            assert re.search(r"<h1>[^<]*（练习版）", html), f"{path}: not labelled"


def test_each_notebook_page_has_its_table_of_contents_and_the_site_navigation(site, pages):
    notebook_pages = [f"{book.edition(p)}/{p.stem}.html" for p in source_notebooks()]
    for rel in notebook_pages:
        html = (site / rel).read_text(encoding="utf-8")
        toc = re.search(r'<nav id="pst-page-toc-nav"(.*?)</nav>', html, re.S)
        assert toc and toc.group(1).count("<a ") >= 2, f"{rel}: no in-page table of contents"
        nav = re.search(r'<nav class="bd-links bd-docs-nav"(.*?)</nav>', html, re.S)
        assert nav, f"{rel}: no site navigation"
        linked = {(SITE / rel).parent.joinpath(href).resolve()
                  for href in re.findall(r'href="([^"#]+)', nav.group(1))}
        missing = [other for other in notebook_pages if (SITE / other).resolve() not in linked
                   and other != rel]  # every notebook, both editions, from every page
        assert not missing, f"{rel}: the site navigation lacks {missing}"
    html = (site / "index.html").read_text(encoding="utf-8")
    for caption in ("Start here", *book.EDITIONS.values(), "Reference"):
        assert caption in html, f"index.html: no navigation caption {caption!r}"


def test_widgets_show_their_stored_text_and_no_widget_library_is_loaded(site):
    lab = (site / "notebooks" / "00_lab.html").read_text(encoding="utf-8")
    assert "the sliders appear when this cell runs" in lab
    assert "images/lab.png" in lab or "_images/lab.png" in lab, "no picture of the lab"
    for rel in site_pages():
        html = (site / rel).read_text(encoding="utf-8")
        assert "widget-view+json" not in html and "require.js" not in html, rel
        assert "VBox(children" not in html, rel


def test_math_in_the_sources_is_marked_up_for_mathjax(site):
    pages_with_math = 0
    for path in source_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        if re.search(r"\$[^$\s][^$]*\$", text):
            pages_with_math += 1
            html = (site / book.edition(path) / f"{path.stem}.html").read_text(encoding="utf-8")
            assert 'class="math notranslate' in html, f"{path}: math not parsed"
            assert "mathjax/tex-chtml.js" in html, f"{path}: MathJax not loaded"
    assert pages_with_math, "no source has math: the MathJax checks would check nothing"


def test_every_page_has_a_language_switch(site, pages):
    """Issue 21: every page of the site offers the other language (its twin where it has
    one, else the other language's front page)."""
    if not (ROOT / "README.zh.md").exists():
        pytest.skip("no Chinese edition")
    missing = []
    for rel in pages:
        if rel in ("search.html", "genindex.html"):  # Sphinx's own pages
            continue
        text = re.sub(r"<[^>]+>", "", (site / rel).read_text(encoding="utf-8"))
        chinese = rel == "zh.html" or "/zh/" in f"/{rel}"
        if ("English:" if chinese else "中文：") not in text:
            missing.append(rel)
    assert not missing, f"pages without a language switch: {missing}"
