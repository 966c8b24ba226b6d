"""How long one training step takes, against the mini-batch size (claims C5 and C8).

All timings pin BLAS to one thread (threadpoolctl) and interleave the batch sizes round by
round, so a slow moment of the machine spreads over all sizes instead of biasing one.
"""

import time
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ._checks import check_int
from .data import one_hot


def seconds_per_call(fn, min_seconds: float = 0.05) -> float:
    """Mean seconds per call of fn(), over enough calls to last about min_seconds."""
    fn()  # warm-up: first-call allocations, caches
    n, elapsed = 1, 0.0
    while elapsed < min_seconds:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - t0
        if elapsed < min_seconds:
            n *= 2
    return elapsed / n


@dataclass
class StepTimes:
    """seconds[r, k]: repeat r of the per-step time at batch_sizes[k] (seconds per step)."""

    batch_sizes: np.ndarray
    seconds: np.ndarray

    @property
    def median(self) -> np.ndarray:
        """Median seconds per step, per batch size."""
        return np.median(self.seconds, axis=0)

    @property
    def per_example(self) -> np.ndarray:
        """Median seconds per example: step time / b."""
        return self.median / self.batch_sizes

    @property
    def throughput(self) -> np.ndarray:
        """Median examples per second."""
        return self.batch_sizes / self.median

    @property
    def rel_spread(self) -> np.ndarray:
        """Run-to-run noise per batch size: std / mean of the repeats."""
        return self.seconds.std(axis=0, ddof=1) / self.seconds.mean(axis=0)

    def size_reaching(self, fraction: float = 0.9) -> int:
        """The smallest batch size whose throughput reaches `fraction` of the peak."""
        tp = self.throughput
        return int(self.batch_sizes[np.argmax(tp >= fraction * tp.max())])


def random_batch(n_x: int, n_y: int, b: int, dtype, seed=0):
    """A random mini-batch X (n_x, b) and one-hot Y (n_y, b), laid out as the loaders and
    the mini-batch iterator lay them out (X example-major, Y in C order)."""
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n_x, b)).astype(dtype))
    Y = one_hot(rng.integers(0, n_y, b), n_y).astype(dtype) if n_y > 1 else (
        rng.random((1, b)) < 0.5).astype(dtype)
    return X, Y


def time_steps(make_model, batch_sizes, repeats: int = 5, min_seconds: float = 0.02,
               seed=0) -> StepTimes:
    """Time one training step (forward, cost, backward, update) at each batch size.

    make_model(): returns a fresh course_utils model; its layer_dims and dtype set the data.
    Returns StepTimes with `repeats` interleaved measurements per size.
    """
    batch_sizes = np.array([check_int("batch size", b) for b in batch_sizes])
    repeats = check_int("repeats", repeats, low=2)
    rng = np.random.default_rng(seed)
    steps = []
    for b in batch_sizes:
        model = make_model()
        X, Y = random_batch(model.layer_dims[0], model.layer_dims[-1], int(b), model.dtype)

        def step(model=model, X=X, Y=Y):
            _, grads = model.loss_and_grads(X, Y)
            model.update(grads, 1e-6)  # tiny rate: the parameters stay sane over many calls

        steps.append(step)
    seconds = np.empty((repeats, len(batch_sizes)))
    with threadpool_limits(1):
        for r in range(repeats):
            for k in rng.permutation(len(batch_sizes)):  # a new order every round
                seconds[r, k] = seconds_per_call(steps[k], min_seconds)
    return StepTimes(batch_sizes, seconds)


def step_breakdown(model, b: int = 1, min_seconds: float = 0.05, seed=0) -> dict:
    """Seconds spent in forward, cost, backward and update for one step at batch size b."""
    X, Y = random_batch(model.layer_dims[0], model.layer_dims[-1], b, model.dtype, seed)
    _, cache = model.forward(X)
    grads = model.backward(Y, cache)
    with threadpool_limits(1):
        return {
            "forward": seconds_per_call(lambda: model.forward(X), min_seconds),
            "cost": seconds_per_call(lambda: model.cost(Y, cache), min_seconds),
            "backward": seconds_per_call(lambda: model.backward(Y, cache), min_seconds),
            "update": seconds_per_call(lambda: model.update(grads, 0.0), min_seconds),
        }


def power_of_two_effect(times: StepTimes, groups) -> list[dict]:
    """For each group of sizes holding one power of two, e.g. (127, 128, 129), the power's
    advantage in time per example over the mean of its neighbours, in percent (positive:
    the power of two is faster), next to the run-to-run noise of those sizes, in percent."""
    index = {int(b): k for k, b in enumerate(times.batch_sizes)}
    per_ex, spread = times.per_example, times.rel_spread
    rows = []
    for group in groups:
        powers = [b for b in group if b & (b - 1) == 0]
        if len(powers) != 1:
            raise ValueError(f"each group needs exactly one power of two, got {group}")
        p = powers[0]
        others = [b for b in group if b != p]
        t_p = per_ex[index[p]]
        t_o = np.mean([per_ex[index[b]] for b in others])
        rows.append({
            "group": tuple(group),
            "power": p,
            "advantage_pct": 100 * (1 - t_p / t_o),
            "noise_pct": 100 * float(np.median([spread[index[b]] for b in group])),
        })
    return rows
