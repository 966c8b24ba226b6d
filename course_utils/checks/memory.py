"""Checks of notebook 05's exercises: the bytes of one step, and gradient accumulation."""

import copy

import numpy as np

from ..core import data, models
from ..measure import memory
from .feedback import (
    RecordingMLP,
    Wrong,
    _call,
    _check,
    _expected,
    _fmt,
    _hint,
    _named_slip,
    _yours,
    catalogue,
)

# Every message of these checks, in English and Chinese: key -> {"en": ..., "zh": ...}.
_MSG = {
    # step_bytes: the slips (_bytes_slips)
    "itemsize": {
        "en": "that is the number of values: multiply by itemsize (bytes per value)",
        "zh": "这是数值的个数：还要乘以 itemsize（每个数值的字节数）"},
    "gradients": {
        "en": "the gradients dW, db take as much memory as the parameters: count both",
        "zh": "梯度 dW、db 占的内存和参数一样多：两者都要算上"},
    "biases": {
        "en": "each layer has a bias vector too (n_l values), and its gradient",
        "zh": "每一层还有一个偏置向量（n_l 个数值），以及它的梯度"},
    "Y": {
        "en": "count Y too: the labels, n_y × b",
        "zh": "Y 也要算上：标签，n_y × b"},
    "X and Y": {
        "en": "count the mini-batch X and Y",
        "zh": "要算上 mini-batch 的 X 和 Y"},
    "Z and A": {
        "en": "both Z and A of each layer are kept for backward: count both",
        "zh": "每一层的 Z 和 A 都要留给反向传播：两者都要算上"},
    "output layer": {
        "en": "count the output layer's Z and A too",
        "zh": "输出层的 Z 和 A 也要算上"},
    "bias size": {
        "en": "a bias has n_l values (the layer's outputs), not its inputs",
        "zh": "偏置有 n_l 个数值（该层的输出个数），而不是输入个数"},
    "per example": {
        "en": "Z and A hold one column per example: n_l × b each",
        "zh": "Z 和 A 每个样本占一列：各为 n_l × b"},
    "b examples": {
        "en": "the mini-batch holds b examples: X is n_x × b",
        "zh": "mini-batch 含 b 个样本：X 是 n_x × b"},
    "second layer": {
        "en": "count the second layer, W2 and b2, and their gradients",
        "zh": "要算上第二层的 W2 和 b2，以及它们的梯度"},
    "no dX": {
        "en": "there is no gradient for X (it is data, not a parameter)",
        "zh": "X 没有梯度（它是数据，不是参数）"},
    "times 8": {
        "en": "itemsize is already in bytes: don't multiply by 8",
        "zh": "itemsize 的单位已经是字节：不要再乘以 8"},
    "overflow": {
        "en": "your count overflowed: numpy's int32 holds at most 2,147,483,647; count in "
              "Python ints",
        "zh": "你的计数溢出了：numpy 的 int32 最多只能表示 2,147,483,647；请用 Python 的 int 计数"},
    # step_bytes
    "in MiB": {"en": " in bytes, not MiB", "zh": "（不要换算成 MiB）"},
    "whole bytes": {"en": " (a whole number of bytes)", "zh": "（字节数是整数）"},
    "a float": {
        "en": "for {dims}, b = {b}, {dtype} you returned {got}, a float: return the "
              "count{unit}: {want:,} here.",
        "zh": "对 {dims}，b = {b}，{dtype}，你返回了 {got}，一个浮点数：请返回字节数{unit}：这里是 "
              "{want:,}。"},
    "not an int": {
        "en": "return the count as one whole number of bytes; you returned {got}.",
        "zh": "请把字节数作为一个整数返回；你返回了 {got}。"},
    "count": {
        "en": "for [{n_x}, {n_h}, {n_y}], b = {b}, {dtype}: the count is {want:,} bytes "
              "({P:,} parameters and as many gradients, X and Y, Z and A per layer); yours is "
              "{got:,}.{hint}",
        "zh": "对 [{n_x}, {n_h}, {n_y}]，b = {b}，{dtype}：字节数是 {want:,}（{P:,} 个参数和同样多"
              "的梯度、X 和 Y、每层的 Z 和 A）；你的是 {got:,}。{hint}"},
    "more than": {"en": "more than", "zh": "多于"},
    "no more than": {"en": "no more than", "zh": "不多于"},
    "bytes checked": {
        "en": "4 networks match the textbook count, up to [50000, 50000, 1000] (over 2³¹ "
              "bytes); for [784, 256, 10], b = 64, float32, tracemalloc measured {more} the "
              "count during a real step (it adds temporaries: section 1).",
        "zh": "4 个网络都与教科书式计数一致，最大到 [50000, 50000, 1000]（超过 2³¹ 字节）；"
              "对 [784, 256, 10]，b = 64，float32，tracemalloc 在一次真实的训练步中测得的内存"
              "{more}这个计数（它还包括临时数组：见第 1 节）。"},
    "bytes shown": {
        "en": "[40, 256, 10], b = 64, float32:",
        "zh": "[40, 256, 10]，b = 64，float32："},
    "bytes": {"en": "{n:,} bytes", "zh": "{n:,} 字节"},
    # accumulate
    "instead": {
        "en": "Take consecutive columns: no shuffling is needed.",
        "zh": "取连续的列即可：不需要混洗。"},
    "case": {
        "en": "(Case b = 10, micro_batch_size = {micro}, {dtype}.)",
        "zh": "（测试情形：b = 10，micro_batch_size = {micro}，{dtype}。）"},
    "updated": {
        "en": "your function changed the model's parameters (model.update): it should only "
              "return the gradients; the training loop takes the step. {case}",
        "zh": "你的函数改变了模型的参数（model.update）：它只应返回梯度；更新由训练循环来做。"
              "{case}"},
    "pair": {
        "en": "you returned a pair (cost, grads): return only the dict of gradients. {case}",
        "zh": "你返回了一个 (cost, grads) 对：请只返回梯度的 dict。{case}"},
    "keys": {
        "en": "return a dict with the keys of grads, {want}; yours are {got}. {case}",
        "zh": "请返回一个 dict，键与 grads 的相同，{want}；你的是 {got}。{case}"},
    "micro overlap": {
        "en": "your micro-batches overlap: example {i} is in two of them. Slice "
              "k:k + micro_batch_size for k = 0, mu, 2 mu, ... {case}",
        "zh": "你的微批次互相重叠：样本 {i} 出现在其中两个里。请按 k:k + micro_batch_size 切片，"
              "k = 0, mu, 2 mu, ...。{case}"},
    "too many": {
        "en": "you passed {n} examples to the model in one forward pass, more than "
              "micro_batch_size = {micro}: compute the gradients one micro-batch at a time, so "
              "only one micro-batch's activations are in memory. {case}",
        "zh": "你在一次前向传播中把 {n} 个样本交给了模型，超过了 micro_batch_size = {micro}：请一"
              "次只算一个微批次的梯度，这样内存里只有一个微批次的激活值。{case}"},
    "forwards first": {
        "en": "you made {n} forward passes before the first backward, so {n} micro-batches' "
              "activations were in memory together: do one micro-batch at a time, forward then "
              "backward. {case}",
        "zh": "你在第一次反向传播之前做了 {n} 次前向传播，于是 {n} 个微批次的激活值同时在内存里："
              "请一次处理一个微批次，先前向传播，再反向传播。{case}"},
    "one short": {
        "en": "your micro-batches have sizes {sizes}, one example short each: the slice "
              "k:k + micro_batch_size already stops before its end (no - 1). {case}",
        "zh": "你的微批次大小为 {sizes}，每个都少了一个样本：切片 k:k + micro_batch_size 本来就不"
              "含末端（不用 - 1）。{case}"},
    "missing": {
        "en": "your micro-batches hold {n} of the 10 examples (sizes {sizes}; expected {want}): "
              "keep the smaller last micro-batch. {case}",
        "zh": "你的微批次只装了 10 个样本中的 {n} 个（大小为 {sizes}，应为 {want}）：请保留最后那"
              "个较小的微批次。{case}"},
    "dtype": {
        "en": "your {name} is {got}, the model's dtype is {dtype}: the update would refuse "
              "gradients of another dtype. Start from np.zeros_like(...) of the model's arrays, "
              "or from the first micro-batch's gradients. {case}",
        "zh": "你的 {name} 是 {got}，而模型的 dtype 是 {dtype}：模型更新时会拒收 dtype 不同的梯度"
              "。请从模型数组的 np.zeros_like(...) 开始，或从第一个微批次的梯度开始。{case}"},
    "differs": {"en": "{why} {case}", "zh": "{why}{case}"},
    "accumulate shown": {
        "en": "b = 10, micro-batches of 4, 4, 2: dW1",
        "zh": "b = 10，微批次大小为 4, 4, 2：dW1"},
    "whole batch": {
        "en": "{value}  (one loss_and_grads on the whole mini-batch)",
        "zh": "{value}  （对整个 mini-batch 调用一次 loss_and_grads）"},
    "largest": {
        "en": "largest micro-batch your function passed to the model: {n} examples",
        "zh": "你的函数交给模型的最大微批次：{n} 个样本"},
    "accumulate checked": {
        "en": "equals the whole mini-batch's gradient for micro-batches of 5, 4 (last one "
              "smaller), 1, 10 and 3 (float32), computed one micro-batch at a time; no update, "
              "inputs untouched.",
        "zh": "微批次大小为 5、4（最后一个较小）、1、10 和 3（float32）时，都等于整"
              "个 mini-batch 的梯度，且一次只算一个微批次；没有更新，输入未被改动。"},
    # accumulate: the weighting the answer used (_accumulate_slip)
    "summed": {
        "en": "you summed the {n} micro-batch gradients: weight each by its share, its size / b",
        "zh": "你把 {n} 个微批次的梯度直接加起来了：要按各自所占的比例（大小 / b）加权"},
    "equally": {
        "en": "weight each micro-batch by its size / b, not equally",
        "zh": "每个微批次要按它的大小 / b 加权，而不是等权相加"},
    "last weight": {
        "en": "the last micro-batch holds {last} examples: weight it by its own size / b, not "
              "micro_batch_size / b",
        "zh": "最后一个微批次有 {last} 个样本：要按它自己所占的比例（它的大小 / b）加权，而不"
              "是 micro_batch_size / b"},
    "first weight": {
        "en": "weight the first micro-batch too (its size / b)",
        "zh": "第一个微批次也要加权（它的大小 / b）"},
    "weighting": {
        "en": "Your gradients differ from the whole mini-batch's.{hint}",
        "zh": "你的梯度与整个 mini-batch 的梯度不同。{hint}"},
    "grad differs": {
        "en": "your {name} differs from the whole mini-batch's: expected {want}..., yours "
              "{got}....",
        "zh": "你的 {name} 与整个 mini-batch 的不同：应为 {want}...，你的是 {got}...。"},
}


