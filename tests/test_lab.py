import matplotlib

matplotlib.use("Agg")  # tests only

import asyncio  # noqa: E402
import math  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import ipywidgets  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from course_utils.plots import plotting  # noqa: E402
from course_utils.ui import lab, lab_models, lab_runs, lab_views, widget_parts  # noqa: E402
from course_utils.ui.live_figure import holds_data  # noqa: E402
from course_utils.ui.live_update import failure_message  # noqa: E402

# Building a lab renders its figure once (constrained layout, over a second): the labs are
# built once per module and shared; `full_lab` puts the shared one's sliders back first.


@pytest.fixture(scope="module")
def runs():
    return lab.LabRuns(epochs=1, path_epochs=3)


@pytest.fixture(scope="module")
def shared_lab(runs):
    return lab.Lab(runs=runs, batch_size=64, budget_bytes=10**7)


@pytest.fixture()
def full_lab(shared_lab):
    """The shared four-view lab at b = 64, rate 0.1, 10 MB, no rate scaling, drawn."""
    lb = shared_lab
    lb.scaling.value = "none"
    for inp, value in ((lb.batch, 64), (lb.rate, 0.1), (lb.budget, 10**7)):
        inp.set(value)
        inp.message.value = ""
    lb.update()
    assert lb.status.value == "" and lb.drawn(), lb.status.value
    return lb


@pytest.fixture(scope="module")
def shared_path_lab(runs):
    return lab.Lab(views=("path",), runs=runs, batch_size=8, learning_rate=0.25)  # notebook 03


@pytest.fixture()
def path_lab(shared_path_lab):
    """The shared path lab of notebook 03, back at b = 8, rate 0.25, drawn."""
    lb = shared_path_lab
    lb.batch.set(8)
    lb.rate.set(0.25)
    assert lb.status.value == "" and lb.drawn(), lb.status.value
    return lb


@pytest.fixture(scope="module")
def cost_lab(runs):
    return lab.Lab(views=("cost", "speed"), runs=runs)  # notebook 02


def test_decimate_keeps_the_envelope():
    y = np.random.default_rng(0).standard_normal(10_000)
    x = np.arange(y.size)
    xs, ys = plotting.decimate(x, y, 1000)
    assert len(ys) <= 1000 and ys.max() == y.max() and ys.min() == y.min()
    assert np.all(np.diff(xs) > 0)
    assert plotting.decimate(x[:10], y[:10])[1].tolist() == y[:10].tolist()


@pytest.mark.parametrize("args, error, match", [
    ((np.arange(3), np.arange(4)), ValueError, "same length"),
    ((np.arange(3), np.array([0.0, np.nan, 1.0])), ValueError, "finite"),
    ((np.arange(3), np.array(["a", "b", "c"])), TypeError, "numbers"),
    ((np.ones((2, 2)), np.ones((2, 2))), TypeError, "1-D"),
    ((np.arange(3), np.arange(3), 1), ValueError, "max_points"),
    ((np.arange(3), np.arange(3), 2.5), TypeError, "max_points"),
])
def test_decimate_rejects_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        plotting.decimate(*args)


def test_views_follow_the_batch_slider(full_lab, runs):
    lb = full_lab
    path_line, epoch_line = lb.views["path"].path_line, lb.views["cost"].epoch_line
    text, frame = lb.readout.value, lb.live.frame()
    path_before = path_line.get_xdata().copy()
    lb.batch.slider.value = 256  # a drag
    assert "<b>b = 256</b>" in lb.readout.value and "16 updates per epoch" in lb.readout.value
    assert lb.readout.value != text and not np.array_equal(frame, lb.live.frame())
    assert len(path_line.get_xdata()) != len(path_before)  # fewer, bigger steps
    assert lb.views["speed"].updates_marker.get_ydata()[0] == 16
    assert epoch_line.get_ydata()[:-1].tolist() == runs.run(256, 0.1)["epoch_cost"].tolist()
    assert lb.drawn()


