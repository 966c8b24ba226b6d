"""Execute notebooks top to bottom in a fresh kernel and save them clean, in place.

    .venv/bin/python scripts/run_notebooks.py notebooks/*.ipynb
    .venv/bin/python scripts/run_notebooks.py --cross-check notebooks/02_cost_curves.ipynb

"Clean" is what nbval and a reader need: execution counts 1, 2, 3, ... in order, outputs as
produced, and no per-machine metadata (timings, Python patch version, widget state).

--cross-check: after saving each notebook, run strict nbval on it in a kernel whose arithmetic
sums in another order (OpenBLAS forced to its SSE3 "Prescott" kernels, on one thread), as
another CPU or BLAS would. A checked output that prints a digit rounding could flip fails
there. x86-64 with numpy's OpenBLAS only; elsewhere the check is skipped with a note.
"""

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KEEP_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
# another summation order: OpenBLAS's oldest x86-64 kernels, one thread
CROSS_CHECK_ENV = {"OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_NUM_THREADS": "1"}


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


def cross_check(path: Path) -> bool:
    """Strict nbval on the saved notebook under CROSS_CHECK_ENV; True if it passed."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        print(f"{path}: cross-check skipped (OpenBLAS's Prescott kernels are x86-64 only)")
        return True
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path),
           "--nbval", "--nbval-current-env"]
    done = subprocess.run(cmd, env={**os.environ, **CROSS_CHECK_ENV}, capture_output=True,
                          text=True)
    last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"{path}: cross-check ({', '.join(f'{k}={v}' for k, v in CROSS_CHECK_ENV.items())}): "
          f"{last}", flush=True)
    if done.returncode:
        print(done.stdout[-4000:], flush=True)
    return done.returncode == 0


if __name__ == "__main__":
    args = sys.argv[1:]
    check = "--cross-check" in args
    failed = []
    for arg in (a for a in args if a != "--cross-check"):
        print(f"{arg}: {run(Path(arg)):.1f} s", flush=True)
        if check and not cross_check(Path(arg)):
            failed.append(arg)
    sys.exit(f"cross-check failed: {', '.join(failed)}" if failed else 0)
