"""Figures of the memory of a step: the replay's timeline, and a batch-size search by trial.

Each function takes its Axes (or None for a new figure) and returns them; matplotlib's pyplot
is imported inside the functions. measure/memory computes what they draw. Colours
come from plotting.OTHER (never the three method colours), each with a hatch or marker too.
"""

import numpy as np

from ..core.validate import validate_bytes, validate_instance, validate_int
from ..measure.memory.budget import largest_batch, smallest_budget
from ..measure.memory.replay import CATEGORIES, CATEGORY_NOTES, StepMemory, _validate_model

PHASES = ("before", "forward", "cost", "backward", "update")
# Fill of each phase: a colour of plotting.OTHER and a hatch, so that colour is not the only cue.
# Backward (vermillion) and update (yellow) are far apart in hue and hatch.
PHASE_STYLES = {"before": ("light grey", ""), "forward": ("grey", "//"),
                "cost": ("white", ".."), "backward": ("vermillion", "\\\\"),
                "update": ("yellow", "xx")}
PHASE_NAMES = {"forward": "forward pass", "backward": "backward pass"}  # in titles
PHASE_LABELS = {"before": "before: the parameters,\nthen making the mini-batch"}  # in legends
# Bars of the first and second step shown: fills far from every phase's colour and hatch.
STEP_STYLES = (("black", ""), ("grey", "++"))


def _validate_axes(axes, n):
    if axes is not None and (not np.iterable(axes) or len(list(axes)) != n):
        raise ValueError(f"axes must be None or {n} matplotlib Axes, got {axes!r}")


def _per_step(name, values, n):
    """values as a list of n byte counts (one per step), or None."""
    if values is None:
        return None
    if not np.iterable(values):
        values = [values]
    values = [validate_bytes(f"{name}[{k}]", v) for k, v in enumerate(values)]
    if len(values) != n:
        raise ValueError(f"{name} must hold one value per step ({n}), got {len(values)}")
    return values


def _fill(name):
    from .plotting import OTHER

    return OTHER.get(name, name)


