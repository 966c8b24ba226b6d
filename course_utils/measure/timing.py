"""How long one training step takes, against the mini-batch size (claims C5 and C8).

All timings pin BLAS to one thread (threadpoolctl) and interleave the batch sizes, so a slow
moment of the machine spreads over all sizes instead of biasing one. Each round keeps, for
every size, the fastest of a few interleaved measurements: other programs can only add time
to a measurement, never remove it.

* `time_steps` -> `StepTimes`: seconds per step, every size, every round.
* `power_of_two_effect`: is p faster per example than p - 1 and p + 1, beyond the noise?
  (`power_of_two_effect_one_run` for data without repeats; `power_of_two_summary` and
  `c8_verdict_lines` for C8;
  `pooled_advantage` and `pooled_verdict` for all groups together; `format_effect` and
  `count_verdicts` to print them; `robust_spread`, the noise of the rounds.)
* Their figures are in plots/timing_plots.py.
"""

import copy
import math
import time
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ..core.data import random_batch
from ..core.validate import (
    validate_bool,
    validate_callable,
    validate_instance,
    validate_int,
    validate_real,
    validate_seed,
    validate_sizes,
    validate_values,
)

__all__ = [
    "StepTimes", "c8_verdict_lines", "count_verdicts", "format_effect", "pooled_advantage",
    "pooled_verdict", "power_of_two_effect", "power_of_two_effect_one_run", "power_of_two_summary",
    "robust_spread", "seconds_per_call", "step_breakdown", "time_steps",
]

MAX_SECONDS = 60.0  # the longest min_seconds a measurement may ask for (s)


def seconds_per_call(fn, min_seconds: float = 0.05, warm_up: bool = True) -> float:
    """Mean seconds per call of fn(), over enough calls to last about min_seconds.

    A warm-up call (first-call allocations, caches; skip it with warm_up=False if fn ran just
    before), then one timed call; if it lasted less than min_seconds, that call sets how many
    calls fill min_seconds, and those are timed together. min_seconds: > 0 and at most
    MAX_SECONDS (60 s), so that no measurement runs for long.
    """
    validate_callable("fn", fn)
    min_seconds = validate_real("min_seconds", min_seconds, low=0, high=MAX_SECONDS,
                                low_open=True)
    if validate_bool("warm_up", warm_up):
        fn()
    t0 = time.perf_counter()
    fn()
    one = time.perf_counter() - t0
    if one >= min_seconds:
        return one
    n = math.ceil(min_seconds / max(one, 1e-9))
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


