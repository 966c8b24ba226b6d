"""Reading cost curves: where a cost rises, how sharp the cost is, and fair comparisons.

    rises = cost_rises(history.eval_cost)       # how often and by how much the cost rose
    plot_cost_changes(history.eval_cost)        # J(t) - J(t-1) per iteration, rises marked
    lam = top_hessian_eigenvalue(model, X, Y)   # curvature of the sharpest direction
    tuned = tune_learning_rate(make_model, X, Y, 64, RATES, start=0.2, num_epochs=2)
    groups = rank_with_ties({"SGD": costs_sgd, "b = 64": costs_64})

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
    """

    batch_size: int
    grid: list
    costs: dict = field(default_factory=dict)
    runs: dict = field(default_factory=dict)

    @property
    def best_rate(self) -> float:
        return min(self.costs, key=self.costs.get)

    @property
    def bracketed(self) -> bool:
        """True if the grid rates just below and just above the best were tried and did worse."""
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
    tuning = Tuning(batch_size=batch_size, grid=grid)

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


@dataclass
class Entry:
    """One method in a contest: its learning-rate tuning and its runs at the best rate, one
    per seed (the first is the tuning run itself)."""

    tuning: Tuning
    runs: list

    @property
    def final_costs(self) -> list:
        return [h.final_cost for h in self.runs]


def contest(make_model, X, Y, batch_sizes, grid, starts: dict, seeds=(0, 1, 2),
            eval_every=None, **budget) -> dict:
    """Methods compared at one budget, each with its own learning rate tuned for that budget.

    For each batch size b: `tune_learning_rate` on seeds[0] starting from starts[b], then the
    best rate rerun on the other seeds. budget: num_epochs, max_updates and/or max_seconds,
    passed to `train` (give num_epochs large enough for a budget in updates or seconds).
    eval_every: an int, or {b: int} per batch size. Returns {b: Entry}.
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed, got none")
    results = {}
    for b in batch_sizes:
        if b not in starts:
            raise ValueError(f"starts has no learning rate to start from for batch size {b}")
        every = eval_every.get(b) if isinstance(eval_every, dict) else eval_every
        kw = dict(budget, eval_every=every)
        tuning = tune_learning_rate(make_model, X, Y, b, grid, starts[b], seed=seeds[0], **kw)
        best = tuning.best_rate
        runs = [tuning.runs[best]] + repeat_runs(make_model, X, Y, b, best, seeds[1:], **kw)
        results[b] = Entry(tuning, runs)
    return results


def contest_table(results: dict, names: dict, digits: int = 3) -> str:
    """The rates each method tried (with the cost each reached), the best one, and its final
    cost over the seeds as mean [min, max]. names: {batch size: name to print}."""
    lines = []
    for b, entry in results.items():
        t = entry.tuning
        tried = ", ".join(f"{lr:g} -> {c:.{digits}f}" if np.isfinite(c) else f"{lr:g} -> diverged"
                          for lr, c in sorted(t.costs.items()))
        v = np.array(entry.final_costs)
        edge = "" if t.bracketed else "  (not bracketed: best at an end of the grid, or tied)"
        lines.append(f"{names[b]}\n  rates tried (cost at the end): {tried}{edge}\n"
                     f"  best rate {t.best_rate:g}: cost {v.mean():.{digits}f} "
                     f"[{v.min():.{digits}f}, {v.max():.{digits}f}] over {v.size} seeds")
    return "\n".join(lines)
