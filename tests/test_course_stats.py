"""scripts/course_stats.py counts what a learner reads and sees, as the conventions of issue 19
say: hidden check cells are not visible code, <details> words are folded, "Going further" is
apart, and test machinery in view is reported."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("course_stats", ROOT / "scripts/course_stats.py")
course_stats = importlib.util.module_from_spec(spec)
spec.loader.exec_module(course_stats)

HIDDEN = {"jupyter": {"source_hidden": True, "outputs_hidden": True}, "tags": ["remove-cell"]}
PNG = {"output_type": "display_data", "metadata": {},
       "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}}


def md(source, metadata=None):
    return {"cell_type": "markdown", "metadata": metadata or {}, "source": source}


def code(source, metadata=None, outputs=()):
    return {"cell_type": "code", "metadata": metadata or {}, "source": source,
            "execution_count": 1, "outputs": list(outputs)}


def write(tmp_path, name, cells):
    path = tmp_path / name
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")
    return path


def test_words_code_figures_and_exercises_of_the_core_path():
    core, further = course_stats.stats_of_cells([
        md("# Title\n\nOne two three."),
        md(["Four five ", "six."]),  # sources stored as lists of lines count the same
        code("x = 1\n\n# a comment\ny = 2", outputs=[PNG]),
        code("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"),
    ])
    assert (core.words, core.folded_words) == (7, 0)
    assert (core.code_lines, core.figures, core.exercises) == (7, 1, 1)
    assert core.minutes == pytest.approx(7 / 150 + 7 * 10 / 60 + 1 + 5)
    assert further == course_stats.Part()


def test_hidden_check_cells_are_not_visible_code_nor_machinery():
    core, _ = course_stats.stats_of_cells([
        code("print(f'{x:.2f}')"),
        code("# Hidden check: x\nassert abs(x - 0.42) < 1e-9\n"
             "assert cu.printing.digits_stable(x, '.2f')", metadata=HIDDEN, outputs=[PNG]),
        code("# Hidden check: x > 0\nassert x > 0",  # folded in JupyterLab only
             metadata={"jupyter": {"source_hidden": True}}),
        code("assert x > 0", metadata={"tags": ["remove-cell"]}),  # the website only
    ])
    assert (core.code_lines, core.figures, core.machinery) == (1, 0, [])


def test_hidden_outputs_hide_the_figure_not_the_code():
    core, _ = course_stats.stats_of_cells([
        code("plt.show()", metadata={"jupyter": {"outputs_hidden": True}}, outputs=[PNG])])
    assert (core.code_lines, core.figures) == (1, 0)


def test_details_and_hidden_markdown_are_folded_words():
    core, _ = course_stats.stats_of_cells([
        md("Seen words here.\n\n<details><summary>How we know</summary>\n\nFolded proof "
           "words.\n\n</details>\n\nSeen again."),
        md("Hidden note words.", metadata={"jupyter": {"source_hidden": True}}),
    ])
    assert core.words == 5
    assert core.folded_words == 3 + 3 + 3  # summary + body + the hidden cell


def test_going_further_runs_to_the_next_heading_of_its_level():
    core, further = course_stats.stats_of_cells([
        md("## Claim\n\nOne."),
        md("## Going further: the proof", metadata={"jp-MarkdownHeadingCollapsed": True}),
        md("### A subsection\n\nStill further words."),
        code("a = 1\nb = 2", outputs=[PNG]),
        md("## What to remember\n\nBack."),
        code("c = 3"),
    ])
    assert (core.words, core.code_lines, core.figures) == (2 + 3 + 1, 1, 0)
    assert (further.words, further.code_lines, further.figures) == (4 + 2 + 3, 2, 1)


def test_a_hash_in_a_code_fence_is_not_a_heading():
    core, further = course_stats.stats_of_cells([
        md("## Going further: x"),
        md("```python\n# Going back\nx = 1\n```"),
        code("y = 1"),
    ])
    assert (core.code_lines, further.code_lines) == (0, 1)


def test_visible_machinery_is_reported_outside_the_testing_section():
    core, further = course_stats.stats_of_cells([
        code("# NBVAL_IGNORE_OUTPUT\nprint(robust(x))\nassert x > 0\nprint(x)"),
        md("Checked by nbval. We make no `assert` here, as we assert in words."),
        md("<details><summary>How we know</summary>\n\nnbval compares it.\n\n</details>"),
        md("## How this course tests itself"),
        code("assert x > 0  # shown on purpose"),
        md("### nbval\n\nnbval compares every output."),
        md("## Going further: robustness"),
        code("assert y > 0"),
    ])
    assert [m.split(":")[0] for m in core.machinery] == ["cell 0", "cell 0", "cell 0",
                                                        "cell 1 (markdown)"]
    assert [m.split(":")[0] for m in further.machinery] == ["cell 7"]


def test_over_budget_names_the_notebook_its_minutes_and_its_machinery(tmp_path):
    short = write(tmp_path, "01_short.ipynb", [md("# Short\n\nA few words."), code("x = 1")])
    assert course_stats.over_budget([short]) == []
    long = write(tmp_path, "01_long.ipynb",
                 [md("# Long")] + [code("x = 1")] * 30  # 30 lines: 5 min
                 + [code("### BEGIN SOLUTION\n### END SOLUTION")] * 4)  # 20 min + 8 lines
    problems = course_stats.over_budget([short, long])
    assert problems == ["01_long.ipynb: core path 26.3 min, budget 25 min"]
    guarded = write(tmp_path, "00_guarded.ipynb", [code("assert x")])
    assert course_stats.over_budget([guarded]) == ["00_guarded.ipynb cell 0: assert x"]
    # "Going further" is not in the budget, but machinery there is still in view
    further = write(tmp_path, "06_further.ipynb",
                    [md("## Going further: more")] + [code("x = 1")] * 300)
    assert course_stats.over_budget([further]) == []


def test_each_budgeted_notebook_has_a_budget():
    for number, minutes in {"00": 10, "01": 25, "05": 25, "06": 35}.items():
        assert course_stats.BUDGET_MINUTES[number] == minutes


def test_main_reports_problems_only_with_check(tmp_path, monkeypatch, capsys):
    (tmp_path / "notebooks").mkdir()
    write(tmp_path / "notebooks", "00_x.ipynb", [code("assert x")])
    monkeypatch.setattr(course_stats, "ROOT", tmp_path)
    assert course_stats.main([]) == 0
    assert "00_x" in capsys.readouterr().out
    assert course_stats.main(["--check"]) == 1
    assert "00_x.ipynb cell 0: assert x" in capsys.readouterr().err


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")),
                         ids=lambda p: p.stem)
def test_every_core_path_is_within_its_budget_and_shows_no_test_machinery(path):
    """Issue 19's budgets (00: 10 min, 01-05: 25, 06: 35, by `make stats`) and no visible
    assert, robust(, NBVAL or nbval: what does not fit goes to "Going further" or goes."""
    assert course_stats.over_budget([path]) == []


def test_what_a_fold_shows_gives_no_answer_away_and_no_machinery():
    """JupyterLab draws a folded cell as a bar with the first non-empty line of its code or
    of its first output: a folded Predict answer must start with the neutral header, and a
    folded check must not start with an assert."""
    answer = {"jupyter": {"source_hidden": True, "outputs_hidden": True}}
    stream = {"output_type": "stream", "name": "stdout", "text": ["\n", "b = 8 ends lower\n"]}
    headed = dict(stream, text=[course_stats.ANSWER_HEADER + "\n", "b = 8 ends lower\n"])
    core, _ = course_stats.stats_of_cells([
        code("print(answer)", metadata=answer, outputs=[stream]),
        code("print(header)\nprint(answer)", metadata=answer, outputs=[headed]),
        code("plt.show()", metadata=answer, outputs=[PNG]),
        code("print(answer)", outputs=[stream]),  # not folded: shown anyway
        code("\nassert x > 0  # why", metadata=HIDDEN),
        code("# Hidden check: x is positive\nassert x > 0", metadata=HIDDEN),
    ])
    assert core.leaks == ["cell 0: b = 8 ends lower"]
    assert core.machinery == ["cell 4 (the line its folded code shows): assert x > 0  # why"]
    assert course_stats.placeholder_line(code("x", outputs=[PNG])) == "<Figure>"
    assert course_stats.placeholder_line(code("x")) is None
