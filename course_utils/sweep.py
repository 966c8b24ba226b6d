"""Time to a target cost against the mini-batch size, the learning rate re-tuned per size.

For each batch size b, train with the learning rates of a small grid in increasing order,
each run stopping when the full training cost reaches the target, and keep the rate that
needed the fewest updates (a count that does not depend on the machine); the search stops at
the first rate that does worse than the best so far, and a run is cut off once it has used
as many updates as the best. The best rate grows with the batch size (the linear scaling rule
of Goyal et al. 2017), so the search for the next size starts one grid step below it.
Then fit McCandlish et al.'s model of the steps to a target, S(B) = S_min (1 + B_noise / B).
"""

from dataclasses import dataclass

import numpy as np

from .minibatch import num_minibatches
from .train import train


@dataclass
class TargetResult:
    """The best run for one batch size (reached=False if no learning rate reached it)."""

    batch_size: int
    learning_rate: float
    reached: bool
    updates: int
    examples: int
    seconds: float


def time_to_target(make_model, X, Y, batch_sizes, learning_rates, target_cost: float,
                   max_epochs: int = 50, evals_per_epoch: int = 20, seed=0) -> list:
    """One TargetResult per batch size (see the module docstring).

    The full training cost is evaluated about `evals_per_epoch` times per epoch (and after
    every update when an epoch has fewer updates than that), so updates and examples are
    resolved to within 1 / evals_per_epoch of an epoch. Evaluation time is not counted.
    """
    m = X.shape[1]
    rates = sorted(learning_rates)
    start = 0
    results = []
    for b in sorted(batch_sizes):
        per_epoch = num_minibatches(m, b)
        every = max(1, per_epoch // evals_per_epoch)
        best = None
        for lr in rates[start:]:
            h = train(make_model(), X, Y, b, lr, max_epochs, seed=seed, eval_every=every,
                      target_cost=target_cost,
                      max_updates=best.updates if best else None)  # slower cannot win
            if h.reached_target and (best is None or h.updates < best.updates):
                best = TargetResult(b, lr, True, h.updates, h.examples_seen, h.seconds)
            elif best is not None:
                break  # past the best rate: larger ones only get slower or diverge
        if best is not None:  # larger batches take larger rates: start one below this best
            start = max(0, rates.index(best.learning_rate) - 1)
        results.append(best or TargetResult(b, float("nan"), False, -1, -1, float("nan")))
    return results


def fit_steps_model(batch_sizes, steps) -> tuple[float, float]:
    """Fit S = S_min (1 + B_noise / B) to measured steps; returns (S_min, B_noise).

    The steps span decades, so the fit minimises squared errors of log S (relative errors):
    for each B_noise on a fine log grid, the best S_min is closed-form (a geometric mean),
    and the B_noise with the smallest residual wins.
    """
    B = np.asarray(batch_sizes, float)
    log_S = np.log(np.asarray(steps, float))
    best = (np.inf, 0.0, 0.0)
    for b_noise in np.geomspace(B.min() / 100, B.max() * 100, 2000):
        log_shape = np.log1p(b_noise / B)
        log_s_min = np.mean(log_S - log_shape)
        residual = np.sum((log_S - log_s_min - log_shape) ** 2)
        if residual < best[0]:
            best = (residual, float(np.exp(log_s_min)), float(b_noise))
    return best[1], best[2]
