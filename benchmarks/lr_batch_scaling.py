"""Notebook 06 at full size: the best learning rate against the mini-batch size.

1. MNIST-1D, softmax regression, training cost 1.75: the best rate of a grid a factor √2
   apart (fewest updates to the target, notebook 04's search, the cost evaluated 100 times
   an epoch or after every update), b = 1, 2, 4, ..., 2048 and
   b = m = 4000, 5 seeds (each sets the start and the shuffling). Slopes of log(best rate)
   against log(b) over b <= 16 and b >= 1024, every seed's best rate a point.
2. Least squares that can reach zero (interpolation): all 4,000 MNIST-1D inputs, labels
   y = w*ᵀx, 400 updates from w = 0, rates a factor 2^(1/8) apart, 5 seeds (1 for b = m: no
   shuffling); the measured best rate (closest to w*, median over seeds) against Ma, Bassily
   & Belkin's optimal step size (`interpolation_step_size`: b / (β + (b − 1) λ_min) up to
   b* = β / (λ_max − λ_min) + 1, 2b / (β + (b − 1)(λ_max + λ_min)) above), and against
   the course's simpler one-direction bound b / (β + (b − 1) λ_max), b = 1, 2, ..., 2048, m.

Training counts updates, not seconds: nothing here depends on the machine's speed but the run
time. BLAS is pinned to one thread. Prints, last:
best-lr slope b<=16: A; b>=1024: B; Ma-Bassily-Belkin rate vs measured best (least squares)
ratio b>=64: C; b<=4: D
(one line), C and D the measured / predicted ratio farthest from 1 among b >= 64 and b <= 4.

    .venv/bin/python benchmarks/lr_batch_scaling.py
"""

import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import course_utils.measure.lr_scaling as lrs
from course_utils.core import data, models

SEEDS = (0, 1, 2, 3, 4)


def softmax_slopes(X, Y):
    m = X.shape[1]
    sizes = [2**k for k in range(12)] + [m]  # 1 ... 2048, and m
    grid = [2.0 ** (k / 2) for k in range(-20, 7)]  # 0.001 ... 8, a factor √2 apart
    makes = {s: (lambda s=s: models.SoftmaxRegression(40, 10, seed=s)) for s in SEEDS}
    sweep = lrs.best_rates(makes, X, Y, sizes, grid, 1.75, start=0.01, evals_per_epoch=100)
    best = sweep.best  # (seeds, sizes)
    print("softmax regression, MNIST-1D, best rate to J = 1.75 (per seed; * not bracketed):")
    for k, b in enumerate(sweep.batch_sizes):
        shown = " ".join(f"{r:7.4g}{' ' if ok else '*'}"
                         for r, ok in zip(best[:, k], sweep.bracketed[:, k]))
        print(f"  b = {b:5d}: {shown}   median {sweep.median[k]:.4g}")
    B = np.repeat(np.array(sweep.batch_sizes)[None, :], len(SEEDS), axis=0).ravel()
    eps_max, b_noise = lrs.fit_rate_model(B, best.ravel())
    print(f"  fit eps_opt = eps_max / (1 + B_noise / b): eps_max {eps_max:.3g}, "
          f"B_noise {b_noise:.3g}")
    margin = min(r.margin for runs in sweep.runs for r in runs)
    print(f"  closest evaluation to the target: {margin:.2g} (counts hold on any machine if "
          "far above 1e-12)")
    return (lrs.loglog_slope(B, best.ravel(), high=16),
            lrs.loglog_slope(B, best.ravel(), low=1024))


def least_squares_ratios(X):
    """measured / predicted (the paper's rule) at the worst b >= 64 and the worst b <= 4."""
    m = X.shape[1]
    curv = lrs.least_squares_curvature(X)
    beta, lam, lam_min = curv["beta"], curv["lambda_max"], curv["lambda_min"]
    w_star = np.random.default_rng(0).standard_normal(X.shape[0])
    rates = 2.0 ** np.arange(-9, -1.49, 0.125)  # a factor 2^(1/8) apart
    mean_norm2 = float(np.sum(X * X) / m)
    print(f"least squares, {m} MNIST-1D inputs: beta {beta:.4g} (mean |x|² {mean_norm2:.4g}, "
          f"beta / mean {beta / mean_norm2:.2f}), lambda_max {lam:.4g}, lambda_min "
          f"{lam_min:.3g}, b* = beta / (lambda_max - lambda_min) + 1 "
          f"{lrs.interpolation_critical_size(beta, lam, lam_min):.3g}")
    print("       b  MBB rule  course bound  measured (median)  measured/MBB  measured/course")
    ratios = {}
    for b in [2**k for k in range(12)] + [m]:
        seeds = (0,) if b == m else SEEDS
        dist = np.array([lrs.least_squares_distances(X, w_star, b, rates, 400, seed=s)
                         for s in seeds])
        measured = float(np.median(rates[np.argmin(dist, axis=1)]))
        paper = lrs.interpolation_step_size(beta, lam, lam_min, b)
        course = lrs.interpolation_best_rate(beta, lam, b)
        ratios[b] = measured / paper
        edge = "  [best at the grid's edge]" if measured in (rates[0], rates[-1]) else ""
        print(f"  {b:6d}  {paper:8.4f}  {course:12.4f}  {measured:17.4f}  {ratios[b]:12.2f}  "
              f"{measured / course:15.2f}{edge}")

    def worst(sizes):
        return max((ratios[b] for b in sizes), key=lambda r: abs(np.log(r)))

    return worst([b for b in ratios if b >= 64]), worst([b for b in ratios if b <= 4])


def main():
    t0 = time.perf_counter()
    print("BLAS:", [(i["internal_api"], i.get("architecture")) for i in threadpool_info()])
    mnist = data.load_mnist1d()
    with threadpool_limits(1):
        slope_small, slope_large = softmax_slopes(mnist.X_train, mnist.Y_train)
        ratio_large, ratio_small = least_squares_ratios(mnist.X_train)
    print(f"run time {time.perf_counter() - t0:.0f} s")
    print(f"best-lr slope b<=16: {slope_small:.2f}; b>=1024: {slope_large:.2f}; "
          f"Ma-Bassily-Belkin rate vs measured best (least squares) ratio b>=64: "
          f"{ratio_large:.2f}; b<=4: {ratio_small:.2f}")


if __name__ == "__main__":
    main()
