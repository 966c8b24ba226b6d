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
