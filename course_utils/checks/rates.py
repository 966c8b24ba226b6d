"""Check of notebook 06's exercise: the best constant learning rate of least squares."""


import numpy as np

from ..measure import lr_scaling
from .feedback import Wrong, _call, _check, _close, _fmt, _named_slip


def _rate_cases():
    """Made-up training sets X (3, 8) whose features have different scales (so rows and
    columns, the mean and the largest length all differ), with the sizes to try."""
    rng = np.random.default_rng(6)
    X = rng.standard_normal((3, 8)) * np.array([[2.0], [0.5], [1.0]])
    X2 = rng.standard_normal((3, 8)) + np.array([[1.0], [0.0], [-0.5]])
    # scales growing down the features: np.linalg.eigvals (unsorted) lists the largest last
    X3 = rng.standard_normal((3, 8)) * np.array([[0.3], [1.0], [3.0]])
    return [(X, 1), (X, 2), (X2, 3), (X2, 8), (X3, 2)]


def _rate_slips(X, b):
    """{hint: what a plausible slip returns} for the training set X (n_x, m) and size b."""
    m = X.shape[1]
    norms2 = np.sum(X * X, axis=0)  # (m,): |x_i|², one per example
    eig = np.linalg.eigvalsh(X @ X.T / m)
    beta, lam = float(norms2.max()), float(eig[-1])
    return {
        "β is the largest |x_i|² over the examples, not their mean":
            b / (norms2.mean() + (b - 1) * lam),
        "examples are columns: |x_i|² sums each column (axis=0), not each row":
            b / (np.sum(X * X, axis=1).max() + (b - 1) * lam),
        "β is the squared length |x_i|², not the length |x_i|":
            b / (np.sqrt(beta) + (b - 1) * lam),
        "H = X Xᵀ / m: divide by m before taking its eigenvalues":
            b / (beta + (b - 1) * lam * m),
        "the denominator has (b − 1) λ_max, not b λ_max": b / (beta + b * lam),
        "eigvalsh sorts the eigenvalues in increasing order: λ_max is the last one, [-1]":
            b / (beta + (b - 1) * float(eig[0])),
        "np.linalg.eigvals does not sort its eigenvalues: take the largest (eigvalsh sorts "
        "them in increasing order: [-1])":
            b / (beta + (b - 1) * float(np.real(np.linalg.eigvals(X @ X.T / m)[0]))),
        "β is one example's |x_i|², the largest, not the sum over all of X":
            b / (np.sum(X * X) + (b - 1) * lam),
        "λ_max is the largest singular value of X squared, over m: square the singular value":
            b / (beta + (b - 1) * np.linalg.svd(X, compute_uv=False)[0] / m),
        "np.cov subtracts the mean and divides by m − 1: H is X Xᵀ / m as it is":
            b / (beta + (b - 1) * np.linalg.eigvalsh(np.cov(X))[-1]),
        "β is |x_i|², the sum over the features of an example's squares, not the largest "
        "single entry": b / (np.max(X * X) + (b - 1) * lam),
        "b / β is the small-b limit only: keep the (b − 1) λ_max term": b / beta,
        "1 / λ_max is the large-b limit only: keep the β term": 1 / lam,
        "at b = m the same formula holds: don't special-case batch GD":
            2 / lam if b == m else b / (beta + (b - 1) * lam),
    }


@_check("best learning rate of least squares", zh="最小二乘的最佳学习率")
def least_squares_rate(fn):
    """fn(X, b) -> b / (β + (b − 1) λ_max): β the largest |x_i|² over the examples (columns),
    λ_max the largest eigenvalue of H = X Xᵀ / m."""
    got, want = [], []
    for X, b in _rate_cases():
        r = _call(fn, (X.copy(), b), ("X",), "")
        if isinstance(r, np.ndarray) and r.size == 1:
            r = r.item()
        if isinstance(r, bool) or not isinstance(r, (int, float, np.integer, np.floating)):
            raise Wrong(f"return one number, the learning rate; you returned {_fmt(r)} "
                        f"({type(r).__name__}).")
        m = X.shape[1]
        beta = float(np.max(np.sum(X * X, axis=0)))
        lam = float(np.linalg.eigvalsh(X @ X.T / m)[-1])
        got.append(float(r))
        want.append(lr_scaling.interpolation_best_rate(beta, lam, b))
    if all(_close(g, w) for g, w in zip(got, want)):
        return ("5 cases (b = 1, 2, 3 and b = m = 8) on made-up sets whose features have "
                "different scales: equal to cu.lr_scaling.interpolation_best_rate; X untouched.",
                ["b:        " + "  ".join(f"{b:>9}" for _, b in _rate_cases()),
                 "yours:    " + "  ".join(f"{g:9.6f}" for g in got),
                 "expected: " + "  ".join(f"{w:9.6f}" for w in want)])
    variants = [_rate_slips(X, b) for X, b in _rate_cases()]
    slip = _named_slip(got, {h: [v[h] for v in variants] for h in variants[0]}, _close)
    k = next(i for i, (g, w) in enumerate(zip(got, want)) if not _close(g, w))
    X, b = _rate_cases()[k]
    raise Wrong(f"on a made-up X of shape {X.shape} (examples as columns) with b = {b}: the "
                f"rate is {want[k]:.6g}; yours is {_fmt(got[k])}."
                + (f" Hint: {slip}." if slip else ""))
