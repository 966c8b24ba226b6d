import matplotlib

matplotlib.use("Agg")  # tests only

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from course_utils import lab, plotting  # noqa: E402


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


def figure_problems(fig, monkeypatch):
    """convention_problems for every Axes of fig. The figure is drawn once: the checks only
    read what that draw laid out, so their own full redraws (one per check) are skipped."""
    fig.canvas.draw()
    with monkeypatch.context() as mp:
        mp.setattr(fig.canvas, "draw", lambda: None)
        return [p for ax in fig.axes for p in plotting.convention_problems(ax)]


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


@pytest.fixture(scope="module")
def sgd_lab(runs):
    lb = lab.Lab(runs=runs, batch_size=64)
    lb.batch.set(1)  # SGD: the noisiest curves and the longest path
    return lb


def test_lab_figure_follows_the_convention(sgd_lab, monkeypatch):
    assert figure_problems(sgd_lab.live.fig, monkeypatch) == []


@pytest.mark.parametrize("b", [1, 64, 4000])
def test_lines_that_follow_the_sliders_take_the_method_style(runs, sgd_lab, b):
    lb = sgd_lab
    lb.batch.set(b)  # SGD, mini-batch GD, batch GD (b = m = 4,000)
    path_b = runs.run(b, 0.1)["path_batch_size"]
    for line, size, m in ((lb.epoch_line, b, runs.m), (lb.path_line, path_b, runs.m_path)):
        style = plotting.method_style(size, m)
        assert to_hex(line.get_color()) == style["color"].lower()
        assert (line.get_linestyle(), line.get_marker()) == (style["ls"], style["marker"])
    # the method colours appear nowhere else but in the legend keys
    keys = [ln for ax in lb.live.fig.axes for ln in ax.get_lines()
            if ln.get_label().startswith(("batch GD", "SGD", "mini-batch GD", "epoch average"))]
    assert len(keys) == 6  # three methods in the cost legend, three in the path legend
    assert method_coloured(lb.live.fig, [lb.epoch_line, lb.path_line, *keys]) == []


@pytest.mark.parametrize("views", [("cost", "speed"), ("path",)])
def test_the_views_notebooks_use_follow_the_convention(runs, views, monkeypatch):
    lb = lab.Lab(views=views, runs=runs)  # notebook 02: cost and speed; notebook 03: path
    assert figure_problems(lb.live.fig, monkeypatch) == []


def test_without_a_kernel_the_lab_says_how_to_start(sgd_lab):
    text = sgd_lab.widget()._repr_mimebundle_()["text/plain"]
    assert "make lab" in text and "Run All" in text and "VBox" not in text


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
