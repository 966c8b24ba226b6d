import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from course_utils import memory, models, train


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Steps measured here are small: BLAS threads only add contention on a busy machine."""
    with threadpool_limits(1):
        yield

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


def test_per_example_breakdown_adds_up_to_the_slope():
    dims = [784, 1024, 1024, 10]
    parts = memory.per_example_breakdown(dims, "float32")
    assert sum(parts.values()) == memory.per_example_bytes(dims, "float32")
    # the mini-batch (X and Y), two hidden activations (+ the output twice), dZ and dA, the mask
    assert parts["mini-batch"] == (784 + 10) * 4
    assert parts["activations"] == 2 * 1024 * 4 + 2 * 10 * 4
    assert parts["activation gradients"] == 2 * 1024 * 4
    assert parts["temporaries"] == 1024


def test_presets_name_the_kind_of_memory():
    assert all(("内存" in name) != ("显存" in name) for name in memory.PRESETS)


def test_accumulation_costs_memory_falls_with_the_micro_batch():
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.standard_normal((100, 2048)))
    Y = (rng.random((1, 2048)) < 0.5) * 1.0
    model = models.MLP([100, 64, 1], "sigmoid", seed=0)
    before = {k: v.copy() for k, v in model.params.items()}
    acc = memory.accumulation_costs(model, X, Y, (2048, 256, 16), repeats=2)
    assert acc.seconds.shape == (2, 3) and acc.batch_size == 2048
    assert np.all(np.diff(acc.peak_bytes) < 0)  # a smaller micro-batch, a smaller peak
    assert np.all(acc.per_example > 0) and np.all(acc.rel_spread >= 0)
    assert all(np.array_equal(before[k], model.params[k]) for k in before)  # learning rate 0
    with pytest.raises(ValueError, match="micro batch size"):
        memory.accumulation_costs(model, X, Y, (4096,))


def test_step_table_and_replay_check():
    dims = [784, 256, 10]
    steps = [memory.step_memory(dims, b, "float32") for b in (64, 1024)]
    measured = [memory.measure_step_peak(dims, b, "float32") for b in (64, 1024)]
    textbook = [memory.textbook_bytes(dims, b, "float32") for b in (64, 1024)]
    table = memory.step_table(steps, measured, textbook)
    assert "b = 1,024" in table and "plain GD keeps none" in table and "np." not in table
    # at b = 64 the peak is the update: p -= lr * dp makes a copy of dW1 that the textbook
    # count leaves out; at b = 1,024 the per-example arrays dominate and the counts agree
    assert steps[0].phase == "update" and measured[0] / textbook[0] > 1.25
    assert steps[0].breakdown["temporaries"] == 256 * 784 * 4 + memory.ARRAY_OBJECT
    assert abs(measured[1] / textbook[1] - 1) < 0.02
    with pytest.raises(ValueError, match="one value per step"):
        memory.step_table(steps, measured[:1], textbook)
    check = memory.check_replay([40, 10], "softmax", (1, 64), "float32")
    assert check.ok.all() and check.relative.shape == (2,)


def test_plots_follow_the_figure_convention():
    import matplotlib

    matplotlib.use("Agg")  # tests only: no display needed
    import matplotlib.pyplot as plt

    from course_utils import plotting

    dims = [784, 256, 10]
    steps = [memory.step_memory(dims, b, "float32") for b in (64, 1024)]
    measured = [memory.measure_step_peak(dims, b, "float32") for b in (64, 1024)]
    axes = list(memory.plot_step_memory(steps, measured))
    axes += list(memory.plot_step_memory(steps[0], measured[0]))
    labels = [t.get_text() for t in axes[2].get_yticklabels()]
    assert "optimizer state\n(0: plain GD keeps none)" in labels  # an empty category says why
    calls = []

    def run_step(b):
        calls.append((b, b <= 300))
        if b > 300:
            raise MemoryError

    budget = memory.smallest_budget(dims, 300, "float32")
    memory.find_largest_batch(run_step)
    search = memory.plot_search(calls, dims, budget, "float32")
    assert len(search) == 3 and min(search[2].get_ylim()) > 100  # the zoom: bisection only
    axes += list(search)
    for ax in axes:  # no method colour, and no sky blue (too close to batch GD's blue)
        assert plotting.convention_problems(ax) == []
        colors = {matplotlib.colors.to_hex(c).upper() for coll in ax.collections
                  for c in coll.get_facecolor()}
        colors |= {matplotlib.colors.to_hex(p.get_facecolor()).upper() for p in ax.patches}
        colors |= {matplotlib.colors.to_hex(line.get_color()).upper() for line in ax.get_lines()}
        assert not colors & {"#56B4E9", *plotting.COLORS.values()}, colors
    plt.close("all")
