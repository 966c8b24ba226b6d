"""One trainer for batch GD, SGD and mini-batch GD: only `batch_size` changes.

    history = train(model, X, Y, batch_size=64, learning_rate=0.1, epochs=10, seed=0)

batch_size = m is batch gradient descent, batch_size = 1 is stochastic gradient descent.
Training never prints or plots; everything it saw is in the returned History.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from .minibatch import iterate_minibatches, num_minibatches
from .validate import (
    validate_bool,
    validate_finite_array,
    validate_int,
    validate_model_XY,
    validate_positive_float,
    validate_real,
    validate_seed,
)


class InverseTimeDecay:
    """learning_rate(epoch) = initial_learning_rate / (1 + decay_rate * epoch): learning-rate
    decay as in §2.9 of the source course (学习率衰减), the rate falling with the epoch number.
    Pass an instance as train(learning_rate=...)."""

    def __init__(self, initial_learning_rate: float, decay_rate: float):
        self.initial_learning_rate = validate_positive_float("initial_learning_rate",
                                                             initial_learning_rate)
        self.decay_rate = validate_real("decay_rate", decay_rate, low=0)

    def __call__(self, epoch: int) -> float:
        epoch = validate_int("epoch", epoch, low=0)
        return self.initial_learning_rate / (1.0 + self.decay_rate * epoch)

    def __repr__(self):
        return (f"InverseTimeDecay(initial_learning_rate={self.initial_learning_rate:g}, "
                f"decay_rate={self.decay_rate:g})")


@dataclass
class History:
    """What one training run saw. Lists indexed by step run in step order.

    step_cost[k]       cost of mini-batch k, measured on that mini-batch before its update
    step_examples[k]   examples seen after step k (cumulative)
    step_seconds[k]    training seconds after step k (cumulative; evaluation excluded)
    epoch_cost[e]      mean of the step costs of epoch e, weighted by mini-batch size
    eval_*             full-training-set cost (and test metrics) at the evaluation points
    test_cost, test_accuracy  on (X_test, Y_test) there; no accuracy for a linear output
    path               parameter vectors after each update (record_path=True), start first
    """

    batch_size: int
    m: int
    learning_rate: object
    step_cost: list = field(default_factory=list)
    step_examples: list = field(default_factory=list)
    step_seconds: list = field(default_factory=list)
    epoch_cost: list = field(default_factory=list)
    epoch_learning_rate: list = field(default_factory=list)
    eval_updates: list = field(default_factory=list)
    eval_examples: list = field(default_factory=list)
    eval_seconds: list = field(default_factory=list)
    eval_cost: list = field(default_factory=list)
    test_cost: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
    path: list = field(default_factory=list)
    updates: int = 0
    examples_seen: int = 0
    seconds: float = 0.0
    diverged: bool = False
    reached_target: bool = False
    message: str = ""

    def __post_init__(self):
        self.m = validate_int("m", self.m)  # epochs divides by it
        self.batch_size = validate_int("batch_size", self.batch_size, high=self.m)

    @property
    def epochs(self) -> float:
        """Epochs completed, as a fraction (examples seen / m)."""
        return self.examples_seen / self.m

    @property
    def final_cost(self) -> float:
        """The last full-training-set cost evaluated (nan if none)."""
        return self.eval_cost[-1] if self.eval_cost else math.nan


def evaluate_cost(model, X, Y, chunk: int = 8192) -> float:
    """Mean cost over all of (X, Y), in chunks of columns so memory stays bounded.
    X, Y: (n_x, m), (n_y, m) in the model's dtype. chunk: columns per forward pass."""
    m = validate_model_XY(model, X, Y)
    chunk = validate_int("chunk", chunk)
    total = 0.0
    for k in range(0, m, chunk):
        X_c = X[:, k : k + chunk]
        _, cache = model.forward(X_c)
        total += model.cost(Y[:, k : k + chunk], cache) * X_c.shape[1]
    return total / m


