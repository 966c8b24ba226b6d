import matplotlib

matplotlib.use("Agg")  # tests only: no display needed (never for notebook runs)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from course_utils.core import data, train  # noqa: E402
from course_utils.measure import surface  # noqa: E402
from course_utils.plots import plotting, surface_plots  # noqa: E402


@pytest.fixture(scope="module")
def problem():
    X, Y, _ = data.make_regression_2d(100, correlation=0.0, noise=0.8, seed=0, scales=(0.4, 1.0))
    return X, Y, surface.LeastSquares2D(X, Y)


def test_cost_matches_the_model_and_minimum_is_least_squares(problem):
    X, Y, cost = problem
    np.testing.assert_allclose(cost.w_min, np.linalg.lstsq(X.T, Y[0], rcond=None)[0])
    rng = np.random.default_rng(0)
    for w in rng.normal(size=(5, 2)):  # J from the quadratic = J from the residuals
        direct = 0.5 * np.mean((w @ X - Y[0]) ** 2)
        assert cost(*w) == pytest.approx(direct, rel=1e-12)
    W1, W2 = np.meshgrid(np.linspace(0, 1, 4), np.linspace(-1, 0, 3))
    assert cost(W1, W2).shape == (3, 4)  # vectorised over grids
    assert np.all(cost.along([cost.w_min, cost.w_min + 0.1]) >= cost.J_min)
    np.testing.assert_allclose(cost.curvatures, np.linalg.eigvalsh(X @ X.T / 100))
    assert cost.curvatures[1] / cost.curvatures[0] > 4  # scales 0.4 and 1: elongated


def test_cost_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"X must have shape \(2, m\)"):
        surface.LeastSquares2D(np.ones((3, 10)), np.ones((1, 10)))
    X = np.random.default_rng(0).standard_normal((2, 10))
    with pytest.raises(ValueError, match="proportional"):  # no single w*: a valley of minima
        surface.LeastSquares2D(np.vstack([X[0], 2 * X[0]]), np.ones((1, 10)))
    with pytest.raises(ValueError, match="finite"):
        surface.LeastSquares2D(np.where(X > 1, np.nan, X), np.ones((1, 10)))


def test_path_summary_on_hand_made_paths(problem):
    _, _, cost = problem
    w = cost.w_min
    straight = [w + [2.0, 0.0], w + [1.0, 0.0], w]  # straight to w*: downhill, detour 1
    s = surface.path_summary(straight, cost, last=1)
    assert s["updates"] == 2 and s["uphill"] == 0 and s["detour"] == pytest.approx(1.0)
    assert s["start_distance"] == pytest.approx(2.0) and s["end_distance"] == 0
    assert s["wander"] == 0 and s["distance"].shape == (3,)
    back_and_forth = [w + [1.0, 0.0], w - [1.0, 0.0], w + [1.0, 0.0]]
    s = surface.path_summary(back_and_forth, cost, last=2)
    assert s["detour"] == np.inf  # ends where it started
    assert s["wander"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"shape \(k, 2\)"):
        surface.path_summary([[0.0, 1.0, 2.0]], cost, last=1)
    with pytest.raises(ValueError, match="last must satisfy"):
        surface.path_summary(straight, cost, last=4)
    with pytest.raises(ValueError, match="finite points"):  # a diverged run's path
        surface.path_summary([w, w + [np.inf, 0.0]], cost, last=1)
    with pytest.raises(TypeError, match="surface"):
        surface.path_summary(straight, cost.w_min, last=1)
    # smallest_change: the closest call of the uphill count. w* + d -> w* - d keeps J (a tie
    # that rounding could call either way); the straight path's J falls by a clear amount
    assert s["smallest_change"] == pytest.approx(0.0, abs=1e-12)
    straight_s = surface.path_summary(straight, cost, last=1)
    J = cost.along(straight)
    assert straight_s["smallest_change"] == np.abs(np.diff(J)).min() > 0.01


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(-3, 3), st.floats(-3, 3)), min_size=2, max_size=12))
def test_path_summary_uphill_is_the_share_of_rises(points):
    X, Y, _ = data.make_regression_2d(50, seed=1)
    cost = surface.LeastSquares2D(X, Y)
    s = surface.path_summary(points, cost, last=1)
    rises = np.diff(cost.along(points))
    assert s["uphill"] == np.mean(rises > 1e-12 * max(1.0, abs(cost.J_min)))
    assert s["updates"] == len(points) - 1 and s["smallest_change"] == np.abs(rises).min()


