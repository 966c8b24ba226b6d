"""Argument checks shared by the public functions.

Every error names the argument, the value received and what is allowed.
"""

from numbers import Integral, Real

import numpy as np


def check_int(name: str, value, *, low: int = 1, high: int | None = None) -> int:
    """Return `value` as an int if it is an integer in [low, high], else raise."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if value < low or (high is not None and value > high):
        allowed = f"{low} <= {name}" + (f" <= {high}" if high is not None else "")
        raise ValueError(f"{name} must satisfy {allowed}, got {value}")
    return value


def check_positive_float(name: str, value) -> float:
    """Return `value` as a float if it is a finite number > 0, else raise."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_seed(name: str, value) -> None:
    """Accept what np.random.default_rng accepts: None, an int >= 0 or a Generator."""
    if value is None or isinstance(value, np.random.Generator):
        return
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(
            f"{name} must be None, an integer >= 0 or a numpy Generator, got {value!r} "
            f"({type(value).__name__})"
        )
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")


def check_XY(X, Y) -> int:
    """Check the course convention X (n_x, m), Y (n_y, m); return m."""
    if not isinstance(X, np.ndarray) or not isinstance(Y, np.ndarray):
        raise TypeError(
            f"X and Y must be numpy arrays, got {type(X).__name__} and {type(Y).__name__}"
        )
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D with shape (n_x, m), examples as columns; got shape {X.shape}"
        )
    if Y.ndim != 2:
        raise ValueError(
            f"Y must be 2-D with shape (n_y, m), examples as columns; got shape {Y.shape} "
            "(for a label vector y use y.reshape(1, -1))"
        )
    m = X.shape[1]
    if m == 0 or X.shape[0] == 0:
        raise ValueError(f"X must hold at least one feature and one example, got shape {X.shape}")
    if Y.shape[1] != m:
        raise ValueError(
            f"X and Y must hold the same number of examples m (columns): "
            f"X has {m}, Y has {Y.shape[1]}"
        )
    return m
