"""How long one training step takes, against the mini-batch size (claims C5 and C8).

All timings pin BLAS to one thread (threadpoolctl) and interleave the batch sizes round by
round, so a slow moment of the machine spreads over all sizes instead of biasing one.

* `time_steps` -> `StepTimes`: seconds per step, every size, every round.
* `power_of_two_effect`: is p faster per example than p - 1 and p + 1, beyond the noise?
  (`power_of_two_effect_one_run` for data without repeats; `power_of_two_summary` for C8.)
* `plot_time_per_example`, `plot_throughput`: the figures of notebook 04.
"""

import time
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ._checks import check_int, check_positive_float
from .data import one_hot


def seconds_per_call(fn, min_seconds: float = 0.05, warm_up: bool = True) -> float:
    """Mean seconds per call of fn(), over enough calls to last about min_seconds.

    A warm-up call (first-call allocations, caches; skip it with warm_up=False if fn ran just
    before), then one timed call; if it lasted less than min_seconds, that call sets how many
    calls fill min_seconds, and those are timed together.
    """
    min_seconds = check_positive_float("min_seconds", min_seconds)
    if warm_up:
        fn()
    t0 = time.perf_counter()
    fn()
    one = time.perf_counter() - t0
    if one >= min_seconds:
        return one
    n = int(np.ceil(min_seconds / max(one, 1e-9)))
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


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

    @property
    def per_example_spread(self) -> np.ndarray:
        """Run-to-run spread of the seconds per example: (2, n_sizes), the lowest and the
        highest of the repeats."""
        per_ex = self.seconds / self.batch_sizes
        return np.stack([per_ex.min(axis=0), per_ex.max(axis=0)])

    def size_reaching(self, fraction: float = 0.9) -> int:
        """The smallest batch size whose (median) throughput reaches `fraction` of the peak."""
        tp = self.throughput
        return int(self.batch_sizes[np.argmax(tp >= fraction * tp.max())])

    def size_reaching_each_repeat(self, fraction: float = 0.9) -> np.ndarray:
        """size_reaching computed from each repeat alone: one batch size per repeat, to show
        how much the answer moves from run to run."""
        tp = self.batch_sizes / self.seconds  # (repeats, n_sizes)
        first = np.argmax(tp >= fraction * tp.max(axis=1, keepdims=True), axis=1)
        return self.batch_sizes[first]


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
        for step in steps:
            step()  # warm-up, once per size
        for r in range(repeats):
            for k in rng.permutation(len(batch_sizes)):  # a new order every round
                seconds[r, k] = seconds_per_call(steps[k], min_seconds, warm_up=False)
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


def _check_group(group) -> int:
    powers = [b for b in group if b & (b - 1) == 0]
    if len(group) != 3 or len(powers) != 1 or sorted(group)[1] != powers[0]:
        raise ValueError(f"each group must be three sizes with a power of two in the middle, "
                         f"e.g. (127, 128, 129); got {tuple(group)}")
    return powers[0]


def power_of_two_effect(times: StepTimes, groups) -> list[dict]:
    """Is a power of two faster per example than its two neighbours, beyond the noise?

    groups: triples with a power of two in the middle, e.g. (127, 128, 129) or (112, 128, 144).
    For each group and each repeat (round) r, the power's advantage in time per example over
    the mean of its neighbours, in percent (positive: the power of two is faster). Returns one
    dict per group: "group", "power", "rounds_pct" (the advantage in each round),
    "advantage_pct" (their median), "noise_pct" (their standard deviation: how much the
    advantage itself moves from run to run) and "verdict": "tie" when |advantage| <= 2 x noise
    ("no measurable effect"), else "power of 2 faster" or "power of 2 slower".
    """
    index = {int(b): k for k, b in enumerate(times.batch_sizes)}
    per_ex = times.seconds / times.batch_sizes  # (repeats, n_sizes)
    rows = []
    for group in groups:
        p = _check_group(group)
        missing = [b for b in group if b not in index]
        if missing:
            raise ValueError(f"sizes {missing} of group {tuple(group)} were not timed")
        lo, hi = (b for b in group if b != p)
        t_neighbours = (per_ex[:, index[lo]] + per_ex[:, index[hi]]) / 2
        rounds = 100 * (1 - per_ex[:, index[p]] / t_neighbours)
        advantage = float(np.median(rounds))
        noise = float(np.std(rounds, ddof=1))
        rows.append({"group": tuple(group), "power": p, "rounds_pct": rounds,
                     "advantage_pct": advantage, "noise_pct": noise,
                     "verdict": _verdict(advantage, noise)})
    return rows


