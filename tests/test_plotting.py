import matplotlib

matplotlib.use("Agg")  # tests only: no display needed (never for notebook runs)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils.core import data, models, train  # noqa: E402
from course_utils.plots import plotting  # noqa: E402


@pytest.fixture(scope="module")
def runs():
    X, Y = data.make_moons(200, seed=0)
    out = {}
    for b in (200, 16, 1):
        out[b] = train.train(models.LogisticRegression(2), X, Y, b, 0.1, 3, eval_every=10)
    Xr, Yr, _ = data.make_regression_2d(100, seed=0)
    out["diverged"] = train.train(models.LinearRegression(2), Xr * 100, Yr, 100, 5.0, 200)
    return out


@pytest.mark.parametrize("x", ["iterations", "epochs", "examples", "seconds"])
def test_plot_cost_returns_axes_with_labels_and_leaves_rcparams(runs, x):
    before = dict(plt.rcParams)
    ax = plotting.plot_cost(runs[16], x=x)
    assert isinstance(ax, plt.Axes)
    assert ax.get_xlabel() == plotting.X_AXES[x][0] and "cost" in ax.get_ylabel()
    assert ax.get_legend().get_texts()[0].get_text() == "mini-batch GD (b = 16)"
    assert dict(plt.rcParams) == before
    plt.close("all")


def test_plot_cost_draws_on_given_axes_in_source_colours(runs):
    fig, ax = plt.subplots()
    for h in runs.values():
        assert plotting.plot_cost(h, ax=ax) is ax
    lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    assert [ln.get_color() for ln in lines[:3]] == [plotting.COLORS[k] for k in
                                                     ("batch", "minibatch", "sgd")]
    assert [ln.get_linestyle() for ln in lines[:3]] == ["-", "--", ":"]
    assert plotting.convention_problems(ax) == []
    plt.close(fig)


def test_diverged_run_is_shown_as_diverged(runs):
    h = runs["diverged"]
    assert h.diverged
    ax = plotting.plot_cost(h)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].endswith("(diverged)")
    assert any(t.get_text() == "diverged" for t in ax.texts)
    plt.close("all")


def test_minibatch_cost_plot_has_both_curves(runs):
    ax = plotting.plot_minibatch_cost(runs[16], smooth_beta=0.9)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["cost of each mini-batch", "epoch average"] and "EWMA" in labels[2]
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), runs[16].step_cost)
    per_epoch = -(-runs[16].m // 16)  # each epoch average at the middle of its epoch's updates
    middles = np.arange(len(runs[16].epoch_cost)) * per_epoch + (per_epoch + 1) / 2
    np.testing.assert_allclose(ax.get_lines()[1].get_xdata(), middles)
    plt.close("all")


def test_contours_and_path(runs):
    ax = plotting.plot_contours(lambda a, b: a**2 + 3 * b**2, (-1, 1), (-1, 1))
    ax = plotting.plot_path([[1, 1], [0.5, 0.2], [0, 0]], ax=ax, label="GD",
                            **plotting.method_style(5, 5))
    assert "w1" in ax.get_xlabel() and "w2" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["GD", "start", "end"]
    assert plotting.convention_problems(ax) == []
    plt.close("all")


def test_bad_axis_name():
    with pytest.raises(ValueError, match="'minutes'"):
        plotting.plot_cost(None, x="minutes")


def test_bad_arguments_are_named(runs):
    with pytest.raises(ValueError, match="xscale"):
        plotting.plot_cost(runs[16], xscale="symlog")
    with pytest.raises(TypeError, match="logy"):
        plotting.plot_cost(runs[16], logy="yes")
    with pytest.raises(ValueError, match="smooth_beta"):
        plotting.plot_minibatch_cost(runs[16], smooth_beta=1.0)
    with pytest.raises(ValueError, match="batch_size"):
        plotting.method_style(0, 10)
    with pytest.raises(ValueError, match="batch_size"):  # b > m: no method has that
        plotting.method_label(11, 10)
    with pytest.raises(TypeError, match="batch_size"):
        plotting.method_of(2.5, 10)
    with pytest.raises(ValueError, match="w1_range"):
        plotting.plot_contours(lambda a, b: a + b, (1, -1), (-1, 1))
    with pytest.raises(ValueError, match="levels"):
        plotting.plot_contours(lambda a, b: a + b, (-1, 1), (-1, 1), levels=1)
    with pytest.raises(ValueError, match="path"):
        plotting.plot_path([1.0, 2.0])
    with pytest.raises(ValueError, match="decades"):
        plotting.spans_decades([1, 100], decades=0)
    plt.close("all")


def test_method_names_and_styles():
    assert [plotting.method_of(b, 8) for b in (1, 4, 8)] == ["sgd", "minibatch", "batch"]
    assert plotting.method_label(8, 8) == "batch GD (b = m = 8)"
    assert plotting.method_label(1, 8) == "SGD (b = 1)"
    assert plotting.method_label(4, 8) == "mini-batch GD (b = 4)"
    assert plotting.method_of(1, 1) == "batch"  # m = 1: the one step is the whole set


def test_log_axis_keeps_the_start_and_has_plain_ticks(runs):
    """Batch GD (3 updates) and SGD (600) share an axis spanning decades: symlog, x = 0 kept."""
    fig, ax = plt.subplots()
    for b in (200, 1):
        plotting.plot_cost(runs[b], x="iterations", ax=ax)
    assert ax.get_xscale() == "symlog"
    xmin = min(min(ln.get_xdata()) for ln in ax.get_lines())
    assert xmin == 0 and ax.get_xlim()[0] <= 0  # the first point (0 updates) is drawn
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.xaxis.get_ticklabels()]
    assert "0" in labels and "10" in labels and not any("^" in t for t in labels)
    assert plotting.convention_problems(ax) == []
    plt.close(fig)


