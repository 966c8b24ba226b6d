"""The figure of notebook 02's cost changes: J(t) - J(t-1) with the rises marked
(measure/curves.py finds them). matplotlib's pyplot is imported inside the function.
"""

import numpy as np

from ..measure.curves import cost_rises
from .plotting import OTHER, legend


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