def test_rate_and_budget_follow_and_over_budget_is_shown(full_lab, runs):
    lb = full_lab
    lb.rate.set(0.01)
    assert "learning rate 0.01" in lb.readout.value
    lb.budget.entry.value = "150 kB"
    assert lb.budget.value == 150_000
    assert "does not fit</b>: over the budget by" in lb.readout.value
    r = runs.memory(150_000, 64)
    assert r["chosen_over_by"] > 0
    assert f"largest mini-batch that fits is {r['largest_batch']:,}" in lb.readout.value
    assert f"batch GD (b = m = {runs.m:,}) does not fit" in lb.readout.value
    lb.budget.entry.value = "10 MB"  # batch GD fits: the largest b is more than m
    big = runs.memory(10**7, 64)["largest_batch"]
    assert f"fits is {big:,}: more than m = {runs.m:,}, so batch GD fits" in lb.readout.value


def test_speed_and_memory_axes_fit_their_data_in_the_readouts_unit(full_lab, runs):
    lb = full_lab
    speed, mem = lb.views["speed"], lb.views["memory"]
    ms = runs.run(64, 0.1)["seconds_per_epoch"] * 1e3  # the readout's unit
    assert speed.speed_marker.get_ydata()[0] == ms and f"{ms:.1f} ms per epoch" in lb.readout.value
    assert "(ms," in speed.ax.get_ylabel()
    xs = [line.get_xdata()[0] for line in (mem.fixed, mem.largest, mem.yours)]
    low, high = mem.ax.get_xlim()
    assert low <= min(xs) and max(xs) <= high and np.log10(high / low) <= 4  # not 1 kB to 1 TB
    lb.budget.set(10**11)  # the largest budget: the axis widens to hold it
    assert mem.ax.get_xlim()[1] > 10**11 and lb.drawn()


def test_the_cost_axis_takes_one_of_a_few_tops_whatever_the_costs(full_lab):
    """Every rate and size gives the cost axis a top from COST_TOPS: a cost that grows without
    bound runs off the top (the readout gives its value) instead of making a new layout."""
    lb, tops = full_lab, set()
    for b, rate in ((64, 0.1), (1, 0.1), (2, 0.1), (64, 5.0), (64, 10.0)):
        lb.batch.set(b)
        lb.rate.set(rate)
        assert lb.status.value == "" and lb.drawn(), lb.status.value
        tops.add(lb.ax["cost"].get_ylim()[1])
    assert tops <= set(lab_views.COST_TOPS) and lab_views.COST_TOPS[-1] in tops


def test_bad_typed_values_give_messages_and_the_lab_keeps_working(full_lab):
    lb = full_lab
    before = lb.readout.value
    for inp, bad in [(lb.batch, "0"), (lb.batch, "5000"), (lb.batch, "ten"), (lb.batch, "1,5"),
                     (lb.rate, "-1"), (lb.rate, "abc"), (lb.rate, "1e"), (lb.rate, "20"),
                     (lb.budget, "1 PB"), (lb.budget, ""), (lb.budget, "16 mb"),
                     (lb.budget, "16 KB"), (lb.budget, "1,5 GB")]:
        inp.entry.value = bad
        assert "is not allowed" in inp.message.value and repr(bad) in inp.message.value
        assert lb.readout.value == before and lb.status.value == ""
    lb.batch.entry.value = "100"  # any whole number in range, not only the slider's sizes
    assert "<b>b = 100</b>" in lb.readout.value and lb.batch.message.value == ""
    assert lb.batch.slider.value == 128 and lb.drawn()  # the nearest stop; the value exact


def test_diverging_rate_is_a_message_not_a_traceback(full_lab):
    lb = full_lab
    lb.batch.set(16)
    lb.rate.set(9.0)
    assert "diverged" in lb.readout.value or "too large" in lb.readout.value
    assert "batch_size=" not in lb.readout.value  # the course's notation: b = 16
    message = lb.runs.run(1, 1.0)["message"]  # SGD at rate 1 diverges within its epoch
    assert "diverged" in message and "(b = 1, learning rate 1)" in message, message
    assert lb.status.value == "" and lb.drawn()
    lb.rate.set(0.1)
    assert "training cost after" in lb.readout.value


def test_an_internal_error_is_shown_and_the_lab_recovers(full_lab, runs, monkeypatch):
    lb = full_lab
    monkeypatch.setattr(runs, "run", lambda b, lr: 1 / 0)
    lb.batch.set(32)
    assert lb.status.value == failure_message(ZeroDivisionError("division by zero"))
    assert not lb.drawn()
    monkeypatch.undo()
    lb.batch.set(64)
    assert lb.status.value == "" and "<b>b = 64</b>" in lb.readout.value and lb.drawn()


