"""Checks of notebook 02's exercises: the EWMA, and one epoch of mini-batch GD written out."""


import numpy as np

from ..core import data, minibatch, models, train
from ..measure import curves
from .feedback import RecordingMLP, Wrong, _call, _check, _fmt, _named_slip, _sizes


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


@_check("EWMA with bias correction", zh="带偏差修正的指数加权平均")
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


@_check("one epoch of mini-batch GD", zh="mini-batch 梯度下降的一代")
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
