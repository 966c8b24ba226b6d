"""The explorers of notebooks 04 and 05: one slider (or two) moving markers over curves.

    explorer = cu.widgets.BatchSizeExplorer(times, m=60_000, value=256)    # notebook 04
    budget_explorer = cu.widgets.MemoryBudgetExplorer(dims, m=60_000, dtype="float32",
                                                      budget_bytes=16 * 2**20)  # notebook 05
    explorer.widget()
    assert explorer.status.value == "" and explorer.drawn(), explorer.status.value

Their numbers come from `reports` (pure functions); these classes only move artists and
rewrite readouts. They follow the lab's protocol (`live_update`): a `status` (empty when the
last update succeeded) and `drawn()` (True when the figure shows data for the sliders'
current values).
"""

import ipywidgets as W
import numpy as np

from ..core.validate import (
    validate_float_dtype,
    validate_instance,
    validate_int,
    validate_layer_dims,
    validate_real,
)
from ..measure.noise import relative_noise
from ..measure.timing import StepTimes
from ..plots.plotting import OTHER, legend, plain_log_ticks, spans_decades
from .lab_views import MemoryView
from .live_figure import LiveFigure, holds_data
from .live_update import LiveUpdate
from .parsing import parse_batch_size
from .reports import (
    batch_size_report,
    format_batch_size_report,
    format_memory_report,
)
from .widget_parts import Dashboard, kernel_hint, make_budget_input, make_size_input


