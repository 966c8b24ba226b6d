"""Curvature of the cost: exact Hessian-vector products and the largest eigenvalue.

The Hessian H of the mean cost J holds its second derivatives: how fast the gradient turns
along each direction of the parameters. Its largest eigenvalue λ_max is the curvature of the
steepest direction, and gradient descent is stable along that direction only for learning
rates below 2 / λ_max (notebook 03 derives this on a quadratic cost). That ceiling is a
property of the cost, not of the mini-batch size.

* `hessian_vector_product`: H v without forming H, by Pearlmutter's R-operator: the exact
  derivative of the gradient along v, one extra forward and backward pass. (Finite
  differences of gradients pick up ReLU kinks that the step happens to cross.)
* `top_eigenvalue`: λ_max by the Lanczos method on Hessian-vector products.
* `best_noiseless_rate`: |G|² / (Gᵀ H G), the best learning rate for one step along the
  full gradient G on the quadratic model of the cost (McCandlish et al. 2018's ε_max).
"""

import numpy as np
from threadpoolctl import threadpool_limits

from ..core.validate import validate_int, validate_model_XY, validate_seed


def _flat(model, arrays: dict, prefix: str = "") -> np.ndarray:
    """arrays[prefix + name] for every parameter name, as one vector laid out like get_flat."""
    return np.concatenate([arrays[prefix + name].ravel() for name in model.params])


def _validate_direction(model, v) -> np.ndarray:
    v = np.asarray(v)
    if v.shape != (model.num_params,) or not np.issubdtype(v.dtype, np.floating):
        raise ValueError(f"v must be a float vector of shape ({model.num_params},), laid out "
                         f"like model.get_flat(); got {v.dtype} {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("v must hold finite numbers only")
    return v


def hessian_vector_product(model, X, Y, v) -> np.ndarray:
    """H v for the mean cost of `model` on (X, Y), exactly (the R-operator), as a flat vector.

    model: a course MLP (any depth; sigmoid, softmax or linear output). v: (P,) laid out like
    model.get_flat(). ReLU is treated as having zero second derivative, which is exact
    everywhere except on its kinks. Computed in the model's dtype (X, Y and v are converted
    to it, as train does). Returns (P,).
    """
    validate_model_XY(model, X, Y)
    v = _validate_direction(model, v).astype(model.dtype, copy=False)
    X = X.astype(model.dtype, copy=False)
    Y = Y.astype(model.dtype, copy=False)
    with threadpool_limits(1):
        return _hessian_vector_product(model, X, Y, v)


def _hessian_vector_product(model, X, Y, v) -> np.ndarray:
    _, (As, _, AL) = model.forward(X)  # As = [X, A1, ..., A(L-1)]
    m = X.shape[1]
    V, k = {}, 0  # v split like model.params: V["W1"] is the direction for W1
    for name, p in model.params.items():
        V[name] = v[k : k + p.size].reshape(p.shape)
        k += p.size
    # Forward: R{Z_l} = V_l A_(l-1) + W_l R{A_(l-1)} (+ v_b), the change of each layer's Z.
    RA = [np.zeros_like(X)]
    for l in range(1, model.L + 1):
        RZ = V[f"W{l}"] @ As[l - 1] + model.params[f"W{l}"] @ RA[l - 1]
        if model.bias:
            RZ += V[f"b{l}"]
        if l < model.L:
            RA.append(RZ * (As[l] > 0))  # ReLU: the change passes where the unit is active
    if model.output == "softmax":  # R{AL}: the output's change, through its own derivative
        RAL = AL * (RZ - np.sum(AL * RZ, axis=0, keepdims=True))
    elif model.output == "sigmoid":
        RAL = AL * (1 - AL) * RZ
    else:
        RAL = RZ
    # Backward: the derivative along v of every line of MLP.backward.
    dZ, RdZ = (AL - Y) / m, RAL / m  # (n_y, m) each
    out = {}
    for l in range(model.L, 0, -1):
        out[f"W{l}"] = RdZ @ As[l - 1].T + dZ @ RA[l - 1].T
        if model.bias:
            out[f"b{l}"] = RdZ.sum(axis=1, keepdims=True)
        if l > 1:
            W = model.params[f"W{l}"]
            active = As[l - 1] > 0
            dZ, RdZ = (W.T @ dZ) * active, (V[f"W{l}"].T @ dZ + W.T @ RdZ) * active
    return _flat(model, out)


def top_eigenvalue(model, X, Y, steps: int = 20, seed=0) -> float:
    """λ_max, the largest eigenvalue of the Hessian of the mean cost on (X, Y).

    Lanczos iteration: `steps` Hessian-vector products from a random start (seeded), each new
    direction made orthogonal to all earlier ones; the largest eigenvalue of the small
    tridiagonal matrix they build estimates λ_max from below, and converges to it fast when
    λ_max stands apart from the next eigenvalue. Unlike the power method it returns the
    largest *signed* eigenvalue, even when a negative one is larger in size.
    """
    validate_model_XY(model, X, Y)
    steps = validate_int("steps", steps)
    validate_seed("seed", seed)
    X = X.astype(model.dtype, copy=False)
    Y = Y.astype(model.dtype, copy=False)
    q = np.random.default_rng(seed).standard_normal(model.num_params).astype(model.dtype)
    Q = [q / np.linalg.norm(q)]
    alphas, betas = [], []
    with threadpool_limits(1):
        for _ in range(min(steps, model.num_params)):
            w = _hessian_vector_product(model, X, Y, Q[-1])
            alphas.append(float(Q[-1] @ w))
            basis = np.array(Q)  # (j, P)
            for _ in range(2):  # twice: one pass of Gram-Schmidt leaves rounding errors
                w -= basis.T @ (basis @ w)
            beta = float(np.linalg.norm(w))
            if beta <= 1e-10 * max(abs(a) for a in alphas) or len(alphas) == steps:
                break  # the directions span an invariant subspace: the Ritz values are exact
            betas.append(beta)
            Q.append(w / beta)
    off = betas[: len(alphas) - 1]  # the tridiagonal matrix Qᵀ H Q of the Lanczos basis Q
    T = np.diag(alphas) + np.diag(off, 1) + np.diag(off, -1)
    return float(np.linalg.eigvalsh(T)[-1])


def best_noiseless_rate(model, X, Y) -> float:
    """ε_max = |G|² / (Gᵀ H G): the learning rate that lowers the quadratic model of the cost
    most in one step along the full gradient G (McCandlish et al. 2018's ε_max, the best rate
    with no gradient noise). Infinite where Gᵀ H G <= 0 (no minimum along G)."""
    validate_model_XY(model, X, Y)
    X = X.astype(model.dtype, copy=False)
    Y = Y.astype(model.dtype, copy=False)
    with threadpool_limits(1):
        _, grads = model.loss_and_grads(X, Y)
        G = _flat(model, grads, prefix="d")
        curvature = float(G @ _hessian_vector_product(model, X, Y, G))
    return float(G @ G) / curvature if curvature > 0 else float("inf")