def assert_lab_ok(lb):
    """The checked cell the notebooks put after each lab or explorer cell."""
    assert lb.status.value == "" and lb.drawn(), lb.status.value


def test_a_failing_view_fails_the_checked_cell(full_lab, monkeypatch):
    lb = full_lab
    assert_lab_ok(lb)

    def broken(self, state):
        raise RuntimeError("cost view broken on purpose")

    monkeypatch.setattr(lab_views.CostView, "update", broken)
    lb.batch.set(128)
    with pytest.raises(AssertionError, match="RuntimeError: cost view broken on purpose"):
        assert_lab_ok(lb)
    monkeypatch.undo()
    lb.update()
    assert_lab_ok(lb)


def record_computed(runs, monkeypatch):
    """Lists of the sizes whose runs were computed to the end, and of those cancelled."""
    computed, cancelled = [], []
    compute = runs._compute

    def recorded(b, lr, cancel=None):
        try:
            out = compute(b, lr, cancel)
        except lab_runs.RunCancelled:
            cancelled.append(b)
            raise
        computed.append(b)
        return out

    monkeypatch.setattr(runs, "_compute", recorded)
    return computed, cancelled


async def settle(lb):
    """What the kernel's event loop does until the lab has nothing left to do."""
    while lb.pending:
        await asyncio.sleep(0.002)


def test_twenty_rapid_size_changes_cost_one_cold_run(path_lab, runs, monkeypatch):
    """A drag across the size slider sends a message per value passed; the kernel handles
    them one by one on its event loop. Only the last value may cost a training run."""
    lb = path_lab
    lb.rate.set(0.02)  # a rate no other test uses: every size is cold at it
    computed, cancelled = record_computed(runs, monkeypatch)
    sizes = runs.batch_sizes
    drag = sizes[4:] + sizes[-2:0:-1]  # from b = 8: 16, 32, ... 4000, 2048, ... 2
    assert len(drag) >= 20

    async def kernel():  # what the kernel does with a burst of slider messages
        for b in drag:
            lb.batch.slider.value = b
        assert computed == [] and lb.updates.pending and not lb.drawn()
        await settle(lb)

    requests, updates = lb.updates.requests, lb.updates.runs
    asyncio.run(kernel())
    assert computed == [2] and cancelled == []  # one cold run, for the last value
    # one coalesced update for the burst (the run's start and its end update directly)
    assert lb.updates.requests - requests == len(drag) and lb.updates.runs - updates == 1
    assert "<b>b = 2</b>" in lb.readout.value and lb.status.value == "" and lb.drawn()


def test_a_long_drag_starts_no_run_until_the_slider_settles(path_lab, runs, monkeypatch):
    """A drag that keeps sending for longer than the coalescer's max_wait gets updates on
    the way (the readout follows), but no training run starts before the slider stops."""
    lb = path_lab
    lb.rate.set(0.03)  # every size cold
    computed, cancelled = record_computed(runs, monkeypatch)
    # the messages are 5 ms apart; on a loaded machine a sleep can last longer than the lab's
    # 50 ms, which is a pause, not a drag: the test gives the lab a longer pause to wait for
    monkeypatch.setattr(lab, "SETTLE", 0.5)
    drag = [16, 32, 64, 128, 256, 512, 1024, 2048, 4000] * 12  # 0.5 s, 5 ms apart

    async def kernel():
        readouts = []
        for b in drag:
            lb.batch.slider.value = b
            await asyncio.sleep(0.005)  # closer than the coalescer's delay (10 ms)
            readouts.append(lb.readout.value)
        assert lb.updates.runs > updates + 1, "no update during the drag"
        assert computed == [] and cancelled == [] and lb.training is None
        assert "when the slider stops" in " ".join(readouts)
        await settle(lb)

    updates = lb.updates.runs
    asyncio.run(kernel())
    assert computed == [4000] and cancelled == []
    assert "<b>b = 4,000</b>" in lb.readout.value and lb.drawn()


