"""Out of memory, safely: training steps in a child process that has a hard memory limit.

Running a notebook out of memory for real is not safe: depending on the machine, every step
becomes far slower (the operating system swaps memory pages to disk) or the kernel is killed
(Linux's OOM killer; unsaved work is lost). Here a *child* process gets a hard limit on how
much memory it may map (RLIMIT_AS, Linux only), then makes a mini-batch and runs a few real
training steps of the course's MLP. Past the limit its allocation fails with MemoryError, as
a GPU step fails with an out-of-memory error when its 显存 (GPU memory) is full. The limit is
set in the child only, the notebook's kernel keeps running, and a timeout ends a child that
does not answer.

    result = run_steps_with_limit([784, 256, 10], batch_size=4096, limit_bytes=24 * 2**20)
    result.outcome   # "ran", "MemoryError", "killed by SIGKILL", "exit code 1" or "timed out"
    result.failed_at  # where a MemoryError came: "while making the mini-batch", "in step 1", ...

How the limit is made to match `memory.step_memory`: the child is forked from a fresh server
process (multiprocessing's "forkserver"), so it does not inherit the kernel's free heap; it
builds the model and warms it up (one forward and backward pass of the same layers and dtype,
and a large product, so that BLAS makes its buffers outside the limit, whatever BLAS and
kernel the machine has), then allows `limit_bytes` minus the parameters' bytes above the address
space it holds at that moment; and it asks glibc's malloc to map every allocation over
16 KiB afresh, so that every array of the step counts against the limit.
"""

import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from ..core.validate import (
    validate_float_dtype,
    validate_int,
    validate_layer_dims,
    validate_positive_float,
    validate_seed,
)

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
SMALL_ALLOCATION = 16 * 1024  # bytes: above this, every allocation gets its own mapping
MAX_TIMEOUT_S = 3600.0  # a child that runs an hour is stuck (and poll() overflows near 2**31 ms)
MAX_BATCH_BYTES = 2**62  # a mini-batch numpy could not even describe: refused before the child


_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def limit_supported() -> tuple[bool, str]:
    """(True, "") where a child process can be given a hard memory limit, else (False, why).

    Needs Linux with glibc: RLIMIT_AS is not enforced on macOS and absent on Windows."""
    if not sys.platform.startswith("linux"):
        return False, f"a hard memory limit (RLIMIT_AS) needs Linux; this is {sys.platform}"
    try:
        import ctypes
        import resource
    except ImportError:  # pragma: no cover - part of every Linux CPython
        return False, "the resource or ctypes module is missing"
    if not hasattr(resource, "RLIMIT_AS"):  # pragma: no cover
        return False, "this system has no address-space limit (RLIMIT_AS)"
    if not hasattr(ctypes.CDLL(None), "mallopt"):  # pragma: no cover - e.g. musl libc
        return False, "this Linux's C library has no mallopt (glibc is needed)"
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return False, "this Python cannot start a fork server"
    return True, ""


def own_limit() -> int | None:
    """This process's own address-space limit in bytes; None if unlimited or unknown."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    if not hasattr(resource, "RLIMIT_AS"):  # pragma: no cover
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft


@dataclass
class ChildResult:
    """What one child process did under its limit. Bytes and seconds."""

    batch_size: int
    limit_bytes: int
    outcome: str  # "ran", "MemoryError", "killed by SIGKILL", "exit code 1", "timed out"
    message: str = ""  # the error's own message, if any
    failed_at: str = ""  # a MemoryError: "while making the mini-batch" or "in step k"; else ""
    steps_done: int = 0
    step_seconds: list = field(default_factory=list)  # one per step that ran
    wall_seconds: float = 0.0  # from the child's start to its answer (or its end)

    @property
    def ran(self) -> bool:
        return self.outcome == "ran"


def _vm_size_bytes() -> int:
    """This process's address space now (VmSize of /proc/self/status), bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise OSError("/proc/self/status has no VmSize line")  # pragma: no cover


WARM_UP_WIDTH = 256  # a 256 x 256 x 256 product: past every BLAS's small-matrix path


