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
    """Three panels of a find_largest_batch search. trials: (batch size, ..., fitted) per
    trial, in order (SimulatedAllocator.trials or oom.LimitedSteps.trials). Left: each trial
    up to the first failure (the doubling), as markers on the formula's line of memory against
    b (their shape is the outcome; their height is the formula's, not a measurement),
    with the limit and the formula's largest b (the bisection's trials would pile up there);
    middle: the size tried at each trial; right: a zoom on the trials from the first failure
    on (the bisection), on a linear axis, where the markers of the middle panel pile up, with the
    largest size that ran (the search's answer).
    Each panel has its own legend, below it. axes: three Axes or None. Returns the three
    Axes."""
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
    _validate_axes(axes, 3)
    import matplotlib.pyplot as plt  # here, after the checks: `import memory` stays light

    from .plotting import OTHER, plain_log_ticks

    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(15, 5.5), layout="constrained")
    ax1, ax2, ax3 = axes
    tried = np.array([t[0] for t in trials])
    ran = np.array([bool(t[-1]) for t in trials])
    number = np.arange(1, len(tried) + 1)

    def need(bs):
        return np.array([smallest_budget(layer_dims, int(v), dtype, output) for v in bs]) / 2**20

    curve_b = np.unique(np.linspace(1, tried.max(), 200).astype(int))
    ax1.plot(curve_b, need(curve_b), color=OTHER["grey"], lw=2,
             label="memory of one step, by the formula\n(computed, not measured)")
    ax1.axhline(budget_bytes / 2**20, color=OTHER["black"], ls="--", label="limit")
    first_fail = int(np.argmin(ran)) if not ran.all() else len(tried) - 1
    zoom = number > first_fail  # the trials from the first failure on (numbers start at 1)
    doubling = number <= first_fail + 1  # up to the first failure, which ends the doubling
    for ax, xs, ys, sel in ((ax1, tried, need(tried), doubling),
                            (ax2, number, tried, number > 0), (ax3, number, tried, zoom)):
        ok, bad = sel & ran, sel & ~ran
        ax.plot(xs[ok], ys[ok], "o", color=OTHER["black"], mfc="white", mew=1.5,
                label="trial: ran")
        ax.plot(xs[bad], ys[bad], "x", color=OTHER["vermillion"], ms=8, mew=2,
                label="trial: out of memory")
    b_max = largest_batch(layer_dims, budget_bytes, dtype, output)
    for line in (ax1.axvline, ax2.axhline, ax3.axhline):
        line(b_max, color=OTHER["black"], ls="-.", lw=1,
             label=f"formula: largest b = {b_max:,}")
    lo, hi = tried[zoom].min(), tried[zoom].max()
    ax2.axhspan(lo, hi, color=OTHER["light grey"], alpha=0.5, lw=0, zorder=0,
                label="range of the zoom")
    found = int(tried[ran].max()) if ran.any() else 0
    if ran.any():
        ax3.axhline(found, color=OTHER["grey"], lw=3, alpha=0.6, zorder=0,
                    label=f"search found: largest b = {found:,}\n(thick grey line)")
    ax1.set(xlabel="mini-batch size b (examples)", ylabel="memory by the formula (MiB)",
            title="Doubling: trials fail past where the formula's\nline crosses the limit "
                  "(markers: outcomes, not memory)")
    ax1.xaxis.set_major_formatter("{x:,.0f}")
    ax2.set(yscale="log", xlabel="trial (count)", ylabel="mini-batch size tried (examples)",
            title="Doubling, then bisection")
    ax3.set(xlabel="trial (count)", ylabel="mini-batch size tried (examples)",
            title=f"Zoom: the search finds {found:,}, the formula {b_max:,}")
    ax3.yaxis.set_major_formatter("{x:,.0f}")
    plain_log_ticks(ax2.yaxis)
    for ax in axes:  # each panel's own legend, below it: never over its data
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), borderaxespad=0, ncols=2,
                  fontsize=8)
    return axes
