"""The lab's views: one small class per panel, each drawing what the sliders chose.

Every view has the same three methods:

    build(live, slot)  make its Axes in a LiveFigure's grid slot, draw what never changes,
                       and register the artists that follow the sliders (live.animate)
    update(state)      move those artists to the lab's state (Lab.state(): batch_size,
                       the run of LabRuns, the memory report, ...)
    drawn()            True if those artists hold finite data (a blank panel is False)

and `needs_run`: whether it shows a training run (cost, path, speed) or only memory.
The figures follow the course's convention (`plotting`): the three methods in their colours
and line styles, everything else in OTHER colours, legends right of the Axes that name only
the lines drawn, and axes fitted to their data (`plotting.convention_problems` checks it).
An axis or legend that must change with the data takes another background (`relayout`):
only when it changes (a new method, a new range), not on every move; a layout seen before
gets its kept background back (`LiveFigure`), a new one a full render.
"""

import numpy as np
from matplotlib.ticker import FixedLocator, NullFormatter

from ..plots.plotting import (
    END_STYLE,
    OTHER,
    START_STYLE,
    decimate,
    legend,
    method_color,
    method_of,
    method_style,
    plain_log_ticks,
)
from .live_figure import holds_data

METHOD_NAMES = {"batch": "batch GD", "sgd": "SGD", "minibatch": "mini-batch GD"}
# the chosen b, the same in the speed and memory views: black, whatever the method (the method
# colours belong to the lines of the runs)
YOUR_SIZE = dict(marker="o", color=OTHER["black"], ms=8, ls="none")
COST_TOPS = (4.0, 8.0, 16.0, 32.0)  # the cost axis's possible tops (CostView.fit_cost_axis)


class PanelView:
    """What the views share: the artists that must hold data once drawn."""

    needs_run = True
    filled = ()

    def drawn(self) -> bool:
        return bool(self.filled) and all(holds_data(a) for a in self.filled)

    def relegend(self, ax):
        """Make ax's legend again if the labels of its drawn lines changed (a new method)."""
        labels = [line.get_label() for line in ax.get_lines() if holds_data(line)
                  and not line.get_label().startswith("_")]
        old = ax.get_legend()
        if old is None or [t.get_text() for t in old.get_texts()][:len(labels)] != labels:
            for line in ax.get_lines():  # empty lines leave the legend
                if not holds_data(line) and not line.get_label().startswith("_"):
                    line.set_label("_" + line.get_label())
            legend(ax)
            self.live.relayout()

    def refit(self, ax, ylim):
        """Set ax's y limits to ylim if they differ (then the background is rendered again)."""
        if tuple(ax.get_ylim()) != tuple(ylim):
            ax.set_ylim(*ylim)
            self.live.relayout()

    def clear(self):
        """Empty the artists that follow the sliders (a state this view cannot show)."""
        for artist in self.filled:
            if hasattr(artist, "set_data"):
                artist.set_data([], [])


class CostView(PanelView):
    """Cost while training: the cost of each mini-batch (grey) and the epoch averages, in the
    style of the method the mini-batch size makes, on an axis fitted to the data
    (`fit_cost_axis`)."""

    def __init__(self, runs):
        self.runs = runs

    def build(self, live, slot):
        runs = self.runs
        self.live, ax = live, live.fig.add_subplot(slot)
        self.ax = ax
        dims = "-".join(str(d) for d in runs.layer_dims)
        ax.set(xlim=(0, runs.epochs), ylim=(0, 4),
               xlabel="epochs (passes over the training set)",
               ylabel="cost J, cross-entropy (no unit)",
               title=f"Cost while training (MNIST-1D, MLP {dims})")
        self.step_line = live.animate(ax.plot([], [], color=OTHER["grey"], lw=0.7,
                                              label="cost of each mini-batch")[0])
        self.epoch_line = live.animate(ax.plot([], [], lw=2.5, drawstyle="steps-post",
                                               label="epoch average")[0])
        legend(ax)
        self.filled = (self.step_line, self.epoch_line)

    def update(self, state):
        run, b = state["run"], state["batch_size"]
        # two points (a bucket's min and max) per pixel column: the envelope at the screen's
        # resolution, and a quick redraw even for SGD's thousands of steps
        columns = int(self.ax.get_window_extent().width)
        x, y = decimate(run["step_epochs"], run["step_cost"], max_points=max(2, 2 * columns))
        self.step_line.set_data(x, y)
        ec = run["epoch_cost"]  # drawn across its epoch: from epoch e to e + 1
        self.epoch_line.set_data(np.arange(len(ec) + 1), np.append(ec, ec[-1:]))
        self.epoch_line.set(**method_style(b, self.runs.m),
                            label="epoch average, held across\nits epoch: "
                                  f"{METHOD_NAMES[method_of(b, self.runs.m)]}")
        self.fit_cost_axis(y)
        self.relegend(self.ax)


    def fit_cost_axis(self, y):
        """A linear axis from 0 to the first of COST_TOPS at or above the costs' 95th
        percentile: SGD's rare single-example peaks (tens) run off the top rather than
        flatten every other curve (a log axis would need twelve decades for them), and so does
        a cost that grows without bound (the readout gives its value). A few fixed tops, so
        that moving a slider seldom changes the axis: a layout seen before needs no render."""
        y = y[np.isfinite(y)]
        top = np.percentile(y, 95) if y.size else 0.0
        self.refit(self.ax, (0, next((t for t in COST_TOPS if top <= t), COST_TOPS[-1])))


