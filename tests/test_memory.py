"""course_utils.measure.memory: what the replay counts, the budget search, accumulation, the
machine's memory and the figures. The replay against tracemalloc and models.py:
test_memory_replay.py; bad arguments and properties over many numbers: test_memory_inputs.py."""

import subprocess
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from course_utils.core import models, train
from course_utils.measure import memory
from course_utils.plots import memory_plots


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Steps measured here are small: BLAS threads only add contention on a busy machine."""
    with threadpool_limits(1):
        yield


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
    assert sm.timeline[-1] == ("update", sm.breakdown["parameters"]  # all freed but the params
                               + sm.breakdown["mini-batch"] + sm.breakdown["gradients"])
    assert max(v for _, v in sm.timeline) == sm.peak_bytes


def test_textbook_count_by_hand():
    # [3, 4, 2], b = 5, float64: 2 x 26 parameters, X and Y 5 x 5, Z and A 2 x 6 x 5
    assert memory.textbook_bytes([3, 4, 2], 5, "float64") == (2 * 26 + 25 + 60) * 8


def test_no_bias_drops_the_bias_arrays():
    dims = [50, 20, 3]
    no_bias = memory.step_memory(dims, 16, "float64", bias=False)
    assert no_bias.breakdown["parameters"] == (50 * 20 + 20 * 3) * 8 + 2 * memory.ARRAY_OBJECT
    assert no_bias.breakdown["optimizer state"] == 0  # plain GD keeps none


def test_largest_batch_and_smallest_budget_are_inverse():
    dims = [784, 256, 10]
    for budget in (4 * 2**20, 10 * 2**20, 3 * 10**9, 3e9):
        b = memory.largest_batch(dims, budget, "float32")
        assert memory.smallest_budget(dims, b, "float32") <= budget
        assert memory.smallest_budget(dims, b + 1, "float32") > budget
    # parameters, gradients and the update's temporary alone are 2.35 MiB: nothing fits in 2
    assert memory.largest_batch(dims, 2 * 2**20, "float32") == 0
    assert memory.largest_batch(dims, 3e9, "float32") == memory.largest_batch(dims, 3 * 10**9,
                                                                              "float32")


def test_budget_report_batch_gd_and_chosen_size():
    r = memory.budget_report([40, 10], 2**20, m=4000, batch_size=8192)
    b_max = r["largest_batch"]
    assert memory.smallest_budget([40, 10], b_max) <= 2**20 < memory.smallest_budget([40, 10],
                                                                                      b_max + 1)
    assert 500 < b_max < 4000 and not r["batch_gd_fits"]  # ~640 bytes per example in 1 MiB
    assert r["batch_gd_bytes"] == memory.smallest_budget([40, 10], 4000) > 2**20
    assert r["chosen_over_by"] == memory.smallest_budget([40, 10], 8192) - 2**20 > 0
    assert r["updates_per_epoch"] == -(-4000 // b_max)
    # fixed + per example x b: the peak at b = 1 exactly, and within 1 % at large b
    assert r["fixed_bytes"] + r["per_example_bytes"] == memory.smallest_budget([40, 10], 1)
    big = r["fixed_bytes"] + r["per_example_bytes"] * 2**15
    assert big == pytest.approx(memory.smallest_budget([40, 10], 2**15), rel=0.01)
    fits = memory.budget_report([40, 10], 10**9, m=4000)
    assert fits["batch_gd_fits"] and fits["updates_per_epoch"] == 1 and "chosen_batch" not in fits
    none = memory.budget_report([40, 10], 1000, m=4000)
    assert none["largest_batch"] == 0 and none["updates_per_epoch"] is None


def test_batch_size_finder_against_simulated_allocator_matches_formula():
    dims, budget = [784, 256, 10], 4 * 2**20
    alloc = memory.SimulatedAllocator(budget, dims, "float32")
    found = memory.find_largest_batch(alloc.run_step)
    exact = memory.largest_batch(dims, budget, "float32")
    assert abs(found - exact) <= max(1, exact // 200)  # tracemalloc differs by a few bytes
    assert any(not fits for _, _, fits in alloc.trials)  # it did hit the wall
    assert all(fits == (peak <= budget) for _, peak, fits in alloc.trials)
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
    calls.clear()
    assert memory.find_largest_batch(run_step, start=3000) == 1000  # bisected below start
    assert calls[0] == 3000


def test_finder_says_when_its_trials_ran_out():
    with pytest.raises(RuntimeError, match=r"max_trials=5 .*16 ran, no size failed"):
        memory.find_largest_batch(lambda b: None, max_trials=5)

    def fails_above_1000(b):
        if b > 1000:
            raise MemoryError

    with pytest.raises(RuntimeError, match=r"max_trials=12 .*768 ran, 1,024 failed"):
        memory.find_largest_batch(fails_above_1000, max_trials=12)


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


def _proc_field(path, field):
    with open(path) as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field + ":"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_machine_memory_helpers_read_proc_on_linux():
    rss = memory.peak_rss_bytes()
    assert rss is not None and rss == _proc_field("/proc/self/status", "VmHWM")
    block = np.ones(64 * 2**20 // 8)  # 64 MiB, touched: the peak can only rise
    assert memory.peak_rss_bytes() >= rss + 32 * 2**20 or rss > 64 * 2**20
    del block
    free, want = memory.available_memory_bytes(), _proc_field("/proc/meminfo", "MemAvailable")
    assert free is not None and abs(free - want) < 0.2 * want  # it moves between the reads


def test_machine_memory_helpers_read_the_right_fields(monkeypatch, tmp_path):
    from course_utils.measure.memory import machine

    status = tmp_path / "status"
    status.write_text("Name:\tpython\nVmPeak:\t  900 kB\nVmHWM:\t  123 kB\n")
    assert machine._proc_bytes(str(status), "VmHWM") == 123 * 1024
    assert machine._proc_bytes(str(status), "VmRSS") is None
    assert machine._proc_bytes(str(tmp_path / "missing"), "VmHWM") is None
    fields = {("/proc/meminfo", "MemAvailable"): 5 * 2**30, ("/proc/meminfo", "MemFree"): 2**30,
              ("/proc/self/status", "VmHWM"): 3 * 2**20, ("/proc/self/status", "VmPeak"): 2**40}
    monkeypatch.setattr(machine, "_proc_bytes", lambda path, field: fields.get((path, field)))
    assert machine.available_memory_bytes() == 5 * 2**30  # free + what the OS can reclaim
    assert machine.peak_rss_bytes() == 3 * 2**20  # resident, not the address space (VmPeak)


def test_machine_memory_helpers_fall_back_off_linux(monkeypatch):
    from course_utils.measure.memory import machine

    monkeypatch.setattr(machine, "_proc_bytes", lambda path, field: None)
    rss = machine.peak_rss_bytes()  # getrusage: KiB on Linux, bytes on macOS
    if sys.platform != "win32":
        import resource

        ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assert rss == (ru if sys.platform == "darwin" else ru * 1024)
    free = machine.available_memory_bytes()
    assert free is None or free > 0
    monkeypatch.setattr(machine.os, "sysconf", lambda name: (_ for _ in ()).throw(ValueError))
    assert machine.available_memory_bytes() is None


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


def test_presets_are_the_gib_that_ram_and_gpu_memory_are_sold_as_gb():
    # RAM and GPU memory come in powers of two: an "8 GB" laptop or a "16 GB" V100 holds GiB
    for name, budget in memory.PRESETS.items():
        gib = int(name.split(" GiB")[0])
        assert budget == gib * 2**30, (name, budget)


def test_accumulation_costs_memory_falls_with_the_micro_batch():
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.standard_normal((100, 2048)))
    Y = (rng.random((1, 2048)) < 0.5) * 1.0
    model = models.MLP([100, 64, 1], "sigmoid", seed=0)
    before = {k: v.copy() for k, v in model.params.items()}
    acc = memory.accumulation_costs(model, X, Y, (2048, 256, 16), repeats=2)
    assert acc.seconds.shape == (2, 3) and acc.batch_size == 2048
    assert acc.micro_batch_sizes.tolist() == [2048, 256, 16]
    assert np.all(np.diff(acc.peak_bytes) < 0)  # a smaller micro-batch, a smaller peak
    assert np.all(acc.seconds > 0)
    np.testing.assert_array_equal(acc.per_example, acc.seconds.min(axis=0) / 2048)
    low, high = np.sort(acc.seconds, axis=0)
    np.testing.assert_array_equal(acc.rel_spread, (high - low) / low)
    assert all(np.array_equal(before[k], model.params[k]) for k in before)  # learning rate 0


def test_accumulation_spread_is_nan_where_the_clock_saw_nothing():
    acc = memory.AccumulationCosts(8, np.array([8, 4]), np.ones(2),
                                   np.array([[0.0, 2.0], [1.0, 3.0]]))
    np.testing.assert_array_equal(acc.rel_spread, [np.nan, 0.5])


def test_step_table_and_replay_check():
    dims = [784, 256, 10]
    steps = [memory.step_memory(dims, b, "float32") for b in (64, 1024)]
    measured = [memory.measure_step_peak(dims, b, "float32") for b in (64, 1024)]
    textbook = [memory.textbook_bytes(dims, b, "float32") for b in (64, 1024)]
    table = memory.step_table(steps, measured, textbook)
    assert "b = 1,024" in table and "plain GD keeps none" in table and "np." not in table
    assert f"{measured[0] / textbook[0]:.2f}x" in table.splitlines()[-1]
    # at b = 64 the peak is the update: p -= lr * dp makes a copy of dW1 that the textbook
    # count leaves out; at b = 1,024 the per-example arrays dominate and the counts agree
    assert steps[0].phase == "update" and measured[0] / textbook[0] > 1.25
    assert steps[0].breakdown["temporaries"] == 256 * 784 * 4 + memory.ARRAY_OBJECT
    assert abs(measured[1] / textbook[1] - 1) < 0.02
    with pytest.raises(ValueError, match="one value per step"):
        memory.step_table(steps, measured[:1], textbook)
    with pytest.raises(ValueError, match=r"textbook\[1\]"):
        memory.step_table(steps, measured, [textbook[0], 0])  # no division by zero
    check = memory.compare_replay([40, 10], "softmax", (1, 64), "float32")
    assert check.ok.all() and check.batch_sizes == [1, 64]
    replayed = [memory.step_memory([40, 10], b, "float32").peak_bytes for b in (1, 64)]
    np.testing.assert_array_equal(check.replay_bytes, replayed)


def _state_equal(a, b):
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


def test_global_random_state_untouched():
    np.random.seed(12345)
    np.random.random()  # now a small draw moves only the position, not the key: compare both
    before = np.random.get_state()  # the key, its position and the cached Gaussian, all of it
    memory.measure_step_peak([20, 8, 3], 16, "float32")
    alloc = memory.SimulatedAllocator(10**6, [20, 8, 3], "float32")
    memory.find_largest_batch(alloc.run_step, start=64)
    model = models.MLP([20, 8, 3], "softmax", seed=0)
    X = np.zeros((20, 32))
    Y = np.zeros((3, 32))
    memory.accumulation_costs(model, X, Y, (32, 8), repeats=2)
    assert _state_equal(np.random.get_state(), before)


def test_import_loads_no_plotting_or_widgets():
    code = ("import sys, course_utils.measure.memory as m; m.largest_batch([4, 3], 10**6); "
            "print([k for k in ('matplotlib', 'matplotlib.pyplot', 'ipywidgets', 'IPython', "
            "'PIL') if k in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_plots_follow_the_figure_convention():
    import matplotlib

    matplotlib.use("Agg")  # tests only: no display needed
    import matplotlib.pyplot as plt

    from course_utils.plots import plotting

    dims = [784, 256, 10]
    steps = [memory.step_memory(dims, b, "float32") for b in (64, 1024)]
    measured = [memory.measure_step_peak(dims, b, "float32") for b in (64, 1024)]
    textbook = [memory.textbook_bytes(dims, b, "float32") for b in (64, 1024)]
    axes = list(memory_plots.plot_step_memory(steps, measured, textbook_bytes=textbook))
    axes += list(memory_plots.plot_step_memory(steps[0], measured[0]))
    labels = [t.get_text() for t in axes[2].get_yticklabels()]
    assert "optimizer state\n(0: plain GD keeps none)" in labels  # an empty category says why
    # the textbook count is drawn at its height on each timeline
    for ax, count in zip(axes[:2], textbook):
        drawn = [line.get_ydata()[0] for line in ax.get_lines()
                 if line.get_label().startswith("textbook count")]
        assert drawn == [count / 2**20]
    # each phase and each step's bar has a style of its own (fill and hatch)
    styles = list(memory_plots.PHASE_STYLES.values()) + list(memory_plots.STEP_STYLES)
    assert len(set(styles)) == len(styles)
    calls = []

    def run_step(b):
        calls.append((b, b <= 300))
        if b > 300:
            raise MemoryError

    budget = memory.smallest_budget(dims, 300, "float32")
    memory.find_largest_batch(run_step)
    search = memory_plots.plot_search(calls, dims, budget, "float32")
    assert len(search) == 2 and min(search[1].get_ylim()) > 100  # the zoom: bisection only
    first_fail = next(k for k, c in enumerate(calls) if not c[-1])
    shown = sum(len(line.get_xdata()) for line in search[0].get_lines()[2:4])
    assert shown == first_fail + 1  # the left panel: the doubling, up to its first failure
    axes += list(search)
    for ax in axes:  # no method colour, and no sky blue (too close to batch GD's blue)
        assert plotting.convention_problems(ax) == []
        colors = {matplotlib.colors.to_hex(c).upper() for coll in ax.collections
                  for c in coll.get_facecolor()}
        colors |= {matplotlib.colors.to_hex(p.get_facecolor()).upper() for p in ax.patches}
        colors |= {matplotlib.colors.to_hex(line.get_color()).upper() for line in ax.get_lines()}
        assert not colors & {"#56B4E9", *plotting.COLORS.values()}, colors
    plt.close("all")


def test_peak_array_names_the_moment_of_the_peak():
    dims = [784, 256, 10]
    # small b: the update's temporary for W1; middle b: the last gradients (dW1, then db1);
    # large b: ReLU's mask of dA1, before dW1 exists (so the gradients hold only dW2 and db2)
    moments = {b: memory.step_memory(dims, b, "float32") for b in (64, 1024, 8192)}
    assert [st.peak_array for st in moments.values()] == ["lr*dW1", "db1", "cast"]
    assert moments[8192].breakdown["gradients"] == (10 * 256 + 10) * 4 + 2 * memory.ARRAY_OBJECT
