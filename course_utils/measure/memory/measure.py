"""Measured memory: the peak of a real training step under tracemalloc, against the replay.

`measure_step_peak` runs one real step of models.MLP under Python's memory tracer tracemalloc;
`compare_replay` compares it with the replay (replay.step_memory) at several batch sizes, and
`step_table` prints the two side by side with the textbook count. `epoch_extra_memory`: the
extra memory of one epoch of mini-batches, built all at once or one at a time. Bytes
throughout (printed in MiB = 2**20 bytes).
"""

import tracemalloc
from dataclasses import dataclass

import numpy as np

from ...core.data import random_batch
from ...core.minibatch import iterate_minibatches, random_mini_batches
from ...core.validate import (
    validate_instance,
    validate_int,
    validate_seed,
    validate_sizes,
    validate_XY,
)
from .replay import CATEGORIES, CATEGORY_NOTES, StepMemory, _validate_model, step_memory


def measure_peak_bytes(fn, *args, **kwargs) -> tuple[int, object]:
    """Run fn(*args, **kwargs); return (peak bytes allocated above the start, fn's result)."""
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {fn!r} ({type(fn).__name__})")
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    start, _ = tracemalloc.get_traced_memory()
    try:
        result = fn(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return peak - start, result


def measure_step_peak(layer_dims, batch_size: int, dtype="float64", output="softmax",
                      seed=0) -> int:
    """Peak bytes of one real course_utils training step, measured with tracemalloc.

    The model and the mini-batch are made first (their bytes are counted as they are); after
    one warm-up step, three more steps (loss_and_grads, then update) run under tracemalloc.
    Returns their sum with the least of the three peaks: the steady-state memory of a
    training step.
    """
    from ...core.models import MLP

    dims, _ = _validate_model(layer_dims, dtype, output)
    b = validate_int("batch_size", batch_size)
    validate_seed("seed", seed)
    model = MLP(dims, output=output, dtype=dtype, seed=seed)
    X, Y = random_batch(dims[0], dims[-1], b, model.dtype, seed)
    before = sum(p.nbytes for p in model.params.values()) + X.nbytes + Y.nbytes

    def step():
        _, grads = model.loss_and_grads(X, Y)
        model.update(grads, 0.01)

    step()  # warm-up: first calls fill numpy's and Python's one-time caches
    # tracemalloc traces every thread: another thread's allocations during a step (a Jupyter
    # kernel's own threads, more of them on a busy machine) can only add to the peak, so the
    # least of three steps is the step's own
    peak = min(measure_peak_bytes(step)[0] for _ in range(3))
    return before + peak


@dataclass
class ReplayComparison:
    """The replay (step_memory) against tracemalloc (measure_step_peak) at several sizes."""

    batch_sizes: list
    replay_bytes: np.ndarray
    measured_bytes: np.ndarray

    @property
    def relative(self) -> np.ndarray:
        """(replay - measured) / measured, per size."""
        return (self.replay_bytes - self.measured_bytes) / self.measured_bytes

    @property
    def ok(self) -> np.ndarray:
        """Within 5 %, or within 1 KiB for a step under 8 KiB (Python's own small objects,
        which the replay does not count, weigh there), per size."""
        bound = np.where(self.measured_bytes >= 8192, 0.05 * self.measured_bytes, 1024)
        return np.abs(self.replay_bytes - self.measured_bytes) <= bound


def compare_replay(layer_dims, output="softmax", batch_sizes=(1, 8, 64, 512, 8192),
                   dtype="float64") -> ReplayComparison:
    """Replay and measure one step of MLP(layer_dims, output) at each batch size (at least
    one: a check of no size would pass whatever the replay says)."""
    _validate_model(layer_dims, dtype, output)
    sizes = validate_sizes("batch_sizes", batch_sizes)
    replay = [step_memory(layer_dims, b, dtype, output).peak_bytes for b in sizes]
    measured = [measure_step_peak(layer_dims, b, dtype, output) for b in sizes]
    return ReplayComparison(sizes, np.array(replay, float), np.array(measured, float))


def _validate_bytes_list(name, values, n):
    values = list(values)
    if len(values) != n:
        raise ValueError(f"steps, measured_bytes and textbook must have one value per step: "
                         f"{n} steps, {len(values)} values in {name}")
    for k, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name}[{k}] must be a number of bytes, got {v!r}")
        if not np.isfinite(v) or v <= 0:
            raise ValueError(f"{name}[{k}] must be a finite number of bytes > 0, got {v!r}")
    return values


def step_table(steps, measured_bytes, textbook) -> str:
    """A printable table of step_memory results side by side, one column per step: what is
    alive at the peak by category (MiB), the replay's total, the peak tracemalloc measured
    and the textbook count. steps: StepMemory results; measured_bytes, textbook: bytes, one
    per step, in the same order."""
    steps = list(steps)
    if not steps:
        raise ValueError("steps must hold at least one step_memory result, got none")
    for k, st in enumerate(steps):
        validate_instance(f"steps[{k}]", st, StepMemory)
    measured_bytes = _validate_bytes_list("measured_bytes", measured_bytes, len(steps))
    textbook = _validate_bytes_list("textbook", textbook, len(steps))

    def row(name, values):
        return f"  {name:42s}" + "".join(f"{v:>12s}" for v in values)

    def mib(v):
        return f"{v / 2**20:.2f} MiB" if v else "0"

    lines = [row("mini-batch size b", [f"b = {st.batch_size:,}" for st in steps]),
             row("peak during the", [st.phase for st in steps])]
    for c in CATEGORIES:
        name = f"{c} ({CATEGORY_NOTES[c]})" if c in CATEGORY_NOTES else c
        lines.append(row(name, [mib(st.breakdown[c]) for st in steps]))
    lines.append(row("total (the replay)", [mib(st.peak_bytes) for st in steps]))
    lines.append(row("measured by tracemalloc", [mib(v) for v in measured_bytes]))
    lines.append(row("textbook count", [mib(v) for v in textbook]))
    lines.append(row("measured / textbook", [f"{m / t:.2f}x" for m, t in
                                             zip(measured_bytes, textbook)]))
    return "\n".join(lines)


def epoch_extra_memory(X, Y, batch_size: int, seed=0) -> dict:
    """Extra memory (bytes) that one epoch of mini-batches needs, built each way.

    Returns {"shuffled copy": ..., "lazy iterator": ...}: the peak memory above the start,
    measured with Python's memory tracer tracemalloc, while `random_mini_batches` or
    `iterate_minibatches` gives the epoch's mini-batches and each one is read, as a training
    step would. X and Y themselves are not counted: they exist before and after.
    """
    m = validate_XY(X, Y)
    batch_size = validate_int("batch_size", batch_size, high=m)
    validate_seed("seed", seed)
    ways = {"shuffled copy": random_mini_batches, "lazy iterator": iterate_minibatches}
    peaks, touched = {}, []
    for name, make_batches in ways.items():
        peak, total = measure_peak_bytes(
            lambda f=make_batches: sum(float(X_t[0, 0]) for X_t, _ in f(X, Y, batch_size, seed)))
        peaks[name] = peak
        touched.append(total)
    if touched[0] != touched[1]:  # both ways must give the same mini-batches, in order
        raise RuntimeError("random_mini_batches and iterate_minibatches gave different batches")
    return peaks
