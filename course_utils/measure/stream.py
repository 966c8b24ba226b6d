"""Data that does not fit in memory: mini-batches streamed from a file on disk.

The file is a .npy array of shape (m, n_x + 1), one example per row (its features, then its
label), read through memory maps. Three orders of reading one epoch:

* "random":     every mini-batch is b rows from anywhere in the file: a true shuffle, but
                each row is a separate small read, which a disk serves slowly;
* "block":      the file is cut into blocks of ~50 MiB read in a random order, and the
                examples of each block are shuffled: large reads, but each mini-batch holds
                examples of one block only (`blocks_per_minibatch` measures it);
* "sequential": blocks in file order, no shuffle: the floor.

`minibatch_rows` gives the rows of each mini-batch of an epoch in any order, without reading
the file: `stream_minibatches` reads exactly those rows, so the orders can be compared on data
held in memory (`epoch_costs_by_order`).

Each block (or run of random reads) goes through its own memory map, released as soon as it
has been copied. At most three blocks are alive at once: the one the current mini-batch is a
view of, the next one read, and its shuffled copy. MiB = 2**20 bytes.
"""

import os
from pathlib import Path

import numpy as np

from ..core.validate import (
    validate_choice,
    validate_float_dtype,
    validate_int,
    validate_positive_float,
    validate_seed,
    validate_XY,
)

ORDERS = ("random", "block", "sequential")


def _validate_path(name, path):
    """A file path: str or os.PathLike (pathlib.Path)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (str or pathlib.Path), got {path!r} "
                        f"({type(path).__name__})")
    return path


def write_teacher_file(path, m: int, n_x: int = 100, seed=0, chunk_rows: int = 100_000,
                       dtype=np.float32) -> np.ndarray:
    """Write a logistic-teacher data set of m examples to `path` (.npy, (m, n_x + 1)),
    chunk_rows rows at a time so that memory stays bounded. dtype: float32 or float64.
    Returns the teacher's weights (n_x,)."""
    _validate_path("path", path)
    m, n_x = validate_int("m", m), validate_int("n_x", n_x)
    validate_seed("seed", seed)
    chunk_rows = validate_int("chunk_rows", chunk_rows)
    dtype = validate_float_dtype("dtype", dtype)
    rng = np.random.default_rng(seed)
    w_star = rng.standard_normal(n_x) * (3.0 / np.sqrt(n_x))
    out = np.lib.format.open_memmap(Path(path), mode="w+", dtype=dtype, shape=(m, n_x + 1))
    for k in range(0, m, chunk_rows):
        rows = min(chunk_rows, m - k)
        X = rng.standard_normal((rows, n_x))
        p = 1.0 / (1.0 + np.exp(-(X @ w_star)))
        out[k : k + rows, :n_x] = X
        out[k : k + rows, n_x] = rng.random(rows) < p
    out.flush()
    del out
    return w_star


def drop_from_page_cache(path) -> bool:
    """Ask the OS to forget the file's cached pages, so the next read comes from the disk.
    Returns False where the platform has no way to ask (then reads may be served from RAM)."""
    _validate_path("path", path)
    if not hasattr(os, "posix_fadvise"):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return True


def read_speed(path, order: str, batch_size: int = 64, block_bytes: int = 50 * 2**20,
               max_examples: int | None = None, seed=0) -> float:
    """Examples per second (wall clock) of reading mini-batches from `path` in this order,
    the file first dropped from the page cache (drop_from_page_cache) so that the reads come
    from the disk where the platform allows it. max_examples: stop early (random reads are
    slow)."""
    import time

    batches = stream_minibatches(path, batch_size, order, seed=seed, block_bytes=block_bytes,
                                 max_examples=max_examples)  # checks the arguments first
    drop_from_page_cache(path)
    t0 = time.perf_counter()
    n = sum(X_t.shape[1] for X_t, _ in batches)
    return n / (time.perf_counter() - t0)


def file_shape(path) -> tuple[int, int]:
    """(m, n_x) of a file written by write_teacher_file."""
    _validate_path("path", path)
    rows = np.load(path, mmap_mode="r")
    shape, dtype = rows.shape, rows.dtype
    del rows
    if len(shape) != 2 or shape[0] < 1 or shape[1] < 2 or dtype.name not in ("float32",
                                                                             "float64"):
        raise ValueError(f"path must hold a (m, n_x + 1) float32 or float64 array, one example "
                         f"per row (see write_teacher_file); {path} holds {shape} {dtype}")
    return shape[0], shape[1] - 1


