"""Run by tests/test_oom_kernels.py in a fresh process, under the OPENBLAS_CORETYPE it was
started with: notebook 05's demonstration of running out of memory, at four sizes around the
formula's largest mini-batch, in float32 and float64, and the search by trial steps.

Prints one JSON object: the BLAS kernel numpy's OpenBLAS chose ("architecture"), and per dtype
the formula's largest mini-batch, each size's outcome, where it failed, the steps done, and
the size the trial search found.
"""

import json

from threadpoolctl import threadpool_info

from course_utils.measure import memory, oom

DIMS = [784, 256, 10]
LIMIT = 16 * 2**20

if __name__ == "__main__":  # the fork server imports this file again
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    report = {"architecture": blas[0].get("architecture") if blas else None}
    for dtype in ("float32", "float64"):
        b_fit = memory.largest_batch(DIMS, LIMIT, dtype)
        runs = []
        for factor in (0.5, 0.9, 1.2, 2.0):
            r = oom.run_steps_with_limit(DIMS, round(factor * b_fit), LIMIT, dtype, steps=2)
            runs.append([factor, r.outcome, r.failed_at, r.steps_done])
        trial = oom.LimitedSteps(LIMIT, DIMS, dtype)
        found = memory.find_largest_batch(trial.run_step)
        report[dtype] = {"b_fit": b_fit, "runs": runs, "found": found}
    print(json.dumps(report))
