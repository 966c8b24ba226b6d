"""Reading cost curves: where a cost rises, and fair comparisons.

    smooth = ewma(history.step_cost, beta=0.9)  # the exponentially weighted average
    rises = cost_rises(history.eval_cost)       # how often and by how much the cost rose
    effect = label_noise_effect(marked, cost_flipped, cost_clean)   # claim C3, measured

Fair comparisons of methods at one budget (`lowest_cost_rate`, `repeat_runs`, `contest`,
`contest_table`, `rank_with_ties`, `ranking_text`, `Tuning`, `Entry`) live in
`curves_contest` and are called from here too, as cu.curves.<name>. The figure of the cost
changes, with the rises marked, is plots/curves_plots.py's `plot_cost_changes`.
"""

from dataclasses import dataclass

import numpy as np

from ..core.validate import (
    validate_bool,
    validate_real,
    validate_values,
)
from .curves_contest import (
    KINDS,
    Entry,
    Tuning,
    contest,
    contest_table,
    lowest_cost_rate,
    rank_with_ties,
    ranking_text,
    repeat_runs,
)

__all__ = [
    "KINDS", "Entry", "NoiseEffect", "Rises", "Tuning", "contest", "contest_table",
    "cost_rises", "ewma", "label_noise_effect", "lowest_cost_rate", "rank_with_ties",
    "ranking_text", "repeat_runs",
]


@dataclass
class Rises:
    """Where a sequence of costs J(0), J(1), ... rose.

    count       iterations t with J(t+1) > J(t)
    largest     the largest single rise J(t+1) - J(t) (0 if none)
    total       the sum of all rises
    first       the first iteration t whose cost rose, J(t) > J(t-1) (None if none): the t
                of the first rise marked by plot_cost_changes
    falls_over_two   J(t+2) < J(t) for every t: a rise is always undone by the next step
    end_above_best   J(last) - min J: how far the last cost sits above the lowest reached
    end_above_start  J(last) - J(0): above 0, the run ended higher than it started
    smallest_change  the closest call of the comparisons above: the smallest |J(t+1) - J(t)|,
                     |J(t+2) - J(t)|, |J(last) - min of the earlier J| and |J(last) - J(0)|;
                     the counts and the verdict hold on any machine when it is far above
                     rounding (1e-12 J, say)
    """

    count: int
    largest: float
    total: float
    first: int | None
    falls_over_two: bool
    end_above_best: float
    smallest_change: float = np.nan
    end_above_start: float = np.nan

    @property
    def verdict(self) -> str:
        """The rule the course reads a batch-GD curve with (claim C1), naming what was seen:

        falls on every iteration; else ends above its start (the trend rises); else ends at
        its lowest, falling over every two iterations (a clean two-step oscillation) or not;
        else it does not settle: it rises and falls and ends above its lowest cost.
        """
        if self.count == 0:
            return "falls on every iteration"
        if self.end_above_start > 0:
            return "the trend rises: ends above its start (learning rate too large, or a bug)"
        if self.end_above_best == 0:
            if self.falls_over_two:
                return ("rises on some iterations, yet falls over every two: oscillates, "
                        "still descends")
            return "rises on some iterations, yet ends at its lowest"
        return "does not settle: ends above its lowest cost (learning rate too large, or a bug)"


def cost_rises(costs) -> Rises:
    """Count and size the rises of a cost curve (a sequence of at least 2 finite costs).

    A rise is J(t+1) > J(t) exactly, so `count` can change between machines only where two
    costs are equal to within rounding: see `smallest_change`."""
    if np.ndim(costs) != 1:
        raise ValueError(f"costs must be a 1-D sequence of at least 2 finite numbers, got shape "
                         f"{np.shape(costs)}")
    J = validate_values("costs", costs, min_size=2)
    d = np.diff(J)  # d[t] = J(t+1) - J(t)
    up = d > 0
    return Rises(
        count=int(up.sum()),
        largest=float(d.max()) if up.any() else 0.0,
        total=float(d[up].sum()),
        first=int(np.argmax(up)) + 1 if up.any() else None,  # d[t-1] = J(t) - J(t-1)
        falls_over_two=bool(np.all(J[2:] < J[:-2])),
        end_above_best=float(J[-1] - J.min()),
        smallest_change=float(min(np.abs(d).min(), np.abs(J[2:] - J[:-2]).min(initial=np.inf),
                                  abs(J[-1] - J[:-1].min()), abs(J[-1] - J[0]))),
        end_above_start=float(J[-1] - J[0]),
    )


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


def ewma(values, beta: float = 0.9, bias_correction: bool = True) -> np.ndarray:
    """Exponentially weighted average v_t = beta v_(t-1) + (1 - beta) x_t, v_0 = 0
    (指数加权平均, §2.3-2.4 of the source course).

    Roughly an average over the last 1 / (1 - beta) values. With bias_correction (偏差修正,
    §2.5) it returns v_t / (1 - beta^t): the weights of v_t sum to 1 - beta^t, not 1, because
    v_0 = 0; dividing by that sum removes the pull towards 0 of the first steps.
    values: a 1-D sequence of finite numbers (an empty one gives an empty array).
    """
    beta = validate_real("beta", beta, low=0, high=1, high_open=True)
    bias_correction = validate_bool("bias_correction", bias_correction)
    values = validate_values("values", values, min_size=0)
    out = np.empty_like(values)
    v = 0.0
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out[t - 1] = v / (1 - beta**t) if bias_correction else v
    return out
