"""Plots of training runs. Each function takes `ax=None`, draws on it (or on a new figure),
returns the Axes, never calls plt.show() and never changes global matplotlib settings.

The source's colours for the three methods: blue = batch GD, purple = SGD, green = mini-batch.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import ScalarFormatter

from .train import ewma

COLORS = {"batch": "tab:blue", "sgd": "tab:purple", "minibatch": "tab:green"}

X_AXES = {
    "iterations": ("updates (mini-batch steps)", "step"),
    "epochs": ("epochs (passes over the training set)", "epoch"),
    "examples": ("examples seen", "examples"),
    "seconds": ("training time (s)", "seconds"),
}


def method_color(batch_size: int, m: int) -> str:
    """The source's colour for a batch size: m -> blue, 1 -> purple, else green."""
    if batch_size == m:
        return COLORS["batch"]
    return COLORS["sgd"] if batch_size == 1 else COLORS["minibatch"]


def method_label(batch_size: int, m: int) -> str:
    if batch_size == m:
        return f"batch GD (b = m = {m:,})"
    if batch_size == 1:
        return "SGD (b = 1)"
    return f"mini-batch GD (b = {batch_size:,})"


def _new_ax(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    return ax


def _mark_diverged(ax, history, x, y, color):
    if history.diverged and len(x):
        ax.plot(x[-1], y[-1], "x", color=color, markersize=10, mew=2)
        ax.annotate("diverged", (x[-1], y[-1]), textcoords="offset points", xytext=(5, 5),
                    color=color)


def plot_cost(history, x="iterations", ax=None, label=None, color=None, logy=False, **kw):
    """Full-training-set cost at the evaluation points against one of four x-axes:
    "iterations" (updates), "epochs", "examples" (seen) or "seconds" (training time).

    Iterations, examples and seconds span decades between batch GD and SGD, so they are drawn
    on a log scale (the start, at 0, is then off the axis). A diverged run is drawn up to its
    last finite cost, marked "diverged" there. Extra keywords go to ax.plot.
    """
    if x not in X_AXES:
        raise ValueError(f"x must be one of {list(X_AXES)}, got {x!r}")
    ax = _new_ax(ax)
    xs = {
        "iterations": np.asarray(history.eval_updates, float),
        "epochs": np.asarray(history.eval_examples, float) / history.m,
        "examples": np.asarray(history.eval_examples, float),
        "seconds": np.asarray(history.eval_seconds, float),
    }[x]
    ys = np.asarray(history.eval_cost, float)
    finite = np.isfinite(ys)  # a diverged run ends in inf: draw up to its last finite cost
    xs, ys = xs[finite], ys[finite]
    color = color or method_color(history.batch_size, history.m)
    label = label or method_label(history.batch_size, history.m)
    if history.diverged:
        label += " (diverged)"
    ax.plot(xs, ys, color=color, label=label, **kw)
    _mark_diverged(ax, history, xs, ys, color)
    ax.set_xlabel(X_AXES[x][0])
    ax.set_ylabel("training cost J (whole training set)")
    if logy:
        ax.set_yscale("log")
        lo, hi = ax.get_ylim()
        if hi / lo < 100:  # under two decades: plain numbers read better than 2 x 10^0
            ax.yaxis.set_major_formatter(ScalarFormatter())
            ax.yaxis.set_minor_formatter(ScalarFormatter())
    if x != "epochs":
        ax.set_xscale("log")
    ax.legend()
    return ax


def plot_minibatch_cost(history, ax=None, smooth_beta=None, title=None):
    """Cost of every mini-batch step (what the 2017 assignment plots) with the epoch average
    over it (what the 2021 version plots): the same run, two different-looking curves."""
    ax = _new_ax(ax)
    steps = np.arange(1, len(history.step_cost) + 1)
    ax.plot(steps, history.step_cost, color="0.6", lw=0.8, label="cost of each mini-batch")
    per_epoch = -(-history.m // history.batch_size)
    epoch_ends = np.arange(1, len(history.epoch_cost) + 1) * per_epoch
    ax.plot(epoch_ends, history.epoch_cost, "o-", color=method_color(history.batch_size,
            history.m), label="epoch average")
    if smooth_beta is not None:
        ax.plot(steps, ewma(history.step_cost, smooth_beta), color="tab:orange",
                label=f"EWMA, beta = {smooth_beta} (bias-corrected)")
    ax.set_xlabel("updates (mini-batch steps)")
    ax.set_ylabel("cost J")
    ax.set_title(title or method_label(history.batch_size, history.m))
    ax.legend()
    return ax


def plot_contours(cost_fn, w1_range, w2_range, ax=None, levels=20, n=150):
    """Contours of cost_fn(w1, w2) (vectorised over grids) over the given ranges.

    Levels are spaced geometrically above the lowest cost on the grid, so the contours stay
    visible close to the minimum where the cost is flat.
    """
    ax = _new_ax(ax)
    w1, w2 = np.meshgrid(np.linspace(*w1_range, n), np.linspace(*w2_range, n))
    J = cost_fn(w1, w2)
    lo, hi = J.min(), J.max()
    ax.contour(w1, w2, J, levels=lo + (hi - lo) * np.geomspace(1e-4, 1, levels),
               colors="0.7", linewidths=0.8)
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    ax.set_aspect("equal")
    return ax


def plot_path(path, ax=None, label=None, color=None, marker=".", **kw):
    """A 2-D optimisation path (a sequence of parameter pairs) with its start and end marked."""
    ax = _new_ax(ax)
    P = np.asarray(path)
    ax.plot(P[:, 0], P[:, 1], marker=marker, ms=3, color=color, label=label, lw=1, **kw)
    ax.plot(P[0, 0], P[0, 1], "ks", ms=6)
    ax.plot(P[-1, 0], P[-1, 1], "o", color=color, ms=7, mec="k")
    ax.legend()
    return ax
