"""Plots of training runs, and the one figure convention every figure of the course follows.

Each function takes `ax=None`, draws on it (or on a new figure), returns the Axes, never calls
plt.show() and never changes global matplotlib settings.

The convention (checked by `convention_problems`, which tests and notebooks assert on):
- the source's colours for the three methods: batch GD blue and mini-batch GD (bluish) green
  from the colour-blind-safe Okabe-Ito set, SGD purple from ColorBrewer's colour-blind-safe
  purple-green scale (Okabe-Ito's "reddish purple" read as pink to learners); each method also
  has its own line style and marker, so colour is never the only cue (`method_style`);
- anything else uses `OTHER` colours (no sky blue: it reads as batch GD's blue), never the
  three method colours;
- legends sit outside the data (`legend`) and inside the figure, each entry named in full;
  paths show their start and end in the legend;
- every axis has a name and a unit in brackets; log axes only across decades, with plain
  tick labels (1, 10, 100), and the first point (x = 0) stays on the axis (`log_x`).

Helpers every figure may use: `log_ticks` labels a log axis with plain numbers (1, 2, 5, 10,
20, ...), `decimate` cuts a noisy curve to what a screen can show, keeping its envelope.

pyplot is imported only where a new figure is made: importing this module for its colours
and styles does not load it.
"""

import re

import numpy as np
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.lines import Line2D
from matplotlib.ticker import LogFormatter, NullLocator

from ..core.validate import (
    validate_bool,
    validate_callable,
    validate_choice,
    validate_int,
    validate_real,
    validate_values,
)
from ..measure.curves import ewma

COLORS = {"batch": "#0072B2", "sgd": "#7B3294", "minibatch": "#009E73"}
LINESTYLES = {"batch": "-", "sgd": ":", "minibatch": "--"}
MARKERS = {"batch": "o", "sgd": "x", "minibatch": "^"}
# The rest of the Okabe-Ito set, for anything that is not one of the three methods. Its sky
# blue is left out: next to batch GD's blue it reads as batch GD. Yellow only sparingly.
OTHER = {"orange": "#E69F00", "vermillion": "#D55E00", "black": "#000000",
         "grey": "#7F7F7F", "light grey": "#BBBBBB", "yellow": "#F0E442"}

X_AXES = {
    "iterations": ("updates (mini-batch steps)", "step"),
    "epochs": ("epochs (passes over the training set)", "epoch"),
    "examples": ("examples seen (count)", "examples"),
    "seconds": ("training time (s)", "seconds"),
}
COST_LABEL = "cost J on the whole training set (no unit)"
START_STYLE = dict(marker="s", color="k", ms=6, ls="none")
END_STYLE = dict(marker="*", mfc="white", mec="k", ms=11, ls="none")


def method_of(batch_size: int, m: int) -> str:
    """"batch" for b = m, "sgd" for b = 1, "minibatch" otherwise (1 <= batch_size <= m)."""
    m = validate_int("m", m)
    batch_size = validate_int("batch_size", batch_size, high=m)
    if batch_size == m:
        return "batch"
    return "sgd" if batch_size == 1 else "minibatch"


def method_style(batch_size: int, m: int) -> dict:
    """Keywords for ax.plot: the method's colour, line style and marker."""
    method = method_of(batch_size, m)
    return dict(color=COLORS[method], ls=LINESTYLES[method], marker=MARKERS[method])


def method_color(batch_size: int, m: int) -> str:
    """The source's colour for a batch size: m -> blue, 1 -> purple, else green."""
    return COLORS[method_of(batch_size, m)]


def method_label(batch_size: int, m: int) -> str:
    """The legend name of a batch size: "batch GD (b = m = 4,000)", "SGD (b = 1)" or
    "mini-batch GD (b = 64)" (1 <= batch_size <= m)."""
    method = method_of(batch_size, m)
    if method == "batch":
        return f"batch GD (b = m = {m:,})"
    if method == "sgd":
        return "SGD (b = 1)"
    return f"mini-batch GD (b = {batch_size:,})"


