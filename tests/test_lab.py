import matplotlib

matplotlib.use("Agg")  # tests only

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import lab  # noqa: E402


@pytest.fixture(scope="module")
def runs():
    return lab.LabRuns(epochs=1, path_epochs=3)


def test_decimate_keeps_the_envelope():
    y = np.random.default_rng(0).standard_normal(10_000)
    x = np.arange(y.size)
    xs, ys = lab.decimate(x, y, 1000)
    assert len(ys) <= 1000 and ys.max() == y.max() and ys.min() == y.min()
    assert np.all(np.diff(xs) > 0)
    assert lab.decimate(x[:10], y[:10])[1].tolist() == y[:10].tolist()


def test_views_follow_the_batch_slider(runs):
    lb = lab.Lab(runs=runs, batch_size=64)
    text, frame = lb.readout.value, lb.live.frame()
    path_before = lb.path_line.get_xdata().copy()
    lb.batch.slider.value = 256  # a drag
    assert "<b>b = 256</b>" in lb.readout.value and "16 updates per epoch" in lb.readout.value
    assert lb.readout.value != text and not np.array_equal(frame, lb.live.frame())
    assert len(lb.path_line.get_xdata()) != len(path_before)  # fewer, bigger steps
    assert lb.updates_marker.get_ydata()[0] == 16
    assert lb.epoch_line.get_ydata()[:-1].tolist() == runs.run(256, 0.1)["epoch_cost"].tolist()


def test_rate_and_budget_follow_and_over_budget_is_shown(runs):
    lb = lab.Lab(runs=runs, batch_size=64, budget_bytes=1e7)
    lb.rate.set(0.01)
    assert "learning rate 0.01" in lb.readout.value
    lb.budget.entry.value = "150 kB"
    assert "does not fit</b>: over the budget by" in lb.readout.value
    r = runs.memory(150e3, 64)
    assert r["chosen_over_by"] > 0 and f"largest mini-batch that fits is {r['largest_batch']:,}" \
        in lb.readout.value


def test_bad_typed_values_give_messages_and_the_lab_keeps_working(runs):
    lb = lab.Lab(runs=runs)
    before = lb.readout.value
    for inp, bad in [(lb.batch, "0"), (lb.batch, "5000"), (lb.batch, "ten"), (lb.rate, "-1"),
                     (lb.rate, "abc"), (lb.budget, "1 PB"), (lb.budget, "")]:
        inp.entry.value = bad
        assert "is not allowed" in inp.message.value
        assert lb.readout.value == before and lb.status.value == ""
    lb.batch.entry.value = "100"  # any whole number in range, not only the slider's sizes
    assert "<b>b = 100</b>" in lb.readout.value and lb.batch.message.value == ""


def test_diverging_rate_is_a_message_not_a_traceback(runs):
    lb = lab.Lab(runs=runs, batch_size=16)
    lb.rate.set(9.0)
    assert "diverged" in lb.readout.value or "too large" in lb.readout.value
    assert lb.status.value == ""
    lb.rate.set(0.1)
    assert "training cost after" in lb.readout.value


def test_an_internal_error_is_shown_and_the_lab_recovers(runs, monkeypatch):
    lb = lab.Lab(runs=runs)
    monkeypatch.setattr(runs, "run", lambda b, lr: 1 / 0)
    lb.batch.set(32)
    assert "could not update the views" in lb.status.value
    assert "ZeroDivisionError" in lb.status.value
    monkeypatch.undo()
    lb.batch.set(64)
    assert lb.status.value == "" and "<b>b = 64</b>" in lb.readout.value


def test_runs_are_cached_and_views_subset(runs):
    a = runs.run(128, 0.1)
    assert runs.run(128, 0.1) is a
    only_path = lab.Lab(views=("path",), runs=runs)
    assert list(only_path.ax) == ["path"] and len(only_path.inputs) == 2
    with pytest.raises(ValueError, match="'speeds'"):
        lab.Lab(views=("speeds",), runs=runs)
