from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")  # tests only: no display needed (never for notebook runs)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from course_utils.core import data, minibatch, models, train  # noqa: E402
from course_utils.measure import curvature, curves  # noqa: E402
from course_utils.plots import curves_plots, plotting  # noqa: E402


@pytest.fixture(scope="module")
def regression():
    X, Y, _ = data.make_regression_2d(200, seed=0)
    return X, Y


def test_cost_rises_counts_and_sizes():
    r = curves.cost_rises([5.0, 4.0, 4.5, 3.0, 3.2, 2.0])
    assert r.count == 2 and r.first == 2   # J(2) = 4.5 > J(1) = 4.0: iteration 2
    assert r.largest == pytest.approx(0.5) and r.total == pytest.approx(0.7)
    assert r.falls_over_two and r.end_above_best == 0
    assert "oscillates, still descends" in r.verdict


def test_cost_rises_verdicts():
    assert curves.cost_rises([3.0, 2.0, 1.0]).verdict == "falls on every iteration"
    rising = curves.cost_rises([2.0, 1.5, 2.5, 2.2, 2.8])  # ends above its start
    assert rising.end_above_start == pytest.approx(0.8)
    assert rising.verdict.startswith("the trend rises: ends above its start")
    # rises, never falls over every two, yet ends at its lowest: no oscillation, no rise
    late = curves.cost_rises([3.0, 2.0, 2.1, 2.05, 1.0])
    assert not late.falls_over_two and late.end_above_best == 0
    assert late.verdict == "rises on some iterations, yet ends at its lowest"


def test_a_curve_that_bounces_below_its_start_does_not_settle():
    # notebook 02's rate 5 in miniature: starts at 3.30, bounces between 2.2 and 4.8 with no
    # upward trend, ends at 3.18: below its start, far above its best. Not "the trend rises".
    bounce = curves.cost_rises([3.30, 4.8, 2.2, 4.1, 2.5, 3.9, 2.4, 3.18])
    assert bounce.end_above_start == pytest.approx(-0.12)
    assert bounce.end_above_best == pytest.approx(0.98)
    assert bounce.verdict.startswith("does not settle: ends above its lowest cost")
    assert "trend rises" not in bounce.verdict


@pytest.mark.parametrize("bad", [[1.0], [[1.0, 2.0]], [1.0, np.nan], [1.0, None]])
def test_cost_rises_rejects_bad_input(bad):
    with pytest.raises(ValueError, match="costs"):
        curves.cost_rises(bad)


def test_cost_rises_says_how_close_its_closest_call_was():
    assert curves.cost_rises([5.0, 4.0, 4.5, 3.0]).smallest_change == pytest.approx(0.5)
    # 2.0 then 2.0 + 1e-15: a "rise" that rounding on another machine could undo
    close = curves.cost_rises([3.0, 2.0, 2.0 + 1e-15, 1.0])
    assert close.count == 1 and close.smallest_change < 1e-14


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.0, 10.0), min_size=2, max_size=30))
def test_cost_rises_counts_every_rise(costs):
    r = curves.cost_rises(costs)
    d = np.diff(costs)
    assert r.count == int(np.sum(d > 0)) and r.total == pytest.approx(d[d > 0].sum())
    assert r.first == (int(np.flatnonzero(d > 0)[0]) + 1 if r.count else None)
    if r.count:
        assert costs[r.first] > costs[r.first - 1]
    assert r.end_above_best == costs[-1] - min(costs) >= 0
    assert r.end_above_start == costs[-1] - costs[0]
    assert ("trend rises" in r.verdict) == (r.count > 0 and costs[-1] > costs[0])
    assert 0 <= r.smallest_change <= np.abs(d).min()


