"""Latency of the lab's sliders, from a value change to the redrawn views, in a real kernel;
and what a burst of slider messages costs.

Starts a Jupyter kernel (jupyter_client), builds the lab there (notebook 00), and sets each
slider through its range programmatically, as a drag would: the mini-batch size over all its
sizes (b = 1, SGD, included), the learning rate over its log scale, the memory budget over
its log scale. Each pass is done twice: the first time a value is cold (its training run is
computed), the second time warm (cached). Timed inside the kernel from the value change until
the lab's update has run (the lab coalesces changes and updates on the kernel's event loop a
few ms later): the callback, the wait, the training run if any, and the new frame encoded
for the browser.

Then the burst: this script sends the kernel 20 slider messages at once, as a browser would
that did not wait for the kernel between messages, across sizes that are all cold, and counts
the training runs the lab computed for them (one per message without coalescing).

    .venv/bin/python benchmarks/slider_latency.py
"""

import json

from jupyter_client.manager import start_new_kernel

SETUP_CODE = r"""
import asyncio, json, time
import numpy as np
import course_utils as cu

lab = cu.lab.Lab()

async def settle():
    while lab.pending:  # the coalesced update, a run's start or a run is still to come
        await asyncio.sleep(0.0005)

def computed():
    return len(lab.runs._runs) + len(lab.runs._memory)
"""

LATENCY_CODE = r"""
times = {"cold": [], "warm": []}

async def step(inp, value):  # setting up a pass: not timed
    inp.set(value)
    await settle()

async def timed(inp, value):
    before = computed()
    t0 = time.perf_counter()
    inp.set(value)
    await settle()
    dt = time.perf_counter() - t0
    times["cold" if computed() > before else "warm"].append(dt)

sizes = list(lab.batch.options)
rates = [float(r) for r in lab.rate.options[::4]]
budgets = [int(b) for b in lab.budget.options[::25]]
for _ in range(2):  # first pass cold, second pass warm
    await step(lab.rate, 0.1); await step(lab.budget, 16_000_000)
    for b in sizes[::-1] + sizes:
        await timed(lab.batch, b)
    await step(lab.batch, 64)
    for lr in rates:
        await timed(lab.rate, lr)
    await step(lab.rate, 0.1)
    for budget in budgets:
        await timed(lab.budget, budget)
print("RESULT " + json.dumps(times))
"""

BURST_SETUP = r"""
await step(lab.batch, 64)
await step(lab.rate, lab.rate.options[3])  # a rate not used above: every size is cold
burst_before, updates_before = len(lab.runs._runs), lab.updates.runs
print("MODEL " + lab.batch.slider.model_id)
"""

BURST_RESULT = r"""
await settle()
print("BURST " + json.dumps({"runs": len(lab.runs._runs) - burst_before,
                             "updates": lab.updates.runs - updates_before,
                             "b": lab.batch.value, "drawn": lab.drawn()}))
"""


def run(kc, code):
    """Execute code in the kernel; its printed lines."""
    out = []
    kc.execute_interactive(code, timeout=900, output_hook=out.append)
    errors = [m["content"] for m in out if m["msg_type"] == "error"]
    if errors:
        raise SystemExit(f"kernel error: {errors[0]['ename']}: {errors[0]['evalue']}")
    return "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream")


def burst(kc, model_id, indices):
    """Send one comm message per slider position, without waiting in between."""
    for index in indices:
        msg = kc.session.msg("comm_msg", {"comm_id": model_id, "data": {
            "method": "update", "state": {"index": index}, "buffer_paths": []}})
        kc.shell_channel.send(msg)


def main():
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        run(kc, SETUP_CODE)
        times = json.loads(run(kc, LATENCY_CODE).split("RESULT ", 1)[1])
        model_id = run(kc, BURST_SETUP).split("MODEL ", 1)[1].strip()
        # 64 is index 6 of 1, 2, ..., 4000: down to b = 1, then up to b = 2,048 (20 values)
        indices = [*range(5, -1, -1), *range(1, 12)] + [10, 9, 8]
        burst(kc, model_id, indices)
        result = json.loads(run(kc, BURST_RESULT).split("BURST ", 1)[1])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)

    import numpy as np

    for kind in ("warm", "cold"):
        t = np.array(times[kind]) * 1e3
        print(f"{kind}: {len(t)} changes, p50 {np.median(t):.0f} ms, p95 "
              f"{np.percentile(t, 95):.0f} ms, max {t.max():.0f} ms")
    print(f"burst: {len(indices)} size messages at once -> {result['runs']} cold run(s), "
          f"{result['updates']} update(s); ended at b = {result['b']}, drawn: {result['drawn']}")
    w, c = np.array(times["warm"]) * 1e3, np.array(times["cold"]) * 1e3
    print(f"warm p50 {np.median(w):.0f} ms p95 {np.percentile(w, 95):.0f} ms; "
          f"cold p50 {np.median(c):.0f} ms p95 {np.percentile(c, 95):.0f} ms; "
          f"burst of {len(indices)} changes: {result['runs']} cold run(s)")


if __name__ == "__main__":
    main()
