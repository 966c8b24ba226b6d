"""Memory: what one training step needs, in bytes, and the largest mini-batch that fits.

`step_memory` replays one course_utils training step (forward, cost, backward, update) array
by array, in the order the code allocates and frees them, and reports the peak with what is
alive at that moment. The textbook count ("Z and A per layer") misses that during backward the
gradient of one layer's activations and the next are alive together, next to every cached
activation, and comes out about 2x too small; the replay is checked against tracemalloc
(`measure_step_peak`) in the tests: within 5 % for every model, b = 1 ... 8192, once a step
needs more than ~8 KB. Below that (a few features at b <= 8) a few hundred bytes of Python
bookkeeping (dicts, tuples, floats), which the replay does not count, are 10-30 % of the step.

All sizes are in bytes. `layer_dims` is [n_x, n_1, ..., n_y] as for models.MLP.
"""

import math
import os
import sys
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

PRESETS = {  # labelled presets for well-known budgets, bytes
    "8 GB laptop (RAM)": 8 * 10**9,
    "16 GB GPU (e.g. V100 16 GB)": 16 * 10**9,
    "80 GB H100": 80 * 10**9,
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
