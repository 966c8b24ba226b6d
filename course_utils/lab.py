"""The interactive lab: mini-batch size, learning rate and memory budget sliders, and the
views that follow them. Built from the pieces in `widgets`; the training runs behind the views
live in `LabRuns`, computed the first time a (batch size, learning rate) pair is asked for and
cached after that, so a slider value seen before answers at once.

    lab = cu.lab.Lab()                      # every view: the course's front door
    lab = cu.lab.Lab(views=("path",))       # only the loss-surface path (notebook 03)
    lab.widget()
"""

import math
import time

import ipywidgets as W
import numpy as np

from . import memory
from .data import load_mnist1d, make_regression_2d
from .models import MLP, LinearRegression
from .plotting import (
    COLORS,
    END_STYLE,
    LINESTYLES,
    MARKERS,
    OTHER,
    START_STYLE,
    legend,
    method_color,
    method_style,
    plain_log_ticks,
)
from .train import train
from .widgets import (
    Dashboard,
    LiveFigure,
    MemoryBreakdownView,
    SliderEntry,
    budget_slider,
    format_bytes,
    kernel_hint,
    size_slider,
)

VIEWS = ("cost", "path", "speed", "memory")


def decimate(x, y, max_points=2000):
    """At most max_points points that keep the envelope of a noisy curve: the minimum and
    the maximum of each bucket, in order (plain subsampling would hide the noise)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(y) <= max_points:
        return x, y
    buckets = np.array_split(np.arange(len(y)), max_points // 2)
    idx = np.concatenate([sorted((b[np.argmin(y[b])], b[np.argmax(y[b])])) for b in buckets])
    return x[idx], y[idx]


class LabRuns:
    """The runs behind the lab, cached by (batch size, learning rate).

    MNIST-1D with an MLP 40-64-10 for `epochs` epochs (cost curves, time per epoch), and the
    two-parameter regression of notebook 03 (m = 500) for `path_epochs` epochs (the path).
    """

    def __init__(self, epochs: int = 3, path_epochs: int = 20, hidden: int = 64, seed: int = 0):
        split = load_mnist1d()
        self.X, self.Y = split.X_train, split.Y_train
        self.m = self.X.shape[1]
        self.layer_dims = [40, hidden, 10]
        self.epochs, self.path_epochs, self.seed = epochs, path_epochs, seed
        self.Xr, self.Yr, _ = make_regression_2d(m=500, correlation=0.8, noise=0.5, seed=0)
        self.m_path = self.Xr.shape[1]
        self.w_min = np.linalg.lstsq(self.Xr.T, self.Yr[0], rcond=None)[0]
        self.start = np.array([-1.0, -3.0])
        self._runs, self._memory = {}, {}

    def path_cost(self, w1, w2):
        """The regression's full training cost on a grid of (w1, w2)."""
        err = w1[..., None] * self.Xr[0] + w2[..., None] * self.Xr[1] - self.Yr[0]
        return 0.5 * np.mean(err**2, axis=-1)

    def run(self, batch_size: int, learning_rate: float) -> dict:
        key = (int(batch_size), float(learning_rate))
        if key not in self._runs:
            self._runs[key] = self._compute(*key)
        return self._runs[key]

    def _compute(self, b, lr) -> dict:
        model = MLP(self.layer_dims, output="softmax", seed=self.seed)
        h = train(model, self.X, self.Y, b, lr, self.epochs, seed=self.seed)
        b_path = min(b, self.m_path)
        reg = LinearRegression(2, bias=False)
        reg.set_flat(self.start)
        hp = train(reg, self.Xr, self.Yr, b_path, lr, self.path_epochs, seed=self.seed,
                   record_path=True)
        epochs_done = h.examples_seen / self.m
        message = h.message
        if not h.diverged and h.eval_cost[-1] > h.eval_cost[0]:
            message = (f"the cost grew from {h.eval_cost[0]:.2f} to {h.eval_cost[-1]:.2f}: "
                       f"learning rate {lr:g} is too large for b = {b}")
        path_grew = hp.diverged or hp.eval_cost[-1] > hp.eval_cost[0]
        return {
            "batch_size": b, "learning_rate": lr,
            "step_epochs": np.asarray(h.step_examples) / self.m,
            "step_cost": np.asarray(h.step_cost),
            "epoch_cost": np.asarray(h.epoch_cost),
            "final_cost": h.eval_cost[-1] if not h.diverged else math.inf,
            "diverged": h.diverged, "message": message,
            "seconds_per_epoch": h.seconds / epochs_done if epochs_done else math.nan,
            "updates_per_epoch": math.ceil(self.m / b),
            "path": np.asarray(hp.path), "path_batch_size": b_path,
            "path_message": ("the path runs away:\nthis rate is above what\nthe regression "
                             "tolerates" if path_grew else ""),
        }

    def memory(self, budget_bytes: float, batch_size: int) -> dict:
        key = (int(budget_bytes), int(batch_size))
        if key not in self._memory:
            self._memory[key] = memory.budget_report(self.layer_dims, key[0], self.m, key[1],
                                                     "float64", "softmax")
        return self._memory[key]

    def measured_speeds(self, learning_rate: float) -> tuple[np.ndarray, np.ndarray]:
        """(batch sizes, seconds per epoch) of the cached runs at this learning rate."""
        pts = sorted((b, r["seconds_per_epoch"]) for (b, lr), r in self._runs.items()
                     if lr == learning_rate and np.isfinite(r["seconds_per_epoch"]))
        return np.array([p[0] for p in pts]), np.array([p[1] for p in pts])