def test_short_axis_stays_linear(runs):
    ax = plotting.plot_cost(runs[200], x="iterations")
    assert ax.get_xscale() == "linear"
    plt.close("all")


@pytest.mark.parametrize("fn", ["plot_cost", "plot_minibatch_cost"])
def test_each_plot_meets_the_convention(runs, fn):
    ax = getattr(plotting, fn)(runs[16])
    assert plotting.convention_problems(ax) == []
    plt.close("all")


def test_convention_checker_catches_each_break():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [10, 1], color=plotting.COLORS["sgd"], ls="-", label="np.float64(0.1)")
    ax.set_xlabel("w1")
    ax.set_yscale("log")
    ax.legend(loc="upper left")  # inside the axes, over the line's start
    problems = " | ".join(plotting.convention_problems(ax))
    for expected in ("x-axis label", "y-axis label", "sgd colour without", "code repr",
                     "legend covers data", "power-of-ten"):
        assert expected in problems
    plt.close(fig)


# The four figure rules the lab's views once broke (issue 19, item 7): each figure below is
# the old view's shape, and the checker must name its problem; the fixed shape passes.
def _checked(draw):
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    draw(ax)
    return plotting.convention_problems(ax)


def _labelled(ax, **kw):
    ax.set(xlabel="epochs (count)", ylabel="cost J (no unit)", **kw)


def test_a_log_axis_for_data_within_a_decade_is_a_problem():
    def old(ax):  # the cost view: 0.1 to 10 for data between 1.5 and 3.5
        ax.plot([0, 1, 2, 3], [3.5, 2.4, 1.9, 1.5], color="grey")
        _labelled(ax, yscale="log", ylim=(0.1, 10))
    problems = _checked(old)
    assert any("log axis of 2 decades for data from 1.5 to 3.5" in p for p in problems), problems

    def fixed(ax):
        ax.plot([0, 1, 2, 3], [3.5, 2.4, 1.9, 1.5], color="grey")
        _labelled(ax, ylim=(0, 4))
    assert _checked(fixed) == []


def test_bars_on_a_log_axis_are_a_problem():
    def old(ax):  # the memory view: fixed bytes, then per-example bytes stacked on them
        ax.barh([0, 1], [7e4, 7e4], color="grey")
        ax.barh([0, 1], [1.6e7, 1e5], left=[7e4, 7e4], color="orange")
        ax.set(xscale="log", xlim=(1e3, 1e13), xlabel="bytes (B)", ylabel="size b (examples)")
    problems = _checked(old)
    assert any("bars on the log x-axis" in p and "stacked" in p for p in problems), problems

    def fixed(ax):
        ax.plot([7e4, 7e4], [0, 1], "|", color="k")
        ax.plot([1.6e7, 1.7e5], [0, 1], "o", color="orange")
        ax.set(xscale="log", xlim=(1e3, 1e13), xlabel="bytes (B)", ylabel="size b (examples)")
        plotting.plain_log_ticks(ax.xaxis)
    assert _checked(fixed) == []


