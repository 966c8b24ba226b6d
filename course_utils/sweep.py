"""Time to a target cost against the mini-batch size, the learning rate tuned per size.

For one batch size b, `tune_learning_rate` walks a grid of learning rates from a starting
rate: up while the updates needed to reach the target cost keep falling, then down if the
start itself was the best. A run stops once it has used as many updates as the best so far
(it cannot win). So the best rate is tried next to both of its grid neighbours, unless it
sits at an end of the grid (`TargetResult.at_edge` says so). The rate is chosen by updates,
a count that does not depend on the machine; for a fixed b, fewer updates is less time.

* `time_to_target`: one tuned run per batch size; the best rate of one size is the starting
  rate of the next (larger batches take larger rates: the linear scaling rule, Goyal et al.
  2017). Then `fit_steps_model` fits McCandlish et al.'s S(B) = S_min (1 + B_noise / B).
* `compare_with_batch_gd`: claim C7. For one training set, tune every mini-batch size and
  batch GD (b = m), then time each tuned run again, `repeats` rounds, interleaved, and say
  which is faster (`Comparison.verdict`; the repeats replay each run with `replay_run`);
  `crossover` brackets the m from which mini-batch
  GD wins at every larger m, and `describe_crossover` sets it against the rule's m.
* `scaling_regimes`: near-perfect scaling, diminishing returns or little gain, size to size.
* `format_tried`, `format_runs`, `format_timing`: the lines notebook 04 prints.
* `min_logistic_cost`: the lowest training cost of logistic regression (Newton's method),
  to set a target "J* + tolerance" that means the same thing at every m.
* `plot_comparisons`, `plot_targets`: the figures of notebook 04 (each returns its Axes).
"""

import time
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from ._checks import check_int, check_positive_float, check_seed, check_XY
from .minibatch import iterate_minibatches, num_minibatches
from .train import train


@dataclass
class TargetResult:
    """The best run for one batch size (reached=False if no learning rate reached it).

    tried: {learning rate: updates to reach the target, or None if that rate did not reach it
    within the updates of the best run (or diverged)}, for every rate tried. grid: all rates
    the search could use. seconds: training time of that one run (evaluation excluded).
    """

    batch_size: int
    learning_rate: float
    reached: bool
    updates: int
    examples: int
    seconds: float
    tried: dict = field(default_factory=dict)
    grid: tuple = ()

    @property
    def at_edge(self) -> bool:
        """True if the best rate is the smallest or largest of the grid: a better rate may
        lie beyond it."""
        return bool(self.grid) and self.learning_rate in (self.grid[0], self.grid[-1])


def format_tried(result: TargetResult) -> str:
    """The rates tried and the updates each needed, e.g. "0.3: 40 · 1: 12 (best) · 3: >12".

    ">N": that rate had not reached the target after N updates, the best run's count (it
    was stopped there: it could not win), or it diverged.
    """
    parts = []
    for rate, updates in result.tried.items():
        if updates is None:
            shown = f">{result.updates:,}" if result.reached else "not reached"
        else:
            shown = f"{updates:,}" + (" (best)" if rate == result.learning_rate else "")
        parts.append(f"{rate:g}: {shown}")
    text = " · ".join(parts)
    return text + ("  [best at the grid's edge]" if result.at_edge else "")


def _sorted_rates(learning_rates) -> list:
    rates = sorted(float(r) for r in learning_rates)
    if not rates or rates[0] <= 0 or not np.all(np.isfinite(rates)):
        raise ValueError(f"learning_rates must be finite numbers > 0, got {list(learning_rates)!r}")
    return rates


