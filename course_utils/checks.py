"""Checks for the exercises: each runs a learner's answer on small cases and answers in plain
words, showing the learner's output beside the expected one.

    cu.checks.random_mini_batches(my_random_mini_batches)
    ✓ random_mini_batches: ...what was checked...
        m = 10, mini_batch_size = 4, seed = 0 ...
        yours:    ...
        expected: ...

A check prints ✓ (right: what was checked, then your output beside the expected one), ✗ (wrong:
what is wrong, on which small example, and the slip that gives exactly that result when one
does) or ○ (not written yet: the stub still raises NotImplementedError). It returns None and
never raises, so "Run all" on the learner's edition runs to the end. `check.outcome(answer)`
gives the same verdict as (status, text) without printing; `summary()` prints one line: which
exercises checked in this session pass.

How slips are told apart: every answer runs on several small cases chosen so that each
plausible slip gives its own numbers on them, and a slip is named only when the answer matches
it on every case. Besides the values, a check verifies what the answer must not do: change
numpy's global random state, change its inputs in place, return the wrong dtype; and, for the
exercises that use a model, what it asked of the model (a recording model notes every forward
pass, its examples, and every update).
"""

import copy
import functools
import itertools
import math

import numpy as np

from .core import data, minibatch, models, train
from .measure import curves, lr_scaling, memory

_RESULTS = {}  # title -> "right" / "wrong" / "not written", for summary(); latest run wins


class Wrong(Exception):
    """The answer is wrong; the message says how, in plain words."""


def _check(title):
    """Turn body(answer) -> (what was checked, shown lines) (raising Wrong if wrong) into a
    check that prints its verdict and returns None; check.outcome(answer) returns (status,
    text) with status "right", "wrong" or "not written", printing nothing."""
    def decorate(body):
        def outcome(answer):
            try:
                checked, shown = body(answer)
            except NotImplementedError:
                status, text = "not written", (
                    f"○ {title}: not written yet. Replace the stub's `raise "
                    "NotImplementedError` with your code, run its cell, then this one.")
            except Wrong as e:
                status, text = "wrong", f"✗ {title}: {e}"
            except Exception as e:  # the learner's code failed: say so, don't raise
                status, text = "wrong", f"✗ {title}: your code raised {type(e).__name__}: {e}"
            else:
                status, text = "right", "\n".join([f"✓ {title}: {checked}"]
                                                  + ["    " + s for s in shown])
            _RESULTS[title] = status
            return status, text

        @functools.wraps(body)
        def check(answer) -> None:
            print(outcome(answer)[1])

        check.outcome = outcome
        return check
    return decorate


def summary() -> None:
    """Print one line: the exercises checked in this session (this notebook's kernel), and
    which of them pass (✓), need another look (✗) or are not written yet (○)."""
    if not _RESULTS:
        print("No exercise checked yet: run the check cells above.")
        return
    marks = {"right": "✓", "wrong": "✗", "not written": "○"}
    passed = sum(s == "right" for s in _RESULTS.values())
    parts = [f"{marks[s]} {title}" + (" (not written yet)" if s == "not written" else "")
             for title, s in _RESULTS.items()]
    print(f"Exercises: {passed} of {len(_RESULTS)} pass: {', '.join(parts)}.")


def _fmt(x) -> str:
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.6g}"
    if isinstance(x, np.ndarray):
        return np.array2string(x, precision=4, separator=", ")
    return repr(x)


def _same_random_state(a, b) -> bool:
    return (a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:4] == b[2:4]
            and (a[4] == b[4] or (math.isnan(a[4]) and math.isnan(b[4]))))


def _call(fn, args, names, instead):
    """fn(*args), with what an answer must not do turned into Wrong: change numpy's global
    random state (restored before saying so; `instead` says what to use) or change an array
    argument in place (names: the arguments' names, for the message; None: not checked)."""
    state = np.random.get_state()
    before = [a.copy() if isinstance(a, np.ndarray) else None for a in args]
    try:
        out = fn(*args)
    finally:
        touched = not _same_random_state(state, np.random.get_state())
        np.random.set_state(state)
    if touched:
        raise Wrong("your function changed numpy's global random state (np.random.seed, "
                    "np.random.permutation, np.random.shuffle ... all do): every other "
                    f"random number in the notebook would then depend on it. {instead}")
    for name, arg, old in zip(names, args, before):
        if name and old is not None and not (arg.shape == old.shape and np.array_equal(arg, old)):
            raise Wrong(f"your function changed the caller's {name} in place (an assignment "
                        f"like {name}[...] = ... or {name} -= ...): the caller's data must stay "
                        "as it was. Work on new arrays: A - B makes a new one, A -= B changes A.")
    return out


def _named_slip(results, candidates, close):
    """The first slip whose results match the answer's on every case, or None.
    results: the answer's result per case; candidates: {hint: result per case}."""
    for hint, values in candidates.items():
        if all(close(r, v) for r, v in zip(results, values)):
            return hint
    return None


def _close(a, b, rtol=1e-9):
    try:
        return bool(np.isclose(float(a), float(b), rtol=rtol, atol=0)) or float(a) == float(b)
    except (TypeError, ValueError):
        return False


# ---- 01: building mini-batches ---------------------------------------------------------------

