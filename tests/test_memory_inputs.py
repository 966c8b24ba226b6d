"""Bad arguments to course_utils.measure.memory and oom: each raises TypeError or ValueError
naming the argument, before any work; and properties of the budget search over many numbers."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from course_utils.core import models
from course_utils.measure import memory, oom
from course_utils.plots import memory_plots

DIMS = [784, 256, 10]
NAN, INF = float("nan"), float("inf")


def _model_and_data(dtype=np.float64):
    model = models.MLP([5, 3, 2], "softmax", dtype=dtype, seed=0)
    X = np.zeros((5, 16), dtype=dtype)
    Y = np.zeros((2, 16), dtype=dtype)
    Y[0] = 1
    return model, X, Y


def _step(b=8):
    return memory.step_memory([5, 3, 2], b)


# (what is called, the error, a word the message must hold). Every call is cheap: the checks
# come before any work.
BAD = [
    # layer_dims, the same check in every function that takes it
    (lambda: memory.step_memory(784, 1), TypeError, "layer_dims"),
    (lambda: memory.step_memory("784,10", 1), TypeError, "layer_dims"),
    (lambda: memory.step_memory([784], 1), ValueError, "layer_dims"),
    (lambda: memory.step_memory([784, 0], 1), ValueError, "layer_dims[1]"),
    (lambda: memory.step_memory([784, 2.5], 1), TypeError, "layer_dims[1]"),
    (lambda: memory.step_memory([784, True], 1), TypeError, "layer_dims[1]"),
    (lambda: memory.step_memory([2, 1], 1), ValueError, "softmax"),  # softmax needs 2 outputs
    (lambda: memory.textbook_bytes([784], 1), ValueError, "layer_dims"),
    (lambda: memory.largest_batch([784, -3], 10**6), ValueError, "layer_dims[1]"),
    (lambda: memory.per_example_bytes(None), TypeError, "layer_dims"),
    (lambda: memory.measure_step_peak([3, 0], 4), ValueError, "layer_dims[1]"),
    # batch sizes
    (lambda: memory.step_memory(DIMS, 0), ValueError, "batch_size"),
    (lambda: memory.step_memory(DIMS, -8), ValueError, "batch_size"),
    (lambda: memory.step_memory(DIMS, 1.5), TypeError, "batch_size"),
    (lambda: memory.step_memory(DIMS, NAN), TypeError, "batch_size"),
    (lambda: memory.step_memory(DIMS, True), TypeError, "batch_size"),
    (lambda: memory.step_memory(DIMS, "64"), TypeError, "batch_size"),
    (lambda: memory.textbook_bytes(DIMS, 0), ValueError, "batch_size"),
    (lambda: memory.smallest_budget(DIMS, 0), ValueError, "batch_size"),
    (lambda: memory.measure_step_peak(DIMS, 0), ValueError, "batch_size"),
    (lambda: memory.budget_report(DIMS, 10**8, 1000, batch_size=0), ValueError, "batch_size"),
    (lambda: memory.compare_replay([4, 3], "softmax", []), ValueError, "batch_sizes"),
    (lambda: memory.compare_replay([4, 3], "softmax", "64"), TypeError, "batch_sizes"),
    (lambda: memory.compare_replay([4, 3], "softmax", [8, 0]), ValueError, "batch_sizes[1]"),
    # dtype: float32 or float64 only, and no text that reads two ways
    (lambda: memory.step_memory(DIMS, 1, "float"), ValueError, "dtype"),
    (lambda: memory.step_memory(DIMS, 1, "f4"), ValueError, "dtype"),
    (lambda: memory.step_memory(DIMS, 1, "double"), ValueError, "dtype"),
    (lambda: memory.step_memory(DIMS, 1, "float16"), ValueError, "dtype"),
    (lambda: memory.step_memory(DIMS, 1, np.int32), ValueError, "dtype"),
    (lambda: memory.step_memory(DIMS, 1, None), TypeError, "dtype"),
    (lambda: memory.textbook_bytes(DIMS, 1, "int8"), ValueError, "dtype"),
    (lambda: memory.largest_batch(DIMS, 10**6, "half"), ValueError, "dtype"),
    (lambda: memory.measure_step_peak(DIMS, 1, "float16"), ValueError, "dtype"),
    # output and bias names
    (lambda: memory.step_memory(DIMS, 1, output="Softmax"), ValueError, "output"),
    (lambda: memory.step_memory(DIMS, 1, output=None), TypeError, "output"),
    (lambda: memory.step_memory(DIMS, 1, bias=2), TypeError, "bias"),
    (lambda: memory.step_memory(DIMS, 1, bias="yes"), TypeError, "bias"),
    (lambda: memory.largest_batch(DIMS, 10**6, output="relu"), ValueError, "output"),
    # budgets: a whole, finite number of bytes > 0
    (lambda: memory.largest_batch(DIMS, 0), ValueError, "budget_bytes"),
    (lambda: memory.largest_batch(DIMS, -1), ValueError, "budget_bytes"),
    (lambda: memory.largest_batch(DIMS, 1.5e6 + 0.5), ValueError, "budget_bytes"),
    (lambda: memory.largest_batch(DIMS, NAN), ValueError, "budget_bytes"),
    (lambda: memory.largest_batch(DIMS, INF), ValueError, "budget_bytes"),  # would never end
    (lambda: memory.largest_batch(DIMS, "8 GB"), TypeError, "budget_bytes"),
    (lambda: memory.largest_batch(DIMS, None), TypeError, "budget_bytes"),
    (lambda: memory.largest_batch(DIMS, True), TypeError, "budget_bytes"),
    (lambda: memory.budget_report(DIMS, INF, 1000), ValueError, "budget_bytes"),
    (lambda: memory.budget_report(DIMS, 10**8, 0), ValueError, "m"),
    (lambda: memory.budget_report(DIMS, 10**8, 1000.0), TypeError, "m"),
    (lambda: memory.SimulatedAllocator(NAN, DIMS), ValueError, "budget_bytes"),
    (lambda: memory.SimulatedAllocator(0, DIMS), ValueError, "budget_bytes"),
    (lambda: memory.SimulatedAllocator(10**6, [784]), ValueError, "layer_dims"),
    (lambda: memory.SimulatedAllocator(10**6, DIMS, "float"), ValueError, "dtype"),
    (lambda: memory.SimulatedAllocator(10**6, DIMS, output="soft"), ValueError, "output"),
    # the search by trial: bounded, from a size >= 1
    (lambda: memory.find_largest_batch(None), TypeError, "run_step"),
    (lambda: memory.find_largest_batch(print, start=0), ValueError, "start"),
    (lambda: memory.find_largest_batch(print, start=2.0), TypeError, "start"),
    (lambda: memory.find_largest_batch(print, max_trials=0), ValueError, "max_trials"),
    (lambda: memory.find_largest_batch(print, max_trials=10**6), ValueError, "max_trials"),
    (lambda: memory.find_largest_batch(print, max_trials=INF), TypeError, "max_trials"),
    # measurement
    (lambda: memory.measure_peak_bytes(42), TypeError, "fn"),
    (lambda: memory.measure_step_peak(DIMS, 1, seed=-1), ValueError, "seed"),
    (lambda: memory.step_table([], [], []), ValueError, "steps"),
    (lambda: memory.step_table([7], [1], [1]), TypeError, "steps[0]"),
    (lambda: memory.step_table([_step()], [1000], [0]), ValueError, "textbook[0]"),
    (lambda: memory.step_table([_step()], [NAN], [1000]), ValueError, "measured_bytes[0]"),
    (lambda: memory.step_table([_step()], ["1"], [1000]), TypeError, "measured_bytes[0]"),
    (lambda: memory.step_table([_step()], [1, 2], [1000]), ValueError, "one value per step"),
    # gradient accumulation
    (lambda: memory.accumulation_costs(None, *_model_and_data()[1:], [16]), TypeError, "model"),
    (lambda: memory.accumulation_costs(*_model_and_data(), []), ValueError, "micro_batch_sizes"),
    (lambda: memory.accumulation_costs(*_model_and_data(), 16), TypeError, "micro_batch_sizes"),
    (lambda: memory.accumulation_costs(*_model_and_data(), [16, 0]), ValueError,
     "micro_batch_sizes[1]"),
    (lambda: memory.accumulation_costs(*_model_and_data(), [17]), ValueError,
     "micro_batch_sizes[0]"),
    (lambda: memory.accumulation_costs(*_model_and_data(), [8], repeats=1), ValueError,
     "repeats"),
    (lambda: memory.accumulation_costs(*_model_and_data(), [8], repeats=10**6), ValueError,
     "repeats"),
    (lambda: memory.accumulation_costs(*_model_and_data(), [8], seed=-1), ValueError, "seed"),
    (lambda: memory.accumulation_costs(_model_and_data()[0], *_model_and_data(np.float32)[1:],
                                       [8]), TypeError, "dtype"),
    (lambda: memory.accumulation_costs(_model_and_data()[0], np.zeros((4, 16)),
                                       np.zeros((2, 16)), [8]), ValueError, "n_x=5"),
    # a child process with a hard limit: checked before the child starts
    (lambda: oom.run_steps_with_limit(DIMS, 0, 2**24), ValueError, "batch_size"),
    (lambda: oom.run_steps_with_limit(DIMS, 2**60, 2**24), ValueError, "batch_size"),
    (lambda: oom.run_steps_with_limit(DIMS, 10, -1), ValueError, "limit_bytes"),
    (lambda: oom.run_steps_with_limit(DIMS, 10, 2**24, "float"), ValueError, "dtype"),
    (lambda: oom.run_steps_with_limit([784], 10, 2**24), ValueError, "layer_dims"),
    (lambda: oom.run_steps_with_limit([784, 1], 10, 2**24), ValueError, "n_y >= 2"),
    (lambda: oom.run_steps_with_limit(DIMS, 10, 2**24, steps=0), ValueError, "steps"),
    (lambda: oom.run_steps_with_limit(DIMS, 10, 2**24, timeout_s=0), ValueError, "timeout_s"),
    (lambda: oom.run_steps_with_limit(DIMS, 10, 2**24, timeout_s=NAN), ValueError, "timeout_s"),
    (lambda: oom.run_steps_with_limit(DIMS, 10, 2**24, timeout_s=1e9), ValueError,
     "timeout_s"),  # poll() would overflow
    (lambda: oom.run_steps_with_limit(DIMS, 10, 2**24, seed=-1), ValueError, "seed"),
    (lambda: oom.LimitedSteps(1.5, DIMS), TypeError, "limit_bytes"),
    (lambda: oom.LimitedSteps(2**24, [784, 0]), ValueError, "layer_dims[1]"),
    (lambda: oom.LimitedSteps(2**24, DIMS, "float64 "), ValueError, "dtype"),
    (lambda: oom.LimitedSteps(2**24, DIMS, timeout_s=-1), ValueError, "timeout_s"),
]


@pytest.mark.parametrize("call, error, name", BAD)
def test_bad_argument_is_named(call, error, name):
    with pytest.raises(error) as info:
        call()
    assert name in str(info.value), str(info.value)


def test_bad_plot_arguments_are_named():
    steps = [_step(8), _step(64)]
    with pytest.raises(ValueError, match="1 or 2"):
        memory_plots.plot_step_memory(steps + steps[:1])
    with pytest.raises(TypeError, match=r"steps\[1\]"):
        memory_plots.plot_step_memory([steps[0], "b = 64"])
    with pytest.raises(ValueError, match="measured_bytes"):
        memory_plots.plot_step_memory(steps, [1000])
    with pytest.raises(ValueError, match="textbook_bytes"):
        memory_plots.plot_step_memory(steps, textbook_bytes=[1000, 2000, 3000])
    with pytest.raises(ValueError, match="axes"):
        memory_plots.plot_step_memory(steps, axes=[None, None])
    with pytest.raises(ValueError, match="trials"):
        memory_plots.plot_search([], DIMS, 10**6)
    with pytest.raises(TypeError, match=r"trials\[0\]"):
        memory_plots.plot_search([64], DIMS, 10**6)
    with pytest.raises(ValueError, match="budget_bytes"):
        memory_plots.plot_search([(64, True)], DIMS, NAN)


def test_good_spellings_give_the_same_numbers():
    want = memory.step_memory(DIMS, 64, "float32")
    for dtype in (np.float32, np.dtype("float32")):
        assert memory.step_memory(DIMS, 64, dtype) == want
    assert memory.step_memory(np.array(DIMS), np.int64(64), "float32") == want
    assert memory.largest_batch(DIMS, 1e8) == memory.largest_batch(DIMS, 10**8)
    assert memory.largest_batch(DIMS, np.int64(10**8)) == memory.largest_batch(DIMS, 10**8)


DIMS_STRATEGY = st.lists(st.integers(1, 300), min_size=2, max_size=4)
OUTPUT_STRATEGY = st.sampled_from(["sigmoid", "linear", "softmax"])


@settings(max_examples=30, deadline=None)
@given(dims=DIMS_STRATEGY, output=OUTPUT_STRATEGY, dtype=st.sampled_from(["float32", "float64"]),
       budgets=st.lists(st.integers(10**3, 10**11), min_size=2, max_size=2))
def test_largest_batch_is_monotone_and_inverts_smallest_budget(dims, output, dtype, budgets):
    assume(output != "softmax" or dims[-1] >= 2)
    low, high = sorted(budgets)
    b_low, b_high = (memory.largest_batch(dims, v, dtype, output) for v in (low, high))
    assert b_low <= b_high
    for budget, b in ((low, b_low), (high, b_high)):
        if b:
            assert memory.smallest_budget(dims, b, dtype, output) <= budget
        assert budget < memory.smallest_budget(dims, b + 1, dtype, output)


@settings(max_examples=30, deadline=None)
@given(dims=DIMS_STRATEGY, b=st.integers(1, 10**6))
def test_the_peak_grows_with_the_batch_and_holds_the_textbook_arrays(dims, b):
    assume(dims[-1] >= 2)
    now, more = (memory.step_memory(dims, k, "float32") for k in (b, b + 1))
    assert now.peak_bytes < more.peak_bytes
    assert sum(now.breakdown.values()) == now.peak_bytes
    # the mini-batch, the cached activations and the parameters are alive at every peak
    P = sum(n * (p + 1) for p, n in zip(dims[:-1], dims[1:]))
    assert now.peak_bytes >= 4 * (P + (dims[0] + dims[-1]) * b + sum(dims[1:]) * b)


@settings(max_examples=30, deadline=None)
@given(largest=st.integers(0, 10**6), start=st.integers(1, 5000))
def test_finder_finds_any_threshold_in_few_trials(largest, start):
    calls = []

    def run_step(b):
        calls.append(b)
        if b > largest:
            raise MemoryError

    assert memory.find_largest_batch(run_step, start=start) == largest
    assert len(calls) <= 2 * math.log2(max(largest, start) + 1) + 3


@settings(max_examples=30, deadline=None)
@given(budget=st.one_of(st.floats(max_value=0.0, allow_nan=False),
                        st.floats(1.0, 1e12).filter(lambda v: not v.is_integer()),
                        st.sampled_from([NAN, INF, -INF])))
def test_a_budget_that_is_not_a_whole_number_of_bytes_is_refused(budget):
    with pytest.raises(ValueError, match="budget_bytes"):
        memory.largest_batch(DIMS, budget)
    with pytest.raises(ValueError, match="budget_bytes"):
        memory.budget_report(DIMS, budget, 100)


@settings(max_examples=30, deadline=None)
@given(b=st.one_of(st.integers(max_value=0), st.floats(allow_nan=True), st.text(max_size=3)))
def test_a_batch_size_that_is_not_a_positive_int_is_refused(b):
    with pytest.raises((ValueError, TypeError), match="batch_size"):
        memory.step_memory(DIMS, b)
    with pytest.raises((ValueError, TypeError), match="batch_size"):
        memory.smallest_budget(DIMS, b)
