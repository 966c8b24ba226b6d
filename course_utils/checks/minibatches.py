"""Checks of notebook 01's exercises: building mini-batches."""


import numpy as np

from ..core import minibatch
from .feedback import (
    Wrong,
    _call,
    _check,
    _expected,
    _fmt,
    _hint,
    _ids,
    _named_slip,
    _sizes,
    _yours,
    catalogue,
    index_valued,
)

# Every message of these checks, in English and Chinese: key -> {"en": ..., "zh": ...}.
_MSG = {
    # what is wrong with the mini-batches (_batches_problem)
    "not pairs": {
        "en": "return a list of pairs (X_t, Y_t); yours holds {got} items",
        "zh": "请返回由 (X_t, Y_t) 对组成的列表；你的返回值里出现了 {got} 类型的内容"},
    "X shape": {
        "en": "mini-batch {t}'s X has shape {shape}; expected ({n_x}, b_t): examples are "
              "columns, so slice columns X[:, ...]",
        "zh": "第 {t} 个 mini-batch 的 X 形状是 {shape}，应为 ({n_x}, b_t)：样本是列，所以要按列"
              "切片 X[:, ...]"},
    "Y shape": {
        "en": "mini-batch {t}'s Y has shape {shape}; expected (1, {b_t})",
        "zh": "第 {t} 个 mini-batch 的 Y 形状是 {shape}，应为 (1, {b_t})"},
    "dtype": {
        "en": "mini-batch {t} holds X as {x_dtype} and Y as {y_dtype}, but the caller's are "
              "{X_dtype} and {Y_dtype}: keep their dtype (slicing does; an array made with "
              "np.zeros is float64)",
        "zh": "第 {t} 个 mini-batch 里 X 是 {x_dtype}、Y 是 {y_dtype}，而调用者传入的是 "
              "{X_dtype} 和 {Y_dtype}：请保持原来的 dtype（切片会保持；用 np.zeros 新建的数组"
              "是 float64）"},
    "mixed columns": {
        "en": "mini-batch {t}'s columns mix different examples' features: shuffle whole "
              "columns (X[:, order]), not the entries",
        "zh": "第 {t} 个 mini-batch 的列混合了不同样本的特征：要混洗整列（X[:, order]），而不是"
              "混洗单个元素"},
    "rows": {
        "en": "your mini-batches hold {n_x} examples in all, the number of rows: "
              "m = X.shape[1], the number of columns",
        "zh": "你的 mini-batch 一共只有 {n_x} 个样本，这是 X 的行数；样本数 m = X.shape[1]，"
              "是列数"},
    "no last": {
        "en": "there should be {n} mini-batches (sizes {want}); yours stop at {got}: keep the "
              "smaller last mini-batch",
        "zh": "应当有 {n} 个 mini-batch（大小为 {want}）；你的只到第 {got} 个就停了：请保留最后那个"
              "较小的 mini-batch"},
    "extra": {
        "en": "b = {b} divides m = {m}, so there are {n} mini-batches of {b}; yours add one of "
              "{last}: when b divides m there is no extra mini-batch",
        "zh": "m = {m} 能被 b = {b} 整除，所以有 {n} 个大小为 {b} 的 mini-batch；你的多出一个大小"
              "为 {last} 的：m 能被 b 整除时没有多出来的 mini-batch"},
    "overlap": {
        "en": "your mini-batches have sizes {sizes}, more than mini_batch_size = {b}: slices "
              "k:k + mini_batch_size, for k = 0, b, 2b, ..., must not overlap",
        "zh": "你的 mini-batch 大小为 {sizes}，超过了 mini_batch_size = {b}：切片 "
              "k:k + mini_batch_size（k = 0, b, 2b, ...）不能互相重叠"},
    "sizes": {
        "en": "your mini-batches have sizes {sizes}; expected {want}: mini_batch_size examples "
              "each, and the last holds what is left",
        "zh": "你的 mini-batch 大小为 {sizes}，应为 {want}：每个含 mini_batch_size 个样本，最后一"
              "个装下剩余的样本"},
    "unpaired": {
        "en": "in mini-batch {t}, column {j} of X is example {x} but Y's column {j} is example "
              "{y}: use the same order for X and Y",
        "zh": "在第 {t} 个 mini-batch 中，X 的第 {j} 列是样本 {x}，而 Y 的第 {j} 列是样本 {y}："
              "X 和 Y 要用同一个顺序"},
    "twice": {
        "en": "mini-batch {t} holds an example twice: that is sampling with replacement; "
              "shuffle once, then cut the shuffled order into slices",
        "zh": "第 {t} 个 mini-batch 里有一个样本出现了两次：这是有放回抽样；应当只混洗一次，"
              "再把混洗后的顺序切成若干片"},
    "replacement": {
        "en": "an example appears in two mini-batches and another in none: that is sampling "
              "with replacement; shuffle once, then cut the shuffled order into slices",
        "zh": "有的样本出现在两个 mini-batch 里，有的一个也不在：这是有放回抽样；应当只混洗一次，"
              "再把混洗后的顺序切成若干片"},
    "not shuffled": {
        "en": "the examples are still in their original order 0, 1, 2, ...: shuffle first",
        "zh": "样本仍是原来的顺序 0, 1, 2, ...：先混洗"},
    "seed 0": {
        "en": "your order is seed 0's: you get the same order for every seed. Pass the seed "
              "on: shuffled_order(m, seed)",
        "zh": "你的顺序是 seed 0 的顺序：无论 seed 是多少你都得到同一个顺序。请把 seed 传进去："
              "shuffled_order(m, seed)"},
    "inverse": {
        "en": "your order is the inverse of the course's: `order` lists the examples to take, "
              "so take the columns X[:, order] (not np.argsort(order))",
        "zh": "你的顺序是课程顺序的逆排列：`order` 列出要取的样本，所以取列 X[:, order]"
              "（而不是 np.argsort(order)）"},
    "order": {
        "en": "your order starts {got}, the course's {want}: take "
              "order = cu.minibatch.shuffled_order(m, seed), the assignment's permutation",
        "zh": "你的顺序以 {got} 开头，课程的以 {want} 开头：请用 "
              "order = cu.minibatch.shuffled_order(m, seed)，即作业里的排列"},
    # random_mini_batches
    "instead": {
        "en": "cu.minibatch.shuffled_order gives the assignment's order from a private generator.",
        "zh": "请改用 cu.minibatch.shuffled_order：它用独立的随机数生成器给出作业里的顺序。"},
    "case": {
        "en": "{problem}. (Case m = {m}, mini_batch_size = {b}, seed = {seed}, on an X whose "
              "entries are 1000·row + example number.)",
        "zh": "{problem}。（测试情形：m = {m}，mini_batch_size = {b}，seed = {seed}，所用 X 的元素"
              "为 1000·行号 + 样本编号。）"},
    "reference": {
        "en": "on the assignment's test X (12288, 148), mini-batch 1 should start {want}; "
              "yours starts {got}.",
        "zh": "在作业的测试 X (12288, 148) 上，第 1 个 mini-batch 应以 {want} 开头；你的以 {got} "
              "开头。"},
    "shown ids": {
        "en": "m = {m}, mini_batch_size = {b}, seed = {seed}: the examples in each mini-batch",
        "zh": "m = {m}，mini_batch_size = {b}，seed = {seed}：每个 mini-batch 里的样本"},
    "shown reference": {
        "en": "the assignment's test (12288, 148), b = 64: mini-batch 1 starts",
        "zh": "作业的测试 (12288, 148)，b = 64：第 1 个 mini-batch 的开头"},
    "rmb checked": {
        "en": "5 cases on an X whose entries are the example numbers, (m, b) = (10, 4) and "
              "(148, 64): m not divisible by b; (12, 4): divisible; (7, 7): b = m; (5, 1): b = 1. "
              "In each: every example exactly once, X and Y paired, sizes and types right, the "
              "course's order, inputs and numpy's global random state untouched; and the "
              "deeplearning.ai reference values.",
        "zh": "在元素即样本编号的 X 上检查了 5 种情形，(m, b) = (10, 4) 和 (148, 64)：m 不能被 b "
              "整除；(12, 4)：能整除；(7, 7)：b = m；(5, 1)：b = 1。每种情形都检查了："
              "每个样本恰好出现一次，X 与 Y 一一对应，大小和类型正确，顺序与课程一致，"
              "输入和 numpy 的全局随机状态都未被改动；并核对了 deeplearning.ai 的参考值。"},
    # minibatches_per_epoch
    "a list": {
        "en": "for m = {m}, b = {b} you returned {got}: return the number of mini-batches, one "
              "whole number (int), not their sizes.",
        "zh": "m = {m}、b = {b} 时你返回了 {got}：请返回 mini-batch 的个数，一个整数（int），"
              "而不是它们的大小。"},
    "a float": {
        "en": "for m = {m}, b = {b} you returned {got} ({type}): np.ceil returns a float; make "
              "it an int, int(np.ceil(m / b)).",
        "zh": "m = {m}、b = {b} 时你返回了 {got}（{type}）：np.ceil 返回的是浮点数；请转成 int，"
              "int(np.ceil(m / b))。"},
    "not an int": {
        "en": "for m = {m}, b = {b} return a whole number (int); you returned {got} ({type}).",
        "zh": "m = {m}、b = {b} 时请返回一个整数（int）；你返回了 {got}（{type}）。"},
    "count": {
        "en": "for m = {m}, b = {b} you say {got}, but the partition is {sizes}: {want} "
              "mini-batch{es}.{hint}",
        "zh": "m = {m}、b = {b} 时你给出 {got}，但划分是 {sizes}：共 {want} 个 mini-batch。{hint}"},
    "drop last": {
        "en": "don't drop the smaller last mini-batch",
        "zh": "不要丢掉最后那个较小的 mini-batch"},
    "extra one": {
        "en": "when b divides m there is no extra mini-batch",
        "zh": "m 能被 b 整除时没有多出来的 mini-batch"},
    "round": {
        "en": "round() goes to the nearest whole number, not up",
        "zh": "round() 取最近的整数，而不是向上取整"},
    "one each": {
        "en": "the leftover examples make one mini-batch, not one each",
        "zh": "剩下的样本合成一个 mini-batch，而不是每个样本各成一个"},
    "m": {
        "en": "that is m, the number of examples: return the number of mini-batches",
        "zh": "这是 m，即样本数：请返回 mini-batch 的个数"},
    "one short": {
        "en": "one short when b divides m: (m - 1) // b undercounts",
        "zh": "m 能被 b 整除时少了一个：(m - 1) // b 少算了一个"},
    "swapped": {
        "en": "the arguments are m examples, mini-batches of mini_batch_size: they look swapped",
        "zh": "参数依次是样本数 m 和 mini-batch 的大小 mini_batch_size：看起来你把它们弄反了"},
    "mpe checked": {
        "en": "{n} cases (all below), including m divisible by b, the smaller last mini-batch, "
              "b = m (batch GD: 1 update per epoch) and b = 1 (SGD: m updates).",
        "zh": "检查了 {n} 种情形（全部列在下面），包括 m 能被 b 整除、最后一个 mini-batch 较小、"
              "b = m（batch 梯度下降：每代 1 次更新）和 b = 1（SGD：m 次更新）。"},
}