def index_valued(n_x: int, m: int):
    """X whose entry (i, j) is 1000 i + j (float) and integer Y = j: every value says which
    example it is."""
    X = (1000 * np.arange(n_x)[:, None] + np.arange(m)[None, :]).astype(float)
    return X, np.arange(m)[None, :]


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


def _sizes(sizes) -> str:
    return ", ".join(map(str, sizes)) if len(sizes) <= 6 else \
        f"{sizes[0]}, {sizes[1]}, ..., {sizes[-1]}"


def _ids(batches) -> str:
    return " | ".join(" ".join(str(int(i)) for i in np.asarray(x)[0]) for x, _ in batches)


@_check("random_mini_batches")
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
            "example exactly once, X and Y paired, sizes and dtypes right, the course's order, "
            "inputs and numpy's global random state untouched; and the deeplearning.ai "
            "reference values.", shown)


@_check("mini-batches per epoch")
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


# ---- 02: the EWMA, and one epoch written out ------------------------------------------------

def _ewma_variants(x, beta):
    """{hint: what a plausible slip returns} for the values x (floats) and beta."""
    t = np.arange(1, len(x) + 1)
    raw = curves.ewma(x, beta, bias_correction=False)
    fed, v = [], 0.0
    for i, xi in enumerate(x, start=1):
        v = (beta * v + (1 - beta) * xi) / (1 - beta**i)
        fed.append(v)
    first = np.empty(len(x))
    v = x[0]
    for i, xi in enumerate(x):
        v = beta * v + (1 - beta) * xi
        first[i] = v / (1 - beta ** (i + 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "that is v_t before bias correction: divide each by 1 − β^t": raw,
            "v_t = beta·v_(t-1) + (1 - beta)·x_t gives weight beta to the past": curves.ewma(
                x, 1 - beta),
            "t counts from 1: the first value has t = 1, so its correction is 1 − β": raw / (
                1 - beta ** (t - 1)),
            "t counts from 1: your exponent is one too large": raw / (1 - beta ** (t + 1)),
            "keep v itself uncorrected, and correct only the value you append": np.array(fed),
            "start from v_0 = 0, not from the first value": first,
            "that is the running mean of all the values so far": np.cumsum(x) / t,
            "the correction is 1 − β^t, not (1 - beta)^t": raw / (1 - beta) ** t,
            "divide by the correction, don't multiply": raw * (1 - beta**t),
            "brackets: v / (1 - beta**t), not v / 1 - beta**t": raw - beta**t,
        }


@_check("EWMA with bias correction")
def ewma(fn):
    """fn(values, beta) -> the bias-corrected exponentially weighted averages, one per value."""
    cases = [(np.array([3, 1, 2, 4]), 0.9), (np.array([5.0] * 6), 0.9),
             (np.array([1.0, 0.0, 1.0, 0.0, 1.0]), 0.5), (np.linspace(2, 1, 30), 0.98)]
    results = []
    for values, beta in cases:
        try:
            got = _call(fn, (values.copy(), beta), ("values",), "")
        except ZeroDivisionError:
            raise Wrong("your code divided by zero: t counts from 1, so the first value's "
                        "correction is 1 − β, not 1 − β⁰ = 0.") from None
        if np.ndim(got) == 0:
            raise Wrong(f"for {len(values)} values return one average per value; you "
                        f"returned one number, {_fmt(got)}.")
        got = np.asarray(got)
        if got.shape != values.shape:
            raise Wrong(f"for {len(values)} values return one average per value; yours has "
                        f"shape {got.shape}.")
        if got.dtype.kind in "iub":
            raise Wrong(f"on the integers {values.tolist()} your averages are {got.tolist()}, "
                        f"whole numbers ({got.dtype}): np.zeros_like(values) copies the "
                        "integer dtype of values, so each average was cut. Use "
                        "np.zeros(len(values)) or a list.")
        if got.dtype != np.float64:
            raise Wrong(f"your averages are {got.dtype}: keep float64 (float32 keeps about 7 "
                        "digits, and the check compares 9).")
        results.append(got)
    wants = [curves.ewma(v.astype(float), beta) for v, beta in cases]
    if all(np.allclose(g, w, rtol=1e-9, atol=1e-12) for g, w in zip(results, wants)):
        return ("4 cases: integers [3, 1, 2, 4], a constant sequence (stays constant from the "
                "first value on), beta = 0.5 and 0.98: all equal to cu.curves.ewma; your inputs "
                "untouched.",
                ["values [3, 1, 2, 4], beta = 0.9:",
                 f"yours:    {_fmt(results[0])}", f"expected: {_fmt(wants[0])}"])
    variants = [_ewma_variants(v.astype(float), beta) for v, beta in cases]
    slip = _named_slip(results, {h: [v[h] for v in variants] for h in variants[0]},
                       lambda a, b: np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))
    k = next(i for i, (g, w) in enumerate(zip(results, wants)) if not np.allclose(g, w))
    values, beta = cases[k]
    raise Wrong(f"on {values.tolist()[:4]}{'...' if len(values) > 4 else ''} with beta = "
                f"{beta}: the averages should start {_fmt(wants[k][:4])}, yours start "
                f"{_fmt(results[k][:4])}." + (f" Hint: {slip}." if slip else ""))


