"""The learning rate and the mini-batch size, together (notebook 06).

* `best_rates` -> `RateSweep`: for several seeds, the learning rate of a grid that reaches a
  target cost in the fewest updates at each batch size (`sweep.time_to_target` per seed),
  with ties and bracketing kept; `loglog_slope` and `fit_rate_model` read it: the slope of
  log(rate) against log(b), and McCandlish et al.'s ε_opt(B) = ε_max / (1 + B_noise / B).
* The exact case, least squares that can reach zero cost (interpolation, Ma, Bassily &
  Belkin 2018): `least_squares_curvature` (β and λ), the paper's `interpolation_step_size`
  and `interpolation_critical_size`, the course's simpler bound `interpolation_best_rate`
  and its `critical_batch_size`, and `least_squares_distances`, mini-batch SGD run for many rates
  at once on the same mini-batches as `train.train` (tests check it against `train`).
* Schedules: `LinearWarmup` (Goyal et al. 2017), `train_in_phases` and `noise_scale_g`
  (grow the batch instead of decaying the rate, Smith et al. 2018).

Normalisation of the least-squares cost, the course's: J(w) = (1 / 2m) Σ_i (wᵀx_i − y_i)²,
so its Hessian is H = X Xᵀ / m, and one example's cost ½ (wᵀx_i − y_i)² has curvature
|x_i|² along x_i. β = max_i |x_i|², λ_max = the largest eigenvalue of H.
"""

import math
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from ..core.minibatch import iterate_minibatches, num_minibatches
from ..core.train import train
from ..core.validate import (
    validate_finite_array,
    validate_int,
    validate_learning_rates,
    validate_positive_float,
    validate_real,
    validate_seed,
    validate_sizes,
    validate_values,
    validate_XY,
)
from .sweep_tuning import fit_steps_model, time_to_target

# ---- best rates, measured ---------------------------------------------------------------------


@dataclass
class RateSweep:
    """The tuned runs of `best_rates`: runs[s][k] is seed s at batch_sizes[k]."""

    batch_sizes: tuple
    seeds: tuple
    runs: list

    def tied(self, s: int, k: int) -> list:
        """The rates that tie for the fewest updates (seed index s, size index k); [] if no
        rate reached the target."""
        r = self.runs[s][k]
        return [rate for rate, n in r.tried.items() if r.reached and n == r.updates]

    @property
    def best(self) -> np.ndarray:
        """(seeds, sizes): the best rate; for a tie, the geometric mean of the tied rates;
        nan where no rate reached the target."""
        return np.array([[math.exp(np.mean(np.log(self.tied(s, k)))) if self.tied(s, k)
                          else math.nan for k in range(len(self.batch_sizes))]
                         for s in range(len(self.seeds))])

    @property
    def bracketed(self) -> np.ndarray:
        """(seeds, sizes): True where the grid rates just below and just above the tied best
        rates were tried (and so did worse: a rate as good would be among the tied): the
        best is then known to the grid's spacing. False at the grid's edge, when a neighbour
        was not tried (the walk stops at a tie), or when no rate reached the target."""
        out = np.zeros((len(self.seeds), len(self.batch_sizes)), dtype=bool)
        for s in range(len(self.seeds)):
            for k in range(len(self.batch_sizes)):
                r, tied = self.runs[s][k], self.tied(s, k)
                if not tied:
                    continue
                grid = list(r.grid)
                lo, hi = grid.index(min(tied)), grid.index(max(tied))
                out[s, k] = (lo > 0 and hi < len(grid) - 1
                             and grid[lo - 1] in r.tried and grid[hi + 1] in r.tried)
        return out

    @property
    def median(self) -> np.ndarray:
        """(sizes,): the median best rate over the seeds (nan if no seed reached it)."""
        best = self.best
        return np.array([np.median(col[np.isfinite(col)]) if np.isfinite(col).any()
                         else math.nan for col in best.T])