def power_of_two_effect_one_run(batch_sizes, step_seconds, groups) -> list[dict]:
    """power_of_two_effect for measurements without repeats (one time per size).

    With one run there is no run-to-run spread; the noise stands in as the gap between the
    two neighbours themselves (|t(p-1) - t(p+1)| per example, in percent of their mean):
    they differ by two examples, so without noise their times per example would be nearly
    equal. The verdict uses the same rule: "tie" when |advantage| <= 2 x that gap.
    """
    at = {int(b): float(t) for b, t in zip(batch_sizes, step_seconds)}
    rows = []
    for group in groups:
        p = _check_group(group)
        if any(b not in at for b in group):
            continue  # not measured: skipped
        lo, hi = (b for b in group if b != p)
        e_lo, e_p, e_hi = at[lo] / lo, at[p] / p, at[hi] / hi
        mean = (e_lo + e_hi) / 2
        advantage = 100 * (1 - e_p / mean)
        noise = 100 * abs(e_lo - e_hi) / mean
        rows.append({"group": tuple(group), "power": p, "advantage_pct": advantage,
                     "noise_pct": noise, "verdict": _verdict(advantage, noise)})
    return rows


def power_of_two_summary(odd_rows, aligned_rows) -> str:
    """One verdict for claim C8 from power_of_two_effect rows of the same powers against odd
    neighbours (p - 1, p + 1) and against aligned ones (e.g. p - 16, p + 16)."""
    aligned = {r["power"]: r for r in aligned_rows}
    faster = [r for r in odd_rows if r["verdict"] == "power of 2 faster"]
    if not faster:
        return ("no power of two was measurably faster than its odd neighbours "
                "(a tie or slower in every group): C8 not confirmed")
    beyond = [r for r in faster
              if aligned.get(r["power"], {}).get("verdict") == "power of 2 faster"]
    names = ", ".join(f"{r['power']:,}" for r in faster)
    if not beyond:
        return (f"faster than odd neighbours at p = {names}, but never faster than neighbours "
                "that are multiples of 16: the gain is alignment, not powers of two")
    return ("faster than both odd and multiple-of-16 neighbours at p = "
            + ", ".join(f"{r['power']:,}" for r in beyond) + ": a power-of-two effect here")


def _verdict(advantage_pct: float, noise_pct: float) -> str:
    """The course's rule: an effect counts only when it is more than twice the noise."""
    if abs(advantage_pct) <= 2 * noise_pct:
        return "tie"
    return "power of 2 faster" if advantage_pct > 0 else "power of 2 slower"


def plot_time_per_example(times: StepTimes, ax=None, label: str = "this machine", **legend_kw):
    """Median time per example against the batch size (log-log, plain ticks), over a band from
    the lowest to the highest repeat. legend_kw go to plotting.legend. Returns the Axes."""
    import matplotlib.pyplot as plt  # here, not at the top: timing never needs matplotlib

    from .plotting import OTHER, legend, plain_log_ticks

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    lo, hi = times.per_example_spread * 1e6
    ax.fill_between(times.batch_sizes, lo, hi, color=OTHER["light grey"],
                    label=f"spread: lowest to highest of {len(times.seconds)} rounds")
    ax.plot(times.batch_sizes, times.per_example * 1e6, "o-", color=OTHER["black"],
            label=f"median, {label}")
    ax.set(xscale="log", yscale="log", xlabel="mini-batch size b (examples)",
           ylabel="time per example (µs)")
    plain_log_ticks(ax.xaxis)
    plain_log_ticks(ax.yaxis)
    legend(ax, **legend_kw)
    return ax


def plot_throughput(times: StepTimes, references=None, fraction: float = 0.9, ax=None,
                    label: str = "this machine", **legend_kw):
    """Throughput against the batch size, each device divided by its own peak, with the
    `fraction` of the peak and the first size of `times` that reaches it.

    references: {label: (batch sizes, examples per second)} drawn next to `times`, e.g. the
    course's H100 measurements. legend_kw go to plotting.legend. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    from .plotting import OTHER, legend, plain_log_ticks

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    ax.plot(times.batch_sizes, times.throughput / times.throughput.max(), "o-",
            color=OTHER["black"], label=label)
    for (name, (batch, per_s)), color, marker in zip((references or {}).items(),
                                                    ("orange", "vermillion", "grey"), "sdv"):
        per_s = np.asarray(per_s, float)
        ax.plot(batch, per_s / per_s.max(), ls="-", marker=marker, ms=3, color=OTHER[color],
                label=name)
    b_f = times.size_reaching(fraction)
    ax.axhline(fraction, color=OTHER["grey"], ls=":", label=f"{fraction:.0%} of the peak")
    ax.axvline(b_f, color=OTHER["sky"], ls="--", label=f"{label}: {fraction:.0%} at b = {b_f:,}")
    ax.set(xscale="log", xlabel="mini-batch size b (examples)",
           ylabel="throughput / the device's own peak (fraction)")
    plain_log_ticks(ax.xaxis)
    legend(ax, **legend_kw)
    return ax
