"""The figures of notebook 04's timings (measure/timing.py computes them).

matplotlib's pyplot is imported inside each function.

* `plot_time_per_example`, `plot_throughput`: a StepTimes against the batch size.
* `plot_power_of_two`: each power of two's advantage over its neighbours, with 2 x its spread.
"""

import numpy as np

from ..core.validate import validate_bool, validate_instance, validate_real, validate_values
from ..measure.timing import StepTimes
from .plotting import OTHER, legend, log_ticks, spans_decades


def plot_time_per_example(times, ax=None, label: str = "this machine", **legend_kw):
    """Median time per example of a StepTimes against the batch size (log-log, plain ticks;
    a linear y-axis from 0 where the medians span under a decade), over a band of the middle
    repeats (2nd lowest to 2nd highest, so one disturbed repeat stays out; all of them when
    fewer than 3). legend_kw go to plotting.legend.
    Returns the Axes."""
    import matplotlib.pyplot as plt  # here, not at the top: timing never needs matplotlib


    validate_instance("times", times, StepTimes)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    per_ex = np.sort(times.seconds / times.batch_sizes, axis=0) * 1e6  # rounds, sorted
    n = len(per_ex)
    lo, hi = (per_ex[1], per_ex[-2]) if n >= 3 else (per_ex[0], per_ex[-1])  # one disturbed
    ax.fill_between(times.batch_sizes, lo, hi, color=OTHER["light grey"],  # round stays out
                    label=(f"spread: 2nd lowest to 2nd highest of {n} rounds" if n >= 3 else
                           f"spread: lowest to highest of {n} rounds"))
    ax.plot(times.batch_sizes, times.per_example * 1e6, "o-", color=OTHER["black"],
            label=f"median, {label}")
    # a log y-axis only where the medians span a decade (a busy machine can flatten them)
    log_y = spans_decades(times.per_example, 1.0)
    ax.set(xscale="log", yscale="log" if log_y else "linear",
           xlabel="mini-batch size b (examples)", ylabel="time per example (µs)")
    log_ticks(ax.xaxis, times.batch_sizes, steps=(1,), beyond=False)
    if log_y:
        log_ticks(ax.yaxis, np.concatenate([lo, hi]))
    else:
        ax.set_ylim(0, 1.05 * hi.max())
    legend(ax, **legend_kw)
    return ax


def plot_throughput(times, references=None, fraction: float = 0.9, ax=None,
                    label: str = "this machine", circle: bool = True, **legend_kw):
    """Throughput against the batch size, each curve divided by its own peak (so curves of
    different devices and networks compare in shape, not in height), with the `fraction` of
    the peak and, circled, the size of `times` from which it stays above it (size_reaching;
    no circle when it falls below the line again at the largest size, or with circle=False).

    references: {label: (batch sizes, examples per second)} drawn next to `times` (at most
    three), e.g. the course's H100 measurements. Each legend entry gives that curve's own
    peak. legend_kw go to plotting.legend. Returns the Axes.
    """
    import matplotlib.pyplot as plt


    validate_instance("times", times, StepTimes)
    fraction = validate_real("fraction", fraction, low=0, high=1)
    references = dict(references or {})
    if len(references) > 3:
        raise ValueError(f"references must hold at most 3 curves, got {len(references)}")
    curves = {}
    for name, pair in references.items():
        if len(pair) != 2:
            raise ValueError(f"references[{name!r}] must be (batch sizes, examples per second)")
        batch = validate_values(f"references[{name!r}] batch sizes", pair[0], low=0, low_open=True)
        per_s = validate_values(f"references[{name!r}] examples per second", pair[1], low=0,
                                low_open=True)
        if batch.size != per_s.size:
            raise ValueError(f"references[{name!r}] must hold one rate per batch size, got "
                             f"{batch.size} sizes and {per_s.size} rates")
        curves[name] = (batch, per_s)
    b_f = times.size_reaching(fraction)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    tp = times.throughput
    ax.plot(times.batch_sizes, tp / tp.max(), "o-", color=OTHER["black"],
            label=f"{label} (peak {tp.max():,.0f} examples/s)")
    all_b = [times.batch_sizes]
    for (name, (batch, per_s)), color, marker, ls in zip(
            curves.items(), ("orange", "vermillion", "grey"), "sdv", ("--", "-.", ":")):
        ax.plot(batch, per_s / per_s.max(), ls=ls, marker=marker, ms=3, color=OTHER[color],
                label=f"{name} (peak {per_s.max():,.0f} examples/s)")
        all_b.append(batch)
    ax.axhline(fraction, color=OTHER["grey"], ls=":", lw=1, label=f"{fraction:.0%} of each peak")
    # b_f None: below the line again at the largest size, nothing to circle
    if validate_bool("circle", circle) and b_f is not None:
        k = int(np.flatnonzero(times.batch_sizes == b_f)[0])
        ax.plot(b_f, tp[k] / tp.max(), "o", ms=13, mfc="none", mec=OTHER["black"], mew=1.5,
                label=f"{label}: at or above {fraction:.0%} from b = {b_f:,} on")
    ax.set(xscale="log", xlabel="mini-batch size b (examples)",
           ylabel="throughput / that curve's own peak (fraction)")
    log_ticks(ax.xaxis, np.concatenate(all_b), steps=(1,), beyond=False)
    legend(ax, **legend_kw)
    return ax


