"""Fair comparisons of methods: each one's learning rate tuned for the same budget.

Part of `curves` (notebooks call these as cu.curves.<name>).

    tuned = lowest_cost_rate(make_model, X, Y, 64, RATES, start=0.2, epochs=2)
    results = contest(make_model, X, Y, [m, 64, 1], RATES, starts, seeds=(0, 1, 2), epochs=1)
    print(contest_table(results, names))
    groups = rank_with_ties({"SGD": costs_sgd, "b = 64": costs_64})

Comparing methods is fair only at the same budget (updates, epochs or seconds) and with each
method's learning rate tuned for that budget: `lowest_cost_rate` walks a grid of rates (the
walk of `sweep_tuning`) until the best one has a worse rate on each side, `repeat_runs`
reruns the chosen rate on other seeds, and `rank_with_ties` calls a tie when the spreads
over the seeds overlap.
"""

from dataclasses import dataclass, field

import numpy as np

from ..core.train import train
from ..core.validate import (
    validate_callable,
    validate_choice,
    validate_int,
    validate_seed,
    validate_sizes,
    validate_XY,
)
from .sweep_tuning import walk_learning_rates


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
        if not self.costs:
            raise ValueError("no learning rate has been tried yet: costs is empty")
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


def lowest_cost_rate(make_model, X, Y, batch_size: int, learning_rates, start=None,
                     **train_kwargs) -> Tuning:
    """The learning rate of the grid with the lowest training cost at the end of a budget.

    make_model(): a fresh model (the same initial parameters each call). learning_rates,
    start: the grid and where its walk begins (`sweep_tuning.walk_learning_rates`: the best
    is bracketed, `Tuning.bracketed`, unless it sits at an end of the grid). The budget and
    the other options go to `train` (epochs, max_updates or max_seconds; seed,
    eval_every). A diverged run counts as cost inf.
    """
    validate_callable("make_model", make_model)
    m = validate_XY(X, Y)
    batch_size = validate_int("batch_size", batch_size, high=m)
    tuning = Tuning(batch_size=batch_size, grid=[], seed=train_kwargs.get("seed", 0))

    def final_cost(rate):
        h = train(make_model(), X, Y, batch_size, rate, **train_kwargs)
        tuning.runs[rate] = h
        tuning.costs[rate] = np.inf if h.diverged else h.final_cost
        return tuning.costs[rate]

    tuning.grid, _ = walk_learning_rates(final_cost, learning_rates, start)
    tuning.costs = dict(sorted(tuning.costs.items()))
    tuning.runs = dict(sorted(tuning.runs.items()))
    return tuning


def _validate_seeds(seeds) -> list:
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed, got none")
    for i, s in enumerate(seeds):
        validate_seed(f"seeds[{i}]", s)
    return seeds


def repeat_runs(make_model, X, Y, batch_size: int, learning_rate, seeds, **train_kwargs) -> list:
    """One History per seed (the seed of the shuffling), the same model start for all."""
    validate_callable("make_model", make_model)
    return [train(make_model(), X, Y, batch_size, learning_rate, seed=s, **train_kwargs)
            for s in _validate_seeds(seeds)]


def rank_with_ties(samples: dict) -> list[list]:
    """Rank lowest first; names whose ranges [min, max] overlap share a group (a tie).

    samples: {name: sequence of values, e.g. final costs over seeds}, each a non-empty 1-D
    sequence of numbers, inf allowed (a diverged run), nan not. Returns a list of groups,
    each a list of names: [["SGD", "b = 64"], ["batch GD"]] means the first two tie and both
    beat the third. Groups chain: a name joins a group if its range overlaps the range of
    any name in it, so every value of a group lies below every value of the next; within a
    group, names are ordered by their mean.
    """
    if not isinstance(samples, dict) or not samples:
        raise ValueError("samples must be a dict holding at least one name, got none")
    stats = {}
    for name, values in samples.items():
        v = np.asarray(values, dtype=np.float64)
        if v.ndim != 1 or v.size == 0 or np.isnan(v).any():
            raise ValueError(f"samples[{name!r}] must be a non-empty 1-D sequence of numbers "
                             f"(no nan), got shape {v.shape}")
        stats[name] = (float(v.mean()), float(v.min()), float(v.max()))
    groups, group_top = [], -np.inf  # group_top: the highest value in the current group
    for name in sorted(stats, key=lambda n: stats[n][1]):  # by lowest value: ranges in order
        _, lo, hi = stats[name]
        if groups and lo <= group_top:
            groups[-1].append(name)
            group_top = max(group_top, hi)
        else:
            groups.append([name])
            group_top = hi
    return [sorted(group, key=lambda n: stats[n][0]) for group in groups]


