"""Claim C7: mini-batch GD against batch GD, timed, for one training set at a time.

Part of `sweep` (notebooks call these as cu.sweep.<name>; see sweep.py for the whole map).

`compare_with_batch_gd` tunes every mini-batch size and batch GD (b = m) on one training
set, then times each tuned run again, `repeats` rounds, interleaved (`time_runs`; each
repeat replays the run with `replay_run`), and `Comparison.verdict` says which is faster.
Over several m, `crossover` brackets the m from which mini-batch GD wins at every larger m,
and `describe_crossover` sets it against the rule's m (`describe_targets`: over several
targets). `format_runs` and `format_timing` (under TIMING_HEADER)
are the lines notebook 04 prints.
"""

import math
import time
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ..core.minibatch import iterate_minibatches, num_minibatches
from ..core.validate import (
    validate_callable,
    validate_instance,
    validate_int,
    validate_positive_float,
    validate_seed,
    validate_sizes,
    validate_XY,
)
from .sweep_tuning import TargetResult, fewest_updates_rate, format_tried, validate_target_cost

VERDICTS = ("batch GD", "mini-batch", "tie")


@dataclass
class Comparison:
    """Mini-batch GD against batch GD on one training set of m examples (claim C7).

    runs: one tuned TargetResult per batch size, batch GD (b = m) last, at least one
    mini-batch size before it. seconds[r, k]: round r of the time runs[k] takes to reach the
    target (s), the fastest of that round's calls (see `time_runs`); (rounds, len(runs)).
    """

    m: int
    target_cost: float
    runs: list
    seconds: np.ndarray

    def __post_init__(self):
        self.m = validate_int("m", self.m)
        if len(self.runs) < 2 or not all(isinstance(r, TargetResult) for r in self.runs):
            raise ValueError(f"runs must hold TargetResults of at least one mini-batch size and "
                             f"of batch GD, got {len(self.runs)} runs")
        if self.runs[-1].batch_size != self.m:
            raise ValueError(f"the last run must be batch GD (b = m = {self.m}), got b = "
                             f"{self.runs[-1].batch_size}")
        self.seconds = np.asarray(self.seconds, dtype=np.float64)
        if self.seconds.ndim != 2 or self.seconds.shape[1] != len(self.runs):
            raise ValueError(f"seconds must have shape (rounds, {len(self.runs)}), one column "
                             f"per run, got {self.seconds.shape}")
        if not np.all(np.isfinite(self.seconds) & (self.seconds >= 0)):
            raise ValueError("seconds must hold finite times >= 0 (s)")

    @property
    def median(self) -> np.ndarray:
        """Median seconds to the target, per run."""
        return np.median(self.seconds, axis=0)

    @property
    def spread(self) -> np.ndarray:
        """Run-to-run spread per run, (2, n_runs) in seconds: the 2nd fastest and the 2nd
        slowest round (with 5 rounds: the middle three of five span from one to the other).
        One outlier round, fast or slow, does not move it."""
        if len(self.seconds) < 3:
            raise ValueError(f"spread needs at least 3 rounds, got {len(self.seconds)}")
        ordered = np.sort(self.seconds, axis=0)
        return np.stack([ordered[1], ordered[-2]])

    @property
    def best_minibatch(self) -> int:
        """Index in runs of the mini-batch size with the smallest median time."""
        return int(np.argmin(self.median[:-1]))

    @property
    def verdict(self) -> str:
        """"batch GD", "mini-batch" or "tie": a method wins only if its spread lies entirely
        below the other's (with 5 rounds: its middle three all faster than the other's
        middle three), by at least 1 µs, the precision `format_timing` prints; otherwise a
        tie (ranges that touch as printed are a tie)."""
        lo, hi = np.round(self.spread * 1e6)  # whole microseconds, as printed
        k = self.best_minibatch
        if hi[-1] < lo[k]:
            return "batch GD"
        if hi[k] < lo[-1]:
            return "mini-batch"
        return "tie"


