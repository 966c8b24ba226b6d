"""Build the course as a static website: build/book/index.html, from the stored notebooks.

    .venv/bin/python book/build_book.py            # build/book/ (what `make book` runs)
    .venv/bin/python book/build_book.py --clean    # the same, from scratch
    .venv/bin/python book/build_book.py --figures DIR  # every figure as a PNG, to write alt text

Nothing is executed: the pages show the outputs stored in notebooks/ and exercises/. The
sources are copied to build/book_src/ (the notebooks themselves are never touched), and the
copy gets, on each page, a header (how to run it live with `make lab`, and the source section),
clear labels for the exercises edition, and the alt text of every figure from
book/alt_text.yml. A figure without alt text stops the build, naming its notebook and cell.
What JupyterLab folds is folded on the page too (see fold_like_the_lab): the hidden check cells
(tag `remove-cell`) are not on the page at all, cells whose input or output JupyterLab hides
show it behind a "Show" toggle, the answer of a "Predict before you run" prompt (tag
`predict-answer`) stays behind one, and book/conf.py folds each "Going further" section.
Then Sphinx (myst-nb, sphinx-book-theme, MathJax from the sphinx-mathjax-offline package, all
from PyPI: nothing is fetched at build or view time) writes build/book/.
A file of the copy is rewritten only when its content changed, so Sphinx rebuilds only the
pages whose source changed.
"""

import argparse
import base64
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SRC = ROOT / "build" / "book_src"
OUT = ROOT / "build" / "book"
ALT_TEXT = BOOK / "alt_text.yml"
MAX_ALT = 320  # characters: screen readers read alt text in one go
FIGURE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")

# The source section every notebook covers, in the words of the course's glossary
# (notebooks/glossary.md) and of the course notes (shared/COURSE_NOTES.md, first paragraph).
SOURCE_SECTION = (
    '§2.2 "理解 mini-batch 梯度下降法 (Understanding mini-batch gradient descent)" of the '
    'deeplearning.ai course notes, Course 2 "Improving Deep Neural Networks", Week 2 '
    '"Optimization algorithms" (第二周:优化算法)'
)
EDITIONS = {  # folder: (label in the navigation, what its pages are)
    "notebooks": "The course (complete, with solutions)",
    "exercises": "Exercises edition (write the code yourself)",
    "notebooks/zh": "中文版：课程（完整版，含答案）",
    "exercises/zh": "中文版：练习版（自己写代码）",
}
SOURCE_SECTION_ZH = ('deeplearning.ai 课程笔记第二课「改善深层神经网络」第二周「优化算法」'
                     '§2.2「理解 mini-batch 梯度下降法」')


class MissingAltText(ValueError):
    """A figure in a notebook has no sentence in book/alt_text.yml (or one is left over)."""


def notebooks() -> list[Path]:
    """The course's notebooks, every edition, in the order of EDITIONS."""
    return [p for folder in EDITIONS for p in sorted((ROOT / folder).glob("[0-9]*.ipynb"))]


def edition(path: Path) -> str:
    """The edition a notebook belongs to: its folder, relative to the course ("notebooks",
    "exercises", "notebooks/zh" or "exercises/zh")."""
    return path.parent.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else (
        path.parent.name if path.parent.name != "zh" else f"{path.parent.parent.name}/zh")


def is_chinese(path: Path) -> bool:
    return path.parent.name == "zh"


REMOVED = ("remove-cell", "remove_cell")  # myst-nb's tags for a cell left off the page
PREDICT_ANSWER = "predict-answer"  # the code cell that answers a "Predict" prompt
HEADING = re.compile(r"^#{1,6} ", re.MULTILINE)