def train(
    model,
    X,
    Y,
    batch_size: int,
    learning_rate=0.1,
    epochs: int = 10,
    seed=0,
    *,
    eval_every: int | None = None,
    X_test=None,
    Y_test=None,
    target_cost: float | None = None,
    max_updates: int | None = None,
    max_seconds: float | None = None,
    record_path: bool = False,
    blas_threads: int | None = 1,
) -> History:
    """Mini-batch gradient descent on (X, Y) for `epochs` passes; returns a History.

    X: (n_x, m), Y: (n_y, m), finite; converted once to the model's dtype (so are X_test and
    Y_test), the one conversion the course makes on purpose. Y must fit the model's output:
    0/1 labels for sigmoid, one-hot columns for softmax (model.validate_labels).
    batch_size: 1 <= batch_size <= m (a mini-batch larger than the data set is an error, not
    silently m). learning_rate: a number > 0, or a schedule called with the epoch number
    (e.g. InverseTimeDecay) whose every value must be > 0. Each epoch
    reshuffles with a generator seeded by `seed`: the same seed gives the same history.
    eval_every: updates between full-training-set evaluations (default: once per epoch; an
    evaluation at update 0 and at the end is always made). Evaluation time is not counted
    in `seconds`. target_cost: stop once the full training cost is at or below it (>= 0: no
    cost of the course is negative).
    max_updates: stop after this many updates. max_seconds: a budget in training time, for
    comparisons at equal time: training stops at it, never past it. The update that would end
    past max_seconds is undone (parameters restored, its time and cost not recorded), so
    `seconds` <= max_seconds and the last evaluation is the model as it stood at the budget
    (the number of updates that fit depends on the machine and its load).
    A non-finite cost stops training with history.diverged = True and a message saying where.
    blas_threads: BLAS threads while training (restored afterwards; None leaves them as they
    are). One thread is the fair setting for timing and, for the course's small matrices,
    usually the fastest: on a busy 2-core machine extra threads can make a step 10x slower.
    """
    m = validate_model_XY(model, X, Y)
    batch_size = validate_int("batch_size", batch_size, high=m)
    epochs = validate_int("epochs", epochs)
    validate_seed("seed", seed)
    schedule = learning_rate if callable(learning_rate) else None
    if schedule is None:
        validate_positive_float("learning_rate", learning_rate)
    if eval_every is not None:
        eval_every = validate_int("eval_every", eval_every)
    if max_updates is not None:
        max_updates = validate_int("max_updates", max_updates)
    if max_seconds is not None:
        max_seconds = validate_positive_float("max_seconds", max_seconds)
    if target_cost is not None:
        target_cost = validate_real("target_cost", target_cost, low=0)
    record_path = validate_bool("record_path", record_path)
    if blas_threads is not None:
        blas_threads = validate_int("blas_threads", blas_threads)
    if (X_test is None) != (Y_test is None):
        raise ValueError("give both X_test and Y_test, or neither")

    X, Y = _as_model_data(model, X, Y, "X", "Y")  # once, not per step
    if X_test is not None:
        validate_model_XY(model, X_test, Y_test, "X_test", "Y_test")
        X_test, Y_test = _as_model_data(model, X_test, Y_test, "X_test", "Y_test")
    rng = np.random.default_rng(seed)
    hist = History(batch_size=batch_size, m=m, learning_rate=learning_rate)
    per_epoch = num_minibatches(m, batch_size)
    every = eval_every or per_epoch

    def evaluate():
        hist.eval_updates.append(hist.updates)
        hist.eval_examples.append(hist.examples_seen)
        hist.eval_seconds.append(hist.seconds)
        hist.eval_cost.append(evaluate_cost(model, X, Y))
        if X_test is not None:
            hist.test_cost.append(evaluate_cost(model, X_test, Y_test))
            if model.output != "linear":  # accuracy means classes
                hist.test_accuracy.append(model.accuracy(X_test, Y_test))
        if target_cost is not None and hist.eval_cost[-1] <= target_cost:
            hist.reached_target = True
        return hist.reached_target

    if record_path:
        hist.path.append(model.get_flat())
    with np.errstate(over="ignore", invalid="ignore"), threadpool_limits(blas_threads):
        stop = evaluate()
        for epoch in range(epochs):
            if stop:
                break
            lr = learning_rate
            if schedule:
                lr = validate_positive_float(f"learning_rate({epoch}) (the schedule's value at "
                                             f"epoch {epoch})", schedule(epoch))
            hist.epoch_learning_rate.append(lr)
            # Batch GD (b = m) sees every example each step: shuffling would only copy X.
            batches = iterate_minibatches(X, Y, batch_size, seed=rng, shuffle=batch_size < m)
            epoch_sum, epoch_n = 0.0, 0
            while True:
                before = model.get_flat() if max_seconds is not None else None  # untimed
                t0 = time.perf_counter()
                batch = next(batches, None)
                if batch is None:
                    break
                X_t, Y_t = batch
                cost, grads = model.loss_and_grads(X_t, Y_t, check=False)  # X, Y checked once
                if not math.isfinite(cost):
                    hist.diverged = True
                    hist.message = (
                        f"diverged: the cost became {cost} at epoch {epoch}, update "
                        f"{hist.updates} (batch_size={batch_size}, learning rate {lr:g}); "
                        "try a smaller learning rate"
                    )
                    stop = True
                    break
                model.update(grads, lr, check=False)  # lr checked above
                step_seconds = time.perf_counter() - t0
                if max_seconds is not None and hist.seconds + step_seconds > max_seconds:
                    model.set_flat(before)  # this update ends past the budget: undo it
                    stop = True
                    break
                hist.seconds += step_seconds
                b_t = X_t.shape[1]
                hist.updates += 1
                hist.examples_seen += b_t
                hist.step_cost.append(cost)
                hist.step_examples.append(hist.examples_seen)
                hist.step_seconds.append(hist.seconds)
                epoch_sum += cost * b_t
                epoch_n += b_t
                if record_path:
                    hist.path.append(model.get_flat())
                if max_updates is not None and hist.updates >= max_updates:
                    stop = True
                    break
                if hist.updates % every == 0 and evaluate():
                    stop = True
                    break
            if epoch_n:
                hist.epoch_cost.append(epoch_sum / epoch_n)
        if not hist.diverged and hist.eval_updates[-1] != hist.updates:
            evaluate()  # the end, under the same BLAS threads as every other evaluation
    if not hist.diverged and not math.isfinite(hist.final_cost):
        hist.diverged = True
        hist.message = f"diverged: the training cost is {hist.final_cost} after training"
    return hist