class RecordingMLP(models.MLP):
    """An MLP that writes down what is asked of it: each call in `calls`, as ("forward", the
    numbers of the examples (columns of `known`) it got), ("cost" or "backward", Y) or
    ("update", learning_rate). Otherwise a plain cu.models.MLP."""

    def __init__(self, layer_dims, known, **kwargs):
        super().__init__(layer_dims, **kwargs)
        self.calls = []
        self._known = {np.ascontiguousarray(known[:, j]).tobytes(): j
                       for j in range(known.shape[1])}

    def forward(self, X):
        ids = ([self._known.get(np.ascontiguousarray(X[:, j]).tobytes(), -1)
                for j in range(X.shape[1])] if np.ndim(X) == 2 else [])
        self.calls.append(("forward", ids))
        return super().forward(X)

    def cost(self, Y, cache):
        self.calls.append(("cost", np.array(Y)))
        return super().cost(Y, cache)

    def backward(self, Y, cache):
        self.calls.append(("backward", np.array(Y)))
        return super().backward(Y, cache)

    def update(self, grads, learning_rate):
        self.calls.append(("update", learning_rate))
        super().update(grads, learning_rate)


def _steps(calls, m, b):
    """The recorded calls grouped by mini-batch: a list of dicts with the examples (ids), the
    Y of each cost and backward, the number of forward passes, the learning rate of each
    update and whether a cost came after an update; and whether the whole set was evaluated."""
    steps, whole = [], False
    for kind, arg in calls:
        if kind == "forward" and len(arg) == m and b < m:
            whole = True
            continue
        if kind == "forward" and (not steps or arg != steps[-1]["ids"]):
            steps.append({"ids": arg, "Ys": [], "forwards": 0, "updates": [],
                          "cost_after_update": False})
        if not steps:
            continue
        step = steps[-1]
        if kind == "forward":
            step["forwards"] += 1
        elif kind in ("cost", "backward"):
            if arg.shape[-1:] != (m,) or b == m:
                step["Ys"].append(arg)
            step["cost_after_update"] |= kind == "cost" and bool(step["updates"])
        else:
            step["updates"].append(arg)
    return steps, whole


def _epoch_problem(steps, whole, X, Y, b, lr, order):
    """What the recorded epoch did wrong (a plain-words sentence), or None."""
    m = X.shape[1]
    if whole:
        return ("you evaluated the whole training set during the epoch: record the "
                "mini-batch's own cost, from the forward pass on X_t")
    batches = [s["ids"] for s in steps]
    if any(-1 in ids for ids in batches):
        return "your mini-batches hold columns that are not examples of X: slice X[:, idx]"
    if any(len(set(ids)) < len(ids) for ids in batches):
        return ("a mini-batch holds an example twice: that is sampling with replacement; an "
                "epoch visits every example once")
    seen = [i for ids in batches for i in ids]
    if len(set(seen)) < len(seen):
        return ("some examples come in two mini-batches and others in none: take one "
                "permutation per epoch, order = rng.permutation(m) before the loop, and "
                "cut it into slices")
    sizes, want = [len(ids) for ids in batches], minibatch.minibatch_sizes(m, b)
    if len(sizes) < len(want) and all(s == b for s in sizes):
        return (f"your epoch has {len(sizes)} mini-batches of {b}; m = {m} makes "
                f"{_sizes(want)}: keep the smaller last mini-batch")
    if sizes != want:
        return (f"your mini-batches have sizes {_sizes(sizes)}; expected {_sizes(want)}: "
                "batch_size examples each, the last one holds what is left")
    if b < m and np.array_equal(seen, np.arange(m)):
        return ("the mini-batches take the examples in their stored order: shuffle first, "
                "order = rng.permutation(m)")
    if not np.array_equal(seen, order):
        return (f"your examples come in the order {seen[:4]}..., rng.permutation(m) gives "
                f"{order[:4].tolist()}...: shuffle with the rng it is given (one call, "
                "rng.permutation(m))")
    for t, s in enumerate(steps, start=1):
        if any(not np.array_equal(y, Y[:, s["ids"]]) for y in s["Ys"]):
            return (f"in mini-batch {t} the labels don't belong to the examples: take the "
                    "same columns of Y as of X, Y[:, idx]")
    updates = [len(s["updates"]) for s in steps]
    if sum(updates) == 0:
        return ("nothing called model.update, so the parameters never moved: call "
                "model.update(grads, learning_rate) after each backward pass")
    if any(n > 1 for n in updates):
        return (f"you called model.update {max(updates)} times for one mini-batch: update "
                "once per mini-batch")
    if updates != [1] * len(steps):
        return (f"you updated {sum(updates)} time(s) in an epoch of {len(steps)} mini-batches: "
                "update after every mini-batch (is model.update outside the loop?)")
    rates = sorted({r for s in steps for r in s["updates"] if r != lr})
    if rates:
        return (f"you passed learning rate {_fmt(rates[0])} to model.update, not "
                f"learning_rate = {lr}: pass learning_rate as it is (the gradients are "
                "already averages over the mini-batch)")
    if any(s["cost_after_update"] for s in steps):
        return ("you recorded each cost after the update (a second forward pass): record the "
                "cost before the update, from the forward pass that gave the gradients")
    return None


