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
    assert out.startswith("✓") and "yours:" in out and "expected:" in out


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


# ---- wrong answers: tests/test_corpus.py runs the corpus of tests/wrong_answers.py ---------

def ls_rate_mean_norm(X, b):
    m = X.shape[1]
    lam = np.linalg.eigvalsh(X @ X.T / m)[-1]
    return b / (np.mean(np.sum(X * X, axis=0)) + (b - 1) * lam)


def accumulate_wrong_axis(model, X_t, Y_t, micro):
    grads = accumulate_right(model, X_t, Y_t, micro)
    return {n: np.broadcast_to(g.mean(axis=1, keepdims=True), g.shape) for n, g in grads.items()}


# Wrong answers that match no known slip: the check must say what is wrong on its first failing
# case and must not attach a hint meant for another slip (a misleading hint is worse than none).
UNKNOWN_SLIPS = [
    ("lr_decay", lambda lr0, rate, epoch: lr0 * rate * epoch, "the rate should be 0.1",
     ["Hint"]),
    ("gradient_variance", lambda g, b: np.mean(np.sum((g - g.mean(0)) ** 2, 1)) / len(g) / b,
     "with b = 1, the variance over all 6 mini-batches", ["Hint"]),
    ("accumulate", accumulate_wrong_axis, "micro_batch_size = 5", ["Hint"]),
    ("ewma", lambda v, beta: curves.ewma(v, beta) + 0.01, "on [3, 1, 2, 4]", ["Hint"]),
    ("step_bytes", lambda *a: 1000, "yours is 1,000", ["Hint"]),
    # written after the checks, to probe them: no plausible slip gives these
    ("minibatches_per_epoch", lambda m, b: -(-m // b) if b > 1 else m - 1, "m = 7, b = 1",
     ["Hint"]),
    ("lr_decay", lambda lr0, r, e: lr0 / (1 + r * e) if e < 5 else lr0 / 6, "epoch 10", ["Hint"]),
    ("least_squares_rate", lambda X, b: 2 * ls_rate_right(X, b), "with b = 1", ["Hint"]),
    ("one_epoch", lambda model, X, Y, b, lr, rng: [one_epoch_right(model, X, Y, b, lr, rng)[0]]
     * -(-X.shape[1] // b), "the costs should be", ["Hint", "weighted"]),
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


def test_summary_says_which_exercises_pass(capsys):
    checks.feedback._RESULTS.clear()
    checks.summary()
    assert "No exercise checked yet" in capsys.readouterr().out
    checks.lr_decay(RIGHT["lr_decay"])
    checks.ewma(stub)
    checks.step_bytes(lambda *a: 0)
    capsys.readouterr()
    checks.summary()
    out = capsys.readouterr().out
    assert out == ("Exercises: 1 of 3 pass: ✓ learning-rate decay, ○ EWMA with bias correction "
                   "(not written yet), ✗ bytes of one training step.\n")
    checks.feedback._RESULTS.clear()


@pytest.mark.parametrize("name", sorted(RIGHT))
@pytest.mark.parametrize("answer", [None, 3, "my_function", lambda *a: None, lambda *a: np.nan],
                         ids=["None", "int", "str", "returns-None", "returns-nan"])
def test_no_answer_makes_a_check_raise(name, answer, capsys):
    result, out = run(getattr(checks, name), answer, capsys)
    assert result is False and out.startswith("✗"), out


def test_decay_schedule_uses_the_learners_function_only_once_it_passes(capsys):
    calls = []

    def right(lr0, rate, epoch):
        calls.append(epoch)
        return lr0 / (1 + rate * epoch)

    schedule = checks.decay_schedule(right, 0.25, 1.0, lang="en")
    assert capsys.readouterr().out == "The run below uses your lr_decay.\n"
    calls.clear()
    assert schedule(3) == 0.0625 and calls == [3]          # the learner's function runs
    schedule = checks.decay_schedule(lambda lr0, rate, epoch: lr0, 0.25, 1.0, lang="en")
    assert capsys.readouterr().out == ("Your lr_decay does not pass its check yet: the run "
                                       "below uses the course's schedule.\n")
    assert schedule(0) == 0.25 and schedule(3) == 0.0625   # the course's, not the wrong one
    checks.decay_schedule(stub, 0.25, 1.0, lang="en")
    assert "not written yet" in capsys.readouterr().out
    checks.decay_schedule(stub, 0.25, 1.0, lang="zh")
    assert "尚未完成" in capsys.readouterr().out
    checks.feedback._RESULTS.clear()
