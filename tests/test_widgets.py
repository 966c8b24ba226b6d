import matplotlib

matplotlib.use("Agg")  # tests only

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from course_utils import plotting, timing, widgets  # noqa: E402


@pytest.fixture(scope="module")
def times():
    sizes = np.array([1, 4, 16, 64, 256])
    seconds = np.array([[1e-4, 1.2e-4, 2e-4, 4e-4, 1.2e-3],
                        [1.1e-4, 1.3e-4, 2.1e-4, 4.2e-4, 1.3e-3]])
    return timing.StepTimes(sizes, seconds)


def figure_problems(fig, monkeypatch):
    """convention_problems for every Axes of fig, plus any artist in a method colour (none of
    the explorers' artists shows one of the three methods). Drawn once: the checks only read
    what that draw laid out, so their own full redraws are skipped."""
    fig.canvas.draw()
    with monkeypatch.context() as mp:
        mp.setattr(fig.canvas, "draw", lambda: None)
        problems = [p for ax in fig.axes for p in plotting.convention_problems(ax)]
    method_hex = {c.upper() for c in plotting.COLORS.values()}
    for ax in fig.axes:
        for artist in [*ax.get_lines(), *ax.patches]:
            color = artist.get_color() if hasattr(artist, "get_color") else artist.get_facecolor()
            if to_hex(color).upper() in method_hex:
                problems.append(f"{artist} uses a method colour")
    return problems


def test_explorer_figures_follow_the_convention(times, monkeypatch):
    size_explorer = widgets.BatchSizeExplorer(times, m=1000, value=4)
    assert figure_problems(size_explorer.live.fig, monkeypatch) == []
    budget_explorer = widgets.MemoryBudgetExplorer([784, 256, 10], m=60_000, budget_bytes=1e8)
    assert figure_problems(budget_explorer.live.fig, monkeypatch) == []
    ticks = [t.get_text() for t in budget_explorer.ax.get_xticklabels()]
    assert ticks == ["1 kB", "1 MB", "1 GB", "1 TB"]  # bytes in words, not 10^6
    # where no kernel runs, each says how to start it instead of VBox(children=...)
    for ex in (size_explorer, budget_explorer):
        bundle = ex.widget()._repr_mimebundle_()
        assert "make lab" in bundle["text/plain"] and "VBox" not in bundle["text/plain"]
        assert "application/vnd.jupyter.widget-view+json" in bundle  # the live widget too


def test_log_axes_only_across_decades(monkeypatch):
    narrow = timing.StepTimes(np.array([8, 16, 32]), np.array([[1e-4, 1.5e-4, 2.5e-4]] * 2))
    ex = widgets.BatchSizeExplorer(narrow, m=64, value=16)
    assert [ax.get_xscale() for ax in ex.live.fig.axes] == ["linear"] * 3  # 8 to 32: < 2 decades
    assert figure_problems(ex.live.fig, monkeypatch) == []


def test_relative_noise_edges():
    assert widgets.relative_noise(1, 100) == 1.0
    assert widgets.relative_noise(100, 100) == 0.0
    assert widgets.relative_noise(10, 100) == pytest.approx(90 / (10 * 99))
    with pytest.raises(ValueError, match="101"):
        widgets.relative_noise(101, 100)


def test_report_numbers(times):
    r = widgets.batch_size_report(64, 1000, times)
    assert r["updates_per_epoch"] == 16
    assert r["seconds_per_example"] == pytest.approx(np.median([4e-4, 4.2e-4]) / 64)
    assert r["fraction_of_peak"] == pytest.approx(
        (64 / 4.1e-4) / max(times.batch_sizes / times.median))
    with pytest.raises(ValueError, match="not measured"):
        widgets.batch_size_report(100, 1000, times)


def test_report_b_larger_than_m(times):
    r = widgets.batch_size_report(256, 100, times)
    assert np.isnan(r["relative_noise"])
    assert "b > m" in widgets.format_report(r, 100)