def ranking_text(groups) -> str:
    """'A < B = C' style text for the groups of `rank_with_ties` ('=' marks a tie)."""
    groups = [list(g) for g in groups]
    if not groups or not all(g and all(isinstance(n, str) for n in g) for g in groups):
        raise ValueError(f"groups must be rank_with_ties' non-empty lists of names, got {groups}")
    return " < ".join(" = ".join(group) for group in groups)


# How the runs of one method in a contest differ from each other (Entry.kind).
KINDS = {
    "seeds": "over {n} seeds",
    "one run": "one run (no shuffling and no time budget: every seed gives the same)",
    "repeats": "over {n} repeats (no shuffling: the range is timing jitter, the updates that "
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

    def __post_init__(self):
        validate_choice("kind", self.kind, KINDS)
        if not self.runs:
            raise ValueError("runs must hold at least one run, got none")

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


def contest(make_model, X, Y, batch_sizes, learning_rates, starts: dict, seeds=(0, 1, 2),
            eval_every=None, **budget) -> dict:
    """Methods compared at one budget, each with its own learning rate tuned for that budget.

    For each batch size b (1 to m, none twice): `lowest_cost_rate` on seeds[0] starting
    from starts[b], then the best rate rerun on the other seeds. budget: epochs,
    max_updates and/or max_seconds, passed to `train` (give epochs large enough for a
    budget in updates or seconds). Batch GD (b = m) does not shuffle: without a time budget
    its runs would all be the same, so it runs once; with one, it is repeated (the repeats
    differ by timing only). eval_every: an int, or {b: int} per batch size. Returns
    {b: Entry}.
    """
    seeds = _validate_seeds(seeds)
    m = validate_XY(X, Y)
    batch_sizes = validate_sizes("batch_sizes", batch_sizes, high=m)
    results = {}
    for b in batch_sizes:
        if b not in starts:
            raise ValueError(f"starts has no learning rate to start from for batch size {b}")
        every = eval_every.get(b) if isinstance(eval_every, dict) else eval_every
        kw = dict(budget, eval_every=every)
        tuning = lowest_cost_rate(make_model, X, Y, b, learning_rates, starts[b], seed=seeds[0],
                                  **kw)
        best = tuning.best_rate
        kind = "seeds" if b < m else ("repeats" if budget.get("max_seconds") else "one run")
        more = [] if kind == "one run" else repeat_runs(make_model, X, Y, b, best, seeds[1:],
                                                        **kw)
        results[b] = Entry(tuning, [tuning.runs[best]] + more, kind)
    return results


def contest_table(results: dict, names: dict, digits: int = 2) -> str:
    """The rates each method tried (with the cost each reached on the tuning seed), the best
    one, its final cost as mean [min, max] over the runs, and the rates that tie with it.
    names: {batch size: name to print}. digits: decimals of the costs, 0 to 6; the default 2
    (3 significant digits for costs from 1 to 10) keeps the printed table the same on any
    machine: a cost from training differs between CPUs and BLAS libraries only in digits far
    below those."""
    digits = validate_int("digits", digits, low=0, high=6)
    missing = [b for b in results if b not in names]
    if missing:
        raise ValueError(f"names has no name for batch sizes {missing}")
    lines = []
    for b, entry in results.items():
        t = entry.tuning
        tried = ", ".join(f"{lr:g} -> {c:.{digits}f}" if np.isfinite(c) else f"{lr:g} -> diverged"
                          for lr, c in sorted(t.costs.items()))
        v = np.array(entry.final_costs, dtype=np.float64)
        edge = "" if t.bracketed else "  (not bracketed: best at an end of the grid, or tied)"
        updates = ", ".join(str(h.updates) for h in entry.runs) if entry.kind == "repeats" else ""
        over = KINDS[entry.kind].format(n=v.size, updates=updates)
        cost = (f"{v[0]:.{digits}f}" if v.size == 1
                else f"{v.mean():.{digits}f} [{v.min():.{digits}f}, {v.max():.{digits}f}]")
        ties = ", ".join(f"{lr:g}" for lr in entry.tied_rates)
        rates = "rates" if len(entry.tied_rates) > 1 else "rate"
        tied = f"\n  tied with it (within that range, a tie): {rates} {ties}" if ties else ""
        judged = f"seed {t.seed}" if entry.kind == "seeds" else "one run each"
        lines.append(f"{names[b]}\n  rates tried, cost at the end ({judged}): "
                     f"{tried}{edge}\n  best rate {t.best_rate:g}: cost {cost} {over}{tied}")
    return "\n".join(lines)
