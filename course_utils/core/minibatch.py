"""Mini-batches: shuffle X and Y together, then partition (source §2.2, claims C6 and C10).

Two ways to get the same mini-batches:

* `random_mini_batches` builds them all at once, as the deeplearning.ai assignment does
  (a shuffled copy of the data, then slices). Easy to read; costs a second copy of the data.
* `iterate_minibatches` gathers each mini-batch only when the training loop asks for it, so
  the extra memory is one mini-batch, not one data set.

`batch_size = m` gives one mini-batch (batch gradient descent), `batch_size = 1` gives m of
them (stochastic gradient descent): the same code path. A batch_size larger than m is an
error, not silently m: a mini-batch cannot hold more examples than the data set.

measure/memory's `epoch_extra_memory` measures the extra memory each way needs for one epoch,
and plots/minibatch_plots' `plot_partition` draws one epoch's shuffle and partition.
"""

from collections.abc import Iterator

import numpy as np

from .validate import validate_bool, validate_int, validate_seed, validate_XY


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
        yield XT.take(idx, axis=0).T, Y.take(idx, axis=1)
