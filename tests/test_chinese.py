"""The Chinese edition (notebooks/zh/, exercises/zh/) is made from the English notebooks and the
translation files beside them by scripts/make_chinese.py; a stale translation fails here."""

import importlib.util
import os
from pathlib import Path

import nbformat
import pytest

import course_utils as cu

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_chinese", ROOT / "scripts/make_chinese.py")
make_chinese = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_chinese)
TABLES = sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.yml"))


def english():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nSee the [glossary](glossary.md) and "
                                      "[02](02_x.ipynb).\n\n![a figure](images/a.png)"),
        nbformat.v4.new_code_cell("x = 1\nx", execution_count=1, outputs=[
            nbformat.v4.new_output("execute_result", data={"text/plain": "1"},
                                   execution_count=1)]),
        nbformat.v4.new_markdown_cell("## What to remember"),
    ])
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell{i}"
    return nb


def table_for(nb, texts):
    return {c.id: {"en": make_chinese.digest(c.source), "zh": t}
            for c, t in zip([c for c in nb.cells if c.cell_type == "markdown"], texts)}


def test_markdown_is_translated_and_code_and_outputs_are_the_same():
    nb = english()
    table = table_for(nb, ["# 标题\n\n见[术语表](glossary.md)和[02](02_x.ipynb)。\n\n"
                           "![一张图](images/a.png)", "## 要记住的"])
    zh = make_chinese.chinese_edition(nb, table, "x.ipynb")
    assert zh.cells[0].source == ("# 标题\n\n见[术语表](../glossary.md)和[02](02_x.ipynb)。\n\n"
                                  "![一张图](../images/a.png)")
    assert zh.cells[1] == nb.cells[1]
    assert zh.cells[2].source == "## 要记住的"
    assert nb.cells[2].source == "## What to remember"  # the English notebook is untouched


def test_a_changed_english_cell_makes_its_translation_stale_naming_the_cell():
    nb = english()
    table = table_for(nb, ["# 标题", "## 要记住的"])
    nb.cells[2].source = "## What to remember from this run"
    with pytest.raises(make_chinese.TranslationError,
                       match=r"nb\.ipynb cell 2 \(id cell2, '## What to remember from this run'\): "
                             r"the English text changed") as e:
        make_chinese.chinese_edition(nb, table, "nb.ipynb")
    assert "cell0" not in str(e.value)  # only the changed cell is named


def test_missing_and_left_over_translations_are_named():
    nb = english()
    table = table_for(nb, ["# 标题"])
    table["gone"] = {"en": "0" * 12, "zh": "旧的"}
    found = make_chinese.problems(nb, table, "nb.ipynb")
    assert found == ["nb.ipynb cell 2 (id cell2, '## What to remember'): no translation",
                     "nb.ipynb: translation of cell id gone is left over (no such markdown cell)"]


def test_todo_lists_exactly_the_cells_to_translate():
    nb = english()
    table = table_for(nb, ["# 标题"])
    out = make_chinese.todo(nb, table)
    assert "cell2" in out and "cell0" not in out
    assert make_chinese.digest("## What to remember") in out


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.stem[:2])
def test_every_translation_is_current(path):
    nb = nbformat.read(ROOT / "notebooks" / (path.stem + ".ipynb"), as_version=4)
    found = make_chinese.problems(nb, make_chinese.load_translations(path), path.stem + ".ipynb")
    assert not found, ("stale translations (update them; `scripts/make_chinese.py --todo "
                       f"{path.stem[:2]}` lists them):\n" + "\n".join(found))


def test_committed_chinese_notebooks_are_what_the_generator_writes(capsys):
    assert make_chinese.main(["--check"]) == 0, capsys.readouterr().out


def test_checks_answer_in_the_language_asked(tmp_path, monkeypatch):
    def stub(*args, **kwargs):
        raise NotImplementedError
    for lang, words in [("en", "not written yet"), ("zh", "尚未完成")]:
        status, text = cu.checks.lr_decay.outcome(stub, lang=lang)
        assert status == "not written" and words in text
    monkeypatch.chdir(tmp_path)
    assert cu.checks.language() == "en"
    (tmp_path / "zh").mkdir()
    os.chdir(tmp_path / "zh")  # the kernel of a notebook in notebooks/zh/ runs here
    assert cu.checks.language() == "zh"
    assert "学习率衰减" in cu.checks.lr_decay.outcome(stub)[1]
    cu.checks.set_language("en")
    try:
        assert "learning-rate decay" in cu.checks.lr_decay.outcome(stub)[1]
    finally:
        cu.checks.set_language(None)


def test_a_language_the_checks_do_not_speak_is_named():
    with pytest.raises(ValueError, match=r"lang must be one of \['en', 'zh'\], got 'fr'"):
        cu.checks.set_language("fr")
    with pytest.raises(ValueError, match="lang"):
        cu.checks.lr_decay.outcome(lambda f: f, lang="de")


def test_a_document_is_cut_before_each_section_heading_outside_code():
    text = "# Title\n\nIntro.\n\n## Quick start\n\n```bash\n## not a heading\n```\n\n## Quick start"
    assert [key for key, _ in make_chinese.sections(text)] == ["intro", "quick-start",
                                                               "quick-start-2"]
    assert "\n".join(t for _, t in make_chinese.sections(text)) == text


def test_the_readme_is_translated_section_by_section_and_a_changed_section_is_named():
    text = "# Title\n\nIntro.\n\n## Quick start\n\nmake lab"
    table = {key: {"en": make_chinese.digest(t), "zh": f"[{key}]"}
             for key, t in make_chinese.sections(text)}
    out = make_chinese.chinese_document(text, table, "README.md")
    assert out == make_chinese.GENERATED + "[intro]\n\n[quick-start]\n"  # a blank line between
    with pytest.raises(make_chinese.TranslationError,
                       match=r"README.md section 1 \(quick-start, '## Quick start'\): the English"):
        make_chinese.chinese_document(text + "\n\nmake test", table, "README.md")


def test_the_chinese_readme_is_current():
    path = ROOT / "notebooks" / "zh" / "README.yml"
    if not path.exists():
        pytest.skip("no Chinese README yet")
    found = make_chinese._problems(
        [(f"section {i} ({key}", key, t)
         for i, (key, t) in enumerate(make_chinese.sections((ROOT / "README.md").read_text()))],
        make_chinese.load_translations(path), "README.md", "section")
    assert not found, "stale README translation:\n" + "\n".join(found)