@_check("one epoch of mini-batch GD")
def one_epoch(fn):
    """fn(model, X, Y, batch_size, learning_rate, rng) -> list of the mini-batch costs, one per
    update, updating model.params in place; checked against cu.train.train for one epoch and
    by recording what it asked of the model."""
    lr, seed = 0.5, 3
    for m, b in [(50, 16), (48, 16), (50, 50), (12, 1)]:
        X, Y = data.make_moons(m, seed=0)
        model = RecordingMLP([2, 4, 1], X, seed=1)
        reference = models.MLP([2, 4, 1], seed=1)
        h = train.train(reference, X, Y, b, lr, 1, seed=seed)
        costs = _call(fn, (model, X, Y, b, lr, np.random.default_rng(seed)), (None, "X", "Y"),
                      "Shuffle with the rng the function is given: rng.permutation(m).")
        steps, whole = _steps(model.calls, m, b)
        order = np.random.default_rng(seed).permutation(m)
        problem = _epoch_problem(steps, whole, X, Y, b, lr, order)
        if problem:
            raise Wrong(f"{problem}. (Case m = {m}, b = {b}.)")
        if np.ndim(costs) == 0:
            raise Wrong(f"you returned one number, {_fmt(costs)}: return the list of the "
                        f"costs, one per mini-batch ({len(steps)} here).")
        costs = [float(c) for c in np.ravel(costs)]
        want = [float(c) for c in h.step_cost]
        if len(costs) != len(want):
            raise Wrong(f"with m = {m}, b = {b} you made {len(want)} updates but returned "
                        f"{len(costs)} costs: append one cost per mini-batch.")
        if not np.allclose(costs, want, rtol=1e-8, atol=1e-12):
            shares = np.array(minibatch.minibatch_sizes(m, b)) / m
            hint = (" Each mini-batch's cost is its own mean cost, not weighted by its share "
                    "b_t / m." if np.allclose(costs, np.array(want) * shares) else "")
            raise Wrong(f"with m = {m}, b = {b} the costs should be {_fmt(np.array(want[:4]))}, "
                        f"yours are {_fmt(np.array(costs[:4]))}.{hint}")
        for name, p in reference.params.items():
            if not np.allclose(model.params[name], p, rtol=1e-8, atol=1e-12):
                raise Wrong(f"with m = {m}, b = {b}: the costs match, but {name} after the "
                            "epoch differs from cu.train's.")
        if m == 50 and b == 16:
            shown = [f"m = {m}, b = {b}, learning_rate = {lr}, seed {seed}: the costs",
                     f"yours:    {_fmt(np.array(costs))}",
                     f"expected: {_fmt(np.array(want))}  (cu.train.train)"]
    return ("costs and parameters after one epoch match cu.train.train (same seed) for "
            "m = 50, b = 16 (last mini-batch 2), m = 48 (divisible), batch GD and SGD; one "
            "permutation, one forward, backward and update per mini-batch, X and Y untouched.",
            shown)


# ---- 03: learning-rate decay ------------------------------------------------------------------