def rows_per_block(row_bytes: int, block_bytes: int, batch_size: int) -> int:
    """Rows in one block of about block_bytes bytes (never fewer than one mini-batch)."""
    row_bytes = validate_int("row_bytes", row_bytes)
    block_bytes = validate_int("block_bytes", block_bytes)
    return max(validate_int("batch_size", batch_size), block_bytes // row_bytes)


def _blocks(m, order, rng, block):
    """(start, within) per block, in reading order: within is the shuffled order of the
    block's rows (block order) or None (sequential order)."""
    starts = np.arange(0, m, block)
    if order == "block":
        starts = rng.permutation(starts)
    for start in starts:
        size = min(block, m - start)
        yield start, (rng.permutation(size) if order == "block" else None)


def _random_rows(m, b, rng, limit):
    index_dtype = np.int32 if m < 2**31 else np.int64
    perm = rng.permutation(m).astype(index_dtype)
    for k in range(0, limit, b):
        yield np.sort(perm[k : min(k + b, limit)])  # sorted: the same rows, fewer seeks


def _block_slices(size, b, seen, limit):
    """(k, stop) of the mini-batches cut from one block of `size` rows."""
    for k in range(0, size, b):
        if seen >= limit:
            return
        stop = min(k + b, k + limit - seen, size)
        seen += stop - k
        yield k, stop


def minibatch_rows(m: int, batch_size: int, order: str = "block", seed=0,
                   rows_in_block: int | None = None, max_examples: int | None = None):
    """Yield the row numbers (int array, (b,)) of each mini-batch of one epoch over m rows,
    in the order stream_minibatches reads them with the same seed and block size
    (rows_in_block: rows per block, as rows_per_block gives; default: all m rows). The
    arguments are checked at the call, before the first mini-batch is asked for."""
    order = validate_choice("order", order, ORDERS)
    m = validate_int("m", m)
    b = validate_int("batch_size", batch_size, high=m)
    validate_seed("seed", seed)
    block = m if rows_in_block is None else validate_int("rows_in_block", rows_in_block, low=b)
    limit = m if max_examples is None else validate_int("max_examples", max_examples, high=m)
    return _rows(m, b, order, np.random.default_rng(seed), block, limit)


def _rows(m, b, order, rng, block, limit):
    if order == "random":
        yield from _random_rows(m, b, rng, limit)
        return
    seen = 0
    for start, within in _blocks(m, order, rng, block):
        rows = np.arange(start, min(start + block, m)) if within is None else start + within
        for k, stop in _block_slices(len(rows), b, seen, limit):
            seen += stop - k
            yield rows[k:stop]


def blocks_per_minibatch(m: int, batch_size: int, order: str, rows_in_block: int,
                         seed=0) -> float:
    """The mean number of different blocks (of rows_in_block consecutive rows) that the
    examples of one mini-batch come from, over one epoch: how much each mini-batch mixes
    parts of the file."""
    rows_in_block = validate_int("rows_in_block", rows_in_block)
    counts = [len(np.unique(rows // rows_in_block)) for rows in
              minibatch_rows(m, batch_size, order, seed, rows_in_block)]
    return float(np.mean(counts))


def epoch_costs_by_order(X, Y, batch_size: int, rows_in_block: int, orders=ORDERS,
                         seeds=(0,), learning_rate: float = 0.5, model_seed=1) -> dict:
    """Cost on the whole set (X (n_x, m), Y (1, m), held in memory) after one epoch of
    logistic regression with the mini-batches of each order (minibatch_rows), from the same
    start (model_seed): {order: costs, one per seed}. "sequential" has nothing random: one
    run, whatever the seeds."""
    from ..core.models import LogisticRegression

    m = validate_XY(X, Y)
    if Y.shape[0] != 1 or X.dtype != Y.dtype or X.dtype.name not in ("float32", "float64"):
        raise ValueError(f"X and Y must be float32 or float64 arrays of one dtype, Y of shape "
                         f"(1, m) (logistic regression); got X {X.dtype}, Y {Y.shape} {Y.dtype}")
    b = validate_int("batch_size", batch_size, high=m)
    validate_int("rows_in_block", rows_in_block, low=b)
    orders, seeds = _validate_list("orders", orders), _validate_list("seeds", seeds)
    for k, order in enumerate(orders):
        validate_choice(f"orders[{k}]", order, ORDERS)
    for k, seed in enumerate(seeds):
        validate_seed(f"seeds[{k}]", seed)
    lr = validate_positive_float("learning_rate", learning_rate)
    validate_seed("model_seed", model_seed)
    costs = {}
    for order in orders:
        runs = []
        for seed in (seeds[:1] if order == "sequential" else seeds):
            model = LogisticRegression(X.shape[0], dtype=X.dtype, seed=model_seed)
            for rows in minibatch_rows(m, batch_size, order, seed, rows_in_block):
                _, cache = model.forward(X[:, rows])  # no cost per step: only the gradient
                model.update(model.backward(Y[:, rows], cache), lr)
            runs.append(model.cost(Y, model.forward(X)[1]))
        costs[order] = np.array(runs)
    return costs


def _validate_list(name, values) -> list:
    """A non-empty list, tuple or 1-D array."""
    if not isinstance(values, (list, tuple, np.ndarray)) or np.ndim(values) != 1:
        raise TypeError(f"{name} must be a list or tuple, got {values!r}")
    if len(values) == 0:
        raise ValueError(f"{name} must hold at least one value, got none")
    return list(values)


def cost_on_file(path, model, block_bytes: int = 50 * 2**20) -> float:
    """The model's cost (models.MLP.cost) over every example of the file, read block by block
    in file order: memory stays at about one block. model: one output unit, n_x inputs and
    the file's dtype (so that the cost is computed in the precision the model asks for)."""
    m, n_x = file_shape(path)
    dtype = np.load(path, mmap_mode="r").dtype
    dims = getattr(model, "layer_dims", None)
    if dims is None or not callable(getattr(model, "cost", None)):
        raise TypeError(f"model must be a course_utils model (models.MLP), got {model!r}")
    if dims[0] != n_x or dims[-1] != 1 or model.dtype != dtype:
        raise ValueError(f"model must take {n_x} inputs, have 1 output and be {dtype} like "
                         f"the file; got {model!r}")
    row_bytes = (n_x + 1) * dtype.itemsize
    block = min(m, rows_per_block(row_bytes, validate_int("block_bytes", block_bytes), 1))
    total = 0.0
    for X_t, Y_t in stream_minibatches(path, block, "sequential", block_bytes=block_bytes):
        total += model.cost(Y_t, model.forward(X_t)[1]) * X_t.shape[1]
    return total / m


def stream_minibatches(path, batch_size: int, order: str = "block", seed=0,
                       block_bytes: int = 50 * 2**20, max_examples: int | None = None):
    """Yield one epoch of mini-batches (X_t (n_x, b), Y_t (1, b)) read from `path`.

    order: "random", "block" or "sequential" (see the module docstring). block_bytes: bytes
    per block. max_examples stops the epoch early (to time a slow order on part of the file).
    The rows come in the order minibatch_rows gives for the same seed and block size.
    """
    validate_choice("order", order, ORDERS)
    m, n_x = file_shape(path)
    b = validate_int("batch_size", batch_size, high=m)
    validate_seed("seed", seed)
    limit = m if max_examples is None else validate_int("max_examples", max_examples, high=m)
    rng = np.random.default_rng(seed)
    row_bytes = (n_x + 1) * np.load(path, mmap_mode="r").dtype.itemsize
    block = rows_per_block(row_bytes, validate_int("block_bytes", block_bytes), b)
    return _stream(path, n_x, b, order, rng, block, m, limit)


def _split(rows, n_x):
    return rows[:, :n_x].T, rows[:, n_x:].T  # (n_x, b) and (1, b), example-major like data.py


def _stream(path, n_x, b, order, rng, block, m, limit):
    if order == "random":
        for idx in _random_rows(m, b, rng, limit):
            # A fresh map per mini-batch: each random row faults in a page plus the kernel's
            # read-ahead, all resident while the map lives (measured: 835 MiB for a 1 GiB file
            # with one map per 32 MiB of rows). Opening a map costs far less than the reads.
            rows = np.load(path, mmap_mode="r")
            batch = np.array(rows[idx])
            del rows
            yield _split(batch, n_x)
        return
    seen = 0
    for start, within in _blocks(m, order, rng, block):
        rows = np.load(path, mmap_mode="r")
        chunk = np.array(rows[start : start + block])  # one large read, copied out of the map
        del rows
        if within is not None:
            chunk = chunk[within]
        for k, stop in _block_slices(len(chunk), b, seen, limit):
            seen += stop - k
            yield _split(chunk[k:stop], n_x)
