"""Checks for the exercises: each runs a learner's answer on small cases and answers in plain
words, on a tiny example.

    cu.checks.random_mini_batches(my_random_mini_batches)
    ✓ random_mini_batches: ...what was checked...

A check prints one line: ✓ (right, and what was checked), ✗ (wrong: what is wrong, on which
small example) or ○ (not written yet: the stub still raises NotImplementedError). It returns
None and never raises, so "Run all" on the learner's edition runs to the end.
`check.outcome(answer)` gives the same verdict as (status, line) without printing.
"""

import copy
import functools
import itertools
import math

import numpy as np

from .core import data, minibatch, models, train
from .measure import curves, lr_scaling, memory


class Wrong(Exception):
    """The answer is wrong; the message says how, in plain words."""


def _check(title):
    """Turn body(answer) -> what was checked (raising Wrong if wrong) into a check that prints
    one line and returns None (nothing for Jupyter to echo); check.outcome(answer) returns
    (status, line) with status "right", "wrong" or "not written", printing nothing."""
    def decorate(body):
        def outcome(answer):
            try:
                checked = body(answer)
            except NotImplementedError:
                return "not written", (f"○ {title}: not written yet. Replace the stub's "
                                       "`raise NotImplementedError` with your code, run its "
                                       "cell, then this one.")
            except Wrong as e:
                return "wrong", f"✗ {title}: {e}"
            except Exception as e:  # the learner's code failed: say so, don't raise
                return "wrong", f"✗ {title}: your code raised {type(e).__name__}: {e}"
            return "right", f"✓ {title}: {checked}"

        @functools.wraps(body)
        def check(answer) -> None:
            print(outcome(answer)[1])

        check.outcome = outcome
        return check
    return decorate


def _fmt(x) -> str:
    return f"{x:.4g}" if isinstance(x, (float, np.floating)) else str(x)


# ---- 01: building mini-batches ---------------------------------------------------------------

def index_valued(n_x: int, m: int):
    """X whose entry (i, j) is 1000 i + j and Y = j: every value says which example it is."""
    X = (1000 * np.arange(n_x)[:, None] + np.arange(m)[None, :]).astype(float)
    return X, np.arange(m, dtype=float)[None, :]


def _batches_problem(batches, m, b, seed, n_x=3):
    """What is wrong with batches of the index-valued (X, Y), or None."""
    if not isinstance(batches, (list, tuple)):
        return f"return a list of (X_t, Y_t) pairs; you returned a {type(batches).__name__}"
    sizes = minibatch.minibatch_sizes(m, b)
    if len(batches) != len(sizes):
        return (f"with m = {m} and mini_batch_size = {b} there should be {len(sizes)} "
                f"mini-batches (sizes {', '.join(map(str, sizes))}); you returned {len(batches)}")
    seen = {}
    for t, pair in enumerate(batches, start=1):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            return f"mini-batch {t} should be a pair (X_t, Y_t)"
        X_t, Y_t = np.asarray(pair[0]), np.asarray(pair[1])
        if X_t.ndim != 2 or X_t.shape[0] != n_x:
            return (f"mini-batch {t}'s X has shape {X_t.shape}; expected ({n_x}, b_t): "
                    "examples are columns, so slice columns X[:, ...]")
        if X_t.shape[1] != sizes[t - 1]:
            which = "the last mini-batch" if t == len(sizes) else f"mini-batch {t}"
            return f"{which} should hold {sizes[t - 1]} examples; yours holds {X_t.shape[1]}"
        if Y_t.shape != (1, X_t.shape[1]):
            return f"mini-batch {t}'s Y has shape {Y_t.shape}; expected (1, {X_t.shape[1]})"
        ids = X_t[0].astype(int)
        if not np.array_equal(X_t, 1000 * np.arange(n_x)[:, None] + ids[None, :]):
            return (f"mini-batch {t}'s columns mix different examples' features: shuffle whole "
                    "columns (X[:, order]), not the entries")
        for j, (i, y) in enumerate(zip(ids, Y_t[0].astype(int))):
            if i != y:
                return (f"Y's columns no longer match X's: in mini-batch {t}, column {j} of X "
                        f"is example {i} but Y's column {j} is example {y}. Shuffle X and Y "
                        "with the same order")
        for i in ids:
            if i in seen:
                where = "twice" if seen[i] == t else f"in mini-batches {seen[i]} and {t}"
                return f"mini-batch {t} holds example {i} {where}" if seen[i] == t else \
                    f"example {i} appears {where}"
            seen[i] = t
    missing = sorted(set(range(m)) - set(seen))
    if missing:
        return f"example {missing[0]} is in no mini-batch"
    order = np.concatenate([np.asarray(x)[0].astype(int) for x, _ in batches])
    if np.array_equal(order, np.arange(m)):
        return "the examples are still in their original order 0, 1, 2, ...: shuffle first"
    expected = minibatch.shuffled_order(m, seed)
    if not np.array_equal(order, expected):
        return (f"your shuffle differs from the course's for seed {seed}: with m = {m} the "
                f"first examples should be {expected[:4].tolist()}, yours are "
                f"{order[:4].tolist()}. Use order = cu.minibatch.shuffled_order(m, seed)")
    return None