def test_a_cancelled_run_stops_before_its_first_evaluation(runs, monkeypatch):
    """A run whose cancel is set before it starts stops in the trainer's first evaluation
    (a forward pass over the whole training set), before any update: a value the slider
    passed costs the lab no training."""
    cancel = threading.Event()
    cancel.set()
    forwards, steps = [], []
    monkeypatch.setattr(lab_models.MLP, "forward", lambda self, X: forwards.append(X.shape))
    monkeypatch.setattr(lab_models.MLP, "loss_and_grads",
                        lambda self, X, Y, check=True: steps.append(X.shape))
    with pytest.raises(lab_runs.RunCancelled):
        runs.run(2, 0.07, cancel=cancel)
    assert forwards == [] and steps == [] and not runs.is_cached(2, 0.07)


def test_the_run_of_a_value_left_is_cancelled_and_a_cached_value_shows_at_once(
        path_lab, runs, monkeypatch):
    """The slider stops on a new value (its run starts in a worker thread), then moves on:
    to a value seen before, shown at once, then to another new one. The first run is
    cancelled, never cached, and the last value is the one drawn."""
    lb = path_lab
    lb.rate.set(0.04)  # every size cold, except b = 8 (computed now)
    lb.batch.set(8)
    lb.update()
    computed, cancelled = record_computed(runs, monkeypatch)

    async def kernel():
        lb.batch.slider.value = 1  # SGD: the longest run
        while lb.training is None:
            await asyncio.sleep(0.001)
        assert lb.training[0] == 1 and not lb.drawn()
        lb.batch.slider.value = 8  # seen before
        while lb.updates.pending:
            await asyncio.sleep(0.001)
        assert lb.drawn() and "<b>b = 8</b>" in lb.readout.value and lb.training is None
        lb.batch.slider.value = 2
        await settle(lb)

    asyncio.run(kernel())
    assert cancelled == [1] and computed == [2]
    assert not runs.is_cached(1, 0.04) and runs.is_cached(2, 0.04)
    assert "<b>b = 2</b>" in lb.readout.value and lb.status.value == "" and lb.drawn()


def test_a_run_that_ends_after_the_slider_left_its_value_is_not_drawn(path_lab, runs,
                                                                       monkeypatch):
    """The slider pauses on b = 64 (its run starts), then moves to b = 128 in a message the
    kernel reads just after that run ends (5 ms later). The lab reads it before drawing: it
    never draws b = 64, only b = 128, once its own run is done."""
    lb = path_lab
    lb.rate.set(0.06)  # every size cold at this rate
    lb.batch.set(8)
    lb.update()
    drawn_sizes = []
    redraw = lb.live.redraw

    def recorded_redraw():
        drawn_sizes.append(lb.batch.value)
        redraw()

    monkeypatch.setattr(lb.live, "redraw", recorded_redraw)
    compute = runs._compute

    async def kernel():
        loop = asyncio.get_running_loop()

        def compute_then_move(b, lr, cancel=None):
            out = compute(b, lr, cancel)
            if b == 64:  # the message that moves the slider arrives 5 ms after the run ends
                loop.call_soon_threadsafe(loop.call_later, 0.005, lb.batch.slider.set_trait,
                                          "value", 128)
            return out

        monkeypatch.setattr(runs, "_compute", compute_then_move)
        lb.batch.slider.value = 64
        await asyncio.sleep(0.01)
        while lb.pending or lb.batch.value == 64:
            await asyncio.sleep(0.002)

    asyncio.run(kernel())
    assert drawn_sizes == [128]
    assert runs.is_cached(64, 0.06) and runs.is_cached(128, 0.06)
    assert "<b>b = 128</b>" in lb.readout.value and lb.status.value == "" and lb.drawn()


def test_a_run_that_fails_in_the_worker_thread_is_shown_in_status(path_lab, runs,
                                                                  monkeypatch):
    lb = path_lab
    lb.rate.set(0.05)

    def broken(b, lr, cancel=None):
        raise RuntimeError(f"run at b = {b} broken on purpose")

    monkeypatch.setattr(runs, "_compute", broken)

    async def kernel():
        lb.batch.slider.value = 16
        await settle(lb)

    asyncio.run(kernel())
    assert lb.status.value == failure_message(RuntimeError("run at b = 16 broken on purpose"))
    assert not lb.drawn()
    monkeypatch.undo()
    lb.update()  # a call of update() computes at once, also after a failure
    assert lb.status.value == "" and lb.drawn()