@dataclass
class StepTimes:
    """seconds[r, k]: repeat r of the per-step time at batch_sizes[k] (seconds per step).

    batch_sizes: (n_sizes,) whole numbers >= 1 in increasing order (ints, or floats such as
    1.0, 2.0 as a loaded file holds them); seconds: (repeats, n_sizes), finite times > 0.
    """

    batch_sizes: np.ndarray
    seconds: np.ndarray

    def __post_init__(self):
        self.batch_sizes = np.asarray(self.batch_sizes)
        self.seconds = np.asarray(self.seconds)
        self.validate()

    def validate(self) -> list[int]:
        """Raise unless batch_sizes are whole numbers >= 1 in increasing order and seconds is
        (repeats, sizes) of finite times > 0; returns the sizes as ints. Run when made, and
        again by readers (its arrays may have been replaced since)."""
        b = validate_values("batch_sizes", np.ravel(self.batch_sizes), low=1)
        if np.ndim(self.batch_sizes) != 1 or not np.all(b == np.round(b)) \
                or not np.all(np.diff(b) > 0):
            raise ValueError(f"batch_sizes must be whole numbers in increasing order, got "
                             f"{b.tolist()}")
        seconds = np.asarray(self.seconds)
        if seconds.ndim != 2 or seconds.shape[1] != b.size or not len(seconds):
            raise ValueError(f"seconds must have shape (repeats, {b.size}), one column per batch "
                             f"size, got {seconds.shape}")
        if seconds.dtype.kind not in "iuf" or not np.all(np.isfinite(seconds) & (seconds > 0)):
            raise ValueError("seconds must hold finite times > 0 (seconds per step), got "
                             f"dtype {seconds.dtype}, smallest {seconds.min()!r}")
        return [int(x) for x in b]

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
        """Run-to-run noise per batch size: std / mean of the repeats (at least 2)."""
        _validate_repeats(self, "rel_spread")
        return self.seconds.std(axis=0, ddof=1) / self.seconds.mean(axis=0)

    @property
    def per_example_spread(self) -> np.ndarray:
        """Run-to-run spread of the seconds per example: (2, n_sizes), the lowest and the
        highest of the repeats."""
        per_ex = self.seconds / self.batch_sizes
        return np.stack([per_ex.min(axis=0), per_ex.max(axis=0)])

    def size_reaching(self, fraction: float = 0.9) -> int | None:
        """The smallest batch size from which the (median) throughput stays at or above
        `fraction` of its peak at every larger size timed: a high point followed by a dip
        below the line does not count, before the peak or after it. None when the largest
        size is itself below the line (no size from which it stays above)."""
        k = _first_staying_above(self.throughput, fraction)
        return None if k is None else int(self.batch_sizes[k])

    def size_reaching_each_repeat(self, fraction: float = 0.9) -> list:
        """size_reaching computed from each repeat alone: one batch size (or None) per
        repeat, to show how much the answer moves from run to run."""
        tp = self.batch_sizes / self.seconds  # (repeats, n_sizes)
        return [None if k is None else int(self.batch_sizes[k])
                for k in (_first_staying_above(row, fraction) for row in tp)]


def _validate_repeats(times: StepTimes, what: str) -> None:
    if len(times.seconds) < 2:
        raise ValueError(f"{what} needs at least 2 repeats (rounds) to measure noise, got "
                         f"{len(times.seconds)}")


def _first_staying_above(throughput, fraction: float) -> int | None:
    """Index of the first size from which every throughput, to the last size, is
    >= fraction x the peak (fraction: of the peak, between 0 and 1); None if the last is not."""
    fraction = validate_real("fraction", fraction, low=0, high=1)
    throughput = np.asarray(throughput)
    below = np.flatnonzero(throughput < fraction * throughput.max())
    if not below.size:
        return 0
    return None if below[-1] == throughput.size - 1 else int(below[-1] + 1)


def time_steps(make_model, batch_sizes, repeats: int = 5, min_seconds: float = 0.002,
               seed=0, calls: int = 1) -> StepTimes:
    """Time one training step (forward, cost, backward, update) at each batch size.

    make_model(): returns a fresh course_utils model; its layer_dims and dtype set the data.
    Each of the `repeats` rounds makes `calls` passes over all sizes, each pass in a new
    random order; one measurement is `seconds_per_call(step, min_seconds)`. A round keeps each
    size's fastest pass (other programs only ever add time), so that with calls >= 2 one
    interruption does not decide a round. batch_sizes: increasing, none twice; repeats >= 2
    (the noise needs two). Returns StepTimes with `repeats` rounds per size.
    """
    validate_callable("make_model", make_model)
    batch_sizes = np.array(validate_sizes("batch_sizes", batch_sizes, increasing=True))
    repeats = validate_int("repeats", repeats, low=2)
    calls = validate_int("calls", calls)
    min_seconds = validate_real("min_seconds", min_seconds, low=0, high=MAX_SECONDS, low_open=True)
    validate_seed("seed", seed)
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


