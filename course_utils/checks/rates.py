"""Check of notebook 06's exercise: the best constant learning rate of least squares."""


import numpy as np

from ..measure import lr_scaling
from .feedback import (
    Wrong,
    _call,
    _check,
    _close,
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
        "en": "return one number, the learning rate; you returned {got} ({type}).",
        "zh": "请返回一个数，即学习率；你返回了 {got}（{type}）。"},
    "checked": {
        "en": "5 cases on 3 made-up sets (m = 8) whose features have different scales "
              "(b = 1 and 2; b = 3 and b = m = 8; b = 2): equal to "
              "cu.lr_scaling.interpolation_best_rate; X untouched.",
        "zh": "在 3 个特征尺度各不相同的虚构数据集（m = 8）上检查了 5 种情形"
              "（b = 1 和 2；b = 3 和 b = m = 8；b = 2）：都等于 "
              "cu.lr_scaling.interpolation_best_rate；X 未被改动。"},
    "rate": {
        "en": "on a made-up X of shape {shape} (examples as columns) with b = {b}: the rate is "
              "{want:.6g}; yours is {got}.{hint}",
        "zh": "在一个形状为 {shape} 的虚构 X 上（样本是列），b = {b} 时：学习率是 {want:.6g}；"
              "你的是 {got}。{hint}"},
    # the slips
    "beta mean": {
        "en": "β is the largest |x_i|² over the examples, not their mean",
        "zh": "β 是各样本 |x_i|² 中最大的那个，而不是它们的平均"},
    "rows": {
        "en": "examples are columns: |x_i|² sums each column (axis=0), not each row",
        "zh": "样本是列：|x_i|² 是对每一列求和（axis=0），而不是对每一行"},
    "length": {
        "en": "β is the squared length |x_i|², not the length |x_i|",
        "zh": "β 是长度的平方 |x_i|²，而不是长度 |x_i|"},
    "over m": {
        "en": "H = X Xᵀ / m: divide by m before taking its eigenvalues",
        "zh": "H = X Xᵀ / m：先除以 m，再求它的特征值"},
    "b lambda": {
        "en": "the denominator has (b − 1) λ_max, not b λ_max",
        "zh": "分母里是 (b − 1) λ_max，而不是 b λ_max"},
    "eigvalsh": {
        "en": "eigvalsh sorts the eigenvalues in increasing order: λ_max is the last one, [-1]",
        "zh": "eigvalsh 把特征值按从小到大排序：λ_max 是最后一个，[-1]"},
    "eigvals": {
        "en": "np.linalg.eigvals does not sort its eigenvalues: take the largest (eigvalsh "
              "sorts them in increasing order: [-1])",
        "zh": "np.linalg.eigvals 不给特征值排序：请取最大的那个（eigvalsh 按从小到大排序：[-1]）"},
    "beta sum": {
        "en": "β is one example's |x_i|², the largest, not the sum over all of X",
        "zh": "β 是单个样本的 |x_i|²，取最大的那个，而不是对整个 X 求和"},
    "singular": {
        "en": "λ_max is the largest singular value of X squared, over m: square the singular "
              "value",
        "zh": "λ_max 是 X 最大奇异值的平方再除以 m：别忘了把奇异值平方"},
    "cov": {
        "en": "np.cov subtracts the mean and divides by m − 1: H is X Xᵀ / m as it is",
        "zh": "np.cov 会减去均值并除以 m − 1：H 就是 X Xᵀ / m 本身"},
    "entry": {
        "en": "β is |x_i|², the sum over the features of an example's squares, not the largest "
              "single entry",
        "zh": "β 是 |x_i|²，即一个样本各特征平方之和，而不是最大的单个元素"},
    "small b": {
        "en": "b / β is the small-b limit only: keep the (b − 1) λ_max term",
        "zh": "b / β 只是 b 很小时的极限：要保留 (b − 1) λ_max 这一项"},
    "large b": {
        "en": "1 / λ_max is the large-b limit only: keep the β term",
        "zh": "1 / λ_max 只是 b 很大时的极限：要保留 β 这一项"},
    "batch GD": {
        "en": "at b = m the same formula holds: don't special-case batch GD",
        "zh": "b = m 时同一个公式依然成立：不要给 batch 梯度下降单独写一个分支"},
}


