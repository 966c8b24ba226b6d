"""timing and noise: the measurements behind notebook 04 (correctness, not speed).

The sweep module (time to a target, claim C7) is tested in test_sweep.py."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.core import data, models
from course_utils.measure import noise, timing
from course_utils.plots import noise_plots, plotting, timing_plots


def test_time_steps_shapes_and_derived_quantities():
    t = timing.time_steps(lambda: models.MLP([8, 4, 3], "softmax", seed=0), [1, 8, 32],
                          repeats=2, min_seconds=0.001, calls=2)
    assert t.seconds.shape == (2, 3) and np.all(np.isfinite(t.seconds) & (t.seconds > 0))
    np.testing.assert_allclose(t.per_example, t.median / np.array([1, 8, 32]))
    np.testing.assert_allclose(t.throughput * t.per_example, 1.0)
    assert t.size_reaching(0.0) == 1


def test_size_reaching_on_known_numbers():
    t = timing.StepTimes(np.array([1, 2, 4]), np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]))
    assert t.size_reaching(0.9) == 4  # throughput 1, 2, 4 examples/s
    assert t.size_reaching(0.5) == 2
    # round 0: the throughput is flat from b = 2 on; round 1: it keeps growing
    t = timing.StepTimes(np.array([1, 2, 4]), np.array([[1.0, 1.0, 2.0], [1.0, 1.0, 1.0]]))
    assert t.size_reaching_each_repeat(0.9) == [2, 4]
    np.testing.assert_allclose(t.per_example_spread, [[1.0, 0.5, 0.25], [1.0, 0.5, 0.5]])
    with pytest.raises(ValueError, match="fraction"):
        t.size_reaching(1.5)


def test_size_reaching_needs_the_throughput_to_stay_above():
    # throughput 1, 9.5, 6, 9.5, 10, 8, 9.2 examples/s: b = 2 is one high point, b = 4 dips
    # below 90 % of the peak (at b = 16), and so does b = 32 after the peak
    sizes = np.array([1, 2, 4, 8, 16, 32, 64])
    t = timing.StepTimes(sizes, np.tile(sizes / np.array([1, 9.5, 6, 9.5, 10, 8, 9.2]), (2, 1)))
    assert t.size_reaching(0.9) == 64  # not 2 nor 8: it falls below 90 % again at b = 32
    assert t.size_reaching(0.5) == 2
    assert t.size_reaching_each_repeat(0.9) == [64, 64]


def test_size_reaching_is_none_when_the_throughput_falls_after_its_peak():
    # the notebook's case: a peak at b = 16, every larger size far below 90 % of it
    sizes = np.array([1, 4, 16, 64, 256])
    t = timing.StepTimes(sizes, np.tile(sizes / np.array([1, 8, 10, 5, 7]), (3, 1)))
    assert t.size_reaching(0.9) is None
    assert t.size_reaching(0.7) == 256  # 7 >= 7: stays at or above 70 % from b = 256 on
    assert t.size_reaching(0.4) == 4


def _times(sizes, per_example_by_round):
    """StepTimes whose seconds per example are given: (rounds, sizes)."""
    sizes = np.array(sizes)
    return timing.StepTimes(sizes, np.array(per_example_by_round, float) * sizes)


def test_power_of_two_effect_per_round_noise_and_verdicts():
    sizes = [127, 128, 129, 255, 256, 257, 511, 512, 513]
    t = _times(sizes, [[1.0, 0.90, 1.0, 1.0, 1.00, 1.0, 1.0, 1.00, 1.0],
                       [1.0, 0.88, 1.0, 1.0, 1.02, 1.0, 1.0, 1.10, 1.0],
                       [1.0, 0.92, 1.0, 1.0, 0.98, 1.0, 1.0, 1.20, 1.0]])
    rows = timing.power_of_two_effect(t, [(127, 128, 129), (255, 256, 257), (511, 512, 513)])
    r128, r256, r512 = rows
    np.testing.assert_allclose(r128["rounds_pct"], [10, 12, 8])
    assert r128["power"] == 128 and r128["advantage_pct"] == pytest.approx(10.0)
    assert r128["noise_pct"] == pytest.approx(1.4826 * 2)  # median |10, 12, 8 - 10| = 2
    assert r128["detectable_pct"] == pytest.approx(2 * 1.4826 * 2)  # needs more than 2 x noise
    assert r128["verdict"] == "power of 2 faster"  # 10 > 2 x 2.97
    assert r256["advantage_pct"] == pytest.approx(0.0) and r256["verdict"] == "tie"
    assert r512["advantage_pct"] == pytest.approx(-10.0)
    assert r512["verdict"] == "tie"  # 10 <= 2 x 14.8, from |0, -10, -20 - (-10)|: 10, 0, 10
    t_quiet = _times([511, 512, 513], [[1, 1.10, 1], [1, 1.11, 1], [1, 1.12, 1]])
    row = timing.power_of_two_effect(t_quiet, [(511, 512, 513)])[0]
    assert row["verdict"] == "power of 2 slower"


def test_robust_spread_ignores_one_disturbed_round():
    quiet = [10.0, 11.0, 9.0, 10.5, 9.5]
    assert timing.robust_spread(quiet) == pytest.approx(1.4826 * 0.5)
    disturbed = quiet[:4] + [300.0]  # one round slowed by another program
    assert timing.robust_spread(disturbed) == pytest.approx(1.4826 * 0.5)
    assert np.std(disturbed, ddof=1) > 100  # the standard deviation would call it all noise
    rng = np.random.default_rng(0)
    assert timing.robust_spread(rng.normal(0, 2.0, 20_000)) == pytest.approx(2.0, rel=0.03)
    with pytest.raises(ValueError, match="values must hold two or more finite numbers"):
        timing.robust_spread([1.0, float("nan")])


def test_power_of_two_effect_rejects_bad_groups():
    t = _times([127, 128, 129], [[1, 1, 1], [1, 1, 1]])
    for bad in [(127, 129), (127, 129, 130), (64, 128, 129), (127, 128, 129, 130)]:
        with pytest.raises(ValueError, match="power of two in the middle"):
            timing.power_of_two_effect(t, [bad])
    with pytest.raises(ValueError, match="not timed"):
        timing.power_of_two_effect(t, [(255, 256, 257)])


def test_power_of_two_effect_one_run_uses_the_neighbour_gap_as_noise():
    batch = [63, 64, 65, 127, 128, 129]
    per_ex = [1.0, 0.8, 1.0, 1.0, 0.9, 1.2]  # 64: 20 % faster, neighbours equal; 128: noisy
    rows = timing.power_of_two_effect_one_run(batch, np.multiply(batch, per_ex),
                                              [(63, 64, 65), (127, 128, 129), (255, 256, 257)])
    assert [r["group"] for r in rows] == [(63, 64, 65), (127, 128, 129)]  # 256 not measured
    assert rows[0]["advantage_pct"] == pytest.approx(20) and rows[0]["noise_pct"] == 0
    assert rows[0]["verdict"] == "power of 2 faster"
    assert rows[1]["advantage_pct"] == pytest.approx(100 * (1 - 0.9 / 1.1))
    # one run: the neighbours' gap may be the effect itself, so within it we cannot tell
    assert rows[1]["noise_pct"] == pytest.approx(100 * 0.2 / 1.1)
    assert rows[1]["verdict"] == "cannot tell"


def test_power_of_two_effect_is_zero_for_a_straight_line_step_time():
    # t(b) = fixed + b x per-example: no power-of-two effect. Time per example is convex in b,
    # so averaging the neighbours per example would credit p with about d² / p² of the
    # fixed share (6 % here); the straight line through the neighbours' step times gives 0.
    sizes = np.array([48, 64, 80])
    step = 1e-3 + 1e-7 * sizes  # mostly fixed cost, as at small b
    t = timing.StepTimes(sizes, np.vstack([step, step * 1.01, step * 0.99]))
    (row,) = timing.power_of_two_effect(t, [(48, 64, 80)])
    np.testing.assert_allclose(row["rounds_pct"], 0, atol=1e-9)
    assert row["verdict"] == "tie"
    with pytest.raises(ValueError, match="same distance"):
        timing.power_of_two_effect(
            timing.StepTimes(np.array([48, 64, 65]), np.vstack([step, step])), [(48, 64, 65)])


def test_pooled_advantage_counts_signs_and_gives_the_sign_test():
    rows = [{"advantage_pct": a} for a in (0.6, 8.3, 1.0, 2.5, 4.0)]
    pooled = timing.pooled_advantage(rows)
    assert pooled["groups"] == 5 and pooled["positive"] == 5
    assert pooled["low_pct"] == 0.6 and pooled["high_pct"] == 8.3
    assert pooled["mean_pct"] == pytest.approx(3.28)
    assert pooled["sign_p"] == pytest.approx(1 / 32)  # five heads of five fair coins
    mixed = timing.pooled_advantage(rows[:3] + [{"advantage_pct": -1.0}])
    assert mixed["positive"] == 3 and mixed["sign_p"] == pytest.approx(5 / 16)  # P(>= 3 of 4)
    with pytest.raises(ValueError, match="rows"):
        timing.pooled_advantage([])


def test_power_of_two_summary_separates_alignment_from_powers_of_two():
    def row(p, verdict, detectable=10.0):
        return {"power": p, "verdict": verdict, "detectable_pct": detectable}

    text = timing.power_of_two_summary([row(64, "tie", 12.0), row(128, "tie", 30.4)],
                                       [row(64, "tie"), row(128, "tie")])
    assert "no effect detectable at this noise level" in text
    # the smallest effects it could have seen, for both comparisons
    assert "(12 % to 30 % against p ± 1, 10 % to 10 % against aligned neighbours, by group)" in text
    assert "alignment" in timing.power_of_two_summary([row(64, "power of 2 faster")],
                                                      [row(64, "tie")])
    text = timing.power_of_two_summary([row(64, "power of 2 faster"), row(128, "tie")],
                                       [row(64, "power of 2 faster"), row(128, "tie")])
    assert "p = 64:" in text and "power-of-two effect" in text
    full = [{"group": (p - 1, p, p + 1), "power": p, "verdict": "tie", "detectable_pct": 9.0,
             "advantage_pct": a} for p, a in ((64, 0.6), (128, 8.3), (256, 1.0))]
    aligned = [dict(r, group=(r["power"] - 16, r["power"], r["power"] + 16), advantage_pct=-a)
               for r, a in zip(full, (1.0, -2.0, 3.0))]
    text = timing.power_of_two_summary(full, aligned)
    assert "no effect detectable" in text  # per group: all ties
    assert ("pooled over the groups: against p ± 1, 3 of 3 advantages positive (+0.6 % to "
            "+8.3 %; chance by coin flips 12%) and against p ± 16, 1 of 3") in text
    assert "9 % to 9 % against p ± 16" in text
    assert "no effect was detected" in text  # 12 % and 88 %: what coin flips give
    assert text.endswith("does not rule out one too small for these groups to show")


def test_pooled_verdict_says_no_effect_unless_the_signs_beat_coin_flips():
    five = [{"advantage_pct": a} for a in (0.6, 8.3, 1.0, 2.5, 4.0)]  # 5 of 5: chance 3 %
    mixed = [{"advantage_pct": a} for a in (-0.4, 73.8, 23.3, 56.4, 1.9)]  # 4 of 5: 19 %
    assert "no effect was detected" in timing.pooled_verdict(mixed, mixed)
    assert "an effect that no group shows alone" in timing.pooled_verdict(five)
    # one comparison shows it
    assert "an effect that no group shows alone" in timing.pooled_verdict(mixed, five)
    named = [dict(r, group=(p - 1, p, p + 1), power=p)
             for r, p in zip(five, (64, 128, 256, 512, 1024))]
    assert "against p ± 1 (+0.6 % to +8.3 %; chance 3%)" in timing.pooled_verdict(mixed, named)
    with pytest.raises(ValueError, match="row_lists"):
        timing.pooled_verdict([])


def test_format_effect_and_count_verdicts():
    rows = [{"group": (127, 128, 129), "advantage_pct": 1.25, "noise_pct": 3.4, "verdict": "tie"},
            {"group": (63, 64, 65), "advantage_pct": -12.0, "noise_pct": 2.0,
             "verdict": "power of 2 slower"}]
    assert timing.format_effect(rows[0]) == "(127, 128, 129)        +1.2 %     3.4 %   tie"
    assert timing.count_verdicts(rows) == {"power of 2 faster": 0, "power of 2 slower": 1,
                                           "tie": 1, "cannot tell": 0}


def test_log_ticks_label_the_whole_range_in_plain_numbers():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    ax.set_yscale("log")
    assert plotting.log_ticks(ax.yaxis, [50, 7557]) == [50, 100, 200, 500, 1000, 2000, 5000, 10_000]
    assert [t.get_text() for t in ax.yaxis.get_ticklabels()][-2:] == ["5,000", "10,000"]
    assert ax.get_ylim()[1] >= 10_000  # the axis widens to the last label, above the data
    assert plotting.log_ticks(ax.yaxis, [1, 100_000]) == [1, 10, 100, 1000, 10_000, 100_000]
    assert plotting.log_ticks(ax.yaxis, [0.007, 0.03]) == [0.005, 0.01, 0.02, 0.05]
    assert plotting.log_ticks(ax.yaxis, [12, 18]) == [10, 20]  # a narrow range: its neighbours
    assert plotting.log_ticks(ax.yaxis, [12, 230]) == [10, 20, 50, 100, 200, 500]
    assert plotting.log_ticks(ax.xaxis, [1, 4096], steps=(1,)) == [1, 10, 100, 1000, 10_000]
    assert plotting.log_ticks(ax.xaxis, [1, 4096], steps=(1,), beyond=False) == [1, 10, 100, 1000]
    # no tick inside the range: the neighbours outside it
    assert plotting.log_ticks(ax.xaxis, [12, 18], steps=(1,), beyond=False) == [10, 100]
    assert plotting.log_ticks(ax.yaxis, [3, 3000, 7e6]) == [1, 10, 100, 1000, 10_000, 100_000,
                                                            1_000_000, 10_000_000]
    with pytest.raises(ValueError, match="values"):
        plotting.log_ticks(ax.yaxis, [0, -1])
    for bad in ((2, 1), (0.5, 1), (1, 10), ()):
        with pytest.raises(ValueError, match="steps"):
            plotting.log_ticks(ax.yaxis, [1, 10], steps=bad)
    with pytest.raises(ValueError, match="max_ticks"):
        plotting.log_ticks(ax.yaxis, [1, 10], max_ticks=1)
    plt.close("all")


@pytest.fixture(scope="module")
def log_axis():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    ax.set_yscale("log")
    return ax.yaxis


@settings(max_examples=20, deadline=None)
@given(low=st.floats(1e-3, 1e7), ratio=st.floats(1.0, 1e4))
def test_log_ticks_reach_beyond_both_ends(log_axis, low, ratio):
    values = [low, low * ratio]
    ticks = plotting.log_ticks(log_axis, values)
    assert ticks == sorted(ticks) and len(ticks) <= 9
    assert ticks[0] <= min(values) * (1 + 1e-9) and ticks[-1] >= max(values) * (1 - 1e-9)


def test_seconds_per_call_times_enough_calls():
    calls = []
    assert timing.seconds_per_call(lambda: calls.append(1), min_seconds=0.001) > 0
    assert len(calls) >= 3  # warm-up, probe, then the timed batch
    calls.clear()
    slow = timing.seconds_per_call(lambda: (calls.append(1), time.sleep(0.003)), min_seconds=0.002,
                                   warm_up=False)
    assert slow >= 0.003 and len(calls) == 1  # one call already lasts min_seconds
    with pytest.raises(ValueError, match="min_seconds"):
        timing.seconds_per_call(lambda: None, min_seconds=0)
    def at_most_three_calls():
        calls.append(1)
        assert len(calls) <= 3, "called on and on: min_seconds = 3600 would run for an hour"

    calls.clear()
    with pytest.raises(ValueError, match="min_seconds"):  # a typo in ms would run for hours
        timing.seconds_per_call(at_most_three_calls, min_seconds=3600)
    with pytest.raises(TypeError, match="fn"):
        timing.seconds_per_call(None)
    with pytest.raises(TypeError, match="warm_up"):
        timing.seconds_per_call(lambda: None, warm_up=1)


def test_step_times_refuses_what_it_cannot_read():
    ok = np.ones((2, 3))
    with pytest.raises(ValueError, match="increasing"):
        timing.StepTimes(np.array([4, 2, 8]), ok)
    with pytest.raises(ValueError, match="whole numbers"):
        timing.StepTimes(np.array([1.0, 2.5, 4.0]), ok)
    with pytest.raises(ValueError, match=r"shape \(repeats, 3\)"):
        timing.StepTimes(np.array([1, 2, 4]), np.ones((2, 2)))
    with pytest.raises(ValueError, match="finite times > 0"):
        timing.StepTimes(np.array([1, 2, 4]), np.array([[1.0, 0.0, 1.0]]))
    one = timing.StepTimes(np.array([1.0, 2.0, 4.0]), np.ones((1, 3)))  # floats as files hold
    assert one.size_reaching(0.9) == 4  # one run: the median works...
    with pytest.raises(ValueError, match="at least 2 repeats"):
        _ = one.rel_spread  # ...the noise needs two
    with pytest.raises(ValueError, match="at least 2 repeats"):
        timing.power_of_two_effect(_times([1, 2, 3], [[1, 1, 1]]), [(1, 2, 3)])
    t = timing.StepTimes(np.array([1, 2, 4]), ok)
    with pytest.raises(TypeError, match="fraction"):
        t.size_reaching("0.9")
    with pytest.raises(ValueError, match="fraction"):
        t.size_reaching(float("nan"))


def test_timing_arguments_are_checked():
    make = lambda: models.MLP([4, 2], "sigmoid", seed=0)  # noqa: E731
    with pytest.raises(ValueError, match="increasing"):
        timing.time_steps(make, [8, 1])
    with pytest.raises(ValueError, match="repeat"):
        timing.time_steps(make, [1, 1])
    with pytest.raises(TypeError, match="make_model"):
        timing.time_steps(make(), [1, 2])
    with pytest.raises(ValueError, match="min_seconds"):
        timing.time_steps(make, [1, 2], min_seconds=-1.0)
    with pytest.raises(ValueError, match="dtype"):
        data.random_batch(3, 2, 4, "float")  # 64 bits to numpy, 32 to C: refused
    with pytest.raises(ValueError, match="batch_size must satisfy"):
        data.random_batch(3, 2, 0, np.float64)
    with pytest.raises(ValueError, match="same length"):
        timing.power_of_two_effect_one_run([63, 64, 65], [1.0, 1.0], [(63, 64, 65)])
    with pytest.raises(ValueError, match=r"step_seconds\[1\]"):
        timing.power_of_two_effect_one_run([63, 64, 65], [1.0, np.nan, 1.0], [(63, 64, 65)])
    with pytest.raises(ValueError, match="groups must hold at least one"):
        timing.power_of_two_effect_one_run([63, 64, 65], [1.0, 1.0, 1.0], [])
    with pytest.raises(ValueError, match=r"group\[0\]"):  # 0 & -1 == 0: not a power of two
        timing.power_of_two_effect_one_run([1, 2], [1.0, 1.0], [(0, 1, 2)])
    with pytest.raises(ValueError, match="odd_rows"):
        timing.power_of_two_summary([], [])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.5, 2.0), min_size=3, max_size=3))
def test_one_run_verdict_is_the_two_noise_rule(per_example):
    t_lo, t_p, t_hi = per_example
    (row,) = timing.power_of_two_effect_one_run([63, 64, 65], [63 * t_lo, 64 * t_p, 65 * t_hi],
                                                [(63, 64, 65)])
    mean = (t_lo + t_hi) / 2
    assert row["advantage_pct"] == pytest.approx(100 * (1 - t_p / mean))
    assert row["noise_pct"] == pytest.approx(100 * abs(t_lo - t_hi) / mean)
    if abs(row["advantage_pct"]) <= 2 * row["noise_pct"]:
        assert row["verdict"] == "cannot tell"
    else:
        assert row["verdict"] == ("power of 2 faster" if t_p < mean else "power of 2 slower")


@pytest.mark.parametrize("make", [
    lambda: models.SoftmaxRegression(5, 3, seed=0),
    lambda: models.LogisticRegression(5, seed=0),
    lambda: models.MLP([5, 4, 3], "softmax", seed=0),
])
def test_per_example_gradients_average_to_the_full_gradient(make):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 30))
    model = make()
    n_y = model.layer_dims[-1]
    if n_y > 1:
        Y = data.one_hot(rng.integers(0, n_y, 30), n_y)
    else:
        Y = (rng.random((1, 30)) < 0.5) * 1.0
    g = noise.per_example_gradients(model, X, Y)
    _, grads = model.loss_and_grads(X, Y)
    full = np.concatenate([grads["d" + k].ravel() for k in model.params])
    np.testing.assert_allclose(g.mean(axis=0), full, atol=1e-12)
    for i in (0, 7):  # and each row is that example's own gradient
        _, gi = model.loss_and_grads(X[:, i:i + 1], Y[:, i:i + 1])
        own = np.concatenate([gi["d" + k].ravel() for k in model.params])
        np.testing.assert_allclose(g[i], own, atol=1e-12)


def test_per_example_gradients_check_the_model_and_keep_its_precision():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 30))  # float64
    Y = data.one_hot(rng.integers(0, 3, 30), 3)
    model32 = models.SoftmaxRegression(5, 3, dtype=np.float32, seed=0)
    g = noise.per_example_gradients(model32, X, Y)
    assert g.dtype == np.float32  # computed in the model's float32, not float64
    assert noise.noise_scale(model32, X, Y)["B_simple"] > 0
    with pytest.raises(ValueError, match=r"Y \(n_y=3, m\)"):  # would broadcast silently
        noise.per_example_gradients(models.SoftmaxRegression(5, 3), X, Y[:1])
    with pytest.raises(ValueError, match=r"n_x=4"):
        noise.noise_scale(models.SoftmaxRegression(4, 3), X, Y)


def test_noise_scale_refuses_a_zero_gradient():
    model = models.MLP([2, 1], "linear", seed=0, bias=False)
    X, Y = np.zeros((2, 10)), np.random.default_rng(0).standard_normal((1, 10))
    with pytest.raises(ValueError, match="stationary point"):  # not a division by zero
        noise.noise_scale(model, X, Y)


def test_minibatch_variance_arguments_are_checked():
    g = np.random.default_rng(1).standard_normal((10, 3))
    for bad in ([0], [11], [2, 2], []):
        with pytest.raises(ValueError, match="batch_sizes"):
            noise.minibatch_gradient_variance(g, bad)
    with pytest.raises(ValueError, match="draws"):
        noise.minibatch_gradient_variance(g, [2], draws=1)
    with pytest.raises(TypeError, match="per_example"):
        noise.minibatch_gradient_variance(g[0], [2])
    with pytest.raises(ValueError, match="at least 2 examples"):
        noise.minibatch_gradient_variance(g[:1], [1])
    with pytest.raises(ValueError, match="finite"):
        noise.minibatch_gradient_variance(np.where(g > 1, np.inf, g), [2])
    with pytest.raises(ValueError, match="seed"):
        noise.minibatch_gradient_variance(g, [2], seed=-1)
    v = noise.minibatch_gradient_variance(g, [10], draws=2)
    with pytest.raises(ValueError, match="below m"):  # b = m has no noise to draw
        noise_plots.plot_minibatch_variance(v, 10)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 40), st.integers(1, 4), st.integers(0, 2**31))
def test_predicted_noise_falls_with_b_from_trace_to_zero(m, P, seed):
    g = np.random.default_rng(seed).standard_normal((m, P))
    v = noise.minibatch_gradient_variance(g, list(range(1, m + 1)), draws=2, seed=seed)
    predicted = v["predicted"]
    assert predicted[0] == pytest.approx(v["trace_sigma"])  # b = 1: one example's variance
    assert predicted[-1] == 0  # b = m: the full gradient itself
    assert np.all(np.diff(predicted) < 0)  # every larger b: strictly less noise


def test_minibatch_variance_matches_without_replacement_formula():
    g = np.random.default_rng(1).standard_normal((50, 3))
    v = noise.minibatch_gradient_variance(g, [1, 10, 49, 50], draws=4000, seed=0)
    np.testing.assert_allclose(v["measured"][:3], v["predicted"][:3], rtol=0.08)
    assert v["measured"][3] == pytest.approx(0, abs=1e-25) and v["predicted"][3] == 0


@pytest.mark.parametrize("make", [
    lambda: models.LogisticRegression(2, seed=0),
    lambda: models.SoftmaxRegression(2, 3, seed=0),
    lambda: models.MLP([2, 4, 3], "softmax", seed=0),
    lambda: models.MLP([2, 1], "sigmoid", seed=0, bias=False),
])
def test_noise_scale_definition(make):
    X, y = data.make_moons(100, seed=0)
    model = make()
    n_y = model.layer_dims[-1]
    Y = data.one_hot(y[0].astype(int) + (np.arange(100) % 2 == 0), n_y) if n_y > 1 else y
    ns = noise.noise_scale(model, X, Y)  # one-layer models take the shortcut
    g = noise.per_example_gradients(model, X, Y)
    G = g.mean(axis=0)
    assert ns["G_norm2"] == pytest.approx(G @ G, rel=1e-10)
    trace = np.mean(np.sum((g - G) ** 2, axis=1))
    assert ns["trace_sigma"] == pytest.approx(trace, rel=1e-9)
    assert ns["B_simple"] == pytest.approx(trace / (G @ G), rel=1e-9)


def test_timing_and_noise_figures_follow_the_convention():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from course_utils.plots import plotting

    sizes = np.array([1, 2, 4, 8, 16, 32, 64, 128])
    t = timing.StepTimes(sizes, np.outer([1.0, 1.1, 0.9], 1e-4 + 1e-6 * sizes))
    ax = timing_plots.plot_time_per_example(t)
    assert ax.get_xscale() == "log" and not plotting.convention_problems(ax)
    assert ax.get_yscale() == "log"  # 1e-4 / b + 1e-6 spans almost two decades
    flat = timing.StepTimes(sizes, np.outer([1.0, 1.1, 0.9], 2e-6 + 1e-6 * sizes))  # 3x: busy
    ax = timing_plots.plot_time_per_example(flat)
    assert ax.get_yscale() == "linear" and not plotting.convention_problems(ax)
    disturbed = timing.StepTimes(sizes, np.vstack([np.outer([1.0, 1.1, 0.9], 1e-4 + 1e-6 * sizes),
                                                  np.full(len(sizes), 1.0)]))  # a busy round
    ax = timing_plots.plot_time_per_example(disturbed)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.max() < 2e-4 * 1e6
    assert "2nd lowest to 2nd highest of 4" in ax.get_legend_handles_labels()[1][0]
    ref = (np.array([1, 10, 100, 1000]), np.array([1.0, 10, 90, 100]))
    ax = timing_plots.plot_throughput(t, {"reference": ref}, fraction=0.9)
    assert not plotting.convention_problems(ax)
    texts = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any(f"b = {t.size_reaching(0.9):,}" in text for text in texts)
    assert any("reference (peak 100 examples/s)" == text for text in texts)
    ax = timing_plots.plot_throughput(t, {"reference": ref}, fraction=0.9, circle=False)
    assert not any("from b =" in text.get_text() for text in ax.get_legend().get_texts())
    falls = timing.StepTimes(sizes[:4], np.tile(sizes[:4] / np.array([1.0, 8, 10, 5]), (2, 1)))
    ax = timing_plots.plot_throughput(falls, fraction=0.9)  # no size stays above: no circle
    assert not any("from b =" in text.get_text() for text in ax.get_legend().get_texts())
    rows = [{"power": p, "advantage_pct": a, "detectable_pct": d}
            for p, a, d in ((64, 3.0, 4.0), (128, -1.0, 8.0))]
    ax = timing_plots.plot_power_of_two([(rows, "this machine"), (rows[:1], "reference")])
    assert not plotting.convention_problems(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["64", "128"]
    wide = rows + [{"power": 256, "advantage_pct": 5.0, "detectable_pct": 300.0}]
    ax = timing_plots.plot_power_of_two([(wide, "this machine")])
    low, high = ax.get_ylim()  # the bars fit up to ±100 %; the ±300 % bar runs past it
    assert -115 < low < -100 and 100 < high < 115
    low, high = timing_plots.plot_power_of_two([(rows, "this machine")]).get_ylim()
    assert -10.5 < low < -9 and 7 < high < 8.5  # every bar inside: -9 to 7, and a small pad
    assert any("beyond the axis" in t.get_text() for t in ax.get_legend().get_texts())
    g = np.random.default_rng(0).standard_normal((64, 3))
    var = noise.minibatch_gradient_variance(g, [1, 4, 16, 64], draws=20, seed=0)
    ax = noise_plots.plot_minibatch_variance(var, 64)
    assert len(ax.get_lines()[0].get_xdata()) == 3  # b = m is left out: its variance is 0
    assert not plotting.convention_problems(ax)
    used = {to_hex(line.get_color()).upper() for f in plt.get_fignums()
            for a in plt.figure(f).axes for line in a.get_lines()}
    assert "#56B4E9" not in used  # sky blue is too close to batch GD's blue: not used
    plt.close("all")


def test_step_breakdown_times_every_phase_and_leaves_the_model_alone():
    model = models.MLP([8, 4, 3], "softmax", seed=0)
    before = {k: v.copy() for k, v in model.params.items()}
    parts = timing.step_breakdown(model, batch_size=4, min_seconds=0.001)
    assert set(parts) == {"forward", "cost", "backward", "update"}
    assert all(np.isfinite(s) and s > 0 for s in parts.values())
    assert all(np.array_equal(model.params[k], before[k]) for k in before)


def _row(p, d, advantage, noise):
    return {"group": (p - d, p, p + d), "power": p, "advantage_pct": advantage,
            "noise_pct": noise, "detectable_pct": 2 * noise,
            "verdict": timing._verdict(advantage, noise)}


def test_c8_verdict_lines_one_fact_each_and_a_verdict_from_the_numbers():
    powers = [64, 128, 256, 512, 1024]
    odd = [_row(p, 1, 3.0, 10.0) for p in powers]  # every group a tie, every sign positive
    aligned = [_row(p, 16, 1.0, 10.0) for p in powers]
    groups, pooled, size, verdict = timing.c8_verdict_lines(odd, aligned)
    assert "no power of two measurably faster" in groups
    assert pooled == ("Pooled signs: against p ± 1, 5 of 5 positive (by coin flips: 3%); "
                      "against p ± 16, 5 of 5 positive (by coin flips: 3%).")
    assert "direction, not a size" in size and "+1.0 % to +3.0 %" in size
    assert verdict == ("Verdict: an effect counted against p ± 1, 5 of 5 signs positive (chance "
                       "3%, at most 5%); against p ± 16, 5 of 5 signs positive (chance 3%, at "
                       "most 5%), but no power of two beat both kinds of neighbour. A sign test "
                       "gives no size: this run does not say how much a power of two saves.")
    mixed = [_row(p, 1, a, 10.0) for p, a in zip(powers, [3.0, -2.0, 1.0, -1.0, 2.0])]
    mixed16 = [_row(p, 16, -a, 10.0) for p, a in zip(powers, [3.0, -2.0, 1.0, -1.0, 2.0])]
    assert "neither the groups nor" in timing.c8_verdict_lines(mixed, mixed16)[-1]
    strong = [_row(p, 1, 30.0, 2.0) for p in powers]
    strong16 = [_row(p, 16, 30.0, 2.0) for p in powers]
    assert "at p = 64, 128, 256, 512, 1,024" in timing.c8_verdict_lines(strong, strong16)[-1]
    verdict = timing.c8_verdict_lines(strong, aligned)[-1]
    assert "against p ± 1, decided alone at p = 64 (+30.0 %), 128 (+30.0 %)" not in verdict
    assert "against p ± 1, decided alone at p = 64 (+30.0 %), p = 128 (+30.0 %)" in verdict
    assert "no power of two beat both" in verdict and "too small" not in verdict
    # one decided group, signs no better than coin flips: the group alone counts
    one = [_row(p, 16, a, 2.0) for p, a in zip(powers, [6.5, -1.0, 1.0, -1.0, 1.0])]
    verdict = timing.c8_verdict_lines(mixed, one)[-1]
    assert "an effect counted against p ± 16, decided alone at p = 64 (+6.5 %), but" in verdict
    with pytest.raises(ValueError, match="odd_rows and aligned_rows"):
        timing.c8_verdict_lines(odd, [])
