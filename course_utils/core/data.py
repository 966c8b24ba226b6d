"""Data sets for the course. Examples are columns: X is (n_x, m), Y is (n_y, m).

* `load_mnist1d`: the standard MNIST-1D split shipped in data/ (no network needed); DATA_DIR
  is where the shipped files are, in a checkout or in an installed package.
* `make_moons`: the two-moons set of the deeplearning.ai "Optimization methods" assignment.
* `make_teacher`: a synthetic classification set whose labels a known logistic model (the
  "teacher") draws from random features; any size up to millions of examples, for the
  scaling experiments.
* `make_regression_2d`: two features (correlated or of different scales), for drawing the
  cost as contours.
* `random_batch`: one random mini-batch of given sizes, for timing and measuring a step.

X is returned in Fortran order: shape (n_x, m), but each example's features sit next to each
other in memory, so gathering a shuffled mini-batch copies whole rows (fast). Y, which has few
rows, stays in C order, the layout of a model's output, so that AL - Y needs no reordering.
"""

from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .validate import (
    validate_choice,
    validate_float_dtype,
    validate_int,
    validate_positive_float,
    validate_real,
    validate_seed,
)

GPU_DTYPES = ("float32", "bfloat16", "cupy-fp32")  # the runs in gpu_batch_scaling_h100.csv



def _as_path(name: str, path) -> Path:
    """`path` as a Path: a str or os.PathLike, else a TypeError naming the argument."""
    try:
        return Path(path)
    except TypeError:
        raise TypeError(f"{name} must be a str or a path, got {path!r} "
                        f"({type(path).__name__})") from None


def _find_data_dir() -> Path:
    """Where the shipped data files are (see data/README.md).

    An installed wheel carries them as package data, course_utils/_data/; a source checkout
    or an editable install (`pip install -e .`) reads data/ at the repository root.
    """
    shipped = resources.files("course_utils") / "_data"  # a pathlib.Path for an unzipped install
    if shipped.is_dir():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "data"  # course_utils/core/data.py


DATA_DIR = _find_data_dir()


class Split(NamedTuple):
    """A train/test split. X: (n_x, m), Y: (n_y, m), one-hot for multi-class labels."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray


def one_hot(labels, n_classes: int) -> np.ndarray:
    """Integer labels (m,) in [0, n_classes - 1] -> one-hot matrix (n_classes, m) of float64."""
    n_classes = validate_int("n_classes", n_classes)
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {labels.dtype} (float labels such "
                        "as 2.0 are refused rather than rounded)")
    if labels.ndim != 1:
        raise ValueError(f"labels must be a 1-D array (m,), got shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"labels must lie in [0, {n_classes - 1}] for n_classes={n_classes}, "
            f"got values from {labels.min()} to {labels.max()}"
        )
    Y = np.zeros((n_classes, labels.size))  # C order, like a model's output AL (see minibatch)
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def load_mnist1d(path=None) -> Split:
    """MNIST-1D (Greydanus 2020): 4,000 train / 1,000 test examples, 40 features, 10 classes.

    Returns a Split with X (40, m) float64 and Y one-hot (10, m). The file is data/mnist1d.npz
    (see data/README.md for its source, licence and checksum).
    """
    path = _as_path("path", path) if path is not None else DATA_DIR / "mnist1d.npz"
    if not path.exists():
        raise FileNotFoundError(
            f"MNIST-1D file not found at {path}. It ships with the course repository in data/; "
            "scripts/make_mnist1d.py regenerates it."
        )
    with np.load(path) as d:
        return Split(d["x"].T, one_hot(d["y"], 10), d["x_test"].T, one_hot(d["y_test"], 10))


def load_gpu_reference(dtype: str = "float32", path=None) -> dict:
    """The course's reference H100 measurements (data/gpu_batch_scaling_h100.csv).

    MLP 784-1024-1024-10, one SGD step in PyTorch. Returns numpy arrays for one dtype
    ("float32", "bfloat16" or "cupy-fp32", exactly): batch, step_ms, samples_per_s,
    peak_step_bytes.
    """
    validate_choice("dtype", dtype, GPU_DTYPES)
    if path is None:
        path = DATA_DIR / "gpu_batch_scaling_h100.csv"
    rows = np.genfromtxt(_as_path("path", path), delimiter=",", names=True, dtype=None,
                         encoding="utf-8")
    rows = rows[rows["dtype"] == dtype]
    if rows.size == 0:
        raise ValueError(f"the file {path} holds no rows for dtype {dtype!r}")
    return {k: np.asarray(rows[k], float) for k in
            ("batch", "step_ms", "samples_per_s", "peak_step_bytes")}


def make_moons(m: int = 300, noise: float = 0.2, seed=3) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, like sklearn.datasets.make_moons, in numpy only.

    The deeplearning.ai assignment uses m=300, noise=0.2. Returns X (2, m) and labels Y (1, m)
    in {0., 1.}, examples in random order. m >= 2; noise: a finite number >= 0.
    """
    m = validate_int("m", m, low=2)
    noise = validate_real("noise", noise, low=0)
    validate_seed("seed", seed)
    rng = np.random.default_rng(seed)
    m_out = m // 2
    m_in = m - m_out
    t_out = np.linspace(0, np.pi, m_out)
    t_in = np.linspace(0, np.pi, m_in)
    points = np.concatenate(
        [
            np.stack([np.cos(t_out), np.sin(t_out)], axis=1),
            np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1),
        ]
    )  # (m, 2)
    labels = np.concatenate([np.zeros(m_out), np.ones(m_in)])
    points += noise * rng.standard_normal(points.shape)
    order = rng.permutation(m)
    return points[order].T, labels[order].reshape(1, m)