def step_breakdown(model, batch_size: int = 1, min_seconds: float = 0.05, seed=0) -> dict:
    """Seconds spent in forward, cost, backward and update for one step at `batch_size`."""
    b = validate_int("batch_size", batch_size)
    X, Y = random_batch(model.layer_dims[0], model.layer_dims[-1], b, model.dtype, seed)
    _, cache = model.forward(X)
    grads = model.backward(Y, cache)
    scratch = copy.deepcopy(model)
    with threadpool_limits(1):
        return {
            "forward": seconds_per_call(lambda: model.forward(X), min_seconds),
            "cost": seconds_per_call(lambda: model.cost(Y, cache), min_seconds),
            "backward": seconds_per_call(lambda: model.backward(Y, cache), min_seconds),
            # on a copy: an update must move the parameters (a rate of 0 is refused), and
            # the caller's model stays as it was
            "update": seconds_per_call(lambda: scratch.update(grads, 1e-3), min_seconds),
        }


def _validate_group(group) -> int:
    group = validate_sizes("group", group)
    powers = [b for b in group if b & (b - 1) == 0]
    if len(group) != 3 or len(powers) != 1 or sorted(group)[1] != powers[0]:
        raise ValueError(f"each group must be three sizes with a power of two in the middle, "
                         f"e.g. (127, 128, 129); got {tuple(group)}")
    return powers[0]


def robust_spread(values) -> float:
    """1.4826 x the median absolute deviation of values from their median: the standard
    deviation for normally distributed values, but one outlier (a round disturbed by another
    program) barely moves it. values: two or more finite numbers."""
    x = np.asarray(values, dtype=float).ravel()
    if x.size < 2 or not np.all(np.isfinite(x)):
        raise ValueError(f"values must hold two or more finite numbers, got {x.tolist()}")
    return float(1.4826 * np.median(np.abs(x - np.median(x))))


def power_of_two_effect(times: StepTimes, groups) -> list[dict]:
    """Is a power of two faster per example than its two neighbours, beyond the noise?

    groups: triples with a power of two in the middle, e.g. (127, 128, 129) or (112, 128, 144).
    For each group and each repeat (round) r, the power's advantage in time per example, in
    percent (positive: the power of two is faster), over the straight line through its
    neighbours' step times: 1 - t(p) / ((t(p - d) + t(p + d)) / 2) for neighbours p ± d.
    Averaging the neighbours' times *per example* instead would favour p, because time per
    example, fixed / b + per-example cost, is convex in b: by about d² / p² of the fixed
    share (some 2 % at p = 64, d = 16 on a laptop). A step time that is a straight line in b
    (no power-of-two effect) gives exactly 0 here. Returns one
    dict per group: "group", "power", "rounds_pct" (the advantage in each round),
    "advantage_pct" (their median), "noise_pct" (their robust spread: 1.4826 x the median
    absolute deviation from that median, which equals the standard deviation for normal noise
    but, unlike it, is not inflated by one disturbed round), "detectable_pct" (2 x noise:
    the smallest advantage the rule can tell from noise) and "verdict": "tie" when
    |advantage| <= 2 x noise
    ("no measurable effect"), else "power of 2 faster" or "power of 2 slower".
    """
    validate_instance("times", times, StepTimes)
    _validate_repeats(times, "power_of_two_effect")
    groups = _validate_groups(groups)
    index = {int(b): k for k, b in enumerate(times.batch_sizes)}
    t = times.seconds  # (repeats, n_sizes)
    rows = []
    for group in groups:
        p = _validate_group(group)
        missing = [b for b in group if b not in index]
        if missing:
            raise ValueError(f"sizes {missing} of group {tuple(group)} were not timed")
        lo, hi = (b for b in group if b != p)
        if hi - p != p - lo:
            raise ValueError(f"the neighbours must lie the same distance from p, e.g. "
                             f"(112, 128, 144); got {tuple(group)}")
        t_line = (t[:, index[lo]] + t[:, index[hi]]) / 2  # the straight line's t(p)
        rounds = 100 * (1 - t[:, index[p]] / t_line)
        advantage = float(np.median(rounds))
        noise = robust_spread(rounds)
        rows.append({"group": tuple(group), "power": p, "rounds_pct": rounds,
                     "advantage_pct": advantage, "noise_pct": noise,
                     "detectable_pct": 2 * noise, "verdict": _verdict(advantage, noise)})
    return rows


