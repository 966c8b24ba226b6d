import matplotlib

matplotlib.use("Agg")  # tests only

import math  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from course_utils.measure import noise, timing  # noqa: E402
from course_utils.plots import plotting  # noqa: E402
from course_utils.ui import (  # noqa: E402
    explorers,
    lab_views,
    live_figure,
    reports,
    widget_parts,
    widgets,
)
from course_utils.ui.live_figure import holds_data  # noqa: E402
from course_utils.ui.live_update import failure_message  # noqa: E402

# Each explorer renders its figure once when built (about a second): built once per module,
# put back to their starting values by the fixtures.


@pytest.fixture(scope="module")
def times():
    sizes = np.array([1, 4, 16, 64, 256])
    seconds = np.array([[1e-4, 1.2e-4, 2e-4, 4e-4, 1.2e-3],
                        [1.1e-4, 1.3e-4, 2.1e-4, 4.2e-4, 1.3e-3]])
    return timing.StepTimes(sizes, seconds)


@pytest.fixture(scope="module")
def shared_size_explorer(times):
    return widgets.BatchSizeExplorer(times, m=1000, value=4)


@pytest.fixture()
def size_explorer(shared_size_explorer):
    ex = shared_size_explorer
    ex.size.set(4)
    ex.size.message.value = ""
    assert ex.status.value == "" and ex.drawn(), ex.status.value
    return ex


@pytest.fixture(scope="module")
def shared_budget_explorer():
    return widgets.MemoryBudgetExplorer([784, 256, 10], m=60_000, budget_bytes=1e8)


@pytest.fixture()
def budget_explorer(shared_budget_explorer):
    ex = shared_budget_explorer
    ex.budget_input.set(10**8)
    ex.size.set(256)
    for inp in (ex.budget_input, ex.size):
        inp.message.value = ""
    assert ex.status.value == "" and ex.drawn(), ex.status.value
    return ex


def figure_problems(live, monkeypatch):
    """convention_problems for every Axes of a LiveFigure, plus any artist in a method colour
    (none of the explorers' artists shows one of the three methods). The figure's first
    redraw laid it out: the checks read that layout instead of laying it out again."""
    assert live.frames > 0
    with monkeypatch.context() as mp:
        mp.setattr(live.fig, "draw_without_rendering", lambda: None)
        problems = [p for ax in live.fig.axes for p in plotting.convention_problems(ax)]
    method_hex = {c.upper() for c in plotting.COLORS.values()}
    for ax in live.fig.axes:
        for artist in [*ax.get_lines(), *ax.patches]:
            color = artist.get_color() if hasattr(artist, "get_color") else artist.get_facecolor()
            if to_hex(color).upper() in method_hex:
                problems.append(f"{artist} uses a method colour")
    return problems


def test_explorer_figures_follow_the_convention(size_explorer, budget_explorer, monkeypatch):
    assert figure_problems(size_explorer.live, monkeypatch) == []
    assert figure_problems(budget_explorer.live, monkeypatch) == []
    ticks = [t.get_text() for t in budget_explorer.ax.get_xticklabels()]
    assert ticks and all(t.endswith(("kB", "MB", "GB", "TB")) for t in ticks)  # not 10^6
    assert "100 MB" in ticks  # the axis fitted to the data: every decade labelled
    # where no kernel runs, each says how to start it instead of VBox(children=...)
    for ex in (size_explorer, budget_explorer):
        bundle = ex.widget()._repr_mimebundle_()
        assert "make lab" in bundle["text/plain"] and "VBox" not in bundle["text/plain"]
        assert "application/vnd.jupyter.widget-view+json" in bundle  # the live widget too
        assert ex.status in ex.widget().children


def test_log_axes_only_across_decades(monkeypatch):
    narrow = timing.StepTimes(np.array([8, 16, 32]), np.array([[1e-4, 1.5e-4, 2.5e-4]] * 2))
    ex = widgets.BatchSizeExplorer(narrow, m=64, value=16)
    assert [ax.get_xscale() for ax in ex.live.fig.axes] == ["linear"] * 3  # 8 to 32: < 2 decades
    assert figure_problems(ex.live, monkeypatch) == []


