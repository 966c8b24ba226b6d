"""A memory budget: the largest mini-batch that fits it, by the replay's formula or by trial.

`largest_batch` and `smallest_budget` invert the replay (replay.step_memory): the largest
batch size whose step fits a budget, and the budget a batch size needs. `find_largest_batch`
finds the same size by trial, as a GPU batch-size finder does: it runs steps until one fails
with MemoryError, here against `SimulatedAllocator` (a real step measured by tracemalloc) or
oom.LimitedSteps (a real step in a child process with a hard limit). Bytes throughout. The
budgets are memory of either kind: 内存 (RAM, which the CPU uses) or 显存 (a GPU's own memory).
"""

import math

from ...core.validate import validate_bytes, validate_int
from .measure import measure_step_peak
from .replay import CATEGORIES, _validate_model, step_memory

# Labelled presets for well-known budgets, bytes: 内存 (RAM) or 显存 (GPU memory). RAM and GPU
# memory come in powers of two, so the "GB" they are sold in is a GiB (2**30 bytes): a "16 GB"
# V100 has 16 GiB; an H100 "80 GB" has 80 GiB of HBM3; frameworks keep some of it.
PRESETS = {
    "8 GiB laptop, all its 内存": 8 * 2**30,
    "16 GiB GPU, 显存 (V100 16 GB)": 16 * 2**30,
    "80 GiB GPU, 显存 (H100 80 GB)": 80 * 2**30,
}
MAX_TRIALS = 200  # find_largest_batch: doubling 200 times passes any batch size a machine holds


class SimulatedOutOfMemory(MemoryError):
    """Raised by SimulatedAllocator when a step's measured peak is over its budget."""


class SimulatedAllocator:
    """A memory budget that real steps run against: each trial runs one real training step
    under tracemalloc (measure_step_peak) and fails with SimulatedOutOfMemory if its peak
    is over budget_bytes, as a GPU step fails with "CUDA out of memory". Nothing is ever
    allocated beyond what the step itself needs.

    trials: (batch size, measured peak bytes, fitted) per call, in order.
    """

    def __init__(self, budget_bytes: int, layer_dims, dtype="float64", output="softmax"):
        self.budget_bytes = validate_bytes("budget_bytes", budget_bytes)
        dims, _ = _validate_model(layer_dims, dtype, output)
        self.layer_dims, self.dtype, self.output = dims, dtype, output
        self.trials = []

    def run_step(self, batch_size: int) -> int:
        """Measure one step at this batch size; its peak (bytes), or SimulatedOutOfMemory."""
        peak = measure_step_peak(self.layer_dims, batch_size, self.dtype, self.output)
        fits = peak <= self.budget_bytes
        self.trials.append((batch_size, peak, fits))
        if not fits:
            raise SimulatedOutOfMemory(f"step at batch size {batch_size} needs {peak:,} bytes, "
                                       f"budget {self.budget_bytes:,}")
        return peak


def find_largest_batch(run_step, start: int = 1, max_trials: int = 40) -> int:
    """Search for the largest batch size whose step does not run out of memory, by trial:
    double from `start` until a step fails, then bisect between the last success and the
    first failure (as PyTorch Lightning's batch-size finder does in "binsearch" mode).

    run_step(b) raises MemoryError when b does not fit. Returns 0 if not even b = 1 fits (a
    failure at `start` > 1 is bisected down to 1). Raises RuntimeError if `max_trials`
    (1 ... MAX_TRIALS) trials do not settle the answer: it names the range left.
    """
    if not callable(run_step):
        raise TypeError(f"run_step must be callable, got {run_step!r}")
    b = validate_int("start", start)
    max_trials = validate_int("max_trials", max_trials, high=MAX_TRIALS)
    trials = 0
    lo, hi = 0, None  # the largest size that ran, the smallest that failed
    while hi is None and trials < max_trials:
        trials += 1
        try:
            run_step(b)
            lo, b = b, b * 2
        except MemoryError:
            hi = b
    while hi is not None and hi - lo > 1 and trials < max_trials:
        mid = (lo + hi) // 2
        trials += 1
        try:
            run_step(mid)
            lo = mid
        except MemoryError:
            hi = mid
    if hi is None or hi - lo > 1:
        above = "no size failed" if hi is None else f"{hi:,} failed"
        raise RuntimeError(f"find_largest_batch: after max_trials={max_trials} trials the "
                           f"answer is not settled ({lo:,} ran, {above}): raise max_trials")
    return lo


def per_example_bytes(layer_dims, dtype="float64", output="softmax") -> float:
    """Bytes the peak grows by per example, at large b (the slope of step_memory)."""
    big = 2**16
    a = step_memory(layer_dims, big, dtype, output).peak_bytes
    c = step_memory(layer_dims, 2 * big, dtype, output).peak_bytes
    return (c - a) / big


def per_example_breakdown(layer_dims, dtype="float64", output="softmax") -> dict:
    """Bytes per example at the peak, by category (as StepMemory.breakdown), at large b.
    The values add up to per_example_bytes."""
    big = 2**16
    a = step_memory(layer_dims, big, dtype, output)
    c = step_memory(layer_dims, 2 * big, dtype, output)
    return {k: (c.breakdown[k] - a.breakdown[k]) / big for k in CATEGORIES}


def largest_batch(layer_dims, budget_bytes: int, dtype="float64", output="softmax") -> int:
    """The largest mini-batch whose step fits the budget (0 if not even b = 1 fits).
    budget_bytes: a whole number of bytes (1e9 is accepted)."""
    budget = validate_bytes("budget_bytes", budget_bytes)
    if step_memory(layer_dims, 1, dtype, output).peak_bytes > budget:
        return 0
    lo, hi = 1, 2
    while step_memory(layer_dims, hi, dtype, output).peak_bytes <= budget:
        lo, hi = hi, hi * 2  # the peak grows with b: double, then bisect
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if step_memory(layer_dims, mid, dtype, output).peak_bytes <= budget:
            lo = mid
        else:
            hi = mid
    return lo


def smallest_budget(layer_dims, batch_size: int, dtype="float64", output="softmax") -> int:
    """The smallest budget (bytes) in which a step at this batch size fits: its peak."""
    return step_memory(layer_dims, batch_size, dtype, output).peak_bytes


def budget_report(layer_dims, budget_bytes: int, m: int, batch_size: int | None = None,
                  dtype="float64", output="softmax") -> dict:
    """What a memory budget allows for m training examples: the largest mini-batch, whether
    batch GD (b = m) fits, updates per epoch at the largest size, and how far a chosen size
    (batch_size, or None) is over or under."""
    budget = validate_bytes("budget_bytes", budget_bytes)
    m = validate_int("m", m)
    if batch_size is not None:
        batch_size = validate_int("batch_size", batch_size)
    b_max = largest_batch(layer_dims, budget, dtype, output)
    b_fit = min(b_max, m)
    per_ex = per_example_bytes(layer_dims, dtype, output)
    report = {
        "budget_bytes": budget,
        "largest_batch": b_max,
        "batch_gd_fits": b_max >= m,
        "batch_gd_bytes": smallest_budget(layer_dims, m, dtype, output),
        "updates_per_epoch": math.ceil(m / b_fit) if b_fit else None,
        "fixed_bytes": step_memory(layer_dims, 1, dtype, output).peak_bytes - per_ex,
        "per_example_bytes": per_ex,
    }
    if batch_size is not None:
        need = smallest_budget(layer_dims, batch_size, dtype, output)
        report.update(chosen_batch=batch_size, chosen_bytes=need,
                      chosen_over_by=need - budget)
    return report