def power_of_two_effect_one_run(batch_sizes, step_seconds, groups) -> list[dict]:
    """power_of_two_effect for measurements without repeats (one time per size).

    With one run there is no run-to-run spread. The gap between the two neighbours
    themselves (|t(p-1) - t(p+1)| per example, in percent of their mean) stands in for it,
    but it is not noise alone: where a step's time jumps at some sizes (tile quantisation),
    that gap *is* the effect being looked for. So the verdict is "cannot tell" when
    |advantage| <= 2 x that gap (never "tie"), else "power of 2 faster" or "slower".
    (Neighbours p ± 1 are averaged per example: the convexity bias is about 1 / p², < 0.1 %.)
    """
    sizes = validate_values("batch_sizes", batch_sizes, low=1)
    seconds = validate_values("step_seconds", step_seconds, low=0, low_open=True)
    if sizes.size != seconds.size:
        raise ValueError(f"batch_sizes and step_seconds must have the same length, got "
                         f"{sizes.size} and {seconds.size}")
    groups = _validate_groups(groups)
    at = {int(b): float(t) for b, t in zip(sizes, seconds)}
    rows = []
    for group in groups:
        p = _validate_group(group)
        if any(b not in at for b in group):
            continue  # not measured: skipped
        lo, hi = (b for b in group if b != p)
        e_lo, e_p, e_hi = at[lo] / lo, at[p] / p, at[hi] / hi
        mean = (e_lo + e_hi) / 2
        advantage = 100 * (1 - e_p / mean)
        noise = 100 * abs(e_lo - e_hi) / mean
        rows.append({"group": tuple(group), "power": p, "advantage_pct": advantage,
                     "noise_pct": noise, "detectable_pct": 2 * noise,
                     "verdict": _verdict(advantage, noise, undecided="cannot tell")})
    return rows


