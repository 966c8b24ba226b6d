"""Run by tests/test_memory_replay.py in a fresh process: one real training step of
models.MLP, its peak resident memory (VmHWM) above what was resident before it, in bytes.

Usage: python _step_peak_rss.py '[layer_dims, batch_size, dtype, output]'. Prints a JSON object
{"rise": peak RSS of the step above the RSS before it, "before": bytes of the parameters and
the mini-batch}. Linux only (/proc). Run it with MALLOC_MMAP_THRESHOLD_ set, so that glibc
gives large arrays back to the system when they are freed (else the warm-up step's memory
stays resident and the measured step rises less).
"""

import json
import sys

from threadpoolctl import threadpool_limits

from course_utils.core.data import random_batch
from course_utils.core.models import MLP


def status_bytes(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


dims, b, dtype, output = json.loads(sys.argv[1])
with threadpool_limits(1):
    model = MLP(dims, output=output, dtype=dtype, seed=0)
    X, Y = random_batch(dims[0], dims[-1], b, model.dtype, 0)

    def step():
        _, grads = model.loss_and_grads(X, Y)
        model.update(grads, 0.01)

    step()  # warm-up: first calls fill numpy's and Python's one-time caches
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the resident memory now (Linux >= 4.0)
    rss = status_bytes("VmRSS")
    step()
    rise = status_bytes("VmHWM") - rss
before = sum(p.nbytes for p in model.params.values()) + X.nbytes + Y.nbytes
print(json.dumps({"rise": rise, "before": before}))