def test_relative_noise_edges():
    assert noise.relative_noise(1, 100) == 1.0
    assert noise.relative_noise(100, 100) == 0.0
    assert noise.relative_noise(1, 1) == 0.0
    assert noise.relative_noise(10, 100) == pytest.approx(90 / (10 * 99))
    with pytest.raises(ValueError, match="101"):
        noise.relative_noise(101, 100)
    with pytest.raises(ValueError, match="batch_size must satisfy"):
        noise.relative_noise(0, 100)
    with pytest.raises(TypeError, match="m must be an integer"):
        noise.relative_noise(1, 100.0)


def test_report_numbers(times):
    r = reports.batch_size_report(64, 1000, times)
    assert r["updates_per_epoch"] == 16
    assert r["seconds_per_example"] == pytest.approx(np.median([4e-4, 4.2e-4]) / 64)
    assert r["fraction_of_peak"] == pytest.approx(
        (64 / 4.1e-4) / max(times.batch_sizes / times.median))
    with pytest.raises(ValueError, match="not measured"):
        reports.batch_size_report(100, 1000, times)


def test_report_b_larger_than_m(times):
    r = reports.batch_size_report(256, 100, times)
    assert np.isnan(r["relative_noise"])
    assert "b > m" in reports.format_batch_size_report(r, 100)


def test_step_times_are_checked(times):
    with pytest.raises(TypeError, match="StepTimes"):
        reports.batch_size_report(4, 100, {"batch_sizes": [4], "seconds": [[1.0]]})
    for attr, bad, match in (("seconds", times.seconds[:, :3], "shape"),
                             ("seconds", np.where(times.seconds > 1e-3, np.nan, times.seconds),
                              "finite"),
                             ("seconds", -times.seconds, "> 0"),
                             ("batch_sizes", times.batch_sizes + 0.5, "whole"),
                             ("batch_sizes", times.batch_sizes[::-1], "increasing")):
        broken = timing.StepTimes(times.batch_sizes, times.seconds)
        setattr(broken, attr, bad)  # replaced after it was made: the report checks again
        with pytest.raises(ValueError, match=match):
            reports.batch_size_report(4, 100, broken)
    loaded = timing.StepTimes(times.batch_sizes.astype(float), times.seconds)  # as from a file
    assert reports.batch_size_report(4, 100, loaded)["batch_size"] == 4


def test_explorer_slider_moves_marker_and_readout(size_explorer):
    ex = size_explorer
    before = ex.readout.value
    assert "b = 4" in before and "250 updates per epoch" in before
    frame = ex.live.frame()
    ex.slider.value = 64  # what a learner's drag does
    assert "b = 64" in ex.readout.value and "16 updates per epoch" in ex.readout.value
    assert not np.array_equal(frame, ex.live.frame())
    xs = [m.get_xdata()[0] for m, _ in ex.markers]
    assert xs == [64, 64, 64]
    assert ex.markers[1][0].get_ydata()[0] == 16
    assert ex.status.value == "" and ex.drawn()
    ex.size.entry.value = "100"  # typed, but never timed: a message, no change
    assert "not measured" in ex.size.message.value and "b = 64" in ex.readout.value
    assert ex.slider.value == 64 and ex.size.value == 64 and ex.drawn()


def test_explorer_marker_where_a_curve_has_no_value(times):
    """Past b = m there is no gradient noise to mark: the marker is hidden, and the figure
    still counts as drawn."""
    ex = widgets.BatchSizeExplorer(times, m=64, value=256)
    noise_marker = ex.markers[2][0]
    assert not holds_data(noise_marker) and holds_data(ex.markers[0][0]) and ex.drawn()


def test_memory_explorer_follows_budget_and_size(budget_explorer):
    from course_utils.measure import memory

    ex = budget_explorer
    b_max = memory.largest_batch([784, 256, 10], 10**8, "float32")
    assert f"<b>{b_max:,}</b>" in ex.readout.value
    assert "does not fit" in ex.readout.value  # batch GD at m = 60,000 in 100 MB
    frame = ex.live.frame()
    ex.budget.value = 10**10
    assert "<b>fits</b>" in ex.readout.value
    assert not np.array_equal(frame, ex.live.frame())  # the picture changed too
    ex.batch.value = 2**22
    assert "over</b> the budget" in ex.readout.value
    # the whole step at your b: the fixed bytes plus per example x b (a point, not a bar)
    fixed = ex.view.fixed.get_xdata()[0]
    assert ex.view.yours.get_xdata()[0] - fixed == pytest.approx(
        memory.per_example_bytes([784, 256, 10], "float32") * 2**22)
    assert ex.status.value == "" and ex.drawn()


