"""How long each notebook takes a learner: its core path and its "Going further" part apart.

    .venv/bin/python scripts/course_stats.py           # the table (`make stats`)
    .venv/bin/python scripts/course_stats.py --check   # exit 1 if a core path is over budget
                                                       # or shows test machinery

What counts, per notebook (notebooks/NN_*.ipynb):
- the core path is every section but those whose heading starts with "Going further" (such a
  section runs to the next heading of its level or above);
- prose: words of markdown outside folded `<details>` blocks (folded words are counted apart,
  with the words of hidden markdown cells);
- code: non-blank lines of code cells a learner sees, comments included. Hidden cells are not
  counted (neither their lines nor their guards): a cell whose metadata has
  `jupyter.source_hidden` (JupyterLab folds it) or the tag `remove-cell` (the website drops
  it, outputs too: the course's hidden check cells);
- figures: image outputs a learner sees: of every cell not tagged `remove-cell` whose outputs
  are not hidden (`jupyter.outputs_hidden`), its code folded or not;
  exercises: cells with `### BEGIN SOLUTION`, folded or not (the learner edition shows a stub);
- time: 150 words a minute, 10 s a code line, 1 min a figure and 5 min an exercise;
- machinery: visible code lines holding `assert`, `robust(`, `NBVAL` or `nbval`, and visible
  prose lines (outside `<details>`) holding `robust(`, `NBVAL`, `nbval` or `assert` in code
  backticks, outside a section headed "How this course tests itself" (which runs, like "Going
  further", to the next heading of its level or above);
- what a fold shows: JupyterLab draws a folded cell as a bar holding the first non-empty line
  of its code (`source_hidden`) or of its first output (`outputs_hidden`). A folded code line
  shown so counts as visible machinery if it holds a marker; a folded output must start with
  ANSWER_HEADER (or be a figure), so that a folded Predict answer gives nothing away.

The budgets are the course's: 00 at most 10 minutes, 01-05 at most 25, 06 at most 35.
"""

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 150
SECONDS_PER_CODE_LINE = 10
MINUTES_PER_FIGURE = 1
MINUTES_PER_EXERCISE = 5
BUDGET_MINUTES = {"00": 10, "01": 25, "02": 25, "03": 25, "04": 25, "05": 25, "06": 35}
MACHINERY = re.compile(r"\bassert\b|robust\(|NBVAL|nbval")
DETAILS = re.compile(r"<details>.*?</details>", re.DOTALL)
HEADING = re.compile(r"^(#+)\s*(.*)$", re.MULTILINE)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)  # a `#` there is no heading
# In prose, the markers and robust( count; "assert" only as code (in backticks).
PROSE_MACHINERY = re.compile(r"robust\(|NBVAL|nbval|`[^`]*\bassert\b[^`]*`")
ANSWER_HEADER = "The run's answer:"  # the first line of a folded output (print it first)
# JupyterLab's order of preference for the line its folded-output bar shows (4.x,
# CodeCell.getOutputPlaceholderText); a figure's text/plain is "<Figure size ...>"
PLACEHOLDER_TYPES = ("text/html", "image/svg+xml", "application/pdf", "text/markdown",
                     "text/plain", "application/vnd.jupyter.stderr",
                     "application/vnd.jupyter.stdout", "text")


@dataclass
class Part:
    """What one part of a notebook (core path or "Going further") asks of a learner."""

    words: int = 0
    folded_words: int = 0
    code_lines: int = 0
    figures: int = 0
    exercises: int = 0
    machinery: list = field(default_factory=list)  # "cell N: line" for each visible guard
    leaks: list = field(default_factory=list)  # "cell N: line": a folded output's first line

    @property
    def minutes(self) -> float:
        return (self.words / WORDS_PER_MINUTE + self.code_lines * SECONDS_PER_CODE_LINE / 60
                + self.figures * MINUTES_PER_FIGURE + self.exercises * MINUTES_PER_EXERCISE)


def _words(markdown: str) -> int:
    text = re.sub(r"<[^>]+>", " ", markdown)  # tags are not words
    return len(re.findall(r"\w[\w'’.,-]*", text))


def is_hidden(cell: dict) -> bool:
    """A cell the learner does not see: source hidden in JupyterLab, or removed from the site."""
    metadata = cell.get("metadata", {})
    return (bool(metadata.get("jupyter", {}).get("source_hidden", False))
            or "remove-cell" in metadata.get("tags", []))


def placeholder_line(cell: dict) -> str | None:
    """The line JupyterLab shows on the bar of a cell whose output is folded: the first
    non-empty line of its first output (None: no text to show)."""
    outputs = cell.get("outputs", [])
    if not outputs:
        return None
    out = outputs[0]
    data = dict(out.get("data", {}))
    if "text" in out:  # a stream output: JupyterLab reads it as stdout/stderr
        data[f"application/vnd.jupyter.{out.get('name', 'stdout')}"] = out["text"]
    for mime in PLACEHOLDER_TYPES:
        value = data.get(mime)
        if isinstance(value, (str, list)):
            text = "".join(value) if isinstance(value, list) else value
            return next((line for line in text.split("\n") if line != ""), None)
    return None


