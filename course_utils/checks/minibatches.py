"""Checks of notebook 01's exercises: building mini-batches."""


import numpy as np

from ..core import minibatch
from .feedback import Wrong, _call, _check, _fmt, _ids, _named_slip, _sizes, index_valued


def _batches_problem(batches, X, Y, b, seed):
    """What is wrong with the mini-batches of the index-valued (X, Y), or None."""
    n_x, m = X.shape
    if not isinstance(batches, (list, tuple)) or not all(
            isinstance(p, (list, tuple)) and len(p) == 2 for p in batches):
        got = type(batches[0] if isinstance(batches, (list, tuple)) and batches else batches)
        return f"return a list of pairs (X_t, Y_t); yours holds {got.__name__} items"
    pairs = [(np.asarray(x), np.asarray(y)) for x, y in batches]
    for t, (X_t, Y_t) in enumerate(pairs, start=1):
        if X_t.ndim != 2 or X_t.shape[0] != n_x:
            return (f"mini-batch {t}'s X has shape {X_t.shape}; expected ({n_x}, b_t): examples "
                    "are columns, so slice columns X[:, ...]")
        if Y_t.shape != (1, X_t.shape[1]):
            return f"mini-batch {t}'s Y has shape {Y_t.shape}; expected (1, {X_t.shape[1]})"
        if X_t.dtype != X.dtype or Y_t.dtype != Y.dtype:
            return (f"mini-batch {t} holds X as {X_t.dtype} and Y as {Y_t.dtype}, but the "
                    f"caller's are {X.dtype} and {Y.dtype}: keep their dtype (slicing does; an "
                    "array made with np.zeros is float64)")
        if not np.array_equal(X_t, 1000 * np.arange(n_x)[:, None] + X_t[0][None, :]):
            return (f"mini-batch {t}'s columns mix different examples' features: shuffle whole "
                    "columns (X[:, order]), not the entries")
    sizes = [X_t.shape[1] for X_t, _ in pairs]
    want = minibatch.minibatch_sizes(m, b)
    if sum(sizes) == n_x != m:
        return (f"your mini-batches hold {n_x} examples in all, the number of rows: "
                "m = X.shape[1], the number of columns")
    if len(sizes) < len(want) and all(s == b for s in sizes):
        return (f"there should be {len(want)} mini-batches (sizes {_sizes(want)}); yours stop "
                f"at {len(sizes)}: keep the smaller last mini-batch")
    if len(sizes) == len(want) + 1 and m % b == 0 and sizes[:-1] == want:
        return (f"b = {b} divides m = {m}, so there are {len(want)} mini-batches of {b}; yours "
                f"add one of {sizes[-1]}: when b divides m there is no extra mini-batch")
    if any(s > b for s in sizes):
        return (f"your mini-batches have sizes {_sizes(sizes)}, more than mini_batch_size = {b}: "
                "slices k:k + mini_batch_size, for k = 0, b, 2b, ..., must not overlap")
    if sizes != want:
        return (f"your mini-batches have sizes {_sizes(sizes)}; expected {_sizes(want)}: "
                "mini_batch_size examples each, and the last holds what is left")
    for t, (X_t, Y_t) in enumerate(pairs, start=1):
        ids, labels = X_t[0].astype(int), Y_t[0].astype(int)
        if not np.array_equal(ids, labels):
            j = int(np.argmax(ids != labels))
            return (f"in mini-batch {t}, column {j} of X is example {ids[j]} but Y's column "
                    f"{j} is example {labels[j]}: use the same order for X and Y")
        if len(set(ids.tolist())) < len(ids):
            return (f"mini-batch {t} holds an example twice: that is sampling with replacement; "
                    "shuffle once, then cut the shuffled order into slices")
    order = np.concatenate([X_t[0].astype(int) for X_t, _ in pairs])
    if len(set(order.tolist())) < m:
        return ("an example appears in two mini-batches and another in none: that is "
                "sampling with replacement; shuffle once, then cut the shuffled order into "
                "slices")
    expected = minibatch.shuffled_order(m, seed)
    if np.array_equal(order, expected):
        return None
    if np.array_equal(order, np.arange(m)):
        return "the examples are still in their original order 0, 1, 2, ...: shuffle first"
    if seed != 0 and np.array_equal(order, minibatch.shuffled_order(m, 0)):
        return ("your order is seed 0's: you get the same order for every seed. Pass the "
                "seed on: shuffled_order(m, seed)")
    if np.array_equal(order, np.argsort(expected)):
        return ("your order is the inverse of the course's: `order` lists the examples to "
                "take, so take the columns X[:, order] (not np.argsort(order))")
    return (f"your order starts {order[:4].tolist()}, the course's {expected[:4].tolist()}: "
            "take order = cu.minibatch.shuffled_order(m, seed), the assignment's permutation")