def _new_ax(ax):
    if ax is None:
        import matplotlib.pyplot as plt  # only here: the rest of the module never needs it

        _, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    return ax


def _plain(value, _pos=None) -> str:
    """Tick label without powers of ten: 0, 0.001, 1, 10, 1,000, 100,000."""
    if value == 0:
        return "0"
    if abs(value) >= 1:
        return f"{value:,.0f}"
    return f"{value:.10f}".rstrip("0")


class _PlainLogFormatter(LogFormatter):
    """matplotlib's log-axis labels (minor ticks labelled only across a short range), written
    as plain numbers instead of 1e-01 or 10^-1."""

    def _num_to_string(self, x, vmin, vmax):
        return _plain(x)


def plain_log_ticks(axis):
    """Plain labels (1, 10, 100) on the ticks matplotlib chooses for a log or symlog axis: for
    axes whose range changes (zoom, live figures). `log_ticks` instead picks the ticks for
    given values."""
    formatter = _PlainLogFormatter(labelOnlyBase=False, minor_thresholds=(1.5, 0.6))
    axis.set_major_formatter(formatter)
    axis.set_minor_formatter(formatter)


def log_ticks(axis, values, steps=None, max_ticks: int = 9, beyond: bool = True) -> list:
    """Label a log axis with plain numbers and no minor ticks; returns the ticks.

    The ticks are s x 10^k for s in `steps` (numbers in [1, 10), increasing; default: the
    first of (1, 2, 5), (1, 3) and (1,) giving at most max_ticks), from the last one at or
    below the smallest positive value to the first one at or above the largest, so a label
    lies beyond the data at both ends (the axis widens to show it). Values that are not
    finite or not > 0 cannot sit on a log axis and are skipped. beyond=False keeps only ticks
    inside the data's range (for an axis of sizes, say, that should end at the largest
    size). Call after the axis scale is set.
    """
    max_ticks = validate_int("max_ticks", max_ticks, low=2)
    beyond = validate_bool("beyond", beyond)
    if steps is not None:
        steps = validate_values("steps", steps).tolist()
        if steps != sorted(set(steps)) or steps[0] < 1 or steps[-1] >= 10:
            raise ValueError(f"steps must be increasing numbers in [1, 10), e.g. (1, 2, 5); "
                             f"got {steps}")
    v = np.asarray(values, float).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    if v.size == 0:
        raise ValueError("values must hold at least one finite number > 0")
    lo, hi = v.min() * (1 + 1e-9), v.max() * (1 - 1e-9)  # a value on a tick is that tick
    decades = range(int(np.floor(np.log10(lo))) - 1, int(np.ceil(np.log10(hi))) + 1)
    for s in [steps] if steps else [(1, 2, 5), (1, 3), (1,)]:
        grid = sorted(float(f"{c * 10.0**k:.6g}") for k in decades for c in s)
        first = max(t for t in grid if t <= lo)
        last = min(t for t in grid if t >= hi)
        inside = [t for t in grid if v.min() * (1 - 1e-9) <= t <= v.max() * (1 + 1e-9)]
        ticks = inside if not beyond and inside else [t for t in grid if first <= t <= last]
        if len(ticks) <= max_ticks:
            break
    axis.set_ticks(ticks, labels=[_plain(t) for t in ticks])
    axis.set_minor_locator(NullLocator())
    return ticks


def log_x(ax, x):
    """Put the x-axis on a symmetric-log scale whose linear part reaches the smallest positive
    x drawn on it, so that x = 0 (the start of training) stays on the axis instead of being
    dropped, as a log axis would. Call once per curve with that curve's x values."""
    positive = np.asarray(x, float)
    positive = positive[positive > 0]
    if positive.size == 0:
        return
    linthresh = positive.min()
    if ax.get_xscale() == "symlog":
        linthresh = min(linthresh, ax.xaxis.get_transform().linthresh)
    ax.set_xscale("symlog", linthresh=linthresh, linscale=1)
    plain_log_ticks(ax.xaxis)