def _validate_comparison(comparison) -> None:
    validate_instance("comparison", comparison, Comparison)


def format_runs(comparison: Comparison) -> list:
    """One line per tuned run of a Comparison: its size, rate, updates, examples and the rates
    tried, e.g. "b = 256   rate    3,   4 updates,   1,024 examples   (rates tried: ...)"."""
    _validate_comparison(comparison)
    lines = []
    for r in comparison.runs:
        name = "batch GD" if r.batch_size == comparison.m else f"b = {r.batch_size:,}"
        lines.append(f"{name:9s} rate {r.learning_rate:4g}, {r.updates:3d} updates, "
                     f"{r.examples:7,d} examples   (rates tried: {format_tried(r)})")
    return lines


TIMING_HEADER = (
    f"{'':7}   {'batch GD (b = m)':22}   {'':5}   {'best mini-batch':22}   "
    f"{'batch GD time /':>15}   faster\n"
    f"{'m':>7}   {'median [range], ms':22}   {'b':>5}   {'median [range], ms':22}   "
    f"{'mini-batch time':>15}   (tie: ranges overlap)")
"""The column titles of `format_timing`'s lines; [range]: 2nd fastest to 2nd slowest round."""


def format_timing(comparison: Comparison) -> str:
    """One line for a Comparison's timings under TIMING_HEADER (ms): m; batch GD's median
    [its `spread`]; the best mini-batch size and its median [spread]; the ratio of the
    medians (batch GD's over the mini-batch's: above 1, batch GD is slower); the verdict."""
    _validate_comparison(comparison)
    c, k = comparison, comparison.best_minibatch
    (b_lo, k_lo), (b_hi, k_hi) = c.spread[:, [-1, k]] * 1e3
    return (f"{c.m:7,d}   {c.median[-1] * 1e3:7.3f} [{b_lo:.3f}, {b_hi:.3f}]   "
            f"{c.runs[k].batch_size:5,d}   {c.median[k] * 1e3:7.3f} [{k_lo:.3f}, {k_hi:.3f}]"
            f"   {c.median[-1] / c.median[k]:14.1f}x   {c.verdict}")


def _validate_reached(name: str, run) -> TargetResult:
    validate_instance(name, run, TargetResult)
    if not run.reached or run.updates < 1:
        raise ValueError(f"{name} (b = {run.batch_size}) did not reach its target (updates "
                         f"{run.updates}): there is no run to replay")
    return run


def replay_run(make_model, X, Y, run: TargetResult, seed=0) -> tuple:
    """Replay a tuned run's updates exactly as `train` makes them (same start, learning rate
    and shuffles) and time its steps as `train` does; returns (seconds, model).

    No cost is evaluated, so a replay costs only its steps: `train` would also evaluate the
    full training cost before the first update and after the last one (not timed, but on a
    large m the evaluations cost more than the short runs being timed).
    """
    validate_callable("make_model", make_model)
    m = validate_XY(X, Y)
    run = _validate_reached("run", run)
    b = validate_int("run.batch_size", run.batch_size, high=m)
    validate_positive_float("run.learning_rate", run.learning_rate)
    validate_seed("seed", seed)
    updates = run.updates
    model = make_model()
    X = X.astype(model.dtype, copy=False)  # as train does, once
    Y = Y.astype(model.dtype, copy=False)
    rng = np.random.default_rng(seed)
    seconds, done = 0.0, 0
    while done < updates:  # one epoch per pass; batch GD (b = m) is not shuffled, as in train
        batches = iterate_minibatches(X, Y, b, seed=rng, shuffle=b < m)
        while done < updates:
            t0 = time.perf_counter()
            batch = next(batches, None)
            if batch is None:
                break
            _, grads = model.loss_and_grads(*batch)
            model.update(grads, run.learning_rate)
            seconds += time.perf_counter() - t0
            done += 1
    return seconds, model