def plot_step_memory(steps, measured_bytes=None, axes=None, textbook_bytes=None):
    """Memory during one or two steps (step_memory results) and what is alive at each peak.

    One panel per step: live memory after every allocation or free, each phase with its own
    fill and hatch, the peak tracemalloc measured (measured_bytes: one value per step, or
    None; a thick light band, so that the textbook count shows inside it where the two
    coincide) and the textbook count (textbook_bytes: one value per step, or None; a thin
    dashed line). Each title says where the peak comes. A last panel: what is alive at each
    peak, by category, one bar per step; a category empty in every step is named with the
    reason (e.g. plain GD keeps no optimizer state). axes: len(steps) + 1 Axes, or None for a
    new figure. Returns the Axes.
    """
    steps = [steps] if isinstance(steps, StepMemory) else list(steps)
    if not 1 <= len(steps) <= len(STEP_STYLES):
        raise ValueError(f"steps must be 1 or 2 step_memory results, got {len(steps)}")
    for k, st in enumerate(steps):
        validate_instance(f"steps[{k}]", st, StepMemory)
    measured_bytes = _per_step("measured_bytes", measured_bytes, len(steps))
    textbook_bytes = _per_step("textbook_bytes", textbook_bytes, len(steps))
    _validate_axes(axes, len(steps) + 1)
    import matplotlib.pyplot as plt  # here, after the checks: `import memory` stays light

    from .plotting import OTHER, legend

    if axes is None:
        _, axes = plt.subplots(1, len(steps) + 1, figsize=(6 * len(steps) + 5, 4),
                               layout="constrained")
    *timelines, bars = axes
    for k, (step, ax) in enumerate(zip(steps, timelines)):
        x = np.arange(len(step.timeline))
        live = np.array([v for _, v in step.timeline]) / 2**20
        for phase in PHASES:
            sel = np.array([p == phase for p, _ in step.timeline])
            sel[1:] |= sel[:-1]  # reach the first event of the next phase: no gaps
            color, hatch = PHASE_STYLES[phase]
            ax.fill_between(x, 0, np.where(sel, live, np.nan), step="post", lw=0.6,
                            facecolor=_fill(color), edgecolor=OTHER["black"], hatch=hatch,
                            label=PHASE_LABELS.get(phase, phase))
        if measured_bytes is not None:
            ax.axhline(measured_bytes[k] / 2**20, color=OTHER["grey"], alpha=0.45, lw=8,
                       label="peak measured by\ntracemalloc (thick band)")
        if textbook_bytes is not None:
            ax.axhline(textbook_bytes[k] / 2**20, color=OTHER["black"], ls="--", lw=1.2,
                       label="textbook count\n(thin dashes; inside the\nband where they agree)")
        ax.set(xlabel="allocations and frees, in program order (count)",
               ylabel="live memory (MiB)",
               title=f"One step, b = {step.batch_size:,}: the peak "
                     f"({step.peak_bytes / 2**20:.1f} MiB) comes in the "
                     + PHASE_NAMES.get(step.phase, step.phase))
    timelines[-1].legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), borderaxespad=0,
                         ncols=len(steps) + 1, fontsize=8)  # below it: no gap beside it
    height = 0.8 / len(steps)
    y = np.arange(len(CATEGORIES))
    for k, step in enumerate(steps):
        values = np.array([step.breakdown[c] for c in CATEGORIES]) / 2**20
        color, hatch = STEP_STYLES[k]
        offset = (k - (len(steps) - 1) / 2) * height
        bars.barh(y + offset, values, height, color=_fill(color), hatch=hatch,
                  edgecolor=OTHER["black"], lw=0.6, label=f"b = {step.batch_size:,}")
    empty = [all(st.breakdown[c] == 0 for st in steps) for c in CATEGORIES]
    bars.set_yticks(y, [f"{c}\n({CATEGORY_NOTES.get(c, '0 here')})" if e else c
                        for c, e in zip(CATEGORIES, empty)])
    bars.set(xlabel="alive at the peak (MiB)", ylabel="what the bytes hold (category)",
             title="What is alive at each peak, by size b")
    bars.invert_yaxis()
    legend(bars)
    return axes


