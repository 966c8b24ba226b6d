"""Execute notebooks top to bottom in a fresh kernel and save them clean, in place.

    .venv/bin/python scripts/run_notebooks.py notebooks/*.ipynb

"Clean" is what nbval and a reader need: execution counts 1, 2, 3, ... in order, outputs as
produced, and no per-machine metadata (timings, Python patch version, widget state).
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KEEP_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    seconds = time.perf_counter() - start
    nb.metadata = nbformat.from_dict(KEEP_METADATA)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return seconds


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(f"{arg}: {run(Path(arg)):.1f} s", flush=True)
