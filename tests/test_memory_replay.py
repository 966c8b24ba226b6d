"""The replay (memory.step_memory) against models.py: the bytes it counts, the lines it mirrors.

This file alone checks the replay on a numpy version: `pytest tests/test_memory_replay.py`.
"""

import importlib.util
import inspect
import re
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from course_utils import memory, models
from course_utils.memory import mirror, replay


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


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("dims, output", MODELS)
def test_replay_within_5_percent_of_tracemalloc(dims, output, dtype):
    check = memory.check_replay(dims, output, SIZES, dtype)
    for b, est, meas, ok in zip(SIZES, check.replay_bytes, check.measured_bytes, check.ok):
        # within 5 % once a step needs 8 KB; below, the uncounted Python bookkeeping is bounded
        bound = 0.05 * meas if meas >= 8192 else 1024
        assert ok and abs(est - meas) <= bound, (
            f"{dims} {output} {dtype} b={b}: replay {est:,.0f} bytes, measured {meas:,.0f} "
            f"(numpy {np.__version__}, reductions buffered: {replay.REDUCTION_BUFFERED})")


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
    check = memory.ReplayCheck([64, 1024, 1], np.array([105_100.0, 94_000.0, 2_100.0]),
                               np.array([100_000.0, 100_000.0, 1_000.0]))
    assert check.ok.tolist() == [False, False, False]
    np.testing.assert_allclose(check.relative, [0.051, -0.06, 1.1])
    near = memory.ReplayCheck([64, 1], np.array([104_900.0, 1_900.0]),
                              np.array([100_000.0, 1_000.0]))
    assert near.ok.tolist() == [True, True]  # 4.9 %; under 8 KiB, 900 bytes


def test_models_py_has_not_drifted_from_the_replay():
    problems = mirror.drift()
    assert problems == [], "\n".join(problems)


def test_the_replay_cites_every_line_it_mirrors():
    code = "".join(inspect.getsource(f) for f in (
        replay.step_memory, replay._forward, replay._cost, replay._backward, replay._update))
    missing = [line for lines in replay.MIRRORS.values() for line in lines if line not in code]
    assert missing == [], f"MIRRORS lists lines the replay does not cite: {missing}"
    assert set(replay.MIRRORS) - {"MLP.__init__"} <= set(replay.REVIEWED_DIGESTS)


def _models_copy(tmp_path, old, new):
    """models.py with `old` replaced by `new`, imported as a separate module."""
    source = inspect.getsource(models)
    assert source.count(old) == 1, old
    path = tmp_path / "models_copy.py"
    source = re.sub(r"^(\s*)from \.", r"\1from course_utils.", source.replace(old, new),
                    flags=re.M)  # a module outside the package: absolute imports
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("models_copy", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["models_copy"] = module  # inspect.getsource finds the file through it
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["models_copy"]
    return module


@pytest.mark.parametrize("old, new, drifts", [  # each old text is a line the replay mirrors
    # a temporary more in backward: the replay would be short by one (n_l, b) array
    ("dA_prev *= A_prev > 0", "dA_prev = dA_prev * (A_prev > 0)", True),
    # a copy of the output kept
    ("AL = np.exp(ZL)\n", "AL = np.exp(ZL).copy()\n", True),
    # a new check: it allocates nothing, but only someone who looked can say so
    ("dZ /= m\n", "if m < 1:\n            raise ValueError('no example')\n        dZ /= m\n",
     True),
    # a new comment: not code
    ("dZ /= m\n", "dZ /= m  # now divided by m\n", False),
])
def test_a_change_to_models_py_is_seen_by_its_digest(tmp_path, old, new, drifts):
    copy = _models_copy(tmp_path, old, new)
    name = "forward" if "AL = " in old else "backward"
    original, changed = getattr(models.MLP, name), getattr(copy.MLP, name)
    assert inspect.getsource(original) != inspect.getsource(changed)
    assert (mirror.source_digest(changed) != mirror.source_digest(original)) == drifts
    assert mirror.source_digest(original) == replay.REVIEWED_DIGESTS[f"MLP.{name}"]
