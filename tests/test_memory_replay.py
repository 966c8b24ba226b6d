"""The replay (memory.step_memory) against real steps of models.MLP, measured two ways.

tracemalloc counts every byte numpy allocates; VmHWM, read in a fresh process, is the peak the
operating system saw. Both run the real model, so any change to models.py that allocates
differently makes these tests fail until the replay follows it. This file alone checks the
replay on a numpy version: `pytest tests/test_memory_replay.py`.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from course_utils.measure import memory
from course_utils.measure.memory import replay


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Steps measured here are small: BLAS threads only add contention on a busy machine."""
    with threadpool_limits(1):
        yield


# Every model of course_utils (logistic, softmax and linear regression, the MLP). A step under
# ~8 KB (a few features at b <= 8) is dominated by a few hundred bytes of Python bookkeeping
# that the byte count leaves out; see course_utils/memory/__init__.py.
MODELS = [
    ([784, 1], "sigmoid"),  # logistic regression, MNIST-sized input
    ([784, 1], "linear"),  # linear regression
    ([40, 10], "softmax"),  # softmax regression on MNIST-1D
    ([40, 256, 256, 10], "softmax"),  # the MNIST-1D MLP of notebook 02
    ([784, 256, 10], "softmax"),  # the MLP of notebook 04
]
SIZES = [1, 2, 8, 64, 512, 4096, 8192]
# Two features: the output layer's arrays and the cost's temporaries decide the peak, so a
# temporary the replay misses there shows. At these sizes the Python bookkeeping is < 0.5 %.
TINY_INPUT = [([3, 2], "softmax"), ([2, 1], "sigmoid"), ([2, 1], "linear")]
TINY_SIZES = [4096, 65536]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("dims, output", MODELS)
def test_replay_within_5_percent_of_tracemalloc(dims, output, dtype):
    check = memory.compare_replay(dims, output, SIZES, dtype)
    for b, est, meas, ok in zip(SIZES, check.replay_bytes, check.measured_bytes, check.ok):
        # within 5 % once a step needs 8 KB; below, the uncounted Python bookkeeping is bounded
        bound = 0.05 * meas if meas >= 8192 else 1024
        assert ok and abs(est - meas) <= bound, (
            f"{dims} {output} {dtype} b={b}: replay {est:,.0f} bytes, measured {meas:,.0f} "
            f"(numpy {np.__version__}, reductions buffered: {replay.REDUCTION_BUFFERED})")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("dims, output", TINY_INPUT)
def test_replay_within_1_percent_where_the_output_layer_decides(dims, output, dtype):
    check = memory.compare_replay(dims, output, TINY_SIZES, dtype)
    worst = np.max(np.abs(check.relative))
    assert worst <= 0.01, (f"{dims} {output} {dtype}: replay off by "
                           f"{[f'{100 * v:+.2f}%' for v in check.relative]} at b = {TINY_SIZES}")


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="Linux /proc only")
@pytest.mark.parametrize("dims, b, dtype, output", [
    ([784, 256, 10], 4096, "float64", "softmax"),  # peak in backward
    ([40, 256, 256, 10], 16384, "float32", "softmax"),
    ([40, 10], 131072, "float64", "softmax"),  # peak in the cost
    ([3, 2], 10**6, "float32", "softmax"),
    ([2, 1], 10**6, "float64", "sigmoid"),
    ([2, 1], 10**6, "float32", "linear"),
])
def test_replay_matches_the_peak_resident_memory_of_a_fresh_process(dims, b, dtype, output):
    """VmHWM of a real step, in a fresh process: within 2 % + 256 KiB (pages, malloc) of the
    replay's peak above the parameters and mini-batch (measured: within 1.1 % and 330 KiB)."""
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="65536")
    script = Path(__file__).with_name("_step_peak_rss.py")
    run = subprocess.run([sys.executable, str(script), json.dumps([dims, b, dtype, output])],
                         capture_output=True, text=True, timeout=60, env=env, check=True)
    measured = json.loads(run.stdout)
    predicted = memory.step_memory(dims, b, dtype, output).peak_bytes - measured["before"]
    assert abs(predicted - measured["rise"]) <= 0.02 * predicted + 2**18, (
        f"{dims} b={b} {dtype} {output}: replay {predicted:,} bytes above the step's inputs, "
        f"VmHWM rose {measured['rise']:,}")


def _reduction():
    Z = np.ones((10, 4096))
    return lambda: Z.sum(axis=0, keepdims=True), 4096 * 8  # the (1, 4096) result


def _broadcast():
    Z, b = np.ones((256, 4096)), np.ones((256, 1))
    return lambda: Z.__iadd__(b), 0  # Z += b: in place


def _cast():
    dA, A = np.ones((256, 4096)), np.ones((256, 4096))
    return lambda: dA.__imul__(A > 0), 256 * 4096  # dA *= A > 0: the bool mask


@pytest.mark.parametrize("make, buffered", [
    (_reduction, replay.REDUCTION_BUFFERED),  # numpy < 2.3 only
    (_broadcast, True), (_cast, True)], ids=["reduction", "broadcast", "cast"])
def test_numpy_buffers_what_the_replay_says(make, buffered):
    """The one part of a step that differs between numpy versions: its ufunc buffer."""
    op, result_bytes = make()
    op()  # warm-up
    peak, _ = memory.measure_peak_bytes(op)
    extra = peak - result_bytes
    buffer = memory.NUMPY_BUFFER * 8 if buffered else 0
    assert buffer <= extra <= buffer + 2048, (
        f"numpy {np.__version__}: {extra:,} bytes beside the result; the replay counts a "
        f"buffer of {buffer:,} (REDUCTION_BUFFERED = {replay.REDUCTION_BUFFERED})")


def test_replay_check_flags_a_replay_off_by_more_than_5_percent():
    check = memory.ReplayComparison([64, 1024, 1], np.array([105_100.0, 94_000.0, 2_100.0]),
                               np.array([100_000.0, 100_000.0, 1_000.0]))
    assert check.ok.tolist() == [False, False, False]
    np.testing.assert_allclose(check.relative, [0.051, -0.06, 1.1])
    near = memory.ReplayComparison([64, 1], np.array([104_900.0, 1_900.0]),
                              np.array([100_000.0, 1_000.0]))
    assert near.ok.tolist() == [True, True]  # 4.9 %; under 8 KiB, 900 bytes