def test_train_path_records_every_update_and_repeats(problem):
    X, Y, _ = problem
    h = surface.train_path(X, Y, (-1.0, 0.0), 10, 0.25, updates=25, seed=3)
    P = np.asarray(h.path)
    assert P.shape == (26, 2) and h.updates == 25
    np.testing.assert_array_equal(P[0], [-1.0, 0.0])
    again = surface.train_path(X, Y, (-1.0, 0.0), 10, 0.25, updates=25, seed=3)
    np.testing.assert_array_equal(np.asarray(again.path), P)
    h2 = surface.train_path(X, Y, (-1.0, 0.0), 10, 0.25, epochs=2)
    assert h2.updates == 20
    with pytest.raises(ValueError, match="exactly one of epochs and updates"):
        surface.train_path(X, Y, (-1.0, 0.0), 10, 0.25)
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        surface.train_path(X, Y, (1.0, 2.0, 3.0), 10, 0.25, updates=5)


def test_the_lecture_picture_holds(problem):
    # notebook 03's claim C4, on 150 updates at one learning rate: batch GD never goes uphill,
    # detours rank batch < mini-batch < SGD, and SGD wanders furthest from w*
    X, Y, cost = problem
    s = {b: surface.path_summary(surface.train_path(X, Y, (-1.0, 0.0), b, 0.25, updates=150,
                                                    seed=1).path, cost, last=50)
         for b in (100, 10, 1)}
    assert s[100]["uphill"] == 0
    assert s[100]["detour"] < s[10]["detour"] < s[1]["detour"]
    assert s[10]["wander"] < s[1]["wander"]


def test_distance_per_epoch(problem):
    X, Y, cost = problem
    h = surface.train_path(X, Y, (-1.0, 0.0), 30, 0.25, epochs=3)  # 4 updates per epoch
    d = surface.distance_per_epoch(h.path, cost.w_min, 100, 30)
    P = np.asarray(h.path)
    assert d.shape == (3,)
    assert d[0] == pytest.approx(np.linalg.norm(P[1:5] - cost.w_min, axis=1).mean())
    with pytest.raises(ValueError, match="at least one epoch"):
        surface.distance_per_epoch(P[:3], cost.w_min, 100, 30)
    with pytest.raises(ValueError, match="w_min"):
        surface.distance_per_epoch(P, [1.0, 2.0, 3.0], 100, 30)
    with pytest.raises(ValueError, match="batch_size"):
        surface.distance_per_epoch(P, cost.w_min, 100, 0)


@pytest.mark.parametrize("d, threshold, expected", [
    ([3.0, 2.0, 1.0, 0.5], 1.0, 3),      # reaches at epoch 3 and stays
    ([3.0, 0.5, 2.0, 0.5], 1.0, 4),      # a dip in epoch 2 does not count: it left again
    ([3.0, 0.5, 0.5, 2.0], 1.0, None),   # ends above
    ([0.5, 0.5], 1.0, 1),                # within from the first epoch
    ([2.0, 1.0], 1.0, 2),                # "within" includes the threshold itself
])
def test_settled_epoch_needs_reach_and_stay(d, threshold, expected):
    assert surface.settled_epoch(d, threshold) == expected


def test_settled_epoch_rejects_bad_input():
    with pytest.raises(ValueError, match="d_epoch must be a non-empty 1-D"):
        surface.settled_epoch([], 1.0)
    with pytest.raises(ValueError, match=r"threshold must be a finite number >= 0, got -1"):
        surface.settled_epoch([1.0], -1)
    with pytest.raises(TypeError, match="threshold"):
        surface.settled_epoch([1.0], True)  # True is not a distance
    with pytest.raises(ValueError, match="threshold"):
        surface.settled_epoch([1.0], np.nan)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 5), min_size=1, max_size=20), st.floats(0, 5))
def test_settled_epoch_is_where_the_run_stays_within(d, threshold):
    e = surface.settled_epoch(d, threshold)
    if e is None:
        assert d[-1] > threshold
    else:
        assert all(x <= threshold for x in d[e - 1:])  # within from epoch e to the end...
        assert e == 1 or d[e - 2] > threshold  # ...and not from the epoch before


def test_sgd_dips_close_but_its_epoch_mean_does_not_settle(problem):
    # notebook 03, section 3: single SGD updates come within 10 % of the starting distance by
    # chance; the epoch mean never settles there at rate 0.25, mini-batch GD's does, first
    X, Y, cost = problem
    runs = {b: surface.train_path(X, Y, (-1.0, 0.0), b, 0.25, epochs=30, seed=0)
            for b in (1, 10)}
    d0 = np.linalg.norm(np.array([-1.0, 0.0]) - cost.w_min)
    sgd_dist = np.linalg.norm(np.asarray(runs[1].path) - cost.w_min, axis=1)
    assert sgd_dist.min() < 0.1 * d0  # a momentary dip
    settled = {b: surface.settled_epoch(surface.distance_per_epoch(h.path, cost.w_min, 100, b),
                                        0.1 * d0) for b, h in runs.items()}
    assert settled[1] is None and settled[10] is not None


