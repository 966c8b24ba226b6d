"""Check of notebook 03's exercise: learning-rate decay."""


import numpy as np

from ..core.train import InverseTimeDecay
from .feedback import (
    Wrong,
    _check,
    _close,
    _expected,
    _fmt,
    _hint,
    _named_slip,
    _yours,
    catalogue,
    language,
)

# Every message of this check, in English and Chinese: key -> {"en": ..., "zh": ...}.
_MSG = {
    "zero division": {
        "en": "lr0 = {lr0}, decay_rate = {rate}, epoch {epoch}: your code divided by zero. Add "
              "1 in the denominator, so epoch 0 keeps lr0.",
        "zh": "lr0 = {lr0}，decay_rate = {rate}，第 {epoch} 代：你的代码除以了零。请在分母里加 1，"
              "这样第 0 代保持 lr0。"},
    "one number": {
        "en": "return one number, the rate at that epoch; you returned {got} ({type}).",
        "zh": "请返回一个数，即那一代的学习率；你返回了 {got}（{type}）。"},
    "checked": {
        "en": "6 cases: epoch 0 keeps lr0, the rate halves at epoch 1 / decay_rate, and "
              "decay_rate = 0 keeps it constant.",
        "zh": "检查了 6 种情形：第 0 代保持 lr0，学习率在第 1 / decay_rate 代减半，decay_rate = 0 "
              "时保持不变。"},
    "shown": {
        "en": "lr0 = 0.1, decay_rate = 1, epochs 0, 1, 2, 3:",
        "zh": "lr0 = 0.1，decay_rate = 1，第 0, 1, 2, 3 代："},
    "rate": {
        "en": "lr0 = {lr0}, decay_rate = {rate}, epoch {epoch}: the rate should be {want}, "
              "yours is {got}.{hint}",
        "zh": "lr0 = {lr0}，decay_rate = {rate}，第 {epoch} 代：学习率应为 {want}，你的是 {got}。"
              "{hint}"},
    "uses yours": {
        "en": "The run below uses your lr_decay.",
        "zh": "下面的运行使用你的 lr_decay。"},
    "uses ours, not written": {
        "en": "Your lr_decay is not written yet: the run below uses the course's schedule.",
        "zh": "你的 lr_decay 尚未完成：下面的运行使用课程自带的衰减方式。"},
    "uses ours, wrong": {
        "en": "Your lr_decay does not pass its check yet: the run below uses the course's "
              "schedule.",
        "zh": "你的 lr_decay 还没有通过检查：下面的运行使用课程自带的衰减方式。"},
    # the slips
    "add 1": {
        "en": "Add 1 in the denominator, so epoch 0 keeps lr0",
        "zh": "在分母里加 1，这样第 0 代保持 lr0"},
    "geometric": {
        "en": "that is a geometric decay, lr0 / (1 + decay_rate)^epoch",
        "zh": "这是几何衰减，lr0 / (1 + decay_rate)^epoch"},
    "exponential": {
        "en": "that is exponential decay, lr0 · e^(−decay_rate · epoch)",
        "zh": "这是指数衰减，lr0 · e^(−decay_rate · epoch)"},
    "power": {
        "en": "that is lr0 · decay_rate ** epoch; this schedule divides lr0 by "
              "1 + decay_rate · epoch",
        "zh": "这是 lr0 · decay_rate ** epoch；这个衰减方式是把 lr0 除以 1 + decay_rate · epoch"},
    "constant": {
        "en": "your rate never changes with the epoch",
        "zh": "你的学习率始终不随代（epoch）变化"},
    "epoch from 1": {
        "en": "epochs count from 0: epoch 0 keeps lr0",
        "zh": "代从 0 开始数：第 0 代保持 lr0"},
    "brackets": {
        "en": "brackets: lr0 / (1 + decay_rate * epoch)",
        "zh": "注意括号：lr0 / (1 + decay_rate * epoch)"},
    "brackets all": {
        "en": "brackets: lr0 / (1 + decay_rate * epoch), all of the denominator",
        "zh": "注意括号：lr0 / (1 + decay_rate * epoch)，整个分母都要括起来"},
    "multiply": {
        "en": "divide lr0 by 1 + decay_rate · epoch, don't multiply",
        "zh": "要把 lr0 除以 1 + decay_rate · epoch，而不是乘"},
    "no lr0": {
        "en": "the rate is 1 / (1 + decay_rate · epoch) times lr0",
        "zh": "学习率是 1 / (1 + decay_rate · epoch) 乘以 lr0"},
    "square root": {
        "en": "that is a square root schedule; this one has no square root",
        "zh": "这是平方根衰减；这个衰减方式里没有平方根"},
    "swapped": {
        "en": "lr0 and decay_rate swapped: the arguments come in the order "
              "(lr0, decay_rate, epoch)",
        "zh": "lr0 和 decay_rate 弄反了：参数的顺序是 (lr0, decay_rate, epoch)"},
    "floor": {
        "en": "// is floor division: use /",
        "zh": "// 是向下取整的除法：请用 /"},
    "linear": {
        "en": "that is a linear decay, lr0 · (1 − decay_rate · epoch)",
        "zh": "这是线性衰减，lr0 · (1 − decay_rate · epoch)"},
}


