"""The cost surface of a two-parameter model, and what a path on it did (notebook 03, claim C4).

Linear regression without bias, y_hat = w1 x1 + w2 x2, has the training cost

    J(w) = 1/(2m) sum_i (w . x_i - y_i)^2 = 1/2 w'Aw - c'w + J0,
    A = X X' / m  (2, 2),   c = X Y' / m  (2,),   J0 = mean(Y^2) / 2,

a quadratic: its contours are ellipses around the exact minimum w* = A^-1 c, and the
eigenvalues of A are its curvatures (how steep the valley is across and along).

* `LeastSquares2D`: that cost, evaluated on grids (for contours) or along a path.
* `train_path`: the parameters after every update of one training run from a given start.
* `path_summary`: how far a path ends from w*, how much it wanders, how often it goes uphill.
* `distance_per_epoch`: the mean distance to w* in each epoch of a run (does it settle?).
* `plot_paths`: the contour figure, each method in its own colour, line style and marker.
* `plot_near_minimum`: the contours close to w*, with pieces of paths (e.g. a last epoch).
"""

import matplotlib.pyplot as plt
import numpy as np

from ._checks import check_int, check_XY
from .minibatch import num_minibatches
from .models import LinearRegression
from .plotting import OTHER, legend, method_label, method_style, plot_contours, plot_path
from .train import train


class LeastSquares2D:
    """The training cost J(w1, w2) of two-feature linear regression without bias.

    X: (2, m), Y: (1, m). Attributes: A (2, 2), c (2,), J0, w_min (2,) the exact minimum,
    J_min the cost there, curvatures (2,) the eigenvalues of A, smallest first.
    """

    def __init__(self, X, Y):
        m = check_XY(X, Y)
        if X.shape[0] != 2 or Y.shape[0] != 1:
            raise ValueError(f"X must have shape (2, m) and Y (1, m), got {X.shape} and {Y.shape}")
        self.m = m
        self.A = X @ X.T / m  # (2, 2)
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


def _as_path(path) -> np.ndarray:
    P = np.asarray(path, dtype=float)
    if P.ndim != 2 or P.shape[1] != 2 or len(P) < 2:
        raise ValueError(f"path must be a sequence of at least two (w1, w2) points, shape (k, 2); "
                         f"got shape {P.shape}")
    return P


def train_path(X, Y, start, batch_size: int, learning_rate, *, num_epochs: int | None = None,
               updates: int | None = None, seed=0):
    """Train two-feature linear regression without bias from `start` (w1, w2), recording the
    parameters after every update; returns the History (its .path is (updates + 1, 2)).

    Give exactly one budget: num_epochs, or updates (then training stops after that many
    updates). The same call as notebook 03 makes in the open: the model set to `start`, then
    cu.train.train(model, X, Y, batch_size, learning_rate, num_epochs, seed=seed,
    record_path=True).
    """
    m = check_XY(X, Y)
    start = np.asarray(start, dtype=float)
    if start.shape != (2,) or not np.all(np.isfinite(start)):
        raise ValueError(f"start must be two finite numbers (w1, w2), got {start!r}")
    if (num_epochs is None) == (updates is None):
        raise ValueError(f"give exactly one of num_epochs and updates, got num_epochs="
                         f"{num_epochs!r} and updates={updates!r}")
    if updates is not None:
        updates = check_int("updates", updates)
        per_epoch = num_minibatches(m, check_int("batch_size", batch_size, high=m))
        num_epochs = -(-updates // per_epoch)
    model = LinearRegression(2, bias=False)
    model.set_flat(start)
    return train(model, X, Y, batch_size, learning_rate, num_epochs, seed=seed,
                 max_updates=updates, record_path=True)


def path_summary(path, surface: LeastSquares2D, last: int) -> dict:
    """What a path (k, 2), start first, did on the surface; `last`: points that count as its end.

    Returns a dict: "updates" (k - 1), "start_distance" and "end_distance" to w* (parameter
    units), "wander" (mean distance to w* over the last `last` points), "uphill" (fraction of
    updates after which the full training cost J was higher than before), "detour" (the
    path's length over the straight distance between its first and last points: 1 for a
    straight walk) and "distance" (k,), the distance to w* at every point.
    """
    P = _as_path(path)
    last = check_int("last", last, high=len(P))
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
    }


