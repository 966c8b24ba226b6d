"""lr_scaling and curvature: the best learning rate against the mini-batch size (notebook 06).

The closed form is held against a brute-force expectation over every mini-batch of a tiny
problem; the vectorised least-squares runner against the course's trainer; the exact
Hessian-vector products against finite differences and a dense Hessian."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.core import data, models, train
from course_utils.measure import curvature, sweep
from course_utils.measure import lr_scaling as lrs

# ---- the closed form, against a brute-force expectation ---------------------------------------


def expected_step(X, e, b, rate):
    """E|e - rate g|² for one SGD step on b examples drawn with replacement from the columns of
    X, g = (1/b) Σ x_j x_jᵀ e (the least-squares gradient at w = w* + e), by enumerating every
    one of the m^b ordered draws."""
    m = X.shape[1]
    out = 0.0
    for draw in itertools.product(range(m), repeat=b):
        Xb = X[:, draw]
        g = Xb @ (Xb.T @ e) / b
        out += np.sum((e - rate * g) ** 2)
    return out / m**b


def best_rate_by_enumeration(X, e, b):
    """The rate minimising expected_step: E|e - ηg|² = |e|² - 2η E[eᵀg] + η² E|g|² is a
    quadratic in η, so three evaluations give its minimum exactly."""
    f0, f1, f2 = (expected_step(X, e, b, r) for r in (0.0, 1.0, 2.0))
    curvature_ = (f2 - 2 * f1 + f0) / 2  # E|g|²
    slope = (f1 - f0) - curvature_  # -2 E[eᵀg]
    return -slope / (2 * curvature_)


def equal_norm_problem(seed, n=3, m=4, beta=2.0):
    """Columns of equal length² beta, and e along the Hessian's top eigenvector: the two
    bounds of the derivation are then equalities, so the closed form is the exact optimum."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, m))
    X *= np.sqrt(beta) / np.linalg.norm(X, axis=0)
    lam, vecs = np.linalg.eigh(X @ X.T / m)
    return X, vecs[:, -1], beta, lam[-1]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), b=st.integers(1, 3), beta=st.floats(0.1, 10.0))
def test_closed_form_is_the_exact_optimum_when_the_bounds_are_tight(seed, b, beta):
    X, e, beta, lam = equal_norm_problem(seed, beta=beta)
    exact = best_rate_by_enumeration(X, e, b)
    assert lrs.interpolation_best_rate(beta, lam, b) == pytest.approx(exact, rel=1e-9)
    grid = exact * np.linspace(0.5, 1.5, 41)  # and a brute-force search agrees
    assert grid[np.argmin([expected_step(X, e, b, r) for r in grid])] == pytest.approx(exact)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 3), m=st.integers(1, 5),
       b=st.integers(1, 3))