def spans_decades(values, decades: float = 2.0) -> bool:
    """True if the positive values span at least `decades` (> 0) powers of ten."""
    decades = validate_real("decades", decades, low=0, low_open=True)
    v = np.asarray(values, float)
    v = v[np.isfinite(v) & (v > 0)]
    return v.size > 1 and np.log10(v.max() / v.min()) >= decades


def legend(ax, **kw):
    """A legend outside the data, right of the Axes; one entry per label, plus "start" and
    "end" entries when the Axes holds paths drawn by `plot_path`."""
    handles, labels = [], []
    for h, lab in zip(*ax.get_legend_handles_labels()):
        if lab not in labels:
            handles.append(h)
            labels.append(lab)
    gids = {line.get_gid() for line in ax.get_lines()}
    # the end star filled, as on the paths (there in each path's colour; grey here)
    end_style = {**END_STYLE, "mfc": OTHER["grey"]}
    for gid, style, lab in (("path-start", START_STYLE, "start"), ("path-end", end_style, "end")):
        if gid in gids:
            handles.append(Line2D([], [], **style))
            labels.append(lab)
    kw = {"loc": "upper left", "bbox_to_anchor": (1.02, 1), "borderaxespad": 0, "fontsize": 8,
          **kw}
    return ax.legend(handles, labels, **kw)


