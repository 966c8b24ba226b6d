"""How long one training step takes, against the mini-batch size (claims C5 and C8).

All timings pin BLAS to one thread (threadpoolctl) and interleave the batch sizes, so a slow
moment of the machine spreads over all sizes instead of biasing one. Each round keeps, for
every size, the fastest of a few interleaved measurements: other programs can only add time
to a measurement, never remove it.

* `time_steps` -> `StepTimes`: seconds per step, every size, every round.
* `power_of_two_effect`: is p faster per example than p - 1 and p + 1, beyond the noise?
  (`power_of_two_effect_one_run` for data without repeats; `power_of_two_summary` for C8;
  `format_effect` and `count_verdicts` to print them.)
* `plot_time_per_example`, `plot_throughput`, `plot_power_of_two`: the figures of notebook 04;
  `log_ticks` labels a log axis with plain numbers (1, 2, 5, 10, 20, ...).
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
        """The smallest batch size from which the (median) throughput stays at or above
        `fraction` of the peak at every size up to the peak's: a high point followed by a
        dip below the line does not count. Always defined: the peak itself qualifies."""
        return int(self.batch_sizes[_first_staying_above(self.throughput, fraction)])

    def size_reaching_each_repeat(self, fraction: float = 0.9) -> np.ndarray:
        """size_reaching computed from each repeat alone: one batch size per repeat, to show
        how much the answer moves from run to run."""
        tp = self.batch_sizes / self.seconds  # (repeats, n_sizes)
        return np.array([self.batch_sizes[_first_staying_above(row, fraction)] for row in tp])


def _first_staying_above(throughput, fraction: float) -> int:
    """Index of the first size from which every throughput up to the peak's size is
    >= fraction x the peak."""
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction must be between 0 and 1 (of the peak), got {fraction!r}")
    throughput = np.asarray(throughput)
    peak = int(np.argmax(throughput))
    below = np.flatnonzero(throughput[:peak] < fraction * throughput[peak])
    return int(below[-1] + 1) if below.size else 0


def random_batch(n_x: int, n_y: int, b: int, dtype, seed=0):
    """A random mini-batch X (n_x, b) and one-hot Y (n_y, b), laid out as the loaders and
    the mini-batch iterator lay them out (X example-major, Y in C order)."""
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n_x, b)).astype(dtype))
    Y = one_hot(rng.integers(0, n_y, b), n_y).astype(dtype) if n_y > 1 else (
        rng.random((1, b)) < 0.5).astype(dtype)
    return X, Y


def time_steps(make_model, batch_sizes, repeats: int = 5, min_seconds: float = 0.002,
               seed=0, calls: int = 1) -> StepTimes:
    """Time one training step (forward, cost, backward, update) at each batch size.

    make_model(): returns a fresh course_utils model; its layer_dims and dtype set the data.
    Each of the `repeats` rounds makes `calls` passes over all sizes, each pass in a new
    random order; one measurement is `seconds_per_call(step, min_seconds)`. A round keeps each
    size's fastest pass (other programs only ever add time), so that with calls >= 2 one
    interruption does not decide a round. Returns StepTimes with `repeats` rounds per size.
    """
    batch_sizes = np.array([check_int("batch size", b) for b in batch_sizes])
    repeats = check_int("repeats", repeats, low=2)
    calls = check_int("calls", calls)
    rng = np.random.default_rng(seed)
    steps = []
    for b in batch_sizes:
        model = make_model()
        X, Y = random_batch(model.layer_dims[0], model.layer_dims[-1], int(b), model.dtype)

        def step(model=model, X=X, Y=Y):
            _, grads = model.loss_and_grads(X, Y)
            model.update(grads, 1e-6)  # tiny rate: the parameters stay sane over many calls

        steps.append(step)
    seconds = np.full((repeats, len(batch_sizes)), np.inf)
    with threadpool_limits(1):
        for step in steps:
            step()  # warm-up, once per size
        for r in range(repeats):
            for _ in range(calls):
                for k in rng.permutation(len(batch_sizes)):  # a new order every pass
                    t = seconds_per_call(steps[k], min_seconds, warm_up=False)
                    seconds[r, k] = min(seconds[r, k], t)
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
    advantage itself moves from run to run), "detectable_pct" (2 x noise: the smallest
    advantage the rule can tell from noise) and "verdict": "tie" when |advantage| <= 2 x noise
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
                     "detectable_pct": 2 * noise, "verdict": _verdict(advantage, noise)})
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
                     "noise_pct": noise, "detectable_pct": 2 * noise,
                     "verdict": _verdict(advantage, noise)})
    return rows


def power_of_two_summary(odd_rows, aligned_rows) -> str:
    """One verdict for claim C8 from power_of_two_effect rows of the same powers against odd
    neighbours (p - 1, p + 1) and against aligned ones (e.g. p - 16, p + 16).

    When no power of two is measurably faster, it says how large an effect could have been
    detected (2 x the noise of each odd group): a tie at a large noise is no evidence either way.
    """
    aligned = {r["power"]: r for r in aligned_rows}
    faster = [r for r in odd_rows if r["verdict"] == "power of 2 faster"]
    if not faster:
        lo, hi = (f(r["detectable_pct"] for r in odd_rows) for f in (min, max))
        return ("no power of two was measurably faster than its odd neighbours (a tie or slower "
                "in every group): no effect detectable at this noise level; an effect smaller "
                f"than 2 x the noise ({lo:.0f} % to {hi:.0f} % here, by group) would be missed")
    beyond = [r for r in faster
              if aligned.get(r["power"], {}).get("verdict") == "power of 2 faster"]
    names = ", ".join(f"{r['power']:,}" for r in faster)
    if not beyond:
        return (f"faster than odd neighbours at p = {names}, but not measurably faster than "
                "neighbours that are multiples of 16: the gain looks like alignment, not a "
                "power-of-two effect")
    return ("faster than both odd and multiple-of-16 neighbours at p = "
            + ", ".join(f"{r['power']:,}" for r in beyond) + ": a power-of-two effect here")


def format_effect(row: dict) -> str:
    """One row of power_of_two_effect(_one_run) as text: the group, the advantage, the noise
    and the verdict, e.g. "(127, 128, 129)      +1.2 %    3.4 %   tie"."""
    return (f"{str(row['group']):20s} {row['advantage_pct']:+6.1f} %  {row['noise_pct']:6.1f} %"
            f"   {row['verdict']}")


def count_verdicts(rows) -> dict:
    """How many rows got each verdict: {"power of 2 faster": n, "power of 2 slower": n,
    "tie": n}."""
    return {v: sum(r["verdict"] == v for r in rows)
            for v in ("power of 2 faster", "power of 2 slower", "tie")}


def _verdict(advantage_pct: float, noise_pct: float) -> str:
    """The course's rule: an effect counts only when it is more than twice the noise."""
    if abs(advantage_pct) <= 2 * noise_pct:
        return "tie"
    return "power of 2 faster" if advantage_pct > 0 else "power of 2 slower"