def test_closed_form_keeps_its_guarantee_on_any_data(seed, n, m, b):
    """E|e'|² <= |e|² - η* eᵀH e at η* for any examples and any error e (the derivation's
    bound), and no rate guarantees more: the bound's decrease η(2 - ηc) is largest at η*."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, m)) * rng.uniform(0.2, 3.0, size=m)  # lengths differ
    e = rng.standard_normal(n)
    curv = lrs.least_squares_curvature(X)
    beta, lam = curv["beta"], curv["lambda_max"]
    rate = lrs.interpolation_best_rate(beta, lam, b)
    eHe = e @ (X @ X.T / m) @ e
    assert expected_step(X, e, b, rate) <= e @ e - rate * eHe + 1e-9 * (e @ e)
    c = beta / b + (1 - 1 / b) * lam
    for other in rate * np.array([0.5, 0.9, 1.1, 2.0]):
        assert other * (2 - other * c) < rate * (2 - rate * c)


def test_closed_form_regimes_and_critical_size():
    beta, lam = 100.0, 4.0
    assert lrs.interpolation_best_rate(beta, lam, 1) == pytest.approx(1 / beta)
    assert lrs.interpolation_best_rate(beta, lam, 1e9) == pytest.approx(1 / lam, rel=1e-6)
    rates = [lrs.interpolation_best_rate(beta, lam, b) for b in (1, 2, 4, 8, 1000)]
    assert np.all(np.diff(rates) > 0)
    assert lrs.critical_batch_size(beta, lam) == 25.0
    # McCandlish et al.'s form: ε_max = 1 / λ_max, B_noise = β / λ_max - 1
    B = np.array([1, 4, 16, 64, 256])
    eps_max, b_noise = lrs.fit_rate_model(B, [lrs.interpolation_best_rate(beta, lam, b)
                                              for b in B])
    assert eps_max == pytest.approx(1 / lam, rel=1e-6)
    assert b_noise == pytest.approx(beta / lam - 1, rel=1e-6)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), b=st.integers(1, 3), beta=st.floats(0.1, 10.0))
def test_paper_rule_minimises_the_worst_direction(seed, b, beta):
    """Ma, Bassily & Belkin's η*(b): with columns of equal length² β, one step multiplies
    E|e|² along the eigenvector of λ by exactly 1 − 2ηλ + η²λ(β + (b − 1)λ)/b (enumerated
    over every draw); the rule minimises the largest of these factors over the directions."""
    X, _, beta, _ = equal_norm_problem(seed, beta=beta)
    lam, vecs = np.linalg.eigh(X @ X.T / X.shape[1])
    assume_full_rank = lam[0] > 1e-3 * lam[-1]
    if not assume_full_rank:
        return
    rate = lrs.interpolation_step_size(beta, lam[-1], lam[0], b)

    def worst(r):
        return max(expected_step(X, v, b, r) for v in vecs.T)

    grid = rate * np.linspace(0.8, 1.2, 41)
    assert grid[np.argmin([worst(r) for r in grid])] == pytest.approx(rate)
    assert worst(rate) < 1


def test_paper_rule_regimes():
    beta, lam, lam_min = 100.0, 4.0, 0.5
    b_star = lrs.interpolation_critical_size(beta, lam, lam_min)
    assert b_star == pytest.approx(100 / 3.5 + 1)
    below, above = (lrs.interpolation_step_size(beta, lam, lam_min, b_star * f)
                    for f in (1 - 1e-9, 1 + 1e-9))
    assert below == pytest.approx(above, rel=1e-6)  # continuous at b*
    assert lrs.interpolation_step_size(beta, lam, lam_min, 2) == pytest.approx(2 / 100.5)
    assert lrs.interpolation_step_size(beta, lam, lam_min, 1e12) == pytest.approx(
        2 / (lam + lam_min), rel=1e-6)  # saturates at GD's optimal constant step
    assert lrs.interpolation_step_size(beta, lam, lam_min, 1) == pytest.approx(1 / beta)
    # the course's one-direction bound is never larger
    for b in (1, 4, 30, 100, 10_000):
        assert lrs.interpolation_best_rate(beta, lam, b) <= \
            lrs.interpolation_step_size(beta, lam, lam_min, b) * (1 + 1e-12)


@pytest.mark.parametrize("call, exc, words", [
    (lambda: lrs.interpolation_best_rate(1.0, 2.0, 4), ValueError, ["lambda_max", "<= beta"]),
    (lambda: lrs.interpolation_best_rate(-1.0, 0.5, 4), ValueError, ["beta", "> 0", "-1.0"]),
    (lambda: lrs.interpolation_best_rate(2.0, 0.5, 0.5), ValueError, ["batch_size", ">= 1"]),
    (lambda: lrs.interpolation_best_rate(2.0, 0.5, "4"), TypeError, ["batch_size", "'4'"]),
    (lambda: lrs.critical_batch_size(True, 0.5), TypeError, ["beta", "True"]),
    (lambda: lrs.critical_batch_size(2.0, math.nan), ValueError, ["lambda_max", "nan"]),
    (lambda: lrs.interpolation_step_size(2.0, 0.5, 0.5, 4), ValueError,
     ["lambda_min", "< lambda_max"]),
    (lambda: lrs.interpolation_step_size(2.0, 0.5, -0.1, 4), ValueError, ["lambda_min", "-0.1"]),
    (lambda: lrs.interpolation_step_size(2.0, 0.5, 0.1, 0), ValueError, ["batch_size"]),
    (lambda: lrs.interpolation_critical_size(2.0, 3.0, 0.1), ValueError, ["lambda_max", "beta"]),
])
def test_closed_form_refuses_bad_input_clearly(call, exc, words):
    with pytest.raises(exc) as err:
        call()
    for w in words:
        assert w in str(err.value)


def test_least_squares_curvature():
    X = np.array([[3.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    curv = lrs.least_squares_curvature(X)
    assert curv["beta"] == 9.0  # the first column: 3² + 0²
    eig = np.linalg.eigvalsh(X @ X.T / 3)
    assert (curv["lambda_min"], curv["lambda_max"]) == pytest.approx(tuple(eig))
    with pytest.raises(ValueError, match=r"X\[1, 2\]"):
        lrs.least_squares_curvature(np.array([[1.0, 2.0, 3.0], [1.0, 2.0, np.nan]]))
    with pytest.raises(ValueError, match="2-D"):
        lrs.least_squares_curvature(np.ones(3))


# ---- the vectorised least-squares runner, against the trainer -------------------------------


@pytest.mark.parametrize("b, updates, seed", [(1, 30, 0), (4, 17, 3), (7, 25, 1), (20, 6, 2)])
def test_least_squares_distances_follows_the_trainer(b, updates, seed):
    """Same mini-batches as train.train (b = 7 leaves a smaller last one, b = 20 = m is batch
    GD, 30 updates of b = 1 cross an epoch boundary), for every rate at once."""
    X, _, _ = data.make_regression_2d(m=20, correlation=0.3, noise=0.1, seed=seed,
                                      scales=(1.0, 0.5))
    X = np.vstack([X, np.ones((1, 20))])  # 3 features
    w_star = np.array([0.5, -1.0, 2.0])
    w0 = np.array([0.1, 0.2, -0.3])
    rates = [0.01, 0.1, 0.4]
    got = lrs.least_squares_distances(X, w_star, b, rates, updates, seed=seed, w0=w0)
    for rate, distance in zip(rates, got):
        model = models.LinearRegression(3, bias=False)
        model.set_flat(w0)
        h = train.train(model, X, (w_star @ X)[None, :], b, rate, epochs=100, seed=seed,
                        max_updates=updates)
        assert h.updates == updates
        assert distance == pytest.approx(np.sum((model.get_flat() - w_star) ** 2), rel=1e-10)


def test_least_squares_distances_marks_divergence_and_refuses_bad_input():
    X = np.random.default_rng(0).standard_normal((2, 10))
    w = np.array([1.0, -1.0])
    d = lrs.least_squares_distances(X, w, 10, [0.1, 1e3], 200)
    assert np.isfinite(d[0]) and d[0] < 1e-6 and d[1] == np.inf
    for kwargs, exc, words in [
        (dict(w_star=np.ones(3)), ValueError, ["w_star", "(2,)"]),
        (dict(batch_size=11), ValueError, ["batch_size", "<= 10", "11"]),
        (dict(learning_rates=[0.1, -1]), ValueError, ["learning_rates[1] = -1"]),
        (dict(updates=0), ValueError, ["updates", "0"]),
        (dict(w0=np.ones(5)), ValueError, ["w0", "(5,)"]),
        (dict(seed=-2), ValueError, ["seed", "-2"]),
        (dict(X=X.tolist()), TypeError, ["X must be a numpy array", "list"]),
        (dict(X=np.ones(10)), ValueError, ["2-D", "(10,)"]),
    ]:
        args = dict(X=X, w_star=w, batch_size=2, learning_rates=[0.1], updates=5) | kwargs
        with pytest.raises(exc) as err:
            lrs.least_squares_distances(**args)
        for word in words:
            assert word in str(err.value)


# ---- reading best rates: slope, fit, ties and brackets ---------------------------------------


@settings(max_examples=30, deadline=None)
@given(p=st.floats(-1.0, 2.0), c=st.floats(1e-3, 1e3),
       sizes=st.lists(st.integers(1, 5000), min_size=2, max_size=8, unique=True))
def test_loglog_slope_of_a_power_law_is_its_power(p, c, sizes):
    B = np.array(sizes, dtype=float)
    assert lrs.loglog_slope(B, c * B**p) == pytest.approx(p, abs=1e-9)


def test_loglog_slope_keeps_only_the_range_asked():
    B = np.array([1, 2, 4, 8, 1024, 2048, 4000])
    rates = np.where(B <= 8, 0.01 * B, 2.0)
    assert lrs.loglog_slope(B, rates, high=16) == pytest.approx(1.0)
    assert lrs.loglog_slope(B, rates, low=1024) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="two different batch sizes"):
        lrs.loglog_slope(B, rates, low=3000)
    with pytest.raises(ValueError, match="same length"):
        lrs.loglog_slope(B, rates[:-1])
    with pytest.raises(ValueError, match=r"rates\[2\] = 0"):
        lrs.loglog_slope([1, 2, 4], [1.0, 2.0, 0.0])
    with pytest.raises(ValueError, match="high must be a finite number >= 16"):
        lrs.loglog_slope(B, rates, low=16, high=8)
    with pytest.raises(TypeError, match="low must be a number"):
        lrs.loglog_slope(B, rates, low="16")


@settings(max_examples=30, deadline=None)
@given(eps_max=st.floats(1e-3, 10.0), spread=st.floats(0.05, 20.0),
       sizes=st.lists(st.integers(1, 4096), min_size=3, max_size=7, unique=True))
def test_fit_rate_model_recovers_noise_free_rates(eps_max, spread, sizes):
    B = np.array(sorted(sizes), dtype=float)
    b_noise = float(np.sqrt(B.min() * B.max()) * spread)
    fit = lrs.fit_rate_model(B, eps_max / (1 + b_noise / B))
    assert fit == pytest.approx((eps_max, b_noise), rel=1e-6)


def result(batch_size, tried, grid=(0.25, 0.5, 1.0, 2.0, 4.0)):
    """A TargetResult as fewest_updates_rate returns it, from {rate: updates or None}."""
    reached = {r: n for r, n in tried.items() if n is not None}
    if not reached:
        return sweep.TargetResult(batch_size, math.nan, False, -1, -1, math.nan,
                                  tried=dict(tried), grid=grid)
    best = min(reached, key=lambda r: (reached[r], r))
    return sweep.TargetResult(batch_size, best, True, reached[best], 0, 0.0, tried=dict(tried),
                              grid=grid)


def test_rate_sweep_reads_ties_and_brackets():
    runs = [[result(4, {0.25: 30, 0.5: 20, 1.0: 25}),          # bracketed
             result(16, {0.5: 12, 1.0: 10, 2.0: 10, 4.0: 11}),  # a tie, bracketed
             result(64, {1.0: 9, 2.0: 8})],                     # upper neighbour not tried
            [result(4, {0.25: 20, 0.5: 30}),                    # best at the grid's edge
             result(16, {1.0: 10, 2.0: None}),                  # lower neighbour not tried
             result(64, {2.0: None, 4.0: None})]]               # never reached
    sw = lrs.RateSweep((4, 16, 64), (0, 1), runs)
    assert sw.tied(0, 1) == [1.0, 2.0] and sw.tied(1, 2) == []
    best = sw.best
    assert best[0].tolist() == pytest.approx([0.5, math.sqrt(2), 2.0])
    assert best[1, 0] == 0.25 and best[1, 1] == 1.0 and math.isnan(best[1, 2])
    assert sw.bracketed.tolist() == [[True, True, False], [False, False, False]]
    assert sw.median.tolist() == pytest.approx([(0.5 + 0.25) / 2, (math.sqrt(2) + 1) / 2,
                                                2.0])


def test_best_rates_tunes_each_seed_as_time_to_target():
    X, Y = data.make_moons(120, seed=0)
    grid = [0.1, 0.3, 1.0, 3.0, 10.0]
    makes = {s: (lambda s=s: models.LogisticRegression(2, seed=s)) for s in (0, 2)}
    sw = lrs.best_rates(makes, X, Y, [60, 8, 120], grid, 0.45, start=0.3)
    assert sw.batch_sizes == (8, 60, 120) and sw.seeds == (0, 2)
    for s, seed in enumerate(sw.seeds):
        again = sweep.time_to_target(lambda seed=seed: models.LogisticRegression(2, seed=seed),
                                     X, Y, [8, 60, 120], grid, 0.45, start=0.3, seed=seed)
        assert [(r.learning_rate, r.updates, r.tried) for r in sw.runs[s]] == \
            [(r.learning_rate, r.updates, r.tried) for r in again]
    assert np.isfinite(sw.best).all()
    with pytest.raises(TypeError, match="make_models"):
        lrs.best_rates(lambda: None, X, Y, [8], grid, 0.45)
    with pytest.raises(ValueError, match="make_models key -1"):
        lrs.best_rates({0: makes[0], -1: makes[0]}, X, Y, [8], grid, 0.45)


# ---- schedules ----------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(rate=st.floats(1e-4, 10.0), epochs=st.integers(1, 12))
def test_warmup_climbs_in_equal_steps_then_stays(rate, epochs):
    schedule = lrs.LinearWarmup(rate, epochs)
    values = np.array([schedule(e) for e in range(epochs + 5)])
    assert values[0] == pytest.approx(rate / epochs)
    assert np.allclose(np.diff(values[:epochs]), rate / epochs)
    assert np.all(values[epochs - 1:] == rate) and np.all(values <= rate)
    assert repr(schedule) == f"LinearWarmup(learning_rate={rate:g}, warmup_epochs={epochs})"


def test_warmup_refuses_bad_input_and_trains():
    with pytest.raises(ValueError, match="warmup_epochs"):
        lrs.LinearWarmup(0.1, 0)
    with pytest.raises(ValueError, match="learning_rate"):
        lrs.LinearWarmup(-0.1, 3)
    with pytest.raises(ValueError, match="epoch"):
        lrs.LinearWarmup(0.1, 3)(-1)
    X, Y = data.make_moons(40, seed=0)
    h = train.train(models.LogisticRegression(2), X, Y, 10, lrs.LinearWarmup(0.9, 3), 5)
    assert h.epoch_learning_rate == pytest.approx([0.3, 0.6, 0.9, 0.9, 0.9])


@settings(max_examples=30, deadline=None)
@given(rate=st.floats(1e-4, 10.0), m=st.integers(1, 10_000), data_=st.data())
def test_noise_scale_g(rate, m, data_):
    b = data_.draw(st.integers(1, m))
    assert lrs.noise_scale_g(rate, b, m) == pytest.approx(rate * (m / b - 1))
    assert lrs.noise_scale_g(rate, m, m) == 0.0
    with pytest.raises(ValueError, match="batch_size"):
        lrs.noise_scale_g(rate, m + 1, m)


def test_train_in_phases_continues_one_model_with_one_generator():
    X, Y = data.make_moons(50, seed=1)
    phases = [(5, 0.5, 2), (25, 1.0, 1), (50, 2.0, 3)]
    run = lrs.train_in_phases(models.LogisticRegression(2, seed=0), X, Y, phases, seed=4)
    model, rng, histories = models.LogisticRegression(2, seed=0), np.random.default_rng(4), []
    for b, rate, epochs in phases:  # the same, by hand
        histories.append(train.train(model, X, Y, b, rate, epochs, seed=rng,
                                     eval_every=max(1, -(-50 // b) // 4)))
    assert [h.eval_cost for h in run.histories] == [h.eval_cost for h in histories]
    assert run.phase_updates == [0, 20, 22] and run.phase_examples == [0, 100, 150]
    assert run.updates[-1] == 25 and run.examples[-1] == 300
    assert len(run.cost) == len(run.updates) == len(run.examples)
    assert np.all(np.diff(run.updates) > 0)  # a phase's first evaluation is not repeated
    assert run.cost[-1] == histories[-1].final_cost and not run.diverged


def test_train_in_phases_stops_after_a_diverged_phase_and_refuses_bad_phases():
    X, Y, _ = data.make_regression_2d(m=40, seed=0)
    run = lrs.train_in_phases(models.LinearRegression(2), X, Y, [(40, 1e6, 40), (10, 0.1, 1)])
    assert run.diverged and len(run.histories) == 1
    for phases, words in [([], "at least one"), ([(10, 0.1)], "phases[0]"),
                          ([(10, 0.1, 1), (41, 0.1, 1)], "phases[1] batch_size"),
                          ([(10, 0.0, 1)], "phases[0] learning_rate"), ("abc", "list")]:
        with pytest.raises((ValueError, TypeError)) as err:
            lrs.train_in_phases(models.LinearRegression(2), X, Y, phases)
        assert words in str(err.value)


# ---- curvature: exact Hessian-vector products and the top eigenvalue ----------------------


def flat_grad(model, X, Y, theta):
    saved = model.get_flat()
    model.set_flat(theta)
    _, g = model.loss_and_grads(X, Y)
    model.set_flat(saved)
    return np.concatenate([g["d" + k].ravel() for k in model.params])


def tiny(output, dims, seed, bias=True, m=7):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m))
    if output == "softmax":
        Y = data.one_hot(rng.integers(0, dims[-1], m), dims[-1])
    elif output == "sigmoid":
        Y = (rng.random((1, m)) < 0.5).astype(float)
    else:
        Y = rng.standard_normal((dims[-1], m))
    return models.MLP(dims, output=output, seed=seed, bias=bias), X, Y


@pytest.mark.parametrize("output, dims, bias", [
    ("softmax", [4, 3], True), ("sigmoid", [3, 1], True), ("linear", [3, 2], False),
    ("softmax", [3, 5, 3], True), ("sigmoid", [2, 4, 3, 1], True), ("linear", [3, 4, 2], False),
])
def test_hessian_vector_product_matches_finite_differences(output, dims, bias):
    model, X, Y = tiny(output, dims, seed=1, bias=bias)
    theta = model.get_flat()
    for k in range(3):
        v = np.random.default_rng(k).standard_normal(theta.size)
        v /= np.linalg.norm(v)
        h = 1e-5  # small enough that no ReLU of 7 examples changes side (checked below)
        fd = (flat_grad(model, X, Y, theta + h * v)
              - flat_grad(model, X, Y, theta - h * v)) / (2 * h)
        Hv = curvature.hessian_vector_product(model, X, Y, v)
        assert np.allclose(Hv, fd, rtol=1e-5, atol=1e-7), np.max(np.abs(Hv - fd))
    assert np.array_equal(model.get_flat(), theta)  # parameters left as they were


def test_hessian_vector_product_of_a_float32_model_is_float32_and_close():
    model, X, Y = tiny("softmax", [3, 5, 3], seed=2)
    v = np.random.default_rng(0).standard_normal(model.num_params)
    exact = curvature.hessian_vector_product(model, X, Y, v)
    single = models.MLP([3, 5, 3], output="softmax", dtype=np.float32, seed=2)
    Hv = curvature.hessian_vector_product(single, X, Y, v)
    assert Hv.dtype == np.float32
    assert np.allclose(Hv, exact, rtol=1e-4, atol=1e-5)


def dense_hessian(model, X, Y):
    P = model.num_params
    H = np.array([curvature.hessian_vector_product(model, X, Y, v) for v in np.eye(P)])
    return H


def test_hessian_is_symmetric_and_lanczos_finds_its_top_eigenvalue():
    model, X, Y = tiny("sigmoid", [2, 4, 3, 1], seed=5)
    H = dense_hessian(model, X, Y)  # (31, 31), built column by column
    assert np.allclose(H, H.T, atol=1e-12)
    eig = np.linalg.eigvalsh(H)
    assert eig[0] < 0 < eig[-1]  # not convex: a ReLU network
    assert curvature.top_eigenvalue(model, X, Y, steps=model.num_params) == \
        pytest.approx(eig[-1], rel=1e-8)


def test_top_eigenvalue_is_the_largest_signed_one_not_the_largest_in_size(monkeypatch):
    """Lanczos on a known operator whose most negative eigenvalue is the largest in size: the
    power method would return -7; the largest eigenvalue is 3."""
    model, X, Y = tiny("softmax", [3, 2], seed=0)  # 8 parameters
    Q, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((8, 8)))
    M = Q @ np.diag([-7.0, -1.0, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0]) @ Q.T
    monkeypatch.setattr(curvature, "_hessian_vector_product", lambda model, X, Y, v: M @ v)
    assert curvature.top_eigenvalue(model, X, Y, steps=8) == pytest.approx(3.0, rel=1e-10)
    assert curvature.top_eigenvalue(model, X, Y, steps=30) == pytest.approx(3.0, rel=1e-10)


def test_top_eigenvalue_of_softmax_regression_in_20_steps_is_the_dense_hessians():
    mnist = data.load_mnist1d()
    X, Y = mnist.X_train[:, :500], mnist.Y_train[:, :500]
    model = models.SoftmaxRegression(40, 10, seed=0)  # 410 parameters
    lam = curvature.top_eigenvalue(model, X, Y, steps=20)
    assert lam == pytest.approx(np.linalg.eigvalsh(dense_hessian(model, X, Y))[-1], rel=1e-6)


def test_best_noiseless_rate_minimises_the_cost_along_the_gradient_of_a_quadratic():
    X, Y, _ = data.make_regression_2d(m=30, seed=2)
    model = models.LinearRegression(2, seed=1)  # the cost is exactly quadratic
    rate = curvature.best_noiseless_rate(model, X, Y)
    _, g = model.loss_and_grads(X, Y)
    theta = model.get_flat()
    G = np.concatenate([g["d" + k].ravel() for k in model.params])

    def cost_at(r):
        model.set_flat(theta - r * G)
        return train.evaluate_cost(model, X, Y)

    grid = rate * np.linspace(0.8, 1.2, 81)
    assert grid[np.argmin([cost_at(r) for r in grid])] == pytest.approx(rate)


@pytest.mark.parametrize("call, exc, words", [
    (lambda m, X, Y: curvature.hessian_vector_product(m, X, Y, np.ones(3)), ValueError,
     ["v must", "(9,)"]),
    (lambda m, X, Y: curvature.hessian_vector_product(m, X, Y, np.ones(9, dtype=int)),
     ValueError, ["float", "int64"]),
    (lambda m, X, Y: curvature.hessian_vector_product(m, X, Y, np.full(9, np.nan)), ValueError,
     ["finite"]),
    (lambda m, X, Y: curvature.top_eigenvalue(m, X, Y, steps=0), ValueError, ["steps", "0"]),
    (lambda m, X, Y: curvature.top_eigenvalue(m, X, Y, seed=-1), ValueError, ["seed", "-1"]),
    (lambda m, X, Y: curvature.best_noiseless_rate(m, X.tolist(), Y), TypeError,
     ["numpy arrays", "list"]),
    (lambda m, X, Y: curvature.top_eigenvalue(m, X, Y[:1]), ValueError, ["n_y=3", "(1, 7)"]),
])
def test_curvature_refuses_bad_input_clearly(call, exc, words):
    model, X, Y = tiny("softmax", [2, 3], seed=0)
    with pytest.raises(exc) as err:
        call(model, X, Y)
    for w in words:
        assert w in str(err.value)
