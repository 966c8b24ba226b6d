"""Argument validation shared by the public functions: each validate_* raises on a bad value.

Every error names the argument, the value received and what is allowed.
"""

from numbers import Integral, Real

import numpy as np


def validate_int(name: str, value, *, low: int = 1, high: int | None = None) -> int:
    """Return `value` as an int if it is an integer in [low, high], else raise."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if value < low or (high is not None and value > high):
        allowed = f"{low} <= {name}" + (f" <= {high}" if high is not None else "")
        raise ValueError(f"{name} must satisfy {allowed}, got {value}")
    return value


def validate_positive_float(name: str, value) -> float:
    """Return `value` as a float if it is a finite number > 0, else raise."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def validate_seed(name: str, value) -> None:
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


def validate_XY(X, Y, x_name: str = "X", y_name: str = "Y") -> int:
    """Check the course convention X (n_x, m), Y (n_y, m); return m. x_name, y_name: the
    arguments' names in the errors (X_test, Y_test, ...)."""
    if not isinstance(X, np.ndarray) or not isinstance(Y, np.ndarray):
        raise TypeError(f"{x_name} and {y_name} must be numpy arrays, got "
                        f"{type(X).__name__} and {type(Y).__name__}")
    if X.ndim != 2:
        raise ValueError(f"{x_name} must be 2-D with shape (n_x, m), examples as columns; got "
                         f"shape {X.shape}")
    if Y.ndim != 2:
        raise ValueError(f"{y_name} must be 2-D with shape (n_y, m), examples as columns; got "
                         f"shape {Y.shape} (for a label vector y use y.reshape(1, -1))")
    m = X.shape[1]
    if m == 0 or X.shape[0] == 0:
        raise ValueError(f"{x_name} must hold at least one feature and one example, got shape "
                         f"{X.shape}")
    if Y.shape[1] != m:
        raise ValueError(f"{x_name} and {y_name} must hold the same number of examples m "
                         f"(columns): {x_name} has {m}, {y_name} has {Y.shape[1]}")
    return m


# ---- added for memory, oom and stream (also general) ---------------------------------------

FLOAT_DTYPES = ("float32", "float64")


def validate_choice(name: str, value, allowed) -> str:
    """Return `value` if it is one of the strings in `allowed` (exactly, case included)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {list(allowed)}, got {value!r} "
                        f"({type(value).__name__})")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, got {value!r}")
    return value


def validate_float_dtype(name: str, value) -> np.dtype:
    """Return float32 or float64 as a numpy dtype. Text must be "float32" or "float64": other
    spellings can be read two ways ("float" is 64 bits to numpy and 32 bits to C)."""
    if isinstance(value, str):
        if value not in FLOAT_DTYPES:
            raise ValueError(f"{name} must be 'float32' or 'float64', got {value!r}")
        return np.dtype(value)
    if value is None or isinstance(value, bool):
        raise TypeError(f"{name} must be 'float32', 'float64', np.float32 or np.float64, "
                        f"got {value!r}")
    try:
        dtype = np.dtype(value)
    except TypeError as err:
        raise TypeError(f"{name} must be 'float32', 'float64', np.float32 or np.float64, "
                        f"got {value!r} ({type(value).__name__})") from err
    if dtype.name not in FLOAT_DTYPES:
        raise ValueError(f"{name} must be float32 or float64, got {value!r} ({dtype.name})")
    return dtype


def validate_layer_dims(name: str, value) -> list[int]:
    """Return [n_x, n_1, ..., n_y] as ints, each >= 1, at least two of them."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, np.ndarray)):
        raise TypeError(f"{name} must be a list of layer sizes [n_x, ..., n_y], got {value!r} "
                        f"({type(value).__name__})")
    if len(value) < 2:
        raise ValueError(f"{name} needs at least [n_x, n_y], got {list(value)!r}")
    return [validate_int(f"{name}[{i}]", n) for i, n in enumerate(value)]


