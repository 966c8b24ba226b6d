"""Updates to a target cost against the mini-batch size, the learning rate tuned per size.

Part of `sweep` (notebooks call these as cu.sweep.<name>; see sweep.py for the whole map).

`walk_learning_rates` is the course's one walk over a grid of learning rates, for any
criterion: from a starting rate, up while the score falls, then down if the start itself was
the best, so that the best rate is tried next to both of its grid neighbours unless it sits
at an end of the grid. Two criteria use it: `fewest_updates_rate` here (updates to a target
cost; `TargetResult.at_edge` flags a best rate at the grid's edge), and
`curves_contest.lowest_cost_rate` (the lowest cost at a budget). A run stops once it has used
as many updates as the best so far (it cannot win). Updates are a count that does not depend
on the machine; for a fixed b, fewer updates is less time.

`time_to_target` tunes every size, `fit_steps_model` fits McCandlish et al.'s
S(B) = S_min (1 + B_noise / B) to the updates, `scaling_regimes` names each step from one
size to the next, and `min_logistic_cost` gives the lowest cost J* a target can be set from.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from ..core.minibatch import num_minibatches
from ..core.train import train
from ..core.validate import (
    validate_callable,
    validate_instance,
    validate_int,
    validate_learning_rates,
    validate_real,
    validate_seed,
    validate_sizes,
    validate_values,
    validate_XY,
)


@dataclass
class TargetResult:
    """The best run for one batch size (reached=False if no learning rate reached it).

    tried: {learning rate: updates to reach the target, or None if that rate did not reach it
    within the updates of the best run (or diverged)}, for every rate tried. grid: all rates
    the search could use. seconds: training time of that one run (evaluation excluded).
    margin: the smallest |J - target_cost| over every evaluation of every run tried. A count
    of updates could come out differently on another machine (other rounding) only if an
    evaluation came within rounding of the target, so a margin far above 1e-12 means every
    count here holds on any machine (nan: not recorded).
    """

    batch_size: int
    learning_rate: float
    reached: bool
    updates: int
    examples: int
    seconds: float
    tried: dict = field(default_factory=dict)
    grid: tuple = ()
    margin: float = math.nan

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
    validate_instance("result", result, TargetResult)
    parts = []
    for rate, updates in result.tried.items():
        if updates is None:
            shown = f">{result.updates:,}" if result.reached else "not reached"
        else:
            shown = f"{updates:,}" + (" (best)" if rate == result.learning_rate else "")
        parts.append(f"{rate:g}: {shown}")
    text = " · ".join(parts)
    return text + ("  [best at the grid's edge]" if result.at_edge else "")


def validate_target_cost(target_cost) -> float:
    """A target for the training cost: a finite number >= 0 (the course's costs are >= 0, so
    a negative target is never reached)."""
    return validate_real("target_cost", target_cost, low=0)


def walk_learning_rates(score, learning_rates, start=None) -> tuple[list, float | None]:
    """Walk a grid of learning rates from `start` towards a lower score; returns (grid, best).

    The one grid walk of the course, for any criterion. score(rate) -> a number, lower is
    better (inf: the run failed or diverged); it is called once per rate tried, in the order
    tried, so it may remember the best so far. learning_rates: the grid, any order, no rate
    twice (returned sorted). start: the rate to try first (default: the smallest of the grid;
    else the grid's rate closest to it on a log scale). The walk goes up the grid while the
    score falls; if the start stayed best, it goes down while the score falls (or while no
    rate has succeeded yet). So both grid neighbours of the best rate are tried, unless it
    sits at an end of the grid. best: None if every score was inf.
    """
    rates = sorted(validate_learning_rates("learning_rates", learning_rates))
    if start is not None:
        start = validate_real("start", start, low=0, low_open=True)
    i0 = 0 if start is None else int(np.argmin(np.abs(np.log(rates) - np.log(start))))
    k, best = i0, score(rates[i0])  # k: index of the best rate so far
    i = i0 + 1
    while i < len(rates):  # up while the score keeps falling
        s = score(rates[i])
        if not s < best:
            break
        k, best, i = i, s, i + 1
    if k == i0:  # down, if the start stayed best
        for i in range(i0 - 1, -1, -1):
            s = score(rates[i])
            if s < best:
                k, best = i, s
            elif math.isfinite(best):  # worse than a rate that succeeded: stop
                break
    return rates, (rates[k] if math.isfinite(best) else None)


def fewest_updates_rate(make_model, X, Y, batch_size: int, learning_rates, target_cost: float,
                        start=None, eval_every: int | None = None, max_epochs: int = 50,
                        seed=0) -> TargetResult:
    """The learning rate of the grid that reaches `target_cost` in the fewest updates.

    make_model(): a fresh model (the same start for every rate). learning_rates, start: the
    grid and where its walk begins (`walk_learning_rates`). eval_every: updates between
    evaluations of the full training cost (default: about 20 per epoch), so the updates are
    resolved to eval_every. A run stops at the target, at max_epochs, or once it has used as
    many updates as the best run so far (it cannot win).
    """
    validate_callable("make_model", make_model)
    m = validate_XY(X, Y)
    batch_size = validate_int("batch_size", batch_size, high=m)
    target_cost = validate_target_cost(target_cost)
    max_epochs = validate_int("max_epochs", max_epochs)
    validate_seed("seed", seed)
    if eval_every is None:
        eval_every = max(1, num_minibatches(m, batch_size) // 20)
    eval_every = validate_int("eval_every", eval_every)
    tried, best, margin = {}, None, math.inf

    def updates_to_target(rate):  # inf if it did not reach the target before the best run
        nonlocal best, margin
        h = train(make_model(), X, Y, batch_size, rate, max_epochs, seed=seed,
                  eval_every=eval_every, target_cost=target_cost,
                  max_updates=best.updates if best else None,
                  blas_threads=None)  # pinned once below, not on every run
        costs = np.asarray(h.eval_cost, dtype=np.float64)
        costs = costs[np.isfinite(costs)]
        if costs.size:
            margin = min(margin, float(np.min(np.abs(costs - target_cost))))
        tried[rate] = h.updates if h.reached_target else None
        if not h.reached_target:
            return math.inf
        if best is None or h.updates < best.updates:
            best = TargetResult(batch_size, rate, True, h.updates, h.examples_seen, h.seconds)
        return h.updates

    with threadpool_limits(1):  # BLAS on one thread, as train() does by default
        rates, _ = walk_learning_rates(updates_to_target, learning_rates, start)
    result = best or TargetResult(batch_size, float("nan"), False, -1, -1, float("nan"))
    result.tried = dict(sorted(tried.items()))
    result.grid = tuple(rates)
    result.margin = margin
    return result


def time_to_target(make_model, X, Y, batch_sizes, learning_rates, target_cost: float,
                   max_epochs: int = 50, evals_per_epoch: int = 20, start=None, seed=0) -> list:
    """One TargetResult per batch size, in increasing order of size (see the module docstring).

    batch_sizes: sizes from 1 to m, any order, none twice. The full training cost is
    evaluated about `evals_per_epoch` times per epoch (and after every update when an epoch
    has fewer updates than that), so updates and examples are resolved to within
    1 / evals_per_epoch of an epoch. TargetResult.seconds is training time only: `train`
    does not count the evaluations. start: the rate to try first for the smallest size
    (default: the smallest of the grid); each next size starts at the best rate of the one
    before (larger batches take larger rates: the linear scaling rule, Goyal et al. 2017).
    """
    m = validate_XY(X, Y)
    sizes = sorted(validate_sizes("batch_sizes", batch_sizes, high=m))
    evals_per_epoch = validate_int("evals_per_epoch", evals_per_epoch)
    results = []
    for b in sizes:
        every = max(1, num_minibatches(m, b) // evals_per_epoch)
        r = fewest_updates_rate(make_model, X, Y, b, learning_rates, target_cost, start=start,
                                eval_every=every, max_epochs=max_epochs, seed=seed)
        if r.reached:  # larger batches take larger rates: start the next size here
            start = r.learning_rate
        results.append(r)
    return results


def _log_residuals(log_B_noise, B: np.ndarray, log_S: np.ndarray) -> tuple:
    """For each log B_noise (k,): the least-squares misfit of log S, and the best log S_min
    for it (closed form: the mean of log S - log(1 + B_noise / B), a geometric mean)."""
    log_shape = np.log1p(np.exp(np.atleast_1d(log_B_noise))[:, None] / B)  # (k, n)
    log_s_min = np.mean(log_S - log_shape, axis=1)  # (k,)
    return np.sum((log_S - log_s_min[:, None] - log_shape) ** 2, axis=1), log_s_min


def fit_steps_model(batch_sizes, updates) -> tuple[float, float]:
    """Fit S = S_min (1 + B_noise / B) to measured updates; returns (S_min, B_noise).

    McCandlish et al. (2018, arXiv:1812.06162) write the model with B_noise; fitted to the
    updates to one target, the B it returns is their critical batch size B_crit, the knee
    where S = 2 S_min (a size twice as large still cuts the updates by a third).

    batch_sizes: B, numbers > 0, at least two different ones; updates: S, those measured at
    each, numbers > 0. A size whose target was not reached (updates -1, None, inf or nan)
    says nothing about S(B) and is refused, by index: leave it out before fitting.
    The updates span decades, so the fit minimises squared errors of log S (relative errors):
    for each B_noise the best S_min is closed-form (a geometric mean); B_noise is first found
    on a log grid from min(B) / 100 to max(B) * 100, then refined between the grid points
    around the best (golden-section search), so data made by the model give back its values.
    Raises ValueError if the best B_noise is at an end of that range (updates that fall like
    1 / B everywhere, or not at all: no B_noise in it describes them).
    """
    B = validate_values("batch_sizes", batch_sizes, low=0, low_open=True, min_size=2)
    S = validate_values("updates", updates, low=0, low_open=True, min_size=2,
                        why="A size whose target was not reached (updates -1, None, inf or nan) "
                         "cannot be fitted: leave it out")
    if B.size != S.size:
        raise ValueError(f"batch_sizes and updates must have the same length, got {B.size} and "
                         f"{S.size}")
    if np.ptp(B) == 0:
        raise ValueError(f"batch_sizes must hold at least two different sizes, got {B.tolist()}")
    log_S = np.log(S)
    grid = np.log(np.geomspace(B.min() / 100, B.max() * 100, 2000))
    k = int(np.argmin(_log_residuals(grid, B, log_S)[0]))
    if k in (0, len(grid) - 1):
        raise ValueError(f"no B_noise between min(B) / 100 and max(B) * 100 fits updates "
                         f"{S.tolist()} at batch_sizes {B.tolist()}: they fall like 1 / B "
                         "everywhere (B_noise beyond the sizes) or not at all (B_noise ~ 0)")
    lo, hi = grid[k - 1], grid[k + 1]  # golden-section search for the minimum between them
    g = (math.sqrt(5) - 1) / 2
    for _ in range(100):  # the bracket shrinks 0.618x per step: far below rounding after 100
        c, d = hi - g * (hi - lo), lo + g * (hi - lo)
        r_c, r_d = _log_residuals([c, d], B, log_S)[0]
        if r_c < r_d:
            hi = d
        else:
            lo = c
    log_b_noise = (lo + hi) / 2
    return math.exp(float(_log_residuals(log_b_noise, B, log_S)[1][0])), math.exp(log_b_noise)


def scaling_regimes(batch_sizes, updates, perfect: float = 0.7, diminishing: float = 1.5) -> list:
    """Name the regime of each step from one batch size to the next (Shallue et al. 2018).

    For consecutive sizes b0 < b1 with updates s0, s1: the updates fall s0 / s1 times for
    b1 / b0 times the batch; `share` = log(s0 / s1) / log(b1 / b0), the share of the perfect
    fall on a log scale: 1 for perfect scaling (k times the batch, 1/k of the updates), 0 for
    no fall at all.
    Regime: "near-perfect scaling" if share >= perfect (0 < perfect <= 1), else "diminishing
    returns" if the updates still fall at least `diminishing` times (>= 1), else "little or
    no gain". updates: whole numbers >= 1, one per size (a size that did not reach the target has
    no count: leave it out). Returns [(b0, b1, fall, share, regime), ...], one per step.
    """
    B = validate_sizes("batch_sizes", batch_sizes, increasing=True)
    S = [validate_int(f"updates[{i}]", s) for i, s in enumerate(updates)]
    perfect = validate_real("perfect", perfect, low=0, high=1, low_open=True)
    diminishing = validate_real("diminishing", diminishing, low=1)
    if len(B) != len(S) or len(B) < 2:
        raise ValueError(f"need two or more increasing batch sizes, one count of updates each; got "
                         f"batch_sizes {B} and updates {S}")
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
    and Hessian H, until |g| < tol (a few iterations). X: (n_x, m) finite numbers, Y: (1, m)
    of 0/1 labels. Computed in float64 whatever X's dtype (J* is a reference value), BLAS on
    one thread, as in training. max_iterations: 1 to 1,000; RuntimeError if |g| is still
    >= tol after them (no J* to trust).
    """
    m = validate_XY(X, Y)
    if Y.shape[0] != 1:
        raise ValueError(f"Y must have shape (1, m) for logistic regression, got {Y.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must hold finite numbers only, got nan or inf")
    if not np.all((Y == 0) | (Y == 1)):
        raise ValueError(f"Y must hold 0/1 labels, got values {np.unique(Y)[:5].tolist()}")
    max_iterations = validate_int("max_iterations", max_iterations, high=1000)
    tol = validate_real("tol", tol, low=0, high=1, low_open=True)
    A = np.vstack([X, np.ones((1, m))]).astype(np.float64)  # (n_x + 1, m): bias as a feature
    y = Y[0].astype(np.float64)
    w = np.zeros(A.shape[0])
    with threadpool_limits(1):
        for iteration in range(max_iterations + 1):
            z = w @ A
            p = np.exp(-np.logaddexp(0, -z))  # sigmoid(z) without overflow
            g = A @ (p - y) / m
            if np.linalg.norm(g) < tol:
                break
            if iteration == max_iterations:
                raise RuntimeError(f"Newton's method did not reach |g| < tol = {tol:g} in "
                                   f"{max_iterations} iterations (|g| = "
                                   f"{np.linalg.norm(g):.3g}); raise max_iterations or tol")
            H = (A * (p * (1 - p))) @ A.T / m
            w -= np.linalg.solve(H + 1e-12 * np.eye(len(w)), g)
    return float(np.mean(np.logaddexp(0, z) - y * z))
