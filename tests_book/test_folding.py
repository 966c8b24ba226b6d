"""Issue 19.10: the website folds what JupyterLab folds. Hidden checks are not on the page, a
"Predict" prompt's answer is not visible below it, "Going further" and <details> are folded,
and code fits the column (no line cut at the right edge).

A synthetic notebook in the conventions of issue 19 (/work's conventions: tags remove-cell and
predict-answer, jupyter.source_hidden, <details>, "## Going further") is built into a one-page
site with the book's own conf.py and opened in Chromium; the real site (build/book/) is then
checked the same way, page by page.
"""

import html
import json
import re

import build_book as book
import pytest
from conftest import SHOTS, serve, site_pages
from test_site_browser import open_page

LONG_CODE = "total = " + " + ".join(f"value_{i}" for i in range(40))  # ~480 characters
LONG_OUTPUT = "LONG-OUTPUT " + "column " * 60
HIDDEN = {"jupyter": {"source_hidden": True, "outputs_hidden": True}, "tags": ["remove-cell"]}
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJ"
       "RU5ErkJggg==")


def md(cell_id, source, metadata=None):
    return {"cell_type": "markdown", "id": cell_id, "metadata": metadata or {}, "source": source}


def code(cell_id, source, text=None, metadata=None, figure=False):
    outputs = [{"output_type": "stream", "name": "stdout", "text": text}] if text else []
    if figure:
        outputs.append({"output_type": "display_data", "metadata": {},
                        "data": {"image/png": PNG, "text/plain": "<Figure>"}})
    return {"cell_type": "code", "id": cell_id, "metadata": metadata or {}, "source": source,
            "execution_count": 1, "outputs": outputs}


def synthetic_notebook():
    cells = [
        md("title", "# 07 · Folding\n\nVISIBLE-INTRO words."),
        md("prompt", "**Predict before you run:** which number will it print?"),
        code("answer", "print(42)", "ANSWER-OUTPUT 42\n", {"tags": ["predict-answer"]}),
        md("why", "<details><summary>Answer to the prediction</summary>\n\nFOLDED-ANSWER-TEXT: "
                  "because.\n\n</details>"),
        code("check", "assert HIDDEN_CHECK_SOURCE", "HIDDEN-CHECK-OUTPUT\n", HIDDEN, figure=True),
        code("helper", "HIDDEN_SOURCE_ONLY = 1\nprint('SHOWN' + '-OUTPUT')", "SHOWN-OUTPUT\n",
             {"jupyter": {"source_hidden": True}}),
        code("long", LONG_CODE + "\nprint(LONG_OUTPUT)", LONG_OUTPUT + "\n"),
        md("remember", "## What to remember\n\nVISIBLE-REMEMBER words."),
        md("further", "## Going further: more\n\nFURTHER-TEXT words.",
           {"jp-MarkdownHeadingCollapsed": True}),
        code("further-code", "print('FURTHER-CODE')", "FURTHER-OUTPUT\n"),
        md("deeper", "### Deeper\n\nDEEPER-TEXT words."),
    ]
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}}}


FOLDED = ["ANSWER-OUTPUT", "FOLDED-ANSWER-TEXT", "HIDDEN_SOURCE_ONLY", "FURTHER-TEXT",
          "FURTHER-CODE", "FURTHER-OUTPUT", "DEEPER-TEXT"]
SHOWN = ["VISIBLE-INTRO", "SHOWN-OUTPUT", "VISIBLE-REMEMBER", "LONG-OUTPUT", "value_39"]
ABSENT = ["HIDDEN_CHECK_SOURCE", "HIDDEN-CHECK-OUTPUT"]


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory):
    """The synthetic notebook as a one-page site, built by Sphinx with book/conf.py."""
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # as build_book.build does (a slow import)
    from sphinx.cmd.build import build_main

    root = tmp_path_factory.mktemp("mini")
    path = root / "notebooks" / "07_folding.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(synthetic_notebook()), encoding="utf-8")
    src, out = root / "src", root / "out"
    (src / "notebooks").mkdir(parents=True)
    (src / "notebooks" / path.name).write_text(book.copy_notebook(path, {}, set()),
                                               encoding="utf-8")
    (src / "index.md").write_text(book.index_page("# Mini\n\nA test site.",
                                                  {"Pages": ["notebooks/07_folding"]}))
    code = build_main(["-b", "html", "-q", "-W", "-c", str(book.BOOK),
                       "-d", str(root / "doctrees"), str(src), str(out)])
    assert code == 0, "Sphinx failed on the synthetic notebook"
    return out


def inside_closed_details(page_html: str, marker: str) -> bool:
    """Whether `marker` sits inside a <details> element of the HTML (not yet closed before it)."""
    at = page_html.index(marker)
    before = page_html[:at]
    return before.count("<details") > before.count("</details>")


def test_the_synthetic_page_folds_and_removes_in_its_html(mini_site):
    text = (mini_site / "notebooks" / "07_folding.html").read_text(encoding="utf-8")
    for marker in ABSENT:
        assert marker not in text, f"{marker}: a hidden check is on the page"
    for marker in FOLDED:
        assert inside_closed_details(text, marker), f"{marker}: not folded"
    for marker in SHOWN:
        assert not inside_closed_details(text, marker), f"{marker}: folded, should show"
    assert re.search(r"<details[^>]*>\s*<summary[^>]*>\s*<p[^>]*>Show the answer", text), \
        "the predict answer's toggle does not say what it opens"
    assert text.count('class="going-further"') == 1


