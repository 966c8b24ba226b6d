"""Notebook 04's measurements at full size: vectorisation, powers of two, time to target.

1. time per step of an MLP 784-256-10 (float32) at b = 1 ... 8192, 7 interleaved repeats;
2. powers of two against their odd neighbours (p-1, p, p+1 for p = 32 ... 4096, and
   998/1024/1050) and against neighbours that are multiples of 16, 9 repeats each;
3. time to a training cost of 1.70 on MNIST-1D (softmax regression), b = 1, 2, 4, ..., 4000,
   the learning rate re-tuned per size, 3 repeats of the timing;
4. claim C7 at full size: batch GD against b = 64, 256, 1024 on the logistic teacher, m = 250
   ... 64,000, to two targets, J* + 0.01 and J* + 0.001 (notebook 04 stops at m = 8,000).
Writes benchmarks/results/batch_size_sweep_*.csv. BLAS is pinned to one thread.

    .venv/bin/python benchmarks/batch_size_sweep.py
"""

import csv
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

import course_utils as cu

RESULTS = Path(__file__).resolve().parent / "results"


def make_mlp():
    return cu.models.MLP([784, 256, 10], output="softmax", dtype=np.float32, seed=0)


def write(name, header, rows):
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / name, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def main():
    print("BLAS:", [(i["internal_api"], i.get("architecture")) for i in threadpool_info()])
    # 1. vectorisation
    sizes = [2**k for k in range(14)]
    t = cu.timing.time_steps(make_mlp, sizes, repeats=7, min_seconds=0.1)
    b90 = t.size_reaching(0.9)
    peak = t.throughput.max()
    write("batch_size_sweep_throughput.csv",
          ["batch", "step_s_median", "examples_per_s", "rel_spread"],
          zip(sizes, t.median, t.throughput, t.rel_spread))
    for b, tp, sp in zip(sizes, t.throughput, t.rel_spread):
        print(f"b = {b:5d}: {tp:10,.0f} examples/s  (noise {sp:.1%})")
    # 2. powers of two
    odd = [(p - 1, p, p + 1) for p in (32, 64, 128, 256, 512, 1024, 2048, 4096)]
    odd.append((998, 1024, 1050))  # round neighbours, the same distance from 1,024
    aligned = [(p - 16, p, p + 16) for p in (64, 128, 256, 512, 1024, 2048)]
    p2_sizes = sorted({b for g in odd + aligned for b in g})
    t2 = cu.timing.time_steps(make_mlp, p2_sizes, repeats=9, min_seconds=0.05, seed=1)
    rows_odd = cu.timing.power_of_two_effect(t2, odd)
    rows_al = cu.timing.power_of_two_effect(t2, aligned)
    write("batch_size_sweep_powers_of_two.csv", ["group", "power", "advantage_pct", "noise_pct"],
          [(" ".join(map(str, r["group"])), r["power"], r["advantage_pct"], r["noise_pct"])
           for r in rows_odd + rows_al])
    for r in rows_odd + rows_al:
        print(f"{str(r['group']):20s} power of 2 faster by {r['advantage_pct']:+6.1f} % "
              f"(noise {r['noise_pct']:.1f} %)")
    E = max(r["advantage_pct"] for r in rows_odd)
    N = float(np.median([r["noise_pct"] for r in rows_odd]))
    E_al = max(r["advantage_pct"] for r in rows_al)
    print(f"against multiples-of-16 neighbours the largest advantage is {E_al:+.1f} %")
    # 3. time to target
    split = cu.data.load_mnist1d()
    m = split.X_train.shape[1]
    tt_sizes = [2**k for k in range(12)] + [m]
    rates = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
    runs = [cu.sweep.time_to_target(lambda: cu.models.SoftmaxRegression(40, 10, seed=0),
                                    split.X_train, split.Y_train, tt_sizes, rates, 1.70,
                                    max_epochs=100) for _ in range(3)]
    secs = np.median([[r.seconds for r in run] for run in runs], axis=0)
    write("batch_size_sweep_time_to_target.csv",
          ["batch", "learning_rate", "updates", "examples", "seconds_median_of_3"],
          [(r.batch_size, r.learning_rate, r.updates, r.examples, s)
           for r, s in zip(runs[0], secs)])
    for r, s in zip(runs[0], secs):
        print(f"b = {r.batch_size:5d}: rate {r.learning_rate:6g}, {r.updates:6d} updates, "
              f"{r.examples:7d} examples, {s * 1e3:8.2f} ms")
    reached = [r for r in runs[0] if r.reached]  # a size that missed the target has no count
    s_min, b_noise = cu.sweep.fit_steps_model([r.batch_size for r in reached],
                                              [r.updates for r in reached])
    print(f"steps model: S_min {s_min:.0f}, B_crit {b_noise:.0f}")
    bt = runs[0][int(np.argmin(secs))].batch_size
    # 4. C7 at full size, two targets
    X_all, Y_all, _ = cu.data.make_teacher(64_000, n_x=20, seed=1)
    ms = [250 * 2**k for k in range(9)]
    c7 = {"J*+0.01": [], "J*+0.001": []}
    for m_c7 in ms:
        X7, Y7 = X_all[:, :m_c7], Y_all[:, :m_c7]
        j_star = cu.sweep.min_logistic_cost(X7, Y7)
        for name, tol in zip(c7, (0.01, 0.001)):
            c7[name].append(cu.sweep.compare_with_batch_gd(
                lambda: cu.models.LogisticRegression(20, seed=0), X7, Y7, [64, 256, 1024],
                [0.03, 0.1, 0.3, 1, 3, 10, 30], j_star + tol, repeats=7, calls=3,
                eval_examples=256, start=0.3))
    write("batch_size_sweep_c7.csv",
          ["target", "m", "batch_gd_ms", "best_minibatch", "best_minibatch_ms", "verdict"],
          [(name, c.m, c.median[-1] * 1e3, c.runs[c.best_minibatch].batch_size,
            c.median[c.best_minibatch] * 1e3, c.verdict) for name, cs in c7.items() for c in cs])
    for name, cs in c7.items():
        print(f"C7, target {name} ([range]: the middle rounds):")
        print(cu.sweep.TIMING_HEADER, *map(cu.sweep.format_timing, cs), sep="\n")
    verdicts = {name: [c.verdict for c in cs] for name, cs in c7.items()}
    print("C7:", cu.sweep.describe_targets(ms, verdicts))
    brackets = "; ".join(f"{name} {cu.sweep.crossover(ms, v)}" for name, v in verdicts.items())
    pool = cu.timing.pooled_advantage(rows_odd)
    print(f"peak examples/s {peak:,.0f}, 90% from b={b90 or 'none'}; power-of-two effect {E:.1f}% "
          f"vs noise "
          f"{N:.1f}% (pooled: {pool['positive']} of {pool['groups']} positive); "
          f"fastest-to-target b={bt}; C7 crossover {brackets}")


if __name__ == "__main__":
    main()
