"""Mini-batches: shuffle X and Y together, then partition (source §2.2, claims C6 and C10).

Two ways to get the same mini-batches:

* `random_mini_batches` builds them all at once, as the deeplearning.ai assignment does
  (a shuffled copy of the data, then slices). Easy to read; costs a second copy of the data.
* `iterate_minibatches` gathers each mini-batch only when the training loop asks for it, so
  the extra memory is one mini-batch, not one data set.

`batch_size = m` gives one mini-batch (batch gradient descent), `batch_size = 1` gives m of
them (stochastic gradient descent): the same code path. A batch_size larger than m is an
error, not silently m: a mini-batch cannot hold more examples than the data set.

`epoch_extra_memory` measures the extra memory each way needs for one epoch, and
`plot_partition` draws one epoch's shuffle and partition, one cell per example.
"""

from collections.abc import Iterator

import numpy as np

from ._checks import validate_bool, validate_int, validate_seed, validate_XY

# Class colours for plot_partition: the course's OTHER colours, never a method's. Classes 0
# and 1 (orange, grey) differ in hue and in lightness, so they stay apart in grey-scale print
# and for colour-blind readers; every cell is also numbered with its class.
CLASS_COLORS = ("orange", "grey", "vermillion", "yellow", "light grey")


def num_minibatches(m: int, batch_size: int) -> int:
    """Number of mini-batches in one epoch: ceil(m / batch_size), for 1 <= batch_size <= m."""
    m = validate_int("m", m)
    batch_size = validate_int("batch_size", batch_size, high=m)
    return -(-m // batch_size)


def minibatch_sizes(m: int, batch_size: int) -> list[int]:
    """Sizes of one epoch's mini-batches: [b, ..., b] plus m mod b when b does not divide m
    (1 <= batch_size <= m)."""
    m = validate_int("m", m)
    batch_size = validate_int("batch_size", batch_size, high=m)
    full, rest = divmod(m, batch_size)
    return [batch_size] * full + ([rest] if rest else [])


def shuffled_order(m: int, seed=0) -> np.ndarray:
    """The permutation of range(m) the deeplearning.ai assignment uses for this seed.

    The assignment calls `np.random.seed(seed); np.random.permutation(m)`. A private
    `RandomState(seed)` gives the same order without touching numpy's global random state.
    seed: an int in [0, 2**32 - 1] (RandomState's range), None (fresh entropy) or a
    `np.random.Generator`, whose own stream is used (and advanced).
    """
    m = validate_int("m", m)
    validate_seed("seed", seed)
    if isinstance(seed, np.random.Generator):
        return seed.permutation(m)
    if seed is not None:
        validate_int("seed", seed, low=0, high=2**32 - 1)
    return np.random.RandomState(seed).permutation(m)


def random_mini_batches(X, Y, mini_batch_size: int = 64, seed=0) -> list[tuple]:
    """Shuffle (X, Y) by columns and partition them, like the deeplearning.ai assignment.

    X: (n_x, m), Y: (n_y, m). Returns a list of ceil(m / mini_batch_size) pairs
    (X_t (n_x, b_t), Y_t (n_y, b_t)); every b_t is mini_batch_size except possibly the last,
    which holds the m mod mini_batch_size examples left over.
    """
    m = validate_XY(X, Y)
    b = validate_int("mini_batch_size", mini_batch_size, high=m)
    order = shuffled_order(m, seed)
    shuffled_X = X[:, order]  # a full shuffled copy: simple, but doubles the memory
    shuffled_Y = Y[:, order]
    return [(shuffled_X[:, k : k + b], shuffled_Y[:, k : k + b]) for k in range(0, m, b)]


def iterate_minibatches(X, Y, batch_size: int, seed=0, shuffle: bool = True) -> Iterator[tuple]:
    """Yield one epoch of mini-batches (X_t, Y_t), each gathered only when asked for.

    Same mini-batches as `random_mini_batches(X, Y, batch_size, seed)`, without building a
    shuffled copy of the data: extra memory is one mini-batch.

    Speed depends on the memory layout. Taking columns of a C-ordered (n_x, m) array is a
    strided gather, several times slower than taking rows (how much depends on the machine:
    notebook 01 times it). The course's loaders return X in Fortran order (each example's
    features contiguous in memory), so X.T is a C-ordered (m, n_x) array and gathering a
    mini-batch copies whole rows. C-ordered input still works, just more slowly;
    `np.asfortranarray(X)` converts it once.
    """
    m = validate_XY(X, Y)
    b = validate_int("batch_size", batch_size, high=m)
    validate_seed("seed", seed)
    order = shuffled_order(m, seed) if validate_bool("shuffle", shuffle) else None
    return _gather_batches(X, Y, b, order)  # checks above run now, not at the first next()


def _gather_batches(X, Y, b, order):
    m = X.shape[1]
    if order is None:
        for k in range(0, m, b):
            yield X[:, k : k + b], Y[:, k : k + b]  # views: no copy at all
        return
    XT = X.T  # (m, n_x): a view, no copy
    for k in range(0, m, b):
        idx = order[k : k + b]
        # take(axis=0) on an example-major array copies contiguous rows; .T returns the
        # course's (n_x, b) shape as a view of that copy. Y has only n_y rows: taking its
        # columns keeps it in C order, the layout of the model's output AL, so AL - Y runs
        # without numpy's reordering buffers.
        yield np.take(XT, idx, axis=0).T, np.take(Y, idx, axis=1)


def epoch_extra_memory(X, Y, batch_size: int, seed=0) -> dict:
    """Extra memory (bytes) that one epoch of mini-batches needs, built each way.

    Returns {"shuffled copy": ..., "lazy iterator": ...}: the peak memory above the start,
    measured with Python's memory tracer tracemalloc, while `random_mini_batches` or
    `iterate_minibatches` gives the epoch's mini-batches and each one is read, as a training
    step would. X and Y themselves are not counted: they exist before and after.
    """
    from .memory import measure_peak_bytes  # here: minibatch must not need the memory module

    m = validate_XY(X, Y)
    batch_size = validate_int("batch_size", batch_size, high=m)
    validate_seed("seed", seed)
    ways = {"shuffled copy": random_mini_batches, "lazy iterator": iterate_minibatches}
    peaks, touched = {}, []
    for name, make_batches in ways.items():
        peak, total = measure_peak_bytes(
            lambda f=make_batches: sum(float(X_t[0, 0]) for X_t, _ in f(X, Y, batch_size, seed)))
        peaks[name] = peak
        touched.append(total)
    if touched[0] != touched[1]:  # both ways must give the same mini-batches, in order
        raise RuntimeError("random_mini_batches and iterate_minibatches gave different batches")
    return peaks


def _luminance(color) -> float:
    """Relative luminance (0 black .. 1 white) of a colour, as the WCAG contrast rules define it."""
    from matplotlib.colors import to_rgb

    rgb = np.array(to_rgb(color))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def plot_partition(labels, batch_size: int, row_names, ax=None):
    """Draw orderings of the same m examples as rows of cells, cut into mini-batches.

    labels: (n_rows, m) integer classes in 0 .. 4, one row per ordering (e.g. as collected,
    then shuffled). Each cell is one example, coloured by class with the course's `OTHER`
    colours (orange, grey, ...: never the three method colours) and, for m <= 60, numbered
    with its class, so colour is not the only cue. Black lines mark the mini-batch boundaries
    (every `batch_size` columns) and X{t} names mini-batch t under the last row. row_names:
    one name per row, shown as y tick labels. Returns the Axes; never calls plt.show().
    """
    import matplotlib.pyplot as plt  # here, not at the top: training never needs matplotlib
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .plotting import OTHER

    if not isinstance(labels, np.ndarray) or labels.ndim != 2 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 2-D numpy array (n_rows, m), got "
                         f"{getattr(labels, 'shape', type(labels).__name__)}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must hold integer classes, got dtype {labels.dtype}")
    if labels.min() < 0 or labels.max() >= len(CLASS_COLORS):
        raise ValueError(f"labels must be classes 0 to {len(CLASS_COLORS) - 1}, got values from "
                         f"{labels.min()} to {labels.max()}")
    n_rows, m = labels.shape
    b = validate_int("batch_size", batch_size, high=m)
    if isinstance(row_names, str) or len(row_names) != n_rows:
        raise ValueError(f"row_names must hold one name per row of labels ({n_rows} rows), "
                         f"got {row_names!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 1 + 0.8 * n_rows), layout="constrained")
    n_classes = int(labels.max()) + 1
    colors = [OTHER[name] for name in CLASS_COLORS[:n_classes]]
    ax.imshow(labels, cmap=ListedColormap(colors), vmin=-0.5, vmax=n_classes - 0.5,
              aspect="auto", extent=(-0.5, m - 0.5, n_rows - 0.5, -0.5))
    if m <= 60:  # a digit per cell: readable up to about 60 columns
        # white digits on dark cells (grey, vermillion), black on light ones (orange, yellow)
        ink = ["white" if _luminance(c) < 0.3 else "black" for c in colors]
        for (row, col), c in np.ndenumerate(labels):
            ax.text(col, row, str(c), ha="center", va="center", fontsize=7, color=ink[c])
    ax.hlines(np.arange(1, n_rows) - 0.5, -0.5, m - 0.5, color="white", lw=4)  # rows apart
    ax.vlines(np.arange(b, m, b) - 0.5, -0.5, n_rows - 0.5, color=OTHER["black"], lw=2)
    for t, start in enumerate(range(0, m, b), start=1):
        ax.text((start + min(start + b, m) - 1) / 2, n_rows - 0.5 + 0.3, f"X{{{t}}}",
                ha="center", va="center", fontsize=9)
    ax.set_ylim(n_rows - 0.5 + 0.6, -0.5)
    ax.set_yticks(range(n_rows), list(row_names))
    ax.set_xlabel("position in the training set (column of X, 0 to m - 1)")
    ax.set_ylabel("order of the examples (no unit)")
    handles = [Patch(color=c, label=f"class {k}") for k, c in enumerate(colors)]
    handles.append(Line2D([], [], color=OTHER["black"], lw=2, label="mini-batch boundary"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0,
              fontsize=8)
    return ax
