"""The lab without a kernel: notebooks/images/lab_static.png, a static picture of the lab's
cost and path views at b = 1, 64 and 4,000 (learning rate 0.1), made with the library from the
lab's own runs. The path's regression has m = 500 examples: there b = 4,000 runs batch GD with
b = 500, and the panel's title says so. Deterministic (fixed seeds, no date in the PNG);
tests/test_lab_picture.py checks that the stored picture is what this script draws.

    .venv/bin/python scripts/make_lab_picture.py [OUT.png]
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # a script: no window (notebook runs never set this)
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.plots import plotting  # noqa: E402
from course_utils.ui.lab_runs import LabRuns  # noqa: E402
from course_utils.ui.lab_views import PathView  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "notebooks" / "images" / "lab_static.png"
SIZES, RATE = (1, 64, 4000), 0.1


def draw(runs: LabRuns) -> Figure:
    fig = Figure(figsize=(12, 6.4), dpi=80, layout="constrained")
    axes = fig.subplots(2, 3, sharey="row")
    (x0, x1), (y0, y1) = PathView.LIMITS
    w1, w2 = np.meshgrid(np.linspace(x0, x1, 120), np.linspace(y0, y1, 120))
    J = runs.path_cost(w1, w2)
    for col, b in enumerate(SIZES):
        run = runs.run(b, RATE)
        top, bottom = axes[0, col], axes[1, col]
        x, y = plotting.decimate(run["step_epochs"], run["step_cost"], max_points=600)
        top.plot(x, y, color=plotting.OTHER["grey"], lw=0.6, label="cost of each mini-batch")
        ec = run["epoch_cost"]
        top.plot(np.arange(len(ec) + 1), np.append(ec, ec[-1:]), lw=2.5, drawstyle="steps-post",
                 **plotting.method_style(b, runs.m), label="epoch average")
        top.set(xlim=(0, runs.epochs), ylim=(0, 8), title=plotting.method_label(b, runs.m),
                xlabel="epochs (passes over the training set)",
                ylabel="cost J, cross-entropy (no unit)" if col == 0 else "")
        bottom.contour(w1, w2, J, levels=J.min() + (J.max() - J.min()) * np.geomspace(1e-4, 1, 18),
                       colors=plotting.OTHER["light grey"], linewidths=0.8)
        P, b_path = run["path"], run["path_batch_size"]
        bottom.plot(P[:, 0], P[:, 1], lw=1, ms=5, markevery=max(1, len(P) // 12),
                    **plotting.method_style(b_path, runs.m_path), label="path")
        bottom.plot(*runs.start, **plotting.START_STYLE, gid="path-start", zorder=5)
        bottom.plot(*P[-1], **plotting.END_STYLE, gid="path-end", zorder=5)
        bottom.set(xlim=(x0, x1), ylim=(y0, y1), aspect="equal",
                   xlabel="parameter w1 (no unit)",
                   ylabel="parameter w2 (no unit)" if col == 0 else "",
                   title=f"path: {plotting.method_label(b_path, runs.m_path)}")
    plotting.legend(axes[0, 2])
    plotting.legend(axes[1, 2])
    fig.suptitle(f"The lab at learning rate {RATE}. Top: the cost of each mini-batch, MNIST-1D "
                 f"(m = {runs.m:,}), {runs.epochs} epochs.\nBottom: the path of the same method "
                 f"on a 2-parameter regression with m = {runs.m_path}: there b = {SIZES[-1]:,} "
                 f"is b = m = {runs.m_path}, batch GD.")
    return fig


def main(out=OUT):
    fig = draw(LabRuns())
    fig.savefig(out, metadata={"Software": None})
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
