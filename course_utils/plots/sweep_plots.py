"""The figures of notebook 04's sweeps: claim C7 against m, and updates to a target against b.

measure/sweep.py computes them. matplotlib's pyplot is imported inside each function.
"""

import numpy as np

from ..core.validate import (
    validate_bool,
    validate_choice,
    validate_int,
    validate_real,
    validate_sizes,
)
from ..measure.sweep_comparison import Comparison, crossover
from ..measure.sweep_tuning import TargetResult
from .plotting import OTHER, legend, log_ticks, method_label, method_style


def plot_comparisons(comparisons, axes=None, rule_m: int | None = None, bracket: bool = True,
                     **legend_kw):
    """Claim C7 in two panels, against the training-set size m (log-log):
    left, the time to the target of batch GD and of the best mini-batch size (median, with
    the spread of the rounds: 2nd fastest to 2nd slowest) and the crossover bracket; right,
    the examples each processed to reach the target (batch GD, and the mini-batch size
    needing the fewest).
    comparisons: Comparisons in increasing order of m, each with at least 3 rounds.
    axes: two Axes (time, examples), or one Axes: the time panel only.
    rule_m: draw the rule's m (e.g. 2000). bracket: shade the crossover bracket (False: leave
    it to the printed verdict). legend_kw go to plotting.legend. Returns the Axes (a pair, or
    the one given).
    """
    import matplotlib.pyplot as plt  # here, not at the top: sweeps never need matplotlib

    comparisons = list(comparisons)
    if not comparisons or not all(isinstance(c, Comparison) for c in comparisons):
        raise TypeError("comparisons must be a non-empty list of Comparisons")
    if rule_m is not None:
        rule_m = validate_int("rule_m", rule_m)
    ms = [c.m for c in comparisons]
    low, high = crossover(ms, [c.verdict for c in comparisons])  # checks ms and the rounds
    single = axes is not None and hasattr(axes, "plot")  # one Axes: the time panel only
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(13, 5), layout="constrained")
    ax_t, ax_e = (axes, None) if single else axes
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
    if not single:
        ax_e.plot(ms, [c.runs[-1].examples for c in comparisons], label="batch GD (b = m)",
                  **batch)
        ax_e.plot(ms, [min(r.examples for r in c.runs[:-1]) for c in comparisons],
                  label="mini-batch, the size needing the fewest", **mini)
    if validate_bool("bracket", bracket) and low is not None and high is not None:
        ax_t.axvspan(low, high, facecolor=OTHER["light grey"], edgecolor=OTHER["grey"], lw=1,
                     label="crossover bracket")  # its edges show through a rule line on them
    ticks = ms[::2]
    y_values = (np.concatenate(drawn_ms),
                [c.runs[-1].examples for c in comparisons]
                + [min(r.examples for r in c.runs[:-1]) for c in comparisons])
    for ax, values in zip([ax_t] if single else axes, y_values):
        if rule_m is not None:
            ax.axvline(rule_m, color=OTHER["orange"], ls="-.", label=f"the rule's m = {rule_m:,}")
        ax.set(xscale="log", yscale="log", xlabel="training set size m (examples)")
        ax.set_xticks(ticks, [f"{x:,}" for x in ticks])
        ax.set_xticks([], minor=True)
        log_ticks(ax.yaxis, np.ravel(values))
        legend(ax, **legend_kw)
    ax_t.set(ylabel="time to the target (ms)")
    if single:
        return ax_t
    ax_e.set(ylabel="examples processed to the target (examples)")
    return ax_t, ax_e


def plot_targets(results, y: str = "updates", fit=None, ax=None, **legend_kw):
    """Updates (y="updates") or training seconds (y="seconds") to the target against the
    batch size, from time_to_target results (log-log). Each point has its method's marker:
    SGD (b = 1), mini-batch GD, batch GD (the largest size, b = m). fit: (S_min, B_crit)
    from fit_steps_model, drawn with the line of perfect scaling (y="updates" only).
    results: TargetResults that each reached the target (leave the others out), sizes
    increasing. legend_kw go to plotting.legend. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    y = validate_choice("y", y, ("updates", "seconds"))
    results = list(results)
    if not results or not all(isinstance(r, TargetResult) for r in results):
        raise TypeError("results must be a non-empty list of TargetResults")
    missed = [r.batch_size for r in results if not r.reached]
    if missed:
        raise ValueError(f"results must each have reached the target; batch sizes {missed} did "
                         "not (no updates to draw): leave them out")
    validate_sizes("the results' batch sizes", [r.batch_size for r in results], increasing=True)
    if fit is not None:
        if len(fit) != 2:
            raise ValueError(f"fit must be (S_min, B_crit), got {fit!r}")
        fit = tuple(validate_real(name, v, low=0, low_open=True)
                    for name, v in zip(("fit[0] (S_min)", "fit[1] (B_crit)"), fit))
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    B = np.array([r.batch_size for r in results])
    m = int(B.max())
    v = np.array([r.updates if y == "updates" else r.seconds * 1e3 for r in results], float)
    if y == "updates" and fit is not None:
        s_min, b_crit = fit
        Bf = np.geomspace(B.min(), B.max(), 100)
        floor = 0.5 * min(v.min(), s_min)  # the perfect-scaling line stops here
        keep = v[0] * B[0] / Bf >= floor
        ax.plot(Bf[keep], v[0] * B[0] / Bf[keep], "--", color=OTHER["black"], lw=1,
                label=f"perfect scaling from b = {B[0]:,}")
        ax.plot(Bf, s_min * (1 + b_crit / Bf), "-.", color=OTHER["vermillion"], lw=2.2,
                label=f"fit S_min (1 + B_crit / b), B_crit = {b_crit:.0f}")
    if fit is None:  # a thin line joins the points (under a fit, the fit does)
        ax.plot(B, v, color=OTHER["light grey"], lw=1, zorder=1)
    for b, value in zip(B, v):
        style = {k: s for k, s in method_style(b, m).items() if k != "ls"}
        label = "mini-batch GD" if 1 < b < m else method_label(b, m)
        ax.plot(b, value, ls="none", ms=8, label=label, **style)
    ax.set(xscale="log", yscale="log", xlabel="mini-batch size b (examples)",
           ylabel="updates to the target (updates)" if y == "updates"
           else "training time to the target (ms)")
    log_ticks(ax.xaxis, B, steps=(1,), beyond=False)
    log_ticks(ax.yaxis, np.concatenate([line.get_ydata() for line in ax.get_lines()]))
    if y == "updates" and fit is not None:  # after the ticks: its y runs over the whole axis
        ax.axvline(fit[1], color=OTHER["grey"], ls="-.", lw=1,
                   label=f"B_crit = {fit[1]:.0f} examples")
        ax.axhline(fit[0], color=OTHER["grey"], ls=":", lw=1,
                   label=f"S_min = {fit[0]:.0f} updates")
    legend(ax, **legend_kw)
    return ax