def test_plot_cost_changes_marks_the_rises_and_meets_the_convention():
    fig, ax = plt.subplots(layout="constrained")
    curves_plots.plot_cost_changes([5.0, 4.0, 4.5, 3.0, 3.2, 2.0], ax=ax, label="rate 2",
                             color=plotting.OTHER["orange"], marker="^")
    change, rises = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    np.testing.assert_allclose(change.get_ydata(), [-1.0, 0.5, -1.5, 0.2, -1.2])
    np.testing.assert_array_equal(rises.get_xdata(), [2, 4])  # J(2) > J(1), J(4) > J(3)
    # the figure's first marked rise is the t that cost_rises reports as the first
    assert rises.get_xdata()[0] == curves.cost_rises([5.0, 4.0, 4.5, 3.0, 3.2, 2.0]).first
    assert rises.get_label() == "rate 2: a rise"
    assert plotting.convention_problems(ax) == []
    plt.close(fig)
    ax = curves_plots.plot_cost_changes([3.0, 2.0, 1.0])  # no rise: no "a rise" entry
    assert not any("a rise" in line.get_label() for line in ax.get_lines())
    plt.close(ax.figure)


def test_top_eigenvalue_of_least_squares(regression):
    X, Y = regression
    model = models.LinearRegression(2, seed=0)
    before = model.get_flat()
    # cost (1/2m) |W X + b - Y|^2: Hessian (1/m) [X; 1][X; 1]^T, whatever the parameters
    X1 = np.vstack([X, np.ones((1, X.shape[1]))])
    exact = np.linalg.eigvalsh(X1 @ X1.T / X.shape[1]).max()
    got = curvature.top_eigenvalue(model, X, Y, steps=3)  # 3 parameters: exact in 3 steps
    assert got == pytest.approx(exact, rel=1e-10)
    np.testing.assert_array_equal(model.get_flat(), before)  # parameters untouched
    zero = np.zeros_like(X)  # a Hessian of 0 for a bias-free model: no division by 0
    assert curvature.top_eigenvalue(models.LinearRegression(2, bias=False), zero, Y) == 0


def test_lowest_cost_rate_brackets_the_best(regression):
    X, Y = regression
    grid = [0.001, 0.01, 0.1, 0.3, 1.0, 1.9, 3.0]
    t = curves.lowest_cost_rate(lambda: models.LinearRegression(2, seed=0), X, Y, 200, grid,
                                  start=0.01, epochs=5)
    # the costs recorded are real runs, and the walk found the best rate of the whole grid
    every = {lr: train.train(models.LinearRegression(2, seed=0), X, Y, 200, lr, 5).final_cost
             for lr in grid}
    for lr, cost in t.costs.items():
        assert cost == every[lr] or (cost == np.inf and not np.isfinite(every[lr]))
    assert t.best_rate == min(every, key=every.get)
    assert t.bracketed and 0.001 not in t.costs  # walked up from the start, not down
    k = grid.index(t.best_rate)
    assert grid[k - 1] in t.costs and grid[k + 1] in t.costs
    assert set(t.runs) == set(t.costs)


def test_lowest_cost_rate_at_the_edge_is_not_bracketed(regression):
    X, Y = regression
    t = curves.lowest_cost_rate(lambda: models.LinearRegression(2, seed=0), X, Y, 200,
                                  [0.001, 0.002, 0.004], start=0.002, epochs=3)
    assert t.best_rate == 0.004 and not t.bracketed


def test_lowest_cost_rate_bad_arguments(regression):
    X, Y = regression
    make = lambda: models.LinearRegression(2)  # noqa: E731
    for bad in ([0.01, 0.01, 0.1], [0.0, 0.1, 1.0], [0.01, 0.1, np.inf]):
        with pytest.raises(ValueError, match="learning_rates"):
            curves.lowest_cost_rate(make, X, Y, 10, bad, 0.1, epochs=1)
    with pytest.raises(TypeError, match="start"):
        curves.lowest_cost_rate(make, X, Y, 10, [0.01, 0.1, 1.0], "0.1", epochs=1)
    with pytest.raises(ValueError, match="start"):
        curves.lowest_cost_rate(make, X, Y, 10, [0.01, 0.1, 1.0], -0.1, epochs=1)
    with pytest.raises(ValueError, match="batch_size"):
        curves.lowest_cost_rate(make, X, Y, 201, [0.01, 0.1, 1.0], 0.1, epochs=1)
    with pytest.raises(ValueError, match="costs is empty"):
        _ = curves.Tuning(batch_size=10, grid=[0.1, 0.2, 0.3]).best_rate