@_check("learning-rate decay")
def lr_decay(fn):
    """fn(lr0, decay_rate, epoch) -> lr0 / (1 + decay_rate · epoch) (§2.9's first schedule)."""
    cases = [(0.1, 1.0, 0), (0.1, 1.0, 1), (0.2, 0.5, 3), (0.5, 0.1, 10), (0.3, 0.0, 7),
             (0.05, 2.0, 4)]
    got = []
    for lr0, rate, epoch in cases:
        try:
            r = fn(lr0, rate, epoch)
        except ZeroDivisionError:
            raise Wrong(f"lr0 = {lr0}, decay_rate = {rate}, epoch {epoch}: your code divided "
                        "by zero. Add 1 in the denominator, so epoch 0 keeps lr0.") from None
        if isinstance(r, np.ndarray) and r.size == 1:
            r = r.item()
        if isinstance(r, bool) or not isinstance(r, (int, float, np.integer, np.floating)):
            raise Wrong(f"return one number, the rate at that epoch; you returned {_fmt(r)} "
                        f"({type(r).__name__}).")
        got.append(float(r))
    want = [lr0 / (1 + rate * epoch) for lr0, rate, epoch in cases]
    if all(_close(g, w) for g, w in zip(got, want)):
        return ("6 cases: epoch 0 keeps lr0, the rate halves at epoch 1 / decay_rate, and "
                "decay_rate = 0 keeps it constant.",
                ["lr0 = 0.1, decay_rate = 1, epochs 0, 1, 2, 3:",
                 "yours:    " + ", ".join(_fmt(fn(0.1, 1.0, e)) for e in range(4)),
                 "expected: " + ", ".join(_fmt(0.1 / (1 + e)) for e in range(4))])

    def each(f):
        with np.errstate(all="ignore"):
            return [f(np.float64(a), np.float64(r), e) for a, r, e in cases]

    slip = _named_slip(got, {
        "Add 1 in the denominator, so epoch 0 keeps lr0": each(lambda a, r, e: a / (r * e)),
        "that is a geometric decay, lr0 / (1 + decay_rate)^epoch":
            each(lambda a, r, e: a / (1 + r) ** e),
        "that is exponential decay, lr0 · e^(−decay_rate · epoch)":
            each(lambda a, r, e: a * np.exp(-r * e)),
        "that is lr0 · decay_rate ** epoch; this schedule divides lr0 by 1 + decay_rate · epoch":
            each(lambda a, r, e: a * r**e),
        "your rate never changes with the epoch": each(lambda a, r, e: a),
        "epochs count from 0: epoch 0 keeps lr0": each(lambda a, r, e: a / (1 + r * (e + 1))),
        "brackets: lr0 / (1 + decay_rate * epoch)": each(lambda a, r, e: a + r * e),
        "brackets: lr0 / (1 + decay_rate * epoch), all of the denominator":
            each(lambda a, r, e: a / (1 + r) * e),
        "divide lr0 by 1 + decay_rate · epoch, don't multiply":
            each(lambda a, r, e: a * (1 + r * e)),
        "the rate is 1 / (1 + decay_rate · epoch) times lr0": each(lambda a, r, e: 1 / (1 + r * e)),
        "that is a square root schedule; this one has no square root":
            each(lambda a, r, e: a / np.sqrt(1 + r * e)),
        "lr0 and decay_rate swapped: the arguments come in the order (lr0, decay_rate, epoch)":
            each(lambda a, r, e: r / (1 + a * e)),
        "// is floor division: use /": each(lambda a, r, e: a // (1 + r * e)),
        "that is a linear decay, lr0 · (1 − decay_rate · epoch)":
            each(lambda a, r, e: a * (1 - r * e)),
    }, _close)
    k = next(i for i, (g, w) in enumerate(zip(got, want)) if not _close(g, w))
    lr0, rate, epoch = cases[k]
    raise Wrong(f"lr0 = {lr0}, decay_rate = {rate}, epoch {epoch}: the rate should be "
                f"{_fmt(want[k])}, yours is {_fmt(got[k])}." + (f" Hint: {slip}." if slip else ""))


# ---- 04: the variance of a mini-batch gradient ----------------------------------------------

def _exact_variance(g, b):
    """E|g_B - G|^2 over every mini-batch of size b (without replacement), by enumeration."""
    G = g.mean(axis=0)
    errs = [np.sum((g[list(s)].mean(axis=0) - G) ** 2)
            for s in itertools.combinations(range(len(g)), b)]
    return float(np.mean(errs))


def _variance_slips(g, b):
    """{hint: what a plausible slip returns} on the per-example gradients g (m, P), size b."""
    m, P = g.shape
    G = g.mean(axis=0)
    d2 = np.sum((g - G) ** 2, axis=1)
    tr, f = d2.mean(), (m - b) / (m - 1)
    with np.errstate(divide="ignore"):
        inverted = tr / b * (m - 1) / np.float64(m - b)
    return {
        "sampling without replacement multiplies by (m - b)/(m - 1)": tr / b,
        "divide by b, not by m": tr / m * f,
        "the factor has m - 1 below, not m": tr / b * (m - b) / m,
        "tr(Σ) is the mean over the examples of ‖g_i − G‖², not their sum": d2.sum() / b * f,
        "G is the mean of the rows, per_example.mean(axis=0)":
            np.mean(np.sum((g - g.mean(axis=1, keepdims=True)) ** 2, axis=1)) / b * f,
        "use the squared distance ‖g_i − G‖², not the distance": np.sqrt(d2).mean() / b * f,
        "‖g_i − G‖² is a sum over the parameters; don't average over them": tr / P / b * f,
        "tr(Σ) divides by m (np.var's default); ddof=1 divides by m − 1": tr * m / (m - 1) / b * f,
        "subtract G from each example's gradient before squaring":
            np.mean(np.sum(g**2, axis=1)) / b * f,
        "the factor is upside down: it must shrink to 0 at b = m": inverted,
        "the noise falls like 1/b: divide tr(Σ) by b": tr * b * f,
        "that is the standard deviation: return the variance, not its square root":
            np.sqrt(tr / b * f),
    }


@_check("mini-batch gradient variance")
def gradient_variance(fn):
    """fn(per_example, b) -> predicted E|g_B - G|^2 = tr(Σ)/b · (m - b)/(m - 1), per_example
    (m, P) the per-example gradients, Σ their covariance (divided by m)."""
    rng = np.random.default_rng(0)
    g = rng.standard_normal((6, 3)) + [1.0, -2.0, 0.5]
    sizes = (1, 2, 3, 6)
    got = []
    for b in sizes:
        r = _call(fn, (g.copy(), b), ("per_example",), "")
        if isinstance(r, np.ndarray) and r.size == 1:
            r = r.item()
        if isinstance(r, bool) or not isinstance(r, (int, float, np.integer, np.floating)):
            raise Wrong(f"return one number, the predicted E|g_B − G|²; you returned {_fmt(r)}.")
        got.append(float(r))
    want = [_exact_variance(g, b) for b in sizes]
    if all(np.isclose(x, w, rtol=1e-9, atol=1e-12) for x, w in zip(got, want)):
        return ("equals the exact average over every possible mini-batch (m = 6; b = 1, 2, 3, "
                "6), including 0 at b = m; per_example untouched.",
                ["b:        " + "  ".join(f"{b:>8}" for b in sizes),
                 "yours:    " + "  ".join(f"{x:8.4f}" for x in got),
                 "expected: " + "  ".join(f"{x:8.4f}" for x in want)])
    variants = [_variance_slips(g, b) for b in sizes]
    slip = _named_slip(got, {h: [v[h] for v in variants] for h in variants[0]},
                       lambda a, b: np.isclose(a, b, rtol=1e-9, atol=1e-12) or a == b)
    k = next(i for i, (x, w) in enumerate(zip(got, want)) if not np.isclose(x, w, atol=1e-12))
    raise Wrong(f"on 6 made-up per-example gradients (m = 6, 3 parameters) with b = "
                f"{sizes[k]}, the variance over all {math.comb(6, sizes[k])} mini-batches is "
                f"{want[k]:.4f}; your formula gives {_fmt(got[k])}."
                + (f" Hint: {slip}." if slip else ""))


# ---- 05: the bytes of one step, and gradient accumulation ---------------------------------

def _bytes_slips(n_x, n_h, n_y, b, s, want):
    """{hint: what a plausible slip returns} for [n_x, n_h, n_y], b, itemsize s."""
    P = n_h * (n_x + 1) + n_y * (n_h + 1)
    return {
        "that is the number of values: multiply by itemsize (bytes per value)": want // s,
        "the gradients dW, db take as much memory as the parameters: count both": want - P * s,
        "each layer has a bias vector too (n_l values), and its gradient":
            want - 2 * (n_h + n_y) * s,
        "count Y too: the labels, n_y × b": want - n_y * b * s,
        "count the mini-batch X and Y": want - (n_x + n_y) * b * s,
        "both Z and A of each layer are kept for backward: count both": want - (n_h + n_y) * b * s,
        "count the output layer's Z and A too": want - 2 * n_y * b * s,
        "a bias has n_l values (the layer's outputs), not its inputs":
            want + 2 * (n_x - n_y) * s,
        "Z and A hold one column per example: n_l × b each": want - 2 * (n_h + n_y) * (b - 1) * s,
        "the mini-batch holds b examples: X is n_x × b": want - (n_x + n_y) * (b - 1) * s,
        "count the second layer, W2 and b2, and their gradients": want - 2 * n_y * (n_h + 1) * s,
        "there is no gradient for X (it is data, not a parameter)": want + n_x * b * s,
        "itemsize is already in bytes: don't multiply by 8": want * 8,
        "your count overflowed: numpy's int32 holds at most 2,147,483,647; count in Python "
        "ints": (want + 2**31) % 2**32 - 2**31,
    }


@_check("bytes of one training step")
def step_bytes(fn):
    """fn(n_x, n_h, n_y, b, itemsize) -> the textbook count for a [n_x, n_h, n_y] network:
    parameters, their gradients, the mini-batch X and Y, and Z and A of both layers."""
    cases = [((5, 3, 2), 7, "float64"), ((40, 256, 10), 64, "float32"),
             ((784, 1024, 10), 1, "float64"), ((50_000, 50_000, 1000), 4096, "float64")]
    got, want, slips = [], [], []
    for dims, b, dtype in cases:
        s = np.dtype(dtype).itemsize
        n = fn(*dims, b, s)
        w = memory.textbook_bytes(list(dims), b, dtype)
        if isinstance(n, (float, np.floating)):
            hint = (" in bytes, not MiB" if np.isclose(n * 2**20, w) else
                    " (a whole number of bytes)")
            raise Wrong(f"for {list(dims)}, b = {b}, {dtype} you returned {_fmt(n)}, a float: "
                        f"return the count{hint}: {w:,} here.")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise Wrong(f"return the count as one whole number of bytes; you returned {_fmt(n)}.")
        got.append(int(n))
        want.append(w)
        slips.append(_bytes_slips(*dims, b, s, w))
    if got != want:
        slip = _named_slip(got, {h: [v[h] for v in slips] for h in slips[0]},
                           lambda a, b: a == b)
        k = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
        (n_x, n_h, n_y), b, dtype = cases[k]
        P = n_h * (n_x + 1) + n_y * (n_h + 1)
        raise Wrong(f"for [{n_x}, {n_h}, {n_y}], b = {b}, {dtype}: the count is {want[k]:,} "
                    f"bytes ({P:,} parameters and as many gradients, X and Y, Z and A per "
                    f"layer); yours is {got[k]:,}." + (f" Hint: {slip}." if slip else ""))
    dims = [784, 256, 10]  # the temporaries add about a third here: a safe margin
    measured = memory.measure_step_peak(dims, 64, "float32")
    counted = memory.textbook_bytes(dims, 64, "float32")
    more = "more than" if measured > counted else "no more than"
    return (f"4 networks match the textbook count, up to [50000, 50000, 1000] (over 2³¹ "
            f"bytes); for [784, 256, 10], b = 64, float32, tracemalloc measured {more} the "
            "count during a real step (it adds temporaries: section 1).",
            ["[40, 256, 10], b = 64, float32:",
             f"yours:    {got[1]:,} bytes", f"expected: {want[1]:,} bytes"])


def _accumulate_case(micro, dtype):
    X, Y = data.make_moons(10, seed=0)
    X, Y = X.astype(dtype), Y.astype(dtype)
    return RecordingMLP([2, 3, 1], X, seed=2, dtype=dtype), X, Y


@_check("gradient accumulation")
def accumulate(fn):
    """fn(model, X_t, Y_t, micro_batch_size) -> grads of the whole mini-batch, computed one
    micro-batch at a time; checked against model.loss_and_grads(X_t, Y_t), and by recording
    the micro-batches it passed to the model."""
    for micro, dtype in [(5, np.float64), (4, np.float64), (1, np.float64), (10, np.float64),
                         (3, np.float32)]:
        model, X, Y = _accumulate_case(micro, dtype)
        before = copy.deepcopy(model.params)
        _, want = models.MLP([2, 3, 1], seed=2, dtype=dtype).loss_and_grads(X, Y)
        got = _call(fn, (model, X, Y, micro), (None, "X_t", "Y_t"),
                    "Take consecutive columns: no shuffling is needed.")
        case = f"(Case b = 10, micro_batch_size = {micro}, {np.dtype(dtype).name}.)"
        if any(k == "update" for k, _ in model.calls) or any(
                not np.array_equal(before[n], p) for n, p in model.params.items()):
            raise Wrong("your function changed the model's parameters (model.update): it "
                        "should only return the gradients; the training loop takes the "
                        f"step. {case}")
        if isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict):
            raise Wrong(f"you returned a pair (cost, grads): return only the dict of "
                        f"gradients. {case}")
        if not isinstance(got, dict) or set(got) != set(want):
            raise Wrong(f"return a dict with the keys of grads, {sorted(want)}; yours are "
                        f"{sorted(got) if isinstance(got, dict) else type(got).__name__}. "
                        f"{case}")
        forwards = [ids for k, ids in model.calls if k == "forward"]
        kinds = [k for k, _ in model.calls if k in ("forward", "backward")]
        first_backward = kinds.index("backward") if "backward" in kinds else len(kinds)
        seen = [i for ids in forwards for i in ids]
        if len(set(seen)) < len(seen):
            raise Wrong(f"your micro-batches overlap: example {_first_repeat(seen)} is in two "
                        f"of them. Slice k:k + micro_batch_size for k = 0, mu, 2 mu, ... {case}")
        most = max(map(len, forwards))
        if most > micro:
            raise Wrong(f"you passed {most} examples to the model in one forward pass, more than "
                        f"micro_batch_size = {micro}: compute the gradients one micro-batch at a "
                        "time, so only one micro-batch's activations are in memory. " + case)
        if first_backward > 1:
            raise Wrong(f"you made {first_backward} forward passes before the first backward, so "
                        f"{first_backward} micro-batches' activations were in memory together: "
                        "do one micro-batch at a time, forward then backward. " + case)
        if len(seen) < 10:
            raise Wrong(f"your micro-batches hold {len(seen)} of the 10 examples: keep the "
                        f"smaller last micro-batch. {case}")
        bad = [n for n, g in got.items() if np.asarray(g).dtype != np.dtype(dtype)]
        if bad:
            raise Wrong(f"your {bad[0]} is {np.asarray(got[bad[0]]).dtype}, the model's dtype "
                        f"is {np.dtype(dtype).name}: the update would refuse gradients of "
                        "another dtype. Start from np.zeros_like(...) of the model's arrays, or "
                        f"from the first micro-batch's gradients. {case}")
        if all(np.allclose(got[n], want[n], rtol=1e-5 if dtype == np.float32 else 1e-9,
                           atol=1e-7 if dtype == np.float32 else 1e-12) for n in want):
            if micro == 4:
                shown = ["b = 10, micro-batches of 4, 4, 2: dW1",
                         f"yours:    {_fmt(np.ravel(got['dW1']))}",
                         f"expected: {_fmt(np.ravel(want['dW1']))}  (one loss_and_grads on "
                         "the whole mini-batch)",
                         f"largest micro-batch your function passed to the model: "
                         f"{max(map(len, forwards))} examples"]
            continue
        raise Wrong(f"{_accumulate_slip(got, want, X, Y, micro, dtype)} {case}")
    return ("equals the whole mini-batch's gradient for micro-batches of 5, 4 (last one "
            "smaller), 1, 10 and 3 (float32), computed one micro-batch at a time; no update, "
            "inputs untouched.", shown)


