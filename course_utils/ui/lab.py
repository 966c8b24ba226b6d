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

The lab follows the protocol of `live_update` (update, status, drawn), as the explorers do:
a burst of slider changes costs one update, for the latest values; an update that fails shows
its error in `status` instead of a traceback, and `drawn()` turns False: a notebook's checked
cell asserts on both, so a broken view fails the tests.

A value seen before answers at once. A new one needs a training run (up to a second, at
b = 1): in a kernel it trains in a worker thread, so that the kernel keeps reading the
slider, and the views follow when it is done. It starts only once the slider has settled
(`coalesce`): a drag starts no run for the values it passes. A run for a value the slider
has left is cancelled (within one update), so it never delays the value that is shown next;
a run that ends is drawn only after the kernel has read the slider's waiting messages
(READ_FIRST), so that a value the slider left meanwhile is never drawn.
Without an event loop (a script, the tests) and in a call of `update()`, a run is computed
at once.

Training ahead (train_ahead=True, the default): when the views show the sliders' values,
nothing trains and the sliders have been still for AHEAD seconds, the worker trains the
slider's two ends, b = 1 (the longest run) and b = m, at the current rate. Such a run goes on
during a drag and is abandoned once the slider settles on another value that needs the
worker; if the slider settles on that end, it is the run the views wait for. A drag to an end
then settles without waiting for its whole run. The same runs, only computed earlier; once
both are done, the backgrounds of the ends' layouts (their legends and limits) are rendered
too, so that a drag to an end needs no full render either.
"""

import math
import threading
import time

import ipywidgets as W

from ..core.validate import (
    validate_bool,
    validate_bytes,
    validate_choice,
    validate_int,
    validate_real,
)
from .coalesce import running_loop
from .lab_runs import LAB_RATES, RATE_SCALINGS, LabRuns, RunCancelled, scaled_rate
from .lab_views import CostView, MemoryView, PathView, SpeedView
from .live_figure import LiveFigure
from .live_update import LiveUpdate
from .parsing import format_bytes
from .widget_parts import (
    Dashboard,
    kernel_hint,
    make_budget_input,
    make_rate_input,
    make_size_input,
)

VIEWS = ("cost", "path", "speed", "memory")
SETTLE = 0.05  # seconds the sliders must be still before a new value's training run starts
AHEAD = 0.3  # seconds still, with nothing training, before the lab trains the slider's ends
READ_FIRST = 0.02  # seconds between a run's end and its drawing, to read the slider first
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


class Lab(LiveUpdate):
    """The dashboard: sliders for mini-batch size, learning rate and memory budget, an option
    to scale the rate with b, and the views that follow them ("cost", "path", "speed",
    "memory"; any subset).

    batch_size: the starting size, one of the slider's (powers of two up to m, and m); it is
    also b0, the size at which the rate slider sets the rate. learning_rate: from 0.001 to
    10. budget_bytes: from 100 kB to 100 GB. rate_scaling: "none" (the same rate at every b),
    "linear" (rate x b / b0) or "square root" (rate x sqrt(b / b0)). train_ahead: train
    the slider's ends while the lab is idle (in a kernel; see the module's docstring).
    """

    def __init__(self, views=VIEWS, runs: LabRuns | None = None, batch_size: int = 64,
                 learning_rate: float = 0.1, budget_bytes: float = 16e6,
                 rate_scaling: str = "none", train_ahead: bool = True):
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
        self.train_ahead = validate_bool("train_ahead", train_ahead)

        self.batch = make_size_input(self.runs.batch_sizes, b0)
        self.rate = make_rate_input(learning_rate, "learning rate", *LAB_RATES)
        self.scaling = W.ToggleButtons(options=RATE_SCALINGS, value=rate_scaling,
                                       style={"button_width": "95px"})
        self.scaling_message = W.HTML()
        self.budget = make_budget_input(budget, *BUDGETS)
        self.views = {name: self._make_view(name) for name in names}
        self.needs_run = any(view.needs_run for view in self.views.values())
        self.inputs = [self.batch] + ([self.rate] if self.needs_run else []) \
            + ([self.budget] if "memory" in self.views else [])
        self.readout = W.HTML()
        self.last_seconds = math.nan
        self.training = None  # (b, rate) of the run training in a worker thread, or None
        self._cancel = threading.Event()  # set: abandon that run
        self._failed = {}  # (b, rate) -> the error a worker thread's run raised
        self._start_later = None  # the timer that starts a run once the sliders are still,
        # or that draws a run just trained
        self._ahead = False  # the run training is one of the slider's ends, trained ahead
        self._ahead_later = None  # the timer that trains ahead once the lab is idle
        self._build_figure()
        self.follow(self.live, self.inputs)  # drawn at once: the cell shows the lab drawn
        self.scaling.observe(lambda change: self.updates.request(), names="value")

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

    def state(self, batch_size: int | None = None) -> dict:
        """The numbers every view shows for the current slider values (pure: no drawing), or
        for another of the slider's sizes (batch_size). Holds "run" unless the scaled rate
        is outside what the lab runs ("rate_message")."""
        b, lr, budget, scaling = self.slider_values()
        b = b if batch_size is None else batch_size
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

    def run_key(self) -> tuple | None:
        """(b, rate used) of the run the views need at the sliders' values, or None (no view
        needs a run, or the scaled rate is outside what the lab runs)."""
        if not self.needs_run:
            return None
        b, lr, _budget, scaling = self.slider_values()
        used = scaled_rate(lr, b, self.reference_batch_size, scaling)
        return (int(b), used) if LAB_RATES[0] <= used <= LAB_RATES[1] else None

    def draw(self, wait: bool = True) -> dict | None:
        """Bring every view, the readout and the scaling message to the sliders' values;
        returns the state. wait=False (a slider's change, in a kernel): a run not computed
        yet trains in a worker thread instead, the readout says so, and None is returned."""
        t0 = time.perf_counter()
        key = self.run_key()
        if self.training is not None and self.training != key and not self._ahead:
            self._cancel.set()  # the slider has left that value: abandon its run
            self.training = None
        if self.training == key:
            self._ahead = False  # a run at key trained ahead is now the run the views wait for
        if self._ahead_later is not None:
            self._ahead_later.cancel()
            self._ahead_later = None
        if key in self._failed:
            raise self._failed.pop(key)
        if self._start_later is not None:
            self._start_later.cancel()
            self._start_later = None
        loop = None if wait else running_loop()
        if key is not None and loop is not None and not self.runs.is_cached(*key):
            self._train_when_still(key, loop)
            return None
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
        self.last_seconds = time.perf_counter() - t0
        if loop is not None and self.train_ahead and self.needs_run:
            self._ahead_later = loop.call_later(AHEAD, self._train_ahead, loop)
        return s

    @property
    def pending(self) -> bool:
        """Something is still to come: an update, a run's start, or a run training for the
        sliders' values (not one trained ahead)."""
        return (self.updates.pending or self._start_later is not None
                or (self.training is not None and not self._ahead))

    def _train_when_still(self, key, loop):
        """Start the run at key in a worker thread once the sliders have been still for
        SETTLE seconds (a drag starts no run for the values it passes); the readout says
        that the views wait for it."""
        still = loop.time() - self.updates.last_request
        if self._ahead and still >= SETTLE:  # the worker is needed: abandon the run ahead
            self._cancel.set()
            self.training, self._ahead = None, False
        if self.training is None and still >= SETTLE:
            self._train_in_background(key, loop)
        elif self.training is None or self._ahead:  # a drag may go on: look again later
            self._start_later = loop.call_later(SETTLE - still, self._still)
        b, used = key
        n = math.ceil(self.runs.m / b)
        when = "…" if self.training == key else " when the slider stops"
        self.readout.value = (f"<b>b = {b:,}</b> · learning rate {used:.3g} · {n:,} "
                              f"update{'s' if n > 1 else ''} per epoch · <i>training at this "
                              f"size{when}</i>")

    def _train_in_background(self, key, loop):
        """Compute the run at key in a worker thread; when it is done (or failed), update
        the views on the kernel's event loop. Cancelled by setting self._cancel."""
        self.training, self._cancel = key, threading.Event()
        cancel = self._cancel

        def work():
            try:
                self.runs.run(*key, cancel=cancel)
            except RunCancelled:
                return
            except Exception as err:  # shown in `status` by the update that follows
                self._failed[key] = err
            try:
                loop.call_soon_threadsafe(self._trained, key)
            except RuntimeError:  # the loop has closed meanwhile (a test's loop): nothing to do
                pass

        threading.Thread(target=work, name=f"lab run b={key[0]}", daemon=True).start()

    def ahead_keys(self) -> list:
        """(b, rate used) of the slider's ends, b = 1 and b = m, at the rate slider's value
        and scaling, where the lab runs that rate: the runs worth training ahead."""
        _b, lr, _budget, scaling = self.slider_values()
        keys = []
        for b in (self.runs.batch_sizes[0], self.runs.batch_sizes[-1]):
            used = scaled_rate(lr, b, self.reference_batch_size, scaling)
            if LAB_RATES[0] <= used <= LAB_RATES[1]:
                keys.append((b, used))
        return keys

    def _train_ahead(self, loop):
        """Idle (nothing training, the sliders still): train the first end not cached."""
        self._ahead_later = None
        if self.training is not None or self.pending:
            return
        if loop.time() - self.updates.last_request < AHEAD:
            self._ahead_later = loop.call_later(AHEAD, self._train_ahead, loop)
            return
        for key in self.ahead_keys():
            if not self.runs.is_cached(*key) and key not in self._failed:
                self._train_in_background(key, loop)
                self._ahead = True
                return
        self._prepare_ends()

    def _prepare_ends(self):
        """Both ends trained ahead, the lab idle: render the background of the layout each
        end's views will have (its legends, its limits) now, so that a drag to an end shows it
        without a full render. Nothing is shown: the views go back to the sliders' values."""
        shown = self.state()
        ends = [b for b, used in self.ahead_keys()
                if b != shown["batch_size"] and self.runs.is_cached(b, used)]
        if "run" not in shown or not ends:
            return
        prepared = False
        try:
            for b in ends:
                for view in self.views.values():
                    view.update(self.state(b))
                prepared = self.live.prepare() or prepared
        finally:
            if prepared:  # the views back, the Axes where the shown layout has them
                self.update(wait=False)

    def _still(self):
        self._start_later = None
        self.update(wait=False)

    def _trained(self, key):
        if self.training != key:
            return
        self.training = None
        loop = running_loop()
        if self._ahead and key != self.run_key():  # an end trained ahead: no view needs it yet
            self._ahead = False
            self._train_ahead(loop)  # the other end, if it is still to train
            return
        # The slider may have moved on while the run trained, in a message the kernel has not
        # read yet: drawing now would hold the kernel for a value left (a new layout's full
        # render takes half a second). Read the waiting messages first, then draw.
        if self._start_later is not None:
            self._start_later.cancel()
        self._start_later = loop.call_later(READ_FIRST, self._still)

    def views_drawn(self) -> bool:
        return all(view.drawn() for view in self.views.values())

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
            text += "<br>" + _memory_line(s["memory"], b, self.runs.m)
        return text

    def widget(self):
        """The two knobs of the lecture (mini-batch size, learning rate), an "Advanced" section
        (collapsed) with the rate scaling and the memory budget, the readout and the figure.
        Where no kernel runs, its text/plain says how to start the lab (see
        widget_parts.Dashboard)."""
        rows = [self.batch.widget()] + ([self.rate.widget()] if self.needs_run else [])
        advanced = []
        if self.needs_run:  # the scaling option: a label, the buttons, its message
            label = W.HTML(f"<b>scale the rate with b</b><br>(the slider's rate is the rate at "
                           f"b = {self.reference_batch_size:,})", layout=W.Layout(width="190px"))
            advanced.append(W.HBox([label, self.scaling, self.scaling_message]))
        if "memory" in self.views:
            advanced.append(self.budget.widget())
        if advanced:
            names = [n for n, on in (("scaling the rate with b (notebook 06)", self.needs_run),
                                     ("memory budget (notebook 05)", "memory" in self.views))
                     if on]
            self.advanced = W.Accordion([W.VBox(advanced)],
                                        titles=("Advanced: " + " and ".join(names),),
                                        selected_index=None)
            rows.append(self.advanced)
        return Dashboard(rows + [self.status, self.readout, self.live.canvas], kernel_hint("Lab"))


def _memory_line(r: dict, b: int, m: int) -> str:
    """The readout's memory line for a memory.budget_report at b, m examples."""
    over = r["chosen_over_by"]
    need, budget = format_bytes(r["chosen_bytes"]), format_bytes(r["budget_bytes"])
    fit = (f"<span style='color:#b00'><b>does not fit</b>: over the budget by "
           f"{format_bytes(over)}</span>" if over > 0 else f"fits, {format_bytes(-over)} to spare")
    largest = r["largest_batch"]
    if r["batch_gd_fits"]:
        than = "more than" if largest > m else "equal to"
        gd = f"{largest:,}: {than} m = {m:,}, so batch GD fits"
    else:
        gd = f"{largest:,}; batch GD (b = m = {m:,}) does not fit"
    return (f"memory: one step at b = {b:,} needs {need} of {budget}: {fit}; "
            f"the largest mini-batch that fits is {gd}")