def _parse_rate(text):
    try:
        return float(str(text).strip())
    except ValueError:
        raise ValueError("a learning rate is a number such as 0.1 or 3e-2") from None


class Lab:
    """The dashboard: sliders for mini-batch size, learning rate and memory budget, and the
    views that follow them ("cost", "path", "speed", "memory"; any subset)."""

    def __init__(self, views=VIEWS, runs: LabRuns | None = None, batch_size: int = 64,
                 learning_rate: float = 0.1, budget_bytes: float = 16e6):
        unknown = [v for v in views if v not in VIEWS]
        if unknown or not views:
            raise ValueError(f"views must be a non-empty subset of {VIEWS}, got {views!r}")
        self.views = tuple(v for v in VIEWS if v in views)
        self.runs = runs or LabRuns()
        m = self.runs.m
        sizes = sorted({2**k for k in range(int(math.log2(m)) + 1)} | {m})
        self.batch = size_slider(sizes, batch_size)
        self.rate = SliderEntry(
            W.FloatLogSlider(value=learning_rate, base=10, min=-3, max=1, step=0.05,
                             continuous_update=True, layout=W.Layout(width="420px")),
            _parse_rate, 1e-3, 10.0, lambda v: f"{v:.3g}", "learning rate")
        self.budget = budget_slider(budget_bytes, low=10**5, high=10**11)
        self.inputs = [self.batch]
        if set(self.views) & {"cost", "path", "speed"}:
            self.inputs.append(self.rate)
        if "memory" in self.views:
            self.inputs.append(self.budget)
        self.readout = W.HTML()
        self.status = W.HTML()
        self.last_seconds = math.nan
        self._build_figure()
        for inp in self.inputs:
            inp.on_change(lambda value: self.update())
        self.update()

    # ----- figure -------------------------------------------------------------------
    # The figure follows the course's convention (`plotting`): the three methods in their
    # colours and line styles, everything else in OTHER colours, legends right of the Axes.
    def _build_figure(self):
        n = len(self.views)
        rows, cols = (1, n) if n <= 2 else (2, 2)
        self.live = LiveFigure((6.8 * cols, 4.0 * rows))
        grid = self.live.fig.add_gridspec(rows, cols)
        self.ax = {}
        for slot, view in zip(grid, self.views):
            if view == "speed":  # two Axes, one above the other: updates, then seconds
                top, bottom = slot.subgridspec(2, 1)
                self.ax_updates = self.live.fig.add_subplot(top)
                self.ax[view] = self.live.fig.add_subplot(bottom, sharex=self.ax_updates)
            else:
                self.ax[view] = self.live.fig.add_subplot(slot)
        for view in self.views:
            getattr(self, f"_build_{view}")(self.ax[view])

    def _method_key(self, ax, prefix="", short=False):
        """Empty lines that put the three methods' styles in the legend: the line that
        follows the sliders takes the style of the method its mini-batch size makes."""
        names = {"batch": "batch GD", "sgd": "SGD", "minibatch": "mini-batch GD"}
        if not short:
            names = {"batch": "batch GD (b = m)", "sgd": "SGD (b = 1)",
                     "minibatch": "mini-batch GD (other b)"}
        for method, name in names.items():
            ax.plot([], [], color=COLORS[method], ls=LINESTYLES[method], marker=MARKERS[method],
                    label=prefix + name)

    def _build_cost(self, ax):
        runs, live = self.runs, self.live
        dims = "-".join(str(d) for d in runs.layer_dims)
        ax.set(yscale="log", xlim=(0, runs.epochs), ylim=(0.05, 10),
               xlabel="epochs (passes over the training set)",
               ylabel="cost J, cross-entropy (no unit)",
               title=f"Cost while training (MNIST-1D, MLP {dims})")
        plain_log_ticks(ax.yaxis)
        self.step_line = live.animate(ax.plot([], [], color=OTHER["grey"], lw=0.7,
                                              label="cost of each mini-batch")[0])
        self.epoch_line = live.animate(ax.plot([], [], lw=2.5, drawstyle="steps-post",
                                               label="_epoch average")[0])
        self._method_key(ax, "epoch average, ", short=True)
        legend(ax)

    def _build_path(self, ax):
        runs, live = self.runs, self.live
        lims = ((-1.5, 3.5), (-3.5, 1.0))
        w1, w2 = np.meshgrid(np.linspace(*lims[0], 120), np.linspace(*lims[1], 120))
        J = runs.path_cost(w1, w2)
        ax.contour(w1, w2, J, levels=J.min() + (J.max() - J.min()) * np.geomspace(1e-4, 1, 18),
                   colors=OTHER["light grey"], linewidths=0.8)
        self._method_key(ax)
        ax.plot(*runs.w_min, "P", color=OTHER["vermillion"], ms=10, ls="none",
                label="minimum of the cost")
        ax.plot(*runs.start, **START_STYLE, gid="path-start", zorder=5)
        self.path_line = live.animate(ax.plot([], [], lw=1, ms=5, label="_path")[0])
        self.path_end = live.animate(ax.plot([], [], **END_STYLE, gid="path-end", zorder=5)[0])
        ax.set(xlim=lims[0], ylim=lims[1], xlabel="parameter w1 (no unit)",
               ylabel="parameter w2 (no unit)", aspect="equal")
        ax.set_title(f"Path on the cost of a 2-parameter regression (m = {runs.m_path}, "
                     f"{runs.path_epochs} epochs)", fontsize=10)
        legend(ax)  # also names the start and end markers
        # what this panel's b means, under the legend, outside the data
        self.path_note = live.animate(ax.text(1.03, 0.0, "", transform=ax.transAxes,
                                              va="bottom", fontsize=8))
        self.path_note.set_in_layout(False)

    def _build_speed(self, ax):
        runs, live, top = self.runs, self.live, self.ax_updates
        sizes = np.array(self.batch.slider.options)
        lims = (0.7, runs.m * 1.4)
        top.plot(sizes, np.ceil(runs.m / sizes), "-", color=OTHER["black"],
                 label="every size: ⌈m / b⌉")
        self.updates_marker = live.animate(top.plot([], [], "o", color=OTHER["vermillion"], ms=9,
                                                    label="your size")[0])
        top.set(xscale="log", yscale="log", xlim=lims, ylim=lims,
                xlabel="mini-batch size b (examples)",
                ylabel=f"updates per epoch\n(count, m = {runs.m:,})",
                title="Updates and time per epoch")
        self.speed_points = live.animate(ax.plot([], [], "s", color=OTHER["orange"], ms=5,
                                                 label="sizes tried so far")[0])
        self.speed_marker = live.animate(ax.plot([], [], "s", color=OTHER["vermillion"], ms=9,
                                                 label="your size")[0])
        ax.set(yscale="log", ylim=(1e-4, 10), xlabel="mini-batch size b (examples)",
               ylabel="time per epoch\n(s, this machine)")
        for axis in (top.xaxis, top.yaxis, ax.xaxis, ax.yaxis):
            plain_log_ticks(axis)
        legend(top)
        legend(ax)

    def _build_memory(self, ax):
        self.memory_view = MemoryBreakdownView(ax, self.live)
        dims = "-".join(str(d) for d in self.runs.layer_dims)
        ax.set_title(f"Memory of one step, MLP {dims}, float64")

    # ----- update -------------------------------------------------------------------
    def state(self) -> dict:
        """The numbers every view shows for the current slider values (pure: no drawing)."""
        b, lr = int(self.batch.value), float(self.rate.value)
        out = {"batch_size": b, "learning_rate": lr}
        if set(self.views) & {"cost", "path", "speed"}:
            out["run"] = self.runs.run(b, lr)
        if "memory" in self.views:
            out["memory"] = self.runs.memory(self.budget.value, b)
        return out

    def update(self) -> dict | None:
        t0 = time.perf_counter()
        try:
            s = self.state()
            self._draw(s)
            self.readout.value = self._readout(s)
            self.status.value = ""
        except Exception as err:  # a message in the lab, never a traceback
            self.status.value = (f"<span style='color:#b00'>could not update the views: "
                                 f"{type(err).__name__}: {err}</span>")
            return None
        self.last_seconds = time.perf_counter() - t0
        return s

    def _draw(self, s):
        run, b = s.get("run"), s["batch_size"]
        if "cost" in self.ax:
            # two points (a bucket's min and max) per pixel column: the envelope at the
            # screen's resolution, and a quick redraw even for SGD's thousands of steps
            columns = int(self.ax["cost"].get_window_extent().width)
            x, y = decimate(run["step_epochs"], run["step_cost"], max_points=2 * columns)
            self.step_line.set_data(x, y)
            ec = run["epoch_cost"]  # drawn across its epoch: from epoch e to e + 1
            self.epoch_line.set_data(np.arange(len(ec) + 1), np.append(ec, ec[-1:]))
            self.epoch_line.set(**method_style(b, self.runs.m))
        if "path" in self.ax:
            P, b_path = run["path"], run["path_batch_size"]
            self.path_line.set_data(P[:, 0], P[:, 1])
            self.path_line.set(**method_style(b_path, self.runs.m_path),
                               markevery=max(1, len(P) // 12))
            self.path_end.set_data(P[-1:, 0], P[-1:, 1])
            self.path_end.set_markerfacecolor(method_color(b_path, self.runs.m_path))
            note = f"path: b = {b_path}"
            if b_path == self.runs.m_path:
                note += f"\n(batch GD: this problem\nhas m = {self.runs.m_path})"
            if run["path_message"]:
                note += "\n" + run["path_message"]
            self.path_note.set_text(note)
        if "speed" in self.ax:
            self.updates_marker.set_data([b], [run["updates_per_epoch"]])
            xs, ys = self.runs.measured_speeds(run["learning_rate"])
            self.speed_points.set_data(xs, ys)
            self.speed_marker.set_data([b], [run["seconds_per_epoch"]])
        if "memory" in self.ax:
            self.memory_view.update(s["memory"])
        self.live.redraw()

    def _readout(self, s) -> str:
        b, lr = s["batch_size"], s["learning_rate"]
        parts = [f"<b>b = {b:,}</b>"]
        run = s.get("run")
        if run:
            parts.append(f"learning rate {lr:.3g}")
            parts.append(f"{run['updates_per_epoch']:,} updates per epoch")
            parts.append(f"{run['seconds_per_epoch'] * 1e3:.1f} ms per epoch on this machine")
            if run["message"]:
                parts.append(f"<span style='color:#b00'>{run['message']}</span>")
            else:
                parts.append(f"training cost after {self.runs.epochs} epochs "
                             f"{run['final_cost']:.3f}")
        text = " · ".join(parts)
        if "memory" in s:
            r = s["memory"]
            over = r["chosen_over_by"]
            need, budget = format_bytes(r["chosen_bytes"]), format_bytes(r["budget_bytes"])
            fit = (f"<span style='color:#b00'><b>does not fit</b>: over the budget by "
                   f"{format_bytes(over)}</span>" if over > 0
                   else f"fits, {format_bytes(-over)} to spare")
            gd = "fits" if r["batch_gd_fits"] else "does not fit"
            text += (f"<br>memory: one step at b = {b:,} needs {need} of {budget}: {fit}; "
                     f"the largest mini-batch that fits is {r['largest_batch']:,}; batch GD {gd}")
        return text

    def widget(self):
        """The sliders, the readout and the figure. Where no kernel runs, its text/plain
        says how to start the lab (see widgets.Dashboard)."""
        return Dashboard([inp.widget() for inp in self.inputs]
                         + [self.status, self.readout, self.live.canvas], kernel_hint("Lab"))