def test_rank_with_ties():
    groups = curves.rank_with_ties({"c": [3.0, 3.1], "a": [1.0, 1.2], "b": [1.1, 1.5]})
    assert groups == [["a", "b"], ["c"]]
    assert curves.ranking_text(groups) == "a = b < c"
    assert curves.rank_with_ties({"x": [2.0], "y": [1.0]}) == [["y"], ["x"]]
    # chaining: b overlaps a, c overlaps b (not a): all three share a group
    chain = curves.rank_with_ties({"a": [0.0, 1.0], "b": [0.9, 2.0], "c": [1.9, 3.0]})
    assert chain == [["a", "b", "c"]]
    with pytest.raises(ValueError, match="samples"):
        curves.rank_with_ties({})
    with pytest.raises(ValueError, match="samples"):
        curves.rank_with_ties({"a": []})
    with pytest.raises(ValueError, match="no nan"):  # nan would sort anywhere
        curves.rank_with_ties({"a": [1.0, np.nan], "b": [2.0]})
    assert curves.rank_with_ties({"a": [np.inf], "b": [2.0]}) == [["b"], ["a"]]  # diverged: last
    with pytest.raises(ValueError, match="groups"):
        curves.ranking_text([])


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdef"),
                       st.lists(st.floats(0, 10), min_size=1, max_size=4), min_size=1))
def test_rank_with_ties_orders_groups_that_do_not_overlap(samples):
    groups = curves.rank_with_ties(samples)
    assert sorted(n for g in groups for n in g) == sorted(samples)  # each name once
    means = [np.mean(samples[n]) for g in groups for n in g]
    assert means == sorted(means)
    for lower, upper in zip(groups, groups[1:]):  # apart: every later range starts above
        assert max(max(samples[n]) for n in lower) < min(min(samples[n]) for n in upper)


def test_contest_tunes_each_method_and_repeats_over_seeds(regression):
    X, Y = regression
    grid = [0.01, 0.03, 0.1, 0.3, 1.0, 1.9, 3.0]
    res = curves.contest(lambda: models.LinearRegression(2, seed=0), X, Y, [200, 20],
                         grid, starts={200: 0.3, 20: 0.1}, seeds=(0, 1, 2), epochs=2)
    assert set(res) == {200, 20}
    for b, entry in res.items():
        assert entry.runs[0] is entry.tuning.runs[entry.tuning.best_rate]
        assert all(h.batch_size == b and h.epochs == 2 for h in entry.runs)
    # batch GD does not shuffle: one run stands for every seed; mini-batch GD: one per seed
    assert res[200].kind == "one run" and len(res[200].runs) == 1 and res[200].spread == 0
    assert res[20].kind == "seeds" and len(res[20].runs) == 3
    table = curves.contest_table(res, {200: "batch GD", 20: "mini-batch"})
    assert "batch GD" in table and "best rate" in table and "over 3 seeds" in table
    assert "one run (no shuffling" in table and "(seed 0)" in table and "(one run each)" in table
    with pytest.raises(ValueError, match="starts"):
        curves.contest(lambda: models.LinearRegression(2), X, Y, [10], grid, starts={},
                       epochs=1)
    for bad in ([10, 10], [0], [201], []):
        with pytest.raises(ValueError, match="batch_sizes"):
            curves.contest(lambda: models.LinearRegression(2), X, Y, bad, grid, starts={},
                           epochs=1)
    with pytest.raises(ValueError, match=r"seeds\[1\]"):
        curves.contest(lambda: models.LinearRegression(2), X, Y, [10], grid, starts={10: 0.1},
                       seeds=(0, -1), epochs=1)
    with pytest.raises(ValueError, match="names has no name"):
        curves.contest_table(res, {200: "batch GD"})
    with pytest.raises(ValueError, match="digits"):
        curves.contest_table(res, {200: "batch GD", 20: "mini-batch"}, digits=-1)
    with pytest.raises(ValueError, match="kind"):
        curves.Entry(res[20].tuning, res[20].runs, "seed")  # a typo of "seeds"


