"""Memory: what one training step needs, in bytes, and the largest mini-batch that fits.

`step_memory` replays one course_utils training step (forward, cost, backward, update) array
by array, in the order the code allocates and frees them, and reports the peak with what is
alive at that moment. The textbook count ("Z and A per layer") ignores that during backward
the gradients of one layer's activations and the next are alive together, next to every
cached activation, and that some temporaries are alive at the peak, such as the update's
`lr * dW` (for [784, 256, 10] at b = 64 the peak is 1.34 times the textbook count; at b = 1024
the two agree, by coincidence rather than by design: see test_memory.py).
The replay is checked against tracemalloc (`measure_step_peak`) in the tests: within 5 % for
every model, b = 1 ... 8192, once a step needs more than ~8 KiB. Below that (a few features at
b <= 8) a few hundred bytes of Python bookkeeping (dicts, tuples, floats), which the replay
does not count, are 10-30 % of the step.

All sizes are in bytes (printed in KiB = 2**10 and MiB = 2**20 bytes; memory sold as "8 GB"
means GB = 10**9 bytes). `layer_dims` is [n_x, n_1, ..., n_y] as for models.MLP. The budgets
are memory of either kind: 内存 (RAM, which the CPU uses) or 显存 (a GPU's own memory).
"""

import math
import os
import sys
import time
import tracemalloc
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_int

CATEGORIES = ("parameters", "gradients", "optimizer state", "mini-batch", "activations",
              "activation gradients", "temporaries")
OPTIMIZER_SLOTS = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2}  # copies of the params
NUMPY_BUFFER = 8192  # elements: numpy's ufunc buffer, used when an in-place ufunc casts
# (bool -> float) or broadcasts (Z += b): min(size, 8192) elements, measured with tracemalloc
ARRAY_OBJECT = 112  # bytes of Python bookkeeping per live numpy array (measured, see tests)
# numpy before 2.3 also buffers the step's reductions (max and sum over the classes, the bias
# gradient's sum over the examples); 2.3 rewrote buffered iteration. Measured: 2.2 and 2.4.
REDUCTION_BUFFERED = np.lib.NumpyVersion(np.__version__) < "2.3.0"

PRESETS = {  # labelled presets for well-known budgets, bytes: 内存 (RAM) or 显存 (GPU memory)
    "8 GB laptop, 内存 (RAM)": 8 * 10**9,
    "16 GB GPU, 显存 (V100 16 GB)": 16 * 10**9,
    "80 GB GPU, 显存 (H100)": 80 * 10**9,
}


def measure_peak_bytes(fn, *args, **kwargs) -> tuple[int, object]:
    """Run fn(*args, **kwargs); return (peak bytes allocated above the start, fn's result)."""
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


@dataclass
class StepMemory:
    """The peak of one training step and what is alive at that moment (bytes)."""

    batch_size: int
    peak_bytes: int
    phase: str
    breakdown: dict = field(default_factory=dict)
    timeline: list = field(default_factory=list)  # (phase, live bytes) after every event

    def __str__(self):
        parts = ", ".join(f"{k} {v / 2**20:.2f} MiB" for k, v in self.breakdown.items() if v)
        peak = self.peak_bytes / 2**20
        return f"b = {self.batch_size}: peak {peak:.2f} MiB ({self.phase}): {parts}"


class _Replay:
    """Allocations and frees in program order; keeps the peak and a snapshot of it."""

    def __init__(self):
        self.live = {}  # name -> (category, bytes)
        self.peak, self.phase, self.snapshot = -1, "", {}
        self.timeline, self.last_phase = [], ""

    def alloc(self, name, category, nbytes, phase):
        self.live[name] = (category, nbytes + ARRAY_OBJECT)
        total = sum(v for _, v in self.live.values())
        self.timeline.append((phase, total))
        self.last_phase = phase
        if total > self.peak:
            self.peak, self.phase = total, phase
            self.snapshot = {c: sum(v for k, v in self.live.values() if k == c) for c in CATEGORIES}

    def free(self, *names):
        for name in names:
            del self.live[name]
        self.timeline.append((self.last_phase, sum(v for _, v in self.live.values())))


