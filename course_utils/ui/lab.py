"""The interactive lab: mini-batch size, learning rate and memory budget sliders, and the
views that follow them.

    lab = cu.lab.Lab()                      # every view: the course's front door
    lab = cu.lab.Lab(views=("path",))       # only the loss-surface path (notebook 03)
    lab.widget()
    assert lab.status.value == "" and lab.drawn(), lab.status.value   # a checked cell

Where things live: the runs behind the views are `lab_runs.LabRuns` (computed the first time
a (batch size, learning rate) pair is asked for, cached after that); each panel is a class of
`lab_views` (CostView, PathView, SpeedView, MemoryView); the sliders and the figure are the
pieces of `widget_parts` and `live_figure`. This module only wires them together.

A burst of slider changes costs one update, for the latest values (`coalesce`). An update
that fails shows its error in `status` instead of a traceback, and `drawn()` turns False:
a notebook's checked cell asserts on both, so a broken view fails the tests.
"""

import math
import time

import ipywidgets as W

from ..core.validate import validate_bytes, validate_choice, validate_int, validate_real
from .coalesce import UpdateCoalescer
from .lab_runs import LAB_RATES, RATE_SCALINGS, LabRuns, scaled_rate
from .lab_views import CostView, MemoryView, PathView, SpeedView
from .live_figure import LiveFigure
from .parsing import format_bytes
from .widget_parts import (
    Dashboard,
    kernel_hint,
    make_budget_input,
    make_rate_input,
    make_size_input,
)

VIEWS = ("cost", "path", "speed", "memory")
BUDGETS = (10**5, 10**11)  # the memory budgets the lab's slider offers, bytes
__all__ = ["Lab", "LabRuns", "VIEWS", "RATE_SCALINGS", "scaled_rate"]


def check_views(views) -> tuple:
    """Return the views in the lab's order; views: a non-empty tuple or list of names from
    VIEWS, none twice."""
    if isinstance(views, str) or not isinstance(views, (tuple, list)):
        raise TypeError(f"views must be a tuple of view names from {VIEWS}, e.g. "
                        f"('cost', 'speed'), got {views!r}")
    unknown = [v for v in views if v not in VIEWS]
    if unknown or not views or len(set(views)) != len(views):
        raise ValueError(f"views must be a non-empty subset of {VIEWS}, each once, got "
                         f"{views!r}")
    return tuple(v for v in VIEWS if v in views)