_m = catalogue(_MSG)


def _bytes_slips(n_x, n_h, n_y, b, s, want):
    """{hint's key in _MSG: what a plausible slip returns} for [n_x, n_h, n_y], b, itemsize s."""
    P = n_h * (n_x + 1) + n_y * (n_h + 1)
    return {
        "itemsize": want // s,
        "gradients": want - P * s,
        "biases": want - 2 * (n_h + n_y) * s,
        "Y": want - n_y * b * s,
        "X and Y": want - (n_x + n_y) * b * s,
        "Z and A": want - (n_h + n_y) * b * s,
        "output layer": want - 2 * n_y * b * s,
        "bias size": want + 2 * (n_x - n_y) * s,
        "per example": want - 2 * (n_h + n_y) * (b - 1) * s,
        "b examples": want - (n_x + n_y) * (b - 1) * s,
        "second layer": want - 2 * n_y * (n_h + 1) * s,
        "no dX": want + n_x * b * s,
        "times 8": want * 8,
        "overflow": (want + 2**31) % 2**32 - 2**31,
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
            unit = _m("in MiB" if np.isclose(n * 2**20, w) else "whole bytes")
            raise Wrong(_m("a float", dims=list(dims), b=b, dtype=dtype, got=_fmt(n), unit=unit,
                           want=w))
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise Wrong(_m("not an int", got=_fmt(n)))
        got.append(int(n))
        want.append(w)
        slips.append(_bytes_slips(*dims, b, s, w))
    if got != want:
        slip = _named_slip(got, {h: [v[h] for v in slips] for h in slips[0]},
                           lambda a, b: a == b)
        k = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
        (n_x, n_h, n_y), b, dtype = cases[k]
        P = n_h * (n_x + 1) + n_y * (n_h + 1)
        raise Wrong(_m("count", n_x=n_x, n_h=n_h, n_y=n_y, b=b, dtype=dtype, want=want[k], P=P,
                       got=got[k], hint=_hint(slip and _m(slip))))
    dims = [784, 256, 10]  # the temporaries add about a third here: a safe margin
    measured = memory.measure_step_peak(dims, 64, "float32")
    counted = memory.textbook_bytes(dims, 64, "float32")
    more = _m("more than" if measured > counted else "no more than")
    return (_m("bytes checked", more=more),
            [_m("bytes shown"), _yours(_m("bytes", n=got[1])), _expected(_m("bytes", n=want[1]))])


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
                    _m("instead"))
        case = _m("case", micro=micro, dtype=np.dtype(dtype).name)
        if any(k == "update" for k, _ in model.calls) or any(
                not np.array_equal(before[n], p) for n, p in model.params.items()):
            raise Wrong(_m("updated", case=case))
        if isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict):
            raise Wrong(_m("pair", case=case))
        if not isinstance(got, dict) or set(got) != set(want):
            raise Wrong(_m("keys", want=sorted(want), case=case,
                           got=sorted(got) if isinstance(got, dict) else type(got).__name__))
        forwards = [ids for k, ids in model.calls if k == "forward"]
        kinds = [k for k, _ in model.calls if k in ("forward", "backward")]
        first_backward = kinds.index("backward") if "backward" in kinds else len(kinds)
        seen = [i for ids in forwards for i in ids]
        if len(set(seen)) < len(seen):
            raise Wrong(_m("micro overlap", i=_first_repeat(seen), case=case))
        most = max(map(len, forwards))
        if most > micro:
            raise Wrong(_m("too many", n=most, micro=micro, case=case))
        if first_backward > 1:
            raise Wrong(_m("forwards first", n=first_backward, case=case))
        if len(seen) < 10:
            sizes = [len(ids) for ids in forwards]
            full = [min(micro, 10 - k) for k in range(0, 10, micro)]
            if len(sizes) == len(full) and all(s == f - 1 for s, f in zip(sizes, full)):
                raise Wrong(_m("one short", sizes=sizes, case=case))
            raise Wrong(_m("missing", n=len(seen), sizes=sizes, want=full, case=case))
        bad = [n for n, g in got.items() if np.asarray(g).dtype != np.dtype(dtype)]
        if bad:
            raise Wrong(_m("dtype", name=bad[0], got=np.asarray(got[bad[0]]).dtype,
                           dtype=np.dtype(dtype).name, case=case))
        if all(np.allclose(got[n], want[n], rtol=1e-5 if dtype == np.float32 else 1e-9,
                           atol=1e-7 if dtype == np.float32 else 1e-12) for n in want):
            if micro == 4:
                shown = [_m("accumulate shown"),
                         _yours(_fmt(np.ravel(got["dW1"]))),
                         _expected(_m("whole batch", value=_fmt(np.ravel(want["dW1"])))),
                         _m("largest", n=max(map(len, forwards)))]
            continue
        raise Wrong(_m("differs", why=_accumulate_slip(got, want, X, Y, micro, dtype), case=case))
    return _m("accumulate checked"), shown