def step_memory(layer_dims, batch_size: int, dtype="float64", output="softmax",
                optimizer="sgd", bias=True) -> StepMemory:
    """Peak bytes of one training step of models.MLP(layer_dims, output) at this batch size.

    optimizer: "sgd" (what the course's trainer does) or, for comparison, "momentum",
    "rmsprop" or "adam", which keep 1 or 2 more copies of the parameters.
    """
    dims = [check_int(f"layer_dims[{i}]", n) for i, n in enumerate(layer_dims)]
    b = check_int("batch_size", batch_size)
    if optimizer not in OPTIMIZER_SLOTS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZER_SLOTS)}, got {optimizer!r}")
    if output not in ("sigmoid", "softmax", "linear"):
        raise ValueError(f"output must be sigmoid, softmax or linear, got {output!r}")
    s = np.dtype(dtype).itemsize
    L, n_y = len(dims) - 1, dims[-1]
    r = _Replay()
    # Alive before the step: parameters, optimizer state and the mini-batch itself.
    for l in range(1, L + 1):
        r.alloc(f"W{l}", "parameters", dims[l] * dims[l - 1] * s, "before")
        if bias:
            r.alloc(f"b{l}", "parameters", dims[l] * s, "before")
    for k in range(OPTIMIZER_SLOTS[optimizer]):
        r.alloc(f"opt{k}", "optimizer state", sum(dims[l] * (dims[l - 1] + bias)
                                                  for l in range(1, L + 1)) * s, "before")
    r.alloc("X", "mini-batch", dims[0] * b * s, "before")
    r.alloc("Y", "mini-batch", n_y * b * s, "before")
    def broadcast_buffer(n_elements, phase):  # an in-place op with a broadcast operand
        r.alloc("buffer", "temporaries", min(n_elements, NUMPY_BUFFER) * s, phase)
        r.free("buffer")

    def reduction_buffer(n_elements, phase):  # max / sum along an axis (numpy < 2.3)
        if REDUCTION_BUFFERED:
            broadcast_buffer(n_elements, phase)

    # Forward: Z = W A (new), Z += b (in place), ReLU in place: A_l is Z_l.
    for l in range(1, L + 1):
        r.alloc(f"A{l}", "activations", dims[l] * b * s, "forward")
        if bias:
            broadcast_buffer(dims[l] * b, "forward")
    if output == "sigmoid":
        r.alloc("AL", "activations", n_y * b * s, "forward")
    elif output == "softmax":  # Z -= max over classes; A = exp(Z); A /= sum over classes
        r.alloc("max", "temporaries", b * s, "forward")
        reduction_buffer(n_y * b, "forward")
        broadcast_buffer(n_y * b, "forward")
        r.free("max")
        r.alloc("AL", "activations", n_y * b * s, "forward")
        r.alloc("sum", "temporaries", b * s, "forward")
        reduction_buffer(n_y * b, "forward")
        broadcast_buffer(n_y * b, "forward")
        r.free("sum")
    # Cost: one (n_y, b) temporary, updated in place (see models.MLP.cost).
    if output == "sigmoid":  # loss = logaddexp(0, Z); loss -= Y * Z
        r.alloc("loss", "temporaries", n_y * b * s, "cost")
        r.alloc("Y*Z", "temporaries", n_y * b * s, "cost")
        r.free("loss", "Y*Z")
    elif output == "softmax":  # exp(Z) -> its sum -> log; log_p = Z - log_sum; log_p *= Y
        r.alloc("exp", "temporaries", n_y * b * s, "cost")
        r.alloc("sum", "temporaries", b * s, "cost")
        reduction_buffer(n_y * b, "cost")
        r.free("exp")
        r.alloc("log_sum", "temporaries", b * s, "cost")
        r.free("sum")
        r.alloc("log_p", "temporaries", n_y * b * s, "cost")
        broadcast_buffer(n_y * b, "cost")
        r.free("log_p", "log_sum")
    else:  # err = AL - Y; err *= err
        r.alloc("err", "temporaries", n_y * b * s, "cost")
        r.free("err")
    # Backward: every cached activation stays alive; dZ of layer l and dA of layer l-1 overlap.
    r.alloc("dZ", "activation gradients", n_y * b * s, "backward")
    for l in range(L, 0, -1):
        r.alloc(f"dW{l}", "gradients", dims[l] * dims[l - 1] * s, "backward")
        if bias:
            r.alloc(f"db{l}", "gradients", dims[l] * s, "backward")
            reduction_buffer(dims[l] * b, "backward")  # db = dZ.sum(axis=1)
        if l > 1:
            n = dims[l - 1] * b
            r.alloc("dA", "activation gradients", n * s, "backward")
            r.alloc("mask", "temporaries", n, "backward")  # A > 0, one byte per element
            r.alloc("cast", "temporaries", min(n, NUMPY_BUFFER) * s, "backward")
            r.free("mask", "cast", "dZ")
            r.live["dZ"] = r.live.pop("dA")
    r.free("dZ", *[f"A{l}" for l in range(1, L + 1)])
    if output != "linear":
        r.free("AL")
    # Update: p -= lr * dp, one parameter at a time, one temporary each.
    for name in [k for k in r.live if r.live[k][0] == "parameters"]:
        r.alloc("lr*dp", "temporaries", r.live["d" + name][1] - ARRAY_OBJECT, "update")
        r.free("lr*dp")
    return StepMemory(b, r.peak, r.phase, r.snapshot, r.timeline)