def test_memory_explorer_rejects_bad_typed_size_and_keeps_working(budget_explorer):
    ex = budget_explorer
    before = ex.readout.value
    for bad in ("-5", "0", "abc", "1e99", "2.5", "99999999999", "1,5"):
        ex.typed.value = bad
        assert "is not allowed" in ex.message.value and repr(bad) in ex.message.value
        assert ex.readout.value == before  # nothing changed, nothing clipped
    ex.typed.value = "1,000"
    assert ex.message.value == "" and "mini-batch of 1,000" in ex.readout.value
    assert ex.batch.value == 1024  # the slider shows the nearest size it has


def test_budget_entry_parses_units_and_rejects_out_of_range(budget_explorer):
    ex = budget_explorer
    ex.budget_input.entry.value = "2 GB"
    assert "budget 2.00 GB" in ex.readout.value
    ex.budget_input.entry.value = "16 MiB"  # kept exactly: 16,777,216 bytes
    assert ex.budget_input.value == 16 * 2**20 and "budget 16.78 MB" in ex.readout.value
    for bad in ("5 PB", "16 mb", "16 KB", "1e", "lots"):
        ex.budget_input.entry.value = bad
        assert "is not allowed" in ex.budget_input.message.value
        assert ex.budget_input.value == 16 * 2**20


def assert_explorer_ok(ex):
    """The checked cell the notebooks put after each explorer cell."""
    assert ex.status.value == "" and ex.drawn(), ex.status.value


def test_a_failing_view_fails_the_checked_cell(size_explorer, budget_explorer, monkeypatch):
    assert_explorer_ok(size_explorer)
    assert_explorer_ok(budget_explorer)

    def broken(*args):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(lab_views.MemoryView, "update", broken)
    budget_explorer.size.set(512)
    with pytest.raises(AssertionError, match="RuntimeError: broken on purpose"):
        assert_explorer_ok(budget_explorer)
    monkeypatch.setattr(explorers, "format_batch_size_report", broken)
    size_explorer.size.set(16)
    with pytest.raises(AssertionError, match="RuntimeError: broken on purpose"):
        assert_explorer_ok(size_explorer)
    # the lab's wording (live_update), not one of their own
    expected = failure_message(RuntimeError("broken on purpose"))
    assert size_explorer.status.value == budget_explorer.status.value == expected
    monkeypatch.undo()
    for ex in (size_explorer, budget_explorer):
        ex.update()
        assert_explorer_ok(ex)


def test_a_blank_figure_is_not_drawn(size_explorer, budget_explorer):
    for ex in (size_explorer, budget_explorer):
        ex.live.canvas.value = b""  # no frame in the image widget
        assert ex.status.value == "" and not ex.drawn()
        ex.update()
        assert ex.drawn()
    budget_explorer.view.clear()  # the bars gone
    assert not budget_explorer.drawn()
    size_explorer.markers[0][0].set_data([], [])  # a marker gone
    assert not size_explorer.drawn()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"m": 0}, ValueError, "m must"),
    ({"m": 1000.0}, TypeError, "m must"),
    ({"value": 100}, ValueError, r"timed sizes \[1, 4, 16, 64, 256\]"),
    ({"value": 4.0}, TypeError, "value"),
    ({"step_times": "times"}, TypeError, "StepTimes"),
])
def test_batch_size_explorer_rejects_bad_arguments(times, kwargs, error, match):
    kwargs = {"step_times": times, "m": 1000, **kwargs}
    with pytest.raises(error, match=match):
        widgets.BatchSizeExplorer(**kwargs)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"layer_dims": [784]}, ValueError, "layer_dims"),
    ({"m": -1}, ValueError, "m must"),
    ({"dtype": "float16"}, ValueError, "dtype"),
    ({"dtype": "float"}, ValueError, "dtype"),  # 64 bits to numpy, 32 to C: refused
    ({"output": "relu"}, ValueError, "output"),
    ({"budget_bytes": 1e5}, ValueError, "budget_bytes"),
    ({"budget_bytes": math.nan}, ValueError, "budget_bytes"),
    ({"budget_bytes": "16 MB"}, TypeError, "budget_bytes"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": 2**25}, ValueError, "batch_size"),
])
def test_memory_explorer_rejects_bad_arguments(kwargs, error, match):
    kwargs = {"layer_dims": [40, 10], "m": 4000, **kwargs}
    with pytest.raises(error, match=match):
        widgets.MemoryBudgetExplorer(**kwargs)