def stats(path: Path) -> tuple[Part, Part]:
    """(core path, going further) of the notebook at `path`."""
    return stats_of_cells(json.loads(path.read_text(encoding="utf-8"))["cells"])


def stats_of_cells(cells: list[dict]) -> tuple[Part, Part]:
    """(core path, going further) of a notebook's cells (as in its JSON)."""
    core, further = Part(), Part()
    part, further_level, testing_level = core, 0, 0  # 0: not inside such a section
    for i, cell in enumerate(cells):
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        hidden = is_hidden(cell)
        if cell["cell_type"] == "markdown":
            for hashes, heading in HEADING.findall(FENCE.sub("", source)):
                heading, level = heading.lower(), len(hashes)
                if part is further and level <= further_level:
                    part = core
                if testing_level and level <= testing_level:
                    testing_level = 0
                if heading.startswith("going further"):
                    part, further_level = further, level
                if heading.startswith("how this course tests itself"):
                    testing_level = level
            if hidden:
                part.folded_words += _words(source)
                continue
            part.folded_words += _words(" ".join(DETAILS.findall(source)))
            shown = DETAILS.sub(" ", source)
            part.words += _words(shown)
            if not testing_level:
                part.machinery += [f"cell {i} (markdown): {line.strip()}"
                                   for line in shown.splitlines() if PROSE_MACHINERY.search(line)]
            continue
        if cell["cell_type"] != "code":
            continue
        metadata = cell.get("metadata", {})
        folded = metadata.get("jupyter", {})
        first = next((line for line in source.splitlines() if line.strip()), "")
        if folded.get("source_hidden") and MACHINERY.search(first) and not testing_level:
            part.machinery.append(f"cell {i} (the line its folded code shows): {first.strip()}")
        if folded.get("outputs_hidden"):
            line = placeholder_line(cell)
            if line is not None and not (line.startswith(ANSWER_HEADER)
                                         or line.startswith("<Figure")):
                part.leaks.append(f"cell {i}: {line.strip()[:80]}")
        if not hidden or "### BEGIN SOLUTION" in source:  # a folded solution is a stub there
            lines = [line for line in source.splitlines() if line.strip()]
            part.code_lines += len(lines)
            if "### BEGIN SOLUTION" in source:
                part.exercises += 1
            if not testing_level:
                part.machinery += [f"cell {i}: {line.strip()}" for line in lines
                                   if MACHINERY.search(line)]
        if ("remove-cell" in metadata.get("tags", [])
                or metadata.get("jupyter", {}).get("outputs_hidden", False)):
            continue  # a figure counts wherever the learner sees it, folded code or not
        for out in cell.get("outputs", []):
            if any(k.startswith("image/") for k in out.get("data", {})):
                part.figures += 1
    return core, further


def problems_of(path: Path, core: Part, further: Part) -> list[str]:
    """What is wrong with one notebook: a core path over its budget, visible machinery."""
    budget = BUDGET_MINUTES.get(path.name[:2])
    problems = []
    if budget and core.minutes > budget:
        problems.append(f"{path.name}: core path {core.minutes:.1f} min, budget {budget} min")
    problems += [f"{path.name} {m}" for part in (core, further) for m in part.machinery]
    problems += [f"{path.name} {leak} (a folded output's bar shows this line: print "
                 f"{ANSWER_HEADER!r} first)" for part in (core, further) for leak in part.leaks]
    return problems


def over_budget(paths: list[Path]) -> list[str]:
    """Every problem of these notebooks (see problems_of); empty when all are within budget."""
    return [problem for path in paths for problem in problems_of(path, *stats(path))]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    header = (f"{'notebook':<40} {'part':<8} {'words':>6} {'folded':>6} {'code':>5} "
              f"{'figs':>4} {'ex':>3} {'guards':>6} {'min':>5} {'budget':>6}")
    print(header)
    print("-" * len(header))
    problems = []
    for path in notebooks:
        budget = BUDGET_MINUTES.get(path.name[:2])
        parts = stats(path)
        for name, part in zip(("core", "further"), parts):
            shown_budget = f"{budget:>6}" if name == "core" and budget else f"{'':>6}"
            print(f"{path.stem:<40} {name:<8} {part.words:>6} {part.folded_words:>6} "
                  f"{part.code_lines:>5} {part.figures:>4} {part.exercises:>3} "
                  f"{len(part.machinery):>6} {part.minutes:>5.1f} {shown_budget}")
        problems += problems_of(path, *parts)
    if check and problems:
        print("\n" + "\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
