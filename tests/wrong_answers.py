"""A corpus of answers to the exercises, written as learners would write them: for each
exercise, right answers in several styles and wrong answers, each with the slip it makes.

Every entry is an Answer: the exercise (the name of its check in cu.checks), the slip (a short
name; "right" for a right answer), the function itself (its source: `answer.source`) and the
hint, a phrase the check's ✗ line must contain for that slip (None for a right answer).
tests/test_corpus.py runs them all; scripts are free to run them too (the before/after tables
of issue 17 were made that way).

The wrong answers were written before the checks were redesigned, from the learner edition's
instructions and from what learners of the deeplearning.ai course post.
"""

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import course_utils as cu


@dataclass(frozen=True)
class Answer:
    exercise: str           # the check's name: getattr(cu.checks, exercise)
    slip: str               # "right" for a right answer
    fn: Callable
    hint: str | None        # a phrase the ✗ line must contain (None: must get ✓)

    @property
    def source(self) -> str:
        return inspect.getsource(self.fn)


CORPUS: list[Answer] = []


def right(exercise):
    def add(fn):
        CORPUS.append(Answer(exercise, "right", fn, None))
        return fn
    return add


def wrong(exercise, slip, hint):
    def add(fn):
        CORPUS.append(Answer(exercise, slip, fn, hint))
        return fn
    return add


# ==== 01: random_mini_batches(X, Y, mini_batch_size, seed) ===================================