def test_explorer_slider_moves_marker_and_readout(times):
    ex = widgets.BatchSizeExplorer(times, m=1000, value=4)
    before = ex.readout.value
    assert "b = 4" in before and "250 updates per epoch" in before
    frame = ex.live.frame()
    ex.slider.value = 64  # what a learner's drag does
    assert "b = 64" in ex.readout.value and "16 updates per epoch" in ex.readout.value
    assert not np.array_equal(frame, ex.live.frame())
    xs = [m.get_xdata()[0] for m, _ in ex.markers]
    assert xs == [64, 64, 64]
    assert ex.markers[1][0].get_ydata()[0] == 16
    ex.size.entry.value = "100"  # typed, but never timed: a message, no change
    assert "not measured" in ex.size.message.value and "b = 64" in ex.readout.value


def test_memory_explorer_follows_budget_and_size():
    from course_utils import memory

    ex = widgets.MemoryBudgetExplorer([784, 256, 10], m=60_000, budget_bytes=1e8, batch_size=256)
    b_max = memory.largest_batch([784, 256, 10], 10**8, "float32")
    assert f"<b>{b_max:,}</b>" in ex.readout.value
    assert "does not fit" in ex.readout.value  # batch GD at m = 60,000 in 100 MB
    frame = ex.live.frame()
    ex.budget.value = 1e10
    assert "<b>fits</b>" in ex.readout.value
    assert not np.array_equal(frame, ex.live.frame())  # the picture changed too
    ex.batch.value = 2**22
    assert "over</b> the budget" in ex.readout.value
    widths = [bar.get_width() for bar in ex.view.per_ex]
    assert widths[1] == pytest.approx(memory.per_example_bytes([784, 256, 10], "float32") * 2**22)


def test_memory_explorer_rejects_bad_typed_size_and_keeps_working():
    ex = widgets.MemoryBudgetExplorer([40, 10], m=4000, budget_bytes=1e7)
    before = ex.readout.value
    for bad in ("-5", "0", "abc", "1e99", "2.5", "99999999999"):
        ex.typed.value = bad
        assert "is not allowed" in ex.message.value and repr(bad) in ex.message.value
        assert ex.readout.value == before  # nothing changed, nothing clipped
    ex.typed.value = "1,000"
    assert ex.message.value == "" and "mini-batch of 1,000" in ex.readout.value
    assert ex.batch.value == 1024  # the slider shows the nearest size it has


def test_budget_entry_parses_units_and_rejects_out_of_range():
    ex = widgets.MemoryBudgetExplorer([40, 10], m=4000, budget_bytes=1e7)
    ex.budget_input.entry.value = "2 GB"
    assert "budget 2.00 GB" in ex.readout.value
    ex.budget_input.entry.value = "5 PB"
    assert "is not allowed" in ex.budget_input.message.value
    assert widgets.parse_bytes("16 MiB") == 16 * 2**20
    with pytest.raises(ValueError, match="'lots'"):
        widgets.parse_bytes("lots")


@pytest.mark.parametrize("backend", ["agg", "module://matplotlib_inline.backend_inline", None])
def test_importing_course_utils_leaves_the_matplotlib_backend_alone(backend):
    import subprocess
    import sys

    setup = f"import matplotlib; matplotlib.use({backend!r})" if backend else "import matplotlib"
    code = (f"{setup}\nbefore = matplotlib.rcParams._get_backend_or_none()\n"
            "import course_utils\nprint(before == matplotlib.rcParams._get_backend_or_none())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_png_bytes_round_trips_through_a_png_decoder():
    import io

    from PIL import Image

    frame = np.random.default_rng(0).integers(0, 256, (7, 5, 4), dtype=np.uint8)
    frame[..., 3] = 255
    decoded = np.asarray(Image.open(io.BytesIO(widgets.png_bytes(frame))))
    assert decoded.shape == (7, 5, 3) and np.array_equal(decoded, frame[..., :3])
