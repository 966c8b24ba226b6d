"""Gradient accumulation: the memory and time of one update computed micro-batch by micro-batch.

A mini-batch too large for the memory budget can still give one update: its gradient is the
average of the gradients of smaller micro-batches (train.accumulated_gradients). Memory falls
with the micro-batch size; the time per example rises once micro-batches get small.
"""

import time
from dataclasses import dataclass

import numpy as np

from ...core.validate import validate_int, validate_model_XY, validate_seed, validate_sizes
from .measure import measure_peak_bytes

MAX_REPEATS = 100  # accumulation_costs: more rounds than this only make a long wait
LEARNING_RATE = 1e-3  # of the measured updates, whose parameters are then put back


@dataclass
class AccumulationCosts:
    """One update on a mini-batch of batch_size examples, its gradient computed micro-batch
    by micro-batch (micro_batch_sizes[k] == batch_size: one plain step).

    peak_bytes[k]: tracemalloc peak of the update. seconds[r, k]: repeat r, CPU seconds per
    update.
    """

    batch_size: int
    micro_batch_sizes: np.ndarray
    peak_bytes: np.ndarray
    seconds: np.ndarray

    @property
    def per_example(self) -> np.ndarray:
        """Seconds per example of the mini-batch, best of the repeats (as timeit reports:
        other programs on the machine can only add time)."""
        return self.seconds.min(axis=0) / self.batch_size

    @property
    def rel_spread(self) -> np.ndarray:
        """Run-to-run noise of the best time, per micro size: (second best - best) / best;
        nan where the best time is 0 (a clock too coarse to see one update)."""
        best, second = np.sort(self.seconds, axis=0)[:2]
        return np.divide(second - best, best, out=np.full(best.shape, np.nan), where=best > 0)


def _validate_model_data(model, X, Y) -> int:
    """X (n_x, b) and Y (n_y, b) in the model's shape and dtype; returns b."""
    for attribute in ("loss_and_grads", "update", "params", "layer_dims", "dtype"):
        if not hasattr(model, attribute):
            raise TypeError(f"model must be a course_utils model (models.MLP), got {model!r}")
    b = validate_model_XY(model, X, Y)
    if X.dtype != model.dtype or Y.dtype != model.dtype:
        raise TypeError(f"X and Y must have the model's dtype {model.dtype.name} (else the step "
                        f"runs in another precision), got {X.dtype.name} and {Y.dtype.name}")
    return b


def accumulation_costs(model, X, Y, micro_batch_sizes, repeats: int = 5,
                       seed=0) -> AccumulationCosts:
    """Peak memory and time of one update on the mini-batch (X (n_x, b), Y (n_y, b)) with
    its gradient accumulated over micro-batches of each size (train.accumulated_gradients).

    micro_batch_sizes: sizes 1 ... b, none twice (b: one plain step). repeats: 2 ...
    MAX_REPEATS rounds. The model's parameters end as they began: each update is undone,
    outside the measurements. Times: CPU seconds of this process (time.process_time: the
    time other programs hold the CPU is not counted), one BLAS thread, one call per
    measurement, the sizes in a new random order in each round.
    """
    from threadpoolctl import threadpool_limits

    from ...core.train import accumulated_gradients

    b = _validate_model_data(model, X, Y)
    micros = np.array(validate_sizes("micro_batch_sizes", micro_batch_sizes, high=b), dtype=int)
    repeats = validate_int("repeats", repeats, low=2, high=MAX_REPEATS)
    validate_seed("seed", seed)
    rng = np.random.default_rng(seed)

    start = {name: p.copy() for name, p in model.params.items()}

    def update(micro):
        if micro == b:
            _, grads = model.loss_and_grads(X, Y)
        else:
            _, grads = accumulated_gradients(model, X, Y, int(micro))
        model.update(grads, LEARNING_RATE)

    def undo():
        for name, p in model.params.items():
            p[...] = start[name]

    peaks, seconds = np.empty(len(micros)), np.empty((repeats, len(micros)))
    with threadpool_limits(1):
        for k, micro in enumerate(micros):
            update(micro)  # warm-up
            undo()
            peaks[k], _ = measure_peak_bytes(update, micro)
            undo()
        for r in range(repeats):
            for k in rng.permutation(len(micros)):
                t0 = time.process_time()
                update(micros[k])
                seconds[r, k] = time.process_time() - t0
                undo()
    return AccumulationCosts(b, micros, peaks, seconds)