def pooled_advantage(rows) -> dict:
    """All groups of power_of_two_effect together, where each alone may be a tie.

    Returns "groups" (how many), "positive" (how many median advantages are > 0), "low_pct"
    and "high_pct" (the smallest and largest median advantage), "mean_pct" (their mean) and
    "sign_p": the chance of at least that many positive groups if a power of two made no
    difference (each sign a fair coin flip, the groups independent; one-sided sign test).
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows must hold at least one row of power_of_two_effect, got none")
    adv = np.array([r["advantage_pct"] for r in rows], dtype=np.float64)
    n, k = adv.size, int(np.sum(adv > 0))
    sign_p = sum(math.comb(n, j) for j in range(k, n + 1)) / 2**n
    return {"groups": n, "positive": k, "low_pct": float(adv.min()),
            "high_pct": float(adv.max()), "mean_pct": float(adv.mean()), "sign_p": sign_p}


def power_of_two_summary(odd_rows, aligned_rows) -> str:
    """One verdict for claim C8 from power_of_two_effect rows of the same powers against odd
    neighbours (p - 1, p + 1) and against aligned ones (e.g. p - 16, p + 16).

    When no power of two is measurably faster, it says how large an effect could have been
    detected (2 x the noise, by group, for each comparison): a tie at a large noise is no
    evidence either way. It ends with the pooled view (`pooled_advantage`) of each comparison
    and what it shows (`pooled_verdict`): a small effect that no group shows alone can still
    show in the signs of all groups together; signs that coin flips give often show nothing.
    """
    odd_rows, aligned_rows = list(odd_rows), list(aligned_rows)
    if not odd_rows:
        raise ValueError("odd_rows must hold at least one row of power_of_two_effect, got none")
    parts = []
    for rows in (odd_rows, aligned_rows):
        if rows and "group" in rows[0] and "advantage_pct" in rows[0]:
            q = pooled_advantage(rows)
            parts.append(f"against p ± {_distance(rows)}, {q['positive']} of {q['groups']} "
                         f"advantages positive ({q['low_pct']:+.1f} % to {q['high_pct']:+.1f} %; "
                         f"chance by coin flips {q['sign_p']:.0%})")
    pooled = ""
    if parts:
        pooled = (";\npooled over the groups: " + " and ".join(parts) + ": "
                  + pooled_verdict(odd_rows, aligned_rows))
    return _per_group_summary(odd_rows, aligned_rows) + pooled


def c8_verdict_lines(odd_rows, aligned_rows, alpha: float = 0.05) -> list:
    """Claim C8's verdict in short lines, one fact each, from power_of_two_effect rows of the
    same powers against p ± 1 (odd_rows) and against aligned neighbours such as p ± 16:
    the groups alone, the pooled signs (`pooled_advantage`; a sign gives a direction, not a
    size) and one verdict line that says whether to choose b by powers of two. The two
    comparisons share t(p) in each round, so they are not independent evidence."""
    odd_rows, aligned_rows = list(odd_rows), list(aligned_rows)
    if not odd_rows or not aligned_rows:
        raise ValueError("odd_rows and aligned_rows must each hold at least one row of "
                         "power_of_two_effect")
    d = _distance(aligned_rows)
    faster = {name: [r["power"] for r in rows if r["verdict"] == "power of 2 faster"]
              for name, rows in (("1", odd_rows), (str(d), aligned_rows))}
    both = sorted(set(faster["1"]) & set(faster[str(d)]))
    if not faster["1"] and not faster[str(d)]:
        groups = "Groups alone: no power of two measurably faster than its neighbours (ties)."
    else:
        groups = "Groups alone: faster " + "; ".join(
            f"than p ± {k} at p = {', '.join(f'{p:,}' for p in v)}" for k, v in faster.items()
            if v) + "."
    pools = {k: pooled_advantage(rows) for k, rows in (("1", odd_rows), (str(d), aligned_rows))}
    pooled = "Pooled signs: " + "; ".join(
        f"against p ± {k}, {q['positive']} of {q['groups']} positive (by coin flips: "
        f"{q['sign_p']:.0%})" for k, q in pools.items()) + "."
    lo = min(q["low_pct"] for q in pools.values())
    hi = max(q["high_pct"] for q in pools.values())
    size = (f"A sign gives a direction, not a size: the groups' advantages ran from {lo:+.1f} % "
            f"to {hi:+.1f} %, each within twice its timing spread unless a group above says "
            "otherwise.")
    found = []  # what counts as an effect under the stated rules, per kind of neighbour
    for k, rows in (("1", odd_rows), (str(d), aligned_rows)):
        q, why = pools[k], []
        if faster[k]:
            why.append("decided alone at " + ", ".join(
                f"p = {r['power']:,} ({r['advantage_pct']:+.1f} %)" for r in rows
                if r["verdict"] == "power of 2 faster"))
        if q["sign_p"] <= alpha and q["positive"] * 2 > q["groups"]:
            why.append(f"{q['positive']} of {q['groups']} signs positive (chance "
                       f"{q['sign_p']:.0%}, at most {alpha:.0%})")
        if why:
            found.append(f"against p ± {k}, " + " and ".join(why))
    if both:
        verdict = (f"Verdict: a power of two was faster than both kinds of neighbour at p = "
                   f"{', '.join(f'{p:,}' for p in both)}; weigh its size against section 4's "
                   "time to target before choosing b by it.")
    elif found:
        verdict = ("Verdict: an effect counted " + "; ".join(found) + ", but no power of two "
                   "beat both kinds of neighbour. A sign test gives no size: this run does not "
                   "say how much a power of two saves.")
    else:
        verdict = ("Verdict: neither the groups nor their pooled signs show a power-of-two "
                   "advantage: choose b by time to target, power of two or not.")
    return [groups, pooled, size, verdict]


def pooled_verdict(*row_lists, alpha: float = 0.05) -> str:
    """What the pooled signs of one or more comparisons show, in words: a pooled effect where
    some comparison's sign test gives a chance <= alpha, else that no effect was detected (not
    that there is none: five groups can miss an effect of a few percent)."""
    alpha = validate_real("alpha", alpha, low=0, high=1)
    pools = [(rows, pooled_advantage(rows)) for rows in row_lists if rows]
    if not pools:
        raise ValueError("row_lists must hold at least one non-empty list of rows, got none")
    shown = [(rows, q) for rows, q in pools if q["sign_p"] <= alpha]
    if not shown:
        return ("no more positive signs than coin flips often give (a chance above "
                f"{alpha:.0%}): no effect was detected, which does not rule out one too small "
                "for these groups to show")
    where = " and ".join(
        (f"against p ± {_distance(rows)} " if "group" in rows[0] else "")
        + f"({q['low_pct']:+.1f} % to {q['high_pct']:+.1f} %; chance {q['sign_p']:.0%})"
        for rows, q in shown)
    return f"more positive signs than coin flips give {where}: an effect that no group shows alone"


def _distance(rows) -> int:
    return abs(rows[0]["group"][0] - rows[0]["power"])


def _per_group_summary(odd_rows, aligned_rows) -> str:
    aligned = {r["power"]: r for r in aligned_rows}
    faster = [r for r in odd_rows if r["verdict"] == "power of 2 faster"]
    if not faster:
        ranges = []
        for rows, name in ((odd_rows, "p ± 1"), (aligned_rows, "aligned neighbours")):
            if rows:
                if "group" in rows[0]:
                    name = f"p ± {_distance(rows)}"
                lo, hi = (f(r["detectable_pct"] for r in rows) for f in (min, max))
                ranges.append(f"{lo:.0f} % to {hi:.0f} % against {name}")
        return ("no power of two was measurably faster than its odd neighbours (a tie or slower "
                "in every group): no effect detectable at this noise level; an effect smaller "
                f"than 2 x the noise ({', '.join(ranges)}, by group) would be missed")
    beyond = [r for r in faster
              if aligned.get(r["power"], {}).get("verdict") == "power of 2 faster"]
    names = ", ".join(f"{r['power']:,}" for r in faster)
    if not beyond:
        return (f"faster than odd neighbours at p = {names}, but not measurably faster than "
                "neighbours that are multiples of 16: alignment explains it as well as a "
                "power of two does")
    return ("faster than both odd and multiple-of-16 neighbours at p = "
            + ", ".join(f"{r['power']:,}" for r in beyond) + ": a power-of-two effect here")


def format_effect(row: dict) -> str:
    """One row of power_of_two_effect(_one_run) as text: the group, the advantage, the noise
    and the verdict, e.g. "(127, 128, 129)      +1.2 %    3.4 %   tie"."""
    return (f"{str(row['group']):20s} {row['advantage_pct']:+6.1f} %  {row['noise_pct']:6.1f} %"
            f"   {row['verdict']}")


def count_verdicts(rows) -> dict:
    """How many rows got each verdict: {"power of 2 faster": n, "power of 2 slower": n,
    "tie": n, "cannot tell": n} ("cannot tell" comes from power_of_two_effect_one_run)."""
    return {v: sum(r["verdict"] == v for r in rows)
            for v in ("power of 2 faster", "power of 2 slower", "tie", "cannot tell")}


def _validate_groups(groups) -> list:
    groups = list(groups)
    if not groups:
        raise ValueError("groups must hold at least one triple, e.g. [(127, 128, 129)], got none")
    for group in groups:
        _validate_group(group)
    return groups


def _verdict(advantage_pct: float, noise_pct: float, undecided: str = "tie") -> str:
    """The course's rule: an effect counts only when it is more than twice the noise."""
    if abs(advantage_pct) <= 2 * noise_pct:
        return undecided
    return "power of 2 faster" if advantage_pct > 0 else "power of 2 slower"