def test_a_blank_figure_is_not_drawn(full_lab):
    lb = full_lab
    lb.views["path"].clear()  # one panel blank: its path gone
    assert lb.status.value == "" and not lb.drawn()
    lb.update()
    assert lb.drawn()
    lb.live.canvas.value = b""  # no frame in the image widget
    assert not lb.drawn()
    lb.update()
    assert lb.drawn()


def test_rate_scaling_uses_the_scaled_rate(full_lab, runs):
    lb = full_lab
    assert "learning rate" in lb.rate.label.value and "at b" not in lb.rate.label.value
    lb.batch.set(256)
    lb.scaling.value = "linear"
    assert "learning rate 0.4 (= 0.1 × 256 / 64" in lb.readout.value
    epoch_line = lb.views["cost"].epoch_line
    assert epoch_line.get_ydata()[:-1].tolist() == runs.run(256, 0.4)["epoch_cost"].tolist()
    lb.scaling.value = "square root"
    assert "learning rate 0.2 (= 0.1 × √(256 / 64)" in lb.readout.value
    assert epoch_line.get_ydata()[:-1].tolist() == runs.run(256, 0.2)["epoch_cost"].tolist()
    lb.batch.set(16)  # smaller than b0: a smaller rate
    assert "learning rate 0.05 " in lb.readout.value
    assert lb.status.value == "" and lb.drawn()


def test_a_scaled_rate_the_lab_does_not_run_is_a_message(full_lab):
    lb = full_lab
    lb.rate.set(1.0)
    lb.scaling.value = "linear"
    lb.batch.set(4000)  # 1 x 4000 / 64 = 62.5: above 10
    assert "asks for a learning rate of 62.5, above the largest, 10" in lb.scaling_message.value
    assert "no run" in lb.readout.value and lb.status.value == ""
    assert not lb.drawn()  # the run views are empty: no run at this rate
    assert not holds_data(lb.views["cost"].epoch_line)
    assert holds_data(lb.views["memory"].budget)  # memory does not need a rate
    lb.scaling.value = "none"
    assert lb.scaling_message.value == "" and lb.drawn()


def test_scaled_rate():
    assert lab.scaled_rate(0.1, 64, 64, "linear") == 0.1
    assert lab.scaled_rate(0.1, 256, 64, "linear") == pytest.approx(0.4)
    assert lab.scaled_rate(0.1, 256, 64, "square root") == pytest.approx(0.2)
    assert lab.scaled_rate(0.1, 256, 64, "none") == 0.1
    with pytest.raises(ValueError, match="'sqrt'"):
        lab.scaled_rate(0.1, 256, 64, "sqrt")
    with pytest.raises(ValueError, match="learning_rate"):
        lab.scaled_rate(math.nan, 256, 64)
    with pytest.raises(ValueError, match="reference_batch_size"):
        lab.scaled_rate(0.1, 256, 0)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"views": "cost"}, TypeError, "tuple of view names"),
    ({"views": ("speeds",)}, ValueError, "'speeds'"),
    ({"views": ()}, ValueError, "non-empty"),
    ({"views": ("cost", "cost")}, ValueError, "each once"),
    ({"batch_size": 100}, ValueError, r"slider's sizes \[1, 2, 4"),
    ({"batch_size": 64.0}, TypeError, "batch_size"),
    ({"learning_rate": 20}, ValueError, "learning_rate"),
    ({"learning_rate": math.nan}, ValueError, "learning_rate"),
    ({"learning_rate": "0.1"}, TypeError, "learning_rate"),
    ({"budget_bytes": 10**4}, ValueError, "budget_bytes"),
    ({"budget_bytes": 10**12}, ValueError, "100 kB to 100 GB"),
    ({"budget_bytes": math.inf}, ValueError, "budget_bytes"),
    ({"rate_scaling": "sqrt"}, ValueError, "rate_scaling"),
    ({"runs": "runs"}, TypeError, "LabRuns"),
])
def test_lab_rejects_bad_arguments(runs, kwargs, error, match):
    kwargs = {"runs": runs, **kwargs}
    with pytest.raises(error, match=match):
        lab.Lab(**kwargs)


