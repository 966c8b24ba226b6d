"""book/build_book.py without Sphinx: alt text is required, checked and placed; pages get their
header; the sources are laid out without touching notebooks/."""

import base64
import hashlib
import json

import build_book as book
import pytest
from conftest import ROOT

PNG = base64.b64decode(  # a 1x1 white pixel
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==")


def notebook(*figure_cells):
    """A notebook: a title cell, then one code cell per id with a PNG output (after a print)."""
    cells = [{"cell_type": "markdown", "id": "title", "metadata": {},
              "source": "# 07 · A page\n\nIntro."}]
    for cell_id in figure_cells:
        cells.append({"cell_type": "code", "id": cell_id, "metadata": {}, "execution_count": 1,
                      "source": "plt.show()", "outputs": [
                          {"output_type": "stream", "name": "stdout", "text": "hi\n"},
                          {"output_type": "display_data", "metadata": {},
                           "data": {"image/png": base64.b64encode(PNG).decode(),
                                    "text/plain": "<Figure>"}}]})
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def write(tmp_path, folder, nb):
    path = tmp_path / folder / "07_page.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb))
    return path


def test_figures_are_found_with_their_cell_and_output_index():
    found = list(book.figures(notebook("aaa", "bbb")))
    assert [(c, i, m) for c, i, m, _raw in found] == [("aaa", 1, "image/png"),
                                                       ("bbb", 1, "image/png")]
    assert found[0][3] == PNG


def test_a_figure_without_alt_text_stops_the_build_naming_its_cell(tmp_path):
    path = write(tmp_path, "notebooks", notebook("aaa", "bbb"))
    table = {"07_page": {"aaa/1": "A white pixel."}}
    with pytest.raises(book.MissingAltText, match=r"notebooks/07_page.ipynb.*cell bbb, output 1"):
        book.alt_text_for(path, json.loads(path.read_text()), table)


def test_alt_text_is_keyed_by_the_figure_bytes_and_reused_by_the_exercises(tmp_path):
    table = {"07_page": {"aaa/1": "A white pixel."}}
    for folder in ("notebooks", "exercises"):
        path = write(tmp_path, folder, notebook("aaa"))
        alt = book.alt_text_for(path, json.loads(path.read_text()), table)
        assert alt == {hashlib.sha256(PNG).hexdigest(): "A white pixel."}


def test_the_exercises_may_have_their_own_alt_text(tmp_path):
    table = {"07_page": {"aaa/1": "A white pixel."},
             "exercises/07_page": {"aaa/1": "A white pixel, exercises."}}
    path = write(tmp_path, "exercises", notebook("aaa"))
    alt = book.alt_text_for(path, json.loads(path.read_text()), table)
    assert list(alt.values()) == ["A white pixel, exercises."]


def test_alt_text_for_a_figure_that_is_gone_stops_the_build(tmp_path):
    path = write(tmp_path, "notebooks", notebook("aaa"))
    book.check_no_leftover_alt_text({"07_page": {"aaa/1": "A white pixel."}}, [path])
    with pytest.raises(book.MissingAltText, match="07_page zzz/1: no such figure"):
        book.check_no_leftover_alt_text({"07_page": {"zzz/1": "Gone."}}, [path])


@pytest.mark.parametrize("bad", ["", "No full stop", "Two lines.\nHere.",
                                 "One sentence. Then another.", "x" * 400 + ".", 3])
def test_alt_text_must_be_one_short_sentence(tmp_path, bad):
    yml = tmp_path / "alt.yml"
    yml.write_text(json.dumps({"07_page": {"aaa/1": bad}}))  # JSON is YAML
    with pytest.raises(book.MissingAltText, match="one sentence"):
        book.load_alt_text(yml)


def test_alt_text_keys_must_name_a_cell_and_an_output(tmp_path):
    yml = tmp_path / "alt.yml"
    yml.write_text(json.dumps({"07_page": {"aaa": "A white pixel."}}))
    with pytest.raises(book.MissingAltText, match="is not '<cell id>/<output>'"):
        book.load_alt_text(yml)


def test_every_figure_of_the_course_has_alt_text():
    """The real notebooks against book/alt_text.yml (what `make book` checks first)."""
    table = book.load_alt_text()
    paths = book.notebooks()
    book.check_no_leftover_alt_text(table, paths)
    count = 0
    for path in paths:
        count += len(book.alt_text_for(path, json.loads(path.read_text(encoding="utf-8")),
                                       table))
    assert count >= 10


def test_the_page_header_goes_under_the_title_and_labels_the_exercises(tmp_path):
    path = write(tmp_path, "exercises", notebook("aaa"))
    nb = json.loads(book.copy_notebook(path, {"h": "A."}, {"notebooks", "exercises"}))
    lines = nb["cells"][0]["source"].split("\n")
    assert lines[0] == "# 07 · A page (exercises edition)"
    header = "\n".join(lines[1:])
    assert header.index(":::{admonition}") < header.index("Intro.")
    assert "`make lab`" in header and "`exercises/07_page.ipynb`" in header
    assert "§2.2" in header and "(../notebooks/07_page.ipynb)" in header
    assert nb["metadata"]["book_alt_text"] == {"h": "A."}
    complete = write(tmp_path, "notebooks", notebook("aaa"))
    nb = json.loads(book.copy_notebook(complete, {}, {"notebooks"}))
    assert nb["cells"][0]["source"].startswith("# 07 · A page\n")  # no label, no other link
    assert "../exercises/" not in nb["cells"][0]["source"]


def test_a_notebook_without_a_title_is_refused(tmp_path):
    nb = notebook("aaa")
    nb["cells"][0]["source"] = "No title here."
    path = write(tmp_path, "notebooks", nb)
    with pytest.raises(ValueError, match="first cell must be markdown with the page title"):
        book.copy_notebook(path, {}, set())


def test_the_front_page_is_the_readme_with_the_navigation():
    page = book.index_page("# Title\n\nText.", {"Start here": ["notebooks/00_lab"],
                                                 "Empty": []})
    assert page.startswith("# Title\n\n:::{note}")
    assert ":caption: Start here" in page and "notebooks/00_lab" in page
    assert "Empty" not in page  # no caption without pages


def test_sources_are_laid_out_in_build_and_the_notebooks_are_untouched(tmp_path, monkeypatch):
    before = {p: p.read_bytes() for p in book.notebooks()}
    monkeypatch.setattr(book, "SRC", tmp_path / "src")
    (tmp_path / "src" / "stale").mkdir(parents=True)
    (tmp_path / "src" / "stale" / "old.ipynb").write_text("{}")  # a notebook since removed
    written = book.make_sources()
    assert "index.md" in written and "notebooks/glossary.md" in written
    assert {p.relative_to(ROOT).as_posix() for p in before} <= set(written)
    assert "zh.md" in written or not (ROOT / "README.zh.md").exists()
    assert not (tmp_path / "src" / "stale").exists()
    mtime = (tmp_path / "src" / "index.md").stat().st_mtime_ns
    book.make_sources()  # unchanged sources are not rewritten: Sphinx rebuilds nothing
    assert (tmp_path / "src" / "index.md").stat().st_mtime_ns == mtime
    assert {p: p.read_bytes() for p in book.notebooks()} == before
    assert (ROOT / "notebooks").is_dir()


HIDDEN = {"jupyter": {"source_hidden": True, "outputs_hidden": True}, "tags": ["remove-cell"]}


def test_hidden_check_cells_are_left_off_the_page_and_need_no_alt_text(tmp_path):
    nb = notebook("aaa", "bbb")
    nb["cells"][2]["metadata"] = HIDDEN  # a hidden check that draws a figure
    assert [c for c, _i, _m, _r in book.figures(nb)] == ["aaa"]
    path = write(tmp_path, "notebooks", nb)
    book.alt_text_for(path, nb, {"07_page": {"aaa/1": "A white pixel."}})  # no error for bbb
    page = json.loads(book.copy_notebook(path, {}, set()))
    assert [c["id"] for c in page["cells"]] == ["title", "aaa"]
    with pytest.raises(book.MissingAltText, match="bbb/1: no such figure"):
        book.check_no_leftover_alt_text({"07_page": {"bbb/1": "Hidden."}}, [path])


@pytest.mark.parametrize("metadata, tags", [
    ({}, []),
    ({"jupyter": {"source_hidden": True}}, ["hide-input"]),
    ({"jupyter": {"outputs_hidden": True}}, ["hide-output"]),
    ({"jupyter": {"source_hidden": True, "outputs_hidden": True}}, ["hide-input", "hide-output"]),
    ({"tags": ["predict-answer"]}, ["predict-answer", "hide-output"]),
    ({"tags": ["nbval-ignore-output", "hide-output"]}, ["nbval-ignore-output", "hide-output"]),
])
def test_code_cells_are_folded_where_jupyterlab_folds_them(metadata, tags):
    cell = {"cell_type": "code", "id": "c", "metadata": metadata, "source": "x",
            "outputs": [], "execution_count": 1}
    folded = book.fold_like_the_lab(cell)
    assert folded["metadata"].get("tags", []) == tags
    assert ("predict-answer" in tags) == ("mystnb" in folded["metadata"])
    assert cell["metadata"] == metadata  # the source cell is not changed


def test_a_hidden_markdown_cell_is_folded_unless_it_holds_a_heading():
    cell = {"cell_type": "markdown", "id": "m", "metadata": {"jupyter": {"source_hidden": True}},
            "source": ["A note ", "for authors."]}
    source = book.fold_like_the_lab(cell)["source"]
    assert source.startswith("<details") and "A note for authors." in source
    assert source.endswith("</details>")
    cell["source"] = "## A heading\n\ntext"
    assert book.fold_like_the_lab(cell)["source"] == cell["source"]
    cell["metadata"] = {}
    cell["source"] = "Shown."
    assert book.fold_like_the_lab(cell)["source"] == "Shown."


def test_each_page_links_to_itself_in_the_other_language_and_edition(tmp_path):
    everywhere = {"notebooks", "exercises", "notebooks/zh", "exercises/zh"}
    english = write(tmp_path, "notebooks", notebook())
    source = json.loads(book.copy_notebook(english, {}, everywhere))["cells"][0]["source"]
    assert "中文：[本页的中文版](zh/07_page.ipynb)" in source
    assert "(../exercises/07_page.ipynb)" in source
    chinese = write(tmp_path, "exercises/zh", notebook())
    source = json.loads(book.copy_notebook(chinese, {}, everywhere))["cells"][0]["source"]
    assert source.startswith("# 07 · A page（练习版）\n")
    assert "English: [this page in English](../07_page.ipynb)" in source
    assert "[完整版](../../notebooks/zh/07_page.ipynb)" in source and "出处：" in source
    alone = json.loads(book.copy_notebook(english, {}, {"notebooks"}))["cells"][0]["source"]
    assert "中文" not in alone  # no switch to a page that does not exist


def test_a_chinese_page_reuses_its_english_pages_alt_text(tmp_path):
    nb = notebook("aaa")
    table = {"07_page": {"aaa/1": "One figure."}}
    by_hash = book.alt_text_for(write(tmp_path, "notebooks/zh", nb), nb, table)
    assert by_hash == {hashlib.sha256(PNG).hexdigest(): "One figure."}
    table["exercises/07_page"] = {"aaa/1": "The exercises' figure."}
    by_hash = book.alt_text_for(write(tmp_path, "exercises/zh", nb), nb, table)
    assert list(by_hash.values()) == ["The exercises' figure."]