_m = catalogue(_MSG)


def _rate_cases():
    """Made-up training sets X (3, 8) whose features have different scales (so rows and
    columns, the mean and the largest length all differ), with the sizes to try."""
    rng = np.random.default_rng(6)
    X = rng.standard_normal((3, 8)) * np.array([[2.0], [0.5], [1.0]])
    X2 = rng.standard_normal((3, 8)) + np.array([[1.0], [0.0], [-0.5]])
    # scales growing down the features: np.linalg.eigvals (unsorted) lists the largest last
    X3 = rng.standard_normal((3, 8)) * np.array([[0.3], [1.0], [3.0]])
    return [(X, 1), (X, 2), (X2, 3), (X2, 8), (X3, 2)]


def _rate_slips(X, b):
    """{hint's key in _MSG: what a plausible slip returns} for the training set X (n_x, m) and
    size b."""
    m = X.shape[1]
    norms2 = np.sum(X * X, axis=0)  # (m,): |x_i|², one per example
    eig = np.linalg.eigvalsh(X @ X.T / m)
    beta, lam = float(norms2.max()), float(eig[-1])
    return {
        "beta mean": b / (norms2.mean() + (b - 1) * lam),
        "rows": b / (np.sum(X * X, axis=1).max() + (b - 1) * lam),
        "length": b / (np.sqrt(beta) + (b - 1) * lam),
        "over m": b / (beta + (b - 1) * lam * m),
        "b lambda": b / (beta + b * lam),
        "eigvalsh": b / (beta + (b - 1) * float(eig[0])),
        "eigvals": b / (beta + (b - 1) * float(np.real(np.linalg.eigvals(X @ X.T / m)[0]))),
        "beta sum": b / (np.sum(X * X) + (b - 1) * lam),
        "singular": b / (beta + (b - 1) * np.linalg.svd(X, compute_uv=False)[0] / m),
        "cov": b / (beta + (b - 1) * np.linalg.eigvalsh(np.cov(X))[-1]),
        "entry": b / (np.max(X * X) + (b - 1) * lam),
        "small b": b / beta,
        "large b": 1 / lam,
        "batch GD": 2 / lam if b == m else b / (beta + (b - 1) * lam),
    }


@_check("best learning rate of least squares", zh="最小二乘的最佳学习率")
def least_squares_rate(fn):
    """fn(X, b) -> b / (β + (b − 1) λ_max): β the largest |x_i|² over the examples (columns),
    λ_max the largest eigenvalue of H = X Xᵀ / m."""
    got, want = [], []
    for X, b in _rate_cases():
        r = _call(fn, (X.copy(), b), ("X",), "")
        if isinstance(r, np.ndarray) and r.size == 1:
            r = r.item()
        if isinstance(r, bool) or not isinstance(r, (int, float, np.integer, np.floating)):
            raise Wrong(_m("one number", got=_fmt(r), type=type(r).__name__))
        m = X.shape[1]
        beta = float(np.max(np.sum(X * X, axis=0)))
        lam = float(np.linalg.eigvalsh(X @ X.T / m)[-1])
        got.append(float(r))
        want.append(lr_scaling.interpolation_best_rate(beta, lam, b))
    if all(_close(g, w) for g, w in zip(got, want)):
        return (_m("checked"),
                ["b:        " + "  ".join(f"{b:>9}" for _, b in _rate_cases()),
                 _yours("  ".join(f"{g:9.6f}" for g in got)),
                 _expected("  ".join(f"{w:9.6f}" for w in want))])
    variants = [_rate_slips(X, b) for X, b in _rate_cases()]
    slip = _named_slip(got, {h: [v[h] for v in variants] for h in variants[0]}, _close)
    k = next(i for i, (g, w) in enumerate(zip(got, want)) if not _close(g, w))
    X, b = _rate_cases()[k]
    raise Wrong(_m("rate", shape=X.shape, b=b, want=want[k], got=_fmt(got[k]),
                   hint=_hint(slip and _m(slip))))