@_check("random_mini_batches")
def random_mini_batches(fn):
    """fn(X, Y, mini_batch_size, seed) -> list of (X_t, Y_t), as in the assignment."""
    for m, b, seed in [(10, 4, 0), (12, 4, 1), (7, 7, 2), (5, 1, 3), (148, 64, 0)]:
        X, Y = index_valued(3, m)
        problem = _batches_problem(fn(X, Y, b, seed), m, b, seed)
        if problem:
            raise Wrong(f"{problem} (case m = {m}, mini_batch_size = {b}, seed = {seed}, on an "
                        "X whose entries are 1000·row + example number).")
    X = np.random.RandomState(1).randn(12288, 148)  # the assignment's public test
    Y = (np.random.RandomState(1).randn(1, 148) < 0.5).astype(int)
    first = np.asarray(fn(X, Y, 64, 0)[0][0])[0, :3]
    if not np.allclose(first, [0.90085595, -0.7612069, 0.2344157]):
        raise Wrong(f"on the assignment's test X (12288, 148), mini-batch 1 should start "
                    f"[0.90085595, -0.7612069, 0.2344157]; yours starts {np.round(first, 8)}")
    return ("5 cases on index-valued X (m not divisible by b, divisible, b = m, b = 1): every "
            "example exactly once, X and Y paired, sizes right, the course's shuffle order; and "
            "the deeplearning.ai reference values (12288, 148) → 64, 64, 20.")


