"""Examples per second of one full training step, course_utils (numpy) against PyTorch.

MLP 784-256-10 (ReLU, softmax cross-entropy), one step = forward, cost, backward, update, on
random data, at b = 1, 4, 16, 64, 256, 1024, 4096, float32 and float64. One BLAS / intra-op
thread each. Each framework runs in its own process (no shared thread pools or caches), with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in that process so OpenBLAS picks the kernel
for this CPU. PyTorch is optional (`pip install torch==2.13.0`, a CPU build); without it only
the numpy figures are printed. Per-step time is the median of 7 repeats of enough steps to
fill ~0.1 s.

    .venv/bin/python benchmarks/trainer_throughput.py
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SIZES = [1, 4, 16, 64, 256, 1024, 4096]
DTYPES = ["float32", "float64"]


def time_step(step, min_seconds=0.1, repeats=7):
    """Median seconds per call of step()."""
    for _ in range(3):
        step()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        if time.perf_counter() - t0 > min_seconds / 4:
            break
        n *= 2
    n = max(1, int(n * (min_seconds / 4) / (time.perf_counter() - t0) * 4))
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        times.append((time.perf_counter() - t0) / n)
    return statistics.median(times)


def numpy_worker():
    import numpy as np
    from threadpoolctl import threadpool_info, threadpool_limits

    import course_utils as cu

    out = {"blas": [(i["internal_api"], i.get("architecture")) for i in threadpool_info()]}
    rng = np.random.default_rng(0)
    with threadpool_limits(1):
        for dtype in DTYPES:
            for b in SIZES:
                model = cu.models.MLP([784, 256, 10], output="softmax", dtype=dtype, seed=0)
                X = np.asfortranarray(rng.standard_normal((784, b)).astype(dtype))
                Y = cu.data.one_hot(rng.integers(0, 10, b), 10).astype(dtype)

                def step(model=model, X=X, Y=Y):
                    _, grads = model.loss_and_grads(X, Y)
                    model.update(grads, 0.01)

                out[f"{dtype}/{b}"] = b / time_step(step)
    return out


def torch_worker():
    import torch

    torch.set_num_threads(1)
    out = {"torch": torch.__version__}
    for dtype in DTYPES:
        for b in SIZES:
            torch.manual_seed(0)
            net = torch.nn.Sequential(
                torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10)
            ).to(getattr(torch, dtype))
            opt = torch.optim.SGD(net.parameters(), lr=0.01)
            loss_fn = torch.nn.CrossEntropyLoss()
            X = torch.randn(b, 784, dtype=getattr(torch, dtype))
            y = torch.randint(0, 10, (b,))

            def step(net=net, opt=opt, X=X, y=y, loss_fn=loss_fn):
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(net(X), y)
                loss.backward()
                opt.step()

            out[f"{dtype}/{b}"] = b / time_step(step)
    return out


def run_worker(name):
    unset = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")  # let OpenBLAS pick this CPU's kernel
    env = {k: v for k, v in os.environ.items() if k not in unset}
    proc = subprocess.run([sys.executable, __file__, "--worker", name], capture_output=True,
                          text=True, env=env)
    if proc.returncode != 0:
        if "No module named 'torch'" in proc.stderr:
            return None
        raise RuntimeError(f"{name} worker failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker", choices=["numpy", "torch"])
    args = p.parse_args()
    if args.worker:
        print(json.dumps(numpy_worker() if args.worker == "numpy" else torch_worker()))
        return
    npy = run_worker("numpy")
    trc = run_worker("torch")
    print(f"numpy BLAS: {npy['blas']}" + (f"; torch {trc['torch']}" if trc else ""))
    if trc is None:
        print("PyTorch is not installed (pip install torch==2.13.0): numpy figures only")
    for dtype in DTYPES:
        print(f"{dtype}: examples/s      numpy        torch   numpy/torch")
        for b in SIZES:
            k = f"{dtype}/{b}"
            t = f"{trc[k]:12,.0f}   {npy[k] / trc[k]:6.2f}" if trc else ""
            print(f"  b = {b:5d}   {npy[k]:12,.0f} {t}")
    if trc is None:
        print("numpy/torch worst ratio b<=16: n/a; b>=256: n/a (PyTorch not installed)")
        return
    small = min(npy[f"float32/{b}"] / trc[f"float32/{b}"] for b in SIZES if b <= 16)
    large = min(npy[f"float32/{b}"] / trc[f"float32/{b}"] for b in SIZES if b >= 256)
    print(f"numpy/torch worst ratio b<=16: {small:.2f}; b>=256: {large:.2f}")


if __name__ == "__main__":
    main()
