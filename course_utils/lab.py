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
from .plotting import COLORS, method_color
from .train import train
from .widgets import (
    LiveFigure,
    MemoryBreakdownView,
    SliderEntry,
    budget_slider,
    format_bytes,
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
            "path_message": ("the path runs away: this rate is above what the regression "
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
    def _build_figure(self):
        n = len(self.views)
        rows, cols = (1, n) if n <= 2 else (2, 2)
        self.live = LiveFigure((6.5 * cols, 4.0 * rows))
        axes = np.atleast_1d(self.live.fig.subplots(rows, cols)).ravel()
        for ax in axes[n:]:
            ax.set_visible(False)
        self.ax = dict(zip(self.views, axes))
        live, runs = self.live, self.runs
        if "cost" in self.ax:
            ax = self.ax["cost"]
            ax.set(yscale="log", xlim=(0, runs.epochs), ylim=(0.05, 10),
                   xlabel="epochs (passes over the training set)",
                   ylabel="cost J (cross-entropy)",
                   title=f"MNIST-1D, MLP {runs.layer_dims}: cost per mini-batch and per epoch")
            self.step_line = live.animate(ax.plot([], [], color="0.6", lw=0.7,
                                                  label="cost of each mini-batch")[0])
            self.epoch_line = live.animate(ax.plot([], [], "-", lw=2.5, color=COLORS["minibatch"],
                                                   drawstyle="steps-post",
                                                   label="average over each epoch")[0])
            ax.legend(fontsize=8, loc="lower left")
        if "path" in self.ax:
            ax = self.ax["path"]
            lims = ((-1.5, 3.5), (-3.5, 1.0))
            w1, w2 = np.meshgrid(np.linspace(*lims[0], 120), np.linspace(*lims[1], 120))
            J = runs.path_cost(w1, w2)
            ax.contour(w1, w2, J, levels=J.min() + (J.max() - J.min()) * np.geomspace(1e-4, 1, 18),
                       colors="0.75", linewidths=0.8)
            ax.plot(*runs.w_min, "r*", ms=12, label="minimum")
            ax.plot(*runs.start, "ks", ms=6, label="start")
            ax.set(xlim=lims[0], ylim=lims[1], xlabel="w1", ylabel="w2", aspect="equal")
            self.path_line = live.animate(ax.plot([], [], "-", lw=1)[0])  # colour: by method
            self.path_title = live.animate(ax.text(0.02, 0.97, "", transform=ax.transAxes,
                                                   va="top", fontsize=8))
            ax.set_title(f"Path on the cost of a 2-parameter regression (m = {runs.m_path}, "
                         f"{runs.path_epochs} epochs)", fontsize=10)
            ax.legend(fontsize=8, loc="lower right")
        if "speed" in self.ax:
            ax = self.ax["speed"]
            sizes = np.array(self.batch.slider.options)
            ax.plot(sizes, np.ceil(runs.m / sizes), "-", color="tab:blue",
                    label="updates per epoch (left)")
            ax.set(xscale="log", yscale="log", xlim=(0.7, runs.m * 1.4), ylim=(0.7, runs.m * 1.4),
                   xlabel="mini-batch size b", ylabel="updates per epoch",
                   title="Updates and time per epoch (this machine)")
            self.updates_marker = live.animate(ax.plot([], [], "o", color="tab:blue", ms=9)[0])
            ax2 = ax.twinx()
            ax2.set(yscale="log", ylim=(1e-4, 10), ylabel="seconds per epoch (right)")
            self.speed_points = live.animate(ax2.plot([], [], "s", color="tab:orange", ms=4,
                                                      label="seconds per epoch, runs so far")[0])
            self.speed_marker = live.animate(ax2.plot([], [], "s", color="tab:red", ms=9,
                                                      label="this run")[0])
            lines = ax.get_lines()[:1] + ax2.get_lines()
            ax.legend(lines, [ln.get_label() for ln in lines], fontsize=8, loc="lower left")
        if "memory" in self.ax:
            self.memory_view = MemoryBreakdownView(self.ax["memory"], live)
            self.ax["memory"].set_title(f"Memory of one step, MLP {runs.layer_dims}, float64")
        self.live.fig.tight_layout()

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
            x, y = decimate(run["step_epochs"], run["step_cost"])
            self.step_line.set_data(x, y)
            ec = run["epoch_cost"]  # drawn across its epoch: from epoch e to e + 1
            self.epoch_line.set_data(np.arange(len(ec) + 1), np.append(ec, ec[-1:]))
            self.epoch_line.set_color(method_color(b, self.runs.m))
        if "path" in self.ax:
            P = run["path"]
            self.path_line.set_data(P[:, 0], P[:, 1])
            self.path_line.set_color(method_color(run["path_batch_size"], self.runs.m_path))
            note = (f"b = {run['path_batch_size']}" + (" (batch GD: this problem has m = 500)"
                    if b > self.runs.m_path else ""))
            self.path_title.set_text(note + ("\n" + run["path_message"] if run["path_message"]
                                             else ""))
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
        return W.VBox([inp.widget() for inp in self.inputs]
                      + [self.status, self.readout, self.live.canvas])