def make_teacher(m: int, n_x: int = 20, seed=0, label_noise: float = 0.0):
    """Binary classification from a known logistic "teacher" w*: y ~ Bernoulli(sigmoid(w*.x)).

    The "teacher" is a logistic-regression model with random weights w* that draws the labels
    of random normal features; a model trained on the set (the "student") can at best recover
    it. Any size, with no file to ship.

    Scales to m = 10**6 and beyond (generated row by row in example-major order).
    `label_noise` (0 to 0.5) is the fraction of labels flipped at random after sampling.
    Returns X (n_x, m), Y (1, m) in {0., 1.} and the teacher's weights w* (n_x,).
    """
    m = validate_int("m", m)
    n_x = validate_int("n_x", n_x)
    validate_seed("seed", seed)
    label_noise = validate_real("label_noise", label_noise, low=0, high=0.5)
    rng = np.random.default_rng(seed)
    w_star = rng.standard_normal(n_x) * (3.0 / np.sqrt(n_x))
    X_rows = rng.standard_normal((m, n_x))  # (m, n_x): one example per row
    p = 1.0 / (1.0 + np.exp(-(X_rows @ w_star)))
    y = (rng.random(m) < p).astype(np.float64)
    if label_noise:
        flip = rng.random(m) < label_noise
        y[flip] = 1.0 - y[flip]
    return X_rows.T, y.reshape(1, m), w_star


def make_regression_2d(m: int = 500, correlation: float = 0.8, noise: float = 0.5, seed=0, *,
                       scales=(1.0, 1.0), w_true=(2.0, -1.0)):
    """Two features and y = w_true . x + noise, for drawing a two-parameter cost as contours.

    The features are normal with standard deviations `scales` and correlation `correlation`.
    Correlated features tilt the cost's elliptical contours; features of different scales
    stretch them along the axis of the smaller feature (a ratio of standard deviations r
    makes the ellipses r times longer than wide). `noise` is the standard deviation of the
    label noise (> 0): with it, single examples disagree about the gradient even at the
    minimum. Returns X (2, m), Y (1, m) and w_true (2,).
    """
    m = validate_int("m", m, low=2)
    validate_seed("seed", seed)
    correlation = validate_real("correlation", correlation, low=-1, high=1, low_open=True,
                                high_open=True)
    validate_positive_float("noise", noise)
    if not np.all(_pair("scales", scales) > 0):
        raise ValueError(f"scales must be two finite numbers > 0, got {scales!r}")
    scales = _pair("scales", scales)
    w_true = _pair("w_true", w_true)
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((m, 2))  # (m, 2), independent
    # x2 = rho z1 + sqrt(1 - rho^2) z2 has unit variance and correlation rho with x1 = z1.
    # Written out rather than rng.multivariate_normal, whose SVD (LAPACK) may pick different
    # signs on different machines: the same seed gives the same data everywhere.
    X_rows = np.column_stack([Z[:, 0], correlation * Z[:, 0]
                              + np.sqrt(1 - correlation**2) * Z[:, 1]])
    X_rows *= scales  # feature j gets standard deviation scales[j]
    y = X_rows @ w_true + noise * rng.standard_normal(m)
    return X_rows.T, y.reshape(1, m), w_true


def _pair(name: str, value) -> np.ndarray:
    """`value` as a float array of shape (2,), else a ValueError naming `name`."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.shape != (2,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be two finite numbers, got {value!r}")
    return arr


def random_batch(n_x: int, n_y: int, batch_size: int, dtype, seed=0):
    """A random mini-batch X (n_x, b) and one-hot Y (n_y, b), b = batch_size, laid out as the
    loaders and the mini-batch iterator lay them out (X example-major, Y in C order). dtype:
    float32 or float64; n_y = 1 gives 0/1 labels, n_y > 1 one-hot columns."""
    n_x, n_y = validate_int("n_x", n_x), validate_int("n_y", n_y)
    b = validate_int("batch_size", batch_size)
    dtype = validate_float_dtype("dtype", dtype)
    validate_seed("seed", seed)
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n_x, b)).astype(dtype))
    Y = one_hot(rng.integers(0, n_y, b), n_y).astype(dtype) if n_y > 1 else (
        rng.random((1, b)) < 0.5).astype(dtype)
    return X, Y