def test_contest_in_time_repeats_batch_gd_and_stays_within_the_budget(regression):
    X, Y = regression
    res = curves.contest(lambda: models.LinearRegression(2, seed=0), X, Y, [200],
                         [0.1, 0.3, 1.0, 1.9, 3.0], starts={200: 1.0}, seeds=(0, 1),
                         epochs=10_000, max_seconds=0.05, eval_every=5)
    entry = res[200]
    assert entry.kind == "repeats" and len(entry.runs) == 2
    runs = [*entry.runs, *entry.tuning.runs.values()]
    assert all(0 < h.seconds <= 0.05 for h in runs)
    # a run that reached the budget ends on an evaluation; one that diverged stops at the
    # update whose cost was not finite, after its last evaluation
    assert all(h.eval_seconds[-1] == h.seconds for h in runs if not h.diverged)
    assert all(h.eval_seconds[-1] <= h.seconds for h in runs if h.diverged)
    assert "timing jitter" in curves.contest_table(res, {200: "batch GD"})


def test_tied_rates_are_the_neighbours_within_the_seed_spread():
    tuning = curves.Tuning(batch_size=8, grid=[0.1, 0.2, 0.5, 1.0],
                           costs={0.1: 2.0, 0.2: 1.52, 0.5: 1.5, 1.0: 1.6})
    runs = [SimpleNamespace(final_cost=c) for c in (1.5, 1.47, 1.53)]  # spread 0.06
    entry = curves.Entry(tuning, runs)
    assert entry.spread == pytest.approx(0.06)
    assert entry.tied_rates == [0.2]  # 1.52 - 1.5 <= 0.06; 1.6 - 1.5 > 0.06
    assert tuning.bracketed  # on the tuning seed both neighbours did worse
    table = curves.contest_table({8: entry}, {8: "b = 8"})
    assert "tied with it (within that range, a tie): rate 0.2" in table
    # costs to 2 decimals by default: the digits that hold on any machine
    assert "0.1 -> 2.00, 0.2 -> 1.52, 0.5 -> 1.50, 1 -> 1.60" in table
    assert "best rate 0.5: cost 1.50 [1.47, 1.53] over 3 seeds" in table
    assert curves.Entry(tuning, runs[:1], "one run").tied_rates == []
    wide = curves.Entry(tuning, [SimpleNamespace(final_cost=c) for c in (1.5, 1.4, 1.65)])
    assert wide.tied_rates == [0.2, 1.0]
    assert "a tie): rates 0.2, 1" in curves.contest_table({8: wide}, {8: "b = 8"})


def test_label_noise_effect_on_a_known_line():
    rng = np.random.default_rng(0)
    marked = rng.integers(0, 5, 400)
    clean = 0.1 + 0.05 * rng.standard_normal(400)
    noisy = clean + 0.2 * marked  # each flipped example adds exactly 0.2
    e = curves.label_noise_effect(marked, noisy, clean)
    assert e.slope == pytest.approx(0.2, abs=0.01) and e.intercept == pytest.approx(0.1, abs=0.01)
    assert e.r_noisy > 0.9 and abs(e.r_clean) < 0.15
    assert e.spread_ratio == pytest.approx(noisy.std() / clean.std())
    assert e.left_over_ratio == pytest.approx(1.0, abs=0.05)  # the rest is the baseline noise
    assert "30 flipped" in e.table() and "times the baseline's" in e.table()


@pytest.mark.parametrize(
    "args, word",
    [
        (([0, 1], [1.0, 2.0], [1.0, 2.0]), "marked"),
        (([0, 1, 2], [1.0, 2.0, np.nan], [1.0, 2.0, 3.0]), "cost_noisy"),
        (([0, 1, 2], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0]), "same length"),
        (([1, 1, 1], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]), "constant"),
    ],
)
def test_label_noise_effect_bad_input(args, word):
    with pytest.raises(ValueError, match=word):
        curves.label_noise_effect(*args)