def plot_power_of_two(series, ax=None, **legend_kw):
    """Each power of two's advantage over its neighbours, with error bars of 2 x noise (a bar
    across 0 is a tie). series: list of (rows from power_of_two_effect(_one_run), label),
    one to four of them; each series gets its own colour, marker, fill and bar style, shifted
    a little sideways so bars do not overlap. The y-axis holds the advantages, 0 and the bars,
    but not beyond ±100 %: a bar that runs past it ends in an arrow head at its edge, and the
    legend says so. Returns the Axes."""
    import matplotlib.pyplot as plt

    looks = [("black", "o", "full", "-"), ("grey", "s", "none", "--"),
             ("orange", "d", "full", ":"), ("vermillion", "v", "none", "-.")]
    series = list(series)
    if not 1 <= len(series) <= len(looks):
        raise ValueError(f"series must hold 1 to {len(looks)} entries, got {len(series)}")
    for i, entry in enumerate(series):
        if len(entry) != 2 or not entry[0]:
            raise ValueError(f"series[{i}] must be (a non-empty list of rows, label)")
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 4.2), layout="constrained")
    shifts = np.linspace(-0.08, 0.08, len(series)) if len(series) > 1 else [0.0]
    powers = sorted({r["power"] for rows, _ in series for r in rows})
    ends = [r["advantage_pct"] + sign * r["detectable_pct"] for rows, _ in series for r in rows
            for sign in (-1, 1)] + [0.0]
    cap = max(100.0, *(abs(r["advantage_pct"]) for rows, _ in series for r in rows))
    low, high = max(min(ends), -cap), min(max(ends), cap)  # the bars, up to ±100 %
    pad = max(0.05 * (high - low), 1.0)
    low, high = low - pad, high + pad
    clipped = False
    for (rows, label), (color, marker, fill, style), shift in zip(series, looks, shifts):
        x = np.log2([r["power"] for r in rows]) + shift
        y = np.array([r["advantage_pct"] for r in rows])
        err = np.array([r["detectable_pct"] for r in rows])
        bars = ax.errorbar(x, y, yerr=err, fmt=marker, color=OTHER[color], capsize=3,
                           fillstyle=fill, markersize=7, label=label)
        for line in bars[2]:
            line.set_linestyle(style)
        for end, edge, head in ((y + err > high, high, "^"), (y - err < low, low, "v")):
            if end.any():
                ax.plot(x[end], np.full(end.sum(), edge), head, color=OTHER[color],
                        markersize=8, clip_on=False,
                        label=None if clipped else "bar continues beyond the axis")
                clipped = True
    ax.set_ylim(low, high)
    ax.axhline(0, color=OTHER["light grey"], lw=1, zorder=0)
    ax.set_xticks(np.log2(powers), [f"{p:,}" for p in powers])
    ax.set(xlabel="power of two p (examples)",
           ylabel="advantage of p over its neighbours (%; > 0: p faster)")
    legend(ax, **legend_kw)
    return ax