@_check("random_mini_batches", zh="random_mini_batches")
def random_mini_batches(fn):
    """fn(X, Y, mini_batch_size, seed) -> list of (X_t, Y_t), as in the assignment."""
    cases = [(10, 4, 0), (12, 4, 1), (7, 7, 2), (5, 1, 3), (148, 64, 0)]
    instead = ("cu.minibatch.shuffled_order gives the assignment's order from a private "
               "generator.")
    for m, b, seed in cases:
        X, Y = index_valued(3, m)
        batches = _call(fn, (X, Y, b, seed), ("X", "Y"), instead)
        problem = _batches_problem(batches, X, Y, b, seed)
        if problem:
            raise Wrong(f"{problem}. (Case m = {m}, mini_batch_size = {b}, seed = {seed}, on "
                        "an X whose entries are 1000·row + example number.)")
        if m == 10:
            shown = [f"m = {m}, mini_batch_size = {b}, seed = {seed}: the examples in each "
                     "mini-batch",
                     f"yours:    {_ids(batches)}",
                     f"expected: {_ids(minibatch.random_mini_batches(X, Y, b, seed))}"]
    X = np.random.RandomState(1).randn(12288, 148)  # the assignment's public test
    Y = (np.random.RandomState(1).randn(1, 148) < 0.5).astype(int)
    batches = _call(fn, (X, Y, 64, 0), ("X", "Y"), instead)
    first = np.asarray(batches[0][0])[0, :3]
    want = np.array([0.90085595, -0.7612069, 0.2344157])
    if not np.allclose(first, want):
        raise Wrong(f"on the assignment's test X (12288, 148), mini-batch 1 should start "
                    f"{want.tolist()}; yours starts {np.round(first, 8).tolist()}.")
    shown += ["the assignment's test (12288, 148), b = 64: mini-batch 1 starts",
              f"yours:    {np.round(first, 8).tolist()}",
              f"expected: {want.tolist()}"]
    return ("5 cases on index-valued X (m not divisible by b, divisible, b = m, b = 1): every "
            "example exactly once, X and Y paired, sizes and types right, the course's order, "
            "inputs and numpy's global random state untouched; and the deeplearning.ai "
            "reference values.", shown)


@_check("mini-batches per epoch", zh="每代的 mini-batch 数")
def minibatches_per_epoch(fn):
    """fn(m, mini_batch_size) -> the number of mini-batches (= updates) in one epoch."""
    cases = [(10, 4), (12, 4), (7, 4), (148, 64), (300, 64), (5_000_000, 1000), (7, 7),
             (7, 1), (1, 1), (1001, 1000)]
    got = []
    for m, b in cases:
        n = fn(m, b)
        if isinstance(n, (list, tuple, np.ndarray)):
            raise Wrong(f"for m = {m}, b = {b} you returned {_fmt(n)}: return the number of "
                        "mini-batches, one whole number (int), not their sizes.")
        if isinstance(n, np.floating):
            raise Wrong(f"for m = {m}, b = {b} you returned {_fmt(n)} ({type(n).__name__}): "
                        "np.ceil returns a float; make it an int, int(np.ceil(m / b)).")
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise Wrong(f"for m = {m}, b = {b} return a whole number (int); you returned "
                        f"{n!r} ({type(n).__name__}).")
        got.append(int(n))
    want = [-(-m // b) for m, b in cases]
    if got != want:
        slip = _named_slip(got, {
            "don't drop the smaller last mini-batch": [m // b for m, b in cases],
            "when b divides m there is no extra mini-batch": [m // b + 1 for m, b in cases],
            "round() goes to the nearest whole number, not up": [round(m / b) for m, b in cases],
            "the leftover examples make one mini-batch, not one each":
                [m // b + m % b for m, b in cases],
            "that is m, the number of examples: return the number of mini-batches":
                [m for m, _ in cases],
            "one short when b divides m: (m - 1) // b undercounts":
                [(m - 1) // b for m, b in cases],
            "the arguments are m examples, mini-batches of mini_batch_size: they look swapped":
                [-(-b // m) for m, b in cases],
        }, lambda a, b: a == b)
        k = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
        m, b = cases[k]
        raise Wrong(f"for m = {m}, b = {b} you say {got[k]}, but the partition is "
                    f"{_sizes(minibatch.minibatch_sizes(m, b))}: {want[k]} "
                    f"mini-batch{'es' if want[k] > 1 else ''}."
                    + (f" Hint: {slip}." if slip else ""))
    return (f"{len(cases)} cases, including m divisible by b, the smaller last mini-batch, "
            "b = m (batch GD: 1 update per epoch) and b = 1 (SGD: m updates).",
            ["(m, b):   " + ", ".join(f"({m}, {b})" for m, b in cases[:6]),
             "yours:    " + ", ".join(map(str, got[:6])),
             "expected: " + ", ".join(map(str, want[:6]))])
