"""The cost surface of a two-parameter model, and what a path on it did (notebook 03, claim C4).

Linear regression without bias, y_hat = w1 x1 + w2 x2, has the training cost

    J(w) = 1/(2m) sum_i (w . x_i - y_i)^2 = 1/2 w'Aw - c'w + J0,
    A = X X' / m  (2, 2),   c = X Y' / m  (2,),   J0 = mean(Y^2) / 2,

a quadratic (a polynomial of degree 2 in w1 and w2): its contours (lines of equal J) are
ellipses around the exact minimum w* = A^-1 c, the least-squares solution, and the eigenvalues
of A are its curvatures (how fast the slope grows across the valley and along it).

* `LeastSquares2D`: that cost, evaluated on grids (for contours) or along a path.
* `train_path`: the parameters after every update of one training run from a given start.
* `path_summary`: how far a path ends from w*, how much it wanders, how often it goes uphill.
* `distance_per_epoch`: the mean distance to w* in each epoch of a run (does it settle?).
* `settled_epoch`: the first epoch from which that mean stays within a threshold.

Their figures are in plots/surface_plots.py.
"""

import numpy as np

from ..core.minibatch import num_minibatches
from ..core.models import LinearRegression
from ..core.train import train
from ..core.validate import validate_instance, validate_int, validate_real, validate_XY


class LeastSquares2D:
    """The training cost J(w1, w2) of two-feature linear regression without bias.

    X: (2, m), Y: (1, m). Attributes: A (2, 2), c (2,), J0, w_min (2,) the exact minimum,
    J_min the cost there, curvatures (2,) the eigenvalues of A, smallest first.
    """

    def __init__(self, X, Y):
        m = validate_XY(X, Y)
        if X.shape[0] != 2 or Y.shape[0] != 1:
            raise ValueError(f"X must have shape (2, m) and Y (1, m), got {X.shape} and {Y.shape}")
        if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
            raise ValueError("X and Y must hold finite numbers only, got nan or inf")
        self.m = m
        self.A = X @ X.T / m  # (2, 2)
        if np.linalg.cond(self.A) > 1e12:
            raise ValueError("the two features of X are (nearly) proportional: X X' / m is "
                             "singular, so J has a valley floor of minima, not one w*")
        self.c = X @ Y[0] / m  # (2,)
        self.J0 = 0.5 * float(np.mean(Y**2))
        self.w_min = np.linalg.solve(self.A, self.c)  # where the gradient A w - c is zero
        self.J_min = float(self(*self.w_min))
        self.curvatures = np.linalg.eigvalsh(self.A)

    def __call__(self, w1, w2):
        """J at (w1, w2); w1 and w2 may be grids of the same shape (vectorised)."""
        A, c = self.A, self.c
        return (0.5 * (A[0, 0] * w1**2 + 2 * A[0, 1] * w1 * w2 + A[1, 1] * w2**2)
                - c[0] * w1 - c[1] * w2 + self.J0)

    def along(self, path) -> np.ndarray:
        """J at every point of a path (k, 2) -> (k,)."""
        P = _as_path(path)
        return self(P[:, 0], P[:, 1])


def _as_path(path, name: str = "path") -> np.ndarray:
    P = np.asarray(path, dtype=float)
    if P.ndim != 2 or P.shape[1] != 2 or len(P) < 2:
        raise ValueError(f"{name} must be a sequence of at least two (w1, w2) points, shape "
                         f"(k, 2); got shape {P.shape}")
    if not np.all(np.isfinite(P)):
        raise ValueError(f"{name} must hold finite points, got nan or inf (a diverged run?)")
    return P


def _as_point(name: str, w) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    if w.shape != (2,) or not np.all(np.isfinite(w)):
        raise ValueError(f"{name} must be two finite numbers (w1, w2), got {w!r}")
    return w


def _validate_surface(surface) -> None:
    validate_instance("surface", surface, LeastSquares2D)


