"""What a slider value means, in numbers and in words: the pure functions behind the explorers.

* `batch_size_report` / `format_batch_size_report`: a mini-batch size on this machine (time
  per example, throughput, updates per epoch, gradient noise), from measured step times;
* `format_memory_report`: a memory budget (memory.budget_report) in words.

No widgets and no plotting here: the explorers (`explorers`) show these numbers.
"""

import math

from ..core.validate import validate_instance, validate_int
from ..measure.noise import relative_noise
from ..measure.timing import StepTimes
from .parsing import format_bytes


def batch_size_report(batch_size: int, m: int, step_times) -> dict:
    """What a mini-batch size means on this machine, for a training set of m examples.

    step_times: a course_utils.timing.StepTimes measured at batch_size (and other sizes);
    batch_size must be one of its sizes. batch_size > m is allowed (a timing at a size no
    epoch can use): its gradient noise is nan.
    """
    validate_instance("step_times", step_times, StepTimes)
    sizes = step_times.validate()  # its arrays may have been replaced since it was made
    m = validate_int("m", m)
    b = validate_int("batch_size", batch_size)
    if b not in sizes:
        raise ValueError(f"batch_size {b} was not measured; measured sizes: {sizes}")
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
        "relative_noise": relative_noise(b, m) if b <= m else float("nan"),  # noise.py
    }


def format_batch_size_report(r: dict, m: int) -> str:
    """The batch-size explorer's readout (HTML) for a batch_size_report."""
    m = validate_int("m", m)
    noise = ("not possible: b > m" if math.isnan(r["relative_noise"])
             else f"{r['relative_noise']:.2%} of SGD's")
    return (f"<b>b = {r['batch_size']:,}</b>: {r['seconds_per_example'] * 1e6:.2f} µs per example "
            f"({r['examples_per_second']:,.0f} examples/s, {r['fraction_of_peak']:.0%} of peak) · "
            f"{r['updates_per_epoch']:,} updates per epoch of {m:,} "
            f"({r['epoch_seconds']:.2f} s) · gradient variance {noise}")


def format_memory_report(report: dict, m: int) -> str:
    """The memory explorer's readout (HTML) for a memory.budget_report."""
    m = validate_int("m", m)
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
