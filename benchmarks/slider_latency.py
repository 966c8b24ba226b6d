"""Latency of the lab's sliders, from a value change to the redrawn views, in a real kernel.

Starts a Jupyter kernel (jupyter_client), builds the lab there (notebook 00), and sets each
slider through its range programmatically, as a drag would: the mini-batch size over all its
sizes (b = 1, SGD, included), the learning rate over its log scale, the memory budget over
its log scale. Each pass is done twice: the first time a value is cold (its training run is
computed), the second time warm (cached). Timed inside the kernel around the value change:
the callback, the training run if any, and the new frame encoded for the browser.

    .venv/bin/python benchmarks/slider_latency.py
"""

import json

from jupyter_client.manager import start_new_kernel

KERNEL_CODE = r"""
import json, time
import numpy as np
import course_utils as cu

lab = cu.lab.Lab()
times = {"cold": [], "warm": []}
seen = set()

def key():
    return (int(lab.batch.value), float(lab.rate.value), round(float(lab.budget.value)))

def step(inp, value):
    inp.set(value)  # setting up a pass: not timed

def timed(inp, value):
    before = len(lab.runs._runs) + len(lab.runs._memory)
    t0 = time.perf_counter()
    inp.set(value)
    dt = time.perf_counter() - t0
    after = len(lab.runs._runs) + len(lab.runs._memory)
    times["cold" if after > before else "warm"].append(dt)

sizes = list(lab.batch.slider.options)
rates = list(np.round(10 ** np.arange(-3, 1.0001, 0.2), 6))
budgets = list(10 ** np.arange(5, 11.0001, 0.25))
for _ in range(2):  # first pass cold, second pass warm
    step(lab.rate, 0.1); step(lab.budget, 16e6)
    for b in sizes[::-1] + sizes:
        timed(lab.batch, b)
    step(lab.batch, 64)
    for lr in rates:
        timed(lab.rate, float(lr))
    step(lab.rate, 0.1)
    for budget in budgets:
        timed(lab.budget, float(budget))
print("RESULT " + json.dumps(times))
"""


def main():
    km, kc = start_new_kernel(kernel_name="python3")
    out = []
    try:
        kc.execute_interactive(KERNEL_CODE, timeout=900, output_hook=lambda msg: out.append(msg))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    text = "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream")
    errors = [m["content"] for m in out if m["msg_type"] == "error"]
    if errors:
        raise SystemExit(f"kernel error: {errors[0]['ename']}: {errors[0]['evalue']}")
    times = json.loads(text.split("RESULT ", 1)[1])

    import numpy as np

    for kind in ("warm", "cold"):
        t = np.array(times[kind]) * 1e3
        print(f"{kind}: {len(t)} changes, p50 {np.median(t):.0f} ms, p95 "
              f"{np.percentile(t, 95):.0f} ms, max {t.max():.0f} ms")
    w, c = np.array(times["warm"]) * 1e3, np.array(times["cold"]) * 1e3
    print(f"warm p50 {np.median(w):.0f} ms p95 {np.percentile(w, 95):.0f} ms; "
          f"cold p50 {np.median(c):.0f} ms p95 {np.percentile(c, 95):.0f} ms")


if __name__ == "__main__":
    main()