def best_rates(make_models: dict, X, Y, batch_sizes, learning_rates, target_cost: float,
               start=None, max_epochs: int = 50, evals_per_epoch: int = 20) -> RateSweep:
    """Tune the learning rate at every batch size, once per seed, by updates to a target cost.

    make_models: {seed: make_model}, make_model() a fresh model as everywhere in the course;
    the seed shuffles that seed's mini-batches, so its factory may also start the model
    differently. The rest is `sweep.time_to_target` per seed: each size walks the grid from
    the best rate of the size before (`start` for the smallest). Returns a RateSweep.
    """
    if not isinstance(make_models, dict) or not make_models:
        raise TypeError(f"make_models must be a non-empty dict {{seed: make_model}}, got "
                        f"{make_models!r}")
    seeds = tuple(validate_int(f"make_models key {s!r}", s, low=0) for s in make_models)
    m = validate_XY(X, Y)
    sizes = sorted(validate_sizes("batch_sizes", batch_sizes, high=m))
    runs = [time_to_target(make_models[s], X, Y, sizes, learning_rates, target_cost,
                           max_epochs=max_epochs, evals_per_epoch=evals_per_epoch,
                           start=start, seed=s) for s in seeds]
    return RateSweep(tuple(sizes), seeds, runs)


def loglog_slope(batch_sizes, rates, low: float = 0, high: float = math.inf) -> float:
    """The least-squares slope of log(rate) against log(b), over the b in [low, high].

    1 is the linear scaling rule (k times the batch, k times the rate), 0 a rate that no
    longer moves with b. batch_sizes and rates: one entry per measurement (repeat a size
    for several seeds); needs two different sizes in the range.
    """
    B = validate_values("batch_sizes", batch_sizes, low=0, low_open=True)
    r = validate_values("rates", rates, low=0, low_open=True)
    if B.size != r.size:
        raise ValueError(f"batch_sizes and rates must have the same length, got {B.size} and "
                         f"{r.size}")
    low = validate_real("low", low, low=0)
    if high != math.inf:
        high = validate_real("high", high, low=low)
    inside = (B >= low) & (B <= high)
    if np.unique(B[inside]).size < 2:
        raise ValueError(f"need at least two different batch sizes in [{low:g}, {high:g}], "
                         f"got {sorted(set(B[inside].tolist()))}")
    return float(np.polyfit(np.log(B[inside]), np.log(r[inside]), 1)[0])


def fit_rate_model(batch_sizes, rates) -> tuple[float, float]:
    """Fit ε_opt(B) = ε_max / (1 + B_noise / B) to measured best rates; returns
    (ε_max, B_noise) (McCandlish et al. 2018).

    1 / ε_opt = (1 / ε_max)(1 + B_noise / B) has the form of their steps model, so this is
    `sweep.fit_steps_model` on 1 / rate (least squares on log rate). Raises ValueError when
    no B_noise between min(B) / 100 and max(B) * 100 fits (rates that grow like B everywhere,
    or do not grow at all).
    """
    r = validate_values("rates", rates, low=0, low_open=True, min_size=2)
    inverse_min, b_noise = fit_steps_model(batch_sizes, 1.0 / r)
    return 1.0 / inverse_min, b_noise


# ---- the exact case: least squares that interpolates ------------------------------------------


def least_squares_curvature(X) -> dict:
    """β = max_i |x_i|² (the largest example norm, squared), and λ_max, λ_min of the Hessian
    H = X Xᵀ / m of the cost (1 / 2m) Σ (wᵀx_i − y_i)². X: (n_x, m), finite."""
    if not isinstance(X, np.ndarray) or X.ndim != 2 or 0 in X.shape:
        raise ValueError(f"X must be a 2-D array (n_x, m) with at least one entry, got "
                         f"{getattr(X, 'shape', type(X).__name__)}")
    validate_finite_array("X", X)
    m = X.shape[1]
    with threadpool_limits(1):
        eig = np.linalg.eigvalsh(X @ X.T / m)
    return {"beta": float(np.max(np.sum(X * X, axis=0))), "lambda_max": float(eig[-1]),
            "lambda_min": float(eig[0])}