def time_runs(make_model, X, Y, runs, repeats: int = 3, seed=0, calls: int = 1,
              min_seconds: float = 0.005) -> np.ndarray:
    """Time each tuned run again from scratch: seconds[r, k] for round r of runs[k].

    Each call replays the same updates (`replay_run`), so only the time changes. A round
    makes up to `calls` passes over the runs, each pass in a new random order, and keeps each
    run's fastest pass: a slow moment of the machine spreads over all runs instead of
    biasing one, and one interruption does not decide a round. A run whose fastest call
    already lasts min_seconds (s) is not called again in that round: a long run is timed
    once, a short one, which one interruption can double, up to `calls` times.
    runs: at least one TargetResult, each of which reached its target.
    """
    validate_callable("make_model", make_model)
    m = validate_XY(X, Y)
    runs = list(runs)
    if not runs:
        raise ValueError("runs must hold at least one TargetResult, got none")
    for k, run in enumerate(runs):
        run = _validate_reached(f"runs[{k}]", run)
        validate_int(f"runs[{k}].batch_size", run.batch_size, high=m)
    repeats = validate_int("repeats", repeats, low=1)
    calls = validate_int("calls", calls)
    min_seconds = validate_positive_float("min_seconds", min_seconds)
    validate_seed("seed", seed)
    order_rng = np.random.default_rng(seed)
    seconds = np.full((repeats, len(runs)), np.inf)
    with threadpool_limits(1):
        for r in range(repeats):
            for _ in range(calls):
                for k in order_rng.permutation(len(runs)):
                    if seconds[r, k] < min_seconds or np.isinf(seconds[r, k]):
                        t, _ = replay_run(make_model, X, Y, runs[k], seed)
                        seconds[r, k] = min(seconds[r, k], t)
    return seconds