def test_plot_distances_meets_the_convention(problem):
    X, Y, cost = problem
    runs = {b: surface.train_path(X, Y, (-1.0, 0.0), b, 0.25, epochs=5, seed=0)
            for b in (1, 10, 100)}
    ax = surface_plots.plot_distances(runs, cost.w_min, 100, threshold=0.3, threshold_label="10 %")
    assert plotting.convention_problems(ax) == []
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["SGD (b = 1), each update (light band)", "SGD (b = 1), mean over each epoch",
                     "mini-batch GD (b = 10), mean over each epoch",
                     "batch GD (b = m = 100), mean over each epoch", "10 % (0.30)"]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    every = lines["SGD (b = 1), each update (light band)"]
    assert every.get_zorder() < min(ln.get_zorder() for k, ln in lines.items() if "mean" in k)
    assert len(every.get_xdata()) == 501  # the start and 500 updates
    mean = lines["mini-batch GD (b = 10), mean over each epoch"]
    np.testing.assert_array_equal(mean.get_xdata(), [0, 1, 2, 3, 4, 5])  # epochs
    assert ax.get_xlabel() == "epochs (passes over the training set; 0 is the start)"
    assert every.get_xdata()[1] == 0.01  # one update of SGD: 1/100 of an epoch
    assert ax.get_yscale() == "log" and ax.get_xscale() == "linear"
    with pytest.raises(ValueError, match="at least one"):
        surface_plots.plot_distances({}, cost.w_min, 100)
    plt.close("all")


def test_decay_lets_sgd_settle(problem):
    X, Y, cost = problem
    fixed = surface.train_path(X, Y, (-1.0, 0.0), 1, 0.25, epochs=20)
    decayed = surface.train_path(X, Y, (-1.0, 0.0), 1, train.InverseTimeDecay(0.25, 1.0),
                                 epochs=20)
    d_fixed = surface.distance_per_epoch(fixed.path, cost.w_min, 100, 1)
    d_decay = surface.distance_per_epoch(decayed.path, cost.w_min, 100, 1)
    assert d_decay[-1] < d_fixed[-1] / 3


def test_plot_paths_meets_the_convention(problem):
    X, Y, cost = problem
    paths = {b: surface.train_path(X, Y, (-1.0, 0.0), b, 0.25, updates=40).path
             for b in (1, 10, 100)}
    before = dict(plt.rcParams)
    ax = surface_plots.plot_paths(paths, 100, cost)
    assert plotting.convention_problems(ax) == []
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[:3] == ["SGD (b = 1)", "mini-batch GD (b = 10)", "batch GD (b = m = 100)"]
    # the legend's end star is grey, the paths' are in their colours: the entry says so
    assert {"start", "end (in the path's colour)", "minimum w* of J"} <= set(texts)
    paths_drawn = {ln.get_label(): ln for ln in ax.get_lines() if ln.get_label() in texts[:3]}
    colors = [ln.get_color() for ln in paths_drawn.values()]
    assert colors == [plotting.COLORS[k] for k in ("sgd", "minibatch", "batch")]
    # blue over green where they share the valley floor; w* a thin black cross on top
    z = {k: ln.get_zorder() for k, ln in paths_drawn.items()}
    assert z["mini-batch GD (b = 10)"] > z["batch GD (b = m = 100)"]
    (w_star,) = [ln for ln in ax.get_lines() if ln.get_label() == "minimum w* of J"]
    assert w_star.get_marker() == "+" and w_star.get_color() == plotting.OTHER["black"]
    assert w_star.get_markeredgewidth() <= 1.0 and w_star.get_zorder() > max(z.values())
    assert w_star.get_path_effects()   # its white edge
    # each end named beside it, and some contour lines labelled with their J
    names = [t.get_text() for t in ax.texts]
    assert {"SGD ends", "mini-batch GD ends", "batch GD ends"} <= set(names)
    assert sum(t.startswith("J = ") for t in names) >= 3
    x0, x1 = ax.get_xlim()
    assert x0 < -1.0 < x1  # the start is in view
    assert dict(plt.rcParams) == before
    with pytest.raises(ValueError, match="at least one"):
        surface_plots.plot_paths({}, 100, cost)
    with pytest.raises(ValueError, match="a batch size of paths"):  # b > m is no method
        surface_plots.plot_paths({101: paths[1]}, 100, cost)
    with pytest.raises(ValueError, match="limits"):
        surface_plots.plot_paths(paths, 100, cost, limits=((1, 0), (0, 1)))
    with pytest.raises(ValueError, match="pad"):
        surface_plots.plot_paths(paths, 100, cost, pad=-1)
    plt.close("all")


