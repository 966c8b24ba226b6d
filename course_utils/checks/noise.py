"""Check of notebook 04's exercise: the variance of a mini-batch gradient."""

import itertools
import math

import numpy as np

from .feedback import Wrong, _call, _check, _fmt, _named_slip


def _exact_variance(g, b):
    """E|g_B - G|^2 over every mini-batch of size b (without replacement), by enumeration."""
    G = g.mean(axis=0)
    errs = [np.sum((g[list(s)].mean(axis=0) - G) ** 2)
            for s in itertools.combinations(range(len(g)), b)]
    return float(np.mean(errs))


def _variance_slips(g, b):
    """{hint: what a plausible slip returns} on the per-example gradients g (m, P), size b."""
    m, P = g.shape
    G = g.mean(axis=0)
    d2 = np.sum((g - G) ** 2, axis=1)
    tr, f = d2.mean(), (m - b) / (m - 1)
    with np.errstate(divide="ignore"):
        inverted = tr / b * (m - 1) / np.float64(m - b)
    return {
        "sampling without replacement multiplies by (m - b)/(m - 1)": tr / b,
        "divide by b, not by m": tr / m * f,
        "the factor has m - 1 below, not m": tr / b * (m - b) / m,
        "tr(Σ) is the mean over the examples of ‖g_i − G‖², not their sum": d2.sum() / b * f,
        "G is the mean of the rows, per_example.mean(axis=0)":
            np.mean(np.sum((g - g.mean(axis=1, keepdims=True)) ** 2, axis=1)) / b * f,
        "use the squared distance ‖g_i − G‖², not the distance": np.sqrt(d2).mean() / b * f,
        "‖g_i − G‖² is a sum over the parameters; don't average over them": tr / P / b * f,
        "tr(Σ) divides by m (np.var's default); ddof=1 divides by m − 1": tr * m / (m - 1) / b * f,
        "subtract G from each example's gradient before squaring":
            np.mean(np.sum(g**2, axis=1)) / b * f,
        "the factor is upside down: it must shrink to 0 at b = m": inverted,
        "the noise falls like 1/b: divide tr(Σ) by b": tr * b * f,
        "that is the standard deviation: return the variance, not its square root":
            np.sqrt(tr / b * f),
    }


@_check("mini-batch gradient variance", zh="mini-batch 梯度的方差")
def gradient_variance(fn):
    """fn(per_example, b) -> predicted E|g_B - G|^2 = tr(Σ)/b · (m - b)/(m - 1), per_example
    (m, P) the per-example gradients, Σ their covariance (divided by m)."""
    rng = np.random.default_rng(0)
    g = rng.standard_normal((6, 3)) + [1.0, -2.0, 0.5]
    sizes = (1, 2, 3, 6)
    got = []
    for b in sizes:
        r = _call(fn, (g.copy(), b), ("per_example",), "")
        if isinstance(r, np.ndarray) and r.size == 1:
            r = r.item()
        if isinstance(r, bool) or not isinstance(r, (int, float, np.integer, np.floating)):
            raise Wrong(f"return one number, the predicted E|g_B − G|²; you returned {_fmt(r)}.")
        got.append(float(r))
    want = [_exact_variance(g, b) for b in sizes]
    if all(np.isclose(x, w, rtol=1e-9, atol=1e-12) for x, w in zip(got, want)):
        return ("equals the exact average over every possible mini-batch (m = 6; b = 1, 2, 3, "
                "6), including 0 at b = m; per_example untouched.",
                ["b:        " + "  ".join(f"{b:>8}" for b in sizes),
                 "yours:    " + "  ".join(f"{x:8.4f}" for x in got),
                 "expected: " + "  ".join(f"{x:8.4f}" for x in want)])
    variants = [_variance_slips(g, b) for b in sizes]
    slip = _named_slip(got, {h: [v[h] for v in variants] for h in variants[0]},
                       lambda a, b: np.isclose(a, b, rtol=1e-9, atol=1e-12) or a == b)
    k = next(i for i, (x, w) in enumerate(zip(got, want)) if not np.isclose(x, w, atol=1e-12))
    raise Wrong(f"on 6 made-up per-example gradients (m = 6, 3 parameters) with b = "
                f"{sizes[k]}, the variance over all {math.comb(6, sizes[k])} mini-batches is "
                f"{want[k]:.4f}; your formula gives {_fmt(got[k])}."
                + (f" Hint: {slip}." if slip else ""))
