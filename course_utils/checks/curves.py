"""Checks of notebook 02's exercises: the EWMA, and one epoch of mini-batch GD written out."""


import numpy as np

from ..core import data, minibatch, models, train
from ..measure import curves
from .feedback import (
    RecordingMLP,
    Wrong,
    _call,
    _check,
    _expected,
    _fmt,
    _hint,
    _named_slip,
    _sizes,
    _yours,
    catalogue,
)

# Every message of these checks, in English and Chinese: key -> {"en": ..., "zh": ...}.
_MSG = {
    # ewma: the slips (_ewma_variants)
    "uncorrected": {
        "en": "that is v_t before bias correction: divide each by 1 − β^t",
        "zh": "这是偏差修正之前的 v_t：把每个值除以 1 − β^t"},
    "weights swapped": {
        "en": "v_t = beta·v_(t-1) + (1 - beta)·x_t gives weight beta to the past",
        "zh": "v_t = beta·v_(t-1) + (1 - beta)·x_t：权重 beta 给的是过去的值"},
    "t from 0": {
        "en": "t counts from 1: the first value has t = 1, so its correction is 1 − β",
        "zh": "t 从 1 开始数：第一个值的 t = 1，所以它的修正是 1 − β"},
    "t too large": {
        "en": "t counts from 1: your exponent is one too large",
        "zh": "t 从 1 开始数：你的指数大了 1"},
    "corrected v": {
        "en": "keep v itself uncorrected, and correct only the value you append",
        "zh": "v 本身不要修正，只修正你追加到结果里的那个值"},
    "v_0": {
        "en": "start from v_0 = 0, not from the first value",
        "zh": "从 v_0 = 0 开始，而不是从第一个值开始"},
    "running mean": {
        "en": "that is the running mean of all the values so far",
        "zh": "这是到目前为止所有值的累计平均"},
    "(1 - beta)^t": {
        "en": "the correction is 1 − β^t, not (1 - beta)^t",
        "zh": "修正是 1 − β^t，而不是 (1 - beta)^t"},
    "multiply": {
        "en": "divide by the correction, don't multiply",
        "zh": "要除以修正项，而不是乘以它"},
    "brackets": {
        "en": "brackets: v / (1 - beta**t), not v / 1 - beta**t",
        "zh": "注意括号：v / (1 - beta**t)，而不是 v / 1 - beta**t"},
    # ewma
    "zero division": {
        "en": "your code divided by zero: t counts from 1, so the first value's correction is "
              "1 − β, not 1 − β⁰ = 0.",
        "zh": "你的代码除以了零：t 从 1 开始数，所以第一个值的修正是 1 − β，而不是 1 − β⁰ = 0。"},
    "one number": {
        "en": "for {n} values return one average per value; you returned one number, {got}.",
        "zh": "对 {n} 个值，请每个值返回一个平均值；你只返回了一个数 {got}。"},
    "shape": {
        "en": "for {n} values return one average per value; yours has shape {shape}.",
        "zh": "对 {n} 个值，请每个值返回一个平均值；你的结果形状是 {shape}。"},
    "integers": {
        "en": "on the integers {values} your averages are {got}, whole numbers ({dtype}): "
              "np.zeros_like(values) copies the integer dtype of values, so each average was "
              "cut. Use np.zeros(len(values)) or a list.",
        "zh": "对整数 {values}，你的平均值是 {got}，都是整数（{dtype}）：np.zeros_like(values) "
              "复制了 values 的整数 dtype，于是每个平均值都被截断了。请用 np.zeros(len(values)) "
              "或一个列表。"},
    "float32": {
        "en": "your averages are {dtype}: keep float64 (float32 keeps about 7 digits, and the "
              "check compares 9).",
        "zh": "你的平均值是 {dtype}：请保持 float64（float32 只有约 7 位有效数字，而检查比较 "
              "9 位）。"},
    "ewma checked": {
        "en": "4 cases: integers [3, 1, 2, 4], a constant sequence (stays constant from the "
              "first value on), beta = 0.5 and 0.98: all equal to cu.curves.ewma; your inputs "
              "untouched.",
        "zh": "检查了 4 种情形：整数 [3, 1, 2, 4]、常数序列（修正后的平均值从第一个值起就保持不变"
              "）、beta = 0.5 和 0.98：全都等于 cu.curves.ewma；你的输入未被改动。"},
    "ewma shown": {
        "en": "values [3, 1, 2, 4], beta = 0.9:",
        "zh": "values [3, 1, 2, 4]，beta = 0.9："},
    "averages": {
        "en": "on {values}{more} with beta = {beta}: the averages should start {want}, yours "
              "start {got}.{hint}",
        "zh": "对 {values}{more}，beta = {beta}：平均值应以 {want} 开头，你的以 {got} 开头。"
              "{hint}"},
    # one_epoch: what the recorded epoch did wrong (_epoch_problem)
    "whole set": {
        "en": "you evaluated the whole training set during the epoch: record the mini-batch's "
              "own cost, from the forward pass on X_t",
        "zh": "你在这一代中对整个训练集计算了代价：请记录 mini-batch 自己的代价，即在 X_t 上前向传"
              "播得到的代价"},
    "not examples": {
        "en": "your mini-batches hold columns that are not examples of X: slice X[:, idx]",
        "zh": "你的 mini-batch 里有些列不是 X 的样本：请切片 X[:, idx]"},
    "twice": {
        "en": "a mini-batch holds an example twice: that is sampling with replacement; an "
              "epoch visits every example once",
        "zh": "某个 mini-batch 里有一个样本出现了两次：这是有放回抽样；一代要把每个样本恰好用一次"},
    "one permutation": {
        "en": "some examples come in two mini-batches and others in none: take one "
              "permutation per epoch, order = rng.permutation(m) before the loop, and cut it "
              "into slices",
        "zh": "有的样本出现在两个 mini-batch 里，有的一个也不在：每代只取一个排列，在循环之前执"
              "行 order = rng.permutation(m)，再把它切成若干片"},
    "no last": {
        "en": "your epoch has {n} mini-batches of {b}; m = {m} makes {want}: keep the smaller "
              "last mini-batch",
        "zh": "你的这一代有 {n} 个大小为 {b} 的 mini-batch；m = {m} 应分成 {want}：请保留最后那个"
              "较小的 mini-batch"},
    "sizes": {
        "en": "your mini-batches have sizes {sizes}; expected {want}: batch_size examples "
              "each, the last one holds what is left",
        "zh": "你的 mini-batch 大小为 {sizes}，应为 {want}：每个含 batch_size 个样本，最后一个装下"
              "剩余的样本"},
    "not shuffled": {
        "en": "the mini-batches take the examples in their stored order: shuffle first, "
              "order = rng.permutation(m)",
        "zh": "这些 mini-batch 按样本存放的顺序取样本：先混洗，order = rng.permutation(m)"},
    "order": {
        "en": "your examples come in the order {got}..., rng.permutation(m) gives {want}...: "
              "shuffle with the rng it is given (one call, rng.permutation(m))",
        "zh": "你的样本顺序是 {got}...，而 rng.permutation(m) 给出 {want}...：请用传入的 rng 混洗"
              "（调用一次 rng.permutation(m)）"},
    "labels": {
        "en": "in mini-batch {t} the labels don't belong to the examples: take the same "
              "columns of Y as of X, Y[:, idx]",
        "zh": "第 {t} 个 mini-batch 的标签与样本对不上：Y 要取与 X 相同的列，Y[:, idx]"},
    "no update": {
        "en": "nothing called model.update, so the parameters never moved: call "
              "model.update(grads, learning_rate) after each backward pass",
        "zh": "没有调用 model.update，所以参数从未改变：请在每次反向传播之后调用 "
              "model.update(grads, learning_rate)"},
    "updates per batch": {
        "en": "you called model.update {n} times for one mini-batch: update once per mini-batch",
        "zh": "你对一个 mini-batch 调用了 {n} 次 model.update：每个 mini-batch 只更新一次"},
    "updates per epoch": {
        "en": "you updated {n} time(s) in an epoch of {t} mini-batches: update after every "
              "mini-batch (is model.update outside the loop?)",
        "zh": "在有 {t} 个 mini-batch 的一代里你更新了 {n} 次：每个 mini-batch 之后都要更新"
              "（model.update 是不是写在了循环外面？）"},
    "rate": {
        "en": "you passed learning rate {rate} to model.update, not learning_rate = {lr}: pass "
              "learning_rate as it is (the gradients are already averages over the mini-batch)",
        "zh": "你传给 model.update 的学习率是 {rate}，而不是 learning_rate = {lr}：请原样传入 "
              "learning_rate（梯度已经是对 mini-batch 的平均）"},
    "cost after": {
        "en": "you recorded each cost after the update (a second forward pass): record the "
              "cost before the update, from the forward pass that gave the gradients",
        "zh": "你在更新之后才记录代价（多做了一次前向传播）：请在更新之前记录代价，用算出这些梯度"
              "的那次前向传播的结果"},
    # one_epoch
    "instead": {
        "en": "Shuffle with the rng the function is given: rng.permutation(m).",
        "zh": "请用传给函数的 rng 混洗：rng.permutation(m)。"},
    "case": {
        "en": "{problem}. (Case m = {m}, b = {b}.)",
        "zh": "{problem}。（测试情形：m = {m}，b = {b}。）"},
    "one cost": {
        "en": "you returned one number, {got}: return the list of the costs, one per "
              "mini-batch ({n} here).",
        "zh": "你只返回了一个数 {got}：请返回代价的列表，每个 mini-batch 一个（这里共 {n} 个）。"},
    "cost count": {
        "en": "with m = {m}, b = {b} you made {n} updates but returned {got} costs: append one "
              "cost per mini-batch.",
        "zh": "m = {m}、b = {b} 时你做了 {n} 次更新，却返回了 {got} 个代价：每个 mini-batch 追加"
              "一个代价。"},
    "weighted": {
        "en": " Each mini-batch's cost is its own mean cost, not weighted by its share b_t / m.",
        "zh": "每个 mini-batch 的代价就是它自己的平均代价，不要按它所占的比例 b_t / m 加权。"},
    "costs": {
        "en": "with m = {m}, b = {b} the costs should be {want}, yours are {got}.{hint}",
        "zh": "m = {m}、b = {b} 时代价应为 {want}，你的是 {got}。{hint}"},
    "params": {
        "en": "with m = {m}, b = {b}: the costs match, but {name} after the epoch differs from "
              "cu.train's.",
        "zh": "m = {m}、b = {b} 时：代价一致，但这一代之后的 {name} 与 cu.train 的不同。"},
    "epoch shown": {
        "en": "m = {m}, b = {b}, learning_rate = {lr}, seed {seed}: the costs",
        "zh": "m = {m}，b = {b}，learning_rate = {lr}，seed {seed}：各个代价"},
    "epoch checked": {
        "en": "costs and parameters after one epoch match cu.train.train (same seed) for "
              "m = 50, b = 16 (last mini-batch 2), m = 48 (divisible), batch GD and SGD; one "
              "permutation, one forward, backward and update per mini-batch, X and Y untouched.",
        "zh": "一代之后的代价和参数都与 cu.train.train（同一个 seed）一致，情形为 m = 50、b = 16"
              "（最后一个 mini-batch 大小为 2）、m = 48（能整除）、batch 梯度下降和 SGD；只用一个"
              "排列，每个 mini-batch 一次前向传播、一次反向传播、一次更新，X 和 Y 未被改动。"},
}