class Lab:
    """The dashboard: sliders for mini-batch size, learning rate and memory budget, an option
    to scale the rate with b, and the views that follow them ("cost", "path", "speed",
    "memory"; any subset).

    batch_size: the starting size, one of the slider's (powers of two up to m, and m); it is
    also b0, the size at which the rate slider sets the rate. learning_rate: from 0.001 to
    10. budget_bytes: from 100 kB to 100 GB. rate_scaling: "none" (the same rate at every b),
    "linear" (rate x b / b0) or "square root" (rate x sqrt(b / b0)).
    """

    def __init__(self, views=VIEWS, runs: LabRuns | None = None, batch_size: int = 64,
                 learning_rate: float = 0.1, budget_bytes: float = 16e6,
                 rate_scaling: str = "none"):
        names = check_views(views)
        if runs is not None and not isinstance(runs, LabRuns):
            raise TypeError(f"runs must be a LabRuns or None, got {type(runs).__name__}")
        b0 = validate_int("batch_size", batch_size)
        learning_rate = validate_real("learning_rate", learning_rate, low=LAB_RATES[0],
                                      high=LAB_RATES[1])
        budget = validate_bytes("budget_bytes", budget_bytes, low=BUDGETS[0])
        if budget > BUDGETS[1]:
            raise ValueError(f"budget_bytes must be from {BUDGETS[0]:,} to {BUDGETS[1]:,} bytes "
                             f"(100 kB to 100 GB), got {budget_bytes!r}")
        validate_choice("rate_scaling", rate_scaling, RATE_SCALINGS)
        self.runs = runs or LabRuns()
        if b0 not in self.runs.batch_sizes:
            raise ValueError(f"batch_size must be one of the slider's sizes "
                             f"{self.runs.batch_sizes}, got {batch_size!r}")
        self.reference_batch_size = b0

        self.batch = make_size_input(self.runs.batch_sizes, b0)
        self.rate = make_rate_input(learning_rate, f"learning rate at b = {b0:,}", *LAB_RATES)
        self.scaling = W.ToggleButtons(options=RATE_SCALINGS, value=rate_scaling,
                                       style={"button_width": "95px"})
        self.scaling_message = W.HTML()
        self.budget = make_budget_input(budget, *BUDGETS)
        self.views = {name: self._make_view(name) for name in names}
        self.needs_run = any(view.needs_run for view in self.views.values())
        self.inputs = [self.batch] + ([self.rate] if self.needs_run else []) \
            + ([self.budget] if "memory" in self.views else [])
        self.readout, self.status = W.HTML(), W.HTML()
        self.last_seconds = math.nan
        self._drawn_for = None
        self._build_figure()
        self.updates = UpdateCoalescer(self.update)  # a burst of changes: one update
        for inp in self.inputs:
            inp.on_change(lambda value: self.updates.request())
        self.scaling.observe(lambda change: self.updates.request(), names="value")
        self.update()  # at once, also in a kernel: the cell shows the lab drawn

    def _make_view(self, name):
        if name == "cost":
            return CostView(self.runs)
        if name == "path":
            return PathView(self.runs)
        if name == "speed":
            return SpeedView(self.runs, self.batch.options)
        dims = "-".join(str(d) for d in self.runs.layer_dims)
        return MemoryView(f"Memory of one step, MLP {dims}, float64")

    def _build_figure(self):
        n = len(self.views)
        rows, cols = (1, n) if n <= 2 else (2, 2)
        self.live = LiveFigure((6.8 * cols, 4.0 * rows))
        grid = self.live.fig.add_gridspec(rows, cols)
        for slot, view in zip(grid, self.views.values()):
            view.build(self.live, slot)
        self.ax = {name: view.ax for name, view in self.views.items()}

    # ----- state and update ------------------------------------------------------------
    def slider_values(self) -> tuple:
        """(batch size, learning rate, budget, rate scaling) as the sliders stand now."""
        return (self.batch.value, self.rate.value, self.budget.value, self.scaling.value)

    def state(self) -> dict:
        """The numbers every view shows for the current slider values (pure: no drawing).
        Holds "run" unless the scaled rate is outside what the lab runs ("rate_message")."""
        b, lr, budget, scaling = self.slider_values()
        b0 = self.reference_batch_size
        out = {"batch_size": int(b), "learning_rate": float(lr), "rate_scaling": scaling,
               "reference_batch_size": b0}
        if self.needs_run:
            used = out["rate_used"] = scaled_rate(lr, b, b0, scaling)
            low, high = LAB_RATES
            if low <= used <= high:
                out["run"] = self.runs.run(b, used)
            else:
                side = f"above the largest, {high:g}" if used > high else \
                    f"below the smallest, {low:g}"
                out["rate_message"] = (f"with {scaling} scaling, b = {b:,} asks for a learning "
                                       f"rate of {used:.3g}, {side}, that the lab runs: choose "
                                       f"another rate or size, or no scaling")
        if "memory" in self.views:
            out["memory"] = self.runs.memory(budget, b)
        return out

    def update(self) -> dict | None:
        """Bring every view, the readout and the status to the sliders' values; returns the
        state, or None if the update failed (its error is then in `status`)."""
        t0 = time.perf_counter()
        asked = self.slider_values()
        self._drawn_for = None
        try:
            s = self.state()
            for view in self.views.values():
                if view.needs_run and "run" not in s:
                    view.clear()  # a rate the lab does not run: no run to show
                else:
                    view.update(s)
            self.live.redraw()
            self.readout.value = self._readout(s)
            self.scaling_message.value = (f"<span style='color:#b00'>{s['rate_message']}</span>"
                                          if "rate_message" in s else "")
            self.status.value = ""
        except Exception as err:  # a message in the lab, never a traceback
            self.status.value = (f"<span style='color:#b00'>could not update the views: "
                                 f"{type(err).__name__}: {err}</span>")
            return None
        self._drawn_for = asked
        self.last_seconds = time.perf_counter() - t0
        return s

    def drawn(self) -> bool:
        """True only when the figure shows data for the current slider values: the last
        update was for these values and succeeded, every view holds finite data, and the
        image widget holds the frame."""
        return (self._drawn_for == self.slider_values() and self.live.shows_frame()
                and all(view.drawn() for view in self.views.values()))

    def _readout(self, s) -> str:
        b, lr, b0 = s["batch_size"], s["learning_rate"], s["reference_batch_size"]
        parts = [f"<b>b = {b:,}</b>"]
        if "rate_used" in s:
            used, scaling = s["rate_used"], s["rate_scaling"]
            why = {"none": "", "linear": f" (= {lr:.3g} × {b:,} / {b0:,}, scaled linearly)",
                   "square root": f" (= {lr:.3g} × √({b:,} / {b0:,}), scaled with √b)"}
            parts.append(f"learning rate {used:.3g}{why[scaling]}")
            n = math.ceil(self.runs.m / b)
            parts.append(f"{n:,} update{'s' if n > 1 else ''} per epoch")
        run = s.get("run")
        if run:
            parts.append(f"{run['seconds_per_epoch'] * 1e3:.1f} ms per epoch on this machine")
            if run["message"]:
                parts.append(f"<span style='color:#b00'>{run['message']}</span>")
            else:
                parts.append(f"training cost after {self.runs.epochs} epochs "
                             f"{run['final_cost']:.3f}")
        elif "rate_message" in s:
            parts.append(f"<span style='color:#b00'>no run: {s['rate_message']}</span>")
        text = " · ".join(parts)
        if "memory" in s:
            text += "<br>" + _memory_line(s["memory"], b)
        return text

    def widget(self):
        """The sliders, the readout and the figure. Where no kernel runs, its text/plain
        says how to start the lab (see widget_parts.Dashboard)."""
        rows = [inp.widget() for inp in self.inputs]
        if self.needs_run:  # the scaling option, beside the rate slider
            label = W.HTML("<b>scale the rate with b</b>", layout=W.Layout(width="190px"))
            rows.insert(2, W.HBox([label, self.scaling, self.scaling_message]))
        return Dashboard(rows + [self.status, self.readout, self.live.canvas], kernel_hint("Lab"))


def _memory_line(r: dict, b: int) -> str:
    """The readout's memory line for a memory.budget_report at b."""
    over = r["chosen_over_by"]
    need, budget = format_bytes(r["chosen_bytes"]), format_bytes(r["budget_bytes"])
    fit = (f"<span style='color:#b00'><b>does not fit</b>: over the budget by "
           f"{format_bytes(over)}</span>" if over > 0 else f"fits, {format_bytes(-over)} to spare")
    gd = "fits" if r["batch_gd_fits"] else "does not fit"
    return (f"memory: one step at b = {b:,} needs {need} of {budget}: {fit}; "
            f"the largest mini-batch that fits is {r['largest_batch']:,}; batch GD {gd}")
