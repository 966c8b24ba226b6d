"""Numerical gradient check: compare backward() with central differences of cost().

Only in float64: float32 rounds the cost to about 1e-7 of its size, which swamps the
difference J(p + eps) - J(p - eps) for any eps that keeps the difference quotient accurate.
Costs 2 forward passes per parameter: use a small model and a few examples.
"""

import numpy as np

from .validate import validate_finite_array, validate_model_XY, validate_real


def _validate_arguments(model, X, Y, eps) -> float:
    validate_model_XY(model, X, Y)
    if model.dtype != np.float64:
        raise TypeError(f"model must be float64 for a gradient check, got {model.dtype.name}: "
                        "float32 rounding swamps the central difference (build it with "
                        "dtype=np.float64)")
    validate_finite_array("X", X)
    validate_finite_array("Y", Y)
    return validate_real("eps", eps, low=0, high=1, low_open=True, high_open=True)


def numerical_gradients(model, X, Y, eps: float = 1e-6) -> dict:
    """Central differences (J(p + eps) - J(p - eps)) / (2 eps) for every parameter entry.

    model: a float64 models.MLP; X (n_x, m), Y (n_y, m) float64; 0 < eps < 1. The parameters
    are restored exactly afterwards, even if a forward pass raises.
    """
    eps = _validate_arguments(model, X, Y, eps)
    grads = {}
    for name, p in model.params.items():
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            try:
                p[i] = old + eps
                plus = model.cost(Y, model.forward(X)[1])
                p[i] = old - eps
                minus = model.cost(Y, model.forward(X)[1])
            finally:
                p[i] = old
            g[i] = (plus - minus) / (2 * eps)
        grads["d" + name] = g
    return grads


def gradient_check(model, X, Y, eps: float = 1e-6) -> float:
    """Relative error ||g - g_num|| / (||g|| + ||g_num||) over all parameters.

    Below about 1e-7 means backward() is right; above 1e-3 means a bug. When both gradients
    are exactly zero they agree: the error is 0.0 (not 0 / 0).
    """
    eps = _validate_arguments(model, X, Y, eps)
    _, grads = model.loss_and_grads(X, Y)
    num = numerical_gradients(model, X, Y, eps)
    g = np.concatenate([grads[k].ravel() for k in num])
    g_num = np.concatenate([v.ravel() for v in num.values()])
    scale = np.linalg.norm(g) + np.linalg.norm(g_num)
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(g - g_num) / scale)