def train_path(X, Y, start, batch_size: int, learning_rate, *, epochs: int | None = None,
               updates: int | None = None, seed=0):
    """Train two-feature linear regression without bias from `start` (w1, w2), recording the
    parameters after every update; returns the History (its .path is (updates + 1, 2)).

    Give exactly one budget: epochs, or updates (then training stops after that many
    updates). The same call as notebook 03 makes in the open: the model set to `start`, then
    cu.train.train(model, X, Y, batch_size, learning_rate, epochs, seed=seed,
    record_path=True).
    """
    m = validate_XY(X, Y)
    start = _as_point("start", start)
    if (epochs is None) == (updates is None):
        raise ValueError(f"give exactly one of epochs and updates, got epochs="
                         f"{epochs!r} and updates={updates!r}")
    if updates is not None:
        updates = validate_int("updates", updates)
        per_epoch = num_minibatches(m, validate_int("batch_size", batch_size, high=m))
        epochs = -(-updates // per_epoch)
    model = LinearRegression(2, bias=False)
    model.set_flat(start)
    return train(model, X, Y, batch_size, learning_rate, epochs, seed=seed,
                 max_updates=updates, record_path=True)


def path_summary(path, surface: LeastSquares2D, last: int = 1) -> dict:
    """What a path (k, 2), start first, did on the surface; `last`: points that count as its end
    (for "wander" only; 1: the last point).

    Returns a dict: "updates" (k - 1), "start_distance" and "end_distance" to w* (parameter
    units), "wander" (mean distance to w* over the last `last` points), "uphill" (fraction of
    updates after which the full training cost J was higher than before), "detour" (the
    path's length over the straight distance between its first and last points: 1 for a
    straight walk), "distance" (k,), the distance to w* at every point, and
    "smallest_change", the smallest |J(t+1) - J(t)| over the updates: the "uphill" share can
    differ on another machine only if that is within rounding of the threshold (1e-12 J*).
    """
    _validate_surface(surface)
    P = _as_path(path)
    last = validate_int("last", last, high=len(P))
    distance = np.linalg.norm(P - surface.w_min, axis=1)
    J = surface.along(P)
    # "uphill": J rose by more than rounding (a step that lands exactly on w* must not count)
    tol = 1e-12 * max(1.0, abs(surface.J_min))
    length = np.linalg.norm(np.diff(P, axis=0), axis=1).sum()
    straight = np.linalg.norm(P[-1] - P[0])
    return {
        "updates": len(P) - 1,
        "start_distance": float(distance[0]),
        "end_distance": float(distance[-1]),
        "wander": float(distance[-last:].mean()),
        "uphill": float(np.mean(np.diff(J) > tol)),
        "detour": float(length / straight) if straight > 0 else float("inf"),
        "distance": distance,
        "smallest_change": float(np.min(np.abs(np.diff(J)))),
    }


def distance_per_epoch(path, w_min, m: int, batch_size: int) -> np.ndarray:
    """Mean distance to w_min over the points reached in each epoch of a run: (epochs,).

    path: (1 + updates, 2), start first, as train(..., record_path=True) records it; an
    epoch is ceil(m / batch_size) updates. A last, incomplete epoch is left out.
    """
    P = _as_path(path)
    w_min = _as_point("w_min", w_min)
    per_epoch = num_minibatches(m, batch_size)
    epochs = (len(P) - 1) // per_epoch
    if epochs == 0:
        raise ValueError(f"path must hold at least one epoch ({per_epoch} updates for m = {m}, "
                         f"batch_size = {batch_size}), got {len(P) - 1} updates")
    d = np.linalg.norm(P[1 : 1 + epochs * per_epoch] - w_min, axis=1)
    return d.reshape(epochs, per_epoch).mean(axis=1)


def settled_epoch(d_epoch, threshold) -> int | None:
    """The first epoch (counted from 1) from which every epoch's mean distance, to the end of
    the run, is at most `threshold`: the run reaches the threshold and stays. None if the
    last epoch's mean is above it.

    A single update can dip below a threshold by chance (SGD's steps are long and random);
    a mean over an epoch that stays below it cannot.
    """
    d = np.asarray(d_epoch, dtype=float)
    if d.ndim != 1 or d.size == 0 or not np.all(np.isfinite(d)):
        raise ValueError(f"d_epoch must be a non-empty 1-D sequence of finite distances, got "
                         f"shape {d.shape}")
    threshold = validate_real("threshold", threshold, low=0)
    above = np.flatnonzero(d > threshold)
    if above.size == 0:
        return 1
    return None if above[-1] == d.size - 1 else int(above[-1]) + 2