def test_labruns_rejects_bad_arguments(runs):
    for kwargs, match in (({"epochs": 0}, "epochs"), ({"epochs": 1000}, "epochs"),
                          ({"hidden": 10**6}, "hidden"), ({"seed": -1}, "seed")):
        with pytest.raises(ValueError, match=match):
            lab.LabRuns(**kwargs)
    with pytest.raises(ValueError, match="batch_size"):
        runs.run(runs.m + 1, 0.1)
    with pytest.raises(ValueError, match="learning_rate"):
        runs.run(64, -0.1)
    with pytest.raises(ValueError, match="budget_bytes"):
        runs.memory(1.5e6 + 0.5, 64)
    with pytest.raises(ValueError, match="same shape"):
        runs.path_cost(np.zeros(3), np.zeros(4))


def test_runs_are_cached_and_views_subset(runs, path_lab):
    a = runs.run(128, 0.1)
    assert runs.run(128, 0.1) is a
    assert list(path_lab.views) == ["path"] and path_lab.inputs == [path_lab.batch, path_lab.rate]
    assert path_lab.rate.value == 0.25 and 0.25 in path_lab.rate.options  # exact, not 0.251
    assert path_lab.status.value == "" and path_lab.drawn()


def test_sliders_start_on_their_exact_values(full_lab):
    """A value the browser's slider cannot show exactly is rounded there and sent back
    (a FloatLogSlider with step 0.01 turned 16 MB into 15.85 MB): every starting value must be
    one of the slider's own stops."""
    import inspect

    default = inspect.signature(lab.Lab).parameters["budget_bytes"].default
    budget = widget_parts.make_budget_input(default, *lab.BUDGETS)
    assert budget.slider.value == 16_000_000 and budget.entry.value == "16.00 MB"
    mib = widget_parts.make_budget_input(16 * 2**20, *lab.BUDGETS)
    assert mib.slider.value == 16 * 2**20 and mib.value == 16 * 2**20
    for inp in full_lab.inputs:
        assert inp.value in inp.options and inp.slider.value == inp.value


def figure_problems(live, monkeypatch):
    """convention_problems for every Axes of a LiveFigure. Its first redraw laid the figure
    out (what the learner sees: the background is never laid out again), so the checks read
    that layout instead of laying it out again, once per Axes."""
    assert live.frames > 0
    with monkeypatch.context() as mp:
        mp.setattr(live.fig, "draw_without_rendering", lambda: None)
        return [p for ax in live.fig.axes for p in plotting.convention_problems(ax)]


def method_coloured(fig, allowed):
    """Artists drawn in one of the three method colours, other than the `allowed` ones."""
    method_hex = {c.upper() for c in plotting.COLORS.values()}
    found = []
    for ax in fig.axes:
        for artist in [*ax.get_lines(), *ax.patches, *ax.collections]:
            if artist in allowed:
                continue
            if hasattr(artist, "get_color"):  # a line
                colors = [artist.get_color()]
            else:  # a bar or a collection (contours): its faces and edges
                colors = [*np.atleast_2d(artist.get_facecolor()),
                          *np.atleast_2d(artist.get_edgecolor())]
            if any(len(c) and to_hex(c).upper() in method_hex for c in colors):
                found.append(artist)
    return found


def test_lab_figure_follows_the_convention(full_lab, monkeypatch):
    full_lab.batch.set(1)  # SGD: the noisiest curves and the longest path
    assert figure_problems(full_lab.live, monkeypatch) == []


@pytest.mark.parametrize("b", [1, 64, 4000])
def test_lines_that_follow_the_sliders_take_the_method_style(runs, full_lab, b):
    lb = full_lab
    lb.batch.set(b)  # SGD, mini-batch GD, batch GD (b = m = 4,000)
    path_b = runs.run(b, 0.1)["path_batch_size"]
    epoch_line, path_line = lb.views["cost"].epoch_line, lb.views["path"].path_line
    for line, size, m in ((epoch_line, b, runs.m), (path_line, path_b, runs.m_path)):
        style = plotting.method_style(size, m)
        assert to_hex(line.get_color()) == style["color"].lower()
        assert (line.get_linestyle(), line.get_marker()) == (style["ls"], style["marker"])
    # the legends name the method of the lines drawn, and no other line takes its colour
    name = {"batch": "batch GD", "sgd": "SGD", "minibatch": "mini-batch GD"}
    for ax, line, size, m in ((lb.ax["cost"], epoch_line, b, runs.m),
                              (lb.ax["path"], path_line, path_b, runs.m_path)):
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        assert line.get_label() in texts
        assert line.get_label().endswith(name[plotting.method_of(size, m)])
    assert method_coloured(lb.live.fig, [epoch_line, path_line]) == []