def _warm_up_batch(layer_dims, limit_bytes, dtype) -> int:
    """A mini-batch size whose step takes well under limit_bytes: the activations, their
    gradients and the mini-batch, a few copies of sum(layer_dims) values per example."""
    per_example = 4 * sum(layer_dims) * np.dtype(dtype).itemsize
    return max(1, limit_bytes // per_example)


def _warm_up(model, batch_size):
    """Before the limit: one forward and backward pass of this model, in its dtype, and a
    product large enough for BLAS's regular path, so that whatever BLAS and kernel this
    machine has makes its buffers and caches now. Measured: OpenBLAS's SkylakeX kernels run
    small products without a buffer, so a small warm-up left the buffer to the first real
    step, inside the limit ("Memory allocation still failed"). The parameters are unchanged
    and every array made here is freed (unmapped) before the limit is set."""
    rng = np.random.default_rng(12345)
    n_x, n_y = model.layer_dims[0], model.layer_dims[-1]
    X = rng.standard_normal((n_x, batch_size)).astype(model.dtype)
    Y = np.zeros((n_y, batch_size), dtype=model.dtype)
    Y[0] = 1
    model.loss_and_grads(X, Y)
    for dtype in (np.float32, np.float64):
        a = np.ones((WARM_UP_WIDTH, WARM_UP_WIDTH), dtype=dtype)
        np.dot(a, a)


def _child(conn, layer_dims, batch_size, limit_bytes, dtype, steps, seed):
    """Runs in the child: set up, limit its own address space, then make the mini-batch and
    train; report back through conn (a dict, never an exception)."""
    import ctypes
    import resource

    from threadpoolctl import threadpool_limits

    from ..core.data import one_hot
    from ..core.models import MLP

    report = {"outcome": "ran", "message": "", "steps_done": 0, "step_seconds": [],
              "failed_at": ""}
    stage = "while setting up"  # where we are, for a MemoryError's report
    try:
        with threadpool_limits(1):  # one BLAS thread: no thread stacks made inside the limit
            ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, SMALL_ALLOCATION)
            model = MLP(layer_dims, output="softmax", dtype=dtype, seed=seed)
            _warm_up(model, min(batch_size, _warm_up_batch(layer_dims, limit_bytes, dtype)))
            param_bytes = sum(p.nbytes for p in model.params.values())
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = _vm_size_bytes() - param_bytes + limit_bytes  # parameters count too
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
            rng = np.random.default_rng(seed)
            stage = "while making the mini-batch"
            # drawn directly in the model's dtype: no float64 copy of the mini-batch
            X = rng.standard_normal((batch_size, layer_dims[0]), dtype=model.dtype).T  # (n_x, b)
            Y = one_hot(rng.integers(0, layer_dims[-1], batch_size), layer_dims[-1])
            Y = Y.astype(model.dtype)  # (n_y, b)
            for k in range(steps):
                stage = f"in step {k + 1}"
                t0 = time.perf_counter()
                _, grads = model.loss_and_grads(X, Y)
                model.update(grads, 0.01)
                del grads
                report["step_seconds"].append(time.perf_counter() - t0)
                report["steps_done"] += 1
    except MemoryError as err:  # leaving this block frees the failed step's arrays
        report.update(outcome="MemoryError", message=str(err), failed_at=stage)
    conn.send(report)
    conn.close()


def _signal_name(number: int) -> str:
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _validate_model(layer_dims, dtype):
    """[n_x, ..., n_y] with n_y >= 2 (a softmax output) and float32 or float64."""
    dims = validate_layer_dims("layer_dims", layer_dims)
    if dims[-1] < 2:
        raise ValueError(f"layer_dims must be [n_x, ..., n_y] with n_y >= 2 (a softmax "
                         f"output), got {layer_dims!r}")
    return dims, validate_float_dtype("dtype", dtype)


def _validate_timeout(timeout_s) -> float:
    timeout_s = validate_positive_float("timeout_s", timeout_s)
    if timeout_s > MAX_TIMEOUT_S:
        raise ValueError(f"timeout_s must be at most {MAX_TIMEOUT_S:g} s, got {timeout_s:g}")
    return timeout_s