_m = catalogue(_MSG)


def _ewma_variants(x, beta):
    """{hint's key in _MSG: what a plausible slip returns} for the values x (floats) and beta."""
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
            "uncorrected": raw,
            "weights swapped": curves.ewma(x, 1 - beta),
            "t from 0": raw / (1 - beta ** (t - 1)),
            "t too large": raw / (1 - beta ** (t + 1)),
            "corrected v": np.array(fed),
            "v_0": first,
            "running mean": np.cumsum(x) / t,
            "(1 - beta)^t": raw / (1 - beta) ** t,
            "multiply": raw * (1 - beta**t),
            "brackets": raw - beta**t,
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
            raise Wrong(_m("zero division")) from None
        if np.ndim(got) == 0:
            raise Wrong(_m("one number", n=len(values), got=_fmt(got)))
        got = np.asarray(got)
        if got.shape != values.shape:
            raise Wrong(_m("shape", n=len(values), shape=got.shape))
        if got.dtype.kind in "iub":
            raise Wrong(_m("integers", values=values.tolist(), got=got.tolist(),
                           dtype=got.dtype))
        if got.dtype != np.float64:
            raise Wrong(_m("float32", dtype=got.dtype))
        results.append(got)
    wants = [curves.ewma(v.astype(float), beta) for v, beta in cases]
    if all(np.allclose(g, w, rtol=1e-9, atol=1e-12) for g, w in zip(results, wants)):
        return (_m("ewma checked"),
                [_m("ewma shown"), _yours(_fmt(results[0])), _expected(_fmt(wants[0]))])
    variants = [_ewma_variants(v.astype(float), beta) for v, beta in cases]
    slip = _named_slip(results, {h: [v[h] for v in variants] for h in variants[0]},
                       lambda a, b: np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))
    k = next(i for i, (g, w) in enumerate(zip(results, wants)) if not np.allclose(g, w))
    values, beta = cases[k]
    raise Wrong(_m("averages", values=values.tolist()[:4], more="..." if len(values) > 4 else "",
                   beta=beta, want=_fmt(wants[k][:4]), got=_fmt(results[k][:4]),
                   hint=_hint(slip and _m(slip))))


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
    """What the recorded epoch did wrong (a Msg, a plain-words sentence), or None."""
    m = X.shape[1]
    if whole:
        return _m("whole set")
    batches = [s["ids"] for s in steps]
    if any(-1 in ids for ids in batches):
        return _m("not examples")
    if any(len(set(ids)) < len(ids) for ids in batches):
        return _m("twice")
    seen = [i for ids in batches for i in ids]
    if len(set(seen)) < len(seen):
        return _m("one permutation")
    sizes, want = [len(ids) for ids in batches], minibatch.minibatch_sizes(m, b)
    if len(sizes) < len(want) and all(s == b for s in sizes):
        return _m("no last", n=len(sizes), b=b, m=m, want=_sizes(want))
    if sizes != want:
        return _m("sizes", sizes=_sizes(sizes), want=_sizes(want))
    if b < m and np.array_equal(seen, np.arange(m)):
        return _m("not shuffled")
    if not np.array_equal(seen, order):
        return _m("order", got=seen[:4], want=order[:4].tolist())
    for t, s in enumerate(steps, start=1):
        if any(not np.array_equal(y, Y[:, s["ids"]]) for y in s["Ys"]):
            return _m("labels", t=t)
    updates = [len(s["updates"]) for s in steps]
    if sum(updates) == 0:
        return _m("no update")
    if any(n > 1 for n in updates):
        return _m("updates per batch", n=max(updates))
    if updates != [1] * len(steps):
        return _m("updates per epoch", n=sum(updates), t=len(steps))
    rates = sorted({r for s in steps for r in s["updates"] if r != lr})
    if rates:
        return _m("rate", rate=_fmt(rates[0]), lr=lr)
    if any(s["cost_after_update"] for s in steps):
        return _m("cost after")
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
                      _m("instead"))
        steps, whole = _steps(model.calls, m, b)
        order = np.random.default_rng(seed).permutation(m)
        problem = _epoch_problem(steps, whole, X, Y, b, lr, order)
        if problem:
            raise Wrong(_m("case", problem=problem, m=m, b=b))
        if np.ndim(costs) == 0:
            raise Wrong(_m("one cost", got=_fmt(costs), n=len(steps)))
        costs = [float(c) for c in np.ravel(costs)]
        want = [float(c) for c in h.step_cost]
        if len(costs) != len(want):
            raise Wrong(_m("cost count", m=m, b=b, n=len(want), got=len(costs)))
        if not np.allclose(costs, want, rtol=1e-8, atol=1e-12):
            shares = np.array(minibatch.minibatch_sizes(m, b)) / m
            hint = _m("weighted") if np.allclose(costs, np.array(want) * shares) else ""
            raise Wrong(_m("costs", m=m, b=b, want=_fmt(np.array(want[:4])),
                           got=_fmt(np.array(costs[:4])), hint=hint))
        for name, p in reference.params.items():
            if not np.allclose(model.params[name], p, rtol=1e-8, atol=1e-12):
                raise Wrong(_m("params", m=m, b=b, name=name))
        if m == 50 and b == 16:
            shown = [_m("epoch shown", m=m, b=b, lr=lr, seed=seed),
                     _yours(_fmt(np.array(costs))),
                     _expected(f"{_fmt(np.array(want))}  (cu.train.train)")]
    return _m("epoch checked"), shown
