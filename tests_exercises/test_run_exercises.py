"""Each learner notebook (exercises/), run top to bottom in a fresh kernel as a learner who has
written nothing yet, ends without an error, and each of its checks says "not written yet"
(in the Chinese edition, exercises/zh/: 「尚未完成」)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb")) + sorted(
    (ROOT / "exercises" / "zh").glob("*.ipynb"))  # the Chinese edition's checks answer in Chinese


@pytest.mark.parametrize("path", EXERCISES,
                         ids=[str(p.relative_to(ROOT / "exercises")) for p in EXERCISES])
def test_learner_edition_runs_to_the_end(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    checks = [c for c in nb.cells if c.cell_type == "code" and "cu.checks." in c.source]
    assert checks, f"{path.name} has no check cell"
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        unwritten = "尚未完成" if path.parent.name == "zh" else "not written yet"
        assert unwritten in text and "✗" not in text and "✓" not in text, (
            f"{path.name}: a check on an unwritten stub printed {text!r}")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