def run_steps_with_limit(layer_dims, batch_size: int, limit_bytes: int, dtype="float32",
                         steps: int = 3, timeout_s: float = 60.0, seed=0) -> ChildResult:
    """Run `steps` training steps of MLP(layer_dims, softmax output) at this mini-batch size
    in a child process that may hold at most `limit_bytes` for the parameters, the mini-batch
    and everything the steps allocate (what memory.step_memory counts).

    Returns a ChildResult; whatever happens in the child, this does not raise. A child that
    has not answered after `timeout_s` seconds (at most MAX_TIMEOUT_S; the first call also
    starts the fork server, about a second) is killed: outcome "timed out". dtype: "float32"
    or "float64". Linux only (see limit_supported()); elsewhere this raises RuntimeError
    saying why. Bad arguments raise TypeError or ValueError here, before any child starts.
    """
    dims, dtype = _validate_model(layer_dims, dtype)
    b = validate_int("batch_size", batch_size)
    if (dims[0] + dims[-1]) * b * dtype.itemsize > MAX_BATCH_BYTES:
        raise ValueError(f"batch_size={b:,} makes a mini-batch of more than 2**62 bytes, "
                         f"which no machine can address")
    limit = validate_int("limit_bytes", limit_bytes)
    steps = validate_int("steps", steps)
    timeout_s = _validate_timeout(timeout_s)
    validate_seed("seed", seed)
    ok, why = limit_supported()
    if not ok:
        raise RuntimeError(f"run_steps_with_limit cannot limit a child's memory here: {why}")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["course_utils.measure.oom"])  # imported once, by the server
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, dims, b, limit, dtype.name, steps, seed),
                        daemon=True)
    t0 = time.perf_counter()
    # One BLAS thread from the start: the forkserver (started by the first child) and its
    # children read these at import. With numpy 1.26's OpenBLAS, a child whose BLAS pool
    # was sized for every core hung under the limit instead of raising MemoryError.
    saved = {k: os.environ.get(k) for k in _ONE_THREAD}
    os.environ.update(_ONE_THREAD)
    try:
        child.start()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    send.close()
    report, answered = None, False
    try:
        answered = receive.poll(timeout_s)
        if answered:
            report = receive.recv()
    except EOFError:  # the child died before it could answer
        report = None
    finally:
        receive.close()
    wall = time.perf_counter() - t0
    child.join(timeout=5.0 if answered else 0.1)
    if child.is_alive():
        child.kill()
        child.join()
    if report is not None:
        return ChildResult(b, limit, wall_seconds=wall, **report)
    if not answered:
        return ChildResult(b, limit, "timed out", f"no answer after {timeout_s:g} s",
                           wall_seconds=wall)
    code = child.exitcode
    outcome = f"killed by {_signal_name(-code)}" if code < 0 else f"exit code {code}"
    return ChildResult(b, limit, outcome, wall_seconds=wall)


class ChildOutOfMemory(MemoryError):
    """Raised by LimitedSteps.run_step when the child ran out of memory (or was killed)."""


class LimitedSteps:
    """Trial steps for memory.find_largest_batch: run_step(b) runs one real training step in
    a child process with a hard limit (run_steps_with_limit) and raises ChildOutOfMemory if
    the child runs out of memory or is killed, as a GPU step raises an out-of-memory error.

    trials: (batch size, fitted) per call, in order.
    """

    def __init__(self, limit_bytes: int, layer_dims, dtype="float32", timeout_s: float = 60.0):
        self.limit_bytes = validate_int("limit_bytes", limit_bytes)
        self.layer_dims, _ = _validate_model(layer_dims, dtype)
        self.dtype = dtype
        self.timeout_s = _validate_timeout(timeout_s)
        self.trials = []

    def run_step(self, batch_size: int) -> ChildResult:
        r = run_steps_with_limit(self.layer_dims, batch_size, self.limit_bytes, self.dtype,
                                 steps=1, timeout_s=self.timeout_s)
        if r.outcome == "timed out":
            raise RuntimeError(f"the trial step at batch size {batch_size} timed out "
                               f"after {self.timeout_s:g} s")
        self.trials.append((r.batch_size, r.ran))
        if not r.ran:
            raise ChildOutOfMemory(f"step at batch size {batch_size}: {r.outcome} "
                                   f"(limit {self.limit_bytes:,} bytes) {r.message}")
        return r


def compare_with_formula(results, fits) -> tuple[bool, list]:
    """Each child's outcome against what the formula said (fits: one bool per result), in
    plain words: (demonstrated, lines). demonstrated is False when some child neither ran nor
    ran out of memory (an error of this machine's BLAS, a signal, a timeout): then the
    demonstration could not run here, and the lines say so instead of comparing."""
    results, fits = list(results), list(fits)
    if len(results) != len(fits):
        raise ValueError(f"results and fits must be as long as each other, got "
                         f"{len(results)} and {len(fits)}")
    odd = [r for r in results if r.outcome not in ("ran", "MemoryError")]
    if odd:
        r = odd[0]
        return False, [f"The demonstration could not run on this machine: at b = "
                       f"{r.batch_size:,} the child ended with '{r.outcome}' "
                       f"{'after' if r.steps_done else 'before'} its first step, which is "
                       f"neither a finished step nor running out of memory. The formula's "
                       f"numbers above do not depend on it."]
    lines = []
    for r, fit in zip(results, fits):
        if r.ran:
            said = "as the formula says" if fit else "although the formula says it does not fit"
            lines.append(f"b = {r.batch_size:5,}: ran all {r.steps_done} steps, {said}")
        else:
            said = "as the formula says" if not fit else "although the formula says it fits"
            lines.append(f"b = {r.batch_size:5,}: ran out of memory {r.failed_at}, {said}")
    return True, lines
