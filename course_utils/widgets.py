"""Sliders for the notebooks: thin ipywidgets layers over pure functions.

The numbers a slider shows come from plain functions (`batch_size_report`, memory's
`budget_report`, the lab's cached runs), tested without a browser; the widget classes only
move artists and rewrite readouts. Two shared pieces:

* `SliderEntry`: a slider plus a box to type an exact value; a typed value that is not
  allowed gives a message next to it and changes nothing (nothing is clipped silently);
* `LiveFigure`: a matplotlib figure shown as an image widget, with fixed axes, so that an
  update redraws only the data over a background rendered once (the axes, ticks and labels).

Their figures follow the course's convention (`plotting`): colours from `plotting.OTHER`
(none of them shows one of the three methods), legends outside the data, axes named with
units, log axes only across decades and with plain tick labels.
Each explorer's `widget()` is a `Dashboard`: where no kernel runs (a web viewer, or a
notebook not yet run) it shows a line saying how to start it instead of `VBox(children=...)`.
"""

import math
import re
import struct
import zlib

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullFormatter

from .plotting import OTHER, legend, plain_log_ticks, spans_decades

UNITS = {"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "kib": 2**10,
         "mib": 2**20, "gib": 2**30, "tib": 2**40}


def parse_bytes(text) -> float:
    """'16 MB', '2GiB', '1e9' or 123 -> bytes. Raises ValueError naming the text."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    match = re.fullmatch(r"\s*([0-9.eE+_,-]+)\s*([a-zA-Z]*)\s*", str(text))
    if not match or match.group(2).lower() not in UNITS:
        raise ValueError(f"not a size in bytes: {text!r} (try 16 MB or 2 GiB)")
    return float(match.group(1).replace(",", "").replace("_", "")) * UNITS[match.group(2).lower()]


def format_bytes(n: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= size:
            return f"{n / size:,.2f} {unit}"
    return f"{n:,.0f} bytes"


class Dashboard(W.VBox):
    """A VBox of widgets with a plain-text form that says what it is and how to start it.

    A viewer without a running kernel (GitHub, nbviewer, JupyterLab before "Run All") cannot
    show widgets and shows an output's text/plain instead: this text, not VBox(children=...).
    """

    def __init__(self, children, text: str):
        super().__init__(children)
        self._plain_text = text

    def __repr__(self):
        return self._plain_text

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        data["text/plain"] = self._plain_text  # in full: Widget's own repr cuts at 110
        return data


def kernel_hint(name: str) -> str:
    """The text/plain of a Dashboard: what it is and how to get it running."""
    return (f"{name}: the sliders appear when this cell runs in Jupyter (from the course's "
            f"folder: make lab, open this notebook, then Run ▸ Run All Cells).")


class SliderEntry:
    """A slider and a box to type an exact value, with a message for values not allowed.

    slider: an ipywidgets slider (its own readout is hidden: the box shows the value).
    parse: text -> value, raising ValueError with a message. allowed: (low, high).
    on_change(value) is called with every accepted value, from the slider or the box.
    """

    def __init__(self, slider, parse, low, high, fmt=str, description=""):
        self.slider, self.parse, self.low, self.high, self.fmt = slider, parse, low, high, fmt
        slider.readout = False
        self.entry = W.Text(value=fmt(slider.value), continuous_update=False,
                            layout=W.Layout(width="110px"))
        self.message = W.HTML()
        self.label = W.HTML(f"<b>{description}</b>", layout=W.Layout(width="150px"))
        self.value = slider.value
        self._callbacks = []
        self._quiet = False
        slider.observe(self._from_slider, names="value")
        self.entry.observe(self._from_entry, names="value")

    def on_change(self, callback):
        self._callbacks.append(callback)

    def _from_slider(self, change):
        if self._quiet:
            return
        self._accept(change["new"], move_slider=False)

    def _from_entry(self, change):
        if self._quiet:
            return
        try:
            value = self.parse(change["new"])
            if not self.low <= value <= self.high:
                raise ValueError(f"must be from {self.fmt(self.low)} to {self.fmt(self.high)}")
        except (ValueError, OverflowError) as err:
            self.message.value = (f"<span style='color:#b00'>{change['new']!r} is not allowed: "
                                  f"{err}</span>")
            return
        self._accept(value, move_slider=True)

    def _accept(self, value, move_slider):
        self.value = value
        self.message.value = ""
        self._quiet = True
        try:
            self.entry.value = self.fmt(value)
            if move_slider:
                self.slider.value = self._nearest_slider_value(value)
        finally:
            self._quiet = False
        for callback in self._callbacks:
            callback(value)

    def _nearest_slider_value(self, value):
        options = getattr(self.slider, "options", None)
        if options:  # a SelectionSlider: the nearest option on a log scale
            return min(options, key=lambda o: abs(math.log(o) - math.log(value)))
        return value

    def set(self, value):
        """Set a value as if a learner had moved the slider to it (tests, benchmarks)."""
        if getattr(self.slider, "options", None) and value in self.slider.options:
            self.slider.value = value
        else:
            self.entry.value = self.fmt(value)

    def widget(self):
        return W.HBox([self.label, self.slider, self.entry, self.message])


class LiveFigure:
    """A figure shown as an image widget, whose data artists are redrawn on their own.

    Make the axes with fixed limits, register the artists that change with `animate`, then
    call `redraw()` after changing their data: the axes, ticks and labels are rendered once
    and kept as a background; each redraw puts the background back, draws the data, and sends
    the frame as a PNG to `self.canvas` (an ipywidgets.Image). Measured on the lab's four
    panels (2 cores, busy): about 30 ms per redraw, against over 0.5 s for a full render.
    No global matplotlib setting is used or changed (the figure has its own Agg canvas, not
    pyplot's). The layout is constrained, so legends placed outside the Axes get room.
    """

    def __init__(self, figsize, dpi=72):
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.agg = FigureCanvasAgg(self.fig)
        self.canvas = W.Image(format="png", layout=W.Layout(max_width="100%"))
        self.artists = []
        self._background = None

    def animate(self, *artists):
        for a in artists:
            a.set_animated(True)  # left out of the full render: drawn by redraw()
            self.artists.append(a)
        return artists[0] if len(artists) == 1 else artists

    def redraw(self):
        """Redraw the data over the background and send the new frame to the browser."""
        if self._background is None:
            self.agg.draw()
            self._background = self.agg.copy_from_bbox(self.fig.bbox)
        else:
            self.agg.restore_region(self._background)
        for a in self.artists:
            if a.get_visible():
                a.axes.draw_artist(a)
        self.canvas.value = png_bytes(self.frame())

    def frame(self) -> np.ndarray:
        """The current frame, RGBA (for tests: did the picture change?)."""
        return np.asarray(self.agg.buffer_rgba()).copy()


def png_bytes(rgba: np.ndarray) -> bytes:
    """An (h, w, 4) uint8 frame as a PNG (RGB, the figure is opaque), written for speed: rows
    unfiltered and zlib at level 1. On the lab's figure that takes about half the time of
    Pillow's encoder (which tries five filters on every row) for a file of about the same size."""
    h, w = rgba.shape[:2]
    rows = np.zeros((h, 1 + 3 * w), np.uint8)  # each row: filter byte 0 ("none"), then RGB
    rows[:, 1:] = rgba[..., :3].reshape(h, 3 * w)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data)))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8 bits, RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + chunk(b"IEND", b""))