def _validate_beta_lambda(beta, lambda_max) -> tuple:
    beta = validate_positive_float("beta", beta)
    lambda_max = validate_positive_float("lambda_max", lambda_max)
    if lambda_max > beta * (1 + 1e-9):  # λ_max <= mean |x|² <= max |x|² for any data
        raise ValueError(f"lambda_max must be <= beta (the top eigenvalue of X Xᵀ / m is at "
                         f"most the largest |x_i|²), got lambda_max {lambda_max!r} > beta "
                         f"{beta!r}")
    return beta, lambda_max


def interpolation_best_rate(beta: float, lambda_max: float, batch_size) -> float:
    """The course's own simpler bound (not the paper's rule, `interpolation_step_size`):
    η(b) = b / (β + (b − 1) λ_max), the learning rate that makes the guaranteed decrease of
    E|w − w*|² in one step of mini-batch SGD largest, for least squares with an exact
    solution w* (interpolation), the b examples drawn with replacement.

    It bounds every direction by the sharpest one (|H e|² <= λ_max eᵀH e), so it saturates
    at 1 / λ_max, half the ceiling. Derivation (the course's, for its normalisation): one
    step multiplies E|w − w*|² by at most 1 − η (2 − η c) λ_min with c = β / b +
    (1 − 1 / b) λ_max, which is smallest at η = 1 / c. The same form as McCandlish et al.'s
    ε_opt, with ε_max = 1 / λ_max and B_noise = β / λ_max − 1.
    """
    beta, lambda_max = _validate_beta_lambda(beta, lambda_max)
    b = validate_positive_float("batch_size", batch_size)
    if b < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
    return b / (beta + (b - 1) * lambda_max)


def interpolation_step_size(beta: float, lambda_max: float, lambda_min: float,
                            batch_size) -> float:
    """Ma, Bassily & Belkin's (2018) optimal step size for mini-batch SGD on least squares
    that interpolates (their quadratic case; they write m for b, λ₁ for λ_max and λ_k or λ_n
    for λ_min, the smallest non-zero eigenvalue of H):

        η*(b) = b / (β + (b − 1) λ_min)             for b <= b* = β / (λ_max − λ_min) + 1,
        η*(b) = 2b / (β + (b − 1)(λ_max + λ_min))   above b*.

    It minimises their bound on the factor by which one step multiplies E|w − w*|² along
    the worst eigen-direction: 1 − 2ηλ + η² λ (β + (b − 1) λ) / b, whose largest value over
    λ in [λ_min, λ_max] sits at one of the two ends. Below b* the optimum of the flattest
    direction is still stable in the sharpest (≈ b / β: linear scaling); above, the two ends
    balance, and the rate saturates at 2 / (λ_max + λ_min), gradient descent's classic
    optimal constant step on a quadratic. The authors' EigenPro 2 code
    (`_compute_opt_params`) uses the same rule with λ_min ≈ 0: b / β, then 2b / (β + (b − 1)
    λ_max).
    """
    beta, lambda_max = _validate_beta_lambda(beta, lambda_max)
    lambda_min = validate_real("lambda_min", lambda_min, low=0)
    if lambda_min >= lambda_max:
        raise ValueError(f"lambda_min must be < lambda_max, got lambda_min {lambda_min!r} >= "
                         f"lambda_max {lambda_max!r}")
    b = validate_positive_float("batch_size", batch_size)
    if b < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size!r}")
    if b <= interpolation_critical_size(beta, lambda_max, lambda_min):
        return b / (beta + (b - 1) * lambda_min)
    return 2 * b / (beta + (b - 1) * (lambda_max + lambda_min))


def interpolation_critical_size(beta: float, lambda_max: float, lambda_min: float = 0.0) -> float:
    """Ma, Bassily & Belkin's critical mini-batch size b* = β / (λ_max − λ_min) + 1, where
    `interpolation_step_size` changes regime (≈ β / λ_max + 1 when λ_min << λ_max)."""
    beta, lambda_max = _validate_beta_lambda(beta, lambda_max)
    lambda_min = validate_real("lambda_min", lambda_min, low=0)
    if lambda_min >= lambda_max:
        raise ValueError(f"lambda_min must be < lambda_max, got lambda_min {lambda_min!r} >= "
                         f"lambda_max {lambda_max!r}")
    return beta / (lambda_max - lambda_min) + 1