@_check("mini-batches per epoch")
def minibatches_per_epoch(fn):
    """fn(m, mini_batch_size) -> the number of mini-batches (= updates) in one epoch."""
    cases = [(10, 4), (12, 4), (148, 64), (300, 64), (5_000_000, 1000), (7, 7), (7, 1),
             (1, 1), (1001, 1000)]
    for m, b in cases:
        got = fn(m, b)
        want = -(-m // b)
        if not isinstance(got, (int, np.integer)) or isinstance(got, bool):
            raise Wrong(f"for m = {m}, b = {b} return a whole number (int); you returned "
                        f"{got!r} ({type(got).__name__})")
        if got != want:
            sizes = minibatch.minibatch_sizes(m, b)
            shown = ", ".join(map(str, sizes)) if len(sizes) <= 6 else \
                f"{sizes[0]}, {sizes[1]}, ..., {sizes[-1]}"
            hint = ""
            if got == m // b:
                hint = ": don't drop the smaller last mini-batch"
            elif got == m // b + 1:
                hint = ": when b divides m there is no extra, empty mini-batch"
            raise Wrong(f"for m = {m}, b = {b} you say {got}, but the partition is {shown}: "
                        f"{want} mini-batches{hint}.")
    return (f"{len(cases)} cases, including m divisible by b, the smaller last mini-batch, "
            "b = m (batch GD: 1 update per epoch) and b = 1 (SGD: m updates).")


# ---- 02: one epoch written out, and the EWMA ---------------------------------------------

def _epoch_case(m=50, b=16, lr=0.5, seed=3):
    X, Y = data.make_moons(m, seed=0)
    model = models.MLP([2, 4, 1], seed=1)
    return model, X, Y, b, lr, seed


@_check("one epoch of mini-batch GD")
def one_epoch(fn):
    """fn(model, X, Y, batch_size, learning_rate, rng) -> list of the mini-batch costs, one per
    update, updating model.params in place; checked against cu.train.train for one epoch."""
    for m, b in [(50, 16), (48, 16), (50, 50), (12, 1)]:
        model, X, Y, _, lr, seed = _epoch_case(m, b)
        reference = copy.deepcopy(model)
        h = train.train(reference, X, Y, b, lr, 1, seed=seed)
        costs = fn(model, X, Y, b, lr, np.random.default_rng(seed))
        costs = list(np.ravel(costs)) if costs is not None else []
        n = len(h.step_cost)
        if len(costs) != n:
            raise Wrong(f"with m = {m} and b = {b} one epoch makes {n} updates (one per "
                        f"mini-batch, the last one smaller if b doesn't divide m); you returned "
                        f"{len(costs)} costs. Return one cost per mini-batch.")
        for t, (mine, ref) in enumerate(zip(costs, h.step_cost), start=1):
            if not np.isclose(mine, ref, rtol=1e-8, atol=1e-12):
                hint = (" Take the mini-batches in the order rng.permutation(m) gives"
                        if t == 1 and b < m else
                        " Update the parameters after every mini-batch, before the next cost")
                raise Wrong(f"with m = {m}, b = {b}: the cost of mini-batch {t} should be "
                            f"{ref:.6f}, yours is {float(mine):.6f}.{hint}.")
        for name, p in reference.params.items():
            if not np.allclose(model.params[name], p, rtol=1e-8, atol=1e-12):
                raise Wrong(f"with m = {m}, b = {b}: the costs match, but {name} after the "
                            f"epoch differs from cu.train's. Use model.update(grads, "
                            f"learning_rate) after each mini-batch's backward pass.")
    return ("costs and parameters after one epoch match cu.train.train (same seed) for "
            "m = 50, b = 16 (last mini-batch 2), m = 48 (divisible), batch GD and SGD.")


@_check("EWMA with bias correction")
def ewma(fn):
    """fn(values, beta) -> the bias-corrected exponentially weighted averages, one per value."""
    cases = [([3.0, 1.0, 2.0, 4.0], 0.9), ([5.0] * 6, 0.9), ([1.0, 0.0, 1.0, 0.0, 1.0], 0.5),
             (list(np.linspace(2, 1, 30)), 0.98)]
    for values, beta in cases:
        got = np.asarray(fn(np.array(values), beta), dtype=float)
        want = curves.ewma(values, beta)
        if got.shape != want.shape:
            raise Wrong(f"for {len(values)} values return {len(values)} averages, one per "
                        f"value; yours has shape {got.shape}")
        if np.allclose(got, want):
            continue
        raw = curves.ewma(values, beta, bias_correction=False)
        if np.allclose(got, raw):
            raise Wrong(f"on {values[:4]} with beta = {beta} your first average is "
                        f"{_fmt(got[0])} = (1 - beta)·{_fmt(values[0])}: that is v_1 before "
                        f"bias correction. Divide v_t by 1 - beta^t: the first becomes "
                        f"{_fmt(want[0])}.")
        if np.allclose(got, curves.ewma(values, 1 - beta)):
            raise Wrong(f"with beta = {beta} your averages follow each new value too closely: "
                        "v_t = beta·v_(t-1) + (1 - beta)·x_t gives weight beta to the past, "
                        "not to the new value.")
        k = int(np.argmax(~np.isclose(got, want)))
        raise Wrong(f"on {values[:4]}... with beta = {beta}: average {k + 1} should be "
                    f"{_fmt(want[k])}, yours is {_fmt(got[k])}.")
    return ("4 cases: a constant sequence stays constant (bias corrected from the first "
            "value), beta = 0.5 and 0.98, all equal to cu.curves.ewma.")


# ---- 03: learning-rate decay ------------------------------------------------------------------

@_check("learning-rate decay")
def lr_decay(fn):
    """fn(lr0, decay_rate, epoch) -> lr0 / (1 + decay_rate · epoch) (§2.9's first schedule)."""
    cases = [(0.1, 1.0, 0), (0.1, 1.0, 1), (0.2, 1.0, 3), (0.5, 0.1, 10), (1.0, 0.0, 7)]
    for lr0, rate, epoch in cases:
        got = fn(lr0, rate, epoch)
        want = train.inverse_time_decay(lr0, rate)(epoch)
        if not isinstance(got, (int, float, np.floating)) or not np.isclose(got, want):
            hint = ""
            if isinstance(got, (int, float)) and np.isclose(got, lr0 / (rate * epoch + 1e-300)):
                hint = " Add 1 in the denominator, so epoch 0 keeps lr0."
            elif isinstance(got, (int, float)) and np.isclose(got, lr0 / (1 + rate) ** epoch):
                hint = " That is a geometric decay; the formula is lr0 / (1 + decay_rate·epoch)."
            raise Wrong(f"lr0 = {lr0}, decay_rate = {rate}, epoch {epoch}: the rate should be "
                        f"{_fmt(want)}, yours is {got!r}.{hint}")
    return ("5 cases: epoch 0 keeps lr0, the rate halves at epoch 1 / decay_rate, and "
            "decay_rate = 0 keeps it constant.")


# ---- 04: the variance of a mini-batch gradient ----------------------------------------------

def _exact_variance(g, b):
    """E|g_B - G|^2 over every mini-batch of size b (without replacement), by enumeration."""
    G = g.mean(axis=0)
    errs = [np.sum((g[list(s)].mean(axis=0) - G) ** 2)
            for s in itertools.combinations(range(len(g)), b)]
    return float(np.mean(errs))


@_check("mini-batch gradient variance")
def gradient_variance(fn):
    """fn(per_example, b) -> predicted E|g_B - G|^2 = tr(Σ)/b · (m - b)/(m - 1), per_example
    (m, P) the per-example gradients, Σ their covariance (divided by m)."""
    rng = np.random.default_rng(0)
    g = rng.standard_normal((6, 3)) + [1.0, -2.0, 0.5]
    for b in (1, 2, 3, 6):
        got = fn(g, b)
        want = _exact_variance(g, b)
        if not isinstance(got, (int, float, np.floating)) or not np.isclose(got, want):
            got_f = float(got) if isinstance(got, (int, float, np.floating)) else got
            hint = ""
            if b == len(g):
                hint = (" At b = m every mini-batch is the whole set, so the variance is 0: "
                        "did you leave out the factor (m - b)/(m - 1)?")
            elif isinstance(got_f, float) and np.isclose(got_f * (len(g) - b) / (len(g) - 1),
                                                         want):
                hint = " Sampling without replacement multiplies by (m - b)/(m - 1)."
            raise Wrong(f"on 6 made-up per-example gradients (m = 6, 3 parameters) with b = "
                        f"{b}, the variance over all {math.comb(6, b)} mini-batches is "
                        f"{want:.4f}; your formula gives {_fmt(got_f)}.{hint}")
    return ("equals the exact average over every possible mini-batch (m = 6; b = 1, 2, 3, 6), "
            "including 0 at b = m.")


# ---- 05: the bytes of one step, and gradient accumulation ---------------------------------

@_check("bytes of one training step")
def step_bytes(fn):
    """fn(n_x, n_h, n_y, b, itemsize) -> the textbook count for a [n_x, n_h, n_y] network:
    parameters, their gradients, the mini-batch X and Y, and Z and A of both layers."""
    for dims, b, dtype in [((4, 3, 2), 5, "float64"), ((40, 256, 10), 64, "float32"),
                           ((784, 1024, 10), 1, "float64")]:
        itemsize = np.dtype(dtype).itemsize
        got = fn(*dims, b, itemsize)
        want = memory.textbook_bytes(list(dims), b, dtype)
        if got == want:
            continue
        n_x, n_h, n_y = dims
        P = n_h * (n_x + 1) + n_y * (n_h + 1)
        hint = ""
        if got == want // itemsize:
            hint = f" That is the number of values: multiply by {itemsize} bytes each."
        elif got == want - P * itemsize:
            hint = " The gradients dW, db take as much memory as the parameters: count both."
        elif got == want - 2 * (n_h + n_y) * itemsize:
            hint = " Each layer has a bias vector b too (n_l values), and its gradient."
        elif got == want - (n_h + n_y) * b * itemsize:
            hint = " Both Z and A of each layer are kept for backward: count both."
        raise Wrong(f"for [{n_x}, {n_h}, {n_y}], b = {b}, {dtype}: the count is {want:,} bytes "
                    f"({P:,} parameters and as many gradients, X and Y, Z and A per layer); "
                    f"yours is {got!r}.{hint}")
    dims = [784, 256, 10]  # the temporaries add about a third here: a safe margin
    measured = memory.measure_step_peak(dims, 64, "float32")
    counted = memory.textbook_bytes(dims, 64, "float32")
    more = "more than" if measured > counted else "no more than"
    return (f"3 networks match the textbook count; for [784, 256, 10], b = 64, tracemalloc "
            f"measured {more} your count during a real step (it adds temporaries: section 1).")


@_check("gradient accumulation")
def accumulate(fn):
    """fn(model, X_t, Y_t, micro_batch_size) -> grads of the whole mini-batch, computed one
    micro-batch at a time; checked against model.loss_and_grads(X_t, Y_t)."""
    X, Y = data.make_moons(10, seed=0)
    for micro in (5, 4, 1, 10):
        model = models.MLP([2, 3, 1], seed=2)
        _, want = model.loss_and_grads(X, Y)
        got = fn(model, X, Y, micro)
        if not isinstance(got, dict) or set(got) != set(want):
            raise Wrong(f"return a dict of gradients with keys {sorted(want)}; you returned "
                        f"{sorted(got) if isinstance(got, dict) else type(got).__name__}")
        bad = [k for k in want if not np.allclose(got[k], want[k], rtol=1e-7, atol=1e-12)]
        if not bad:
            continue
        k = bad[0]
        ratio = float(np.sum(got[k] * want[k]) / np.sum(want[k] ** 2))
        n_micro = -(-10 // micro)
        hint = ""
        if np.isclose(ratio, n_micro):
            hint = (f" Yours is {n_micro}× too large: you summed the {n_micro} micro-batch "
                    "gradients; weight each by its share of the mini-batch (its size / b).")
        elif 10 % micro:
            hint = (f" With b = 10 and micro-batches of {micro}, the last holds {10 % micro}: "
                    "weight each micro-batch by its size / b, not equally.")
        raise Wrong(f"with b = 10 and micro_batch_size = {micro}, {k} differs from the "
                    f"full mini-batch's gradient.{hint}")
    return ("equals the whole mini-batch's gradient for micro-batches of 5, 4 (last one "
            "smaller), 1 and 10.")


# ---- 06: the best constant learning rate of least squares -----------------------------------

def _rate_cases():
    """Made-up training sets X (3, 8) whose features have different scales (so rows and
    columns, the mean and the largest length all differ), with the sizes to try."""
    rng = np.random.default_rng(6)
    X = rng.standard_normal((3, 8)) * np.array([[2.0], [0.5], [1.0]])
    X2 = rng.standard_normal((3, 8)) + np.array([[1.0], [0.0], [-0.5]])
    return [(X, 1), (X, 2), (X2, 3), (X2, 8)]


@_check("best learning rate of least squares")
def least_squares_rate(fn):
    """fn(X, b) -> b / (β + (b − 1) λ_max): β the largest |x_i|² over the examples (columns),
    λ_max the largest eigenvalue of H = X Xᵀ / m."""
    for X, b in _rate_cases():
        m = X.shape[1]
        norms2 = np.sum(X * X, axis=0)  # (m,): |x_i|², one per example
        eig = np.linalg.eigvalsh(X @ X.T / m)
        beta, lam = float(norms2.max()), float(eig[-1])
        want = lr_scaling.interpolation_best_rate(beta, lam, b)
        got = fn(X.copy(), b)
        if isinstance(got, np.ndarray) and got.size == 1:
            got = got.item()
        if isinstance(got, bool) or not isinstance(got, (int, float, np.integer, np.floating)):
            raise Wrong(f"return one number, the learning rate; you returned {got!r} "
                        f"({type(got).__name__})")
        if np.isclose(got, want, rtol=1e-9, atol=0):
            continue
        wrong = {  # plausible slips, each with what to change
            "β is the largest |x_i|² over the examples, not their mean":
                b / (norms2.mean() + (b - 1) * lam),
            "examples are columns: |x_i|² sums each column (axis=0), not each row":
                b / (np.sum(X * X, axis=1).max() + (b - 1) * lam),
            "β is the squared length |x_i|², not the length |x_i|":
                b / (np.sqrt(norms2.max()) + (b - 1) * lam),
            "H = X Xᵀ / m: divide by m before taking its eigenvalues":
                b / (beta + (b - 1) * lam * m),
            "the denominator has (b − 1) λ_max, not b λ_max": b / (beta + b * lam),
            "eigvalsh sorts the eigenvalues in increasing order: λ_max is the last one, [-1]":
                b / (beta + (b - 1) * float(eig[0])),
        }
        hint = next((f" Hint: {why}." for why, value in wrong.items()
                     if np.isclose(got, value, rtol=1e-9, atol=0)), "")
        raise Wrong(f"on a made-up X of shape {X.shape} (examples as columns) with b = {b}: "
                    f"β = {beta:.4g}, λ_max = {lam:.4g}, so the rate is {want:.6g}; yours is "
                    f"{_fmt(float(got))}.{hint}")
    return ("4 cases (b = 1, 2, 3 and b = m = 8) on made-up sets whose features have different "
            "scales: equal to cu.lr_scaling.interpolation_best_rate.")
