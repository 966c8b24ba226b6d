"""Reading cost curves: where a cost rises, how sharp the cost is, and fair comparisons.

    rises = cost_rises(history.eval_cost)       # how often and by how much the cost rose
    plot_cost_changes(history.eval_cost)        # J(t) - J(t-1) per iteration, rises marked
    lam = top_hessian_eigenvalue(model, X, Y)   # curvature of the sharpest direction
    tuned = tune_learning_rate(make_model, X, Y, 64, RATES, start=0.2, num_epochs=2)
    groups = rank_with_ties({"SGD": costs_sgd, "b = 64": costs_64})
    effect = label_noise_effect(marked, cost_flipped, cost_clean)   # claim C3, measured

Comparing methods is fair only at the same budget (updates, epochs or seconds) and with each
method's learning rate tuned for that budget: `tune_learning_rate` walks a grid of rates until
the best one has a worse rate on each side, `repeat_runs` reruns the chosen rate on other
seeds, and `rank_with_ties` calls a tie when the spreads over the seeds overlap.
"""

from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from ._checks import check_int, check_positive_float, check_seed, check_XY
from .train import train


@dataclass
class Rises:
    """Where a sequence of costs J(0), J(1), ... rose.

    count       iterations t with J(t+1) > J(t)
    largest     the largest single rise J(t+1) - J(t) (0 if none)
    total       the sum of all rises
    first       the first t with J(t+1) > J(t) (None if none)
    falls_over_two   J(t+2) < J(t) for every t: a rise is always undone by the next step
    end_above_best   J(last) - min J: how far the last cost sits above the lowest reached
    """

    count: int
    largest: float
    total: float
    first: int | None
    falls_over_two: bool
    end_above_best: float

    @property
    def verdict(self) -> str:
        """The rule the course reads a batch-GD curve with (claim C1)."""
        if self.count == 0:
            return "falls on every iteration"
        if self.falls_over_two and self.end_above_best == 0:
            return "rises on some iterations, yet falls over every two: oscillates, still descends"
        return "the trend rises: learning rate too large (or a bug)"


def cost_rises(costs) -> Rises:
    """Count and size the rises of a cost curve (a sequence of at least 2 finite costs)."""
    J = np.asarray(costs, dtype=np.float64)
    if J.ndim != 1 or J.size < 2 or not np.all(np.isfinite(J)):
        raise ValueError(
            f"costs must be a 1-D sequence of at least 2 finite numbers, got {J.size} values "
            f"of shape {J.shape}"
        )
    d = np.diff(J)  # d[t] = J(t+1) - J(t)
    up = d > 0
    return Rises(
        count=int(up.sum()),
        largest=float(d.max()) if up.any() else 0.0,
        total=float(d[up].sum()),
        first=int(np.argmax(up)) if up.any() else None,
        falls_over_two=bool(np.all(J[2:] < J[:-2])),
        end_above_best=float(J[-1] - J.min()),
    )