def test_a_size_seen_before_shows_the_same_picture_without_a_full_render(full_lab):
    """b = 1 and b = 4,000 change legends and limits (another layout, another background);
    back at a size seen before, the lab puts that layout's background back, and the picture
    is the one it showed then, pixel for pixel."""
    lb, live = full_lab, full_lab.live
    for b in (1, 4000, 64):  # every layout of the loop below seen once
        lb.batch.set(b)
    frames, renders = [], live.full_renders
    for _ in range(2):
        for b in (1, 4000, 64):
            lb.batch.set(b)
            assert lb.status.value == "" and lb.drawn(), lb.status.value
            frames.append(live.frame())
    assert live.full_renders == renders
    assert (frames[0] != frames[1]).any() and (frames[1] != frames[2]).any()
    for first, again in zip(frames[:3], frames[3:]):
        np.testing.assert_array_equal(again, first)


def test_the_views_notebooks_use_follow_the_convention(cost_lab, path_lab, monkeypatch):
    for lb in (cost_lab, path_lab):  # notebook 02: cost and speed; notebook 03: path
        assert figure_problems(lb.live, monkeypatch) == []
        assert lb.status.value == "" and lb.drawn()


def test_without_a_kernel_the_lab_says_how_to_start(full_lab):
    text = full_lab.widget()._repr_mimebundle_()["text/plain"]
    assert "make lab" in text and "Run All" in text and "VBox" not in text


def test_the_two_knobs_come_first_and_the_rest_is_advanced(full_lab, path_lab):
    rows = full_lab.widget().children
    assert rows[0].children[1] is full_lab.batch.slider
    assert rows[1].children[1] is full_lab.rate.slider
    advanced = rows[2]  # collapsed: the rate scaling (06) and the memory budget (05)
    assert isinstance(advanced, ipywidgets.Accordion) and advanced.selected_index is None
    assert advanced.titles[0].startswith("Advanced")
    scaling_row, budget_row = advanced.children[0].children
    assert full_lab.scaling in scaling_row.children and "scale the rate with b" in \
        scaling_row.children[0].value
    assert budget_row.children[1] is full_lab.budget.slider
    assert full_lab.scaling.options == ("none", "linear", "square root")
    path_advanced = path_lab.widget().children[2]
    assert path_lab.scaling in path_advanced.children[0].children[0].children
    assert "memory" not in path_advanced.titles[0]


def test_notebook_00_front_door_works_without_a_kernel():
    """Opened where no code runs, notebook 00 shows a picture of the lab, how to start it,
    and a line of text in place of the widgets (the stored text/plain), not VBox(...)."""
    import json
    import re
    from pathlib import Path

    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    cells = json.loads((notebooks / "00_lab.ipynb").read_text(encoding="utf-8"))["cells"]
    first_md = "".join(cells[0]["source"]) + "".join(cells[1]["source"])
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+\.png)\)", first_md)
    assert pictures and all((notebooks / p).is_file() for p in pictures)
    assert "make lab" in first_md and "Run All Cells" in first_md
    widget = "application/vnd.jupyter.widget-view+json"
    stored = [o["data"]["text/plain"] for c in cells if c["cell_type"] == "code"
              for o in c["outputs"] if widget in o.get("data", {})]
    assert len(stored) == 1
    text = "".join(stored[0])
    assert "make lab" in text and "VBox" not in text


async def ahead_started(lb):
    """Wait (on the loop, as the kernel idles) until the lab trains an end ahead."""
    for _ in range(2000):
        if lb.training is not None:
            return lb.training
        await asyncio.sleep(0.002)
    raise AssertionError("the idle lab trained nothing ahead")