def relative_noise(b: int, m: int) -> float:
    """Variance of a mini-batch gradient relative to SGD's (b = 1), sampling without
    replacement: (1 / b) * (m - b) / (m - 1). 0 for batch GD (b = m)."""
    if not 1 <= b <= m:
        raise ValueError(f"batch size must be in [1, m={m}], got {b}")
    return (m - b) / (b * (m - 1)) if m > 1 else 0.0


def batch_size_report(b: int, m: int, step_times) -> dict:
    """What a mini-batch size means on this machine, for a training set of m examples.

    step_times: a course_utils.timing.StepTimes measured at b (and other sizes).
    """
    sizes = [int(x) for x in step_times.batch_sizes]
    if b not in sizes:
        raise ValueError(f"batch size {b} was not measured; measured sizes: {sizes}")
    k = sizes.index(b)
    per_example = float(step_times.per_example[k])
    throughput = float(step_times.throughput[k])
    return {
        "batch_size": b,
        "seconds_per_example": per_example,
        "examples_per_second": throughput,
        "fraction_of_peak": throughput / float(step_times.throughput.max()),
        "updates_per_epoch": math.ceil(m / b),
        "epoch_seconds": per_example * m,
        "relative_noise": relative_noise(b, m) if b <= m else float("nan"),
    }


