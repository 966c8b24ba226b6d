"""Data that does not fit in memory: mini-batches streamed from a file on disk.

The file is a .npy array of shape (m, n_x + 1), one example per row (its features, then its
label), read through memory maps. Three orders of reading one epoch:

* "random":     every mini-batch is b rows from anywhere in the file: a true shuffle, but
                each row is a separate small read, which a disk serves slowly;
* "block":      the file is cut into blocks of ~50 MB read in a random order, and the
                examples of each block are shuffled: large reads, nearly as random;
* "sequential": blocks in file order, no shuffle: the floor.

Each block (or run of random reads) goes through its own memory map, released as soon as it
has been copied. At most three blocks are alive at once: the one the current mini-batch is a
view of, the next one read, and its shuffled copy.
"""

import os
from pathlib import Path

import numpy as np

from ._checks import check_int, check_seed

ORDERS = ("random", "block", "sequential")


def write_teacher_file(path, m: int, n_x: int = 100, seed=0, chunk_rows: int = 100_000,
                       dtype=np.float32) -> np.ndarray:
    """Write a logistic-teacher data set of m examples to `path` (.npy, (m, n_x + 1)),
    chunk by chunk so that memory stays bounded. Returns the teacher's weights (n_x,)."""
    m, n_x = check_int("m", m), check_int("n_x", n_x)
    check_seed("seed", seed)
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
    if not hasattr(os, "posix_fadvise"):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return True


def file_shape(path) -> tuple[int, int]:
    """(m, n_x) of a file written by write_teacher_file."""
    rows = np.load(path, mmap_mode="r")
    m, cols = rows.shape
    del rows
    return m, cols - 1


def stream_minibatches(path, batch_size: int, order: str = "block", seed=0,
                       block_bytes: int = 50 * 2**20, max_examples: int | None = None):
    """Yield one epoch of mini-batches (X_t (n_x, b), Y_t (1, b)) read from `path`.

    order: "random", "block" or "sequential" (see the module docstring). max_examples stops
    the epoch early (to time a slow order on part of the file).
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, got {order!r}")
    m, n_x = file_shape(path)
    b = check_int("batch_size", batch_size, high=m)
    check_seed("seed", seed)
    limit = m if max_examples is None else check_int("max_examples", max_examples, high=m)
    rng = np.random.default_rng(seed)
    row_bytes = (n_x + 1) * np.load(path, mmap_mode="r").dtype.itemsize
    block = max(b, block_bytes // row_bytes)  # rows per block
    return _stream(path, n_x, b, order, rng, block, m, limit)


def _split(rows, n_x):
    return rows[:, :n_x].T, rows[:, n_x:].T  # (n_x, b) and (1, b), example-major like data.py


def _stream(path, n_x, b, order, rng, block, m, limit):
    seen = 0
    if order == "random":
        index_dtype = np.int32 if m < 2**31 else np.int64
        perm = rng.permutation(m).astype(index_dtype)
        for k in range(0, limit, b):
            # A fresh map per mini-batch: each random row faults in a page plus the kernel's
            # read-ahead, all resident while the map lives (measured: 835 MiB for a 1 GiB file
            # with one map per 32 MiB of rows). Opening a map costs far less than the reads.
            rows = np.load(path, mmap_mode="r")
            idx = np.sort(perm[k : min(k + b, limit)])  # sorted: the same rows, fewer seeks
            batch = np.array(rows[idx])
            del rows
            yield _split(batch, n_x)
        return
    starts = np.arange(0, m, block)
    if order == "block":
        starts = rng.permutation(starts)
    for start in starts:
        rows = np.load(path, mmap_mode="r")
        chunk = np.array(rows[start : start + block])  # one large read, copied out of the map
        del rows
        if order == "block":
            chunk = chunk[rng.permutation(len(chunk))]
        for k in range(0, len(chunk), b):
            if seen >= limit:
                return
            part = chunk[k : min(k + b, k + limit - seen)]
            seen += len(part)
            yield _split(part, n_x)