def tags_of(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def on_page(cell: dict) -> bool:
    """Whether the website shows the cell at all (a hidden check cell is removed)."""
    return not any(tag in REMOVED for tag in tags_of(cell))


def fold_like_the_lab(cell: dict, zh: bool = False) -> dict:
    """The cell as the website should show it, folded where JupyterLab folds it.

    A code cell whose input (output) JupyterLab hides, `jupyter.source_hidden`
    (`outputs_hidden`), gets myst-nb's tag `hide-input` (`hide-output`): a closed <details>
    with a "Show" summary. A `predict-answer` cell's output is folded the same way, so the answer
    is not visible below its prompt. A hidden markdown cell is wrapped in <details> (one with a
    heading is left as it is: a section cannot sit inside <details>).
    """
    cell = json.loads(json.dumps(cell))  # a copy
    metadata = cell.setdefault("metadata", {})
    hidden = metadata.get("jupyter", {})
    tags = list(metadata.get("tags", []))
    if cell["cell_type"] == "code":
        if hidden.get("source_hidden") and "hide-input" not in tags:
            tags.append("hide-input")
        if (hidden.get("outputs_hidden") or PREDICT_ANSWER in tags) and "hide-output" not in tags:
            tags.append("hide-output")
        if PREDICT_ANSWER in tags:
            metadata.setdefault("mystnb", {}).update(
                code_prompt_show="显示答案 ({type})" if zh else "Show the answer ({type})",
                code_prompt_hide="隐藏答案" if zh else "Hide the answer")
        if tags:
            metadata["tags"] = tags
    elif cell["cell_type"] == "markdown" and hidden.get("source_hidden"):
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        if not HEADING.search(source):
            summary = "显示隐藏的文字" if zh else "Show the hidden text"
            cell["source"] = (f"<details class=\"hidden-markdown\"><summary>{summary}"
                              f"</summary>\n\n{source}\n\n</details>")
    return cell


def figures(nb: dict):
    """Yield (cell id, output index, mime type, bytes) for every figure the website shows (a
    removed cell's figures are not on the page, so they need no alt text)."""
    for cell in nb["cells"]:
        if not on_page(cell):
            continue
        for index, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            for mime in FIGURE_TYPES:
                if mime in data:
                    value = data[mime]
                    value = "".join(value) if isinstance(value, list) else value
                    raw = (value.encode() if mime == "image/svg+xml"
                           else base64.b64decode(value))
                    yield cell.get("id"), index, mime, raw
                    break  # myst-nb shows one image per output: the first of FIGURE_TYPES


def is_one_sentence(text) -> bool:
    """One non-empty line, ending with a full stop, no other sentence start, not too long."""
    return (isinstance(text, str) and 0 < len(text.strip()) <= MAX_ALT
            and "\n" not in text.strip() and text.strip().endswith(".")
            and not re.search(r"[.!?] [A-Z]", text.strip()))


def load_alt_text(path: Path = ALT_TEXT) -> dict[str, dict[str, str]]:
    """book/alt_text.yml as {notebook stem: {"<cell id>/<output index>": sentence}}."""
    table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(table, dict):
        raise MissingAltText(f"{path}: expected a mapping of notebook names, got {type(table)}")
    for stem, entries in table.items():
        for key, sentence in (entries or {}).items():
            if not re.fullmatch(r"[0-9A-Za-z_-]+/\d+", str(key)):
                raise MissingAltText(f"{path}: {stem}: key {key!r} is not '<cell id>/<output>'")
            if not is_one_sentence(sentence):
                raise MissingAltText(f"{path}: {stem} {key}: alt text must be one sentence of "
                                     f"at most {MAX_ALT} characters on one line, ending with a "
                                     f"full stop; got {sentence!r}")
    return table


def alt_text_for(path: Path, nb: dict, table: dict) -> dict[str, str]:
    """{sha256 of figure bytes: sentence} for one notebook; raise naming any figure left out.

    The exercises edition has the same cells (same ids) as the complete one, so it reuses the
    complete notebook's sentences unless alt_text.yml has an `exercises/<stem>` entry.
    """
    english = edition(path).removesuffix("/zh")  # a Chinese page has its English page's figures
    entries = table.get(f"{english}/{path.stem}") or table.get(path.stem) or {}
    by_hash, missing = {}, []
    for cell_id, index, _mime, raw in figures(nb):
        sentence = entries.get(f"{cell_id}/{index}")
        if sentence is None:
            missing.append(f"cell {cell_id}, output {index}")
        else:
            by_hash[hashlib.sha256(raw).hexdigest()] = sentence.strip()
    if missing:
        raise MissingAltText(
            f"{path.parent.name}/{path.name}: no alt text for the figure in "
            + "; ".join(missing) + f". Add one sentence saying what it shows to {ALT_TEXT.name} "
            f"under {path.stem}: (see the figures with `python book/build_book.py --figures DIR`)")
    return by_hash


def check_no_leftover_alt_text(table: dict, paths: list[Path]) -> None:
    """A sentence whose figure is gone is stale: stop, so it is rewritten or removed."""
    present = {}
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        keys = {f"{cell_id}/{index}" for cell_id, index, _m, _r in figures(nb)}
        present.setdefault(path.stem, set()).update(keys)
        present.setdefault(f"{path.parent.name}/{path.stem}", set()).update(keys)
    for stem, entries in table.items():
        for key in entries or {}:
            if key not in present.get(stem, set()):
                raise MissingAltText(f"{ALT_TEXT.name}: {stem} {key}: no such figure any more "
                                     "(remove the sentence, or move it to the figure's new cell)")


def page_header(path: Path, editions: set[str]) -> str:
    """The box under each notebook page's title: run it live, the source section, the other
    edition, and the same page in the other language (the language switch), where they exist.
    `editions`: the editions (see edition()) that have this notebook."""
    where, mine = f"{edition(path)}/{path.name}", edition(path)
    zh = is_chinese(path)
    kind = mine.split("/")[0]
    other = ("exercises" if kind == "notebooks" else "notebooks") + ("/zh" if zh else "")
    language = mine[:-3] if zh else f"{mine}/zh"
    up = "../../" if zh else "../"
    if zh:
        lines = [":::{admonition} 在本机运行 · 出处", ":class: tip",
                 f"本页显示的是 `{where}` 里保存的输出，这里不运行任何代码。要自己运行：在课程"
                 f"文件夹里运行 `make lab`，打开 `{where}`，选择 **Run ▸ Run All Cells**。", ""]
    else:
        lines = [":::{admonition} Run it live · source", ":class: tip",
                 f"This page shows the outputs stored in `{where}`; nothing runs here. To run it "
                 f"live: in the course's folder, run `make lab`, open `{where}` and choose "
                 "**Run ▸ Run All Cells**.", ""]
    if other in editions:
        link = f"{up}{other}/{path.name}"
        if zh:
            lines += [f"同一个 notebook 的[练习版]({link})：代码由你自己写。" if kind == "notebooks"
                      else f"同一个 notebook 的[完整版]({link})：含答案。", ""]
        else:
            lines += [f"The same notebook [in the exercises edition]({link}), where you write the "
                      "code yourself." if kind == "notebooks" else
                      f"The same notebook [in the complete edition]({link}), with the solutions.",
                      ""]
    if language in editions:
        link = f"../{path.name}" if zh else f"zh/{path.name}"
        lines += [f"English: [this page in English]({link})." if zh
                  else f"中文：[本页的中文版]({link})。", ""]
    lines += [f"出处：{SOURCE_SECTION_ZH}。" if zh else f"Source: {SOURCE_SECTION}.", ":::", ""]
    return "\n".join(lines)


def copy_notebook(path: Path, alt_by_hash: dict, editions: set[str]) -> str:
    """The notebook's JSON for the site: the header under its title, labelled if exercises."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = nb["cells"][0]
    source = "".join(first["source"]) if isinstance(first["source"], list) else first["source"]
    lines = source.split("\n")
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if first["cell_type"] != "markdown" or title is None:
        raise ValueError(f"{path.parent.name}/{path.name}: the first cell must be markdown "
                         "with the page title ('# ...')")
    if edition(path).startswith("exercises"):
        lines[title] += "（练习版）" if is_chinese(path) else " (exercises edition)"
    lines[title + 1:title + 1] = ["", page_header(path, editions)]
    first["source"] = "\n".join(lines)
    nb["cells"] = [fold_like_the_lab(cell, is_chinese(path)) for cell in nb["cells"]
                   if on_page(cell)]
    nb.setdefault("metadata", {})["book_alt_text"] = alt_by_hash
    return json.dumps(nb, ensure_ascii=False, indent=1)


def front_page_links(markdown: str) -> str:
    """The READMEs link to each other by file name; on the site they are index and zh."""
    return markdown.replace("](README.zh.md)", "](zh.md)").replace("](README.md)", "](index.md)")


def add_under_title(markdown: str, line: str) -> str:
    """The page with `line` as a paragraph under its title (the first '# ' line)."""
    lines = markdown.split("\n")
    title = next(i for i, text in enumerate(lines) if text.startswith("# "))
    lines[title + 1:title + 1] = ["", line]
    return "\n".join(lines)


def index_page(readme: str, pages: dict[str, list[str]]) -> str:
    """README.md as the site's front page, with the site's navigation (a hidden toctree)."""
    lines = readme.split("\n")
    title = next(i for i, line in enumerate(lines) if line.startswith("# "))
    note = (":::{note}\nYou are reading the course as a website: every notebook with the "
            "outputs stored when it was last run, nothing to install. To run the notebooks, "
            "clone the course and run `make lab` (see *Quick start* below).\n:::\n")
    lines[title + 1:title + 1] = ["", note]
    toc = []
    for caption, docs in pages.items():
        if docs:
            toc += ["", "```{toctree}", ":hidden:", f":caption: {caption}", ""] + docs + ["```"]
    return "\n".join(lines + toc) + "\n"


def write_if_changed(path: Path, text: str | bytes) -> None:
    """Write only when the content differs, so Sphinx sees only real changes."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def make_sources() -> list[str]:
    """Lay out build/book_src/ (the site's sources); returns the page names it wrote."""
    paths = notebooks()
    table = load_alt_text()
    check_no_leftover_alt_text(table, paths)
    stems = {name: {p.stem for p in paths if edition(p) == name} for name in EDITIONS}
    wanted: dict[Path, str | bytes] = {}
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        has = {name for name in EDITIONS if path.stem in stems[name]}
        rel = path.relative_to(ROOT)
        wanted[SRC / rel] = copy_notebook(path, alt_text_for(path, nb, table), has)
    switch = {  # the reference pages have no Chinese twin: their language switch says why
        "notebooks/glossary.md": "中文：本页中英对照。[中文版首页](../zh.md)",
        "data/README.md": "中文：本页只有英文版（数据的来源与许可）。[中文版首页](../zh.md)",
    }
    for rel, line in switch.items():
        if (ROOT / rel).exists():
            text = (ROOT / rel).read_text(encoding="utf-8")
            wanted[SRC / rel] = add_under_title(text, line) if (ROOT / "README.zh.md").exists() \
                else text
    for image in sorted((ROOT / "notebooks" / "images").glob("*")):
        wanted[SRC / image.relative_to(ROOT)] = image.read_bytes()
    def pages_of(name, first=None):
        return [p.relative_to(ROOT).with_suffix("").as_posix() for p in paths
                if edition(p) == name and (first is None or p.stem.startswith("00") == first)]

    chinese = ROOT / "README.zh.md"
    docs = {
        "Start here": pages_of("notebooks", first=True),
        EDITIONS["notebooks"]: pages_of("notebooks", first=False),
        EDITIONS["exercises"]: pages_of("exercises"),
        EDITIONS["notebooks/zh"]: (["zh"] if chinese.exists() else []) + pages_of("notebooks/zh"),
        EDITIONS["exercises/zh"]: pages_of("exercises/zh"),
        "Reference": [rel for rel in ("notebooks/glossary", "data/README")
                      if (ROOT / f"{rel}.md").exists()],
    }
    readme = front_page_links((ROOT / "README.md").read_text(encoding="utf-8"))
    if chinese.exists():  # the language switch of the front pages
        readme = add_under_title(readme, "中文：[中文版首页](zh.md)。")
        wanted[SRC / "zh.md"] = add_under_title(
            front_page_links(chinese.read_text(encoding="utf-8")),
            "English: [the course in English](index.md).")
    wanted[SRC / "index.md"] = index_page(readme, docs)
    for path, content in wanted.items():
        write_if_changed(path, content)
    if SRC.exists():  # a page whose notebook is gone must go too
        for old in sorted(SRC.rglob("*"), reverse=True):
            if old.is_file() and old not in wanted:
                old.unlink()
            elif old.is_dir() and not any(old.iterdir()):
                old.rmdir()
    return sorted(p.relative_to(SRC).as_posix() for p in wanted)


def settings_fingerprint() -> str:
    """A hash of what shapes every page but that Sphinx does not watch: book/conf.py's code
    (its hooks), this script, the static files, the versions of the book's packages, and the
    list of pages (every page's sidebar lists them all, so adding a page rebuilds them all)."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    if SRC.exists():
        for page in sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*") if p.is_file()):
            digest.update(page.encode())
    for path in [BOOK / "conf.py", Path(__file__), *sorted((BOOK / "_static").rglob("*"))]:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    for package in ("sphinx", "myst-nb", "sphinx-book-theme", "sphinx-mathjax-offline"):
        digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()


def build(jobs: str = "auto") -> None:
    """make_sources(), then Sphinx into build/book/ (warnings are errors).

    Sphinx rebuilds only the pages whose source changed; when the settings changed (see
    settings_fingerprint), or the last build failed, every page is built again.
    """
    # nbformat (myst-nb reads notebooks with it) imports jsonschema, which, when the optional
    # rfc3987_syntax package is installed (JupyterLab's dependencies bring it), compiles 38
    # grammars at import: 3 to 8 s on this 2-core machine, for a URI format the build never
    # checks. Marking it absent makes jsonschema skip that format, as it does without it.
    sys.modules.setdefault("rfc3987_syntax", None)
    from sphinx.cmd.build import build_main

    make_sources()
    doctrees, stamp = ROOT / "build" / "book_doctrees", ROOT / "build" / "book_settings.sha256"
    fingerprint = settings_fingerprint()
    if not stamp.exists() or stamp.read_text() != fingerprint:
        shutil.rmtree(doctrees, ignore_errors=True)
        shutil.rmtree(OUT, ignore_errors=True)
    stamp.unlink(missing_ok=True)  # written back only if this build succeeds
    code = build_main(["-b", "html", "-q", "-W", "--keep-going", "-j", jobs,
                       "-c", str(BOOK), "-d", str(doctrees),
                       str(SRC), str(OUT)])
    if code:  # no stamp: next time every page is read again, and the same warnings stop it
        sys.exit(code)
    stamp.write_text(fingerprint)
    pages = [p for p in OUT.rglob("*.html") if not p.relative_to(OUT).parts[0].startswith("_")]
    print(f"book: {OUT.relative_to(ROOT)}/index.html, {len(pages)} pages")


def dump_figures(target: Path) -> None:
    """Write every stored figure as <notebook>__<cell id>__<output>.<ext>, to write alt text."""
    target.mkdir(parents=True, exist_ok=True)
    table = load_alt_text()
    for path in notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        entries = table.get(path.stem) or {}
        for cell_id, index, mime, raw in figures(nb):
            ext = {"image/svg+xml": "svg", "image/jpeg": "jpg"}.get(mime, mime.split("/")[1])
            name = f"{path.parent.name}-{path.stem}__{cell_id}__{index}.{ext}"
            (target / name).write_bytes(raw)
            status = "has alt text" if f"{cell_id}/{index}" in entries else "NO ALT TEXT"
            print(f"{target / name}: {status}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--figures", type=Path, help="write the figures here and stop")
    parser.add_argument("--clean", action="store_true", help="remove the previous build first")
    parser.add_argument("-j", "--jobs", default="auto", help="Sphinx processes (default auto)")
    args = parser.parse_args(argv)
    if args.figures:
        dump_figures(args.figures)
        return
    if args.clean:
        # (myst-nb writes the figures it extracts to build/jupyter_execute/, beside OUT)
        for folder in (SRC, OUT, OUT.with_name("book_doctrees"), OUT.with_name("jupyter_execute")):
            shutil.rmtree(folder, ignore_errors=True)
    try:
        build(args.jobs)
    except MissingAltText as exc:
        sys.exit(f"make book: {exc}")


if __name__ == "__main__":
    main()
