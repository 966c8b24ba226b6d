"""Notebook 02's figures of cost curves: the cost changes J(t) - J(t-1) with the rises marked
(measure/curves.py finds them), and the lecture's picture, the cost of each mini-batch for
several batch sizes side by side. matplotlib's pyplot is imported inside the functions.
"""

import numpy as np

from ..core.validate import validate_int, validate_real
from ..measure.curves import cost_rises
from .plotting import OTHER, X_AXES, legend, method_label, method_style


def plot_cost_changes(costs, ax=None, label=None, color=None, ls="-", marker="o"):
    """The change of cost per iteration, J(t) - J(t-1) against t, with the rises (changes
    above 0) marked and a line at 0: what a cost curve hides when its rises are small.

    costs: J(0), J(1), ... (e.g. history.eval_cost of a batch-GD run). Returns the Axes;
    never calls plt.show(). Pass `ylim` to the Axes afterwards to zoom on the small changes.
    """
    import matplotlib.pyplot as plt

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


def plot_each_minibatch_cost(histories, axes=None, title=None, top=None, max_points=2000,
                             rates=None, zoom=()):
    """The lecture's picture (§2.2) from real runs: one panel per run, on one shared y-axis,
    with the cost of each mini-batch as it was used (light grey: J{t} on the mini-batch just
    before its update) and the epoch average over it (the method's colour, line style and
    marker). x: epochs, examples seen / m, so that every panel spans the same passes over the
    data whatever the number of updates. A run of more than `max_points` updates (SGD) would
    fill its panel with a solid band: its costs are drawn as small dots instead, one for every
    k-th update (k the smallest that keeps at most max_points), so that where they crowd
    shows; the panel's title says which.

    histories: a non-empty list of History (e.g. b = m, 64 and 1, trained on the same data).
    axes: as many Axes as histories, sharing their y-axis, or None for a new row of panels.
    top: None, or the top of the shared y-axis (from 0), so that a narrow band stays readable
    beside SGD's spikes; a cost above it is cut off, marked by a small triangle at the top
    edge (a short grey tick), and each panel's title says how many were cut off.
    rates: None, or one learning rate per history, named in its panel's title.
    zoom: indices of the panels that get an inset (upper right) with the y range fitted to
    their own costs, so that a narrow band's oscillation shows beside the shared axis.
    Returns the Axes; never calls plt.show().
    """
    import matplotlib.pyplot as plt
    from matplotlib import patheffects

    histories = list(histories)
    if top is not None:
        top = validate_real("top", top, low=0, low_open=True)
    max_points = validate_int("max_points", max_points, low=2)
    if not histories or not all(hasattr(h, "step_cost") and len(h.step_cost) for h in histories):
        raise ValueError("histories must be a non-empty list of training histories with at "
                         f"least one recorded step each, got {len(histories)} item(s)")
    rates = None if rates is None else list(rates)
    if rates is not None and len(rates) != len(histories):
        raise ValueError(f"rates must hold one learning rate per history ({len(histories)}), "
                         f"got {len(rates)}")
    zoom = list(zoom)
    if not all(isinstance(k, int) and 0 <= k < len(histories) for k in zoom):
        raise ValueError(f"zoom must hold panel indices from 0 to {len(histories) - 1}, "
                         f"got {zoom}")
    if axes is None:
        _, axes = plt.subplots(1, len(histories), figsize=(4.2 * len(histories), 3.8),
                               layout="constrained", sharey=True)
    axes = list(np.atleast_1d(axes))
    if len(axes) != len(histories):
        raise ValueError(f"axes must hold one Axes per history ({len(histories)}), "
                         f"got {len(axes)}")
    for i, (ax, h) in enumerate(zip(axes, histories)):
        after = np.asarray(h.step_examples, dtype=np.float64)  # examples seen after step t
        before = np.concatenate([[0.0], after[:-1]])            # ... and before it
        # each cost at the middle of the examples it was measured on: J{t} at its mini-batch,
        # the epoch average at its epoch (for batch GD, one and the same point)
        x_mid, cost = (before + after) / 2 / h.m, np.asarray(h.step_cost, dtype=np.float64)
        every = -(-len(cost) // max_points)  # ceil: 1 draws every update
        if every == 1:
            ax.plot(x_mid, cost, color=OTHER["light grey"], lw=0.7,
                    label="cost of each mini-batch (batch GD: one per epoch, its average)")
        else:
            ax.plot(x_mid[::every], cost[::every], ".", ms=2, color=OTHER["grey"], alpha=0.5,
                    label=f"cost of every {every}th mini-batch (a dot each)")
        middles = np.arange(len(h.epoch_cost)) + 0.5
        name = method_label(h.batch_size, h.m)
        # thick, with a white rim, on top: it stays visible over SGD's cloud of dots
        ax.plot(middles, h.epoch_cost, **method_style(h.batch_size, h.m), lw=2.5, ms=7,
                zorder=4, path_effects=[patheffects.withStroke(linewidth=5, foreground="white")],
                label=f"epoch average, {name.split(' (')[0]}")
        ax.set(xlabel=X_AXES["epochs"][0], ylabel=r"cost $J^{\{t\}}$ of the mini-batch (no unit)",
               xlim=(0, max(len(h.epoch_cost), after[-1] / h.m)))
        same = " (each is its epoch's average)" if h.batch_size == h.m else ""
        cut = ""
        if top is not None:
            x_top, y = x_mid[::every], cost[::every]
            above = y > top
            # a short grey tick: a shape no method's marker uses
            mark, = ax.plot(x_top[above], np.full(above.sum(), top), "|", ms=4, clip_on=False,
                            color=OTHER["grey"], label=f"cut off: cost above {top:g}")
            mark.set_in_layout(False)  # on the top edge: not a reason to shrink the panel
            n_above = int(np.sum(np.asarray(h.step_cost) > top))
            cut = f"{n_above:,} of them above {top:g} (cut off)" if n_above else ""
            ax.set_ylim(0, top)
        shown = f", a dot for every {every}th" if every > 1 else ""
        if rates is not None:
            name = f"{name}, rate {rates[i]:g}"
        lines = [name, f"{len(h.step_cost):,} updates{shown}{same}"] + ([cut] if cut else [])
        ax.set_title("\n".join(lines))
        if i in zoom:   # the same costs and averages, on their own y range
            ins = ax.inset_axes([0.3, 0.6, 0.66, 0.3])
            ins.plot(x_mid, cost, color=OTHER["light grey"], lw=0.7)
            ins.plot(middles, h.epoch_cost, **method_style(h.batch_size, h.m), lw=1.5, ms=4)
            late = cost[x_mid >= 1] if np.any(x_mid >= 1) else cost   # after epoch 1
            pad = 0.05 * (late.max() - late.min()) + 1e-12
            ins.set(xlim=(min(1.0, x_mid[-1]), ax.get_xlim()[1]),
                    ylim=(late.min() - pad, late.max() + pad))
            ins.tick_params(labelsize=7)
            ins.set_title("zoom from epoch 1 on, y fitted to the costs", fontsize=7)
    handles = {}
    for ax in axes:  # one legend below the panels, each entry once
        for line in ax.get_lines():
            if len(line.get_xdata()):
                handles.setdefault(line.get_label(), line)
    fig = axes[0].figure
    fig.legend(list(handles.values()), list(handles), loc="outside lower center",
               ncols=min(len(handles), 3), fontsize=8)
    if title:
        fig.suptitle(title)
    return axes