def test_plot_near_minimum(problem):
    X, Y, cost = problem
    h = surface.train_path(X, Y, (-1.0, 0.0), 1, 0.25, epochs=3)
    style = dict(color=plotting.OTHER["black"], marker=".", ls="-")
    ax = surface_plots.plot_near_minimum(cost, {"last epoch": (h.path[-100:], style)}, radius=0.5)
    assert plotting.convention_problems(ax) == []
    assert ax.get_xlim() == pytest.approx((cost.w_min[0] - 0.5, cost.w_min[0] + 0.5))
    with pytest.raises(ValueError, match="radius must be a finite number > 0"):
        surface_plots.plot_near_minimum(cost, {}, radius=-1)
    plt.close("all")


def test_other_styles_are_no_method_and_all_distinct():
    colors = [s["color"] for s in surface_plots.OTHER_STYLES]
    assert set(colors) <= set(plotting.OTHER.values()) - set(plotting.COLORS.values())
    assert "#56B4E9" not in colors  # sky blue, too close to batch GD's blue, is not used
    for key in ("color", "ls", "marker"):
        assert len({s[key] for s in surface_plots.OTHER_STYLES}) == len(surface_plots.OTHER_STYLES)


def test_round_levels_are_round_and_above_the_minimum():
    levels = surface_plots.round_levels(0.3967, 3.0)
    assert levels == [0.4, 0.41, 0.42, 0.45, 0.5, 0.6, 0.9, 1.4, 2.4]
    assert all(float(f"{v:.2g}") == v for v in levels)  # two significant digits, no more


def test_plot_paths_inset_zooms_on_the_ends(problem):
    X, Y, cost = problem
    paths = {b: surface.train_path(X, Y, (-1.0, 0.0), b, 0.25, updates=40).path
             for b in (1, 10, 100)}
    ax = surface_plots.plot_paths(paths, 100, cost, inset=0.2, inset_tail=5)
    assert plotting.convention_problems(ax) == []
    (ins,) = ax.child_axes
    np.testing.assert_allclose(ins.get_xlim(), (cost.w_min[0] - 0.2, cost.w_min[0] + 0.2))
    lines = [ln for ln in ins.get_lines() if ln.get_linestyle() != "None"]
    assert [len(ln.get_xdata()) for ln in lines] == [6, 6, 6]  # the last 5 updates of each
    assert not [t for t in ax.texts if t.get_text().endswith(" ends")]  # no call-outs
    ax2 = surface_plots.plot_near_minimum(cost, {"SGD": (paths[1], {})}, radius=1.0, inset=0.05)
    (ins2,) = ax2.child_axes
    np.testing.assert_allclose(np.diff(ins2.get_xlim()), 0.1)
    with pytest.raises(ValueError, match="inset"):
        surface_plots.plot_near_minimum(cost, {"SGD": (paths[1], {})}, radius=0.1, inset=0.5)
    plt.close("all")
    # zoom_ax: the same zoom as a panel of its own, axes named, the square marked on ax
    fig, (ax, zoom) = plt.subplots(1, 2)
    surface_plots.plot_paths(paths, 100, cost, ax=ax, inset=0.2, inset_tail=5, zoom_ax=zoom)
    assert not ax.child_axes and zoom.get_xlabel() == "parameter w1 (no unit)"
    np.testing.assert_allclose(zoom.get_ylim(), (cost.w_min[1] - 0.2, cost.w_min[1] + 0.2))
    lines = [ln for ln in zoom.get_lines() if ln.get_linestyle() != "None"]
    assert [len(ln.get_xdata()) for ln in lines] == [6, 6, 6]
    (square,) = ax.patches
    np.testing.assert_allclose(square.get_xy(), cost.w_min - 0.2)
    # in the zoom, each end is named (the batch GD star may sit under the w* cross)
    assert {"SGD ends", "mini-batch GD ends", "batch GD ends"} <= {t.get_text() for t in zoom.texts}
    assert not [p for a in fig.axes for p in plotting.convention_problems(a)]
    with pytest.raises(ValueError, match="zoom_ax needs inset"):
        surface_plots.plot_paths(paths, 100, cost, zoom_ax=zoom)
    plt.close("all")
