"""The lab without a kernel: notebooks/images/lab_static.png, a static picture of the lab's
cost and path views at b = 1, 64 and 4,000 (learning rate 0.1), made with the library from the
lab's own runs. Top: the cost of each mini-batch (`plot_each_minibatch_cost`: SGD's 12,000
costs as a dot for every k-th) with the epoch averages held across their epochs (as the
lab's cost view draws them), on one y-axis cut at 8 (each panel's title counts the costs above
it), and at the right edge each run's training cost after its
epochs (the whole training set's cost at the end: the number the lab's readout and the title
give). Bottom: the path of the two-parameter regression (m = 500: there b = 4,000 runs batch
GD with b = 500) from the start to the end, with the cost's minimum w*. The title states the
picture's point, from the runs. Deterministic (fixed seeds, no date in the PNG);
tests/test_lab_picture.py checks that the stored picture is what this script draws.

    .venv/bin/python scripts/make_lab_picture.py [OUT.png]
"""

import sys
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")  # a script: no window (notebook runs never set this)
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.plots import plotting  # noqa: E402
from course_utils.plots.curves_plots import plot_each_minibatch_cost  # noqa: E402
from course_utils.ui.lab_runs import LabRuns  # noqa: E402
from course_utils.ui.lab_views import PathView  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "notebooks" / "images" / "lab_static.png"
SIZES, RATE, TOP = (1, 64, 4000), 0.1, 8.0  # TOP: the cost axis's top (SGD's peaks cut off)
OTHER_BLACK = plotting.OTHER["black"]


def as_history(run: dict, m: int) -> SimpleNamespace:
    """A lab run as the History fields plot_each_minibatch_cost reads."""
    return SimpleNamespace(step_cost=run["step_cost"], step_examples=run["step_epochs"] * m,
                           epoch_cost=run["epoch_cost"], batch_size=run["batch_size"], m=m)


def side_legend(ax, handles):
    """One legend right of ax for the lines of a whole row, each label once, the methods'
    lines first."""
    seen = {}
    methods = ("epoch average", "path", "training cost")  # the runs' lines first, then the markers

    def rank(line):
        return next((k for k, word in enumerate(methods) if line.get_label().startswith(word)),
                    len(methods))

    for line in sorted(handles, key=rank):
        if len(line.get_xdata()) and not line.get_label().startswith("_"):
            seen.setdefault(line.get_label(), line)
    ax.legend(list(seen.values()), list(seen), loc="upper left", bbox_to_anchor=(1.03, 1),
              fontsize=8, frameon=False)


