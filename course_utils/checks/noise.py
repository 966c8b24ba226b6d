"""Check of notebook 04's exercise: the variance of a mini-batch gradient."""

import itertools
import math

import numpy as np

from .feedback import (
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

# Every message of this check, in English and Chinese: key -> {"en": ..., "zh": ...}.
_MSG = {
    "one number": {
        "en": "return one number, the predicted E|g_B − G|²; you returned {got}.",
        "zh": "请返回一个数，即预测的 E|g_B − G|²；你返回了 {got}。"},
    "checked": {
        "en": "equals the exact average over every possible mini-batch (m = 6; b = 1, 2, 3, "
              "6), including 0 at b = m; per_example untouched.",
        "zh": "等于对所有可能的 mini-batch 取平均的精确值（m = 6；b = 1, 2, 3, 6），包括 b = m 时"
              "为 0；per_example 未被改动。"},
    "variance": {
        "en": "on 6 made-up per-example gradients (m = 6, 3 parameters) with b = {b}, the "
              "variance over all {n} mini-batches is {want:.4f}; your formula gives {got}.{hint}",
        "zh": "在 6 个虚构的逐样本梯度上（m = 6，3 个参数），b = {b} 时对全部 {n} 个 mini-batch "
              "算出的方差是 {want:.4f}；你的公式给出 {got}。{hint}"},
    # the slips
    "replacement": {
        "en": "sampling without replacement multiplies by (m - b)/(m - 1)",
        "zh": "无放回抽样还要乘以 (m - b)/(m - 1)"},
    "by m": {
        "en": "divide by b, not by m",
        "zh": "要除以 b，而不是除以 m"},
    "m below": {
        "en": "the factor has m - 1 below, not m",
        "zh": "这个因子的分母是 m - 1，而不是 m"},
    "sum": {
        "en": "tr(Σ) is the mean over the examples of ‖g_i − G‖², not their sum",
        "zh": "tr(Σ) 是 ‖g_i − G‖² 对样本的平均，而不是它们的和"},
    "G rows": {
        "en": "G is the mean of the rows, per_example.mean(axis=0)",
        "zh": "G 是各行的平均，per_example.mean(axis=0)"},
    "distance": {
        "en": "use the squared distance ‖g_i − G‖², not the distance",
        "zh": "要用距离的平方 ‖g_i − G‖²，而不是距离本身"},
    "over parameters": {
        "en": "‖g_i − G‖² is a sum over the parameters; don't average over them",
        "zh": "‖g_i − G‖² 是对参数求和；不要对参数取平均"},
    "ddof": {
        "en": "tr(Σ) divides by m (np.var's default); ddof=1 divides by m − 1",
        "zh": "tr(Σ) 除以 m（np.var 的默认做法）；ddof=1 除以的是 m − 1"},
    "subtract G": {
        "en": "subtract G from each example's gradient before squaring",
        "zh": "平方之前，先从每个样本的梯度里减去 G"},
    "upside down": {
        "en": "the factor is upside down: it must shrink to 0 at b = m",
        "zh": "这个因子的分子分母颠倒了：b = m 时它应当为 0"},
    "times b": {
        "en": "the noise falls like 1/b: divide tr(Σ) by b",
        "zh": "噪声按 1/b 减小：要把 tr(Σ) 除以 b"},
    "std": {
        "en": "that is the standard deviation: return the variance, not its square root",
        "zh": "这是标准差：请返回方差，而不是它的平方根"},
}


_m = catalogue(_MSG)


def _exact_variance(g, b):
    """E|g_B - G|^2 over every mini-batch of size b (without replacement), by enumeration."""
    G = g.mean(axis=0)
    errs = [np.sum((g[list(s)].mean(axis=0) - G) ** 2)
            for s in itertools.combinations(range(len(g)), b)]
    return float(np.mean(errs))


def _variance_slips(g, b):
    """{hint's key in _MSG: what a plausible slip returns} on the per-example gradients g
    (m, P), size b."""
    m, P = g.shape
    G = g.mean(axis=0)
    d2 = np.sum((g - G) ** 2, axis=1)
    tr, f = d2.mean(), (m - b) / (m - 1)
    with np.errstate(divide="ignore"):
        inverted = tr / b * (m - 1) / np.float64(m - b)
    return {
        "replacement": tr / b,
        "by m": tr / m * f,
        "m below": tr / b * (m - b) / m,
        "sum": d2.sum() / b * f,
        "G rows": np.mean(np.sum((g - g.mean(axis=1, keepdims=True)) ** 2, axis=1)) / b * f,
        "distance": np.sqrt(d2).mean() / b * f,
        "over parameters": tr / P / b * f,
        "ddof": tr * m / (m - 1) / b * f,
        "subtract G": np.mean(np.sum(g**2, axis=1)) / b * f,
        "upside down": inverted,
        "times b": tr * b * f,
        "std": np.sqrt(tr / b * f),
    }


@_check("mini-batch gradient variance", zh="mini-batch 梯度的方差")
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
            raise Wrong(_m("one number", got=_fmt(r)))
        got.append(float(r))
    want = [_exact_variance(g, b) for b in sizes]
    if all(np.isclose(x, w, rtol=1e-9, atol=1e-12) for x, w in zip(got, want)):
        return (_m("checked"),
                ["b:        " + "  ".join(f"{b:>8}" for b in sizes),
                 _yours("  ".join(f"{x:8.4f}" for x in got)),
                 _expected("  ".join(f"{x:8.4f}" for x in want))])
    variants = [_variance_slips(g, b) for b in sizes]
    slip = _named_slip(got, {h: [v[h] for v in variants] for h in variants[0]},
                       lambda a, b: np.isclose(a, b, rtol=1e-9, atol=1e-12) or a == b)
    k = next(i for i, (x, w) in enumerate(zip(got, want)) if not np.isclose(x, w, atol=1e-12))
    raise Wrong(_m("variance", b=sizes[k], n=math.comb(6, sizes[k]), want=want[k],
                   got=_fmt(got[k]), hint=_hint(slip and _m(slip))))
