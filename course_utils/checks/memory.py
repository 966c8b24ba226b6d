"""Checks of notebook 05's exercises: the bytes of one step, and gradient accumulation."""

import copy

import numpy as np

from ..core import data, models
from ..measure import memory
from .feedback import RecordingMLP, Wrong, _call, _check, _fmt, _named_slip


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


@_check("bytes of one training step", zh="一步训练所需的字节数")
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


@_check("gradient accumulation", zh="梯度累积")
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
            sizes = [len(ids) for ids in forwards]
            full = [min(micro, 10 - k) for k in range(0, 10, micro)]
            if len(sizes) == len(full) and all(s == f - 1 for s, f in zip(sizes, full)):
                raise Wrong(f"your micro-batches have sizes {sizes}, one example short each: "
                            f"the slice k:k + micro_batch_size already stops before its end "
                            f"(no - 1). {case}")
            raise Wrong(f"your micro-batches hold {len(seen)} of the 10 examples (sizes "
                        f"{sizes}; expected {full}): keep the smaller last micro-batch. {case}")
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