def _first_repeat(seq):
    seen = set()
    return next(i for i in seq if i in seen or seen.add(i))


def _accumulate_slip(got, want, X, Y, micro, dtype):
    """Which weighting the answer used, in words."""
    model = _accumulate_case(micro, dtype)[0]
    parts = [(min(micro, 10 - k), model.loss_and_grads(X[:, k:k + micro], Y[:, k:k + micro])[1])
             for k in range(0, 10, micro)]
    rtol = 1e-5 if dtype == np.float32 else 1e-9

    def weighted(w):
        return {n: sum(wi * g[n] for wi, (_, g) in zip(w, parts)) for n in want}

    sizes = [s for s, _ in parts]
    slips = {
        f"you summed the {len(parts)} micro-batch gradients: weight each by its share, its "
        "size / b": weighted([1.0] * len(parts)),
        "weight each micro-batch by its size / b, not equally":
            weighted([1 / len(parts)] * len(parts)),
        f"the last micro-batch holds {sizes[-1]} examples: weight it by its own size / b, not "
        "micro_batch_size / b": weighted([micro / 10] * len(parts)),
        "weight the first micro-batch too (its size / b)":
            weighted([1.0] + [s / 10 for s in sizes[1:]]),
    }
    for hint, value in slips.items():
        if all(np.allclose(got[n], value[n], rtol=rtol, atol=0) for n in want):
            return f"Your gradients differ from the whole mini-batch's. Hint: {hint}."
    k = next(n for n in sorted(want) if not np.allclose(got[n], want[n], rtol=rtol))
    return (f"your {k} differs from the whole mini-batch's: expected "
            f"{_fmt(np.ravel(want[k])[:3])}..., yours {_fmt(np.ravel(got[k])[:3])}....")


