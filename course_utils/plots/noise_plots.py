"""The figure of notebook 04's gradient noise: measured mini-batch variance against the
prediction (measure/noise.py computes it). matplotlib's pyplot is imported inside the function.
"""

import numpy as np

from ..core.validate import validate_int
from .plotting import OTHER, legend, log_ticks


def plot_minibatch_variance(variance: dict, m: int, ax=None, **legend_kw):
    """The output of minibatch_gradient_variance (sizes below m) against the batch size,
    log-log: measured points, the prediction without replacement, and tr(Sigma)/b (with
    replacement). m: the training set size (b = m has no noise: not drawn); at least one size
    below it. legend_kw go to plotting.legend. Returns the Axes."""
    import matplotlib.pyplot as plt

    m = validate_int("m", m)
    missing = {"batch_sizes", "measured", "predicted", "trace_sigma"} - set(variance)
    if missing:
        raise ValueError(f"variance must be minibatch_gradient_variance's dict; it lacks "
                         f"{sorted(missing)}")
    inside = variance["batch_sizes"] < m
    if not inside.any():
        raise ValueError(f"variance must hold at least one batch size below m = {m}, got "
                         f"{variance['batch_sizes'].tolist()}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    b = variance["batch_sizes"][inside]
    ax.plot(b, variance["measured"][inside], "o", color=OTHER["black"], label="measured")
    ax.plot(b, variance["predicted"][inside], "-", color=OTHER["orange"],
            label="tr(Σ)/b · (m − b)/(m − 1), without replacement")
    ax.plot(b, variance["trace_sigma"] / b, "--", color=OTHER["grey"],
            label="tr(Σ)/b, with replacement")
    ax.set(xscale="log", yscale="log", xlabel="mini-batch size b (examples)",
           ylabel="E |g_B − G|² (no unit)")
    log_ticks(ax.xaxis, b, steps=(1,), beyond=False)
    log_ticks(ax.yaxis, np.concatenate([variance["measured"][inside], variance["trace_sigma"] / b]))
    legend(ax, **legend_kw)
    return ax