def _as_model_data(model, X, Y, x_name, y_name):
    """X and Y in the model's dtype (a copy only if needed), checked finite and Y checked to
    fit the model's output."""
    for name, A in ((x_name, X), (y_name, Y)):
        if A.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold numbers, got dtype {A.dtype}")
        validate_finite_array(name, A)
    X = X.astype(model.dtype, copy=False)
    Y = Y.astype(model.dtype, copy=False)
    model.validate_labels(Y, y_name)
    return X, Y


def accumulated_gradients(model, X_t, Y_t, micro_batch_size: int):
    """(cost, grads) of the mini-batch (X_t, Y_t), computed micro-batch by micro-batch.

    Gradient accumulation: each micro-batch's gradient is weighted by its share of the
    mini-batch and summed, so the result equals model.loss_and_grads(X_t, Y_t) up to
    rounding, while only one micro-batch's activations are in memory at a time.
    """
    b = validate_model_XY(model, X_t, Y_t)
    micro_batch_size = validate_int("micro_batch_size", micro_batch_size, high=b)
    total_cost, total = 0.0, None
    for k in range(0, b, micro_batch_size):
        cost, grads = model.loss_and_grads(X_t[:, k : k + micro_batch_size],
                                           Y_t[:, k : k + micro_batch_size])
        share = min(micro_batch_size, b - k) / b
        total_cost += cost * share
        if total is None:
            total = {name: g * share for name, g in grads.items()}
        else:
            for name, g in grads.items():
                g *= share
                total[name] += g
    return total_cost, total