def critical_batch_size(beta: float, lambda_max: float) -> float:
    """b* = β / λ_max, where the rate's two regimes meet: below it η*(b) ≈ b / β grows like b
    (linear scaling), above it η*(b) ≈ 1 / λ_max stays put (saturation)."""
    beta, lambda_max = _validate_beta_lambda(beta, lambda_max)
    return beta / lambda_max


def least_squares_distances(X, w_star, batch_size: int, learning_rates, updates: int, seed=0,
                            w0=None) -> np.ndarray:
    """|w − w*|² after `updates` steps of mini-batch SGD on y = w*ᵀx (no noise), one entry per
    learning rate (inf where a rate diverged).

    Every rate runs on the same mini-batches, those `train.train` draws with this seed, from
    w0 (default 0): the model LinearRegression(n_x, bias=False) trained by `train` with
    max_updates=updates ends at the same w, up to rounding. All rates advance together as
    the columns of one (n_x, rates) array, so a sweep of rates costs about one run. Computes
    in float64, the trainer's default (X, w_star and w0 are converted).
    """
    if not isinstance(X, np.ndarray):
        raise TypeError(f"X must be a numpy array (n_x, m), got {type(X).__name__}")
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n_x, m), got shape {X.shape}")
    X = X.astype(np.float64, copy=False)
    w_star = np.asarray(w_star, dtype=np.float64)
    if w_star.shape != (X.shape[0],):
        raise ValueError(f"w_star must have shape ({X.shape[0]},) for X of shape {X.shape}, "
                         f"got {w_star.shape}")
    Y = (w_star @ X)[None, :]  # (1, m): labels the model can fit exactly
    m = validate_XY(X, Y)
    validate_finite_array("X", X)
    validate_finite_array("w_star", w_star[None, :])
    b = validate_int("batch_size", batch_size, high=m)
    rates = np.array(validate_learning_rates("learning_rates", learning_rates))  # (R,)
    updates = validate_int("updates", updates)
    validate_seed("seed", seed)
    w0 = np.zeros_like(w_star) if w0 is None else np.asarray(w0, dtype=np.float64)
    if w0.shape != w_star.shape:
        raise ValueError(f"w0 must have shape {w_star.shape}, got {w0.shape}")
    W = np.repeat(w0[:, None], rates.size, axis=1)  # (n_x, R): one column per rate
    rng = np.random.default_rng(seed)
    done = 0
    with np.errstate(over="ignore", invalid="ignore"), threadpool_limits(1):
        while done < updates:  # one epoch per pass, reshuffled as train does
            for X_t, Y_t in iterate_minibatches(X, Y, b, seed=rng, shuffle=b < m):
                residual = X_t.T @ W - Y_t.T  # (b_t, R): wᵀx − y, each example, each rate
                W -= (X_t @ residual) / X_t.shape[1] * rates  # the gradient step of each rate
                done += 1
                if done == updates:
                    break
        distance = np.sum((W - w_star[:, None]) ** 2, axis=0)
    return np.where(np.isfinite(distance), distance, np.inf)


# ---- schedules: warm-up, and growing the batch -------------------------------------------------


class LinearWarmup:
    """learning_rate(epoch) = learning_rate × min(1, (epoch + 1) / warmup_epochs): the rate
    climbs in equal steps over the first warmup_epochs epochs, then stays (gradual warm-up,
    Goyal et al. 2017, here one step per epoch, the granularity of train's schedules)."""

    def __init__(self, learning_rate: float, warmup_epochs: int):
        self.learning_rate = validate_positive_float("learning_rate", learning_rate)
        self.warmup_epochs = validate_int("warmup_epochs", warmup_epochs)

    def __call__(self, epoch: int) -> float:
        epoch = validate_int("epoch", epoch, low=0)
        return self.learning_rate * min(1.0, (epoch + 1) / self.warmup_epochs)

    def __repr__(self):
        return (f"LinearWarmup(learning_rate={self.learning_rate:g}, "
                f"warmup_epochs={self.warmup_epochs})")