def textbook_bytes(layer_dims, batch_size: int, dtype="float64") -> int:
    """The textbook count: parameters, their gradients, the mini-batch, and Z and A per layer.
    It misses the activation gradients alive during backward and the temporaries."""
    s = np.dtype(dtype).itemsize
    P = sum(n * (p + 1) for p, n in zip(layer_dims[:-1], layer_dims[1:]))
    return (2 * P + (layer_dims[0] + layer_dims[-1]) * batch_size
            + 2 * sum(layer_dims[1:]) * batch_size) * s


CATEGORY_NOTES = {"optimizer state": "0: plain GD keeps none"}  # why a category is empty


def step_table(steps, measured_bytes, textbook) -> str:
    """A printable table of step_memory results side by side, one column per step: what is
    alive at the peak by category (MiB), the replay's total, the peak tracemalloc measured
    and the textbook count. steps: StepMemory results; measured_bytes, textbook: bytes, one
    per step, in the same order."""
    steps = list(steps)
    if not (len(steps) == len(measured_bytes) == len(textbook)):
        raise ValueError(f"steps, measured_bytes and textbook must have one value per step, "
                         f"got {len(steps)}, {len(measured_bytes)} and {len(textbook)}")

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


@dataclass
class ReplayCheck:
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


def check_replay(layer_dims, output="softmax", batch_sizes=(1, 8, 64, 512, 8192),
                 dtype="float64") -> ReplayCheck:
    """Replay and measure one step of MLP(layer_dims, output) at each batch size."""
    sizes = [check_int("batch size", b) for b in batch_sizes]
    replay = [step_memory(layer_dims, b, dtype, output).peak_bytes for b in sizes]
    measured = [measure_step_peak(layer_dims, b, dtype, output) for b in sizes]
    return ReplayCheck(sizes, np.array(replay, float), np.array(measured, float))