WHAT_IS_SHOWN_JS = """
(markers) => {
  const found = {};
  const walker = document.createTreeWalker(document.querySelector("main"),
                                           NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of markers) {
      if (node.textContent.includes(m) && !found[m]) {
        found[m] = node.parentElement.checkVisibility();
      }
    }
  }
  return found;
}
"""
# Every <pre> of the page's main column whose text runs past its box (a scroll bar or a cut),
# with every <details> opened first: folded code must fit too once opened.
OVERFLOWING_PRE_JS = """
() => {
  document.querySelectorAll("main details").forEach(d => { d.open = true; });
  return [...document.querySelectorAll("main pre")]
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => [pre.scrollWidth, pre.clientWidth, pre.textContent.slice(0, 80)]);
}
"""
OPEN_DETAILS_JS = "() => [...document.querySelectorAll('main details')].filter(d => d.open).length"


@pytest.mark.parametrize("width", [1400, 800])
def test_the_synthetic_page_in_chromium(browser, mini_site, width):
    for url in serve(mini_site):
        page, log = open_page(browser, url, "notebooks/07_folding.html", "light")
        try:
            page.set_viewport_size({"width": width, "height": 1000})
            shown = page.evaluate(WHAT_IS_SHOWN_JS, FOLDED + SHOWN + ABSENT)
            opened = page.evaluate(OPEN_DETAILS_JS)
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"book-folding-{width}.png"), full_page=True)
            page.get_by_text("Show the answer").first.click()
            answer = page.get_by_text("ANSWER-OUTPUT").first.is_visible()
            overflowing = page.evaluate(OVERFLOWING_PRE_JS)
        finally:
            page.context.close()
    assert not log["errors"] and not log["outside"], log
    assert opened == 0, "a <details> is open when the page loads"
    assert {m: shown.get(m) for m in FOLDED} == dict.fromkeys(FOLDED, False)
    assert {m: shown.get(m) for m in SHOWN} == dict.fromkeys(SHOWN, True)
    assert not any(m in shown for m in ABSENT)
    assert answer, "the answer does not show when its toggle is clicked"
    assert not overflowing, f"code cut at the right edge: {overflowing}"


def hidden_sources(nb: dict) -> list[str]:
    return ["".join(c["source"]).strip() for c in nb["cells"] if not book.on_page(c)]


def going_further_sections(nb: dict) -> int:
    count = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = re.sub(r"^```.*?^```", "", "".join(cell["source"]), flags=re.M | re.S)
            count += len(re.findall(r"^#+\s*(Going further|延伸阅读)", source, re.M | re.I))
    return count


@pytest.mark.parametrize("path", book.notebooks(), ids=lambda p: f"{book.edition(p)}/{p.name}")
def test_each_notebook_page_folds_what_its_notebook_hides(site, path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    page_html = (site / book.edition(path) / f"{path.stem}.html").read_text(encoding="utf-8")
    code_text = html.unescape(re.sub(r"<[^>]+>", "", page_html))
    assert "tag_remove-cell" not in page_html
    for source in hidden_sources(nb):
        assert source not in code_text, f"a hidden check is on the page: {source[:80]!r}"
    # every predict-answer cell is on the page; where it has an output (notebooks/: the
    # exercises edition clears them), the output is folded
    predicted = [c for c in nb["cells"] if "predict-answer" in book.tags_of(c)]
    cells = [chunk for chunk in page_html.split('<div class="cell ')[1:]  # a chunk a cell
             if "tag_predict-answer" in chunk.split('"', 1)[0].split()]  # its classes
    assert len(cells) == len(predicted), "a predict-answer cell is missing from the page"
    for cell, chunk in zip(predicted, cells):
        if not cell["outputs"]:
            continue
        fold, output = chunk.find('<details class="admonition hide below-input"'), \
            chunk.find('class="cell_output')
        assert 0 <= fold < output, "a predict-answer's output is not folded"
    assert page_html.count('class="going-further"') == going_further_sections(nb)


PAGES = [p for p in site_pages() if p.startswith(("notebooks/0", "exercises/0"))] or ["-"]


@pytest.mark.parametrize("path", PAGES)
def test_each_notebook_page_in_chromium_has_code_that_fits_and_folds_closed(browser, server,
                                                                            path):
    page, log = open_page(browser, server, path, "light")
    try:
        opened = page.evaluate(OPEN_DETAILS_JS)
        answers = page.evaluate("""() => [...document.querySelectorAll(
            "main .tag_predict-answer .cell_output")].map(e => e.checkVisibility())""")
        further = page.evaluate("""() => [...document.querySelectorAll(
            "main details.going-further > :not(summary)")].map(e => e.checkVisibility())""")
        overflowing = page.evaluate(OVERFLOWING_PRE_JS)
    finally:
        page.context.close()
    assert not log["errors"], log
    assert opened == 0, f"{path}: {opened} <details> open when the page loads"
    assert not any(answers), f"{path}: a Predict answer is visible below its prompt"
    assert not any(further), f"{path}: a Going further section shows its content"
    assert not overflowing, f"{path}: code cut at the right edge: {overflowing[:5]}"
