"""Numerical gradient check: compare backward() with central differences of cost()."""

import numpy as np


def numerical_gradients(model, X, Y, eps: float = 1e-6) -> dict:
    """Central differences (J(p + eps) - J(p - eps)) / (2 eps) for every parameter entry."""
    grads = {}
    for name, p in model.params.items():
        g = np.zeros_like(p, dtype=np.float64)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + eps
            plus = model.cost(Y, model.forward(X)[1])
            p[i] = old - eps
            minus = model.cost(Y, model.forward(X)[1])
            p[i] = old
            g[i] = (plus - minus) / (2 * eps)
        grads["d" + name] = g
    return grads


def gradient_check(model, X, Y, eps: float = 1e-6) -> float:
    """Relative error ||g - g_num|| / (||g|| + ||g_num||) over all parameters.

    Below about 1e-7 in float64 means backward() is right; above 1e-3 means a bug.
    """
    _, grads = model.loss_and_grads(X, Y)
    num = numerical_gradients(model, X, Y, eps)
    g = np.concatenate([grads[k].ravel() for k in num])
    g_num = np.concatenate([v.ravel() for v in num.values()])
    return float(np.linalg.norm(g - g_num) / (np.linalg.norm(g) + np.linalg.norm(g_num)))
