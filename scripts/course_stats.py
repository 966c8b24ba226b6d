"""How long each notebook takes a learner: its core path and its "Going further" part apart.

    .venv/bin/python scripts/course_stats.py           # the table (`make stats`)
    .venv/bin/python scripts/course_stats.py --check   # exit 1 if a core path is over budget
                                                       # or shows test machinery

What counts, per notebook (notebooks/NN_*.ipynb):
- the core path is every section but those whose heading starts with "Going further" (such a
  section runs to the next heading of its level or above);
- prose: words of markdown outside folded `<details>` blocks (folded words are counted apart);
- code: non-blank lines of code cells a learner sees (not hidden by the cell metadata
  JupyterLab honours, `jupyter.source_hidden`), comments included;
- figures: image outputs of visible cells; exercises: cells with `### BEGIN SOLUTION`;
- time: 150 words a minute, 10 s a code line, 1 min a figure and 5 min an exercise;
- machinery: visible code lines holding `assert`, `robust(`, `NBVAL` or `nbval`, outside a
  section headed "How this course tests itself".

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


@dataclass
class Part:
    """What one part of a notebook (core path or "Going further") asks of a learner."""

    words: int = 0
    folded_words: int = 0
    code_lines: int = 0
    figures: int = 0
    exercises: int = 0
    machinery: list = field(default_factory=list)  # "cell N: line" for each visible guard

    @property
    def minutes(self) -> float:
        return (self.words / WORDS_PER_MINUTE + self.code_lines * SECONDS_PER_CODE_LINE / 60
                + self.figures * MINUTES_PER_FIGURE + self.exercises * MINUTES_PER_EXERCISE)


def _words(markdown: str) -> int:
    text = re.sub(r"<[^>]+>", " ", markdown)  # tags are not words
    return len(re.findall(r"\w[\w'’.,-]*", text))


def stats(path: Path) -> tuple[Part, Part]:
    """(core path, going further) of the notebook at `path`."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    core, further = Part(), Part()
    part, testing_section, further_level = core, False, 0
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for hashes, heading in HEADING.findall(source):
                heading = heading.lower()
                if heading.startswith("going further"):
                    part, further_level = further, len(hashes)
                elif part is further and len(hashes) <= further_level:
                    part = core
                testing_section = heading.startswith("how this course tests itself")
            folded = " ".join(DETAILS.findall(source))
            part.folded_words += _words(folded)
            part.words += _words(DETAILS.sub(" ", source))
            continue
        if cell["cell_type"] != "code":
            continue
        hidden = cell.get("metadata", {}).get("jupyter", {}).get("source_hidden", False)
        if hidden:
            continue
        lines = [line for line in source.splitlines() if line.strip()]
        part.code_lines += len(lines)
        if "### BEGIN SOLUTION" in source:
            part.exercises += 1
        if not testing_section:
            part.machinery += [f"cell {i}: {line.strip()}" for line in lines
                               if MACHINERY.search(line)]
        for out in cell.get("outputs", []):
            if any(k.startswith("image/") for k in out.get("data", {})):
                part.figures += 1
    return core, further


def main(argv: list[str]) -> int:
    check = "--check" in argv
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    header = (f"{'notebook':<40} {'part':<8} {'words':>6} {'folded':>6} {'code':>5} "
              f"{'figs':>4} {'ex':>3} {'guards':>6} {'min':>5} {'budget':>6}")
    print(header)
    print("-" * len(header))
    problems = []
    for path in notebooks:
        number = path.name[:2]
        budget = BUDGET_MINUTES.get(number)
        for name, part in zip(("core", "further"), stats(path)):
            shown_budget = f"{budget:>6}" if name == "core" and budget else f"{'':>6}"
            print(f"{path.stem:<40} {name:<8} {part.words:>6} {part.folded_words:>6} "
                  f"{part.code_lines:>5} {part.figures:>4} {part.exercises:>3} "
                  f"{len(part.machinery):>6} {part.minutes:>5.1f} {shown_budget}")
            if name == "core" and budget and part.minutes > budget:
                problems.append(f"{path.name}: core path {part.minutes:.1f} min, "
                                f"budget {budget} min")
            problems += [f"{path.name} {m}" for m in part.machinery]
    if check and problems:
        print("\n" + "\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