def format_report(r: dict, m: int) -> str:
    noise = ("not possible: b > m" if math.isnan(r["relative_noise"])
             else f"{r['relative_noise']:.2%} of SGD's")
    return (f"<b>b = {r['batch_size']:,}</b>: {r['seconds_per_example'] * 1e6:.2f} µs per example "
            f"({r['examples_per_second']:,.0f} examples/s, {r['fraction_of_peak']:.0%} of peak) · "
            f"{r['updates_per_epoch']:,} updates per epoch of {m:,} "
            f"({r['epoch_seconds']:.2f} s) · gradient variance {noise}")


def size_slider(sizes, value, description="mini-batch size"):
    """A mini-batch size slider over the given sizes, with a box for any whole number."""
    sizes = sorted(int(x) for x in sizes)
    slider = W.SelectionSlider(options=sizes, value=value if value in sizes else sizes[0],
                               continuous_update=True, layout=W.Layout(width="420px"))

    def parse(text):
        text = str(text).strip().replace(",", "").replace("_", "")
        if not re.fullmatch(r"[0-9]+", text):
            raise ValueError("a mini-batch size is a whole number")
        return int(text)

    return SliderEntry(slider, parse, sizes[0], sizes[-1], lambda v: f"{v:,}", description)


class BatchSizeExplorer:
    """A mini-batch size slider moving a marker along throughput, updates and noise curves.
    Only the sizes that were timed can be chosen (the box says so for others)."""

    def __init__(self, step_times, m: int, value: int | None = None):
        self.step_times, self.m = step_times, m
        sizes = [int(x) for x in step_times.batch_sizes]
        self.size = size_slider(sizes, value or sizes[len(sizes) // 2])
        self.slider = self.size.slider
        self.readout = W.HTML()
        self.live = LiveFigure((13, 3.4))
        axes = self.live.fig.subplots(1, 3)
        b = np.array(sizes)
        noise = np.array([relative_noise(x, m) if x <= m else np.nan for x in sizes])
        curves = [
            (step_times.throughput, "throughput (examples/s)", "Throughput (this machine)"),
            (np.ceil(m / b), "updates per epoch (count)", f"Updates per epoch (m = {m:,})"),
            (noise, "gradient variance / SGD's (ratio)", "Gradient noise"),
        ]
        self.markers = []
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
            self.markers.append((self.live.animate(marker), y))
        legend(axes[-1])  # one legend, right of the last panel: the same two entries on each
        self.size.on_change(self.update)
        self.update(self.size.value)

    def update(self, b: int) -> dict:
        """Move the markers to b and rewrite the readout; returns the report."""
        try:
            r = batch_size_report(int(b), self.m, self.step_times)
        except ValueError as err:
            self.size.message.value = f"<span style='color:#b00'>{err}</span>"
            return {}
        k = [int(x) for x in self.step_times.batch_sizes].index(int(b))
        for marker, y in self.markers:
            marker.set_data([b], [y[k]])
        self.readout.value = format_report(r, self.m)
        self.live.redraw()
        return r

    def widget(self):
        return Dashboard([self.size.widget(), self.readout, self.live.canvas],
                         kernel_hint("Mini-batch size explorer"))


def memory_readout(report: dict, m: int) -> str:
    """The memory explorer's text for a budget_report (course_utils.memory)."""
    b_max = report["largest_batch"]
    lines = [f"<b>budget {format_bytes(report['budget_bytes'])}</b>: "
             + (f"the largest mini-batch that fits is <b>{b_max:,}</b>"
                + (f" ({report['updates_per_epoch']:,} updates per epoch of {m:,})"
                   if b_max else "")
                if b_max else "not even one example fits (parameters and gradients alone)")]
    lines.append(f"batch GD (b = m = {m:,}) needs {format_bytes(report['batch_gd_bytes'])}: "
                 + ("<b>fits</b>" if report["batch_gd_fits"] else "<b>does not fit</b>"))
    if "chosen_batch" in report:
        over = report["chosen_over_by"]
        lines.append(f"your mini-batch of {report['chosen_batch']:,} needs "
                     f"{format_bytes(report['chosen_bytes'])}: "
                     + (f"<b>over</b> the budget by {format_bytes(over)}" if over > 0
                        else f"fits, {format_bytes(-over)} to spare"))
    return "<br>".join(lines)


def budget_slider(value, low=10**5, high=10**11):
    """A memory budget slider on a log scale, with a box for sizes like '16 MB'."""
    slider = W.FloatLogSlider(value=value, base=10, min=math.log10(low), max=math.log10(high),
                              step=0.01, continuous_update=True, layout=W.Layout(width="420px"))
    return SliderEntry(slider, parse_bytes, low, high, format_bytes, "memory budget")


def _decade_bytes(x, _pos=None) -> str:
    """Tick label for a power of 1,000 bytes: 1 kB, 1 MB, 1 GB, 1 TB."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if x >= size:
            return f"{x / size:,.0f} {unit}"
    return f"{x:,.0f} bytes"


class MemoryBreakdownView:
    """Horizontal bars on a log axis: fixed and per-example bytes of the chosen size and of
    the largest size that fits, against the budget. Draws into a given Axes."""

    def __init__(self, ax, live, low=1e3, high=1e13):
        ax.set(xscale="log", xlim=(low, high), ylim=(-0.6, 1.6),
               xlabel="peak memory of one training step (bytes)",
               ylabel="mini-batch size b (examples)", title="Memory of one step")
        ax.set_yticks([0, 1], ["largest b\nthat fits", "your b"])
        # bytes read best in kB, MB, GB, TB: a labelled tick every 3 decades, unlabelled between
        decades = 10.0 ** np.arange(np.ceil(np.log10(low)), np.floor(np.log10(high)) + 1)
        ax.xaxis.set_major_locator(FixedLocator([d for d in decades if np.log10(d) % 3 == 0]))
        ax.xaxis.set_major_formatter(_decade_bytes)
        ax.xaxis.set_minor_locator(FixedLocator(decades))
        ax.xaxis.set_minor_formatter(NullFormatter())
        self.fixed = live.animate(*ax.barh([0, 1], [1, 1], color=OTHER["grey"],
                                           label="fixed: parameters, gradients, ..."))
        largest = ax.barh([0], [1], color=OTHER["vermillion"], label="per example × largest b")
        yours = ax.barh([1], [1], color=OTHER["orange"], label="per example × your b")
        self.per_ex = live.animate(largest[0], yours[0])
        self.budget = live.animate(ax.axvline(1, color=OTHER["black"], ls="--", label="budget"))
        legend(ax)

    def update(self, report: dict):
        fixed, per_ex = report["fixed_bytes"], report["per_example_bytes"]
        for bar in self.fixed:
            bar.set_width(fixed)
        for bar, b in zip(self.per_ex, (report["largest_batch"], report["chosen_batch"])):
            bar.set_x(fixed)
            bar.set_width(max(per_ex * b, 1e-9))
        self.budget.set_xdata([report["budget_bytes"]] * 2)


class MemoryBudgetExplorer:
    """A memory-budget slider (log scale) and a mini-batch size slider / box for one model."""

    SIZES = [2**k for k in range(25)]

    def __init__(self, layer_dims, m: int, dtype="float32", output="softmax",
                 budget_bytes: float = 8e9, batch_size: int = 256):
        from . import memory

        self.memory = memory
        self.layer_dims, self.m, self.dtype, self.model_output = layer_dims, m, dtype, output
        self.budget_input = budget_slider(budget_bytes, low=10**6, high=10**11)
        self.size = size_slider(self.SIZES, batch_size)
        self.budget, self.batch = self.budget_input.slider, self.size.slider
        self.typed = self.size.entry
        self.message = self.size.message
        self.readout = W.HTML()
        self.live = LiveFigure((9, 2.4))
        self.ax = self.live.fig.subplots()
        self.view = MemoryBreakdownView(self.ax, self.live)
        self.budget_input.on_change(lambda v: self.update())
        self.size.on_change(lambda v: self.update())
        self.update()

    @property
    def chosen(self) -> int:
        return int(self.size.value)

    def report(self) -> dict:
        return self.memory.budget_report(self.layer_dims, int(self.budget_input.value), self.m,
                                         self.chosen, self.dtype, self.model_output)

    def update(self) -> dict:
        r = self.report()
        self.readout.value = memory_readout(r, self.m)
        self.view.update(r)
        self.live.redraw()
        return r

    def widget(self):
        return Dashboard([self.budget_input.widget(), self.size.widget(), self.readout,
                          self.live.canvas], kernel_hint("Memory budget explorer"))