def test_an_idle_lab_trains_the_slider_ends_ahead_and_a_drag_there_needs_no_run(
        path_lab, runs, monkeypatch):
    lb = path_lab
    lb.rate.set(0.07)  # every size cold at this rate
    computed, cancelled = record_computed(runs, monkeypatch)
    m = runs.batch_sizes[-1]

    async def kernel():
        lb.batch.slider.value = 128
        await settle(lb)
        assert computed == [128] and lb.drawn()
        assert await ahead_started(lb) == (1, 0.07)
        assert not lb.pending  # nothing the views wait for
        while lb.training is not None:  # b = 1, then b = m
            await asyncio.sleep(0.002)
        assert runs.is_cached(1, 0.07) and runs.is_cached(m, 0.07)
        renders = lb.live.full_renders  # the ends' layouts were rendered ahead too
        for b in (64, 16, 4, 1):  # a drag to the end: no run left to wait for
            lb.batch.slider.value = b
        await settle(lb)
        assert "<b>b = 1</b>" in lb.readout.value and lb.drawn()
        assert lb.live.full_renders == renders  # SGD's legend, without a full render
        lb.batch.slider.value = m
        await settle(lb)
        assert "<b>b = 4,000</b>" in lb.readout.value and lb.drawn()
        assert lb.live.full_renders == renders

    asyncio.run(kernel())
    assert computed == [128, 1, m]  # the drag passed cold sizes: no run for them
    assert cancelled == [] and lb.status.value == ""


def test_a_move_abandons_a_run_trained_ahead_unless_it_reaches_that_end(
        path_lab, runs, monkeypatch):
    lb = path_lab
    lb.rate.set(0.08)  # every size cold at this rate
    computed, cancelled = record_computed(runs, monkeypatch)

    async def kernel():
        lb.batch.slider.value = 256
        await settle(lb)
        assert await ahead_started(lb) == (1, 0.08)
        lb.batch.slider.value = 512  # elsewhere: the run ahead is abandoned at once
        await settle(lb)
        assert "<b>b = 512</b>" in lb.readout.value and lb.drawn()
        assert await ahead_started(lb) == (1, 0.08)  # idle again: b = 1 again
        lb.batch.slider.value = 1  # its end: the run ahead is the one the views wait for
        assert lb.training == (1, 0.08)
        await settle(lb)
        assert "<b>b = 1</b>" in lb.readout.value and lb.drawn()

    asyncio.run(kernel())
    assert cancelled == [1] and computed[:3] == [256, 512, 1]
    assert lb.status.value == ""


def test_train_ahead_false_trains_only_what_the_views_show(runs, monkeypatch):
    lb = lab.Lab(views=("path",), runs=runs, batch_size=8, train_ahead=False)
    lb.rate.set(0.09)
    computed, _ = record_computed(runs, monkeypatch)

    async def kernel():
        lb.batch.slider.value = 32
        await settle(lb)
        await asyncio.sleep(3 * lab.AHEAD)
        assert lb.training is None

    asyncio.run(kernel())
    assert computed == [32]
    with pytest.raises(TypeError, match="train_ahead"):
        lab.Lab(views=("path",), runs=runs, train_ahead="yes")


def test_a_cost_that_blew_up_reads_as_a_power_of_ten_not_87_digits():
    assert lab_runs._cost(3.289) == "3.29"
    assert lab_runs._cost(4.6167920865e86) == "4.6 × 10^86"
    assert lab_runs._cost(17170.688) == "17170.69"


def test_runs_are_computed_one_at_a_time_and_a_cached_run_does_not_wait(runs, monkeypatch):
    """A notebook cell asking for a run while the lab's worker computes another waits for
    it (no time per epoch is measured with two runs competing); a cached run answers at
    once even while a run is being computed."""
    spans, compute = [], runs._compute

    def recorded(b, lr, cancel=None):
        t0 = time.perf_counter()
        try:
            return compute(b, lr, cancel)
        finally:
            spans.append((t0, time.perf_counter()))

    monkeypatch.setattr(runs, "_compute", recorded)
    runs.run(4000, 0.013)  # cached before the threads start
    threads = [threading.Thread(target=runs.run, args=(b, 0.013)) for b in (2, 4)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    cached = runs.run(4000, 0.013)
    waited = time.perf_counter() - t0
    for t in threads:
        t.join()
    (a0, a1), (b0, b1) = spans[1:]
    assert a1 <= b0 or b1 <= a0, "two runs were computed at the same time"
    assert cached["batch_size"] == 4000 and waited < min(a1 - a0, b1 - b0) / 2
    assert runs.is_cached(2, 0.013) and runs.is_cached(4, 0.013)
