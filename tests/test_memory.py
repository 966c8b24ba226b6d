import numpy as np
import pytest

from course_utils import memory, models, train

# Every model of course_utils (logistic, softmax and linear regression, the MLP). A step under
# ~8 KB (a few features at b <= 8) is dominated by a few hundred bytes of Python bookkeeping
# that the byte count leaves out; see memory.py.
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
def test_estimate_within_5_percent_of_tracemalloc(dims, output, dtype):
    for b in SIZES:
        est = memory.step_memory(dims, b, dtype, output).peak_bytes
        meas = memory.measure_step_peak(dims, b, dtype, output)
        # within 5 % once a step needs 8 KB; below, the uncounted Python bookkeeping is bounded
        bound = 0.05 * meas if meas >= 8192 else 1024
        assert abs(est - meas) <= bound, f"{dims} {output} {dtype} b={b}: {est} vs {meas}"


def test_breakdown_adds_up_and_backward_holds_two_activation_gradients():
    dims, b = [784, 256, 10], 1024
    sm = memory.step_memory(dims, b, "float32", "softmax")
    assert sum(sm.breakdown.values()) == sm.peak_bytes and sm.phase == "backward"
    # the peak comes when dW1 (256 x 784) is made while dZ of the hidden layer (256 x b) and
    # every cached activation are still alive
    assert sm.breakdown["activation gradients"] == 256 * b * 4 + memory.ARRAY_OBJECT
    assert sm.breakdown["gradients"] == sum(
        n * p * 4 + n * 4 for p, n in zip(dims[:-1], dims[1:])) + 4 * memory.ARRAY_OBJECT
    # the textbook count (Z and A per layer) is close here only by coincidence: the in-place
    # ReLU stores one array per hidden layer, and backward's dZ + dA add about one back
    ratio = memory.textbook_bytes(dims, b, "float32") / sm.peak_bytes
    assert 0.8 < ratio < 1.05


def test_optimizer_state_adds_copies_of_the_parameters():
    dims = [50, 20, 3]
    P = 50 * 20 + 20 + 20 * 3 + 3
    base = memory.step_memory(dims, 16, "float64", optimizer="sgd").peak_bytes
    adam = memory.step_memory(dims, 16, "float64", optimizer="adam")
    assert adam.breakdown["optimizer state"] == 2 * P * 8 + 2 * memory.ARRAY_OBJECT
    assert adam.peak_bytes - base == adam.breakdown["optimizer state"]


def test_largest_batch_and_smallest_budget_are_inverse():
    dims = [784, 256, 10]
    for budget in (4 * 2**20, 10 * 2**20, 3 * 10**9):
        b = memory.largest_batch(dims, budget, "float32")
        assert memory.smallest_budget(dims, b, "float32") <= budget
        assert memory.smallest_budget(dims, b + 1, "float32") > budget
    # parameters, gradients and the update's temporary alone are 2.35 MiB: nothing fits in 2
    assert memory.largest_batch(dims, 2 * 2**20, "float32") == 0


def test_budget_report_batch_gd_and_chosen_size():
    r = memory.budget_report([40, 10], 2**20, m=4000, batch_size=8192)
    assert r["largest_batch"] == memory.largest_batch([40, 10], 2**20)
    assert r["batch_gd_fits"] == (r["largest_batch"] >= 4000)
    assert r["chosen_over_by"] == memory.smallest_budget([40, 10], 8192) - 2**20
    assert r["updates_per_epoch"] == -(-4000 // min(r["largest_batch"], 4000))


def test_batch_size_finder_against_simulated_allocator_matches_formula():
    dims, budget = [784, 256, 10], 4 * 2**20
    alloc = memory.SimulatedAllocator(budget, dims, "float32")
    found = memory.find_largest_batch(alloc.run_step)
    exact = memory.largest_batch(dims, budget, "float32")
    assert abs(found - exact) <= max(1, exact // 200)  # tracemalloc differs by a few bytes
    assert any(not fits for _, _, fits in alloc.trials)  # it did hit the wall
    with pytest.raises(memory.SimulatedOutOfMemory, match="batch size 8192"):
        alloc.run_step(8192)


def test_finder_on_exact_rule():
    calls = []

    def run_step(b):
        calls.append(b)
        if b > 1000:
            raise MemoryError

    assert memory.find_largest_batch(run_step) == 1000
    assert calls[:11] == [2**k for k in range(11)] and len(calls) < 25
    assert memory.find_largest_batch(lambda b: (_ for _ in ()).throw(MemoryError)) == 0


def test_bad_arguments():
    with pytest.raises(ValueError, match="optimizer"):
        memory.step_memory([2, 1], 1, optimizer="lbfgs")
    with pytest.raises(ValueError, match="batch_size"):
        memory.step_memory([2, 1], 0)


def test_gradient_accumulation_equals_full_batch():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((20, 300)), (rng.random((1, 300)) < 0.5) * 1.0
    model = models.MLP([20, 8, 1], "sigmoid", seed=0)
    cost, grads = model.loss_and_grads(X, Y)
    for micro in (1, 64, 100, 300):
        c, g = train.accumulated_gradients(model, X, Y, micro)
        assert c == pytest.approx(cost, rel=1e-12)
        for k in grads:
            np.testing.assert_allclose(g[k], grads[k], rtol=1e-10, atol=1e-14)
    with pytest.raises(ValueError, match="micro_batch_size"):
        train.accumulated_gradients(model, X, Y, 301)


def test_machine_memory_helpers():
    rss, free = memory.peak_rss_bytes(), memory.available_memory_bytes()
    assert rss is None or rss > 10 * 2**20  # this Python process, numpy loaded
    assert free is None or free > 0