@right("random_mini_batches")
def rmb_course(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = cu.minibatch.shuffled_order(m, seed)
    X_shuffled, Y_shuffled = X[:, order], Y[:, order]
    return [(X_shuffled[:, k:k + mini_batch_size], Y_shuffled[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


@right("random_mini_batches")
def rmb_assignment_style(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    mini_batches = []
    permutation = list(cu.minibatch.shuffled_order(m, seed))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((1, m))
    num_complete_minibatches = math.floor(m / mini_batch_size)
    for k in range(0, num_complete_minibatches):
        mini_batch_X = shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batch_Y = shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    if m % mini_batch_size != 0:
        mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size:]
        mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size:]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    return mini_batches


@right("random_mini_batches")
def rmb_split(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = np.random.RandomState(seed).permutation(m)   # a private generator, same order
    cuts = list(range(mini_batch_size, m, mini_batch_size))
    return list(zip(np.split(X[:, order], cuts, axis=1), np.split(Y[:, order], cuts, axis=1)))


@right("random_mini_batches")
def rmb_while(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = cu.minibatch.shuffled_order(m, seed)
    batches, start = [], 0
    while start < m:
        idx = order[start:start + mini_batch_size]
        batches.append((X[:, idx], Y[:, idx]))
        start += mini_batch_size
    return batches


@wrong("random_mini_batches", "global np.random.seed", "numpy's global random state")
def rmb_global_seed(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)                       # the assignment's own two lines
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [(shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


@wrong("random_mini_batches", "X and Y shuffled apart", "same order for X and Y")
def rmb_separate_shuffles(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    X_s = X[:, cu.minibatch.shuffled_order(m, seed)]
    Y_s = Y[:, cu.minibatch.shuffled_order(m, seed + 1)]
    return [(X_s[:, k:k + mini_batch_size], Y_s[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


@wrong("random_mini_batches", "drops the last mini-batch", "smaller last mini-batch")
def rmb_drops_last(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = cu.minibatch.shuffled_order(m, seed)
    X_s, Y_s = X[:, order], Y[:, order]
    return [(X_s[:, t * mini_batch_size:(t + 1) * mini_batch_size],
             Y_s[:, t * mini_batch_size:(t + 1) * mini_batch_size])
            for t in range(m // mini_batch_size)]


@wrong("random_mini_batches", "extra empty mini-batch", "no extra mini-batch")
def rmb_extra_empty(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = cu.minibatch.shuffled_order(m, seed)
    X_s, Y_s = X[:, order], Y[:, order]
    batches = [(X_s[:, t * mini_batch_size:(t + 1) * mini_batch_size],
                Y_s[:, t * mini_batch_size:(t + 1) * mini_batch_size])
               for t in range(m // mini_batch_size)]
    batches.append((X_s[:, (m // mini_batch_size) * mini_batch_size:],
                    Y_s[:, (m // mini_batch_size) * mini_batch_size:]))  # no `if m % b`
    return batches


@wrong("random_mini_batches", "last slice -(m % b) unguarded", "no extra mini-batch")
def rmb_negative_slice(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = cu.minibatch.shuffled_order(m, seed)
    X_s, Y_s = X[:, order], Y[:, order]
    n = m // mini_batch_size
    batches = [(X_s[:, t * mini_batch_size:(t + 1) * mini_batch_size],
                Y_s[:, t * mini_batch_size:(t + 1) * mini_batch_size]) for t in range(n)]
    batches.append((X_s[:, -(m % mini_batch_size):], Y_s[:, -(m % mini_batch_size):]))
    return batches


@wrong("random_mini_batches", "slices one too long", "overlap")
def rmb_off_by_one(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = cu.minibatch.shuffled_order(m, seed)
    X_s, Y_s = X[:, order], Y[:, order]
    return [(X_s[:, k:k + mini_batch_size + 1], Y_s[:, k:k + mini_batch_size + 1])
            for k in range(0, m, mini_batch_size)]


@wrong("random_mini_batches", "no shuffle", "shuffle first")
def rmb_no_shuffle(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


@wrong("random_mini_batches", "another generator", "cu.minibatch.shuffled_order(m, seed)")
def rmb_default_rng(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = np.random.default_rng(seed).permutation(m)
    return [(X[:, order][:, k:k + mini_batch_size], Y[:, order][:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


@wrong("random_mini_batches", "ignores the seed", "same order for every seed")
def rmb_ignores_seed(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = cu.minibatch.shuffled_order(m)       # seed left at its default, 0
    return [(X[:, order][:, k:k + mini_batch_size], Y[:, order][:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


@wrong("random_mini_batches", "inverse permutation", "X[:, order]")
def rmb_argsort(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = np.argsort(cu.minibatch.shuffled_order(m, seed))
    return [(X[:, order][:, k:k + mini_batch_size], Y[:, order][:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


@wrong("random_mini_batches", "examples as rows", "examples are columns")
def rmb_rows(X, Y, mini_batch_size=64, seed=0):
    order = cu.minibatch.shuffled_order(X.shape[1], seed)
    X_s, Y_s = X[:, order].T, Y[:, order].T            # (m, n_x): examples as rows
    return [(X_s[k:k + mini_batch_size], Y_s[k:k + mini_batch_size])
            for k in range(0, X.shape[1], mini_batch_size)]


@wrong("random_mini_batches", "m from the rows", "m = X.shape[1]")
def rmb_m_rows(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[0]
    order = cu.minibatch.shuffled_order(m, seed)
    return [(X[:, order][:, k:k + mini_batch_size], Y[:, order][:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


@wrong("random_mini_batches", "shuffles the caller's X in place", "changed the caller's X")
def rmb_in_place(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = cu.minibatch.shuffled_order(m, seed)
    X[:] = X[:, order]                         # saves a copy... of the caller's data
    Y[:] = Y[:, order]
    return [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size])
            for k in range(0, m, mini_batch_size)]


@wrong("random_mini_batches", "equal pieces (array_split)", "mini_batch_size examples each")
def rmb_array_split(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = cu.minibatch.shuffled_order(m, seed)
    n = -(-m // mini_batch_size)
    return list(zip(np.array_split(X[:, order], n, axis=1),
                    np.array_split(Y[:, order], n, axis=1)))


@wrong("random_mini_batches", "sampled with replacement", "with replacement")
def rmb_with_replacement(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    rng = np.random.RandomState(seed)
    batches = []
    for k in range(0, m, mini_batch_size):
        idx = rng.randint(0, m, min(mini_batch_size, m - k))   # cs231n's sampling
        batches.append((X[:, idx], Y[:, idx]))
    return batches


@wrong("random_mini_batches", "Y's dtype lost", "dtype")
def rmb_preallocated(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = cu.minibatch.shuffled_order(m, seed)
    batches = []
    for k in range(0, m, mini_batch_size):
        idx = order[k:k + mini_batch_size]
        Y_t = np.zeros((Y.shape[0], len(idx)))     # float, whatever Y's dtype was
        Y_t[:] = Y[:, idx]
        batches.append((X[:, idx], Y_t))
    return batches


@wrong("random_mini_batches", "returns X only", "pairs (X_t, Y_t)")
def rmb_x_only(X, Y, mini_batch_size=64, seed=0):
    m = X.shape[1]
    order = cu.minibatch.shuffled_order(m, seed)
    return [X[:, order][:, k:k + mini_batch_size] for k in range(0, m, mini_batch_size)]


# ==== 01: minibatches_per_epoch(m, mini_batch_size) ============================================

right("minibatches_per_epoch")(lambda m, mini_batch_size: -(-m // mini_batch_size))


@right("minibatches_per_epoch")
def mpe_ceil(m, mini_batch_size):
    return math.ceil(m / mini_batch_size)


@right("minibatches_per_epoch")
def mpe_if(m, mini_batch_size):
    if m % mini_batch_size == 0:
        return m // mini_batch_size
    return m // mini_batch_size + 1


@right("minibatches_per_epoch")
def mpe_bool(m, mini_batch_size):
    return m // mini_batch_size + (m % mini_batch_size != 0)


@right("minibatches_per_epoch")
def mpe_range(m, mini_batch_size):
    return len(range(0, m, mini_batch_size))


@wrong("minibatches_per_epoch", "floor", "smaller last mini-batch")
def mpe_floor(m, mini_batch_size):
    return m // mini_batch_size


@wrong("minibatches_per_epoch", "int() truncates", "smaller last mini-batch")
def mpe_int(m, mini_batch_size):
    return int(m / mini_batch_size)


@wrong("minibatches_per_epoch", "always one more", "no extra mini-batch")
def mpe_plus_one(m, mini_batch_size):
    return m // mini_batch_size + 1


@wrong("minibatches_per_epoch", "(m + b) // b", "no extra mini-batch")
def mpe_m_plus_b(m, mini_batch_size):
    return (m + mini_batch_size) // mini_batch_size


@wrong("minibatches_per_epoch", "float division", "whole number")
def mpe_float(m, mini_batch_size):
    return m / mini_batch_size


@wrong("minibatches_per_epoch", "np.ceil gives a float", "np.ceil returns a float")
def mpe_np_ceil(m, mini_batch_size):
    return np.ceil(m / mini_batch_size)


@wrong("minibatches_per_epoch", "round", "round() goes to the nearest")
def mpe_round(m, mini_batch_size):
    return round(m / mini_batch_size)


@wrong("minibatches_per_epoch", "adds the remainder", "the leftover examples make one")
def mpe_remainder(m, mini_batch_size):
    return m // mini_batch_size + m % mini_batch_size


@wrong("minibatches_per_epoch", "returns the sizes", "return the number")
def mpe_sizes(m, mini_batch_size):
    return [min(mini_batch_size, m - k) for k in range(0, m, mini_batch_size)]


@wrong("minibatches_per_epoch", "arguments swapped", "m examples, mini-batches of mini_batch_size")
def mpe_swapped(m, mini_batch_size):
    return -(-mini_batch_size // m)


@wrong("minibatches_per_epoch", "(m - 1) // b", "one short")
def mpe_minus_one(m, mini_batch_size):
    return (m - 1) // mini_batch_size


@wrong("minibatches_per_epoch", "returns the examples per epoch", "return the number")
def mpe_examples(m, mini_batch_size):
    return m


# ==== 02: my_ewma(values, beta) ==================================================================

@right("ewma")
def ewma_course(values, beta=0.9):
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out.append(v / (1 - beta**t))
    return np.array(out)


@right("ewma")
def ewma_index(values, beta=0.9):
    v, out = 0.0, []
    for i in range(len(values)):
        v = beta * v + (1 - beta) * values[i]
        out.append(v / (1 - beta ** (i + 1)))
    return np.array(out)


@right("ewma")
def ewma_zeros(values, beta=0.9):
    v = 0.0
    out = np.zeros(len(values))                 # float64 whatever the input
    for t in range(1, len(values) + 1):
        v = beta * v + (1 - beta) * values[t - 1]
        out[t - 1] = v / (1 - beta**t)
    return out


@right("ewma")
def ewma_vectorised(values, beta=0.9):
    x = np.asarray(values, dtype=float)
    t = np.arange(1, len(x) + 1)
    weights = (1 - beta) * beta ** (t[:, None] - t[None, :]) * (t[:, None] >= t[None, :])
    return weights @ x / (1 - beta**t)


@wrong("ewma", "no bias correction", "before bias correction")
def ewma_no_correction(values, beta=0.9):
    v, out = 0.0, []
    for x in values:
        v = beta * v + (1 - beta) * x
        out.append(v)
    return np.array(out)


@wrong("ewma", "weights swapped", "weight beta to the past")
def ewma_swapped(values, beta=0.9):
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = (1 - beta) * v + beta * x
        out.append(v / (1 - (1 - beta) ** t))
    return np.array(out)


@wrong("ewma", "t from 0", "t counts from 1")
def ewma_t_from_zero(values, beta=0.9):
    v, out = 0.0, []
    for t, x in enumerate(values):
        v = beta * v + (1 - beta) * x
        out.append(v / (1 - beta**t))
    return np.array(out)


@wrong("ewma", "exponent one too large", "t counts from 1")
def ewma_exponent_plus_one(values, beta=0.9):
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out.append(v / (1 - beta ** (t + 1)))
    return np.array(out)


@wrong("ewma", "corrected value fed back", "keep v itself uncorrected")
def ewma_feedback(values, beta=0.9):
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        v = v / (1 - beta**t)
        out.append(v)
    return np.array(out)


@wrong("ewma", "starts from the first value", "start from v_0 = 0")
def ewma_first_value(values, beta=0.9):
    v, out = values[0], []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out.append(v / (1 - beta**t))
    return np.array(out)


@wrong("ewma", "overwrites values in place", "changed the caller's values")
def ewma_in_place(values, beta=0.9):
    v = 0.0
    for t in range(1, len(values) + 1):
        v = beta * v + (1 - beta) * values[t - 1]
        values[t - 1] = v / (1 - beta**t)
    return values


@wrong("ewma", "zeros_like of integer values", "zeros_like")
def ewma_zeros_like(values, beta=0.9):
    v = 0.0
    out = np.zeros_like(values)
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out[t - 1] = v / (1 - beta**t)
    return out


@wrong("ewma", "running mean", "running mean of all the values")
def ewma_running_mean(values, beta=0.9):
    return np.cumsum(values) / np.arange(1, len(values) + 1)


@wrong("ewma", "returns the last average", "one average per value")
def ewma_last(values, beta=0.9):
    v = 0.0
    for x in values:
        v = beta * v + (1 - beta) * x
    return v / (1 - beta ** len(values))


@wrong("ewma", "(1 - beta)^t", "not (1 - beta)^t")
def ewma_wrong_power(values, beta=0.9):
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out.append(v / (1 - beta) ** t)
    return np.array(out)


@wrong("ewma", "multiplies by the correction", "don't multiply")
def ewma_multiplies(values, beta=0.9):
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out.append(v * (1 - beta**t))
    return np.array(out)


@wrong("ewma", "missing brackets", "brackets")
def ewma_brackets(values, beta=0.9):
    v, out = 0.0, []
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out.append(v / 1 - beta**t)
    return np.array(out)


@wrong("ewma", "float32 output", "float64")
def ewma_float32(values, beta=0.9):
    v = 0.0
    out = np.zeros(len(values), dtype=np.float32)
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        out[t - 1] = v / (1 - beta**t)
    return out


# ==== 02: one_epoch(model, X, Y, batch_size, learning_rate, rng) ==========================

@right("one_epoch")
def epoch_course(model, X, Y, batch_size, learning_rate, rng):
    m = X.shape[1]
    costs = []
    order = rng.permutation(m)
    for k in range(0, m, batch_size):
        idx = order[k:k + batch_size]
        X_t, Y_t = X[:, idx], Y[:, idx]
        AL, cache = model.forward(X_t)
        costs.append(model.cost(Y_t, cache))
        grads = model.backward(Y_t, cache)
        model.update(grads, learning_rate)
    return costs


@right("one_epoch")
def epoch_loss_and_grads(model, X, Y, batch_size, learning_rate, rng):
    m = X.shape[1]
    order = rng.permutation(m)
    X_s, Y_s = X[:, order], Y[:, order]
    costs = []
    for t in range(-(-m // batch_size)):
        cost, grads = model.loss_and_grads(X_s[:, t * batch_size:(t + 1) * batch_size],
                                           Y_s[:, t * batch_size:(t + 1) * batch_size])
        model.update(grads, learning_rate)
        costs.append(cost)
    return costs


@right("one_epoch")
def epoch_array(model, X, Y, batch_size, learning_rate, rng):
    order = rng.permutation(X.shape[1])
    costs = np.zeros(-(-X.shape[1] // batch_size))
    for t, k in enumerate(range(0, X.shape[1], batch_size)):
        idx = order[k:k + batch_size]
        _, cache = model.forward(X[:, idx])
        costs[t] = model.cost(Y[:, idx], cache)
        model.update(model.backward(Y[:, idx], cache), learning_rate)
    return costs


def _epoch_with(model, X, Y, b, lr, order, record=None):
    """One epoch in the given order (for the wrong answers below)."""
    costs = []
    for k in range(0, X.shape[1], b):
        idx = order[k:k + b]
        cost, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        model.update(grads, lr)
        costs.append(cost)
    return costs


@wrong("one_epoch", "no shuffle", "shuffle first")
def epoch_no_shuffle(model, X, Y, batch_size, learning_rate, rng):
    return _epoch_with(model, X, Y, batch_size, learning_rate, np.arange(X.shape[1]))


@wrong("one_epoch", "global np.random.permutation", "numpy's global random state")
def epoch_global_permutation(model, X, Y, batch_size, learning_rate, rng):
    order = np.random.permutation(X.shape[1])
    return _epoch_with(model, X, Y, batch_size, learning_rate, order)


@wrong("one_epoch", "global np.random.seed", "numpy's global random state")
def epoch_global_seed(model, X, Y, batch_size, learning_rate, rng):
    np.random.seed(0)
    order = np.random.permutation(X.shape[1])
    return _epoch_with(model, X, Y, batch_size, learning_rate, order)


@wrong("one_epoch", "its own generator", "the rng it is given")
def epoch_own_rng(model, X, Y, batch_size, learning_rate, rng):
    order = np.random.default_rng(0).permutation(X.shape[1])
    return _epoch_with(model, X, Y, batch_size, learning_rate, order)


@wrong("one_epoch", "new permutation per mini-batch", "one permutation per epoch")
def epoch_permutation_per_batch(model, X, Y, batch_size, learning_rate, rng):
    m = X.shape[1]
    costs = []
    for k in range(0, m, batch_size):
        idx = rng.permutation(m)[:min(batch_size, m - k)]
        cost, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        model.update(grads, learning_rate)
        costs.append(cost)
    return costs


@wrong("one_epoch", "sampled with replacement", "with replacement")
def epoch_with_replacement(model, X, Y, batch_size, learning_rate, rng):
    m = X.shape[1]
    costs = []
    for k in range(0, m, batch_size):
        idx = rng.choice(m, min(batch_size, m - k))      # choice replaces by default
        cost, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        model.update(grads, learning_rate)
        costs.append(cost)
    return costs


@wrong("one_epoch", "cost after the update", "before the update")
def epoch_cost_after_update(model, X, Y, batch_size, learning_rate, rng):
    order = rng.permutation(X.shape[1])
    costs = []
    for k in range(0, X.shape[1], batch_size):
        X_t, Y_t = X[:, order[k:k + batch_size]], Y[:, order[k:k + batch_size]]
        AL, cache = model.forward(X_t)
        model.update(model.backward(Y_t, cache), learning_rate)
        AL, cache = model.forward(X_t)
        costs.append(model.cost(Y_t, cache))
    return costs


@wrong("one_epoch", "costs scaled by b/m", "not weighted by its share")
def epoch_scaled_costs(model, X, Y, batch_size, learning_rate, rng):
    m = X.shape[1]
    order = rng.permutation(m)
    costs = []
    for k in range(0, m, batch_size):
        idx = order[k:k + batch_size]
        cost, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        model.update(grads, learning_rate)
        costs.append(cost * len(idx) / m)               # its share of the epoch's cost
    return costs


@wrong("one_epoch", "double update", "once per mini-batch")
def epoch_double_update(model, X, Y, batch_size, learning_rate, rng):
    order = rng.permutation(X.shape[1])
    costs = []
    for k in range(0, X.shape[1], batch_size):
        idx = order[k:k + batch_size]
        cost, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        model.update(grads, learning_rate)
        costs.append(cost)
        model.update(grads, learning_rate)             # left over from an edit
    return costs


@wrong("one_epoch", "rate divided by b", "learning_rate as it is")
def epoch_rate_over_b(model, X, Y, batch_size, learning_rate, rng):
    order = rng.permutation(X.shape[1])
    costs = []
    for k in range(0, X.shape[1], batch_size):
        idx = order[k:k + batch_size]
        cost, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        model.update(grads, learning_rate / len(idx))  # "average over the mini-batch"
        costs.append(cost)
    return costs


@wrong("one_epoch", "no update", "call model.update")
def epoch_no_update(model, X, Y, batch_size, learning_rate, rng):
    order = rng.permutation(X.shape[1])
    costs = []
    for k in range(0, X.shape[1], batch_size):
        idx = order[k:k + batch_size]
        AL, cache = model.forward(X[:, idx])
        costs.append(model.cost(Y[:, idx], cache))
        model.backward(Y[:, idx], cache)              # ...and the update is missing
    return costs


@wrong("one_epoch", "one update per epoch", "after every mini-batch")
def epoch_update_at_end(model, X, Y, batch_size, learning_rate, rng):
    order = rng.permutation(X.shape[1])
    costs = []
    for k in range(0, X.shape[1], batch_size):
        idx = order[k:k + batch_size]
        cost, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        costs.append(cost)
    model.update(grads, learning_rate)                 # outside the loop: indentation
    return costs


@wrong("one_epoch", "drops the last mini-batch", "smaller last mini-batch")
def epoch_drops_last(model, X, Y, batch_size, learning_rate, rng):
    m = X.shape[1]
    order = rng.permutation(m)
    costs = []
    for t in range(m // batch_size):
        idx = order[t * batch_size:(t + 1) * batch_size]
        cost, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        model.update(grads, learning_rate)
        costs.append(cost)
    return costs


@wrong("one_epoch", "returns the mean cost", "list of the costs")
def epoch_mean_cost(model, X, Y, batch_size, learning_rate, rng):
    order = rng.permutation(X.shape[1])
    costs = []
    for k in range(0, X.shape[1], batch_size):
        idx = order[k:k + batch_size]
        cost, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        model.update(grads, learning_rate)
        costs.append(cost)
    return float(np.mean(costs))


@wrong("one_epoch", "Y not shuffled", "same columns of Y")
def epoch_y_unshuffled(model, X, Y, batch_size, learning_rate, rng):
    order = rng.permutation(X.shape[1])
    costs = []
    for k in range(0, X.shape[1], batch_size):
        X_t, Y_t = X[:, order[k:k + batch_size]], Y[:, k:k + batch_size]
        cost, grads = model.loss_and_grads(X_t, Y_t)
        model.update(grads, learning_rate)
        costs.append(cost)
    return costs


@wrong("one_epoch", "shuffles the caller's X in place", "changed the caller's X")
def epoch_in_place(model, X, Y, batch_size, learning_rate, rng):
    order = rng.permutation(X.shape[1])
    X[:], Y[:] = X[:, order], Y[:, order]
    return _epoch_with(model, X, Y, batch_size, learning_rate, np.arange(X.shape[1]))


@wrong("one_epoch", "records the whole set's cost", "the mini-batch's own cost")
def epoch_full_cost(model, X, Y, batch_size, learning_rate, rng):
    order = rng.permutation(X.shape[1])
    costs = []
    for k in range(0, X.shape[1], batch_size):
        idx = order[k:k + batch_size]
        _, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        costs.append(model.cost(Y, model.forward(X)[1]))    # the training cost
        model.update(grads, learning_rate)
    return costs


@wrong("one_epoch", "equal pieces (array_split)", "batch_size examples each")
def epoch_array_split(model, X, Y, batch_size, learning_rate, rng):
    m = X.shape[1]
    costs = []
    for idx in np.array_split(rng.permutation(m), -(-m // batch_size)):
        cost, grads = model.loss_and_grads(X[:, idx], Y[:, idx])
        model.update(grads, learning_rate)
        costs.append(cost)
    return costs


# ==== 03: lr_decay(lr0, decay_rate, epoch) =====================================================

right("lr_decay")(lambda lr0, decay_rate, epoch: lr0 / (1 + decay_rate * epoch))


@right("lr_decay")
def decay_steps(lr0, decay_rate, epoch):
    denominator = 1.0 + decay_rate * epoch
    return lr0 / denominator


@right("lr_decay")
def decay_numpy(lr0, decay_rate, epoch):
    return np.float64(lr0) * (1 + decay_rate * epoch) ** -1


@right("lr_decay")
def decay_loop(lr0, decay_rate, epoch):
    return lr0 * 1 / (1 + decay_rate * epoch)


@wrong("lr_decay", "no 1 in the denominator", "Add 1 in the denominator")
def decay_no_one(lr0, decay_rate, epoch):
    return lr0 / (decay_rate * epoch)


@wrong("lr_decay", "geometric", "geometric")
def decay_geometric(lr0, decay_rate, epoch):
    return lr0 / (1 + decay_rate) ** epoch


@wrong("lr_decay", "exponential exp(-k t)", "exponential decay")
def decay_exponential(lr0, decay_rate, epoch):
    return lr0 * math.exp(-decay_rate * epoch)


@wrong("lr_decay", "decay_rate ** epoch", "decay_rate ** epoch")
def decay_power(lr0, decay_rate, epoch):
    return lr0 * decay_rate**epoch


@wrong("lr_decay", "no decay", "never changes")
def decay_none(lr0, decay_rate, epoch):
    return lr0


@wrong("lr_decay", "epochs from 1", "epochs count from 0")
def decay_from_one(lr0, decay_rate, epoch):
    return lr0 / (1 + decay_rate * (epoch + 1))


@wrong("lr_decay", "brackets", "brackets")
def decay_brackets(lr0, decay_rate, epoch):
    return lr0 / 1 + decay_rate * epoch


@wrong("lr_decay", "brackets around the product", "brackets")
def decay_brackets_product(lr0, decay_rate, epoch):
    return lr0 / (1 + decay_rate) * epoch


@wrong("lr_decay", "multiplies", "divide lr0")
def decay_multiplies(lr0, decay_rate, epoch):
    return lr0 * (1 + decay_rate * epoch)


@wrong("lr_decay", "forgot lr0", "times lr0")
def decay_no_lr0(lr0, decay_rate, epoch):
    return 1 / (1 + decay_rate * epoch)


@wrong("lr_decay", "square root", "square root")
def decay_sqrt(lr0, decay_rate, epoch):
    return lr0 / math.sqrt(1 + decay_rate * epoch)


@wrong("lr_decay", "arguments swapped", "lr0 and decay_rate swapped")
def decay_swapped(lr0, decay_rate, epoch):
    return decay_rate / (1 + lr0 * epoch)


@wrong("lr_decay", "floor division", "floor division")
def decay_floor(lr0, decay_rate, epoch):
    return lr0 // (1 + decay_rate * epoch)


@wrong("lr_decay", "linear decay", "linear decay")
def decay_linear(lr0, decay_rate, epoch):
    return lr0 * (1 - decay_rate * epoch)


@wrong("lr_decay", "the whole schedule", "one number")
def decay_schedule(lr0, decay_rate, epoch):
    return [lr0 / (1 + decay_rate * e) for e in range(epoch + 1)]


# ==== 04: predicted_variance(per_example, b) ==================================================

@right("gradient_variance")
def var_course(per_example, b):
    m = per_example.shape[0]
    G = per_example.mean(axis=0)
    trace_sigma = np.mean(np.sum((per_example - G) ** 2, axis=1))
    return trace_sigma / b * (m - b) / (m - 1)


@right("gradient_variance")
def var_np_var(per_example, b):
    m = per_example.shape[0]
    return np.var(per_example, axis=0).sum() / b * (m - b) / (m - 1)


@right("gradient_variance")
def var_norms(per_example, b):
    m = len(per_example)
    dist2 = np.linalg.norm(per_example - per_example.mean(axis=0), axis=1) ** 2
    return float(dist2.mean()) * (m - b) / ((m - 1) * b)


@right("gradient_variance")
def var_mean_of_squares(per_example, b):
    m = per_example.shape[0]
    G = per_example.mean(axis=0)
    trace = np.mean(np.sum(per_example**2, axis=1)) - np.sum(G**2)   # E|g|² − |G|²
    return trace * (m - b) / (b * (m - 1))


@wrong("gradient_variance", "no finite-population factor", "(m - b)/(m - 1)")
def var_no_factor(per_example, b):
    G = per_example.mean(axis=0)
    return np.mean(np.sum((per_example - G) ** 2, axis=1)) / b


@wrong("gradient_variance", "divides by m", "divide by b, not by m")
def var_over_m(per_example, b):
    m = per_example.shape[0]
    G = per_example.mean(axis=0)
    return np.mean(np.sum((per_example - G) ** 2, axis=1)) / m * (m - b) / (m - 1)


@wrong("gradient_variance", "(m - b)/m", "m - 1 below")
def var_over_m_factor(per_example, b):
    m = per_example.shape[0]
    G = per_example.mean(axis=0)
    return np.mean(np.sum((per_example - G) ** 2, axis=1)) / b * (m - b) / m


@wrong("gradient_variance", "sum over the examples", "mean over the examples")
def var_sum_examples(per_example, b):
    m = per_example.shape[0]
    G = per_example.mean(axis=0)
    return np.sum((per_example - G) ** 2) / b * (m - b) / (m - 1)


@wrong("gradient_variance", "G over the wrong axis", "axis=0")
def var_wrong_axis(per_example, b):
    m = per_example.shape[0]
    G = per_example.mean(axis=1, keepdims=True)
    return np.mean(np.sum((per_example - G) ** 2, axis=1)) / b * (m - b) / (m - 1)


@wrong("gradient_variance", "distance not squared", "squared distance")
def var_not_squared(per_example, b):
    m = per_example.shape[0]
    G = per_example.mean(axis=0)
    return np.mean(np.linalg.norm(per_example - G, axis=1)) / b * (m - b) / (m - 1)


@wrong("gradient_variance", "mean over the parameters too", "sum over the parameters")
def var_mean_params(per_example, b):
    m = per_example.shape[0]
    G = per_example.mean(axis=0)
    return np.mean((per_example - G) ** 2) / b * (m - b) / (m - 1)


@wrong("gradient_variance", "ddof=1", "ddof")
def var_ddof(per_example, b):
    m = per_example.shape[0]
    return np.var(per_example, axis=0, ddof=1).sum() / b * (m - b) / (m - 1)


@wrong("gradient_variance", "subtracts G in place", "changed the caller's per_example")
def var_in_place(per_example, b):
    m = per_example.shape[0]
    per_example -= per_example.mean(axis=0)
    return np.mean(np.sum(per_example**2, axis=1)) / b * (m - b) / (m - 1)


@wrong("gradient_variance", "not centred", "subtract G")
def var_not_centred(per_example, b):
    m = per_example.shape[0]
    return np.mean(np.sum(per_example**2, axis=1)) / b * (m - b) / (m - 1)


@wrong("gradient_variance", "factor upside down", "upside down")
def var_inverted(per_example, b):
    m = per_example.shape[0]
    G = per_example.mean(axis=0)
    return np.mean(np.sum((per_example - G) ** 2, axis=1)) / b * (m - 1) / (m - b)


@wrong("gradient_variance", "returns a vector", "one number")
def var_vector(per_example, b):
    m = per_example.shape[0]
    return np.var(per_example, axis=0) / b * (m - b) / (m - 1)


@wrong("gradient_variance", "multiplies by b", "falls like 1/b")
def var_times_b(per_example, b):
    m = per_example.shape[0]
    return np.var(per_example, axis=0).sum() * b * (m - b) / (m - 1)


@wrong("gradient_variance", "standard deviation", "not its square root")
def var_sqrt(per_example, b):
    m = per_example.shape[0]
    return np.sqrt(np.var(per_example, axis=0).sum() / b * (m - b) / (m - 1))


# ==== 05: step_bytes(n_x, n_h, n_y, b, itemsize) =============================================

@right("step_bytes")
def bytes_course(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    batch = (n_x + n_y) * b
    cached = 2 * (n_h + n_y) * b
    return (2 * params + batch + cached) * itemsize


@right("step_bytes")
def bytes_arrays(n_x, n_h, n_y, b, itemsize):
    shapes = [(n_h, n_x), (n_h, 1), (n_y, n_h), (n_y, 1)] * 2        # parameters, gradients
    shapes += [(n_x, b), (n_y, b), (n_h, b), (n_h, b), (n_y, b), (n_y, b)]
    return sum(r * c for r, c in shapes) * itemsize


@right("step_bytes")
def bytes_layers(n_x, n_h, n_y, b, itemsize):
    dims = [n_x, n_h, n_y]
    P = sum(n * (p + 1) for p, n in zip(dims[:-1], dims[1:]))
    return itemsize * (2 * P + (n_x + n_y) * b + 2 * (n_h + n_y) * b)


@right("step_bytes")
def bytes_numpy_int64(n_x, n_h, n_y, b, itemsize):
    d = np.array([n_x, n_h, n_y], dtype=np.int64)
    P = d[1] * (d[0] + 1) + d[2] * (d[1] + 1)
    return int((2 * P + (d[0] + d[2]) * b + 2 * (d[1] + d[2]) * b) * itemsize)


@wrong("step_bytes", "counts values, not bytes", "multiply by itemsize")
def bytes_values(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return 2 * params + (n_x + n_y) * b + 2 * (n_h + n_y) * b


@wrong("step_bytes", "forgot the gradients", "gradients dW, db")
def bytes_no_grads(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return (params + (n_x + n_y) * b + 2 * (n_h + n_y) * b) * itemsize


@wrong("step_bytes", "forgot the biases", "bias vector")
def bytes_no_biases(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_y * n_h
    return (2 * params + (n_x + n_y) * b + 2 * (n_h + n_y) * b) * itemsize


@wrong("step_bytes", "forgot Y", "count Y")
def bytes_no_y(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return (2 * params + n_x * b + 2 * (n_h + n_y) * b) * itemsize


@wrong("step_bytes", "forgot the mini-batch", "the mini-batch X and Y")
def bytes_no_batch(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return (2 * params + 2 * (n_h + n_y) * b) * itemsize


@wrong("step_bytes", "Z or A, not both", "both Z and A")
def bytes_z_only(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return (2 * params + (n_x + n_y) * b + (n_h + n_y) * b) * itemsize


@wrong("step_bytes", "hidden layer only", "the output layer's Z and A")
def bytes_hidden_only(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return (2 * params + (n_x + n_y) * b + 2 * n_h * b) * itemsize


@wrong("step_bytes", "int32 overflow", "int32")
def bytes_int32(n_x, n_h, n_y, b, itemsize):
    n_x, n_h, n_y, b = np.int32(n_x), np.int32(n_h), np.int32(n_y), np.int32(b)
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return (2 * params + (n_x + n_y) * b + 2 * (n_h + n_y) * b) * np.int32(itemsize)


@wrong("step_bytes", "MiB, not bytes", "in bytes, not MiB")
def bytes_mib(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return (2 * params + (n_x + n_y) * b + 2 * (n_h + n_y) * b) * itemsize / 2**20


@wrong("step_bytes", "biases sized by the inputs", "n_l values (the layer's outputs)")
def bytes_bias_inputs(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_x + n_y * n_h + n_h
    return (2 * params + (n_x + n_y) * b + 2 * (n_h + n_y) * b) * itemsize


@wrong("step_bytes", "activations not times b", "Z and A hold one column per example")
def bytes_activations_once(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return (2 * params + (n_x + n_y) * b + 2 * (n_h + n_y)) * itemsize


@wrong("step_bytes", "mini-batch not times b", "X is n_x × b")
def bytes_batch_once(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return (2 * params + (n_x + n_y) + 2 * (n_h + n_y) * b) * itemsize


@wrong("step_bytes", "first layer only", "W2 and b2")
def bytes_first_layer(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h
    return (2 * params + (n_x + n_y) * b + 2 * (n_h + n_y) * b) * itemsize


@wrong("step_bytes", "a gradient for X", "no gradient for X")
def bytes_dx(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return (2 * params + 2 * n_x * b + n_y * b + 2 * (n_h + n_y) * b) * itemsize


@wrong("step_bytes", "itemsize taken as bits", "already in bytes")
def bytes_bits(n_x, n_h, n_y, b, itemsize):
    params = n_h * n_x + n_h + n_y * n_h + n_y
    return (2 * params + (n_x + n_y) * b + 2 * (n_h + n_y) * b) * itemsize * 8


# ==== 05: accumulate(model, X_t, Y_t, micro_batch_size) ======================================

@right("accumulate")
def acc_course(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total = None
    for k in range(0, b, micro_batch_size):
        _, grads = model.loss_and_grads(X_t[:, k:k + micro_batch_size],
                                        Y_t[:, k:k + micro_batch_size])
        share = min(micro_batch_size, b - k) / b
        if total is None:
            total = {name: g * share for name, g in grads.items()}
        else:
            total = {name: total[name] + g * share for name, g in grads.items()}
    return total


@right("accumulate")
def acc_zeros_like(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total = {"d" + name: np.zeros_like(p) for name, p in model.params.items()}
    for k in range(0, b, micro_batch_size):
        X_mu, Y_mu = X_t[:, k:k + micro_batch_size], Y_t[:, k:k + micro_batch_size]
        _, grads = model.loss_and_grads(X_mu, Y_mu)
        for name in total:
            total[name] += grads[name] * (X_mu.shape[1] / b)
    return total


@right("accumulate")
def acc_sum_then_divide(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total = None
    for k in range(0, b, micro_batch_size):
        AL, cache = model.forward(X_t[:, k:k + micro_batch_size])
        grads = model.backward(Y_t[:, k:k + micro_batch_size], cache)
        n = min(micro_batch_size, b - k)
        scaled = {name: g * n for name, g in grads.items()}   # back to sums over examples
        total = scaled if total is None else {k2: total[k2] + scaled[k2] for k2 in total}
    return {name: g / b for name, g in total.items()}


@right("accumulate")
def acc_split(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    cuts = list(range(micro_batch_size, b, micro_batch_size))
    total = None
    for X_mu, Y_mu in zip(np.split(X_t, cuts, axis=1), np.split(Y_t, cuts, axis=1)):
        grads = model.loss_and_grads(X_mu, Y_mu)[1]
        w = X_mu.shape[1] / b
        total = ({n: w * g for n, g in grads.items()} if total is None
                 else {n: total[n] + w * g for n, g in grads.items()})
    return total


@wrong("accumulate", "no micro-batching", "one micro-batch at a time")
def acc_whole_batch(model, X_t, Y_t, micro_batch_size):
    _, grads = model.loss_and_grads(X_t, Y_t)
    return grads


@wrong("accumulate", "summed, not weighted", "you summed")
def acc_summed(model, X_t, Y_t, micro_batch_size):
    total = None
    for k in range(0, X_t.shape[1], micro_batch_size):
        _, g = model.loss_and_grads(X_t[:, k:k + micro_batch_size],
                                    Y_t[:, k:k + micro_batch_size])
        total = g if total is None else {n: total[n] + g[n] for n in g}
    return total


@wrong("accumulate", "equal weights", "not equally")
def acc_equal_weights(model, X_t, Y_t, micro_batch_size):
    parts = [model.loss_and_grads(X_t[:, k:k + micro_batch_size],
                                  Y_t[:, k:k + micro_batch_size])[1]
             for k in range(0, X_t.shape[1], micro_batch_size)]
    return {n: sum(p[n] for p in parts) / len(parts) for n in parts[0]}


@wrong("accumulate", "last weighted as full", "its own size")
def acc_fixed_share(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total = None
    for k in range(0, b, micro_batch_size):
        _, g = model.loss_and_grads(X_t[:, k:k + micro_batch_size],
                                    Y_t[:, k:k + micro_batch_size])
        share = micro_batch_size / b
        total = ({n: v * share for n, v in g.items()} if total is None
                 else {n: total[n] + v * share for n, v in g.items()})
    return total


@wrong("accumulate", "calls model.update", "model.update")
def acc_updates(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total = None
    for k in range(0, b, micro_batch_size):
        _, g = model.loss_and_grads(X_t[:, k:k + micro_batch_size],
                                    Y_t[:, k:k + micro_batch_size])
        share = min(micro_batch_size, b - k) / b
        total = ({n: v * share for n, v in g.items()} if total is None
                 else {n: total[n] + v * share for n, v in g.items()})
    model.update(total, 0.1)              # "and take the step"
    return total


@wrong("accumulate", "float64 totals", "the model's dtype")
def acc_float64(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total = {"d" + name: np.zeros(p.shape) for name, p in model.params.items()}
    for k in range(0, b, micro_batch_size):
        _, g = model.loss_and_grads(X_t[:, k:k + micro_batch_size],
                                    Y_t[:, k:k + micro_batch_size])
        for name in total:
            total[name] += g[name] * min(micro_batch_size, b - k) / b
    return total


@wrong("accumulate", "overlapping micro-batches", "overlap")
def acc_overlap(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total = None
    for k in range(0, b, micro_batch_size):
        X_mu, Y_mu = X_t[:, k:k + micro_batch_size + 1], Y_t[:, k:k + micro_batch_size + 1]
        _, g = model.loss_and_grads(X_mu, Y_mu)
        share = X_mu.shape[1] / b
        total = ({n: v * share for n, v in g.items()} if total is None
                 else {n: total[n] + v * share for n, v in g.items()})
    return total


@wrong("accumulate", "drops the last micro-batch", "smaller last micro-batch")
def acc_drops_last(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total = None
    for t in range(b // micro_batch_size):
        sl = slice(t * micro_batch_size, (t + 1) * micro_batch_size)
        _, g = model.loss_and_grads(X_t[:, sl], Y_t[:, sl])
        share = micro_batch_size / b
        total = ({n: v * share for n, v in g.items()} if total is None
                 else {n: total[n] + v * share for n, v in g.items()})
    return total


@wrong("accumulate", "returns (cost, grads)", "only the dict of gradients")
def acc_pair(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total, cost_total = None, 0.0
    for k in range(0, b, micro_batch_size):
        cost, g = model.loss_and_grads(X_t[:, k:k + micro_batch_size],
                                       Y_t[:, k:k + micro_batch_size])
        share = min(micro_batch_size, b - k) / b
        cost_total += cost * share
        total = ({n: v * share for n, v in g.items()} if total is None
                 else {n: total[n] + v * share for n, v in g.items()})
    return cost_total, total


@wrong("accumulate", "parameter names as keys", "keys")
def acc_param_keys(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total = {name: np.zeros_like(p) for name, p in model.params.items()}
    for k in range(0, b, micro_batch_size):
        _, g = model.loss_and_grads(X_t[:, k:k + micro_batch_size],
                                    Y_t[:, k:k + micro_batch_size])
        for name in total:
            total[name] += g["d" + name] * min(micro_batch_size, b - k) / b
    return total


@wrong("accumulate", "shuffles with np.random", "numpy's global random state")
def acc_global_shuffle(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    order = np.random.permutation(b)          # "micro-batches should be random"
    total = None
    for k in range(0, b, micro_batch_size):
        idx = order[k:k + micro_batch_size]
        _, g = model.loss_and_grads(X_t[:, idx], Y_t[:, idx])
        share = len(idx) / b
        total = ({n: v * share for n, v in g.items()} if total is None
                 else {n: total[n] + v * share for n, v in g.items()})
    return total


@wrong("accumulate", "keeps every micro-batch's activations", "one micro-batch at a time")
def acc_forward_all_first(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    caches = [(k, model.forward(X_t[:, k:k + micro_batch_size])[1])
              for k in range(0, b, micro_batch_size)]     # every activation alive at once
    total = None
    for k, cache in caches:
        g = model.backward(Y_t[:, k:k + micro_batch_size], cache)
        share = min(micro_batch_size, b - k) / b
        total = ({n: v * share for n, v in g.items()} if total is None
                 else {n: total[n] + v * share for n, v in g.items()})
    return total


@wrong("accumulate", "adds into the first micro-batch's arrays unweighted",
       "weight the first micro-batch too")
def acc_first_unweighted(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total = None
    for k in range(0, b, micro_batch_size):
        _, g = model.loss_and_grads(X_t[:, k:k + micro_batch_size],
                                    Y_t[:, k:k + micro_batch_size])
        share = min(micro_batch_size, b - k) / b
        if total is None:
            total = g                          # forgot the share here
        else:
            for n in total:
                total[n] += g[n] * share
    return total


# ==== 06: ls_best_rate(X, b) ===================================================================

@right("least_squares_rate")
def rate_course(X, b):
    m = X.shape[1]
    beta = np.max(np.sum(X * X, axis=0))
    lam_max = np.linalg.eigvalsh(X @ X.T / m)[-1]
    return b / (beta + (b - 1) * lam_max)


@right("least_squares_rate")
def rate_norms(X, b):
    m = X.shape[1]
    beta = np.max(np.linalg.norm(X, axis=0) ** 2)
    lam_max = np.linalg.norm(X, 2) ** 2 / m           # the top singular value, squared
    return float(b / (beta + (b - 1) * lam_max))


@right("least_squares_rate")
def rate_gram(X, b):
    m = X.shape[1]
    beta = max(float(X[:, i] @ X[:, i]) for i in range(m))
    lam_max = np.linalg.eigvalsh(X.T @ X / m).max()   # same nonzero eigenvalues as X Xᵀ / m
    return b / (beta + (b - 1) * lam_max)


@wrong("least_squares_rate", "mean |x|²", "not their mean")
def rate_mean_norm(X, b):
    m = X.shape[1]
    lam = np.linalg.eigvalsh(X @ X.T / m)[-1]
    return b / (np.mean(np.sum(X * X, axis=0)) + (b - 1) * lam)


@wrong("least_squares_rate", "rows, not columns", "sums each column (axis=0)")
def rate_rows(X, b):
    m = X.shape[1]
    lam = np.linalg.eigvalsh(X @ X.T / m)[-1]
    return b / (np.max(np.sum(X * X, axis=1)) + (b - 1) * lam)


@wrong("least_squares_rate", "length, not squared", "not the length |x_i|")
def rate_length(X, b):
    m = X.shape[1]
    lam = np.linalg.eigvalsh(X @ X.T / m)[-1]
    return b / (np.max(np.linalg.norm(X, axis=0)) + (b - 1) * lam)


@wrong("least_squares_rate", "H not divided by m", "divide by m before")
def rate_no_divide(X, b):
    beta = np.max(np.sum(X * X, axis=0))
    return b / (beta + (b - 1) * np.linalg.eigvalsh(X @ X.T)[-1])


@wrong("least_squares_rate", "b λ_max", "(b − 1) λ_max, not b λ_max")
def rate_b_lambda(X, b):
    m = X.shape[1]
    beta = np.max(np.sum(X * X, axis=0))
    return b / (beta + b * np.linalg.eigvalsh(X @ X.T / m)[-1])


@wrong("least_squares_rate", "smallest eigenvalue", "the last one, [-1]")
def rate_smallest(X, b):
    m = X.shape[1]
    beta = np.max(np.sum(X * X, axis=0))
    return b / (beta + (b - 1) * np.linalg.eigvalsh(X @ X.T / m)[0])


@wrong("least_squares_rate", "β over all entries", "one example's |x_i|²")
def rate_frobenius(X, b):
    m = X.shape[1]
    beta = np.sum(X * X)
    return b / (beta + (b - 1) * np.linalg.eigvalsh(X @ X.T / m)[-1])


@wrong("least_squares_rate", "singular value not squared", "square the singular value")
def rate_singular(X, b):
    m = X.shape[1]
    beta = np.max(np.sum(X * X, axis=0))
    lam = np.linalg.svd(X, compute_uv=False)[0] / m
    return b / (beta + (b - 1) * lam)


@wrong("least_squares_rate", "scales X in place", "changed the caller's X")
def rate_in_place(X, b):
    m = X.shape[1]
    beta = np.max(np.sum(X * X, axis=0))
    X /= np.sqrt(m)                                  # so that X Xᵀ is H
    return b / (beta + (b - 1) * np.linalg.eigvalsh(X @ X.T)[-1])


@wrong("least_squares_rate", "np.cov", "np.cov")
def rate_cov(X, b):
    beta = np.max(np.sum(X * X, axis=0))
    return b / (beta + (b - 1) * np.linalg.eigvalsh(np.cov(X))[-1])


@wrong("least_squares_rate", "β the largest entry²", "sum over the features")
def rate_max_entry(X, b):
    m = X.shape[1]
    beta = np.max(X * X)
    return b / (beta + (b - 1) * np.linalg.eigvalsh(X @ X.T / m)[-1])


@wrong("least_squares_rate", "linear scaling only", "the (b − 1) λ_max term")
def rate_linear(X, b):
    return b / np.max(np.sum(X * X, axis=0))


@wrong("least_squares_rate", "1/λ_max only", "the β term")
def rate_curvature_only(X, b):
    m = X.shape[1]
    return 1 / np.linalg.eigvalsh(X @ X.T / m)[-1]


@wrong("least_squares_rate", "returns the parts", "one number")
def rate_parts(X, b):
    m = X.shape[1]
    return np.max(np.sum(X * X, axis=0)), np.linalg.eigvalsh(X @ X.T / m)[-1]


@wrong("least_squares_rate", "batch GD special-cased", "at b = m")
def rate_special_case(X, b):
    m = X.shape[1]
    lam = np.linalg.eigvalsh(X @ X.T / m)[-1]
    if b == m:
        return 2 / lam                               # "the stability limit"
    return b / (np.max(np.sum(X * X, axis=0)) + (b - 1) * lam)


EXERCISES = sorted({a.exercise for a in CORPUS})


def judge_by_hints(answer, line) -> str:
    """"named" if the ✗ line contains the answer's own hint, "wrong" if it contains the hint of
    another slip of the same exercise, "none" if neither."""
    if answer.hint in line:
        return "named"
    others = {a.hint for a in CORPUS if a.exercise == answer.exercise and a.hint}
    return "wrong" if any(h in line for h in others - {answer.hint}) else "none"


def table(judge=judge_by_hints) -> str:
    """The corpus run through the checks, as a markdown table: per exercise, the wrong answers
    tried, how many got ✓, how many got ✗ with a hint for another slip, with no hint, and with
    their own slip named; and the right answers that got ✓. judge(answer, ✗ line) says
    "named", "wrong" or "none"."""
    rows = ["| exercise | wrong tried | wrong got ✓ | ✗ wrong hint | ✗ no hint | "
            "✗ naming the slip | right answers ✓ |", "|---|---|---|---|---|---|---|"]
    totals = [0] * 7
    for name in EXERCISES:
        check = getattr(cu.checks, name)
        wrongs = [a for a in CORPUS if a.exercise == name and a.slip != "right"]
        rights = [a for a in CORPUS if a.exercise == name and a.slip == "right"]
        verdicts = [(a, *check.outcome(a.fn)) for a in wrongs]
        passed = sum(status == "right" for _, status, _ in verdicts)
        kinds = [judge(a, line) for a, status, line in verdicts if status == "wrong"]
        right_ok = sum(check.outcome(a.fn)[0] == "right" for a in rights)
        row = [len(wrongs), passed, kinds.count("wrong"), kinds.count("none"),
               kinds.count("named"), right_ok, len(rights)]
        totals = [t + r for t, r in zip(totals, row)]
        rows.append(f"| {name} | " + " | ".join(map(str, row[:5])) + f" | {row[5]} of {row[6]} |")
    rows.append("| **all** | " + " | ".join(map(str, totals[:5]))
                + f" | {totals[5]} of {totals[6]} |")
    return "\n".join(rows)


# Found by a blind probe after the redesign (issue 17): wrong answers that got ✓ or a hint for
# another slip before the checks were amended.
@wrong("least_squares_rate", "unsorted eigvals, first taken", "eigvals does not sort")
def ls_rate_unsorted_eigvals(X, b):
    m = X.shape[1]
    beta = np.max(np.sum(X * X, axis=0))
    lam = np.real(np.linalg.eigvals(X @ X.T / m)[0])
    return b / (beta + (b - 1) * lam)


@wrong("accumulate", "each micro-batch one example short", "one example short each")
def accumulate_minus_one(model, X_t, Y_t, micro_batch_size):
    b = X_t.shape[1]
    total = None
    for k in range(0, b, micro_batch_size):
        end = k + micro_batch_size - 1
        _, grads = model.loss_and_grads(X_t[:, k:end], Y_t[:, k:end])
        share = min(micro_batch_size, b - k) / b
        total = ({n: g * share for n, g in grads.items()} if total is None
                 else {n: total[n] + g * share for n, g in grads.items()})
    return total