def relabel_costs(ax, run: dict, runs: LabRuns):
    """One panel of the top row in plain words: no cut-off marks (the title counts them), the
    legend says where each point sits, the title what the points are, and the training cost
    after the run's epochs (the readout's number) is marked at the right edge."""
    b, m, epochs = run["batch_size"], runs.m, runs.epochs
    name = plotting.method_label(b, m)
    for line in list(ax.get_lines()):
        label = line.get_label()
        if label.startswith("cut off"):
            line.remove()
        elif label.startswith("epoch average"):  # held across its epoch, as in the lab
            averages = np.asarray(line.get_ydata())
            line.set_data(np.arange(len(averages) + 1), np.append(averages, averages[-1:]))
            line.set_drawstyle("steps-post")
            line.set_markevery(range(len(averages)))  # a marker where each epoch starts
            line.set_label(f"{label}, held across its epoch")
        elif b == m:  # batch GD's one cost per epoch is that epoch's average: drawn once
            line.remove()
        elif label.startswith("cost of each"):
            line.set_label("cost of each mini-batch, just before its update")
        elif label.startswith("cost of every"):
            every = label.split()[3]
            line.set_label(f"SGD: the cost of every {every} mini-batch, one dot each")
    final = run["final_cost"]
    ax.plot([epochs], [final], "<", color=OTHER_BLACK, ms=9, ls="none", clip_on=False,
            zorder=6, label=f"training cost after {epochs} epochs (whole training set)")
    ax.annotate(f"{final:.2f}", (epochs, final), xytext=(-6, -8), textcoords="offset points",
                ha="right", va="top", fontsize=10, fontweight="bold",
                bbox=dict(fc="white", ec="none", alpha=0.8, pad=1))
    costs = run["step_cost"]
    every = -(-len(costs) // 300)  # as plot_each_minibatch_cost thins SGD's dots
    above = int((costs > TOP).sum())
    lines = [name, f"{len(costs):,} updates" + (f", a dot for every {every}th" if every > 1
                                                  else "")]
    if above:
        lines.append(f"{above:,} costs ({above / len(costs):.0%}) above {TOP:g} not shown")
    if b == m:
        lines.append("one mini-batch, the whole set: its cost\nbefore each update is that "
                     "epoch's average")
    ax.set_title("\n".join(lines))


def draw(runs: LabRuns) -> Figure:
    fig = Figure(figsize=(14.5, 8.6), dpi=80, layout="constrained")
    fig.get_layout_engine().set(h_pad=0.12)  # room between the rows: x labels, titles
    top_axes = fig.subplots(2, 3)[0]
    bottom_axes = fig.axes[3:]
    for ax in top_axes[1:]:
        ax.sharey(top_axes[0])
    run = {b: runs.run(b, RATE) for b in SIZES}
    plot_each_minibatch_cost([as_history(run[b], runs.m) for b in SIZES], axes=top_axes,
                             top=TOP, max_points=300)
    fig.legends.clear()  # one legend per row, right of it, instead of one below the figure
    for col, (ax, b) in enumerate(zip(top_axes, SIZES)):
        relabel_costs(ax, run[b], runs)
        ax.set_ylabel("cost of each mini-batch\n(cross-entropy, no unit)" if col == 0 else "")
    side_legend(top_axes[2], [line for ax in top_axes for line in ax.get_lines()])

    (x0, x1), (y0, y1) = PathView.LIMITS
    w1, w2 = np.meshgrid(np.linspace(x0, x1, 120), np.linspace(y0, y1, 120))
    J = runs.path_cost(w1, w2)
    for col, (ax, b) in enumerate(zip(bottom_axes, SIZES)):
        ax.contour(w1, w2, J, levels=J.min() + (J.max() - J.min()) * np.geomspace(1e-4, 1, 18),
                   colors=plotting.OTHER["light grey"], linewidths=0.8)
        P, b_path = run[b]["path"], run[b]["path_batch_size"]  # P: (updates + 1, 2)
        name = plotting.method_label(b_path, runs.m_path)
        ax.plot(P[:, 0], P[:, 1], lw=1, ms=5, markevery=max(1, len(P) // 12),
                **plotting.method_style(b_path, runs.m_path), label=f"path, {name}")
        ax.plot(*runs.w_min, "P", color=plotting.OTHER["vermillion"], ms=10, ls="none",
                zorder=6, label="minimum of the cost, w*")
        ax.plot(*runs.start, **plotting.START_STYLE, gid="path-start", zorder=5, label="start")
        ax.plot(*P[-1], **plotting.END_STYLE, gid="path-end", zorder=8, label="end")  # on top
        ax.set(xlim=(x0, x1), ylim=(y0, y1), aspect="equal", xlabel="parameter w1 (no unit)",
               ylabel="parameter w2 (no unit)" if col == 0 else "",
               title=f"path: {name}\n{len(P) - 1:,} updates in {runs.path_epochs} epochs")
    side_legend(bottom_axes[2], [line for ax in bottom_axes for line in ax.get_lines()])

    final = {b: run[b]["final_cost"] for b in SIZES}
    best = min(final, key=final.get)
    others = ", ".join(f"{plotting.method_label(b, runs.m).split(' (')[0]} {final[b]:.2f}"
                       for b in SIZES if b != best)
    fig.suptitle(f"After {runs.epochs} epochs at learning rate {RATE}, "
                 f"{plotting.method_label(best, runs.m)} has the lowest training cost of these "
                 f"three: {final[best]:.2f} ({others}; one seed).\n"
                 f"Top: MNIST-1D (m = {runs.m:,}); the number at each panel's right edge is the "
                 f"training cost after {runs.epochs} epochs, the whole training set's cost at "
                 f"the end.\nAn epoch's average is taken while the parameters move, each cost on "
                 f"its own mini-batch,\nso the whole set's cost at the end can lie below it "
                 f"(SGD: last epoch's average {run[1]['epoch_cost'][-1]:.2f}, training cost "
                 f"after it {final[1]:.2f}).\nBottom: the same methods on a 2-parameter "
                 f"regression with m = {runs.m_path} (there b = {SIZES[-1]:,} is b = m = "
                 f"{runs.m_path}, batch GD), {runs.path_epochs} epochs each.")
    return fig


def main(out=OUT):
    fig = draw(LabRuns())
    fig.savefig(out, metadata={"Software": None})
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
