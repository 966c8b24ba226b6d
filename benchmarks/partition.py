"""Time and extra memory of one epoch of mini-batches, three ways (issue: course foundation).

(a) copy:       random_mini_batches: a full shuffled copy of X and Y, then slices
(b) iterator:   iterate_minibatches: each shuffled mini-batch gathered when asked for
(c) sequential: no shuffle, consecutive slices (views): the floor any epoch pays

For m = 10^5 and 10^6 examples of 784 float64 features (X is 6.3 GB at 10^6), mini-batches of
64. Each mini-batch is consumed by a training step of the course's 784-feature MLP (hidden
layer of 256; forward, cost, backward, update), and, for comparison, by a logistic-regression
step (the lightest real step) and by a bare read (X_t.sum()). The floor copies nothing, so
the less work a step does per byte, the larger the iterator's share: all three are printed.
Extra memory is the tracemalloc peak above the data itself.
Time is the median of 3 epochs.

    .venv/bin/python benchmarks/partition.py [--sizes 100000 1000000] [--batch-size 64]
"""

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from course_utils.core.minibatch import iterate_minibatches, random_mini_batches
from course_utils.core.models import MLP
from course_utils.measure.memory import measure_peak_bytes


def read(batches) -> float:
    total = 0.0
    for X_t, Y_t in batches:
        total += X_t.sum() + Y_t.sum()
    return total


def stepper(layer_dims):
    def step(batches) -> float:
        model = MLP(layer_dims, output="sigmoid", seed=0)
        total = 0.0
        for X_t, Y_t in batches:
            cost, grads = model.loss_and_grads(X_t, Y_t)
            model.update(grads, 0.01)
            total += cost
        return total

    return step


CONSUMERS = {
    "mlp": stepper([784, 256, 1]),  # the course's 784-feature MLP (hidden layer of 256)
    "logistic": stepper([784, 1]),  # the lightest real training step
    "read": read,  # no step at all: only read the mini-batch
}


def epoch(way, X, Y, b, seed, consume):
    if way == "copy":
        return consume(random_mini_batches(X, Y, b, seed))
    if way == "iterator":
        return consume(iterate_minibatches(X, Y, b, seed))
    return consume(iterate_minibatches(X, Y, b, shuffle=False))


def seconds(way, X, Y, b, consume, repeats):
    times = []
    for r in range(repeats):
        t0 = time.perf_counter()
        epoch(way, X, Y, b, r, consume)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    b = args.batch_size
    res = {}
    with threadpool_limits(1):
        for m in args.sizes:
            rng = np.random.default_rng(0)
            X = rng.random((m, 784)).T  # (n_x, m), example-major, as the loaders return
            Y = (rng.random((m, 1)) < 0.5).astype(np.float64).T
            print(f"m = {m:,}: X is {X.nbytes / 2**30:.2f} GiB, b = {b}", flush=True)
            for way in ("sequential", "iterator", "copy"):
                peak, _ = measure_peak_bytes(epoch, way, X, Y, b, 0, read)
                res[m, way, "peak"] = peak
                print(f"  {way:10s} extra memory {peak / 2**20:10.2f} MiB", flush=True)
            for name, consume in CONSUMERS.items():
                ways = ("sequential", "iterator", "copy") if name == "mlp" else (
                    "sequential", "iterator")
                for way in ways:
                    res[m, way, name] = seconds(way, X, Y, b, consume, args.repeats)
                ratio = res[m, "iterator", name] / res[m, "sequential", name]
                seq, it = res[m, "sequential", name], res[m, "iterator", name]
                copy = f", copy {res[m, 'copy', name]:7.3f} s" if name == "mlp" else ""
                print(f"  epoch with a {name:8s} step: sequential {seq:7.3f} s, "
                      f"iterator {it:7.3f} s (x{ratio:.2f}){copy}", flush=True)
            del X, Y
    m = max(args.sizes)
    r_mem = res[m, "iterator", "peak"] / res[m, "copy", "peak"]
    r_time = res[m, "iterator", "mlp"] / res[m, "copy", "mlp"]
    floors = {n: res[m, "iterator", n] / res[m, "sequential", n] for n in CONSUMERS}
    print(f"at m = {m:,}: iterator vs floor with a logistic step x{floors['logistic']:.2f}, "
          f"reading only x{floors['read']:.2f} (goal: R_mem <= 0.01, F <= 1.5, MLP step)")
    print(f"iterator vs copy: memory ratio {r_mem:.4f}, time ratio {r_time:.2f}; "
          f"iterator vs sequential floor: {floors['mlp']:.2f}")


if __name__ == "__main__":
    main()
