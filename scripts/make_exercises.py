"""Write the learner edition: exercises/NN_*.ipynb from notebooks/NN_*.ipynb.

    .venv/bin/python scripts/make_exercises.py          # write exercises/
    .venv/bin/python scripts/make_exercises.py --check  # exit 1 if exercises/ is out of date

In each code cell, the lines from `### BEGIN SOLUTION` to `### END SOLUTION` (markers in
nbgrader's style; the notebooks are not set up for any autograder) become a stub at the same
indentation that raises NotImplementedError, which the check reports as "not written yet". The
outputs of those cells and of the check cells (cells that call `cu.checks.`, the closing
`cu.checks.summary()` included) are cleared, and so are the outputs of the cells tagged
`predict-answer` (they answer a "Predict before you run" prompt: the learner predicts, then runs;
the answer's text stays folded in `<details>` after the cell), and of the cells tagged
`predict-shown` (shown in notebooks/ after the answer, e.g. the answer's figure, but giving it
away in exercises/ before the learner has run anything). Everything else is copied as it
is, outputs included: the hidden check cells too (tag `remove-cell`, source and outputs hidden
by their metadata), which still run and are still compared by nbval. Links to files beside
the notebooks (the glossary, images) are rewritten to reach them from exercises/.

In notebooks/ (the complete edition) answers are folded, so that a learner who reads there
does not see them before trying: a solution cell's code is hidden (`jupyter.source_hidden`)
and a predict-answer cell's output too (`jupyter.outputs_hidden`); tests/test_exercises.py
checks it. The learner edition unfolds both: the stub is where the learner writes, and the
answer appears when the learner runs the cell.
"""

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCE, TARGET = ROOT / "notebooks", ROOT / "exercises"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PREDICT_ANSWER = "predict-answer"  # the tag of a cell that answers a "Predict" prompt
PREDICT_SHOWN = "predict-shown"  # a cell after the answer, shown in notebooks/, whose output
# still gives the answer away: cleared in exercises/ like a predict-answer cell
STUB = ["# YOUR CODE HERE (the text above says what to write)",
        'raise NotImplementedError("not written yet")']
# A markdown link or image to a relative file that is not a notebook: reach it in notebooks/.
LOCAL_LINK = re.compile(r"(\]\()(?!https?:|#|\.\./|/)([^)\s]+?)(?<!\.ipynb)(\)|#)")


def strip_solutions(source: str) -> str:
    """The cell's source with each solution block replaced by an indented stub."""
    out, inside = [], False
    for line in source.split("\n"):
        if line.strip() == BEGIN:
            if inside:
                raise ValueError(f"{BEGIN} inside another solution block")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + s for s in STUB]
        elif line.strip() == END:
            if not inside:
                raise ValueError(f"{END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN} without {END}")
    return "\n".join(out)


def learner_edition(nb):
    """A copy of the notebook with solutions stubbed and exercise, check and predict-answer
    outputs cleared."""
    nb = nbformat.from_dict(nb)  # a deep copy
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if PREDICT_ANSWER in tags and cell.cell_type != "code":
            raise ValueError(f"cell {cell.get('id')}: tag {PREDICT_ANSWER!r} is for the code cell "
                             f"that answers a Predict prompt, not a {cell.cell_type} cell")
        if cell.cell_type == "markdown":
            cell.source = LOCAL_LINK.sub(r"\1../notebooks/\2\3", cell.source)
            continue
        if cell.cell_type != "code":
            continue
        folded = cell.get("metadata", {}).get("jupyter", {})
        if PREDICT_ANSWER in tags or PREDICT_SHOWN in tags:
            cell.outputs = []
            cell.execution_count = None
            folded.pop("outputs_hidden", None)  # the learner runs it and reads the answer
        if BEGIN in cell.source:
            folded.pop("source_hidden", None)  # the stub is where the learner writes
        if BEGIN in cell.source or "cu.checks." in cell.source:
            cell.source = strip_solutions(cell.source)
            cell.outputs = []
            cell.execution_count = None
        if "jupyter" in cell.get("metadata", {}) and not folded:
            del cell.metadata["jupyter"]
    return nb


def editions():
    """(target path, learner edition as text) for every notebook with an exercise."""
    for path in sorted(SOURCE.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if not any(BEGIN in c.source for c in nb.cells if c.cell_type == "code"):
            continue
        yield TARGET / path.name, nbformat.writes(learner_edition(nb)) + "\n"


def main(check: bool) -> int:
    stale = []
    expected = set()
    for target, text in editions():
        expected.add(target)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            stale.append(target.name)
            if not check:
                target.parent.mkdir(exist_ok=True)
                target.write_text(text, encoding="utf-8")
    extra = [p.name for p in TARGET.glob("*.ipynb") if p not in expected]
    if check:
        if stale or extra:
            print(f"exercises/ is out of date with notebooks/: {', '.join(stale + extra)}. "
                  "Run `make exercises`.")
            return 1
        print("exercises/ is up to date")
        return 0
    for name in extra:
        (TARGET / name).unlink()
    print(f"wrote {len(stale)} notebook(s) to exercises/, removed {len(extra)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv[1:]))