def tune_learning_rate(make_model, X, Y, batch_size: int, learning_rates, target_cost: float,
                       start=None, eval_every: int | None = None, max_epochs: int = 50,
                       seed=0) -> TargetResult:
    """The learning rate of the grid that reaches `target_cost` in the fewest updates.

    make_model(): a fresh model (the same start for every rate). start: the rate to try first
    (default: the smallest of the grid). eval_every: updates between evaluations of the full
    training cost (default: about 20 per epoch), so the updates are resolved to eval_every.
    A run stops at the target, at max_epochs, or once it has used as many updates as the
    best run so far. See the module docstring for the search.
    """
    m = check_XY(X, Y)
    b = check_int("batch_size", batch_size, high=m)
    rates = _sorted_rates(learning_rates)
    if eval_every is None:
        eval_every = max(1, num_minibatches(m, b) // 20)
    eval_every = check_int("eval_every", eval_every)
    i0 = 0 if start is None else int(np.argmin(np.abs(np.log(rates) - np.log(start))))
    tried, best = {}, None

    def run(i):  # True if rate i beats the best so far
        nonlocal best
        h = train(make_model(), X, Y, b, rates[i], max_epochs, seed=seed, eval_every=eval_every,
                  target_cost=target_cost, max_updates=best.updates if best else None,
                  blas_threads=None)  # pinned once below, not on every run
        tried[rates[i]] = h.updates if h.reached_target else None
        if h.reached_target and (best is None or h.updates < best.updates):
            best = TargetResult(b, rates[i], True, h.updates, h.examples_seen, h.seconds)
            return True
        return False

    with threadpool_limits(1):  # BLAS on one thread, as train() does by default
        run(i0)
        i = i0 + 1
        while i < len(rates) and run(i):  # up while it keeps improving
            i += 1
        if best is None or best.learning_rate == rates[i0]:
            i = i0 - 1
            while i >= 0 and (run(i) or best is None):  # down, if the start was best (or failed)
                i -= 1
    result = best or TargetResult(b, float("nan"), False, -1, -1, float("nan"))
    result.tried = dict(sorted(tried.items()))
    result.grid = tuple(rates)
    return result


def time_to_target(make_model, X, Y, batch_sizes, learning_rates, target_cost: float,
                   max_epochs: int = 50, evals_per_epoch: int = 20, start=None, seed=0) -> list:
    """One TargetResult per batch size, in increasing order of size (see the module docstring).

    The full training cost is evaluated about `evals_per_epoch` times per epoch (and after
    every update when an epoch has fewer updates than that), so updates and examples are
    resolved to within 1 / evals_per_epoch of an epoch. Evaluation time is not counted.
    start: the rate to try first for the smallest size (default: the smallest of the grid).
    """
    m = check_XY(X, Y)
    evals_per_epoch = check_int("evals_per_epoch", evals_per_epoch)
    results = []
    for b in sorted(check_int("batch size", b, high=m) for b in batch_sizes):
        every = max(1, num_minibatches(m, b) // evals_per_epoch)
        r = tune_learning_rate(make_model, X, Y, b, learning_rates, target_cost, start=start,
                               eval_every=every, max_epochs=max_epochs, seed=seed)
        if r.reached:  # larger batches take larger rates: start the next size here
            start = r.learning_rate
        results.append(r)
    return results


def fit_steps_model(batch_sizes, steps) -> tuple[float, float]:
    """Fit S = S_min (1 + B_noise / B) to measured steps; returns (S_min, B_noise).

    The steps span decades, so the fit minimises squared errors of log S (relative errors):
    for each B_noise on a fine log grid, the best S_min is closed-form (a geometric mean),
    and the B_noise with the smallest residual wins.
    """
    B = np.asarray(batch_sizes, float)
    log_S = np.log(np.asarray(steps, float))
    best = (np.inf, 0.0, 0.0)
    for b_noise in np.geomspace(B.min() / 100, B.max() * 100, 2000):
        log_shape = np.log1p(b_noise / B)
        log_s_min = np.mean(log_S - log_shape)
        residual = np.sum((log_S - log_s_min - log_shape) ** 2)
        if residual < best[0]:
            best = (residual, float(np.exp(log_s_min)), float(b_noise))
    return best[1], best[2]


def scaling_regimes(batch_sizes, steps, perfect: float = 0.7, diminishing: float = 1.5) -> list:
    """Name the regime of each step from one batch size to the next (Shallue et al. 2018).

    For consecutive sizes b0 < b1 with updates s0, s1: the updates fall s0 / s1 times for
    b1 / b0 times the batch; `share` = log(s0 / s1) / log(b1 / b0), the share of the perfect
    fall on a log scale: 1 for perfect scaling (k times the batch, 1/k of the updates), 0 for
    no fall at all.
    Regime: "near-perfect scaling" if share >= perfect, else "diminishing returns" if the
    updates still fall at least `diminishing` times, else "little or no gain".
    Returns [(b0, b1, fall, share, regime), ...], one per step.
    """
    B = [check_int("batch size", b) for b in batch_sizes]
    S = [check_int("steps", s) for s in steps]
    if len(B) != len(S) or len(B) < 2 or B != sorted(set(B)):
        raise ValueError(f"need two or more increasing batch sizes, one steps count each; got "
                         f"batch_sizes {B} and steps {S}")
    rows = []
    for b0, b1, s0, s1 in zip(B[:-1], B[1:], S[:-1], S[1:]):
        fall = s0 / s1
        share = float(np.log(fall) / np.log(b1 / b0))
        regime = ("near-perfect scaling" if share >= perfect else
                  "diminishing returns" if fall >= diminishing else "little or no gain")
        rows.append((b0, b1, fall, share, regime))
    return rows


def min_logistic_cost(X, Y, max_iterations: int = 50, tol: float = 1e-10) -> float:
    """The lowest training cost J* of logistic regression (weights and bias) on (X, Y).

    Newton's method on the convex cross-entropy: w := w - H^-1 g, with the exact gradient g
    and Hessian H, until |g| < tol (a few iterations). X: (n_x, m), Y: (1, m) of 0/1 labels.
    BLAS runs on one thread, as in training.
    """
    m = check_XY(X, Y)
    if Y.shape[0] != 1:
        raise ValueError(f"Y must have shape (1, m) for logistic regression, got {Y.shape}")
    max_iterations = check_int("max_iterations", max_iterations)
    tol = check_positive_float("tol", tol)
    A = np.vstack([X, np.ones((1, m))])  # (n_x + 1, m): the bias as a feature equal to 1
    y = Y[0].astype(float)
    w = np.zeros(A.shape[0])
    with threadpool_limits(1):
        for _ in range(max_iterations):
            z = w @ A
            p = np.exp(-np.logaddexp(0, -z))  # sigmoid(z) without overflow
            g = A @ (p - y) / m
            if np.linalg.norm(g) < tol:
                break
            H = (A * (p * (1 - p))) @ A.T / m
            w -= np.linalg.solve(H + 1e-12 * np.eye(len(w)), g)
        z = w @ A
    return float(np.mean(np.logaddexp(0, z) - y * z))


@dataclass
class Comparison:
    """Mini-batch GD against batch GD on one training set of m examples (claim C7).

    runs: one tuned TargetResult per batch size, batch GD (b = m) last.
    seconds[r, k]: round r of the time runs[k] takes to reach the target (s), the fastest of
    that round's calls (see `time_runs`).
    """

    m: int
    target_cost: float
    runs: list
    seconds: np.ndarray

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
        middle three); otherwise a tie."""
        lo, hi = self.spread
        k = self.best_minibatch
        if hi[-1] < lo[k]:
            return "batch GD"
        if hi[k] < lo[-1]:
            return "mini-batch"
        return "tie"


def format_runs(comparison: Comparison) -> list:
    """One line per tuned run of a Comparison: its size, rate, updates, examples and the rates
    tried, e.g. "b = 256   rate    3,   4 updates,   1,024 examples   (rates tried: ...)"."""
    lines = []
    for r in comparison.runs:
        name = "batch GD" if r.batch_size == comparison.m else f"b = {r.batch_size:,}"
        lines.append(f"{name:9s} rate {r.learning_rate:4g}, {r.updates:3d} updates, "
                     f"{r.examples:7,d} examples   (rates tried: {format_tried(r)})")
    return lines


def format_timing(comparison: Comparison) -> str:
    """One line for a Comparison's timings (ms): m; batch GD's median [middle of the rounds];
    the best mini-batch size's; the ratio of the medians; the verdict."""
    c, k = comparison, comparison.best_minibatch
    (b_lo, k_lo), (b_hi, k_hi) = c.spread[:, [-1, k]] * 1e3
    return (f"{c.m:7,d}   {c.median[-1] * 1e3:6.2f} [{b_lo:6.2f}, {b_hi:6.2f}]   "
            f"b = {c.runs[k].batch_size:5,d}: {c.median[k] * 1e3:6.2f} [{k_lo:6.2f}, {k_hi:6.2f}]"
            f"   {c.median[-1] / c.median[k]:5.1f}x   {c.verdict}")


def replay_run(make_model, X, Y, run: TargetResult, seed=0) -> tuple:
    """Replay a tuned run's updates exactly as `train` makes them (same start, learning rate
    and shuffles) and time its steps as `train` does; returns (seconds, model).

    No cost is evaluated, so a replay costs only its steps: `train` would also evaluate the
    full training cost before the first update and after the last one (not timed, but on a
    large m the evaluations cost more than the short runs being timed).
    """
    model = make_model()
    m = check_XY(X, Y)
    b = check_int("batch size", run.batch_size, high=m)
    updates = check_int("updates", run.updates)
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
    """
    repeats = check_int("repeats", repeats, low=1)
    calls = check_int("calls", calls)
    min_seconds = check_positive_float("min_seconds", min_seconds)
    check_seed("seed", seed)
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


def compare_with_batch_gd(make_model, X, Y, minibatch_sizes, learning_rates,
                          target_cost: float, repeats: int = 5, eval_examples: int = 1024,
                          start=None, max_epochs: int = 200, seed=0,
                          calls: int = 1) -> Comparison:
    """Tune the learning rate of each mini-batch size below m and of batch GD (b = m) on
    (X, Y), then time every tuned run in `repeats` rounds of `calls` calls (see `time_runs`).

    eval_examples: examples between evaluations of the full cost (at least one evaluation per
    epoch, at most one per update), so that every mini-batch size is resolved to about the
    same number of examples; with eval_examples <= the smallest b, every update is checked
    and the updates counted are exact. start: the rate to try first for the smallest size
    (each next size starts at the best rate of the one before).
    """
    m = check_XY(X, Y)
    check_positive_float("target_cost", target_cost)
    eval_examples = check_int("eval_examples", eval_examples)
    sizes = sorted({check_int("mini-batch size", b) for b in minibatch_sizes if b < m}) + [m]
    runs = []
    for b in sizes:
        every = max(1, min(num_minibatches(m, b), eval_examples // b))
        r = tune_learning_rate(make_model, X, Y, b, learning_rates, target_cost, start=start,
                               eval_every=every, max_epochs=max_epochs, seed=seed)
        if not r.reached:
            raise RuntimeError(f"batch size {b} reached no target {target_cost:.4f} with the "
                               f"rates {r.grid}; widen learning_rates or raise max_epochs")
        start = r.learning_rate
        runs.append(r)
    seconds = time_runs(make_model, X, Y, runs, repeats, seed, calls)
    return Comparison(m, float(target_cost), runs, seconds)


def crossover(ms, verdicts) -> tuple:
    """Where mini-batch GD starts to win, as a bracket (low, high) of training-set sizes.

    high: the smallest m from which mini-batch GD wins at every larger m measured; low: the m
    just below it (batch GD won or tied there). (None, ms[0]) if mini-batch wins everywhere,
    (ms[-1], None) if it does not win at the largest m.
    """
    ms = [int(m) for m in ms]
    if len(ms) != len(verdicts) or not ms:
        raise ValueError(f"need one verdict per m: got {len(ms)} sizes, {len(verdicts)} verdicts")
    if ms != sorted(ms):
        raise ValueError(f"ms must be increasing, got {ms}")
    k = len(ms)
    while k > 0 and verdicts[k - 1] == "mini-batch":
        k -= 1
    if k == len(ms):
        return ms[-1], None
    return (ms[k - 1] if k else None), ms[k]


def describe_crossover(ms, verdicts, rule_m: int = 2000) -> str:
    """Where batch GD stops being competitive, in words, set against the rule "m <= rule_m:
    use batch GD". The bracket is `crossover`'s: mini-batch GD must win at every m from its
    top up to the largest m measured, so one win followed by a tie does not count."""
    low, high = crossover(ms, verdicts)
    ms = [int(m) for m in ms]
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
        lost = f"m = {high:,}" if high == rule_m else f"every m from {high:,} to {rule_m:,}"
        closer = ", though by less than one step of m" if high == rule_m else ""
        return text + (f"; at {lost}, where the rule still says batch GD, mini-batch GD won: "
                       f"here the rule's {rule_m:,} is too generous to batch GD{closer}")
    if low >= rule_m:
        return text + (f"; batch GD stayed competitive up to m = {low:,}, past the rule's "
                       f"{rule_m:,}: here the rule is too cautious")
    return text + (f"; the rule's {rule_m:,} lies strictly inside this bracket: the run agrees "
                   "with it, to within one step of m")


def plot_comparisons(comparisons, axes=None, rule_m: int | None = None, **legend_kw):
    """Claim C7 in two panels, against the training-set size m (log-log):
    left, the time to the target of batch GD and of the best mini-batch size (median, with
    the spread of the rounds: 2nd fastest to 2nd slowest) and the crossover bracket; right,
    the examples each processed to reach the target (batch GD, and the mini-batch size
    needing the fewest).
    rule_m: draw the rule's m (e.g. 2000). legend_kw go to plotting.legend. Returns the Axes.
    """
    import matplotlib.pyplot as plt  # here, not at the top: sweeps never need matplotlib

    from .plotting import OTHER, legend, method_style
    from .timing import log_ticks

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(13, 5), layout="constrained")
    ax_t, ax_e = axes
    ms = [c.m for c in comparisons]
    batch, mini = method_style(2, 2), method_style(2, 4)  # b = m, and 1 < b < m
    sizes = sorted({r.batch_size for c in comparisons for r in c.runs[:-1]})
    drawn_ms = []  # the times drawn (ms), for the ticks
    for pick, style, label in (
            (lambda c: len(c.runs) - 1, batch, "batch GD (b = m)"),
            (lambda c: c.best_minibatch, mini,
             "best mini-batch (b = " + ", ".join(f"{b:,}" for b in sizes) + ")")):
        med = np.array([c.median[pick(c)] for c in comparisons]) * 1e3
        lo, hi = np.array([c.spread[:, pick(c)] for c in comparisons]).T * 1e3
        ax_t.errorbar(ms, med, yerr=[med - lo, hi - med], capsize=3, label=label, **style)
        drawn_ms.extend([lo, hi])
    ax_e.plot(ms, [c.runs[-1].examples for c in comparisons], label="batch GD (b = m)", **batch)
    ax_e.plot(ms, [min(r.examples for r in c.runs[:-1]) for c in comparisons],
              label="mini-batch, the size needing the fewest", **mini)
    low, high = crossover(ms, [c.verdict for c in comparisons])
    if low is not None and high is not None:
        ax_t.axvspan(low, high, color=OTHER["light grey"], label="crossover bracket")
    ticks = ms[::2]
    y_values = (np.concatenate(drawn_ms),
                [c.runs[-1].examples for c in comparisons]
                + [min(r.examples for r in c.runs[:-1]) for c in comparisons])
    for ax, values in zip(axes, y_values):
        if rule_m is not None:
            ax.axvline(rule_m, color=OTHER["orange"], ls="-.", label=f"the rule's m = {rule_m:,}")
        ax.set(xscale="log", yscale="log", xlabel="training set size m (examples)")
        ax.set_xticks(ticks, [f"{x:,}" for x in ticks])
        ax.set_xticks([], minor=True)
        log_ticks(ax.yaxis, np.ravel(values))
        legend(ax, **legend_kw)
    ax_t.set(ylabel="time to the target (ms)")
    ax_e.set(ylabel="examples processed to the target (examples)")
    return ax_t, ax_e


def plot_targets(results, y: str = "updates", fit=None, ax=None, **legend_kw):
    """Updates (y="updates") or training seconds (y="seconds") to the target against the
    batch size, from time_to_target results (log-log). Each point has its method's marker:
    SGD (b = 1), mini-batch GD, batch GD (the largest size, b = m). fit: (S_min, B_noise)
    from fit_steps_model, drawn with the line of perfect scaling (y="updates" only).
    legend_kw go to plotting.legend. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    from .plotting import OTHER, legend, method_label, method_style
    from .timing import log_ticks

    if y not in ("updates", "seconds"):
        raise ValueError(f"y must be 'updates' or 'seconds', got {y!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    B = np.array([r.batch_size for r in results])
    m = int(B.max())
    v = np.array([r.updates if y == "updates" else r.seconds * 1e3 for r in results], float)
    if y == "updates" and fit is not None:
        s_min, b_noise = fit
        Bf = np.geomspace(B.min(), B.max(), 100)
        ax.plot(B, v[0] * B[0] / B, "--", color=OTHER["black"], lw=1,
                label=f"perfect scaling from b = {B[0]:,}")
        ax.plot(Bf, s_min * (1 + b_noise / Bf), ":", color=OTHER["vermillion"],
                label=f"fit S_min (1 + B_noise / b), B_noise = {b_noise:.0f}")
    ax.plot(B, v, color=OTHER["grey"], lw=1)
    for b, value in zip(B, v):
        style = {k: s for k, s in method_style(b, m).items() if k != "ls"}
        label = "mini-batch GD" if 1 < b < m else method_label(b, m)
        ax.plot(b, value, ls="none", ms=8, label=label, **style)
    ax.set(xscale="log", yscale="log", xlabel="mini-batch size b (examples)",
           ylabel="updates to the target (updates)" if y == "updates"
           else "training time to the target (ms)")
    log_ticks(ax.xaxis, B, steps=(1,), beyond=False)
    log_ticks(ax.yaxis, np.concatenate([line.get_ydata() for line in ax.get_lines()]))
    legend(ax, **legend_kw)
    return ax