def test_slider_entry_rejects_bad_arguments():
    with pytest.raises(ValueError, match="increasing"):
        widget_parts.SliderEntry([1, 4, 2], 1, int)
    with pytest.raises(ValueError, match="value"):
        widget_parts.SliderEntry([1, 2, 4], 8, int)
    with pytest.raises(TypeError, match="parse"):
        widget_parts.SliderEntry([1, 2, 4], 2, "int")
    with pytest.raises(ValueError, match="options"):
        widget_parts.SliderEntry([0, 1, 2], 1, int)
    with pytest.raises(TypeError, match="text"):
        widget_parts.Dashboard([], None)


def test_the_rate_and_budget_grids_keep_the_starting_value():
    rates = widget_parts.log_grid(1e-3, 10, 0.05, keep=0.25)
    assert 0.25 in rates and 0.251 not in rates and rates[0] == 0.001 and rates[-1] == 10
    assert len(rates) == 81 and rates == sorted(rates)
    budgets = widget_parts.log_grid(1e5, 1e11, 0.01, keep=16 * 2**20, whole=True)
    assert 16 * 2**20 in budgets and all(isinstance(b, int) for b in budgets)
    assert budgets[0] == 10**5 and budgets[-1] == 10**11 and len(budgets) == 601


def test_holds_data():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    (line,) = ax.plot([], [])
    assert not holds_data(line)
    line.set_data([1, 2], [3, np.inf])
    assert not holds_data(line)
    line.set_data([1, 2], [3, 4])
    assert holds_data(line)
    (bar,) = ax.barh([0], [0])
    assert not holds_data(bar)
    bar.set_width(5)
    assert holds_data(bar)
    with pytest.raises(TypeError, match="lines, bars and texts"):
        holds_data(ax)


@pytest.mark.parametrize("backend", ["module://matplotlib_inline.backend_inline", None])
def test_importing_the_sliders_leaves_the_matplotlib_backend_alone(backend):
    """A notebook's backend (inline), or none chosen yet, is the same after importing the
    lab and the widgets: they draw on their own Agg canvas and never call matplotlib.use."""
    import subprocess
    import sys

    setup = f"import matplotlib; matplotlib.use({backend!r})" if backend else "import matplotlib"
    code = (f"{setup}\nbefore = matplotlib.rcParams._get_backend_or_none()\n"
            "import course_utils.ui.lab, course_utils.ui.widgets\n"
            "after = matplotlib.rcParams._get_backend_or_none()\n"
            "print(repr(before), repr(after))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    expected = None if backend is None else "module://matplotlib_inline.backend_inline"
    assert out.stdout.split() == [repr(expected)] * 2


def test_png_bytes_round_trips_through_a_png_decoder():
    import io

    from PIL import Image

    frame = np.random.default_rng(0).integers(0, 256, (7, 5, 4), dtype=np.uint8)
    frame[..., 3] = 255
    decoded = np.asarray(Image.open(io.BytesIO(live_figure.png_bytes(frame))))
    assert decoded.shape == (7, 5, 3) and np.array_equal(decoded, frame[..., :3])
    with pytest.raises(TypeError, match="uint8"):
        live_figure.png_bytes(frame.astype(float))
    with pytest.raises(ValueError, match=r"\(h, w, 4\)"):
        live_figure.png_bytes(frame[..., :3])
    with pytest.raises(ValueError, match=r"\(h, w, 4\)"):
        live_figure.png_bytes(frame[:0])


def test_widgets_exports_exactly_the_names_the_notebooks_call():
    """cu.widgets.<name> as the notebooks' code cells call it: every name called is there,
    and nothing else is exported."""
    import json
    import re
    from pathlib import Path

    called = set()
    for nb in sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] == "code":
                called |= set(re.findall(r"\bcu\.widgets\.(\w+)", "".join(cell["source"])))
    assert called, "no cu.widgets.<name> in the notebooks' code: the pattern is stale"
    assert sorted(widgets.__all__) == sorted(called)
    assert all(hasattr(widgets, name) for name in called)
