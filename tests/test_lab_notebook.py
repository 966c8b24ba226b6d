"""A lab cell and the checked cell after it, run in a real kernel as nbval runs a notebook: a
view that fails to draw must fail the notebook, not only print a message in the lab."""

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

CHECK = "assert {0}.status.value == '' and {0}.drawn(), {0}.status.value"
CELLS = [
    "import course_utils as cu\nimport course_utils.ui.lab_views\n"
    "lab = cu.lab.Lab(views=('memory',))\nlab.widget()",
    CHECK.format("lab"),  # a working lab: the check passes
    "def broken(self, state):\n    raise RuntimeError('memory view broken on purpose')\n\n\n"
    "course_utils.ui.lab_views.MemoryView.update = broken\n"
    "lab.update()  # what a slider change runs",
    CHECK.format("lab"),  # a broken view: the check fails, with the error
    "print('never reached')",
]


def test_a_failing_view_fails_the_checked_notebook_cell():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    with pytest.raises(CellExecutionError) as failure:
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    errors = [(k, o) for k, cell in enumerate(nb.cells) for o in cell.get("outputs", [])
              if o["output_type"] == "error"]
    assert [k for k, _ in errors] == [3]  # the lab cells ran; only the second check failed
    assert errors[0][1]["ename"] == "AssertionError"
    assert "RuntimeError: memory view broken on purpose" in errors[0][1]["evalue"]
    assert "memory view broken on purpose" in str(failure.value)
    assert not nb.cells[4].get("outputs")
