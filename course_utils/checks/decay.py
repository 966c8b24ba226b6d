"""Check of notebook 03's exercise: learning-rate decay."""


import numpy as np

from .feedback import Wrong, _check, _close, _fmt, _named_slip


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