# ---- 06: the best constant learning rate of least squares -----------------------------------

def _rate_cases():
    """Made-up training sets X (3, 8) whose features have different scales (so rows and
    columns, the mean and the largest length all differ), with the sizes to try."""
    rng = np.random.default_rng(6)
    X = rng.standard_normal((3, 8)) * np.array([[2.0], [0.5], [1.0]])
    X2 = rng.standard_normal((3, 8)) + np.array([[1.0], [0.0], [-0.5]])
    return [(X, 1), (X, 2), (X2, 3), (X2, 8)]


def _rate_slips(X, b):
    """{hint: what a plausible slip returns} for the training set X (n_x, m) and size b."""
    m = X.shape[1]
    norms2 = np.sum(X * X, axis=0)  # (m,): |x_i|², one per example
    eig = np.linalg.eigvalsh(X @ X.T / m)
    beta, lam = float(norms2.max()), float(eig[-1])
    return {
        "β is the largest |x_i|² over the examples, not their mean":
            b / (norms2.mean() + (b - 1) * lam),
        "examples are columns: |x_i|² sums each column (axis=0), not each row":
            b / (np.sum(X * X, axis=1).max() + (b - 1) * lam),
        "β is the squared length |x_i|², not the length |x_i|":
            b / (np.sqrt(beta) + (b - 1) * lam),
        "H = X Xᵀ / m: divide by m before taking its eigenvalues":
            b / (beta + (b - 1) * lam * m),
        "the denominator has (b − 1) λ_max, not b λ_max": b / (beta + b * lam),
        "eigvalsh sorts the eigenvalues in increasing order: λ_max is the last one, [-1]":
            b / (beta + (b - 1) * float(eig[0])),
        "β is one example's |x_i|², the largest, not the sum over all of X":
            b / (np.sum(X * X) + (b - 1) * lam),
        "λ_max is the largest singular value of X squared, over m: square the singular value":
            b / (beta + (b - 1) * np.linalg.svd(X, compute_uv=False)[0] / m),
        "np.cov subtracts the mean and divides by m − 1: H is X Xᵀ / m as it is":
            b / (beta + (b - 1) * np.linalg.eigvalsh(np.cov(X))[-1]),
        "β is |x_i|², the sum over the features of an example's squares, not the largest "
        "single entry": b / (np.max(X * X) + (b - 1) * lam),
        "b / β is the small-b limit only: keep the (b − 1) λ_max term": b / beta,
        "1 / λ_max is the large-b limit only: keep the β term": 1 / lam,
        "at b = m the same formula holds: don't special-case batch GD":
            2 / lam if b == m else b / (beta + (b - 1) * lam),
    }