def log_ticks(axis, values, steps=None, max_ticks: int = 9, beyond: bool = True) -> list:
    """Label a log axis with plain numbers and no minor ticks; returns the ticks.

    The ticks are s x 10^k for s in `steps` (default: the first of (1, 2, 5), (1, 3) and
    (1,) giving at most max_ticks), from the last one at or below the smallest positive
    value to the first one at or above the largest, so a label lies beyond the data at both
    ends (the axis widens to show it). beyond=False keeps only ticks inside the data's range
    (for an axis of sizes, say, that should end at the largest size). Call after the axis
    scale is set.
    """
    from matplotlib.ticker import NullLocator

    v = np.asarray(values, float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        raise ValueError("values must hold at least one finite number > 0")
    lo, hi = v.min() * (1 + 1e-9), v.max() * (1 - 1e-9)  # a value on a tick is that tick
    decades = range(int(np.floor(np.log10(lo))) - 1, int(np.ceil(np.log10(hi))) + 1)
    for s in [steps] if steps else [(1, 2, 5), (1, 3), (1,)]:
        grid = sorted(float(f"{c * 10.0**k:.6g}") for k in decades for c in s)
        first = max(t for t in grid if t <= lo)
        last = min(t for t in grid if t >= hi)
        inside = [t for t in grid if v.min() * (1 - 1e-9) <= t <= v.max() * (1 + 1e-9)]
        ticks = inside if not beyond and inside else [t for t in grid if first <= t <= last]
        if len(ticks) <= max_ticks:
            break
    axis.set_ticks(ticks, labels=[f"{t:,.0f}" if t >= 1 else f"{t:g}" for t in ticks])
    axis.set_minor_locator(NullLocator())
    return ticks


def plot_time_per_example(times: StepTimes, ax=None, label: str = "this machine", **legend_kw):
    """Median time per example against the batch size (log-log, plain ticks), over a band from
    the lowest to the highest repeat. legend_kw go to plotting.legend. Returns the Axes."""
    import matplotlib.pyplot as plt  # here, not at the top: timing never needs matplotlib

    from .plotting import OTHER, legend

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    lo, hi = times.per_example_spread * 1e6
    ax.fill_between(times.batch_sizes, lo, hi, color=OTHER["light grey"],
                    label=f"spread: lowest to highest of {len(times.seconds)} rounds")
    ax.plot(times.batch_sizes, times.per_example * 1e6, "o-", color=OTHER["black"],
            label=f"median, {label}")
    ax.set(xscale="log", yscale="log", xlabel="mini-batch size b (examples)",
           ylabel="time per example (µs)")
    log_ticks(ax.xaxis, times.batch_sizes, steps=(1,), beyond=False)
    log_ticks(ax.yaxis, np.concatenate([lo, hi]))
    legend(ax, **legend_kw)
    return ax


def plot_throughput(times: StepTimes, references=None, fraction: float = 0.9, ax=None,
                    label: str = "this machine", **legend_kw):
    """Throughput against the batch size, each curve divided by its own peak (so curves of
    different devices and networks compare in shape, not in height), with the `fraction` of
    the peak and, circled, the size of `times` from which it stays above it (size_reaching).

    references: {label: (batch sizes, examples per second)} drawn next to `times`, e.g. the
    course's H100 measurements. Each legend entry gives that curve's own peak.
    legend_kw go to plotting.legend. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    from .plotting import OTHER, legend

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    tp = times.throughput
    ax.plot(times.batch_sizes, tp / tp.max(), "o-", color=OTHER["black"],
            label=f"{label} (peak {tp.max():,.0f} examples/s)")
    all_b = [times.batch_sizes]
    for (name, (batch, per_s)), color, marker, ls in zip(
            (references or {}).items(), ("orange", "vermillion", "grey"), "sdv", ("--", "-.", ":")):
        per_s = np.asarray(per_s, float)
        ax.plot(batch, per_s / per_s.max(), ls=ls, marker=marker, ms=3, color=OTHER[color],
                label=f"{name} (peak {per_s.max():,.0f} examples/s)")
        all_b.append(np.asarray(batch))
    b_f = times.size_reaching(fraction)
    ax.axhline(fraction, color=OTHER["grey"], ls=":", lw=1, label=f"{fraction:.0%} of each peak")
    k = int(np.flatnonzero(times.batch_sizes == b_f)[0])
    ax.plot(b_f, tp[k] / tp.max(), "o", ms=13, mfc="none", mec=OTHER["black"], mew=1.5,
            label=f"{label}: at or above {fraction:.0%} from b = {b_f:,} on")
    ax.set(xscale="log", xlabel="mini-batch size b (examples)",
           ylabel="throughput / that curve's own peak (fraction)")
    log_ticks(ax.xaxis, np.concatenate(all_b), steps=(1,), beyond=False)
    legend(ax, **legend_kw)
    return ax


def plot_power_of_two(series, ax=None, **legend_kw):
    """Each power of two's advantage over its neighbours, with error bars of 2 x noise (a bar
    across 0 is a tie). series: list of (rows from power_of_two_effect(_one_run), label);
    each series gets its own colour and marker, shifted a little sideways so bars do not
    overlap. Returns the Axes."""
    import matplotlib.pyplot as plt

    from .plotting import OTHER, legend

    if ax is None:
        _, ax = plt.subplots(figsize=(11, 4.2), layout="constrained")
    looks = [("black", "o"), ("grey", "s"), ("orange", "d"), ("vermillion", "v")]
    if len(series) > len(looks):
        raise ValueError(f"series must hold at most {len(looks)} entries, got {len(series)}")
    shifts = np.linspace(-0.15, 0.15, len(series)) if len(series) > 1 else [0.0]
    powers = sorted({r["power"] for rows, _ in series for r in rows})
    for (rows, label), (color, marker), shift in zip(series, looks, shifts):
        ax.errorbar(np.log2([r["power"] for r in rows]) + shift,
                    [r["advantage_pct"] for r in rows], yerr=[r["detectable_pct"] for r in rows],
                    fmt=marker, color=OTHER[color], capsize=3, label=label)
    ax.axhline(0, color=OTHER["light grey"], lw=1, zorder=0)
    ax.set_xticks(np.log2(powers), [f"{p:,}" for p in powers])
    ax.set(xlabel="power of two p (examples)", ylabel="advantage of p over its neighbours (%)")
    legend(ax, **legend_kw)
    return ax