def test_a_legend_that_lists_a_line_not_drawn_is_a_problem():
    def old(ax):  # the cost and path views: a key of all three methods, one line drawn
        ax.plot([0, 1, 2], [2.3, 1.9, 1.7], **plotting.method_style(64, 4000),
                label="epoch average, mini-batch GD")
        for method in ("batch", "sgd"):
            ax.plot([], [], color=plotting.COLORS[method], ls=plotting.LINESTYLES[method],
                    label=f"epoch average, {method}")
        _labelled(ax)
        plotting.legend(ax)
    problems = _checked(old)
    assert sum("a line that is not drawn" in p for p in problems) == 2, problems
    assert not any("mini-batch GD'" in p for p in problems)

    def fixed(ax):
        ax.plot([0, 1, 2], [2.3, 1.9, 1.7], **plotting.method_style(64, 4000),
                label="epoch average, mini-batch GD")
        _labelled(ax)
        plotting.legend(ax)
    assert _checked(fixed) == []


def test_one_point_on_a_wide_log_axis_is_a_problem():
    def old(ax):  # the time view: the one size tried, on 1e-4 to 10 s
        ax.plot([64], [4e-3], "s", color="orange")
        ax.set(xscale="log", yscale="log", xlim=(0.7, 5600), ylim=(1e-4, 10),
               xlabel="size b (examples)", ylabel="time per epoch (s)")
    problems = _checked(old)
    assert any("y-axis is a log axis of 5 decades showing one data point" in p
               for p in problems), problems

    # fitted: one decade around the point; its x-axis is shared with the updates per epoch,
    # drawn for every size above it
    fig = Figure(figsize=(6, 4), layout="constrained")
    top, ax = fig.subplots(2, 1, sharex=True)
    top.plot([1, 4000], [4000, 1], color="k")
    top.set(xscale="log", yscale="log", xlim=(0.7, 5600), ylim=(0.7, 5600),
            xlabel="size b (examples)", ylabel="updates (count)")
    ax.plot([64], [4e-3], "s", color="orange")
    ax.set(yscale="log", ylim=(1e-3, 1e-2), xlabel="size b (examples)",
           ylabel="time per epoch (s)")
    for axis in (top.xaxis, top.yaxis, ax.yaxis):
        plotting.plain_log_ticks(axis)
    assert plotting.convention_problems(ax) == []


# Two rules the lab's memory view once broke (blind review of notebook 00): a legend entry
# that reads as cut off ("fixed: parameters, gradients, ...") and a y-axis of two named rows
# labelled as a quantity ("mini-batch size b (examples)").
def test_a_legend_that_reads_as_cut_off_is_a_problem():
    def old(ax):
        ax.plot([7e4, 7e4], [0, 1], "|", color="k", label="fixed: parameters, gradients, ...")
        ax.set(xlabel="bytes (B)", ylabel="size (one row each)")
        plotting.legend(ax)
    problems = _checked(old)
    assert any("ends in an ellipsis" in p for p in problems), problems

    # a legend past the figure's right edge: too wide for the layout to make room for it
    fig = Figure(figsize=(4, 3), layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="k", label="the whole step at the largest b that fits " * 2)
    _labelled(ax)
    plotting.legend(ax)
    with pytest.warns(UserWarning, match="constrained_layout not applied"):
        problems = plotting.convention_problems(ax)
    assert any("past the figure's edge" in p for p in problems), problems

    def fixed(ax):
        ax.plot([7e4, 7e4], [0, 1], "|", color="k", label="fixed part (the same at every b)")
        ax.set(xlabel="bytes (B)", ylabel="size (one row each)")
        plotting.legend(ax)
    assert _checked(fixed) == []


def test_an_axis_of_named_rows_labelled_with_a_unit_is_a_problem():
    def old(ax):
        ax.plot([1e5, 2e7], [1, 0], "o", color="orange")
        ax.set_yticks([0, 1], ["largest b\nthat fits", "your b"])
        ax.set(xlabel="bytes (B)", ylabel="mini-batch size b (examples)", ylim=(-0.6, 1.6))
    problems = _checked(old)
    assert any("ticks name categories" in p and "'your b'" in p for p in problems), problems

    def fixed(ax):
        old(ax)
        ax.set_ylabel("mini-batch size (one row each)")
    assert _checked(fixed) == []

    def numbers(ax):  # numbers with a unit on the ticks are a scale, not categories
        ax.plot([1e3, 1e6], [0, 1], "o", color="orange")
        ax.set_xticks([1e3, 1e6], ["1 kB", "1 MB"])
        _labelled(ax)
    assert _checked(numbers) == []