_m = catalogue(_MSG)


def _batches_problem(batches, X, Y, b, seed):
    """What is wrong with the mini-batches of the index-valued (X, Y) (a Msg), or None."""
    n_x, m = X.shape
    if not isinstance(batches, (list, tuple)) or not all(
            isinstance(p, (list, tuple)) and len(p) == 2 for p in batches):
        got = type(batches[0] if isinstance(batches, (list, tuple)) and batches else batches)
        return _m("not pairs", got=got.__name__)
    pairs = [(np.asarray(x), np.asarray(y)) for x, y in batches]
    for t, (X_t, Y_t) in enumerate(pairs, start=1):
        if X_t.ndim != 2 or X_t.shape[0] != n_x:
            return _m("X shape", t=t, shape=X_t.shape, n_x=n_x)
        if Y_t.shape != (1, X_t.shape[1]):
            return _m("Y shape", t=t, shape=Y_t.shape, b_t=X_t.shape[1])
        if X_t.dtype != X.dtype or Y_t.dtype != Y.dtype:
            return _m("dtype", t=t, x_dtype=X_t.dtype, y_dtype=Y_t.dtype, X_dtype=X.dtype,
                      Y_dtype=Y.dtype)
        if not np.array_equal(X_t, 1000 * np.arange(n_x)[:, None] + X_t[0][None, :]):
            return _m("mixed columns", t=t)
    sizes = [X_t.shape[1] for X_t, _ in pairs]
    want = minibatch.minibatch_sizes(m, b)
    if sum(sizes) == n_x != m:
        return _m("rows", n_x=n_x)
    if len(sizes) < len(want) and all(s == b for s in sizes):
        return _m("no last", n=len(want), want=_sizes(want), got=len(sizes))
    if len(sizes) == len(want) + 1 and m % b == 0 and sizes[:-1] == want:
        return _m("extra", b=b, m=m, n=len(want), last=sizes[-1])
    if any(s > b for s in sizes):
        return _m("overlap", sizes=_sizes(sizes), b=b)
    if sizes != want:
        return _m("sizes", sizes=_sizes(sizes), want=_sizes(want))
    for t, (X_t, Y_t) in enumerate(pairs, start=1):
        ids, labels = X_t[0].astype(int), Y_t[0].astype(int)
        if not np.array_equal(ids, labels):
            j = int(np.argmax(ids != labels))
            return _m("unpaired", t=t, j=j, x=ids[j], y=labels[j])
        if len(set(ids.tolist())) < len(ids):
            return _m("twice", t=t)
    order = np.concatenate([X_t[0].astype(int) for X_t, _ in pairs])
    if len(set(order.tolist())) < m:
        return _m("replacement")
    expected = minibatch.shuffled_order(m, seed)
    if np.array_equal(order, expected):
        return None
    if np.array_equal(order, np.arange(m)):
        return _m("not shuffled")
    if seed != 0 and np.array_equal(order, minibatch.shuffled_order(m, 0)):
        return _m("seed 0")
    if np.array_equal(order, np.argsort(expected)):
        return _m("inverse")
    return _m("order", got=order[:4].tolist(), want=expected[:4].tolist())