class PathView(PanelView):
    """The path of the two-parameter regression on its cost's contours, from the start (a
    square) to the end (a star), in the style of the method its mini-batch size makes."""

    LIMITS = ((-1.5, 3.5), (-3.5, 1.0))  # (w1, w2) ranges shown

    def __init__(self, runs):
        self.runs = runs

    def build(self, live, slot):
        runs = self.runs
        self.live, ax = live, live.fig.add_subplot(slot)
        self.ax = ax
        (x0, x1), (y0, y1) = self.LIMITS
        w1, w2 = np.meshgrid(np.linspace(x0, x1, 120), np.linspace(y0, y1, 120))
        J = runs.path_cost(w1, w2)  # (120, 120)
        ax.contour(w1, w2, J, levels=J.min() + (J.max() - J.min()) * np.geomspace(1e-4, 1, 18),
                   colors=OTHER["light grey"], linewidths=0.8)
        ax.plot(*runs.w_min, "P", color=OTHER["vermillion"], ms=10, ls="none",
                label="minimum of the cost")
        ax.plot(*runs.start, **START_STYLE, gid="path-start", zorder=5)
        self.path_line = live.animate(ax.plot([], [], lw=1, ms=5, label="path")[0])
        self.path_end = live.animate(ax.plot([], [], **END_STYLE, gid="path-end", zorder=5)[0])
        ax.set(xlim=self.LIMITS[0], ylim=self.LIMITS[1], xlabel="parameter w1 (no unit)",
               ylabel="parameter w2 (no unit)", aspect="equal")
        ax.set_title(f"Path on the cost of a 2-parameter regression (m = {runs.m_path}, "
                     f"{runs.path_epochs} epochs)", fontsize=10)
        legend(ax)  # also names the start and end markers
        # what this panel's b means, under the legend, outside the data
        self.path_note = live.animate(ax.text(1.03, 0.0, "", transform=ax.transAxes,
                                              va="bottom", fontsize=8))
        self.path_note.set_in_layout(False)
        self.filled = (self.path_line, self.path_end, self.path_note)

    def update(self, state):
        run, m_path = state["run"], self.runs.m_path
        P, b_path = run["path"], run["path_batch_size"]  # P: (updates + 1, 2)
        self.path_line.set_data(P[:, 0], P[:, 1])
        self.path_line.set(**method_style(b_path, m_path), markevery=max(1, len(P) // 12),
                           label=f"path, {METHOD_NAMES[method_of(b_path, m_path)]}")
        self.path_end.set_data(P[-1:, 0], P[-1:, 1])
        self.path_end.set_markerfacecolor(method_color(b_path, m_path))
        note = f"path: b = {b_path}"
        if b_path == m_path:
            note += f"\n(batch GD: this problem\nhas m = {m_path})"
        if run["path_message"]:
            note += "\n" + run["path_message"]
        self.path_note.set_text(note)
        self.relegend(self.ax)

    def clear(self):
        super().clear()
        self.path_note.set_text("")


class SpeedView(PanelView):
    """Two Axes, one above the other: updates per epoch (⌈m / b⌉, every size), then the time
    per epoch of the sizes tried so far, on this machine."""

    def __init__(self, runs, sizes):
        self.runs, self.sizes = runs, np.array(sizes)

    def build(self, live, slot):
        runs, fig, self.live = self.runs, live.fig, live
        top_slot, bottom_slot = slot.subgridspec(2, 1)
        top = self.ax_updates = fig.add_subplot(top_slot)
        ax = self.ax = fig.add_subplot(bottom_slot, sharex=top)
        lims = (0.7, runs.m * 1.4)
        top.plot(self.sizes, np.ceil(runs.m / self.sizes), "-", color=OTHER["black"],
                 label="every size: ⌈m / b⌉")
        self.updates_marker = live.animate(top.plot([], [], **YOUR_SIZE, label="your b")[0])
        top.set(xscale="log", yscale="log", xlim=lims, ylim=lims,
                xlabel="mini-batch size b (examples)",
                ylabel=f"updates per epoch\n(count, m = {runs.m:,})",
                title="Updates and time per epoch")
        self.speed_points = live.animate(ax.plot([], [], "s", color=OTHER["grey"], ms=5,
                                                 label="sizes tried at this rate\n(yours too)")[0])
        self.speed_marker = live.animate(ax.plot([], [], **YOUR_SIZE, label="your b")[0])
        ax.set(yscale="log", ylim=(1, 10), xlabel="mini-batch size b (examples)",
               ylabel="time per epoch\n(ms, this machine)")
        for axis in (top.xaxis, top.yaxis, ax.xaxis, ax.yaxis):
            plain_log_ticks(axis)
        legend(top)
        legend(ax)
        self.filled = (self.updates_marker, self.speed_points, self.speed_marker)

    def update(self, state):
        run, b = state["run"], state["batch_size"]
        self.updates_marker.set_data([b], [run["updates_per_epoch"]])
        xs, ys = self.runs.measured_speeds(state["learning_rate"], state["rate_scaling"],
                                           state["reference_batch_size"])
        ms = run["seconds_per_epoch"] * 1e3  # milliseconds, as in the readout
        self.speed_points.set_data(xs, ys * 1e3)
        self.speed_marker.set_data([b], [ms])
        # the time axis fitted to the sizes tried: a factor of 3 of room each side, in
        # whole steps of a factor of 3 (so small changes in the times keep the axis still)
        t = np.log10([*ys * 1e3, ms]) / np.log10(3)
        low, high = np.floor(np.min(t)) - 1, np.ceil(np.max(t)) + 1
        self.refit(self.ax, (3.0 ** low, 3.0 ** high))


def _decade_bytes(x, _pos=None) -> str:
    """Tick label for a power of ten bytes: 10 kB, 100 kB, 1 MB, ... 1 TB."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if x >= size:
            return f"{x / size:,.0f} {unit}"
    return f"{x:,.0f} bytes"


class MemoryView(PanelView):
    """Points on a log axis of bytes: the fixed bytes (parameters, gradients, ...) and the
    whole step at the chosen size and at the largest size that fits, against the budget (a
    dashed line). Points, not bars: on a log axis a bar's length means nothing. The axis
    spans the whole decades around what is drawn (`fit_bytes_axis`). Reads state["memory"],
    a memory.budget_report with a chosen batch size."""

    needs_run = False

    def __init__(self, title="Memory of one step", low=1e3, high=1e13):
        self.title, self.low, self.high = title, low, high

    def build(self, live, slot):
        low, high = self.low, self.high
        self.live, ax = live, live.fig.add_subplot(slot)
        self.ax = ax
        ax.set(xscale="log", xlim=(low, high), ylim=(-0.6, 1.6),
               xlabel="peak memory of one training step (bytes)",
               ylabel="which b (one row each)", title=self.title)
        ax.set_yticks([0, 1], ["largest b\nthat fits", "your b"])
        self.set_byte_ticks(low, high)
        self.fixed = live.animate(ax.plot([], [], "|", color=OTHER["black"], ms=14, mew=2,
                                          label="fixed part: parameters and gradients\n"
                                                "(the same at every b)")[0])
        self.largest = live.animate(ax.plot([], [], "D", color=OTHER["vermillion"], ms=8,
                                            ls="none", label="whole step at the largest b\n"
                                                             "that fits (may be > m)")[0])
        self.yours = live.animate(ax.plot([], [], **YOUR_SIZE,
                                          label="whole step at your b")[0])
        self.budget = live.animate(ax.axvline(1, color=OTHER["black"], ls="--", label="budget"))
        legend(ax)
        self.filled = (self.fixed, self.yours, self.budget)

    def update(self, state):
        report = state["memory"]
        fixed, per_ex = report["fixed_bytes"], report["per_example_bytes"]
        self.fixed.set_data([fixed, fixed], [0, 1])
        self.largest.set_data([fixed + per_ex * report["largest_batch"]], [0])
        self.yours.set_data([fixed + per_ex * report["chosen_batch"]], [1])
        self.budget.set_xdata([report["budget_bytes"]] * 2)
        self.fit_bytes_axis([fixed, self.largest.get_xdata()[0], self.yours.get_xdata()[0],
                             report["budget_bytes"]])

    def set_byte_ticks(self, low, high):
        """Ticks at the powers of ten from low to high: each labelled (10 kB, 100 kB, 1 MB)
        on up to 6 decades, else only 1 kB, 1 MB, 1 GB, 1 TB (the others unlabelled)."""
        decades = 10.0 ** np.arange(np.ceil(np.log10(low)), np.floor(np.log10(high)) + 1)
        every = 1 if len(decades) <= 7 else 3
        self.ax.xaxis.set_major_locator(FixedLocator(
            [d for d in decades if round(np.log10(d)) % every == 0]))
        self.ax.xaxis.set_major_formatter(_decade_bytes)
        self.ax.xaxis.set_minor_locator(FixedLocator(decades))
        self.ax.xaxis.set_minor_formatter(NullFormatter())

    def fit_bytes_axis(self, values):
        """The x-axis from the power of ten at or below the smallest of `values` (bytes) to
        the one above the largest: the data fill it, whatever the budget."""
        v = np.asarray([x for x in values if np.isfinite(x) and x > 0], float)
        low = 10.0 ** np.floor(np.log10(v.min()))
        high = 10.0 ** (np.floor(np.log10(v.max())) + 1)
        if tuple(self.ax.get_xlim()) != (low, high):
            self.ax.set_xlim(low, high)
            self.set_byte_ticks(low, high)
            self.live.relayout()
    def clear(self):
        for line in (self.fixed, self.largest, self.yours):
            line.set_data([], [])
        self.budget.set_xdata([np.nan] * 2)