def validate_bytes(name: str, value, *, low: int = 1) -> int:
    """Return a number of bytes as an int: a whole number >= low (1e9 is accepted, 1.5 is not)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number of bytes, got {value!r} "
                        f"({type(value).__name__})")
    if not isinstance(value, Integral):
        if not np.isfinite(value) or not float(value).is_integer():
            raise ValueError(f"{name} must be a whole number of bytes, got {value!r}")
        value = int(value)
    if value < low:
        raise ValueError(f"{name} must be >= {low:,} bytes, got {value!r}")
    return int(value)


def validate_bool(name: str, value) -> bool:
    """Return `value` if it is True or False (numpy's too); 0, 1 and "yes" are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


# ---- added for noise, sweep, timing, curves, surface and plotting (also general) -------------


def validate_real(name: str, value, *, low=None, high=None, low_open: bool = False,
                  high_open: bool = False) -> float:
    """Return `value` as a float if it is a finite number in [low, high] ("open": the bound
    itself excluded; None: no bound), else raise."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    v = float(value)
    below = low is not None and (v <= low if low_open else v < low)
    above = high is not None and (v >= high if high_open else v > high)
    if not np.isfinite(v) or below or above:
        if low is not None and high is not None:
            allowed = (f" with {low:g} {'<' if low_open else '<='} {name} "
                       f"{'<' if high_open else '<='} {high:g}")
        elif low is not None:
            allowed = f" {'>' if low_open else '>='} {low:g}"
        else:
            allowed = "" if high is None else f" {'<' if high_open else '<='} {high:g}"
        raise ValueError(f"{name} must be a finite number{allowed}, got {_plain(value)!r}")
    return v


def validate_values(name: str, values, *, low=None, low_open: bool = False, min_size: int = 1,
                    why: str = "") -> np.ndarray:
    """Return a 1-D sequence of finite numbers (each >= low, or > low if low_open) as a float64
    array, else raise naming every bad entry, e.g. "steps[3] = None". why: a last sentence
    for the error (what a bad entry usually means)."""
    if isinstance(values, np.ndarray):
        if values.ndim != 1 or values.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be a 1-D sequence of numbers, got an array of shape "
                            f"{values.shape} and dtype {values.dtype}")
        items = values.tolist()
    elif isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a 1-D sequence of numbers, got {values!r} "
                        f"({type(values).__name__})")
    else:
        items = list(values)
    if len(items) < min_size:
        raise ValueError(f"{name} must hold at least {min_size} number(s), got {len(items)}")
    bad = [i for i, v in enumerate(items)
           if v is None or isinstance(v, bool) or not isinstance(v, Real) or not np.isfinite(v)
           or (low is not None and (v <= low if low_open else v < low))]
    if bad:
        rule = "" if low is None else f" {'>' if low_open else '>='} {low:g}"
        shown = ", ".join(f"{name}[{i}] = {_plain(items[i])!r}" for i in bad[:8])
        wrong_type = [i for i in bad if items[i] is not None and not isinstance(items[i], Real)]
        error = TypeError if wrong_type else ValueError  # None: a value that is missing
        raise error(f"{name} must hold finite numbers{rule}; bad entries: {shown}"
                    + ("" if len(bad) <= 8 else f" and {len(bad) - 8} more")
                    + (f". {why}" if why else ""))
    return np.array(items, dtype=np.float64)


def _plain(v):
    """np.float64(nan) -> nan, np.int64(-1) -> -1: numbers shown as Python's, the rest as is."""
    if isinstance(v, bool) or not isinstance(v, Real):
        return v
    return int(v) if isinstance(v, Integral) else float(v)


def validate_sizes(name: str, values, *, high: int | None = None,
                   increasing: bool = False) -> list[int]:
    """Return batch sizes (or other counts) as a non-empty list of ints in [1, high] without
    repeats (strictly increasing if `increasing`), else raise naming the entry."""
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence of integers, got {values!r}")
    sizes = [validate_int(f"{name}[{i}]", b, high=high) for i, b in enumerate(values)]
    if not sizes:
        raise ValueError(f"{name} must hold at least one size, got none")
    if len(set(sizes)) != len(sizes):
        raise ValueError(f"{name} must not repeat a size, got {sizes}")
    if increasing and sizes != sorted(sizes):
        raise ValueError(f"{name} must be in increasing order, got {sizes}")
    return sizes


def validate_learning_rates(name: str, values) -> list[float]:
    """Return a grid of learning rates as a list of floats: at least one, each finite and > 0,
    no rate twice (in the order given)."""
    rates = validate_values(name, values, low=0, low_open=True).tolist()
    if len(set(rates)) != len(rates):
        raise ValueError(f"{name} must not repeat a rate, got {rates}")
    return rates


def validate_instance(name: str, value, cls) -> None:
    """Raise TypeError unless `value` is a `cls` (a result the library made, e.g. StepTimes)."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {cls.__name__}, got {type(value).__name__}")


def validate_callable(name: str, value) -> None:
    """Raise TypeError unless `value` can be called (a function, a lambda, a class)."""
    if not callable(value):
        raise TypeError(f"{name} must be callable (e.g. a function returning a fresh model), "
                        f"got {value!r} ({type(value).__name__})")


def validate_model_XY(model, X, Y, x_name: str = "X", y_name: str = "Y") -> int:
    """validate_XY, then that X has the model's n_x rows and Y its n_y rows; return m."""
    m = validate_XY(X, Y, x_name, y_name)
    n_x, n_y = model.layer_dims[0], model.layer_dims[-1]
    if X.shape[0] != n_x or Y.shape[0] != n_y:
        raise ValueError(f"{x_name} must have shape (n_x={n_x}, m) and {y_name} (n_y={n_y}, m) "
                         f"for this model (layer_dims {model.layer_dims}); got {x_name} "
                         f"{X.shape} and {y_name} {Y.shape}")
    return m


# ---- added for data, minibatch, models, gradcheck and train ----------------------------------


def validate_finite_array(name: str, A, *, block_elements: int = 2**20) -> None:
    """Raise ValueError naming the first entry of the numeric array A that is nan or inf.

    A 2-D A is checked a block of columns at a time, so the check needs at most about
    `block_elements` bytes of memory however large A is (a data set of millions of examples).
    """
    if A.ndim != 2:
        bad = np.argwhere(~np.isfinite(A))
        if bad.size:
            where = ", ".join(str(int(i)) for i in bad[0])
            raise ValueError(f"{name} must hold finite numbers; {name}[{where}] = "
                             f"{_plain(A[tuple(bad[0])])!r}")
        return
    step = max(1, block_elements // max(1, A.shape[0]))
    for k in range(0, A.shape[1], step):
        bad = np.argwhere(~np.isfinite(A[:, k : k + step]))
        if bad.size:
            i, j = int(bad[0][0]), int(bad[0][1]) + k
            raise ValueError(f"{name} must hold finite numbers; {name}[{i}, {j}] = "
                             f"{_plain(A[i, j])!r}")
