"""Gradient noise: how far a mini-batch gradient is from the full gradient, exactly.

With the per-example gradients g_i (one row each) of a model at its current parameters:
    G = mean of g_i                      the full-batch gradient
    tr(Sigma) = mean of |g_i - G|^2      the total per-example variance (population, 1/m)
A mini-batch of b examples drawn without replacement has
    E |g_B - G|^2 = tr(Sigma) / b * (m - b) / (m - 1)
and the "simple noise scale" of McCandlish et al. (2018) is B_simple = tr(Sigma) / |G|^2:
the batch size at which the noise in the gradient is about as large as the gradient itself.
plots/noise_plots.py draws the measured E |g_B - G|^2 against the prediction.
"""

import numpy as np
from threadpoolctl import threadpool_limits

from ..core.validate import validate_int, validate_model_XY, validate_seed, validate_sizes


def _as_model_dtype(model, X, Y) -> tuple:
    """(X, Y) checked against the model and converted to its dtype, as `train` does: the
    gradients are computed in the precision the model asks for, never silently in another."""
    m = validate_model_XY(model, X, Y)
    return X.astype(model.dtype, copy=False), Y.astype(model.dtype, copy=False), m


def per_example_gradients(model, X, Y) -> np.ndarray:
    """Gradients of each example's own cost, one row per example: (m, number of parameters).

    X: (n_x, m), Y: (n_y, m), the model's sizes; converted to the model's dtype (as `train`
    does). Rows are laid out like model.get_flat(). Exact: one-layer models in one
    vectorised pass (dW_i = dz_i x_i^T), deeper models one example at a time.
    """
    X, Y, m = _as_model_dtype(model, X, Y)
    with threadpool_limits(1):  # small products: one BLAS thread is fastest (and fair)
        return _per_example_gradients(model, X, Y, m)


def _per_example_gradients(model, X, Y, m: int) -> np.ndarray:
    if model.L == 1:
        AL, _ = model.forward(X)
        dZ = AL - Y  # (n_y, m): each example's dZ, without the 1/m of the mean cost
        parts = [np.einsum("im,jm->mij", dZ, X).reshape(m, -1)]
        if model.bias:
            parts.append(dZ.T)
        return np.concatenate(parts, axis=1)
    rows = []
    for i in range(m):
        _, grads = model.loss_and_grads(X[:, i : i + 1], Y[:, i : i + 1])
        rows.append(np.concatenate([grads["d" + k].ravel() for k in model.params]))
    return np.array(rows)


def noise_scale(model, X, Y) -> dict:
    """Full gradient norm |G|^2, tr(Sigma) and B_simple = tr(Sigma) / |G|^2 at the model's
    current parameters, from exact per-example gradients.

    One-layer models take a shortcut with the same result: example i's gradient is
    dz_i x_i^T (and dz_i for the bias), so |g_i|^2 = |dz_i|^2 (|x_i|^2 + 1), and
    tr(Sigma) = mean |g_i|^2 - |G|^2, without building the (m, P) array of gradients.
    X, Y as for per_example_gradients. ValueError where the full gradient is exactly 0 (a
    stationary point): B_simple has no meaning there.
    """
    X, Y, m = _as_model_dtype(model, X, Y)
    with threadpool_limits(1):  # small products: one BLAS thread is fastest (and fair)
        result = _noise_scale(model, X, Y, m)
    if result["G_norm2"] == 0:
        raise ValueError("the full gradient G is exactly 0 at these parameters (a stationary "
                         "point): B_simple = tr(Sigma) / |G|^2 is undefined there")
    return result


def _noise_scale(model, X, Y, m: int) -> dict:
    if model.L == 1:
        AL, _ = model.forward(X)
        dZ = AL - Y  # (n_y, m): each example's dz_i
        dz2 = np.sum(dZ * dZ, axis=0)  # (m,)
        x2 = np.sum(X * X, axis=0) + (1.0 if model.bias else 0.0)  # (m,)
        G_W = np.dot(dZ, X.T) / m  # (n_y, n_x)
        G2 = float(np.sum(G_W * G_W))
        if model.bias:
            G_b = dZ.mean(axis=1)
            G2 += float(G_b @ G_b)
        trace = float(np.mean(dz2 * x2)) - G2
    else:
        g = _per_example_gradients(model, X, Y, m)
        G = g.mean(axis=0)
        trace = float(np.mean(np.sum((g - G) ** 2, axis=1)))
        G2 = float(G @ G)
    return {"G_norm2": G2, "trace_sigma": trace, "B_simple": trace / G2 if G2 else np.nan}


def relative_noise(batch_size: int, m: int) -> float:
    """(m - b) / (b (m - 1)): the variance of a mini-batch gradient relative to SGD's (b = 1),
    the b examples drawn without replacement from m. 1 for SGD, 0 for batch GD (b = m)."""
    m = validate_int("m", m)
    b = validate_int("batch_size", batch_size, high=m)
    return (m - b) / (b * (m - 1)) if m > 1 else 0.0


def minibatch_gradient_variance(per_example, batch_sizes, draws: int = 200, seed=0) -> dict:
    """Measured E |g_B - G|^2 over random mini-batches (without replacement) against the
    prediction tr(Sigma) / b * (m - b) / (m - 1), for each batch size.

    per_example: (m, P) per-example gradients, finite, float32 or float64 (computed in that
    dtype), m >= 2. batch_sizes: sizes from 1 to m, none twice. draws: random mini-batches per
    size, >= 2. Returns arrays "measured" and "predicted". At b = m every mini-batch is the
    whole set, so one draw gives the exact value (0 up to rounding) and the other draws are
    skipped.
    """
    if not isinstance(per_example, np.ndarray) or per_example.ndim != 2:
        raise TypeError(f"per_example must be a 2-D numpy array (m, P), got "
                        f"{getattr(per_example, 'shape', type(per_example).__name__)}")
    if per_example.dtype not in (np.float32, np.float64):
        raise TypeError(f"per_example must be float32 or float64, got {per_example.dtype}")
    m = per_example.shape[0]
    if m < 2 or per_example.shape[1] == 0:
        raise ValueError(f"per_example must hold at least 2 examples and 1 parameter, got shape "
                         f"{per_example.shape}")
    if not np.all(np.isfinite(per_example)):
        raise ValueError("per_example must hold finite gradients, got nan or inf")
    sizes = validate_sizes("batch_sizes", batch_sizes, high=m)
    draws = validate_int("draws", draws, low=2)
    validate_seed("seed", seed)
    G = per_example.mean(axis=0)
    trace = np.mean(np.sum((per_example - G) ** 2, axis=1))
    rng = np.random.default_rng(seed)
    measured, predicted = [], []
    for b in sizes:
        err = [np.sum((per_example[rng.choice(m, b, replace=False)].mean(axis=0) - G) ** 2)
               for _ in range(draws if b < m else 1)]
        measured.append(np.mean(err))
        predicted.append(trace * relative_noise(b, m))
    return {"batch_sizes": np.asarray(batch_sizes), "measured": np.array(measured),
            "predicted": np.array(predicted), "trace_sigma": float(trace)}