@_check("random_mini_batches", zh="random_mini_batches")
def random_mini_batches(fn):
    """fn(X, Y, mini_batch_size, seed) -> list of (X_t, Y_t), as in the assignment."""
    cases = [(10, 4, 0), (12, 4, 1), (7, 7, 2), (5, 1, 3), (148, 64, 0)]
    instead = _m("instead")
    for m, b, seed in cases:
        X, Y = index_valued(3, m)
        batches = _call(fn, (X, Y, b, seed), ("X", "Y"), instead)
        problem = _batches_problem(batches, X, Y, b, seed)
        if problem:
            raise Wrong(_m("case", problem=problem, m=m, b=b, seed=seed))
        if m == 10:
            shown = [_m("shown ids", m=m, b=b, seed=seed),
                     _yours(_ids(batches)),
                     _expected(_ids(minibatch.random_mini_batches(X, Y, b, seed)))]
    X = np.random.RandomState(1).randn(12288, 148)  # the assignment's public test
    Y = (np.random.RandomState(1).randn(1, 148) < 0.5).astype(int)
    batches = _call(fn, (X, Y, 64, 0), ("X", "Y"), instead)
    first = np.asarray(batches[0][0])[0, :3]
    want = np.array([0.90085595, -0.7612069, 0.2344157])
    if not np.allclose(first, want):
        raise Wrong(_m("reference", want=want.tolist(), got=np.round(first, 8).tolist()))
    shown += [_m("shown reference"),
              _yours(np.round(first, 8).tolist()),
              _expected(want.tolist())]
    return _m("rmb checked"), shown


