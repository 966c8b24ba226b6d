"""What a slider value means, in numbers and in words: the pure functions behind the explorers.

* `relative_noise`: the variance of a mini-batch gradient relative to SGD's;
* `batch_size_report` / `format_batch_size_report`: a mini-batch size on this machine (time
  per example, throughput, updates per epoch, gradient noise), from measured step times;
* `format_memory_report`: a memory budget (memory.budget_report) in words.

No widgets and no plotting here: the explorers (`explorers`) show these numbers.
"""

import math

import numpy as np

from ..core.validate import check_int
from ..measure.timing import StepTimes
from .parsing import format_bytes


def relative_noise(b: int, m: int) -> float:
    """Variance of a mini-batch gradient relative to SGD's (b = 1), sampling without
    replacement: (1 / b) * (m - b) / (m - 1). 1 for SGD, 0 for batch GD (b = m)."""
    m = check_int("m", m)
    b = check_int("b", b, high=m)
    return (m - b) / (b * (m - 1)) if m > 1 else 0.0


def check_step_times(step_times) -> list[int]:
    """Check a timing.StepTimes (again: its arrays may have been replaced since it was made):
    batch sizes whole numbers >= 1, increasing; seconds (repeats, sizes), finite and > 0.
    Returns the batch sizes as ints."""
    if not isinstance(step_times, StepTimes):
        raise TypeError(f"step_times must be a course_utils.timing.StepTimes, got "
                        f"{type(step_times).__name__}")
    sizes, seconds = np.asarray(step_times.batch_sizes), np.asarray(step_times.seconds)
    if sizes.ndim != 1 or sizes.size == 0 or sizes.dtype.kind not in "iuf":
        raise ValueError(f"step_times.batch_sizes must be a 1-D array of whole numbers, got "
                         f"shape {sizes.shape} and dtype {sizes.dtype}")
    if (not np.isfinite(sizes).all() or np.any(sizes != np.round(sizes)) or sizes.min() < 1
            or np.any(np.diff(sizes) <= 0)):
        raise ValueError(f"step_times.batch_sizes must be whole numbers >= 1 in increasing "
                         f"order, got {sizes.tolist()}")
    if seconds.ndim != 2 or seconds.shape[1] != sizes.size or seconds.shape[0] == 0:
        raise ValueError(f"step_times.seconds must have shape (repeats, {sizes.size}), one "
                         f"column per batch size, got {seconds.shape}")
    if seconds.dtype.kind != "f" or not np.isfinite(seconds).all() or seconds.min() <= 0:
        raise ValueError("step_times.seconds must hold finite times > 0 (seconds per step), "
                         f"got dtype {seconds.dtype}, smallest {seconds.min()!r}")
    return [int(x) for x in sizes]


def batch_size_report(b: int, m: int, step_times) -> dict:
    """What a mini-batch size means on this machine, for a training set of m examples.

    step_times: a course_utils.timing.StepTimes measured at b (and other sizes); b must be
    one of its sizes. b > m is allowed (a timing at a size no epoch can use): its gradient
    noise is nan.
    """
    sizes = check_step_times(step_times)
    m = check_int("m", m)
    b = check_int("b", b)
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


def format_batch_size_report(r: dict, m: int) -> str:
    """The batch-size explorer's readout (HTML) for a batch_size_report."""
    m = check_int("m", m)
    noise = ("not possible: b > m" if math.isnan(r["relative_noise"])
             else f"{r['relative_noise']:.2%} of SGD's")
    return (f"<b>b = {r['batch_size']:,}</b>: {r['seconds_per_example'] * 1e6:.2f} µs per example "
            f"({r['examples_per_second']:,.0f} examples/s, {r['fraction_of_peak']:.0%} of peak) · "
            f"{r['updates_per_epoch']:,} updates per epoch of {m:,} "
            f"({r['epoch_seconds']:.2f} s) · gradient variance {noise}")


def format_memory_report(report: dict, m: int) -> str:
    """The memory explorer's readout (HTML) for a memory.budget_report."""
    m = check_int("m", m)
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