class BatchSizeExplorer(LiveUpdate):
    """A mini-batch size slider moving a marker along throughput, updates and noise curves.
    Only the sizes that were timed can be chosen (the box says so for others).

    step_times: a timing.StepTimes; m: the training set's size; value: the starting size,
    one of the timed ones (None: the middle one).
    """

    def __init__(self, step_times, m: int, value: int | None = None):
        validate_instance("step_times", step_times, StepTimes)
        sizes = step_times.validate()
        self.step_times, self.m = step_times, validate_int("m", m)
        if value is None:
            value = sizes[len(sizes) // 2]
        elif validate_int("value", value) not in sizes:
            raise ValueError(f"value must be one of the timed sizes {sizes}, got {value!r}")

        def parse_timed(text):
            b = parse_batch_size(text)
            if b not in sizes:
                raise ValueError(f"batch size {b} was not measured; measured sizes: {sizes}")
            return b

        self.sizes = sizes
        self.size = make_size_input(sizes, value, parse=parse_timed)
        self.slider = self.size.slider
        self.readout = W.HTML()
        self.live = LiveFigure((13, 3.4))
        self.markers = [(self.live.animate(marker), y) for marker, y in self._build_axes()]
        self.follow(self.live, [self.size])

    def _build_axes(self):
        """The three curves against b; returns (marker, curve values) per Axes."""
        m, b = self.m, np.array(self.sizes)
        axes = self.live.fig.subplots(1, 3)
        noise = np.array([relative_noise(x, m) if x <= m else np.nan for x in self.sizes])
        curves = [
            (self.step_times.throughput, "throughput (examples/s)", "Throughput (this machine)"),
            (np.ceil(m / b), "updates per epoch (count)", f"Updates per epoch (m = {m:,})"),
            (noise, "gradient variance / SGD's (ratio)", "Gradient noise"),
        ]
        markers = []
        for ax, (y, ylabel, title) in zip(axes, curves):
            ok = np.isfinite(y) & (y > 0)  # b = m has no noise: nothing to draw on a log axis
            ax.plot(b[ok], y[ok], "o-", ms=3, color=OTHER["black"], label="every timed size")
            ax.set(xlabel="mini-batch size b (examples)", ylabel=ylabel, title=title)
            if spans_decades(b):  # log axes only where the values span decades
                ax.set_xscale("log")
                plain_log_ticks(ax.xaxis)
            if spans_decades(y[ok]):
                ax.set_yscale("log")
                plain_log_ticks(ax.yaxis)
            else:  # plain numbers with thousands separators: 400,000, not 4e5
                ax.yaxis.set_major_formatter(
                    lambda v, _pos: f"{v:,.0f}" if abs(v) >= 1 else f"{v:g}")
            (marker,) = ax.plot([], [], "o", ms=10, color=OTHER["vermillion"], label="your size")
            markers.append((marker, np.where(ok, y, np.nan)))  # nan: no marker at that b
        legend(axes[-1])  # one legend, right of the last panel: the same two entries on each
        return markers

    def slider_values(self) -> tuple:
        return (int(self.size.value),)

    def draw(self, wait: bool = True) -> dict:
        """Move the markers to the slider's size and rewrite the readout; returns the report
        (nothing here is slow: `wait` changes nothing)."""
        (b,) = self.slider_values()
        r = batch_size_report(b, self.m, self.step_times)
        k = self.sizes.index(b)
        for marker, y in self.markers:
            if np.isfinite(y[k]):
                marker.set_data([b], [y[k]])
            else:  # this curve has no value at b (no noise at b >= m)
                marker.set_data([], [])
        self.readout.value = format_batch_size_report(r, self.m)
        self.live.redraw()
        return r

    def views_drawn(self) -> bool:
        """The markers stand at the slider's size where their curve has a value there."""
        k = self.sizes.index(self.slider_values()[0])
        return all(holds_data(marker) == bool(np.isfinite(y[k])) for marker, y in self.markers)

    def widget(self):
        return Dashboard([self.size.widget(), self.status, self.readout, self.live.canvas],
                         kernel_hint("Mini-batch size explorer"))


class MemoryBudgetExplorer(LiveUpdate):
    """A memory-budget slider (log scale) and a mini-batch size slider / box for one model.

    layer_dims: [n_x, ..., n_y] of a models.MLP; m: the training set's size; dtype:
    "float32" or "float64"; output: as memory.step_memory's; budget_bytes: from 1 MB to
    100 GB; batch_size: the starting size, a whole number from 1 to 2**24.
    """

    SIZES = [2**k for k in range(25)]
    BUDGETS = (10**6, 10**11)  # bytes

    def __init__(self, layer_dims, m: int, dtype="float32", output="softmax",
                 budget_bytes: float = 8e9, batch_size: int = 256):
        from ..measure import memory

        self.memory = memory
        self.layer_dims = validate_layer_dims("layer_dims", layer_dims)
        self.m = validate_int("m", m)
        validate_float_dtype("dtype", dtype)
        self.dtype, self.model_output = dtype, output
        budget = validate_real("budget_bytes", budget_bytes, low=self.BUDGETS[0],
                               high=self.BUDGETS[1])
        batch_size = validate_int("batch_size", batch_size, high=self.SIZES[-1])
        memory.budget_report(self.layer_dims, round(budget), self.m, batch_size, dtype,
                             output)  # the model's arguments checked here, not in a status
        self.budget_input = make_budget_input(budget, *self.BUDGETS)
        self.size = make_size_input(self.SIZES, batch_size)
        self.budget, self.batch = self.budget_input.slider, self.size.slider
        self.typed = self.size.entry
        self.message = self.size.message
        self.readout = W.HTML()
        self.live = LiveFigure((9, 2.4))
        self.view = MemoryView()
        self.view.build(self.live, self.live.fig.add_gridspec(1, 1)[0])
        self.ax = self.view.ax
        self.follow(self.live, [self.budget_input, self.size])

    @property
    def chosen(self) -> int:
        return int(self.size.value)

    def slider_values(self) -> tuple:
        """(budget in bytes, mini-batch size) as the sliders stand now."""
        return (int(self.budget_input.value), self.chosen)

    def report(self) -> dict:
        """memory.budget_report at the sliders' budget and size."""
        budget, b = self.slider_values()
        return self.memory.budget_report(self.layer_dims, budget, self.m, b, self.dtype,
                                         self.model_output)

    def draw(self, wait: bool = True) -> dict:
        """Redraw the bars and rewrite the readout; returns the report (nothing here is slow:
        `wait` changes nothing)."""
        r = self.report()
        self.readout.value = format_memory_report(r, self.m)
        self.view.update({"memory": r})
        self.live.redraw()
        return r

    def views_drawn(self) -> bool:
        return self.view.drawn()

    def widget(self):
        return Dashboard([self.budget_input.widget(), self.size.widget(), self.status,
                          self.readout, self.live.canvas], kernel_hint("Memory budget explorer"))