def compare_with_batch_gd(make_model, X, Y, batch_sizes, learning_rates,
                          target_cost: float, repeats: int = 5, eval_examples: int = 1024,
                          start=None, max_epochs: int = 200, seed=0,
                          calls: int = 1) -> Comparison:
    """Tune the learning rate of each mini-batch size below m and of batch GD (b = m) on
    (X, Y), then time every tuned run in `repeats` rounds of `calls` calls (see `time_runs`).

    batch_sizes: sizes (none twice); those >= m are left out (one list serves every m),
    but at least one must lie below m. eval_examples: examples between evaluations of the
    full cost (at least one evaluation per epoch, at most one per update), so that every
    mini-batch size is resolved to about the same number of examples; with eval_examples <=
    the smallest b, every update is checked and the updates counted are exact. start: the
    rate to try first for the smallest size (each next size starts at the best rate of the
    one before). RuntimeError if a size reaches the target at no rate of the grid.
    """
    m = validate_XY(X, Y)
    target_cost = validate_target_cost(target_cost)
    eval_examples = validate_int("eval_examples", eval_examples)
    below = [b for b in validate_sizes("batch_sizes", batch_sizes) if b < m]
    if not below:
        raise ValueError(f"batch_sizes must hold at least one size below m = {m:,}, got "
                         f"{list(batch_sizes)}")
    repeats = validate_int("repeats", repeats)
    calls = validate_int("calls", calls)
    runs = []
    for b in sorted(below) + [m]:
        every = max(1, min(num_minibatches(m, b), eval_examples // b))
        r = fewest_updates_rate(make_model, X, Y, b, learning_rates, target_cost, start=start,
                                eval_every=every, max_epochs=max_epochs, seed=seed)
        if not r.reached:
            raise RuntimeError(f"batch size {b} reached no target {target_cost:.4f} with the "
                               f"rates {r.grid}; widen learning_rates or raise max_epochs")
        start = r.learning_rate
        runs.append(r)
    seconds = time_runs(make_model, X, Y, runs, repeats, seed, calls)
    return Comparison(m, target_cost, runs, seconds)


def crossover(ms, verdicts) -> tuple:
    """Where mini-batch GD starts to win, as a bracket (low, high) of training-set sizes.

    ms: increasing training-set sizes; verdicts: one Comparison.verdict per m ("batch GD",
    "mini-batch" or "tie"). high: the smallest m from which mini-batch GD wins at every
    larger m measured; low: the m just below it (batch GD won or tied there). (None, ms[0])
    if mini-batch wins everywhere, (ms[-1], None) if it does not win at the largest m.
    """
    ms = validate_sizes("ms", ms, increasing=True)
    verdicts = list(verdicts)
    if len(ms) != len(verdicts):
        raise ValueError(f"need one verdict per m: got {len(ms)} sizes, {len(verdicts)} verdicts")
    wrong = [(i, v) for i, v in enumerate(verdicts) if v not in VERDICTS]
    if wrong:
        raise ValueError(f"verdicts must each be one of {list(VERDICTS)}; got "
                         + ", ".join(f"verdicts[{i}] = {v!r}" for i, v in wrong))
    k = len(ms)
    while k > 0 and verdicts[k - 1] == "mini-batch":
        k -= 1
    if k == len(ms):
        return ms[-1], None
    return (ms[k - 1] if k else None), ms[k]


def describe_crossover(ms, verdicts, rule_m: int = 2000) -> str:
    """Where batch GD stops being competitive, in words, set against the rule "m <= rule_m:
    use batch GD" (rule_m: an integer >= 1). The bracket is `crossover`'s: mini-batch GD must
    win at every m from its top up to the largest m measured, so one win followed by a tie
    does not count."""
    low, high = crossover(ms, verdicts)
    rule_m = validate_int("rule_m", rule_m)
    ms, verdicts = [int(m) for m in ms], list(verdicts)
    there = {"tie": "a tie there", "batch GD": "batch GD won there"}
    if high is None:
        return (f"mini-batch GD did not win at the largest m, {low:,} "
                f"({there[verdicts[-1]]}): no crossover in this range, and batch GD stayed "
                f"competitive beyond the rule's {rule_m:,}")
    if low is None:
        return (f"mini-batch GD won at every m measured, from {high:,} up: batch GD was not "
                f"competitive even at the smallest m, below the rule's {rule_m:,}")
    text = (f"batch GD stops being competitive between m = {low:,} "
            f"({there[verdicts[ms.index(low)]]}) and m = {high:,}: mini-batch GD won at every "
            f"m from {high:,} to {ms[-1]:,}")
    if high <= rule_m:
        if high == rule_m:
            return text + (f"; at m = {high:,}, where the rule still says batch GD, mini-batch "
                           f"GD won: the crossover lies just below the rule's {rule_m:,}, by "
                           "less than one step of m")
        return text + (f"; at every m from {high:,} to {rule_m:,}, where the rule still says "
                       f"batch GD, mini-batch GD won: here the rule's {rule_m:,} is too "
                       "generous to batch GD")
    if low >= rule_m:
        return text + (f"; batch GD stayed competitive up to m = {low:,}, past the rule's "
                       f"{rule_m:,}: here the rule is too cautious")
    return text + (f"; the rule's {rule_m:,} lies strictly inside this bracket: the run agrees "
                   "with it, to within one step of m")


def crossover_flips(ms, verdicts_by_target: dict) -> list:
    """The training-set sizes at which the winner flipped with the target: one target's
    winner is batch GD, another's mini-batch GD, neither a tie, and that mini-batch win lies in
    its target's run of wins up to the largest m (from its `crossover` bracket's top on), so
    a lone win that a disturbed round gave at a small m does not count.
    verdicts_by_target: {name of the target: one Comparison.verdict per m}."""
    ms = [int(m) for m in validate_sizes("ms", ms, increasing=True)]
    tops = {name: crossover(ms, v)[1] for name, v in verdicts_by_target.items()}
    return [m for i, m in enumerate(ms)
            if any(v[i] == "batch GD" for v in verdicts_by_target.values())
            and any(v[i] == "mini-batch" and tops[name] is not None and m >= tops[name]
                    for name, v in verdicts_by_target.items())]


def describe_targets(ms, verdicts_by_target: dict, rule_m: int = 2000) -> str:
    """One verdict on the rule "m <= rule_m: use batch GD" from runs to several targets.

    verdicts_by_target: {name of the target: one Comparison.verdict per m}. Each target gets
    its `crossover` bracket. The crossover moved with the target where, at some m, the
    targets' winners differ and neither is a tie (the winner flipped); brackets that differ
    without such a flip may be set by ties, and the verdict says the timings cannot tell.
    Then it sets rule_m against each target's bracket.
    """
    rule_m = validate_int("rule_m", rule_m)
    if not verdicts_by_target:
        raise ValueError("verdicts_by_target must hold at least one target, got none")
    ms = [int(m) for m in validate_sizes("ms", ms, increasing=True)]
    brackets = {name: crossover(ms, v) for name, v in verdicts_by_target.items()}

    def shown(low, high):
        if high is None:
            return f"none up to m = {low:,}"
        return f"below m = {high:,}" if low is None else f"m = {low:,} to {high:,}"

    parts = "; ".join(f"{name}: {shown(*b)}" for name, b in brackets.items())
    lows = [0 if low is None else low for low, _ in brackets.values()]
    highs = [math.inf if high is None else high for _, high in brackets.values()]
    flips = crossover_flips(ms, verdicts_by_target)
    ties = sum(v == "tie" and min(lows) <= m <= max(highs)
               for vs in verdicts_by_target.values() for m, v in zip(ms, vs))
    if len(set(brackets.values())) == 1:
        head = f"the crossover fell in the same bracket for every target ({parts})"
    elif flips:
        m = flips[0]
        won = ", ".join(f"{name}: {'mini-batch GD' if v == 'mini-batch' else v}"
                        for name, v in zip(verdicts_by_target,
                                           (vs[ms.index(m)] for vs in verdicts_by_target.values())))
        head = (f"the crossover moved with the target ({parts}): at m = {m:,} the winner "
                f"flipped ({won}), neither a tie")
    else:  # brackets that ties set cannot say the crossover moved
        head = (f"the brackets differ ({parts}), but {ties} of the comparisons in that range "
                f"{'is a tie' if ties == 1 else 'are ties'} and no m has two different "
                "winners: these timings cannot tell whether the crossover moved with the target")

    def against_rule(low, high, verdicts):  # (what the rule is at this target, the evidence)
        if high is not None and high < rule_m:
            return "too generous to batch GD", f"mini-batch GD won from m = {high:,}"
        if high == rule_m:
            return "at most one step of m too generous to batch GD", shown(low, high)
        won_past = [m for m, v in zip(ms, verdicts) if m > rule_m and v == "batch GD"]
        if won_past:  # only a win (not a tie) of batch GD past rule_m says the rule is cautious
            return "too cautious", f"batch GD won at m = {', '.join(f'{m:,}' for m in won_past)}"
        if high is None or low >= rule_m:
            return ("no evidence against the rule", f"batch GD won or tied up to m = {low:,}, "
                    "never won past the rule's m")
        return "right, to within one step of m", shown(low, high)

    places = {name: against_rule(*brackets[name], v) for name, v in verdicts_by_target.items()}
    if len({place for place, _ in places.values()}) == 1:
        return head + (f". Against the rule's {rule_m:,}: {next(iter(places.values()))[0]} for "
                       "every target.")
    tail = ": where batch GD stops paying depends on the target" if flips else ""
    return head + f". Against the rule's {rule_m:,}: " + "; ".join(
        f"at {name}, {place} ({why})" for name, (place, why) in places.items()) + tail + "."