def distance_per_epoch(path, w_min, m: int, batch_size: int) -> np.ndarray:
    """Mean distance to w_min over the points reached in each epoch of a run: (epochs,).

    path: (1 + updates, 2), start first, as train(..., record_path=True) records it; an
    epoch is ceil(m / batch_size) updates. A last, incomplete epoch is left out.
    """
    P = _as_path(path)
    per_epoch = num_minibatches(m, batch_size)
    epochs = (len(P) - 1) // per_epoch
    if epochs == 0:
        raise ValueError(f"path must hold at least one epoch ({per_epoch} updates for m = {m}, "
                         f"batch_size = {batch_size}), got {len(P) - 1} updates")
    d = np.linalg.norm(P[1 : 1 + epochs * per_epoch] - np.asarray(w_min, float), axis=1)
    return d.reshape(epochs, per_epoch).mean(axis=1)


def plot_paths(paths: dict, m: int, surface: LeastSquares2D, ax=None, pad: float = 0.4,
               lw: float = 1.6, limits=None):
    """Contours of `surface` with one path per batch size drawn on them, in the method styles;
    returns the Axes (never calls plt.show()).

    paths: {batch_size: path (k, 2)}, drawn in that order (the last on top); m: the training
    set size (b = m is batch GD). The view is the box around all the paths and w*, widened by
    `pad` (parameter units), unless limits = ((w1_lo, w1_hi), (w2_lo, w2_hi)). lw: width of
    the path lines (points). w* is marked with a plus, distinct from the paths' end stars.
    """
    if not paths:
        raise ValueError("paths must hold at least one {batch_size: path} entry, got none")
    Ps = {b: _as_path(P) for b, P in paths.items()}
    if limits is None:
        pts = np.vstack([*Ps.values(), surface.w_min[None, :]])
        lo, hi = pts.min(axis=0) - pad, pts.max(axis=0) + pad
        limits = ((lo[0], hi[0]), (lo[1], hi[1]))
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    plot_contours(surface, *limits, ax=ax)
    for b, P in Ps.items():
        style = method_style(b, m)
        plot_path(P, ax=ax, label=method_label(b, m), **style)
        # plot_path draws lines 1 point wide; widen this path's own line (its start and end
        # markers are the lines with a gid)
        path_line = [ln for ln in ax.get_lines() if ln.get_gid() is None][-1]
        path_line.set_linewidth(lw)
        path_line.set_markersize(4 if style["marker"] != "x" else 5)
    # a thin cross on top of everything: an end star at w* shows through it
    ax.plot(*surface.w_min, "+", color=OTHER["vermillion"], ms=20, mew=2.5, zorder=6,
            label="minimum w* of J")
    ax.set(xlim=limits[0], ylim=limits[1])
    legend(ax)
    return ax



def plot_near_minimum(surface: LeastSquares2D, paths: dict, radius: float, ax=None):
    """Contours within `radius` (parameter units) of w*, with w* marked and some paths on them.

    paths: {label: (path (k, 2), style)}, style a dict of keywords for ax.plot (the caller
    chooses method or OTHER colours). Draws no start or end markers: for pieces of paths,
    such as a run's last epoch. Returns the Axes (never calls plt.show()).
    """
    if not (np.isscalar(radius) and np.isfinite(radius) and radius > 0):
        raise ValueError(f"radius must be a finite number > 0, got {radius!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    lims = [(c - radius, c + radius) for c in surface.w_min]
    plot_contours(surface, *lims, ax=ax)
    ax.plot(*surface.w_min, "+", color=OTHER["vermillion"], ms=20, mew=2.5, zorder=6,
            label="minimum w* of J")
    for label, (path, style) in paths.items():
        ax.plot(*_as_path(path).T, label=label, **style)
    ax.set(xlim=lims[0], ylim=lims[1])
    legend(ax)
    return ax