def _proc_bytes(path: str, field: str) -> int | None:
    """A "Field:  123 kB" line of a Linux /proc file, in bytes; None where there is none."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def available_memory_bytes() -> int | None:
    """Memory this machine says is available now (Linux: MemAvailable), or None if unknown."""
    available = _proc_bytes("/proc/meminfo", "MemAvailable")
    if available is not None:
        return available
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def peak_rss_bytes() -> int | None:
    """The process's peak resident memory so far (bytes), where the platform reports it.

    Linux: VmHWM of /proc/self/status, which belongs to this process image. (getrusage's
    ru_maxrss is not used there: Linux carries it over from the parent across fork and exec,
    so a fresh worker would report its parent's peak.)
    """
    peak = _proc_bytes("/proc/self/status", "VmHWM")
    if peak is not None:
        return peak
    try:
        import resource  # not on Windows
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere


class SimulatedOutOfMemory(MemoryError):
    """Raised by SimulatedAllocator when a step's measured peak is over its budget."""


class SimulatedAllocator:
    """A memory budget that real steps run against: each trial runs one real training step
    under tracemalloc (measure_step_peak) and fails with SimulatedOutOfMemory if its peak
    is over budget_bytes, as a GPU step fails with "CUDA out of memory". Nothing is ever
    allocated beyond what the step itself needs."""

    def __init__(self, budget_bytes: int, layer_dims, dtype="float64", output="softmax"):
        self.budget_bytes = budget_bytes
        self.layer_dims, self.dtype, self.output = layer_dims, dtype, output
        self.trials = []  # (batch size, measured peak bytes, fitted)

    def run_step(self, batch_size: int) -> int:
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
    run_step(b) raises MemoryError when b does not fit. Returns 0 if `start` already fails."""
    start = check_int("start", start)
    trials = 0
    lo, hi = 0, None
    b = start
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
    return lo


def per_example_bytes(layer_dims, dtype="float64", output="softmax", optimizer="sgd") -> float:
    """Bytes the peak grows by per example, at large b (the slope of step_memory)."""
    big = 2**16
    a = step_memory(layer_dims, big, dtype, output, optimizer).peak_bytes
    c = step_memory(layer_dims, 2 * big, dtype, output, optimizer).peak_bytes
    return (c - a) / big


def per_example_breakdown(layer_dims, dtype="float64", output="softmax",
                          optimizer="sgd") -> dict:
    """Bytes per example at the peak, by category (as StepMemory.breakdown), at large b.
    The values add up to per_example_bytes."""
    big = 2**16
    a = step_memory(layer_dims, big, dtype, output, optimizer)
    c = step_memory(layer_dims, 2 * big, dtype, output, optimizer)
    return {k: (c.breakdown[k] - a.breakdown[k]) / big for k in CATEGORIES}


def largest_batch(layer_dims, budget_bytes: int, dtype="float64", output="softmax",
                  optimizer="sgd") -> int:
    """The largest mini-batch whose step fits the budget (0 if not even b = 1 fits)."""
    if step_memory(layer_dims, 1, dtype, output, optimizer).peak_bytes > budget_bytes:
        return 0
    lo, hi = 1, 2
    while step_memory(layer_dims, hi, dtype, output, optimizer).peak_bytes <= budget_bytes:
        lo, hi = hi, hi * 2  # the peak grows with b: double, then bisect
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if step_memory(layer_dims, mid, dtype, output, optimizer).peak_bytes <= budget_bytes:
            lo = mid
        else:
            hi = mid
    return lo


def smallest_budget(layer_dims, batch_size: int, dtype="float64", output="softmax",
                    optimizer="sgd") -> int:
    """The smallest budget (bytes) in which a step at this batch size fits: its peak."""
    return step_memory(layer_dims, batch_size, dtype, output, optimizer).peak_bytes


def measure_step_peak(layer_dims, batch_size: int, dtype="float64", output="softmax",
                      seed=0) -> int:
    """Peak bytes of one real course_utils training step, measured with tracemalloc.

    The model and the mini-batch are made first (their bytes are counted as they are); after
    one warm-up step, a second step (loss_and_grads, then update) runs under tracemalloc.
    Returns their sum: the steady-state memory of a training step.
    """
    from .models import MLP
    from .timing import random_batch

    b = check_int("batch_size", batch_size)
    model = MLP(layer_dims, output=output, dtype=dtype, seed=seed)
    X, Y = random_batch(layer_dims[0], layer_dims[-1], b, model.dtype, seed)
    before = sum(p.nbytes for p in model.params.values()) + X.nbytes + Y.nbytes

    def step():
        _, grads = model.loss_and_grads(X, Y)
        model.update(grads, 0.01)

    step()  # warm-up: first calls fill numpy's and Python's one-time caches
    peak, _ = measure_peak_bytes(step)
    return before + peak


def budget_report(layer_dims, budget_bytes: int, m: int, batch_size: int | None = None,
                  dtype="float64", output="softmax", optimizer="sgd") -> dict:
    """What a memory budget allows: the largest mini-batch, whether batch GD (b = m) fits,
    updates per epoch at the largest size, and how far a chosen size is over or under."""
    b_max = largest_batch(layer_dims, budget_bytes, dtype, output, optimizer)
    b_fit = min(b_max, m)
    per_ex = per_example_bytes(layer_dims, dtype, output, optimizer)
    report = {
        "budget_bytes": budget_bytes,
        "largest_batch": b_max,
        "batch_gd_fits": b_max >= m,
        "batch_gd_bytes": smallest_budget(layer_dims, m, dtype, output, optimizer),
        "updates_per_epoch": math.ceil(m / b_fit) if b_fit else None,
        "fixed_bytes": step_memory(layer_dims, 1, dtype, output, optimizer).peak_bytes - per_ex,
        "per_example_bytes": per_ex,
    }
    if batch_size is not None:
        need = smallest_budget(layer_dims, batch_size, dtype, output, optimizer)
        report.update(chosen_batch=batch_size, chosen_bytes=need,
                      chosen_over_by=need - budget_bytes)
    return report


@dataclass
class AccumulationCosts:
    """One update on a mini-batch of batch_size examples, its gradient computed micro-batch
    by micro-batch (micro_sizes[k] == batch_size: one plain step).

    peak_bytes[k]: tracemalloc peak of the update. seconds[r, k]: repeat r, CPU seconds per
    update.
    """

    batch_size: int
    micro_sizes: np.ndarray
    peak_bytes: np.ndarray
    seconds: np.ndarray

    @property
    def per_example(self) -> np.ndarray:
        """Seconds per example of the mini-batch, best of the repeats (as timeit reports:
        other programs on the machine can only add time)."""
        return self.seconds.min(axis=0) / self.batch_size

    @property
    def rel_spread(self) -> np.ndarray:
        """Run-to-run noise of the best time, per micro size: (second best - best) / best."""
        best, second = np.sort(self.seconds, axis=0)[:2]
        return (second - best) / best


def accumulation_costs(model, X, Y, micro_sizes, repeats: int = 5,
                       seed=0) -> AccumulationCosts:
    """Peak memory and time of one update on the mini-batch (X (n_x, b), Y (n_y, b)) with
    its gradient accumulated over micro-batches of each size (train.accumulated_gradients).

    The model's parameters do not change (learning rate 0). Times: CPU seconds of this process
    (time.process_time: the time other programs hold the CPU is not counted), one BLAS
    thread, one call per measurement, the sizes in a new random order in each of `repeats`
    rounds.
    """
    from threadpoolctl import threadpool_limits

    from .train import accumulated_gradients

    b = X.shape[1]
    micros = np.array([check_int("micro batch size", k, high=b) for k in micro_sizes])
    repeats = check_int("repeats", repeats, low=2)
    rng = np.random.default_rng(seed)

    def update(micro):
        if micro == b:
            _, grads = model.loss_and_grads(X, Y)
        else:
            _, grads = accumulated_gradients(model, X, Y, int(micro))
        model.update(grads, 0.0)

    peaks, seconds = np.empty(len(micros)), np.empty((repeats, len(micros)))
    with threadpool_limits(1):
        for k, micro in enumerate(micros):
            update(micro)  # warm-up
            peaks[k], _ = measure_peak_bytes(update, micro)
        for r in range(repeats):
            for k in rng.permutation(len(micros)):
                t0 = time.process_time()
                update(micros[k])
                seconds[r, k] = time.process_time() - t0
    return AccumulationCosts(b, micros, peaks, seconds)


PHASES = ("before", "forward", "cost", "backward", "update")
# Fill of each phase: a colour of plotting.OTHER and a hatch, so that colour is not the only cue.
PHASE_STYLES = {"before": ("light grey", ""), "forward": ("grey", "//"),
                "cost": ("white", ".."), "backward": ("vermillion", "\\\\"),
                "update": ("orange", "")}
STEP_STYLES = (("grey", "//"), ("black", ""))  # bars of the first and second step shown


def _fill(name):
    from .plotting import OTHER

    return OTHER.get(name, name)


def plot_step_memory(steps, measured_bytes=None, axes=None):
    """Memory during one or two steps (step_memory results) and what is alive at each peak.

    One panel per step: live memory after every allocation or free, each phase with its own
    fill and hatch, and the peak tracemalloc measured (measured_bytes: one value per step, or
    None). A last panel: what is alive at each peak, by category, one bar per step; a
    category empty in every step is named with the reason (e.g. plain GD keeps no optimizer
    state), an empty bar is marked 0. axes: len(steps) + 1 Axes, or None for a new figure.
    Returns the Axes.
    """
    import matplotlib.pyplot as plt

    from .plotting import OTHER, legend

    steps = [steps] if isinstance(steps, StepMemory) else list(steps)
    if not 1 <= len(steps) <= len(STEP_STYLES):
        raise ValueError(f"steps must be 1 or 2 step_memory results, got {len(steps)}")
    if measured_bytes is not None and not np.iterable(measured_bytes):
        measured_bytes = [measured_bytes]
    if axes is None:
        _, axes = plt.subplots(1, len(steps) + 1, figsize=(6 * len(steps) + 5, 4),
                               layout="constrained")
    *timelines, bars = axes
    for k, (step, ax) in enumerate(zip(steps, timelines)):
        x = np.arange(len(step.timeline))
        live = np.array([v for _, v in step.timeline]) / 2**20
        for phase in PHASES:
            sel = np.array([p == phase for p, _ in step.timeline])
            sel[1:] |= sel[:-1]  # reach the first event of the next phase: no gaps
            color, hatch = PHASE_STYLES[phase]
            ax.fill_between(x, 0, np.where(sel, live, np.nan), step="post", lw=0.6,
                            facecolor=_fill(color), edgecolor=OTHER["black"], hatch=hatch,
                            label=phase)
        if measured_bytes is not None:
            ax.axhline(measured_bytes[k] / 2**20, color=OTHER["black"], ls=":",
                       label="peak measured\nby tracemalloc")
        ax.set(xlabel="allocations and frees, in program order (count)",
               ylabel="live memory (MiB)", title=f"Memory during one step, b = {step.batch_size:,}")
    legend(timelines[-1])
    height = 0.8 / len(steps)
    y = np.arange(len(CATEGORIES))
    for k, step in enumerate(steps):
        values = np.array([step.breakdown[c] for c in CATEGORIES]) / 2**20
        color, hatch = STEP_STYLES[k]
        offset = (k - (len(steps) - 1) / 2) * height
        bars.barh(y + offset, values, height, color=OTHER[color], hatch=hatch,
                  edgecolor=OTHER["black"], lw=0.6, label=f"b = {step.batch_size:,}")
        for yy, v in zip(y + offset, values):
            if v == 0:
                bars.text(0, yy, " 0", va="center", ha="left", fontsize=8)
    empty = [all(st.breakdown[c] == 0 for st in steps) for c in CATEGORIES]
    bars.set_yticks(y, [f"{c}\n({CATEGORY_NOTES.get(c, '0 here')})" if e else c
                        for c, e in zip(CATEGORIES, empty)])
    bars.set(xlabel="alive at the peak (MiB)", ylabel="what the bytes hold (category)",
             title="What is alive at each peak")
    bars.invert_yaxis()
    legend(bars)
    return axes


def plot_search(trials, layer_dims, budget_bytes: int, dtype="float64", output="softmax",
                axes=None):
    """Three panels of a find_largest_batch search. trials: (batch size, ..., fitted) per
    trial, in order (SimulatedAllocator.trials or oom.LimitedSteps.trials). Left: each trial
    on the formula's curve of memory against b, with the limit and the formula's largest b;
    middle: the size tried at each trial; right: a zoom on the trials from the first failure
    on (the bisection), on a linear axis, where the markers of the other panels pile up.
    axes: three Axes or None. Returns the three Axes."""
    import matplotlib.pyplot as plt

    from .plotting import OTHER, plain_log_ticks

    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(15, 4), layout="constrained")
    ax1, ax2, ax3 = axes
    tried = np.array([t[0] for t in trials])
    ran = np.array([bool(t[-1]) for t in trials])
    number = np.arange(1, len(tried) + 1)

    def need(bs):
        return np.array([smallest_budget(layer_dims, int(v), dtype, output) for v in bs]) / 2**20

    curve_b = np.unique(np.geomspace(1, tried.max(), 200).astype(int))
    ax1.plot(curve_b, need(curve_b), color=OTHER["grey"],
             label="memory of one step,\nby the formula")
    ax1.axhline(budget_bytes / 2**20, color=OTHER["black"], ls="--", label="limit")
    first_fail = int(np.argmin(ran)) if not ran.all() else len(tried) - 1
    zoom = number > first_fail  # the trials from the first failure on (numbers start at 1)
    for ax, xs, ys, sel in ((ax1, tried, need(tried), number > 0), (ax2, number, tried, number > 0),
                            (ax3, number, tried, zoom)):
        ok, bad = sel & ran, sel & ~ran
        ax.plot(xs[ok], ys[ok], "o", color=OTHER["black"], mfc="white", mew=1.5,
                label="trial: ran")
        ax.plot(xs[bad], ys[bad], "x", color=OTHER["vermillion"], ms=8, mew=2,
                label="trial: out of memory")
    b_max = largest_batch(layer_dims, budget_bytes, dtype, output)
    for line in (ax1.axvline, ax2.axhline, ax3.axhline):
        line(b_max, color=OTHER["orange"], ls=":", label=f"formula: largest b = {b_max:,}")
    lo, hi = tried[zoom].min(), tried[zoom].max()
    ax2.axhspan(lo, hi, color=OTHER["light grey"], alpha=0.5, lw=0, zorder=0,
                label="range of the zoom")
    ax1.set(xscale="log", xlabel="mini-batch size b (examples)", ylabel="memory (MiB)",
            title="Each marker is one trial step")
    ax2.set(yscale="log", xlabel="trial (count)", ylabel="mini-batch size tried (examples)",
            title="Doubling, then bisection")
    ax3.set(xlabel="trial (count)", ylabel="mini-batch size tried (examples)",
            title="Zoom: the bisection, from the first failure")
    ax3.yaxis.set_major_formatter("{x:,.0f}")
    plain_log_ticks(ax1.xaxis)
    plain_log_ticks(ax2.yaxis)
    handles, labels = [], []
    for ax in (ax1, ax2):
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    ax3.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0,
               fontsize=8)
    return axes
