"""Sphinx configuration of the course's website (built by book/build_book.py; see its docstring).

Everything the pages load is served from the site itself: the theme (sphinx-book-theme on
pydata-sphinx-theme, its icons bundled), MathJax 3 from the sphinx-mathjax-offline package, no
widget library (the widgets' stored text is shown instead), no web font.
"""

import importlib.util
import json
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

project = "Understanding mini-batch gradient descent"
author = "the course's authors"
copyright = "the course's authors, MIT licence"
language = "en"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["myst.header"]  # notebooks may skip a heading level

# Execute nothing: the pages show the stored outputs.
nb_execution_mode = "off"
# No widget JavaScript from a CDN: show each widget's stored text/plain instead.
nb_ipywidgets_js = {}
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = project
# MathJax 3 from the sphinx-mathjax-offline package (PyPI): its files, copied to
# _static/mathjax/ (the package's own Sphinx hook is not declared safe for parallel builds).
MATHJAX_STATIC = importlib.util.find_spec("sphinx-mathjax-offline").submodule_search_locations[0]
mathjax_path = "mathjax/tex-chtml.js"
html_static_path = ["_static", str(Path(MATHJAX_STATIC, "static"))]
html_css_files = ["course.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
# Light or dark as the reader's system says, until they pick one (the theme's switch); an
# empty mode would make the theme log an error in the console.
html_context = {"default_mode": "auto"}
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
}

logger = logging.getLogger(__name__)


def add_alt_text(app, doctree):
    """Give each figure of a notebook page the sentence book/build_book.py stored for it.

    build.py keys the sentences by the SHA-256 of the figure's bytes, which is also the name
    myst-nb gives the figure's file. A notebook figure left without one is an error.
    """
    source = Path(app.srcdir, app.env.docname + ".ipynb")
    if not source.exists():
        return
    alt = json.loads(source.read_text(encoding="utf-8"))["metadata"].get("book_alt_text", {})
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            continue
        sentence = alt.get(Path(image["uri"]).stem)
        if sentence:
            image["alt"] = sentence
        else:
            logger.warning(f"figure {image['uri']} has no alt text (book/alt_text.yml)",
                           location=image)


# A section whose title starts so is optional: folded, with this summary.
GOING_FURTHER = {"going further": "Open this section (optional: no later notebook needs it)",
                 "延伸阅读": "展开这一节（选读：后面的 notebook 都不需要它）"}


def fold_going_further(app, doctree):
    """Fold each "Going further" section under its title, as JupyterLab folds it (the heading
    cell's metadata `jp-MarkdownHeadingCollapsed`): its content goes inside a closed <details>.

    Raw HTML around the section's content (not a new node type) keeps the doctree picklable
    for Sphinx's parallel build; the section's subsections stay in the page's contents, and
    Chromium opens the <details> when a link leads inside it.
    """
    for section in list(doctree.findall(nodes.section)):
        if not (section.children and isinstance(section[0], nodes.title)):
            continue
        title = section[0].astext().strip().lower()
        summary = next((text for start, text in GOING_FURTHER.items()
                        if title.startswith(start)), None)
        if summary is None:
            continue
        if len(section.children) == 1:
            continue
        section.insert(1, nodes.raw("", '<details class="going-further"><summary>'
                                    f"{summary}</summary>\n", format="html"))
        section.append(nodes.raw("", "</details>\n", format="html"))


def chinese_pages_in_chinese(app, pagename, templatename, context, doctree):
    """The Chinese edition's pages (notebooks/zh, exercises/zh, zh) say so in <html lang>:
    screen readers and the browser's font choice follow it."""
    if pagename == "zh" or "/zh/" in f"/{pagename}":
        context["language"] = "zh-CN"


def setup(app):
    app.connect("html-page-context", chinese_pages_in_chinese)
    app.connect("doctree-read", add_alt_text)
    app.connect("doctree-read", fold_going_further)
