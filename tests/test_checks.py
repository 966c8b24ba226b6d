"""The exercise checks: a right answer passes, a stub is "not written yet", and plausible wrong
answers get the intended message. A check never raises."""

import numpy as np
import pytest

from course_utils import checks
from course_utils.core import minibatch
from course_utils.measure import curves

STATUS = {"right": True, "wrong": False, "not written": None}


def run(check, answer, capsys):
    """The check's printed line, and its verdict as True / False / None."""
    assert check(answer) is None  # nothing for Jupyter to echo
    out = capsys.readouterr().out
    status, line = check.outcome(answer)
    assert out == line + "\n"
    return STATUS[status], out


def stub(*args, **kwargs):
    raise NotImplementedError


# ---- right answers, written as a learner would ------------------------------------------------

def rmb_right(X, Y, mini_batch_size, seed):
    m = X.shape[1]
    order = minibatch.shuffled_order(m, seed)
    X_s, Y_s = X[:, order], Y[:, order]
    return [(X_s[:, k:k + mini_batch_size], Y_s[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


def one_epoch_right(model, X, Y, batch_size, learning_rate, rng):
    m = X.shape[1]
    order = rng.permutation(m)
    costs = []
    for k in range(0, m, batch_size):
        idx = order[k:k + batch_size]
        cost, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        model.update(grads, learning_rate)
        costs.append(cost)
    return costs


def ewma_right(values, beta):
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out.append(v / (1 - beta**t))
    return np.array(out)


def variance_right(g, b):
    m = len(g)
    trace = np.mean(np.sum((g - g.mean(axis=0)) ** 2, axis=1))
    return trace / b * (m - b) / (m - 1)


def bytes_right(n_x, n_h, n_y, b, itemsize):
    P = n_h * (n_x + 1) + n_y * (n_h + 1)
    return (2 * P + (n_x + n_y) * b + 2 * (n_h + n_y) * b) * itemsize


def accumulate_right(model, X_t, Y_t, micro):
    b = X_t.shape[1]
    total = None
    for k in range(0, b, micro):
        _, grads = model.loss_and_grads(X_t[:, k:k + micro], Y_t[:, k:k + micro])
        share = min(micro, b - k) / b
        total = ({n: g * share for n, g in grads.items()} if total is None
                 else {n: total[n] + g * share for n, g in grads.items()})
    return total


def ls_rate_right(X, b):
    m = X.shape[1]
    beta = np.max(np.sum(X * X, axis=0))
    lam_max = np.linalg.eigvalsh(X @ X.T / m)[-1]
    return b / (beta + (b - 1) * lam_max)


def ls_rate_parts(X):
    """(β, λ_max, λ_min, m) of a training set, for writing wrong answers."""
    eig = np.linalg.eigvalsh(X @ X.T / X.shape[1])
    return np.max(np.sum(X * X, axis=0)), eig[-1], eig[0], X.shape[1]


RIGHT = {
    "random_mini_batches": rmb_right,
    "minibatches_per_epoch": lambda m, b: -(-m // b),
    "one_epoch": one_epoch_right,
    "ewma": ewma_right,
    "lr_decay": lambda lr0, rate, epoch: lr0 / (1 + rate * epoch),
    "gradient_variance": variance_right,
    "step_bytes": bytes_right,
    "accumulate": accumulate_right,
    "least_squares_rate": ls_rate_right,
}


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_right_answer_passes(name, capsys):
    result, out = run(getattr(checks, name), RIGHT[name], capsys)
    assert result is True, out
    assert out.startswith("✓") and out.count("\n") == 1


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_stub_is_not_written_yet(name, capsys):
    result, out = run(getattr(checks, name), stub, capsys)
    assert result is None
    assert out.startswith("○") and "not written yet" in out


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_a_crashing_answer_is_reported_not_raised(name, capsys):
    def crash(*args):
        return {}["missing"]

    result, out = run(getattr(checks, name), crash, capsys)
    assert result is False and "your code raised KeyError" in out


# ---- wrong answers and their messages ---------------------------------------------------------

def rmb_separate_shuffles(X, Y, b, seed):
    m = X.shape[1]
    X_s = X[:, minibatch.shuffled_order(m, seed)]
    Y_s = Y[:, minibatch.shuffled_order(m, seed + 1)]
    return [(X_s[:, k:k + b], Y_s[:, k:k + b]) for k in range(0, m, b)]


def rmb_drops_last(X, Y, b, seed):
    return rmb_right(X, Y, b, seed)[: X.shape[1] // b]


def rmb_off_by_one(X, Y, b, seed):
    m = X.shape[1]
    order = minibatch.shuffled_order(m, seed)
    X_s, Y_s = X[:, order], Y[:, order]
    return [(X_s[:, k:k + b + 1], Y_s[:, k:k + b + 1]) for k in range(0, m, b)]


def rmb_no_shuffle(X, Y, b, seed):
    m = X.shape[1]
    return [(X[:, k:k + b], Y[:, k:k + b]) for k in range(0, m, b)]


def rmb_other_rng(X, Y, b, seed):
    m = X.shape[1]
    order = np.random.default_rng(seed).permutation(m)
    return [(X[:, order][:, k:k + b], Y[:, order][:, k:k + b]) for k in range(0, m, b)]


def rmb_rows(X, Y, b, seed):
    XT = X.T  # slices rows: examples as rows, the wrong convention
    return [(XT[k:k + b].T[:, :], Y[:, k:k + b]) for k in range(0, X.shape[1], b)][:1] * \
        len(rmb_right(X, Y, b, seed))


WRONG = [
    ("random_mini_batches", rmb_separate_shuffles, "Y's columns no longer match X's"),
    ("random_mini_batches", rmb_drops_last, "should be 3 mini-batches (sizes 4, 4, 2)"),
    ("random_mini_batches", rmb_off_by_one, "mini-batch 1 should hold 4 examples; yours holds 5"),
    ("random_mini_batches", rmb_no_shuffle, "still in their original order"),
    ("random_mini_batches", rmb_other_rng, "cu.minibatch.shuffled_order"),
    ("random_mini_batches", rmb_rows, "example 0 appears in mini-batches 1 and 2"),
    ("minibatches_per_epoch", lambda m, b: m // b, "don't drop the smaller last mini-batch"),
    ("minibatches_per_epoch", lambda m, b: m // b + 1, "no extra, empty mini-batch"),
    ("minibatches_per_epoch", lambda m, b: m / b, "return a whole number"),
    ("ewma", lambda v, beta: curves.ewma(v, beta, bias_correction=False), "before bias correction"),
    ("ewma", lambda v, beta: curves.ewma(v, 1 - beta), "weight beta to the past"),
    ("lr_decay", lambda lr0, rate, epoch: lr0 / (1 + rate) ** epoch, "geometric decay"),
    ("lr_decay", lambda lr0, rate, epoch: lr0 * rate * epoch, "the rate should be 0.1"),
    ("gradient_variance",
     lambda g, b: np.mean(np.sum((g - g.mean(0)) ** 2, 1)) / b, "(m - b)/(m - 1)"),
    ("gradient_variance",
     lambda g, b: np.mean(np.sum((g - g.mean(0)) ** 2, 1)) / len(g), "your formula gives"),
    ("step_bytes", lambda *a: bytes_right(*a) // a[-1], "multiply by 8 bytes each"),
    ("step_bytes", lambda n_x, n_h, n_y, b, s: bytes_right(n_x, n_h, n_y, b, s)
     - (n_h * (n_x + 1) + n_y * (n_h + 1)) * s, "gradients dW, db take as much"),
]


def one_epoch_no_shuffle(model, X, Y, b, lr, rng):
    return one_epoch_right(model, X, Y, b, lr, np.random.default_rng(12345))


def one_epoch_drops_last(model, X, Y, b, lr, rng):
    m = X.shape[1]
    return one_epoch_right(model, X[:, : m - m % b] if m % b else X,
                           Y[:, : m - m % b] if m % b else Y, b, lr, rng)


def one_epoch_no_update(model, X, Y, b, lr, rng):
    order = rng.permutation(X.shape[1])
    return [model.loss_and_grads(X[:, order[k:k + b]], Y[:, order[k:k + b]])[0]
            for k in range(0, X.shape[1], b)]


def accumulate_summed(model, X_t, Y_t, micro):
    total = None
    for k in range(0, X_t.shape[1], micro):
        _, g = model.loss_and_grads(X_t[:, k:k + micro], Y_t[:, k:k + micro])
        total = g if total is None else {n: total[n] + g[n] for n in g}
    return total


def accumulate_equal_weights(model, X_t, Y_t, micro):
    parts = [model.loss_and_grads(X_t[:, k:k + micro], Y_t[:, k:k + micro])[1]
             for k in range(0, X_t.shape[1], micro)]
    return {n: sum(p[n] for p in parts) / len(parts) for n in parts[0]}


def accumulate_wrong_axis(model, X_t, Y_t, micro):
    grads = accumulate_right(model, X_t, Y_t, micro)
    return {n: np.broadcast_to(g.mean(axis=1, keepdims=True), g.shape) for n, g in grads.items()}


def ls_rate_mean_norm(X, b):
    _, lam, _, _ = ls_rate_parts(X)
    return b / (np.mean(np.sum(X * X, axis=0)) + (b - 1) * lam)


def ls_rate_rows(X, b):
    _, lam, _, _ = ls_rate_parts(X)
    return b / (np.max(np.sum(X * X, axis=1)) + (b - 1) * lam)


def ls_rate_length(X, b):
    beta, lam, _, _ = ls_rate_parts(X)
    return b / (np.sqrt(beta) + (b - 1) * lam)


def ls_rate_no_divide(X, b):
    beta, lam, _, m = ls_rate_parts(X)
    return b / (beta + (b - 1) * lam * m)


def ls_rate_b_lambda(X, b):
    beta, lam, _, _ = ls_rate_parts(X)
    return b / (beta + b * lam)


def ls_rate_smallest_eigenvalue(X, b):
    beta, _, lam_min, _ = ls_rate_parts(X)
    return b / (beta + (b - 1) * lam_min)


WRONG += [
    ("least_squares_rate", ls_rate_mean_norm, "not their mean"),
    ("least_squares_rate", ls_rate_rows, "sums each column (axis=0), not each row"),
    ("least_squares_rate", ls_rate_length, "not the length |x_i|"),
    ("least_squares_rate", ls_rate_no_divide, "divide by m before taking its eigenvalues"),
    ("least_squares_rate", ls_rate_b_lambda, "(b − 1) λ_max, not b λ_max"),
    ("least_squares_rate", ls_rate_smallest_eigenvalue, "λ_max is the last one, [-1]"),
    ("least_squares_rate", lambda X, b: np.ones(2), "return one number"),
    ("least_squares_rate", lambda X, b: True, "return one number"),
    ("least_squares_rate", lambda X, b: ls_rate_right(X, b) * 1.0001, "so the rate is"),
    ("least_squares_rate", lambda X, b: 2 / ls_rate_parts(X)[1] if b == X.shape[1]
     else ls_rate_right(X, b), "with b = 8"),  # batch GD special-cased as 2 / λ_max
]

WRONG += [
    ("one_epoch", one_epoch_no_shuffle, "rng.permutation(m)"),
    ("one_epoch", one_epoch_drops_last, "one epoch makes 4 updates"),
    ("one_epoch", one_epoch_no_update, "Update the parameters after every mini-batch"),
    ("accumulate", accumulate_summed, "you summed the 2 micro-batch gradients"),
    ("accumulate", accumulate_equal_weights, "weight each micro-batch by its size / b"),
    ("accumulate", accumulate_wrong_axis, "differs from the full mini-batch's gradient"),
]


@pytest.mark.parametrize("name, answer, message", WRONG,
                         ids=[f"{n}-{a.__name__ if hasattr(a, '__name__') else i}"
                              for i, (n, a, _) in enumerate(WRONG)])
def test_wrong_answer_gets_the_intended_message(name, answer, message, capsys):
    result, out = run(getattr(checks, name), answer, capsys)
    assert result is False, out
    assert out.startswith("✗") and message in out, out


# Wrong answers that match no known slip: the check must say what is wrong on its first failing
# case and must not attach a hint meant for another slip (a misleading hint is worse than none).
UNKNOWN_SLIPS = [
    ("lr_decay", lambda lr0, rate, epoch: lr0 * rate * epoch, "the rate should be 0.1",
     ["geometric", "Add 1"]),
    ("gradient_variance", lambda g, b: np.mean(np.sum((g - g.mean(0)) ** 2, 1)) / len(g),
     "with b = 1, the variance over all 6 mini-batches", ["(m - b)/(m - 1)", "At b = m"]),
    ("accumulate", accumulate_wrong_axis, "with b = 10 and micro_batch_size = 5, dW2 differs",
     ["you summed", "weight each micro-batch"]),
    ("least_squares_rate", lambda X, b: 1 / ls_rate_parts(X)[0], "with b = 2", ["Hint"]),
    ("least_squares_rate", lambda X, b: ls_rate_mean_norm(X, b) * 1.05, "with b = 1", ["Hint"]),
]


@pytest.mark.parametrize("name, answer, case, misleading", UNKNOWN_SLIPS,
                         ids=[f"{n}-{i}" for i, (n, *_) in enumerate(UNKNOWN_SLIPS)])
def test_an_unknown_slip_gets_its_case_and_no_misleading_hint(name, answer, case, misleading,
                                                              capsys):
    result, out = run(getattr(checks, name), answer, capsys)
    assert result is False and case in out, out
    for phrase in misleading:
        assert phrase not in out, out


def test_the_checks_leave_global_random_state_alone(capsys):
    """Every check, run on its right answer, its stub and a crashing answer, leaves numpy's
    global generator where it was (a check seeds its own generators)."""
    def crash(*args):
        return {}["missing"]

    for name, right in RIGHT.items():
        before = np.random.get_state(legacy=False)
        for answer in (right, stub, crash):
            getattr(checks, name)(answer)
        after = np.random.get_state(legacy=False)
        assert before["state"]["key"].tolist() == after["state"]["key"].tolist(), name
        assert before["state"]["pos"] == after["state"]["pos"], name
