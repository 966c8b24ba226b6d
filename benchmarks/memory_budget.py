"""The memory budget at full size (issue: memory budget).

(a) course_utils.measure.memory.step_memory against a real step under tracemalloc, for every model
    of course_utils (logistic, softmax and linear regression, MLP) at b = 1 ... 8192,
    float32 and float64: worst relative error.
(b) Training from a file 4x larger than the memory budget given to the process: a fresh
    worker process streams one epoch of block-shuffled mini-batches (logistic regression) and
    reports its peak resident memory (its whole process: Python, numpy and course_utils
    included) against the budget; a second worker times random per-example reads. The file
    is dropped from the page cache before each run, so reads come from the disk. Seeds as in
    notebook 05: the teacher's data from seed 0, the model from seed 1 (a different draw
    from the teacher's), the mini-batch order from seed 0.

    .venv/bin/python benchmarks/memory_budget.py [--budget-mb 256] [--dir /tmp]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

SIZES = [1, 2, 8, 64, 512, 4096, 8192]
DATA_SEED, MODEL_SEED, ORDER_SEED = 0, 1, 0  # as notebook 05
MODELS = [([784, 1], "sigmoid"), ([784, 1], "linear"), ([40, 10], "softmax"),
          ([40, 256, 256, 10], "softmax"), ([784, 256, 10], "softmax")]


def estimate_errors():
    from course_utils.measure import memory

    worst = (0.0, None)
    for dims, out in MODELS:
        for dtype in ("float32", "float64"):
            for b in SIZES:
                est = memory.step_memory(dims, b, dtype, out).peak_bytes
                meas = memory.measure_step_peak(dims, b, dtype, out)
                err = (est - meas) / meas
                if abs(err) > abs(worst[0]):
                    worst = (err, (dims, out, dtype, b))
        print(f"  {str(dims):18s} {out:8s} checked at b = {SIZES}, float32 and float64", flush=True)
    return worst


def worker(path, order, block_mb, max_examples):
    import numpy as np

    from course_utils.core import models
    from course_utils.measure import memory, stream

    m, n_x = stream.file_shape(path)
    model = models.LogisticRegression(n_x, dtype=np.float32, seed=MODEL_SEED)
    n = 0
    t0 = time.perf_counter()
    for X_t, Y_t in stream.stream_minibatches(path, 256, order, seed=ORDER_SEED,
                                              block_bytes=block_mb * 2**20,
                                              max_examples=max_examples):
        _, grads = model.loss_and_grads(X_t, Y_t)
        model.update(grads, 0.5)
        n += X_t.shape[1]
    seconds = time.perf_counter() - t0
    print(json.dumps({"examples": n, "seconds": seconds, "peak_rss": memory.peak_rss_bytes()}))


def run_worker(path, order, block_mb, max_examples=None):
    from course_utils.measure import stream

    stream.drop_from_page_cache(path)
    cmd = [sys.executable, __file__, "--worker", order, "--file", path, "--block-mb",
           str(block_mb)] + (["--max-examples", str(max_examples)] if max_examples else [])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--budget-mb", type=int, default=256)
    p.add_argument("--dir", default=None, help="where to write the data file (default: temp)")
    p.add_argument("--worker", choices=["random", "block"])
    p.add_argument("--file")
    p.add_argument("--block-mb", type=int, default=32)
    p.add_argument("--max-examples", type=int)
    args = p.parse_args()
    if args.worker:
        worker(args.file, args.worker, args.block_mb, args.max_examples)
        return

    print("(a) estimate against tracemalloc")
    err, where = estimate_errors()
    print(f"  worst relative error {100 * err:+.2f}% at {where}")

    from course_utils.measure import stream

    budget = args.budget_mb * 2**20
    n_x = 100
    m = int(4.2 * budget / ((n_x + 1) * 4)) + 1  # the file is at least 4x the budget
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        path = os.path.join(d, "teacher.npy")
        t0 = time.perf_counter()
        stream.write_teacher_file(path, m, n_x=n_x, seed=DATA_SEED)
        size = os.path.getsize(path)
        print(f"(b) wrote {m:,} examples, {size / 2**20:,.0f} MiB "
              f"({size / budget:.1f}x the {args.budget_mb} MiB budget) in "
              f"{time.perf_counter() - t0:.1f} s")
        block = run_worker(path, "block", args.block_mb)
        rnd = run_worker(path, "random", args.block_mb, max_examples=20_000)
    block_speed = block["examples"] / block["seconds"]
    random_speed = rnd["examples"] / rnd["seconds"]
    rss = block["peak_rss"] / 2**20
    print(f"  block-shuffled epoch: {block['examples']:,} examples at {block_speed:,.0f}/s, "
          f"peak RSS {rss:.0f} MiB ({'within' if rss <= args.budget_mb else 'OVER'} the budget)")
    print(f"  random reads: {rnd['examples']:,} examples at {random_speed:,.0f}/s, "
          f"peak RSS {rnd['peak_rss'] / 2**20:.0f} MiB")
    print(f"estimate worst error {100 * abs(err):.1f}%; streaming peak RSS {rss:.0f} MB "
          f"(budget {args.budget_mb} MB); block/random speed-up {block_speed / random_speed:.0f}x")


if __name__ == "__main__":
    main()
