"""Sliders for the notebooks: a thin ipywidgets layer over pure functions.

The numbers a slider shows come from plain functions (`batch_size_report`), tested without a
browser; the widget classes only move markers and rewrite a readout. Anything expensive is
computed before the widget is built.
"""

import math

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display


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


class BatchSizeExplorer:
    """A mini-batch size slider moving a marker along throughput, updates and noise curves."""

    def __init__(self, step_times, m: int, value: int | None = None):
        self.step_times, self.m = step_times, m
        sizes = [int(x) for x in step_times.batch_sizes]
        self.slider = W.SelectionSlider(options=sizes, value=value or sizes[len(sizes) // 2],
                                        description="mini-batch size", continuous_update=True,
                                        layout=W.Layout(width="600px"),
                                        style={"description_width": "initial"})
        self.readout = W.HTML()
        self.output = W.Output()
        self.fig, axes = plt.subplots(1, 3, figsize=(13, 3.4))
        plt.close(self.fig)  # shown inside self.output, not as the cell's own output
        b = np.array(sizes)
        inside = b <= m
        curves = [
            (step_times.throughput, "examples per second", "Throughput (this machine)"),
            (np.ceil(m / b), "updates per epoch", f"Updates per epoch (m = {m:,})"),
            (np.array([relative_noise(x, m) if x <= m else np.nan for x in sizes]),
             "gradient variance / SGD's", "Gradient noise"),
        ]
        self.markers = []
        for ax, (y, ylabel, title) in zip(axes, curves):
            ax.plot(b[inside] if title == "Gradient noise" else b,
                    y[inside] if title == "Gradient noise" else y, "o-", ms=3, label=ylabel)
            (marker,) = ax.plot([], [], "o", ms=10, color="tab:red", label="chosen size")
            self.markers.append((marker, y))
            ax.set(xscale="log", yscale="log", xlabel="mini-batch size b", ylabel=ylabel,
                   title=title)
            ax.legend(fontsize=8)
        self.fig.tight_layout()
        self.slider.observe(lambda change: self.update(change["new"]), names="value")
        self.update(self.slider.value)

    def update(self, b: int) -> dict:
        """Move the markers to b and rewrite the readout; returns the report."""
        r = batch_size_report(b, self.m, self.step_times)
        k = [int(x) for x in self.step_times.batch_sizes].index(b)
        for marker, y in self.markers:
            marker.set_data([b], [y[k]])
        self.readout.value = format_report(r, self.m)
        with self.output:
            self.output.clear_output(wait=True)
            display(self.fig)
        return r

    def widget(self):
        return W.VBox([self.slider, self.readout, self.output])


def _fmt_bytes(n: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= size:
            return f"{n / size:,.2f} {unit}"
    return f"{n:,.0f} bytes"


def memory_readout(report: dict, m: int) -> str:
    """The memory explorer's text for a budget_report (course_utils.memory)."""
    b_max = report["largest_batch"]
    lines = [f"<b>budget {_fmt_bytes(report['budget_bytes'])}</b>: "
             + (f"the largest mini-batch that fits is <b>{b_max:,}</b>"
                + (f" ({report['updates_per_epoch']:,} updates per epoch of {m:,})"
                   if b_max else "")
                if b_max else "not even one example fits (parameters and gradients alone)")]
    lines.append(f"batch GD (b = m = {m:,}) needs {_fmt_bytes(report['batch_gd_bytes'])}: "
                 + ("<b>fits</b>" if report["batch_gd_fits"] else "<b>does not fit</b>"))
    if "chosen_batch" in report:
        over = report["chosen_over_by"]
        lines.append(f"your mini-batch of {report['chosen_batch']:,} needs "
                     f"{_fmt_bytes(report['chosen_bytes'])}: "
                     + (f"<b>over</b> the budget by {_fmt_bytes(over)}" if over > 0
                        else f"fits, {_fmt_bytes(-over)} to spare"))
    return "<br>".join(lines)


class MemoryBudgetExplorer:
    """A memory-budget slider (log scale) and a mini-batch size slider / box for one model."""

    SIZES = [2**k for k in range(25)]

    def __init__(self, layer_dims, m: int, dtype="float32", output="softmax",
                 budget_bytes: float = 8e9, batch_size: int = 256):
        from . import memory

        self.memory = memory
        self.layer_dims, self.m, self.dtype, self.model_output = layer_dims, m, dtype, output
        self.budget = W.FloatLogSlider(value=budget_bytes, base=10, min=6.5, max=11, step=0.01,
                                       description="memory budget (bytes)",
                                       readout_format=".3g", continuous_update=True,
                                       layout=W.Layout(width="600px"),
                                       style={"description_width": "initial"})
        self.batch = W.SelectionSlider(options=self.SIZES,
                                       value=batch_size if batch_size in self.SIZES else 256,
                                       description="mini-batch size", continuous_update=True,
                                       layout=W.Layout(width="600px"),
                                       style={"description_width": "initial"})
        self.typed = W.Text(value=str(batch_size), description="or type a size:",
                            continuous_update=False, style={"description_width": "initial"})
        self.message = W.HTML()
        self.readout = W.HTML()
        self.output = W.Output()
        self.fig, self.ax = plt.subplots(figsize=(9, 2.2))
        plt.close(self.fig)
        self.chosen = batch_size
        self.budget.observe(lambda c: self.update(), names="value")
        self.batch.observe(lambda c: self.set_batch(c["new"]), names="value")
        self.typed.observe(lambda c: self.set_typed(c["new"]), names="value")
        self.update()

    def set_batch(self, b: int) -> None:
        self.chosen = int(b)
        self.message.value = ""
        self.update()

    def set_typed(self, text: str) -> None:
        """A typed size: a whole number from 1 to 10^9, else a message and nothing changes."""
        try:
            b = int(str(text).strip().replace(",", "").replace("_", ""))
        except ValueError:
            b = None
        if b is None or not 1 <= b <= 10**9:
            self.message.value = (f"<span style='color:#b00'>mini-batch size must be a whole "
                                  f"number from 1 to 1,000,000,000; got {text!r}</span>")
            return
        self.set_batch(b)

    def report(self) -> dict:
        return self.memory.budget_report(self.layer_dims, int(self.budget.value), self.m,
                                         self.chosen, self.dtype, self.model_output)

    def update(self) -> dict:
        r = self.report()
        self.readout.value = memory_readout(r, self.m)
        ax = self.ax
        ax.clear()
        fixed, per_ex = r["fixed_bytes"], r["per_example_bytes"]
        ax.barh([1], [fixed], color="tab:gray", label="fixed: parameters, gradients, ...")
        ax.barh([1], [per_ex * self.chosen], left=[fixed], color="tab:orange",
                label=f"per example x {self.chosen:,}")
        if r["largest_batch"]:
            ax.barh([0], [fixed], color="tab:gray")
            ax.barh([0], [per_ex * r["largest_batch"]], left=[fixed], color="tab:green",
                    label=f"per example x {r['largest_batch']:,} (largest that fits)")
        ax.axvline(r["budget_bytes"], color="k", ls="--", label="budget")
        ax.set_yticks([0, 1], ["largest fit", "your size"])
        ax.set_xscale("log")
        ax.set_xlabel("bytes of one training step (peak)")
        ax.legend(fontsize=7, loc="lower right")
        self.fig.tight_layout()
        with self.output:
            self.output.clear_output(wait=True)
            display(self.fig)
        return r

    def widget(self):
        return W.VBox([self.budget, self.batch, self.typed, self.message, self.readout,
                       self.output])