def plot_search(trials, layer_dims, budget_bytes: int, dtype="float64", output="softmax",
                axes=None):
    """Two panels of a find_largest_batch search. trials: (batch size, ..., fitted) per
    trial, in order (SimulatedAllocator.trials or oom.LimitedSteps.trials). Left: each trial
    up to the first failure (the doubling), on log-log axes, drawn at the replay's memory for
    its b (computed, not measured: the marker's shape is the outcome), with the replay's memory
    curve and the limit. Right: the trials after the first failure (the bisection; the first
    failure itself is left out, as the title says, so that the y axis spans the bisection), on
    a linear axis, with the largest size that ran (the search's answer) and the replay's
    largest b, each labelled with its value. Each panel has its own legend, below it. axes: two
    Axes or None. Returns the two Axes."""
    if isinstance(trials, (str, bytes)) or not np.iterable(trials):
        raise TypeError(f"trials must be a list of (batch size, ..., fitted), got {trials!r}")
    trials = list(trials)
    if not trials:
        raise ValueError("trials must hold at least one trial, got none")
    for k, t in enumerate(trials):
        if not isinstance(t, (tuple, list)) or len(t) < 2:
            raise TypeError(f"trials[{k}] must be (batch size, ..., fitted), got {t!r}")
        validate_int(f"trials[{k}][0] (the batch size)", t[0])
    _validate_model(layer_dims, dtype, output)
    budget_bytes = validate_bytes("budget_bytes", budget_bytes)
    _validate_axes(axes, 2)
    import matplotlib.pyplot as plt  # here, after the checks: `import memory` stays light

    from .plotting import OTHER, log_ticks, plain_log_ticks

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 5), layout="constrained")
    ax1, ax3 = axes
    tried = np.array([t[0] for t in trials])
    ran = np.array([bool(t[-1]) for t in trials])
    number = np.arange(1, len(tried) + 1)

    def need(bs):
        return np.array([smallest_budget(layer_dims, int(v), dtype, output) for v in bs]) / 2**20

    first_fail = int(np.argmin(ran)) if not ran.all() else len(tried) - 1
    zoom = number > first_fail + 1  # the bisection: after the first failure (numbers from 1)
    if not zoom.any():
        zoom = number > first_fail  # no bisection: show the first failure itself
    doubling = number <= first_fail + 1  # up to the first failure, which ends the doubling
    curve_b = np.unique(np.geomspace(1, tried[doubling].max(), 200).astype(int))
    limit_mib = budget_bytes / 2**20
    ax1.plot(curve_b, need(curve_b), color=OTHER["grey"], lw=2,
             label="memory of one step, by the replay\n(computed, not measured)")
    ax1.axhline(limit_mib, color=OTHER["black"], ls="--", label=f"limit: {limit_mib:,.3g} MiB")
    for ax, xs, ys, sel in ((ax1, tried, need(tried), doubling), (ax3, number, tried, zoom)):
        ok, bad = sel & ran, sel & ~ran
        ax.plot(xs[ok], ys[ok], "o", color=OTHER["black"], mfc="white", mew=1.5,
                label="trial: ran")
        ax.plot(xs[bad], ys[bad], "x", color=OTHER["vermillion"], ms=8, mew=2,
                label="trial: out of memory")
    b_max = largest_batch(layer_dims, budget_bytes, dtype, output)
    ax1.axvline(b_max, color=OTHER["black"], ls="-.", lw=1,
                label=f"the replay's largest b: {b_max:,}")
    ax3.axhline(b_max, color=OTHER["black"], ls="-.", lw=1,
                label=f"the replay's largest b: {b_max:,}")
    found = int(tried[ran].max()) if ran.any() else 0
    x_text = number[zoom].min() if zoom.any() else 1
    if ran.any():
        ax3.axhline(found, color=OTHER["black"], ls=":", lw=1.5, zorder=0,
                    label=f"search found: largest b = {found:,}")
        above = found >= b_max  # the two values as text, one above the other
        ax3.annotate(f"search: {found:,}", (x_text, found), xytext=(0, 6 if above else -6),
                     textcoords="offset points", va="bottom" if above else "top", fontsize=9)
    ax3.annotate(f"replay: {b_max:,}", (x_text, b_max),
                 xytext=(0, -6 if found >= b_max else 6), textcoords="offset points",
                 va="top" if found >= b_max else "bottom", fontsize=9)
    ax1.set(xscale="log", yscale="log", xlabel="mini-batch size b (examples, log scale)",
            ylabel="memory of one step, by the replay (MiB, log scale)",
            title="Doubling: each trial drawn at the replay's memory for its b;\n"
                  "circle: it ran, cross: out of memory")
    plain_log_ticks(ax1.xaxis)
    log_ticks(ax1.yaxis, [*need(curve_b), limit_mib])  # 1-2-5 ticks, one below the floor
    left_out = (f"\n(the first failure, b = {tried[first_fail]:,}, trial {first_fail + 1}, is left "
                "out)" if not zoom[first_fail] else "")
    ax3.set(xlabel="trial number (counted from the search's first trial)",
            ylabel="mini-batch size tried (examples)",
            title=f"Bisection: the search finds {found:,}, the replay {b_max:,}{left_out}")
    ax3.yaxis.set_major_formatter("{x:,.0f}")
    for ax in axes:  # each panel's own legend, below it: never over its data
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), borderaxespad=0, ncols=2,
                  fontsize=8)
    return axes