def test_plot_each_minibatch_cost_draws_the_lectures_picture():
    X, Y = data.make_moons(120, seed=0)
    runs = [train.train(models.MLP([2, 4, 1], seed=0), X, Y, batch_size=b, learning_rate=0.3,
                        epochs=3, seed=0) for b in (120, 16, 1)]
    axes = curves_plots.plot_each_minibatch_cost(runs)
    assert len(axes) == 3 and axes[0].get_shared_y_axes().joined(axes[0], axes[2])
    for ax, h in zip(axes, runs):
        each, average = ax.get_lines()
        # x in epochs, each cost at the middle of its examples: 3 passes over 120 examples
        last = minibatch.minibatch_sizes(120, h.batch_size)[-1]   # b = 16: the last holds 8
        np.testing.assert_allclose(each.get_xdata()[-1], 3 - last / 2 / 120)
        np.testing.assert_allclose(average.get_xdata(), [0.5, 1.5, 2.5])
        np.testing.assert_allclose(average.get_ydata(), h.epoch_cost)
        assert to_hex(average.get_color()) == plotting.method_color(h.batch_size, 120).lower()
        assert f"{len(h.step_cost):,} updates" in ax.get_title()
        assert plotting.convention_problems(ax) == []
    assert len(axes[2].get_lines()[0].get_xdata()) == 360  # SGD: every step, no decimation
    legend_texts = [t.get_text() for t in axes[0].figure.legends[0].get_texts()]
    assert legend_texts == ["cost of each mini-batch (batch GD: one per epoch, its average)",
                            "epoch average, batch GD",
                            "epoch average, mini-batch GD", "epoch average, SGD"]
    plt.close(axes[0].figure)
    # top: the shared y-axis ends there; every cost above it is counted in the title and
    # marked at the top edge
    axes = curves_plots.plot_each_minibatch_cost(runs, top=0.5, rates=[0.3, 0.3, 0.3], zoom=[1])
    inset = axes[1].child_axes[0]   # the zoom: mini-batch costs on their own y range
    np.testing.assert_allclose(inset.get_lines()[0].get_ydata(), runs[1].step_cost)
    late = np.asarray(runs[1].step_cost)[8:]   # after epoch 1 (8 mini-batches of 16)
    assert inset.get_ylim()[0] < late.min() and late.max() < inset.get_ylim()[1] < 0.5 + late.max()
    assert not axes[0].child_axes
    for ax, h in zip(axes, runs):
        n_above = int(np.sum(np.asarray(h.step_cost) > 0.5))
        assert ax.get_ylim() == (0, 0.5) and ", rate 0.3\n" in ax.get_title()
        assert (f"{len(h.step_cost):,} updates" in ax.get_title()
                and f"\n{n_above:,} of them above 0.5 (cut off)" in ax.get_title()) == (n_above > 0)
        marks = [line for line in ax.get_lines() if line.get_label().startswith("cut off")]
        assert len(marks[0].get_xdata()) == n_above and set(marks[0].get_ydata()) <= {0.5}
        assert marks[0].get_marker() == "|"   # not a shape any method's marker uses
    assert any(np.sum(np.asarray(h.step_cost) > 0.5) for h in runs)  # the test cuts some off
    plt.close(axes[0].figure)
    # more updates than max_points: every k-th cost as a dot, not a solid band of line
    axes = curves_plots.plot_each_minibatch_cost(runs, max_points=100)
    dots = axes[2].get_lines()[0]   # SGD: 360 updates, every 4th (ceil(360 / 100)) drawn
    assert dots.get_linestyle() == "None" and dots.get_marker() == "."
    np.testing.assert_allclose(dots.get_ydata(), np.asarray(runs[2].step_cost)[::4])
    assert "a dot for every 4th" in axes[2].get_title()
    assert axes[1].get_lines()[0].get_linestyle() == "-"   # b = 16: 24 updates, a line
    assert plotting.convention_problems(axes[2]) == []
    plt.close(axes[0].figure)
    with pytest.raises(ValueError, match="max_points"):
        curves_plots.plot_each_minibatch_cost(runs, max_points=1)
    with pytest.raises(ValueError, match="top"):
        curves_plots.plot_each_minibatch_cost(runs, top=0)
    with pytest.raises(ValueError, match="zoom must hold panel indices from 0 to 2"):
        curves_plots.plot_each_minibatch_cost(runs, zoom=[3])
    with pytest.raises(ValueError, match="rates must hold one learning rate per history"):
        curves_plots.plot_each_minibatch_cost(runs, rates=[0.3])
    with pytest.raises(ValueError, match="histories"):
        curves_plots.plot_each_minibatch_cost([])
    with pytest.raises(ValueError, match="one Axes per history"):
        curves_plots.plot_each_minibatch_cost(runs, axes=[axes[0]])
