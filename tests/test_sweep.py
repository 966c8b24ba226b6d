"""sweep: time to a target cost, the learning rate tuned per size, and claim C7's comparison."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.core import data, models, train
from course_utils.measure import sweep
from course_utils.plots import sweep_plots


def make_logistic():
    return models.LogisticRegression(2, seed=0)


@pytest.fixture(scope="module")
def moons():
    return data.make_moons(200, seed=0)


def test_fit_steps_model_recovers_known_parameters():
    B = np.array([1, 4, 16, 64, 256, 1024])
    s_min, b_noise = sweep.fit_steps_model(B, 300 * (1 + 40 / B))
    assert s_min == pytest.approx(300, rel=1e-7) and b_noise == pytest.approx(40, rel=1e-7)


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.integers(1, 4096), min_size=2, max_size=7, unique=True),
       s_min=st.floats(1.0, 1e4), spread=st.floats(0.05, 20.0))
def test_fit_steps_model_recovers_noise_free_data(sizes, s_min, spread):
    B = np.array(sorted(sizes), dtype=float)
    b_noise = float(np.sqrt(B.min() * B.max()) * spread)  # well inside the searched range
    fit = sweep.fit_steps_model(B, s_min * (1 + b_noise / B))
    assert fit == pytest.approx((s_min, b_noise), rel=1e-6)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 6), data=st.data())
def test_fit_steps_model_refuses_not_reached_entries_by_index(n, data):
    B = [4**k for k in range(n)]
    steps = [100 * (1 + 8 / b) for b in B]
    bad = data.draw(st.lists(st.integers(0, n - 1), min_size=1, unique=True))
    for i in bad:
        steps[i] = data.draw(st.sampled_from([-1, 0, None, math.inf, -math.inf, math.nan]))
    with pytest.raises(ValueError, match="not reached") as err:
        sweep.fit_steps_model(B, steps)
    for i in bad:
        assert f"updates[{i}] = " in str(err.value)
    for i in set(range(n)) - set(bad):
        assert f"updates[{i}] = " not in str(err.value)


@pytest.mark.parametrize("batch_sizes, steps, word", [
    ([1, 4, 16], [10, 5], "same length"),
    ([4, 4, 4], [10, 10, 10], "two different sizes"),
    ([4], [10], "at least 2"),
    ([0, 4], [10, 5], r"batch_sizes\[0\] = 0"),
    ([1, 4, 16], [100, 25, 6.25], "fall like 1 / B"),  # perfect scaling: B_noise beyond reach
    ([1, 4, 16], [7, 7, 7], "not at all"),  # no gain at all: B_noise ~ 0
])
def test_fit_steps_model_refuses_what_it_cannot_fit(batch_sizes, steps, word):
    with pytest.raises(ValueError, match=word):
        sweep.fit_steps_model(batch_sizes, steps)


def test_time_to_target_picks_fewest_updates_and_reports_failures(moons):
    X, Y = moons
    res = sweep.time_to_target(make_logistic, X, Y, [200, 20], [0.1, 1.0, 3.0], target_cost=0.40,
                               max_epochs=50)
    assert [r.batch_size for r in res] == [20, 200]
    for r in res:
        assert r.reached
        h = train.train(make_logistic(), X, Y, r.batch_size, r.learning_rate, 50,
                        eval_every=max(1, -(-200 // r.batch_size) // 20), target_cost=0.40)
        assert h.updates == r.updates  # reproducible from the seed
    again = sweep.time_to_target(make_logistic, X, Y, [200, 20], [0.1, 1.0, 3.0], target_cost=0.40,
                                 max_epochs=50, start=3.0)  # another start, the same bests
    assert [(r.learning_rate, r.updates) for r in again] == [(r.learning_rate, r.updates)
                                                             for r in res]
    impossible = sweep.time_to_target(make_logistic, X, Y, [200], [0.1], target_cost=0.0,
                                      max_epochs=2)
    assert not impossible[0].reached and impossible[0].updates == -1
    # the counts hold on any machine: no evaluation came within rounding of the target
    assert min(r.margin for r in res) > 1e-9
    assert 0 < impossible[0].margin < math.inf  # recorded for runs that missed, too


def test_fewest_updates_rate_tries_both_neighbours_of_the_best(moons):
    X, Y = moons
    grid = [0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
    r = sweep.fewest_updates_rate(make_logistic, X, Y, 200, grid, 0.40, start=0.1, eval_every=1,
                                  max_epochs=300)
    assert r.reached and not r.at_edge and r.grid == tuple(grid)
    k = grid.index(r.learning_rate)
    assert grid[k - 1] in r.tried and grid[k + 1] in r.tried
    for rate, updates in r.tried.items():  # every other rate tried did worse, or was cut off
        assert updates is None or updates >= r.updates
        if updates is None:
            h = train.train(make_logistic(), X, Y, 200, rate, 300, eval_every=1, target_cost=0.40)
            assert not h.reached_target or h.updates >= r.updates
    # the same best from another start
    other = sweep.fewest_updates_rate(make_logistic, X, Y, 200, grid, 0.40, start=30.0,
                                      eval_every=1, max_epochs=300)
    assert other.learning_rate == r.learning_rate and other.updates == r.updates


def test_fewest_updates_rate_flags_a_best_rate_at_the_grid_edge(moons):
    X, Y = moons
    r = sweep.fewest_updates_rate(make_logistic, X, Y, 200, [0.01, 0.03], 0.40, eval_every=1,
                                  max_epochs=300)
    assert r.reached and r.learning_rate == 0.03 and r.at_edge
    assert "[best at the grid's edge]" in sweep.format_tried(r)


def test_format_tried():
    r = sweep.TargetResult(64, 1.0, True, 12, 768, 0.001, tried={0.3: 40, 1.0: 12, 3.0: None},
                           grid=(0.1, 0.3, 1.0, 3.0))
    assert sweep.format_tried(r) == "0.3: 40 · 1: 12 (best) · 3: >12"
    failed = sweep.TargetResult(64, float("nan"), False, -1, -1, float("nan"), tried={0.1: None},
                                grid=(0.1,))
    assert sweep.format_tried(failed) == "0.1: not reached"


def test_bad_learning_rates_and_sizes_are_named(moons):
    X, Y = moons
    for bad in ([], [0.1, -1.0], [float("inf")], [0.1, 0.1], [0.0], [None]):
        with pytest.raises(ValueError, match="learning_rates"):
            sweep.fewest_updates_rate(make_logistic, X, Y, 20, bad, 0.4)
    with pytest.raises(TypeError, match="learning_rates"):
        sweep.fewest_updates_rate(make_logistic, X, Y, 20, "0.1", 0.4)
    with pytest.raises(ValueError, match="batch_size"):
        sweep.fewest_updates_rate(make_logistic, X, Y, 201, [0.1], 0.4)
    with pytest.raises(ValueError, match="eval_every"):
        sweep.fewest_updates_rate(make_logistic, X, Y, 20, [0.1], 0.4, eval_every=0)
    for bad in (float("nan"), float("inf"), -0.1):
        with pytest.raises(ValueError, match="target_cost"):
            sweep.fewest_updates_rate(make_logistic, X, Y, 20, [0.1], bad)
    with pytest.raises(ValueError, match="start"):
        sweep.fewest_updates_rate(make_logistic, X, Y, 20, [0.1], 0.4, start=0.0)
    with pytest.raises(TypeError, match="make_model"):
        sweep.fewest_updates_rate(make_logistic(), X, Y, 20, [0.1], 0.4)
    for bad in ([], [20, 20], [0], [201], [1.5]):
        with pytest.raises((ValueError, TypeError), match=r"batch_sizes"):
            sweep.time_to_target(make_logistic, X, Y, bad, [0.1], 0.4)


def test_min_logistic_cost_is_the_minimum(moons):
    X, Y = moons
    j_star = sweep.min_logistic_cost(X, Y)
    h = train.train(make_logistic(), X, Y, 200, 3.0, 3000, eval_every=3000)
    assert j_star <= h.final_cost + 1e-12
    assert h.final_cost - j_star < 1e-6  # a long batch-GD run gets there too
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\)"):
        sweep.min_logistic_cost(X, np.vstack([Y, Y]))
    with pytest.raises(ValueError, match="0/1 labels"):
        sweep.min_logistic_cost(X, Y * 2)
    with pytest.raises(ValueError, match="finite"):
        sweep.min_logistic_cost(np.where(X > 1, np.nan, X), Y)
    for name, kwargs in (("max_iterations", dict(max_iterations=0)),
                         ("max_iterations", dict(max_iterations=10**6)),
                         ("tol", dict(tol=0.0)), ("tol", dict(tol=float("nan")))):
        with pytest.raises(ValueError, match=name):
            sweep.min_logistic_cost(X, Y, **kwargs)
    with pytest.raises(RuntimeError, match="did not reach"):  # never loops on: it says so
        sweep.min_logistic_cost(X, Y, max_iterations=1, tol=1e-12)


def _comparison(seconds_batch, seconds_mini):
    runs = [sweep.TargetResult(64, 1.0, True, 10, 640, 0.0),
            sweep.TargetResult(1000, 3.0, True, 3, 3000, 0.0)]
    return sweep.Comparison(1000, 0.5, runs, np.column_stack([seconds_mini, seconds_batch]))


def test_comparison_verdict_uses_the_middle_three_of_five():
    fast, slow = [1.0, 1.1, 1.2, 1.3, 9.0], [2.0, 2.1, 2.2, 2.3, 2.4]
    assert _comparison(fast, slow).verdict == "batch GD"  # one slow outlier does not matter
    assert _comparison([1.3, 0.01, 1.2, 1.1, 1.0], slow).verdict == "batch GD"  # nor a fast one
    assert _comparison(slow, fast).verdict == "mini-batch"
    assert _comparison([1.0, 1.5, 2.0, 2.5, 3.0], [1.2, 1.7, 2.2, 2.7, 3.2]).verdict == "tie"
    # ranges apart by less than the 1 µs that format_timing prints touch as printed: a tie
    touch = _comparison(np.array([1.0, 1.1, 1.2, 1.3, 1.4]) * 1e-4,
                        np.array([1.2, 1.3002, 1.31, 1.32, 1.34]) * 1e-4)
    assert touch.verdict == "tie" and "[0.110, 0.130]" in sweep.format_timing(touch)
    apart = _comparison(np.array([1.0, 1.1, 1.2, 1.3, 1.4]) * 1e-4,
                        np.array([1.30, 1.32, 1.33, 1.34, 1.35]) * 1e-4)
    assert apart.verdict == "batch GD"
    c = _comparison(fast, slow)
    np.testing.assert_allclose(c.spread[:, 1], [1.1, 1.3])
    assert c.best_minibatch == 0 and c.median[1] == pytest.approx(1.2)
    with pytest.raises(ValueError, match="at least 3 rounds"):
        _ = _comparison([1.0, 2.0], [1.0, 2.0]).spread


def test_compare_with_batch_gd_tunes_every_size_and_times_the_repeats(moons):
    X, Y = moons
    c = sweep.compare_with_batch_gd(make_logistic, X, Y, [20, 50, 500], [0.3, 1.0, 3.0, 10.0],
                                    target_cost=0.40, repeats=3, eval_examples=20)
    assert [r.batch_size for r in c.runs] == [20, 50, 200]  # 500 > m is left out; b = m last
    assert all(r.reached for r in c.runs) and c.seconds.shape == (3, 3)
    assert np.all(c.seconds > 0)
    # the verdict is the rule applied to these very timings (a spread below the other's)
    lo, hi = np.sort(c.seconds, axis=0)[[1, -2]]
    k = int(np.argmin(np.median(c.seconds, axis=0)[:-1]))
    expected = "batch GD" if hi[-1] < lo[k] else "mini-batch" if hi[k] < lo[-1] else "tie"
    assert c.verdict == expected
    with pytest.raises(RuntimeError, match="reached no target"):
        sweep.compare_with_batch_gd(make_logistic, X, Y, [20], [0.3], target_cost=0.01,
                                    repeats=1, max_epochs=2)


def test_time_runs_replays_the_same_updates(moons):
    X, Y = moons
    run = sweep.TargetResult(20, 1.0, True, 7, 140, 0.0)
    seconds = sweep.time_runs(make_logistic, X, Y, [run], repeats=2, calls=3)
    assert seconds.shape == (2, 1) and np.all(np.isfinite(seconds) & (seconds > 0))
    calls = []
    sweep.time_runs(lambda: calls.append(1) or make_logistic(), X, Y, [run], repeats=2, calls=3,
                    min_seconds=10.0)
    assert len(calls) == 6  # shorter than min_seconds: `calls` calls per round
    calls.clear()
    sweep.time_runs(lambda: calls.append(1) or make_logistic(), X, Y, [run], repeats=2, calls=3,
                    min_seconds=1e-9)
    assert len(calls) == 2  # already longer than min_seconds: one call per round
    with pytest.raises(ValueError, match="calls"):
        sweep.time_runs(make_logistic, X, Y, [run], calls=0)


@pytest.mark.parametrize("batch_size, updates", [(20, 23), (200, 4), (64, 9)])
def test_replay_run_makes_the_same_updates_as_train(moons, batch_size, updates):
    X, Y = moons  # 23 updates of b = 20 cross two epochs; b = 64 leaves a last batch of 8
    h_model = make_logistic()
    h = train.train(h_model, X, Y, batch_size, 0.5, 100, seed=3, max_updates=updates)
    run = sweep.TargetResult(batch_size, 0.5, True, updates, h.examples_seen, h.seconds)
    seconds, model = sweep.replay_run(make_logistic, X, Y, run, seed=3)
    assert seconds > 0 and h.updates == updates
    np.testing.assert_array_equal(model.get_flat(), h_model.get_flat())


def test_tuning_and_timing_leave_blas_threads_as_they_were(moons):
    from threadpoolctl import threadpool_info, threadpool_limits

    X, Y = moons
    with threadpool_limits(2):  # not 1: a library that left 1 thread behind must be seen
        before = [p["num_threads"] for p in threadpool_info()]
        assert before and all(n == 2 for n in before)
        sweep.compare_with_batch_gd(make_logistic, X, Y, [20], [1.0, 3.0], target_cost=0.40,
                                    repeats=3, calls=2)
        assert [p["num_threads"] for p in threadpool_info()] == before


def test_crossover_brackets_where_the_verdict_flips():
    ms = [250, 500, 1000, 2000, 4000]
    assert sweep.crossover(ms, ["batch GD", "tie", "batch GD", "mini-batch", "mini-batch"]) == (
        1000, 2000)
    # a win followed by a tie does not count: the bracket starts after the last non-win
    assert sweep.crossover(ms, ["batch GD", "mini-batch", "tie", "mini-batch", "mini-batch"]) == (
        1000, 2000)
    assert sweep.crossover(ms, ["mini-batch"] * 5) == (None, 250)
    assert sweep.crossover(ms, ["mini-batch"] * 4 + ["tie"]) == (4000, None)
    with pytest.raises(ValueError, match="one verdict per m"):
        sweep.crossover(ms, ["tie"])
    with pytest.raises(ValueError, match="increasing"):
        sweep.crossover([500, 250], ["tie", "tie"])
    with pytest.raises(ValueError, match="repeat"):
        sweep.crossover([250, 250], ["tie", "tie"])
    with pytest.raises(ValueError, match=r"verdicts\[1\] = 'minibatch'"):  # a typo is no verdict
        sweep.crossover([250, 500], ["tie", "minibatch"])
    with pytest.raises(ValueError, match="rule_m"):
        sweep.describe_crossover(ms, ["tie"] * 5, rule_m=0)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(sweep.VERDICTS), min_size=1, max_size=8))
def test_crossover_is_where_the_verdicts_change_for_good(verdicts):
    ms = [250 * 2**k for k in range(len(verdicts))]
    low, high = sweep.crossover(ms, verdicts)
    wins_from = next(k for k in range(len(ms) + 1)  # mini-batch wins at every m from here on
                     if all(v == "mini-batch" for v in verdicts[k:]))
    assert high == (ms[wins_from] if wins_from < len(ms) else None)
    assert low == (ms[wins_from - 1] if wins_from > 0 else None)
    if low is not None and high is not None:
        assert verdicts[ms.index(low)] != "mini-batch"


def test_describe_crossover_against_the_rule():
    ms = [250, 500, 1000, 2000, 4000]
    W, B, T = "mini-batch", "batch GD", "tie"
    text = sweep.describe_crossover(ms, [B, B, B, W, W])
    assert "between m = 1,000 (batch GD won there) and m = 2,000" in text
    assert "at m = 2,000, where the rule still says batch GD, mini-batch GD won" in text
    assert "just below the rule's 2,000, by less than one step of m" in text
    assert "too generous" not in text  # one step of m is not evidence against the rule
    assert "one step" not in sweep.describe_crossover(ms, [B, T, W, W, W])
    assert "too generous" in sweep.describe_crossover(ms, [B, T, W, W, W])
    assert "every m from 1,000 to 2,000" in sweep.describe_crossover(ms, [B, T, W, W, W])
    text = sweep.describe_crossover(ms, [B, B, B, T, W], rule_m=3000)
    assert "(a tie there)" in text and "strictly inside this bracket" in text
    assert "too cautious" in sweep.describe_crossover(ms, [B, B, B, T, W])
    # a win followed by a tie does not count: the bracket starts after the last non-win
    assert "between m = 1,000" in sweep.describe_crossover(ms, [B, W, T, W, W])
    assert "no crossover in this range" in sweep.describe_crossover(ms, [W, W, W, W, T])
    assert "won at every m measured" in sweep.describe_crossover(ms, [W] * 5)


def test_describe_targets_says_the_crossover_moved_where_the_winner_flipped():
    ms = [250, 500, 1000, 2000, 4000, 8000]
    W, B, T = "mini-batch", "batch GD", "tie"
    text = sweep.describe_targets(ms, {"coarse": [B, B, B, W, W, W],
                                       "tight": [B, B, B, B, B, W]})
    assert "moved with the target (coarse: m = 1,000 to 2,000; tight: m = 4,000 to 8,000)" in text
    assert "at m = 2,000 the winner flipped (coarse: mini-batch GD, tight: batch GD)" in text
    assert ("at coarse, at most one step of m too generous to batch GD (m = 1,000 to "
            "2,000); at tight, too cautious (batch GD won at m = 4,000)") in text
    assert text.endswith("depends on the target.")
    # the same brackets, set by ties and with no flip: the timings cannot say it moved
    text = sweep.describe_targets(ms, {"coarse": [B, B, B, W, W, W],
                                       "tight": [B, B, B, T, T, W]})
    assert "the crossover moved with the target (" not in text
    assert "brackets differ (coarse: m = 1,000 to 2,000; tight: m = 4,000 to 8,000)" in text
    assert "2 of the comparisons in that range are ties and no m has two different" in text
    assert not text.endswith("depends on the target.") and text.endswith(".")
    # one flip decides, whatever ties lie beside it (the review's run: m = 2,000 flipped)
    text = sweep.describe_targets(ms, {"coarse": [B, B, T, W, W, W],
                                       "tight": [B, B, B, B, T, W]})
    assert "moved with the target" in text and "at m = 2,000 the winner flipped" in text
    text = sweep.describe_targets(ms, {"coarse": [B, B, B, W, W, W],
                                       "tight": [B, B, B, T, B, W]})
    assert "at m = 4,000 the winner flipped" in text
    text = sweep.describe_targets(ms, {"a": [B, B, W, W, W, W], "b": [B, B, T, W, W, W]})
    assert "1 of the comparisons in that range is a tie" in text
    # a lone mini-batch win below its target's bracket is no flip (a disturbed round at m = 500)
    lone = {"coarse": [B, W, B, W, W, W], "tight": [B, B, B, B, T, W]}
    assert sweep.crossover_flips(ms, lone) == [2000]
    assert "at m = 2,000 the winner flipped" in sweep.describe_targets(ms, lone)
    assert sweep.crossover_flips(ms, {"a": [B, W, B, T, W, W], "b": [B, B, B, B, T, W]}) == []
    text = sweep.describe_targets(ms, {"a": [B, W, W, W, W, W], "b": [B, W, W, W, W, W]})
    assert "same bracket for every target (a: m = 250 to 500; b: m = 250 to 500)" in text
    assert "too generous to batch GD for every target" in text
    text = sweep.describe_targets(ms, {"a": [B, B, B, W, W, W], "b": [B, B, T, W, W, W]})
    assert "at most one step of m too generous to batch GD for every target" in text
    text = sweep.describe_targets(ms, {"a": [B, B, W, W, W, W]}, rule_m=700)
    assert "right, to within one step of m for every target" in text
    text = sweep.describe_targets(ms, {"a": [B, B, B, B, B, W], "b": [B, B, B, B, B, T]})
    assert "b: none up to m = 8,000" in text and "too cautious for every target." in text
    # a tie at the rule's m, and no win of batch GD past it: no evidence against the rule
    text = sweep.describe_targets(ms, {"a": [B, B, B, T, W, W], "b": [B, B, B, T, T, W]})
    assert "no evidence against the rule for every target." in text and "cautious" not in text
    assert "below m = 250" in sweep.describe_targets(ms, {"a": [W] * 6})
    with pytest.raises(ValueError, match="verdicts_by_target"):
        sweep.describe_targets(ms, {})


def test_sweep_figures_follow_the_convention():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_utils.plots import plotting

    comparisons = []
    for m, batch_seconds in ((250, 1.0), (500, 2.0), (1000, 4.0)):
        runs = [sweep.TargetResult(64, 1.0, True, 12, 768, 0.0),
                sweep.TargetResult(m, 3.0, True, 3, 3 * m, 0.0)]
        seconds = np.column_stack([np.full(5, 2.0), np.full(5, batch_seconds)]) * 1e-3
        comparisons.append(sweep.Comparison(m, 0.5, runs, seconds))
    ax_t, ax_e = sweep_plots.plot_comparisons(comparisons, rule_m=400)
    for ax in (ax_t, ax_e):
        assert not plotting.convention_problems(ax)
    labels = [t.get_text() for t in ax_t.get_legend().get_texts()]
    assert "crossover bracket" in labels and "the rule's m = 400" in labels
    _, ax_only = plt.subplots()
    assert sweep_plots.plot_comparisons(comparisons, axes=ax_only, rule_m=400) is ax_only
    assert not plotting.convention_problems(ax_only) and len(plt.gcf().axes) == 1
    assert ax_only.get_ylabel() == "time to the target (ms)"  # the time panel, alone
    _, ax_plain = plt.subplots()
    sweep_plots.plot_comparisons(comparisons, axes=ax_plain, bracket=False)
    assert "crossover bracket" not in [t.get_text() for t in ax_plain.get_legend().get_texts()]
    assert not ax_plain.patches  # no shaded bracket
    with pytest.raises(TypeError, match="bracket"):
        sweep_plots.plot_comparisons(comparisons, bracket="no")
    results = [sweep.TargetResult(b, 0.1, True, u, u * b, 1e-3 * u) for b, u in
               ((1, 1000), (4, 260), (16, 80), (64, 40), (256, 35))]
    ax = sweep_plots.plot_targets(results, "updates", fit=(30, 40))
    assert not plotting.convention_problems(ax)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "SGD (b = 1)" in labels and "batch GD (b = m = 256)" in labels
    assert "S_min = 30 updates" in labels and "B_crit = 40 examples" in labels
    assert not plotting.convention_problems(sweep_plots.plot_targets(results, "seconds"))
    with pytest.raises(ValueError, match="y must be"):
        sweep_plots.plot_targets(results, "epochs")
    missed = results[:-1] + [sweep.TargetResult(512, float("nan"), False, -1, -1, float("nan"))]
    with pytest.raises(ValueError, match=r"batch sizes \[512\] did not"):  # no -1 on a log axis
        sweep_plots.plot_targets(missed)
    with pytest.raises(ValueError, match=r"fit\[1\] \(B_crit\)"):
        sweep_plots.plot_targets(results, fit=(30, -1))
    with pytest.raises(TypeError, match="comparisons"):
        sweep_plots.plot_comparisons([])
    plt.close("all")


def test_scaling_regimes_names_each_step():
    rows = sweep.scaling_regimes([1, 4, 16, 64], [1000, 260, 120, 100])
    assert [r[:2] for r in rows] == [(1, 4), (4, 16), (16, 64)]
    assert [r[-1] for r in rows] == ["near-perfect scaling", "diminishing returns",
                                     "little or no gain"]
    assert rows[0][2] == pytest.approx(1000 / 260)
    assert rows[0][3] == pytest.approx(np.log(1000 / 260) / np.log(4))
    # no fall at all is 0 % of perfect, however large the step in b
    assert sweep.scaling_regimes([1024, 4000], [22, 22])[0][3] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="batch_sizes must be in increasing order"):
        sweep.scaling_regimes([4, 1], [10, 20])
    with pytest.raises(ValueError, match="increasing batch sizes"):
        sweep.scaling_regimes([1, 4], [10])
    with pytest.raises(ValueError, match=r"updates\[1\]"):  # -1: that size missed its target
        sweep.scaling_regimes([1, 4], [10, -1])
    for name, kwargs in (("perfect", dict(perfect=0)), ("perfect", dict(perfect=1.5)),
                         ("diminishing", dict(diminishing=0.5)),
                         ("diminishing", dict(diminishing=float("inf")))):
        with pytest.raises(ValueError, match=name):
            sweep.scaling_regimes([1, 4], [10, 5], **kwargs)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 10_000), min_size=2, max_size=6, unique=True),
       st.lists(st.integers(1, 10_000), min_size=6, max_size=6))
def test_scaling_regimes_follow_their_definition(sizes, steps):
    B, S = sorted(sizes), steps[: len(sizes)]
    for (b0, b1, fall, share, regime), s0, s1 in zip(sweep.scaling_regimes(B, S), S, S[1:]):
        assert fall == s0 / s1
        assert share == pytest.approx(math.log(s0 / s1) / math.log(b1 / b0))
        assert regime == ("near-perfect scaling" if share >= 0.7 else "diminishing returns"
                          if fall >= 1.5 else "little or no gain")


def test_format_runs_and_timing():
    c = _comparison([1.0, 1.1, 1.2, 1.3, 9.0], [2.0, 2.1, 2.2, 2.3, 2.4])
    c.runs[0].tried, c.runs[1].tried = {1.0: 10}, {3.0: 3}
    assert sweep.format_runs(c) == [
        "b = 64    rate    1,  10 updates,     640 examples   (rates tried: 1: 10 (best))",
        "batch GD  rate    3,   3 updates,   3,000 examples   (rates tried: 3: 3 (best))"]
    line = sweep.format_timing(c)  # seconds shown in ms: batch GD 1,200 ms, b = 64 2,200 ms
    assert line.startswith("  1,000   1200.000 [1100.000, 1300.000]      64   2200.000")
    assert line.endswith("  0.5x   batch GD")
    small = sweep.format_timing(_comparison([1e-4, 1.1e-4, 1.2e-4, 1.3e-4, 9e-4],
                                            [2e-4, 2.1e-4, 2.2e-4, 2.3e-4, 2.4e-4]))
    titles = sweep.TIMING_HEADER.splitlines()[-1]  # each title over its column (below 10 ms)
    for title, value in (("m", "1,000"), ("b", "64"), ("mini-batch time", "0.5x"),
                         ("(tie", "batch GD")):
        assert titles.index(title) + len(title) == small.index(value) + len(value) or \
            titles.index(title) == small.index(value), (title, value)


@pytest.mark.parametrize("start", [None, 0.01, 0.1, 1.0, 10.0, 100.0])
@pytest.mark.parametrize("best", [0.01, 0.3, 3.0, 100.0])
def test_walk_learning_rates_finds_a_valley_from_any_start(start, best):
    """On a valley-shaped score the walk ends at its bottom, whichever the start; it scores each
    rate once and both grid neighbours of the best (unless at an end)."""
    grid = [100.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]  # any order
    scored = []

    def score(rate):
        scored.append(rate)
        return abs(math.log(rate / best))

    rates, found = sweep.walk_learning_rates(score, grid, start)
    assert rates == sorted(grid) and found == best
    assert len(scored) == len(set(scored))
    k = rates.index(best)
    assert all(rates[j] in scored for j in (k - 1, k + 1) if 0 <= j < len(rates))


def test_walk_learning_rates_walks_down_past_failures():
    """Rates above 0.1 fail (inf, as a diverged run): from the top, the walk goes down until one
    succeeds, then on while the score keeps falling."""
    grid = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
    scored = []

    def score(rate):
        scored.append(rate)
        return math.inf if rate > 0.1 else abs(math.log(rate / 0.01))

    rates, found = sweep.walk_learning_rates(score, grid, start=1.0)
    assert found == 0.01 and scored == [1.0, 0.3, 0.1, 0.03, 0.01, 0.003]
    _, none = sweep.walk_learning_rates(lambda rate: math.inf, grid, start=0.01)
    assert none is None