@_check("best learning rate of least squares")
def least_squares_rate(fn):
    """fn(X, b) -> b / (β + (b − 1) λ_max): β the largest |x_i|² over the examples (columns),
    λ_max the largest eigenvalue of H = X Xᵀ / m."""
    got, want = [], []
    for X, b in _rate_cases():
        r = _call(fn, (X.copy(), b), ("X",), "")
        if isinstance(r, np.ndarray) and r.size == 1:
            r = r.item()
        if isinstance(r, bool) or not isinstance(r, (int, float, np.integer, np.floating)):
            raise Wrong(f"return one number, the learning rate; you returned {_fmt(r)} "
                        f"({type(r).__name__}).")
        m = X.shape[1]
        beta = float(np.max(np.sum(X * X, axis=0)))
        lam = float(np.linalg.eigvalsh(X @ X.T / m)[-1])
        got.append(float(r))
        want.append(lr_scaling.interpolation_best_rate(beta, lam, b))
    if all(_close(g, w) for g, w in zip(got, want)):
        return ("4 cases (b = 1, 2, 3 and b = m = 8) on made-up sets whose features have "
                "different scales: equal to cu.lr_scaling.interpolation_best_rate; X untouched.",
                ["b:        " + "  ".join(f"{b:>9}" for _, b in _rate_cases()),
                 "yours:    " + "  ".join(f"{g:9.6f}" for g in got),
                 "expected: " + "  ".join(f"{w:9.6f}" for w in want)])
    variants = [_rate_slips(X, b) for X, b in _rate_cases()]
    slip = _named_slip(got, {h: [v[h] for v in variants] for h in variants[0]}, _close)
    k = next(i for i, (g, w) in enumerate(zip(got, want)) if not _close(g, w))
    X, b = _rate_cases()[k]
    raise Wrong(f"on a made-up X of shape {X.shape} (examples as columns) with b = {b}: the "
                f"rate is {want[k]:.6g}; yours is {_fmt(got[k])}."
                + (f" Hint: {slip}." if slip else ""))