def _first_repeat(seq):
    seen = set()
    return next(i for i in seq if i in seen or seen.add(i))


def _accumulate_slip(got, want, X, Y, micro, dtype):
    """Which weighting the answer used, in words (a Msg)."""
    model = _accumulate_case(micro, dtype)[0]
    parts = [(min(micro, 10 - k), model.loss_and_grads(X[:, k:k + micro], Y[:, k:k + micro])[1])
             for k in range(0, 10, micro)]
    rtol = 1e-5 if dtype == np.float32 else 1e-9

    def weighted(w):
        return {n: sum(wi * g[n] for wi, (_, g) in zip(w, parts)) for n in want}

    sizes = [s for s, _ in parts]
    slips = {
        "summed": weighted([1.0] * len(parts)),
        "equally": weighted([1 / len(parts)] * len(parts)),
        "last weight": weighted([micro / 10] * len(parts)),
        "first weight": weighted([1.0] + [s / 10 for s in sizes[1:]]),
    }
    for hint, value in slips.items():
        if all(np.allclose(got[n], value[n], rtol=rtol, atol=0) for n in want):
            return _m("weighting", hint=_hint(_m(hint, n=len(parts), last=sizes[-1])))
    k = next(n for n in sorted(want) if not np.allclose(got[n], want[n], rtol=rtol))
    return _m("grad differs", name=k, want=_fmt(np.ravel(want[k])[:3]),
              got=_fmt(np.ravel(got[k])[:3]))