def plot_cost(history, x="iterations", ax=None, label=None, color=None, logy=False,
              xscale="auto", **kw):
    """Full-training-set cost at the evaluation points against one of four x-axes:
    "iterations" (updates), "epochs", "examples" (seen) or "seconds" (training time).

    xscale="auto" uses a symmetric-log axis (`log_x`, which keeps x = 0 on the axis) where the
    x values drawn on the Axes span two decades or more; else a linear axis.
    A diverged run is drawn up to its last finite cost and marked "diverged" there. Extra
    keywords go to ax.plot (e.g. ls, marker) over the method's own style.
    """
    validate_choice("x", x, X_AXES)
    validate_choice("xscale", xscale, ("auto", "linear", "log"))
    logy = validate_bool("logy", logy)
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
    style = method_style(history.batch_size, history.m)
    style.update(ms=4, markevery=max(1, len(xs) // 12))
    if color is not None:
        style["color"] = color
    style.update(kw)
    label = label or method_label(history.batch_size, history.m)
    if history.diverged:
        label += " (diverged)"
    ax.plot(xs, ys, label=label, **style)
    if history.diverged and len(xs):
        ax.plot(xs[-1], ys[-1], "X", color=style["color"], ms=10, mec="k")
        ax.annotate("diverged", (xs[-1], ys[-1]), textcoords="offset points", xytext=(5, 5),
                    color="k")
    ax.set_xlabel(X_AXES[x][0])
    ax.set_ylabel(COST_LABEL)
    if logy:
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
    drawn = np.concatenate([np.asarray(line.get_xdata(), float) for line in ax.get_lines()])
    if xscale == "log" or (xscale == "auto" and spans_decades(drawn)):
        log_x(ax, drawn)
    legend(ax)
    return ax


def plot_minibatch_cost(history, ax=None, smooth_beta=None, title=None):
    """Cost of every mini-batch step (what the 2017 assignment plots) with the epoch average
    over it (what the 2021 version plots): the same run, two different-looking curves.
    smooth_beta: None, or a number in [0, 1) to draw the bias-corrected EWMA too."""
    if smooth_beta is not None:
        smooth_beta = validate_real("smooth_beta", smooth_beta, low=0, high=1, high_open=True)
    ax = _new_ax(ax)
    steps = np.arange(1, len(history.step_cost) + 1)
    ax.plot(steps, history.step_cost, color=OTHER["light grey"], lw=0.8,
            label="cost of each mini-batch")
    per_epoch = -(-history.m // history.batch_size)
    # each epoch average at the middle of its epoch's updates, as in the lecture's picture
    # (curves_plots.plot_each_minibatch_cost): it averages the costs measured over the epoch
    middles = np.arange(len(history.epoch_cost)) * per_epoch + (per_epoch + 1) / 2
    ax.plot(middles, history.epoch_cost, **method_style(history.batch_size, history.m),
            label="epoch average")
    if smooth_beta is not None:
        ax.plot(steps, ewma(history.step_cost, smooth_beta), color=OTHER["orange"],
                label=f"EWMA, beta = {smooth_beta} (bias-corrected)")
    ax.set_xlabel(X_AXES["iterations"][0])
    ax.set_ylabel("cost J (no unit)")
    ax.set_title(title or method_label(history.batch_size, history.m))
    legend(ax)
    return ax


def plot_contours(cost_fn, w1_range, w2_range, ax=None, levels=20, n=150,
                  names=("parameter w1 (no unit)", "parameter w2 (no unit)")):
    """Contours of cost_fn(w1, w2) (vectorised over grids) over the given ranges.

    Levels are spaced geometrically above the lowest cost on the grid, so the contours stay
    visible close to the minimum where the cost is flat. w1_range, w2_range: (lo, hi), finite,
    lo < hi; levels, n (grid points per side): integers >= 2.
    """
    validate_callable("cost_fn", cost_fn)
    for name, r in (("w1_range", w1_range), ("w2_range", w2_range)):
        if len(r) != 2 or not validate_real(f"{name}[0]", r[0]) < validate_real(f"{name}[1]", r[1]):
            raise ValueError(f"{name} must be (lo, hi) with lo < hi, got {tuple(r)}")
    levels = validate_int("levels", levels, low=2)
    n = validate_int("n", n, low=2)
    ax = _new_ax(ax)
    w1, w2 = np.meshgrid(np.linspace(*w1_range, n), np.linspace(*w2_range, n))
    J = cost_fn(w1, w2)
    lo, hi = J.min(), J.max()
    ax.contour(w1, w2, J, levels=lo + (hi - lo) * np.geomspace(1e-4, 1, levels),
               colors=OTHER["light grey"], linewidths=0.8)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_aspect("equal")
    return ax


def plot_path(path, ax=None, label=None, color=None, marker=".", ls="-", **kw):
    """A 2-D optimisation path (a sequence of parameter pairs); its start (black square) and
    end (star in the path's colour) appear in the legend as "start" and "end".
    path: (k, 2), k >= 1 points."""
    P = np.asarray(path, dtype=float)
    if P.ndim != 2 or P.shape[1] != 2 or len(P) == 0:
        raise ValueError(f"path must be a sequence of (w1, w2) points, shape (k, 2); got shape "
                         f"{P.shape}")
    ax = _new_ax(ax)
    ax.plot(P[:, 0], P[:, 1], marker=marker, ms=3, color=color, label=label, lw=1, ls=ls, **kw)
    ax.plot(P[0, 0], P[0, 1], **START_STYLE, gid="path-start", zorder=5)
    ax.plot(P[-1, 0], P[-1, 1], **{**END_STYLE, "mfc": color}, gid="path-end", zorder=5)
    legend(ax)
    return ax


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _data_along(ax, name) -> np.ndarray:
    """The positions of the data drawn along axis `name` ("x" or "y") of ax and of the Axes
    that share that axis: finite values of lines in data coordinates (not axvline/axhline)
    and of markers and bars."""
    k = 0 if name == "x" else 1
    shared = (ax.get_shared_x_axes() if name == "x" else ax.get_shared_y_axes()).get_siblings(ax)
    values = []
    for a in shared:
        for line in a.get_lines():
            if line.get_transform() == a.transData and line.get_visible():
                values.append(np.asarray(line.get_data()[k], float).ravel())
        for c in a.collections:
            offsets = np.asarray(c.get_offsets(), float)
            if c.get_offset_transform() == a.transData and offsets.size:
                values.append(offsets[:, k])
        for bar in a.patches:
            if hasattr(bar, "get_bbox") and bar.get_transform() == a.transData:
                box = bar.get_bbox()
                values.append(np.array([box.x0, box.x1] if k == 0 else [box.y0, box.y1]))
    v = np.concatenate(values) if values else np.empty(0)
    return v[np.isfinite(v) & (v > 0)]


def _log_axis_problems(ax) -> list[str]:
    """A log axis must be worth its decades: not one point on many decades, not a few
    tenths of a decade of data on a wide log axis, no bar (whose length means nothing on a
    log axis, and less when stacked)."""
    problems = []
    for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        if axis.get_scale() != "log":
            continue
        low, high = sorted(ax.get_xlim() if name == "x" else ax.get_ylim())
        if low <= 0:
            continue
        decades = np.log10(high / low)
        bars = [b for c in ax.containers if isinstance(c, BarContainer)
                and (c.orientation == "horizontal") == (name == "x") for b in c]
        if bars:
            starts = [b.get_x() if name == "x" else b.get_y() for b in bars]
            stacked = any(np.isfinite(s) and s > low for s in starts)
            problems.append(f"bars on the log {name}-axis: a bar's length means nothing "
                            f"there{' (and these are stacked)' if stacked else ''}; draw "
                            f"points, or use a linear axis")
        data = _data_along(ax, name)
        data = data[(data >= low) & (data <= high)]
        if data.size == 0 or decades < 2:
            continue
        spread = np.log10(data.max() / data.min())
        if np.unique(data).size == 1:
            problems.append(f"the {name}-axis is a log axis of {decades:.0f} decades showing "
                            f"one data point: fit the axis to the data")
        elif spread < 1:
            problems.append(f"the {name}-axis is a log axis of {decades:.0f} decades for data "
                            f"from {data.min():.3g} to {data.max():.3g} (under one decade): "
                            f"use a linear axis fitted to the data")
    return problems


_NUMBER = re.compile(r"^[\s\-−+]*[.,]?\d")
ROW_WORDS = ("row", "column", "categor", "each")


def _category_axis_problems(ax) -> list[str]:
    """An axis whose ticks name categories (text, not numbers: "your b", "published") is not
    a scale: its label says what the rows are ("model (one row each)", "what the bytes hold
    (category)"), not a quantity with a unit of measure ("mini-batch size b (examples)")."""
    problems = []
    for name, axis, text in (("x", ax.xaxis, ax.get_xlabel()), ("y", ax.yaxis, ax.get_ylabel())):
        ticks = [t.get_text() for t in axis.get_ticklabels() if t.get_text().strip()]
        if not ticks or any(_NUMBER.match(t) for t in ticks) or "(" not in text:
            continue
        unit = text[text.rindex("(") + 1:]
        if not any(word in unit for word in ROW_WORDS):
            names = ", ".join(map(repr, ticks))
            problems.append(f"the {name}-axis's ticks name categories ({names}), but its "
                            f"label {text!r} gives a unit of measure: say what the rows "
                            f"are, e.g. 'model (one row each)'")
    return problems


def convention_problems(ax) -> list[str]:
    """What in this Axes breaks the course's figure convention (an empty list if nothing).

    Checks: axis labels with a unit in brackets; a method colour always with its own line
    style or marker; no legend over data points; start/end markers named in the legend;
    every line the legend names is drawn; no code repr in legend or title; plain tick labels
    on log axes; a log axis worth its decades (no bars on it, not one point or under a
    decade of data on two decades or more); the legend inside the figure and no entry ending
    in an ellipsis (both read as cut off); an axis of named categories labelled as such, not
    with a unit of measure.
    """
    problems = _log_axis_problems(ax)
    for name, text in (("x", ax.get_xlabel()), ("y", ax.get_ylabel())):
        if not text or "(" not in text:
            problems.append(f"{name}-axis label {text!r} has no name with a unit in brackets")
    by_color = {v: k for k, v in COLORS.items()}
    for line in ax.get_lines():
        color = to_hex(line.get_color()).upper()
        method = by_color.get(color)
        if method and line.get_gid() is None and not line.get_label().startswith("_"):
            if line.get_linestyle() != LINESTYLES[method] and line.get_marker() != MARKERS[method]:
                problems.append(f"line {line.get_label()!r} has the {method} colour without its "
                                f"line style {LINESTYLES[method]!r} or marker {MARKERS[method]!r}")
    leg = ax.get_legend()
    texts = [t.get_text() for t in leg.get_texts()] if leg else []
    for text in texts + [ax.get_title()]:
        if any(s in text for s in ("np.", "object at", "<", "array(")):
            problems.append(f"code repr in a legend or title: {text!r}")
    gids = {line.get_gid() for line in ax.get_lines()}
    for gid, lab in (("path-start", "start"), ("path-end", "end")):
        if gid in gids and not any(t == lab or t.startswith(lab + " (") for t in texts):
            problems.append(f"the path's {lab} marker is not in the legend")
    for line in ax.get_lines():
        x, y = (np.asarray(v, float) for v in line.get_data())
        drawn = line.get_visible() and (np.isfinite(x) & np.isfinite(y)).any()
        if line.get_label() in texts and not drawn:
            problems.append(f"the legend lists {line.get_label()!r}, a line that is not drawn")
    log_axes = [a.get_scale() in ("log", "symlog") for a in (ax.xaxis, ax.yaxis)]
    if leg is not None or any(log_axes):
        ax.figure.draw_without_rendering()  # once: lays out the legend and the tick labels
    if leg is not None:
        box = leg.get_window_extent()
        for line in ax.get_lines():
            xy = ax.transData.transform(np.column_stack(line.get_data()).astype(float))
            xy = xy[np.isfinite(xy).all(axis=1)]
            if len(xy) > 1 and line.get_linestyle() not in ("None", "none", ""):
                t = np.linspace(0, 1, 16)[:, None, None]  # points along each segment too
                xy = (xy[:-1] * (1 - t) + xy[1:] * t).reshape(-1, 2)
            inside = ((xy[:, 0] > box.x0) & (xy[:, 0] < box.x1) & (xy[:, 1] > box.y0)
                      & (xy[:, 1] < box.y1))
            if inside.any() and _overlap(box, ax.get_window_extent()):
                problems.append(f"the legend covers data of {line.get_label()!r}")
                break
    # A figure with a layout engine (the course's constrained ones, the lab's live figure) is
    # shown as laid out; Jupyter's inline display crops one without to what is drawn.
    if leg is not None and ax.figure.get_layout_engine() is not None:
        box, page = leg.get_window_extent(), ax.figure.bbox
        if box.x0 < page.x0 - 0.5 or box.x1 > page.x1 + 0.5 or box.y0 < page.y0 - 0.5 \
                or box.y1 > page.y1 + 0.5:
            problems.append("the legend runs past the figure's edge: it is cut off")
    for text in texts:
        if text.rstrip().endswith(("...", "…")):
            problems.append(f"legend entry {text!r} ends in an ellipsis: it reads as cut off; "
                            f"name it in full")
    problems += _category_axis_problems(ax)
    for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        if axis.get_scale() in ("log", "symlog"):
            labels = [t.get_text() for t in axis.get_ticklabels()]
            if any("^" in t or "times" in t for t in labels):
                problems.append(f"{name}-axis is a log axis with power-of-ten tick labels")
    return problems


def decimate(x, y, max_points: int = 2000):
    """At most max_points points that keep the envelope of a noisy curve: the minimum and
    the maximum of each bucket, in order (plain subsampling would hide the noise).

    x, y: 1-D, the same length, finite numbers. Returns (x, y) as float arrays.
    """
    max_points = validate_int("max_points", max_points, low=2)
    x, y = np.asarray(x), np.asarray(y)
    for name, v in (("x", x), ("y", y)):
        if v.ndim != 1 or v.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be a 1-D array of numbers, got shape {v.shape} and "
                            f"dtype {v.dtype}")
        if not np.isfinite(v).all():
            raise ValueError(f"{name} must hold finite numbers, got {v[~np.isfinite(v)][:3]}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    x, y = x.astype(float), y.astype(float)
    if len(y) <= max_points:
        return x, y
    buckets = np.array_split(np.arange(len(y)), max_points // 2)
    idx = np.concatenate([sorted((b[np.argmin(y[b])], b[np.argmax(y[b])])) for b in buckets])
    return x[idx], y[idx]