@_check("mini-batches per epoch", zh="每代的 mini-batch 数")
def minibatches_per_epoch(fn):
    """fn(m, mini_batch_size) -> the number of mini-batches (= updates) in one epoch."""
    cases = [(10, 4), (12, 4), (7, 4), (148, 64), (300, 64), (5_000_000, 1000), (7, 7),
             (7, 1), (1, 1), (1001, 1000)]
    got = []
    for m, b in cases:
        n = fn(m, b)
        if isinstance(n, (list, tuple, np.ndarray)):
            raise Wrong(_m("a list", m=m, b=b, got=_fmt(n)))
        if isinstance(n, np.floating):
            raise Wrong(_m("a float", m=m, b=b, got=_fmt(n), type=type(n).__name__))
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise Wrong(_m("not an int", m=m, b=b, got=repr(n), type=type(n).__name__))
        got.append(int(n))
    want = [-(-m // b) for m, b in cases]
    if got != want:
        slip = _named_slip(got, {
            "drop last": [m // b for m, b in cases],
            "extra one": [m // b + 1 for m, b in cases],
            "round": [round(m / b) for m, b in cases],
            "one each": [m // b + m % b for m, b in cases],
            "m": [m for m, _ in cases],
            "one short": [(m - 1) // b for m, b in cases],
            "swapped": [-(-b // m) for m, b in cases],
        }, lambda a, b: a == b)
        k = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
        m, b = cases[k]
        raise Wrong(_m("count", m=m, b=b, got=got[k],
                       sizes=_sizes(minibatch.minibatch_sizes(m, b)), want=want[k],
                       es="es" if want[k] > 1 else "", hint=_hint(slip and _m(slip))))
    return (_m("mpe checked", n=len(cases)),
            ["(m, b):   " + ", ".join(f"({m}, {b})" for m, b in cases),
             _yours(", ".join(map(str, got))),
             _expected(", ".join(map(str, want)))])
