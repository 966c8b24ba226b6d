"""The analysis modules import lean: computing never loads matplotlib's pyplot, ipywidgets,
IPython or Pillow; the plotting-side modules load matplotlib but not pyplot until a figure is
drawn. Each check runs in a fresh interpreter and reads its sys.modules."""

import json
import subprocess
import sys

import pytest

import course_utils

HEAVY = ("matplotlib.pyplot", "ipywidgets", "IPython", "PIL")
COMPUTE = tuple(n for n, m in course_utils.MODULES.items() if m.startswith(("core.", "measure.")))
PLOTTING_SIDE = tuple(n for n, m in course_utils.MODULES.items() if m.startswith("plots."))


@pytest.fixture(scope="module")
def loaded():
    """{"compute" / "plotting side": {heavy module: loaded?}}, read in one fresh interpreter
    after importing the compute modules, then again after the plotting-side ones."""
    code = "\n".join([
        "import importlib, json, sys",
        f"heavy = {list(HEAVY)!r}",
        "seen = {}",
        f"modules = {course_utils.MODULES!r}",
        f"for group, names in (('compute', {list(COMPUTE)!r}), "
        f"('plotting side', {list(PLOTTING_SIDE)!r})):",
        "    for name in names:",
        "        importlib.import_module('course_utils.' + modules[name])",
        "    seen[group] = {m: m in sys.modules for m in heavy}",
        "print(json.dumps(seen))",
    ])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def test_compute_modules_load_no_plotting_or_widgets(loaded):
    assert loaded["compute"] == dict.fromkeys(HEAVY, False)


def test_plotting_side_modules_load_pyplot_only_to_draw(loaded):
    seen = loaded["plotting side"]
    assert not seen["matplotlib.pyplot"] and not seen["ipywidgets"] and not seen["IPython"]


def test_every_name_the_notebooks_call_exists():
    """Each cu.<module>.<name> in a notebook's code, a benchmark or a script is found where
    the short name points."""
    import importlib
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    called = set()
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] == "code":
                called |= set(re.findall(r"\bcu\.(\w+)\.(\w+)", "".join(cell["source"])))
    for path in sorted((root / "benchmarks").glob("*.py")) + sorted(
            (root / "scripts").glob("*.py")):
        called |= set(re.findall(r"\bcu\.(\w+)\.(\w+)", path.read_text()))
    assert len(called) > 100, "the pattern found too few names: stale?"
    missing = sorted(f"cu.{m}.{n}" for m, n in called
                     if not hasattr(importlib.import_module(
                         f"course_utils.{course_utils.MODULES[m]}"), n))
    assert missing == []