_m = catalogue(_MSG)


@_check("learning-rate decay", zh="学习率衰减")
def lr_decay(fn):
    """fn(lr0, decay_rate, epoch) -> lr0 / (1 + decay_rate · epoch) (§2.9's first schedule)."""
    cases = [(0.1, 1.0, 0), (0.1, 1.0, 1), (0.2, 0.5, 3), (0.5, 0.1, 10), (0.3, 0.0, 7),
             (0.05, 2.0, 4)]
    got = []
    for lr0, rate, epoch in cases:
        try:
            r = fn(lr0, rate, epoch)
        except ZeroDivisionError:
            raise Wrong(_m("zero division", lr0=lr0, rate=rate, epoch=epoch)) from None
        if isinstance(r, np.ndarray) and r.size == 1:
            r = r.item()
        if isinstance(r, bool) or not isinstance(r, (int, float, np.integer, np.floating)):
            raise Wrong(_m("one number", got=_fmt(r), type=type(r).__name__))
        got.append(float(r))
    want = [lr0 / (1 + rate * epoch) for lr0, rate, epoch in cases]
    if all(_close(g, w) for g, w in zip(got, want)):
        return (_m("checked"),
                [_m("shown"),
                 _yours(", ".join(_fmt(fn(0.1, 1.0, e)) for e in range(4))),
                 _expected(", ".join(_fmt(0.1 / (1 + e)) for e in range(4)))])

    def each(f):
        with np.errstate(all="ignore"):
            return [f(np.float64(a), np.float64(r), e) for a, r, e in cases]

    slip = _named_slip(got, {
        "add 1": each(lambda a, r, e: a / (r * e)),
        "geometric": each(lambda a, r, e: a / (1 + r) ** e),
        "exponential": each(lambda a, r, e: a * np.exp(-r * e)),
        "power": each(lambda a, r, e: a * r**e),
        "constant": each(lambda a, r, e: a),
        "epoch from 1": each(lambda a, r, e: a / (1 + r * (e + 1))),
        "brackets": each(lambda a, r, e: a + r * e),
        "brackets all": each(lambda a, r, e: a / (1 + r) * e),
        "multiply": each(lambda a, r, e: a * (1 + r * e)),
        "no lr0": each(lambda a, r, e: 1 / (1 + r * e)),
        "square root": each(lambda a, r, e: a / np.sqrt(1 + r * e)),
        "swapped": each(lambda a, r, e: r / (1 + a * e)),
        "floor": each(lambda a, r, e: a // (1 + r * e)),
        "linear": each(lambda a, r, e: a * (1 - r * e)),
    }, _close)
    k = next(i for i, (g, w) in enumerate(zip(got, want)) if not _close(g, w))
    lr0, rate, epoch = cases[k]
    raise Wrong(_m("rate", lr0=lr0, rate=rate, epoch=epoch, want=_fmt(want[k]), got=_fmt(got[k]),
                   hint=_hint(slip and _m(slip))))


def decay_schedule(fn, lr0: float, decay_rate: float, lang=None):
    """The schedule epoch -> rate for the run after the exercise: fn(lr0, decay_rate, epoch)
    (the learner's lr_decay) once it passes its check, else the course's InverseTimeDecay, so
    that "Run all" still trains. Prints which one the run uses."""
    status = lr_decay.outcome(fn, lang)[0]
    lang = language() if lang is None else lang
    print(_m({"right": "uses yours", "not written": "uses ours, not written"}.get(
        status, "uses ours, wrong")).text(lang))
    if status == "right":
        return lambda epoch: fn(lr0, decay_rate, epoch)
    return InverseTimeDecay(lr0, decay_rate)