def plot_cost_changes(costs, ax=None, label=None, color=None, ls="-", marker="o"):
    """The change of cost per iteration, J(t) - J(t-1) against t, with the rises (changes
    above 0) marked and a line at 0: what a cost curve hides when its rises are small.

    costs: J(0), J(1), ... (e.g. history.eval_cost of a batch-GD run). Returns the Axes;
    never calls plt.show(). Pass `ylim` to the Axes afterwards to zoom on the small changes.
    """
    import matplotlib.pyplot as plt  # here: the rest of the module does not need matplotlib

    from .plotting import OTHER, legend

    r = cost_rises(costs)  # checks the input
    dJ = np.diff(np.asarray(costs, dtype=np.float64))  # dJ[t-1] = J(t) - J(t-1)
    t = np.arange(1, dJ.size + 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    line, = ax.plot(t, dJ, color=color, ls=ls, label=label)
    if r.count:
        up = dJ > 0
        ax.plot(t[up], dJ[up], marker, color=line.get_color(), ls="none",
                label=f"{label}: a rise" if label else "a rise")
    ax.axhline(0, color=OTHER["light grey"], lw=1, zorder=0)
    ax.set_xlabel("iteration t (count)")
    ax.set_ylabel("change of cost J(t) - J(t-1) (no unit)")
    legend(ax)
    return ax


def _flat_grads(model, X, Y) -> np.ndarray:
    _, grads = model.loss_and_grads(X, Y)
    return np.concatenate([grads["d" + name].ravel() for name in model.params])


def top_hessian_eigenvalue(model, X, Y, iters: int = 30, eps: float = 1e-4, seed=0) -> float:
    """The largest eigenvalue of the Hessian of the cost on (X, Y) at the model's parameters:
    the curvature L of the sharpest direction. Gradient descent with a learning rate above 2 / L
    overshoots along that direction on every step.

    Power iteration: v <- H v / |H v|, with H v from two gradients,
    H v ~ (grad J(theta + eps v) - grad J(theta - eps v)) / (2 eps). X: (n_x, m), Y: (n_y, m).
    The model's parameters are restored afterwards. Assumes the largest eigenvalue is also the
    largest in size (true where the cost is convex, as for softmax regression).
    """
    check_XY(X, Y)
    iters = check_int("iters", iters)
    eps = check_positive_float("eps", eps)
    check_seed("seed", seed)
    theta = model.get_flat()
    v = np.random.default_rng(seed).standard_normal(theta.size)
    v /= np.linalg.norm(v)
    lam = 0.0
    with threadpool_limits(1):
        try:
            for _ in range(iters):
                model.set_flat(theta + eps * v)
                g_plus = _flat_grads(model, X, Y)
                model.set_flat(theta - eps * v)
                Hv = (g_plus - _flat_grads(model, X, Y)) / (2 * eps)
                lam = float(np.dot(v, Hv))  # Rayleigh quotient, v of unit length
                v = Hv / np.linalg.norm(Hv)
        finally:
            model.set_flat(theta)
    return lam


@dataclass
class Tuning:
    """The learning rates tried for one batch size and budget, and the best of them.

    costs[lr]   full training cost at the end of the budget (inf if the run diverged)
    runs[lr]    the History of each run
    grid        the whole grid the rates were taken from
    seed        the shuffling seed of every run: the search is judged on this one seed
    """

    batch_size: int
    grid: list
    seed: object = 0
    costs: dict = field(default_factory=dict)
    runs: dict = field(default_factory=dict)

    @property
    def best_rate(self) -> float:
        return min(self.costs, key=self.costs.get)

    @property
    def bracketed(self) -> bool:
        """True if the grid rates just below and just above the best were tried and did worse
        (on the tuning seed: see `Entry.tied_rates` for neighbours within the seed spread)."""
        k = self.grid.index(self.best_rate)
        if k == 0 or k == len(self.grid) - 1:
            return False
        best = self.costs[self.best_rate]
        return all(self.grid[j] in self.costs and self.costs[self.grid[j]] > best
                   for j in (k - 1, k + 1))


def tune_learning_rate(make_model, X, Y, batch_size: int, grid, start: float,
                       **train_kwargs) -> Tuning:
    """Find the learning rate of `grid` with the lowest training cost at the end of a budget.

    make_model(): a fresh model (the same initial parameters each call). The budget and the
    other options go to `train` (num_epochs, max_updates or max_seconds; seed, eval_every).
    Starting from `start` (a rate in the grid), walk up the grid while the cost falls, else
    down, and stop at the first rate on each side of the best that does worse: the best is then
    bracketed (`Tuning.bracketed`) unless it sits at an end of the grid. A diverged run counts
    as cost inf.
    """
    grid = [float(r) for r in grid]
    if len(grid) < 3 or sorted(grid) != grid or len(set(grid)) != len(grid):
        raise ValueError(f"grid must hold at least 3 increasing learning rates, got {grid!r}")
    if float(start) not in grid:
        raise ValueError(f"start must be one of the grid's rates {grid}, got {start!r}")
    check_XY(X, Y)
    tuning = Tuning(batch_size=batch_size, grid=grid, seed=train_kwargs.get("seed", 0))

    def cost(k):
        lr = grid[k]
        if lr not in tuning.costs:
            h = train(make_model(), X, Y, batch_size, lr, **train_kwargs)
            tuning.runs[lr] = h
            tuning.costs[lr] = np.inf if h.diverged else h.final_cost
        return tuning.costs[lr]

    k = grid.index(float(start))
    step = 1 if k + 1 < len(grid) and cost(k + 1) < cost(k) else -1
    while 0 <= k + step < len(grid) and cost(k + step) < cost(k):
        k += step
    for j in (k - 1, k + 1):  # make sure both neighbours of the best were tried
        if 0 <= j < len(grid):
            cost(j)
    return tuning


def repeat_runs(make_model, X, Y, batch_size: int, learning_rate, seeds, **train_kwargs) -> list:
    """One History per seed (the seed of the shuffling), the same model start for all."""
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed, got none")
    return [train(make_model(), X, Y, batch_size, learning_rate, seed=s, **train_kwargs)
            for s in seeds]


def rank_with_ties(samples: dict) -> list[list]:
    """Rank by mean (lowest first); names whose ranges [min, max] overlap share a group (a tie).

    samples: {name: sequence of values, e.g. final costs over seeds}. Returns a list of
    groups, each a list of names: [["SGD", "b = 64"], ["batch GD"]] means the first two tie
    and both beat the third. Groups chain: a name joins the current group if its range
    overlaps the range of any name already in it.
    """
    if not samples:
        raise ValueError("samples must hold at least one name, got none")
    stats = {}
    for name, values in samples.items():
        v = np.asarray(values, dtype=np.float64)
        if v.ndim != 1 or v.size == 0:
            raise ValueError(f"samples[{name!r}] must be a non-empty 1-D sequence, got {v.shape}")
        stats[name] = (float(v.mean()), float(v.min()), float(v.max()))
    groups, group_top = [], -np.inf  # group_top: the highest value in the current group
    for name in sorted(stats, key=lambda n: stats[n][0]):
        _, lo, hi = stats[name]
        if groups and lo <= group_top:
            groups[-1].append(name)
            group_top = max(group_top, hi)
        else:
            groups.append([name])
            group_top = hi
    return groups


def ranking_text(groups) -> str:
    """'A < B = C' style text for the groups of `rank_with_ties` ('=' marks a tie)."""
    return " < ".join(" = ".join(group) for group in groups)


# How the runs of one method in a contest differ from each other (Entry.kind).
KINDS = {
    "seeds": "over {n} seeds",
    "one run": "one run (no shuffling and no time budget: every seed gives the same)",
    "repeats": "over {n} repeats (no shuffling: the spread is timing jitter, the updates that "
               "fit in the budget: {updates})",
}


@dataclass
class Entry:
    """One method in a contest: its learning-rate tuning and its runs at the best rate (the
    first is the tuning run itself, on the first seed).

    kind: "seeds" (runs differ by the shuffling seed), "one run" (batch GD on a budget in
    updates or epochs: nothing random, one run stands for every seed) or "repeats" (batch GD
    on a budget in seconds: the repeats differ only by how many updates fit in the time).
    """

    tuning: Tuning
    runs: list
    kind: str = "seeds"

    @property
    def final_costs(self) -> list:
        return [h.final_cost for h in self.runs]

    @property
    def spread(self) -> float:
        """max - min of the final costs over the runs (0 for one run)."""
        return float(np.max(self.final_costs) - np.min(self.final_costs))

    @property
    def tied_rates(self) -> list:
        """Other rates tried whose cost (on the tuning seed) came within `spread` of the best
        rate's: run-to-run noise could swap them, so they tie with the best."""
        t = self.tuning
        best = t.costs[t.best_rate]
        return sorted(lr for lr, c in t.costs.items()
                      if lr != t.best_rate and c - best <= self.spread)


def contest(make_model, X, Y, batch_sizes, grid, starts: dict, seeds=(0, 1, 2),
            eval_every=None, **budget) -> dict:
    """Methods compared at one budget, each with its own learning rate tuned for that budget.

    For each batch size b: `tune_learning_rate` on seeds[0] starting from starts[b], then the
    best rate rerun on the other seeds. budget: num_epochs, max_updates and/or max_seconds,
    passed to `train` (give num_epochs large enough for a budget in updates or seconds).
    Batch GD (b = m) does not shuffle: without a time budget its runs would all be the same,
    so it runs once; with one, it is repeated (the repeats differ by timing only).
    eval_every: an int, or {b: int} per batch size. Returns {b: Entry}.
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed, got none")
    m = check_XY(X, Y)
    results = {}
    for b in batch_sizes:
        if b not in starts:
            raise ValueError(f"starts has no learning rate to start from for batch size {b}")
        every = eval_every.get(b) if isinstance(eval_every, dict) else eval_every
        kw = dict(budget, eval_every=every)
        tuning = tune_learning_rate(make_model, X, Y, b, grid, starts[b], seed=seeds[0], **kw)
        best = tuning.best_rate
        kind = "seeds" if b < m else ("repeats" if budget.get("max_seconds") else "one run")
        more = [] if kind == "one run" else repeat_runs(make_model, X, Y, b, best, seeds[1:],
                                                        **kw)
        results[b] = Entry(tuning, [tuning.runs[best]] + more, kind)
    return results


def contest_table(results: dict, names: dict, digits: int = 3) -> str:
    """The rates each method tried (with the cost each reached on the tuning seed), the best
    one, its final cost as mean [min, max] over the runs, and the rates that tie with it.
    names: {batch size: name to print}."""
    lines = []
    for b, entry in results.items():
        t = entry.tuning
        tried = ", ".join(f"{lr:g} -> {c:.{digits}f}" if np.isfinite(c) else f"{lr:g} -> diverged"
                          for lr, c in sorted(t.costs.items()))
        v = np.array(entry.final_costs)
        edge = "" if t.bracketed else "  (not bracketed: best at an end of the grid, or tied)"
        updates = ", ".join(str(h.updates) for h in entry.runs) if entry.kind == "repeats" else ""
        over = KINDS[entry.kind].format(n=v.size, updates=updates)
        cost = (f"{v[0]:.{digits}f}" if v.size == 1
                else f"{v.mean():.{digits}f} [{v.min():.{digits}f}, {v.max():.{digits}f}]")
        ties = ", ".join(f"{lr:g}" for lr in entry.tied_rates)
        rates = "rates" if len(entry.tied_rates) > 1 else "rate"
        tied = f"\n  tied with it (within that spread, a tie): {rates} {ties}" if ties else ""
        judged = f"seed {t.seed}" if entry.kind == "seeds" else "one run each"
        lines.append(f"{names[b]}\n  rates tried, cost at the end ({judged}): "
                     f"{tried}{edge}\n  best rate {t.best_rate:g}: cost {cost} {over}{tied}")
    return "\n".join(lines)


@dataclass
class NoiseEffect:
    """How much of the mini-batch cost's spread the mislabelled examples explain (claim C3).

    r_noisy, r_clean   correlation of a mini-batch's cost with its count of marked examples,
                       labels flipped / the same examples with clean labels (the baseline)
    slope, intercept   least-squares line cost ~ slope * count + intercept (flipped labels):
                       slope is what one flipped example adds to a mini-batch's cost
    spread_ratio       std of the flipped-label costs / std of the baseline's
    left_over_ratio    std of what the line leaves over / std of the baseline's: near 1
                       means that, count accounted for, the rest is ordinary sampling noise
    """

    mean_noisy: float
    mean_clean: float
    std_noisy: float
    std_clean: float
    r_noisy: float
    r_clean: float
    slope: float
    intercept: float
    spread_ratio: float
    left_over_ratio: float

    def table(self) -> str:
        """The measurements as the notebook prints them (3 decimals, 2 for r)."""
        return "\n".join([
            "labels            | mean cost | spread (std) | correlation r with marked count",
            f"30 flipped        | {self.mean_noisy:9.3f} | {self.std_noisy:12.3f} | "
            f"{self.r_noisy:5.2f}",
            f"clean (baseline)  | {self.mean_clean:9.3f} | {self.std_clean:12.3f} | "
            f"{self.r_clean:5.2f}",
            f"flipped labels make the spread {self.spread_ratio:.1f} times the baseline's; each "
            f"flipped example in a mini-batch adds {self.slope:.2f} to its cost",
            f"spread left once the count is accounted for: {self.left_over_ratio:.2f} times "
            "the baseline's",
        ])


def label_noise_effect(marked, cost_noisy, cost_clean) -> NoiseEffect:
    """Measure claim C3 on two runs over the same mini-batches: one with some labels flipped,
    the baseline with them clean.

    marked: count of marked (flipped) examples in each mini-batch; cost_noisy, cost_clean:
    each mini-batch's cost in the two runs (same length, in the same order).
    """
    k = np.asarray(marked, dtype=np.float64)
    a = np.asarray(cost_noisy, dtype=np.float64)
    c = np.asarray(cost_clean, dtype=np.float64)
    for name, v in (("marked", k), ("cost_noisy", a), ("cost_clean", c)):
        if v.ndim != 1 or v.size < 3 or not np.all(np.isfinite(v)):
            raise ValueError(f"{name} must be a 1-D sequence of at least 3 finite numbers, "
                             f"got shape {v.shape}")
    if not a.size == c.size == k.size:
        raise ValueError(f"marked, cost_noisy and cost_clean must have the same length, got "
                         f"{k.size}, {a.size} and {c.size}")
    for name, v in (("marked", k), ("cost_noisy", a), ("cost_clean", c)):
        if np.ptp(v) == 0:
            raise ValueError(f"{name} must not be constant (a correlation needs variation), "
                             f"got every value {v[0]:g}")
    slope, intercept = np.polyfit(k, a, 1)
    left_over = a - (slope * k + intercept)  # the part of the cost the count does not explain
    return NoiseEffect(
        mean_noisy=float(a.mean()), mean_clean=float(c.mean()),
        std_noisy=float(a.std()), std_clean=float(c.std()),
        r_noisy=float(np.corrcoef(k, a)[0, 1]), r_clean=float(np.corrcoef(k, c)[0, 1]),
        slope=float(slope), intercept=float(intercept),
        spread_ratio=float(a.std() / c.std()),
        left_over_ratio=float(left_over.std() / c.std()),
    )