def noise_scale_g(learning_rate: float, batch_size: int, m: int) -> float:
    """g = ε (m / b − 1): the scale of the noise in SGD's updates (Smith et al. 2018, who
    write N for m and B for b). Dividing ε by k or multiplying b by k divides it by about k
    while b << m; at b = m it is 0 (batch GD has no noise)."""
    epsilon = validate_positive_float("learning_rate", learning_rate)
    m = validate_int("m", m)
    b = validate_int("batch_size", batch_size, high=m)
    return epsilon * (m / b - 1)


@dataclass
class PhasedRun:
    """A run through several phases. Arrays over the evaluations, in order: updates and
    examples so far, and the full training cost. phase_updates[k], phase_examples[k]: where
    phase k began. histories: each phase's train.History."""

    phases: list
    updates: np.ndarray
    examples: np.ndarray
    cost: np.ndarray
    phase_updates: list
    phase_examples: list
    histories: list

    @property
    def diverged(self) -> bool:
        return any(h.diverged for h in self.histories)


def train_in_phases(model, X, Y, phases, seed=0, evals_per_epoch: int = 4) -> PhasedRun:
    """Train `model` (in place) through phases [(batch_size, learning_rate, epochs), ...],
    each phase `train.train` continuing from where the last one stopped. One generator,
    seeded by `seed`, shuffles every phase. The cost is evaluated about evals_per_epoch times
    per epoch. Stops after a phase that diverged."""
    m = validate_XY(X, Y)
    validate_seed("seed", seed)
    evals_per_epoch = validate_int("evals_per_epoch", evals_per_epoch)
    if isinstance(phases, (str, bytes)) or not hasattr(phases, "__iter__"):
        raise TypeError(f"phases must be a list of (batch_size, learning_rate, epochs), "
                        f"got {phases!r}")
    phases = list(phases)
    if not phases:
        raise ValueError("phases must hold at least one (batch_size, learning_rate, epochs)")
    checked = []
    for i, phase in enumerate(phases):
        if not isinstance(phase, (tuple, list)) or len(phase) != 3:
            raise ValueError(f"phases[{i}] must be (batch_size, learning_rate, epochs), "
                             f"got {phase!r}")
        checked.append((validate_int(f"phases[{i}] batch_size", phase[0], high=m),
                        validate_positive_float(f"phases[{i}] learning_rate", phase[1]),
                        validate_int(f"phases[{i}] epochs", phase[2])))
    rng = np.random.default_rng(seed)
    updates, examples, cost, starts_u, starts_e, histories = [], [], [], [], [], []
    done_u = done_e = 0
    for b, rate, epochs in checked:
        every = max(1, num_minibatches(m, b) // evals_per_epoch)
        h = train(model, X, Y, b, rate, epochs, seed=rng, eval_every=every)
        first = 0 if not histories else 1  # a phase's first evaluation repeats the last one
        starts_u.append(done_u)
        starts_e.append(done_e)
        updates += [done_u + u for u in h.eval_updates[first:]]
        examples += [done_e + e for e in h.eval_examples[first:]]
        cost += h.eval_cost[first:]
        done_u += h.updates
        done_e += h.examples_seen
        histories.append(h)
        if h.diverged:
            break
    return PhasedRun(checked, np.array(updates), np.array(examples), np.array(cost),
                     starts_u, starts_e, histories)


__all__ = ["LinearWarmup", "PhasedRun", "RateSweep", "best_rates",
           "critical_batch_size", "fit_rate_model", "interpolation_best_rate",
           "interpolation_critical_size", "interpolation_step_size",
           "least_squares_curvature", "least_squares_distances",
           "loglog_slope", "noise_scale_g", "train_in_phases"]
