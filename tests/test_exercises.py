"""The learner edition (exercises/) is made from notebooks/ by scripts/make_exercises.py."""

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "scripts/make_exercises.py")
make_exercises = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_exercises)


def test_solution_block_becomes_an_indented_stub():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n\nf"
    assert make_exercises.strip_solutions(source) == (
        "def f(x):\n    # YOUR CODE HERE (the text above says what to write)\n"
        '    raise NotImplementedError("not written yet")\n\nf')


@pytest.mark.parametrize("source", ["### BEGIN SOLUTION\nx = 1",
                                    "x = 1\n### END SOLUTION",
                                    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION"])
def test_unbalanced_markers_are_an_error(source):
    with pytest.raises(ValueError, match="SOLUTION"):
        make_exercises.strip_solutions(source)


def test_learner_edition_clears_only_exercise_and_check_cells():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("See [the glossary](glossary.md) and [02](02_x.ipynb)."),
        nbformat.v4.new_code_cell("x = 1", execution_count=1,
                                  outputs=[nbformat.v4.new_output("stream", text="kept\n")]),
        nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n"
                                  "    ### END SOLUTION", execution_count=2),
        nbformat.v4.new_code_cell("cu.checks.ewma(f)", execution_count=3,
                                  outputs=[nbformat.v4.new_output("stream", text="✓\n")]),
    ])
    out = make_exercises.learner_edition(nb)
    assert out.cells[0].source == ("See [the glossary](../notebooks/glossary.md) and "
                                   "[02](02_x.ipynb).")
    assert out.cells[1].outputs == nb.cells[1].outputs and out.cells[1].execution_count == 1
    assert "return 1" not in out.cells[2].source and out.cells[2].execution_count is None
    assert out.cells[3].outputs == [] and out.cells[3].execution_count is None
    assert nb.cells[3].outputs  # the solution notebook is untouched


def predict_notebook():
    """A synthetic notebook in the conventions of issue 19: a Predict prompt, the cell that
    answers it (tag predict-answer), its folded answer, then a hidden check cell."""
    hidden = {"jupyter": {"source_hidden": True, "outputs_hidden": True}, "tags": ["remove-cell"]}
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("**Predict before you run:** which curve is noisier?"),
        nbformat.v4.new_code_cell("print(f'{noise:.2f}')", execution_count=4,
                                  metadata={"tags": ["predict-answer"]},
                                  outputs=[nbformat.v4.new_output("stream", text="0.42\n")]),
        nbformat.v4.new_markdown_cell("<details><summary>Answer</summary>\n\nSGD's.\n\n"
                                      "</details>"),
        nbformat.v4.new_code_cell("assert noise > 0.1", execution_count=5, metadata=hidden,
                                  outputs=[nbformat.v4.new_output("stream", text="ok\n")]),
        nbformat.v4.new_code_cell("print('after')", execution_count=6,
                                  outputs=[nbformat.v4.new_output("stream", text="after\n")]),
        nbformat.v4.new_code_cell("print(f'the figure of {noise:.2f}')", execution_count=7,
                                  metadata={"tags": ["predict-shown"]},
                                  outputs=[nbformat.v4.new_output("stream", text="0.42\n")]),
    ])


def test_predict_answers_are_cleared_and_hidden_checks_kept():
    nb = predict_notebook()
    out = make_exercises.learner_edition(nb)
    assert out.cells[1].outputs == [] and out.cells[1].execution_count is None
    assert out.cells[1].source == nb.cells[1].source  # the learner runs it to see the answer
    assert out.cells[2].source == nb.cells[2].source  # the answer's text stays folded
    assert out.cells[3] == nb.cells[3]  # the hidden check: source, metadata, output kept
    assert out.cells[4].outputs == nb.cells[4].outputs and out.cells[4].execution_count == 6
    assert nb.cells[1].outputs  # the solution notebook keeps its answer
    assert out.cells[5].outputs == [] and out.cells[5].execution_count is None  # predict-shown
    assert out.cells[5].source == nb.cells[5].source and nb.cells[5].outputs


def test_predict_answer_tag_on_a_markdown_cell_is_an_error():
    nb = predict_notebook()
    nb.cells[2].metadata["tags"] = ["predict-answer"]
    with pytest.raises(ValueError, match="predict-answer.*not a markdown cell"):
        make_exercises.learner_edition(nb)


def test_no_predict_answer_shows_its_output_in_the_exercises():
    """The real learner edition: every cell tagged predict-answer or predict-shown has no
    stored output."""
    for path in sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cleared = {"predict-answer", "predict-shown"}
        shown = [c.get("id") for c in nb.cells if c.cell_type == "code" and c.outputs
                 and cleared & set(c.get("metadata", {}).get("tags", []))]
        assert not shown, f"exercises/{path.name}: predict-answer cells with output: {shown}"


def test_exercises_are_up_to_date_with_the_notebooks(capsys):
    assert make_exercises.main(check=True) == 0, capsys.readouterr().out


def test_every_notebook_from_01_has_an_exercise_and_every_exercise_a_check():
    total = 0
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert len(notebooks) >= 6
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        n = sum(make_exercises.BEGIN in s for s in code)
        if path.name[:2] != "00":  # 00 is the lab: nothing to write there
            assert n >= 1, f"{path.name} has no exercise"
        assert n <= sum("cu.checks." in s for s in code), f"{path.name}: an exercise lacks a check"
        if n:
            assert (ROOT / "exercises" / path.name).exists(), f"no learner edition of {path.name}"
        total += n
    assert total >= 8


NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_answers_are_folded_in_the_complete_edition_and_open_in_the_learner_edition(path):
    nb = nbformat.read(path, as_version=4)
    learner = make_exercises.learner_edition(nb)
    unfolded = []
    for i, (cell, mine) in enumerate(zip(nb.cells, learner.cells)):
        if cell.cell_type != "code":
            continue
        folded = cell.metadata.get("jupyter", {})
        opened = mine.metadata.get("jupyter", {})
        if make_exercises.BEGIN in cell.source:
            assert opened.get("source_hidden") is None, f"cell {i}: the stub must be visible"
            if not folded.get("source_hidden"):
                unfolded.append(f"cell {i}: solution code shown")
        if make_exercises.PREDICT_ANSWER in cell.metadata.get("tags", []):
            assert opened.get("outputs_hidden") is None, f"cell {i}: the learner's run is shown"
            if not folded.get("outputs_hidden"):
                unfolded.append(f"cell {i}: the Predict answer shown under its prompt")
    assert not unfolded, f"{path.name}: {unfolded}"
