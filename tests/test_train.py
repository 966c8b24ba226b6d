import inspect
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.core import data, minibatch, models, train
from course_utils.measure import curves


@pytest.fixture(scope="module")
def moons():
    return data.make_moons(300, noise=0.2, seed=3)


def fit(moons, b, lr=0.5, epochs=5, seed=0, **kw):
    X, Y = moons
    model = models.MLP([2, 5, 2, 1], "sigmoid", seed=1)
    return model, train.train(model, X, Y, b, lr, epochs, seed=seed, **kw)


def test_batch_gd_sgd_minibatch_are_one_code_path(moons):
    for b, updates in [(300, 5), (1, 1500), (64, 25)]:
        _, h = fit(moons, b)
        assert h.updates == updates == len(h.step_cost)
        assert h.examples_seen == 1500 and h.epochs == 5
        assert len(h.epoch_cost) == 5


def test_same_seed_identical_history_other_seed_differs(moons):
    _, a = fit(moons, 16, seed=7)
    _, b = fit(moons, 16, seed=7)
    _, c = fit(moons, 16, seed=8)
    assert a.step_cost == b.step_cost and a.eval_cost == b.eval_cost
    assert a.step_cost != c.step_cost


def test_batch_gd_cost_falls_every_step_with_a_small_rate(moons):
    _, h = fit(moons, 300, lr=0.3, epochs=40)
    assert np.all(np.diff(h.step_cost) < 0)


def test_epoch_cost_is_weighted_mean_of_step_costs(moons):
    _, h = fit(moons, 64, epochs=2)
    sizes = np.array([64, 64, 64, 64, 44])
    first = np.array(h.step_cost[:5])
    assert h.epoch_cost[0] == pytest.approx(np.sum(first * sizes) / 300)


def test_divergence_is_caught_and_reported(moons):
    X, Y, _ = data.make_regression_2d(200, seed=0)
    model = models.LinearRegression(2, seed=0)
    h = train.train(model, X * 1e3, Y, 200, learning_rate=10.0, epochs=50)
    assert h.diverged and "diverged" in h.message and "learning rate 10" in h.message
    assert len(h.step_cost) < 50 and all(np.isfinite(h.step_cost))


def test_target_cost_stops_early(moons):
    _, h = fit(moons, 32, lr=0.5, epochs=200, target_cost=0.3, eval_every=5)
    assert h.reached_target and h.final_cost <= 0.3
    assert h.updates < 200 * 10 and h.updates % 5 == 0
    assert h.eval_seconds[-1] == h.seconds and h.step_seconds[-1] == h.seconds


def test_evaluation_time_is_not_counted(moons, monkeypatch):
    real = train.evaluate_cost

    def slow_evaluate_cost(*args, **kwargs):
        time.sleep(0.1)  # far longer than the 3 training steps together
        return real(*args, **kwargs)

    monkeypatch.setattr(train, "evaluate_cost", slow_evaluate_cost)
    started = time.perf_counter()
    _, h = fit(moons, 100, epochs=1, eval_every=1)
    wall = time.perf_counter() - started
    assert h.updates == 3 and len(h.eval_cost) == 4  # at updates 0, 1, 2, 3
    assert wall >= 0.4  # the slow evaluations really ran
    assert h.seconds < 0.1, f"{h.seconds:.3f} s of training: evaluation time was counted"
    assert h.eval_seconds == [0.0] + h.step_seconds


def test_test_metrics_and_schedules(moons):
    X, Y = moons
    _, h = fit(moons, 30, epochs=4, X_test=X, Y_test=Y, lr=lambda epoch: 0.5 * 0.5 ** (epoch // 2))
    assert len(h.test_accuracy) == len(h.eval_cost) == 5
    assert h.epoch_learning_rate == [0.5, 0.5, 0.25, 0.25]
    s = train.InverseTimeDecay(1.0, 1.0)
    assert [s(e) for e in range(3)] == [1.0, 0.5, 1 / 3]


def test_record_path_and_max_updates(moons):
    model, h = fit(moons, 1, epochs=3, record_path=True, max_updates=10)
    assert h.updates == 10 and len(h.path) == 11
    np.testing.assert_array_equal(h.path[-1], model.get_flat())


@pytest.mark.parametrize(
    "kwargs, exc, message",
    [
        ({"batch_size": 0}, ValueError, "batch_size must satisfy 1 <= batch_size <= 300, got 0"),
        # a mini-batch larger than the data set is an error, not silently batch GD
        ({"batch_size": 301}, ValueError, "batch_size must satisfy 1 <= batch_size <= 300, "
                                          "got 301"),
        ({"learning_rate": -1.0}, ValueError, "learning_rate must be a finite number > 0, "
                                              "got -1.0"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate .* got nan"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate must be a number, got '0.1'"),
        ({"epochs": 0}, ValueError, "epochs must satisfy 1 <= epochs, got 0"),
        ({"eval_every": 1.5}, TypeError, "eval_every must be an integer, got 1.5"),
        ({"max_updates": 0}, ValueError, "max_updates must satisfy 1 <= max_updates, got 0"),
        ({"target_cost": -0.1}, ValueError, "target_cost must be a finite number >= 0, "
                                            "got -0.1"),
        ({"target_cost": float("nan")}, ValueError, "target_cost .* got nan"),
        ({"target_cost": "0.3"}, TypeError, "target_cost must be a number"),
        ({"seed": -2}, ValueError, "seed must be >= 0, got -2"),
        ({"record_path": "yes"}, TypeError, "record_path must be True or False, got 'yes'"),
        ({"blas_threads": 0}, ValueError, "blas_threads must satisfy 1 <= blas_threads, got 0"),
        ({"learning_rate": lambda epoch: -0.1}, ValueError,
         r"learning_rate\(0\) \(the schedule's value at epoch 0\) must be a finite number > 0"),
    ],
)
def test_bad_training_arguments(moons, kwargs, exc, message):
    X, Y = moons
    args = {"batch_size": 10, "learning_rate": 0.1, "epochs": 1} | kwargs
    with pytest.raises(exc, match=message):
        train.train(models.LogisticRegression(2), X, Y, **args)


def test_bad_data_is_refused_before_training(moons):
    X, Y = moons
    model = models.LogisticRegression(2)
    start = model.get_flat()
    X_nan = X.copy()
    X_nan[1, 7] = np.nan
    with pytest.raises(ValueError, match=r"X must hold finite numbers; X\[1, 7\] = nan"):
        train.train(model, X_nan, Y, 10)
    with pytest.raises(ValueError, match=r"labels 0 or 1 for output='sigmoid'; Y\[0, 0\] = 2.0"):
        train.train(model, X, np.full_like(Y, 2.0), 10)
    with pytest.raises(ValueError, match=r"X must have shape \(n_x=2, m\) and Y \(n_y=1, m\)"):
        train.train(model, np.vstack([X, X]), Y, 10)
    with pytest.raises(ValueError, match="one-hot for output='softmax'"):
        train.train(models.SoftmaxRegression(2, 2), X, np.vstack([Y, Y]), 10)
    with pytest.raises(ValueError, match="X_test must hold finite numbers"):
        train.train(model, X, Y, 10, X_test=X_nan, Y_test=Y)
    with pytest.raises(ValueError, match="give both X_test and Y_test"):
        train.train(model, X, Y, 10, X_test=X)
    np.testing.assert_array_equal(model.get_flat(), start)  # nothing trained


def test_float32_model_trains_and_evaluates_in_float32(moons):
    X, Y = moons  # float64 data: train converts it once, X_test and Y_test too
    model = models.MLP([2, 5, 1], "sigmoid", dtype=np.float32, seed=1)
    h = train.train(model, X, Y, 50, 0.5, 3, X_test=X, Y_test=Y)
    assert all(p.dtype == np.float32 for p in model.params.values())
    assert len(h.test_cost) == len(h.eval_cost) == 4
    assert h.test_cost[-1] == pytest.approx(h.eval_cost[-1], rel=1e-6)  # same data, same dtype
    assert X.dtype == np.float64  # the caller's arrays are left as they were


def test_history_needs_examples():
    assert train.History(batch_size=2, m=4, learning_rate=0.1).epochs == 0.0
    with pytest.raises(ValueError, match="m must satisfy 1 <= m, got 0"):
        train.History(batch_size=1, m=0, learning_rate=0.1)  # epochs would divide by 0


def test_linear_model_with_test_data_has_no_accuracy():
    X, Y, _ = data.make_regression_2d(100, seed=0)
    h = train.train(models.LinearRegression(2), X, Y, 10, 0.05, 2, X_test=X, Y_test=Y)
    assert len(h.test_cost) == 3 and h.test_accuracy == []


def test_never_touches_global_random_state(moons):
    saved = np.random.get_state()
    try:
        np.random.seed(12345)
        np.random.random_sample(311)  # 622 of 624 words: one global draw refills the key
        before = np.random.get_state()
        fit(moons, 16, epochs=2)
        train.train(models.LogisticRegression(2), *moons, 16, 0.1, 1, seed=None)
        after = np.random.get_state()
        assert np.array_equal(before[1], after[1]) and before[2:] == after[2:]
    finally:
        np.random.set_state(saved)


def test_schedule_refuses_bad_arguments():
    assert repr(train.InverseTimeDecay(0.5, 2)) == \
        "InverseTimeDecay(initial_learning_rate=0.5, decay_rate=2)"
    for make, exc, message in [
        (lambda: train.InverseTimeDecay(0.0, 1.0), ValueError,
         "initial_learning_rate must be a finite number > 0"),
        (lambda: train.InverseTimeDecay(1.0, -1.0), ValueError, "decay_rate .* got -1.0"),
        (lambda: train.InverseTimeDecay(1.0, float("nan")), ValueError, "decay_rate .* nan"),
        (lambda: train.InverseTimeDecay(1.0, 1.0)(-1), ValueError,
         "epoch must satisfy 0 <= epoch, got -1"),
        (lambda: train.InverseTimeDecay(1.0, 1.0)(0.5), TypeError, "epoch must be an integer"),
    ]:
        with pytest.raises(exc, match=message):
            make()
    for name, obj in vars(train).items():  # names say what things are
        if getattr(obj, "__module__", None) == train.__name__:
            if inspect.isclass(obj):
                assert name[0].isupper(), name
            elif inspect.isfunction(obj):
                assert name.lstrip("_")[0].islower(), name


@settings(max_examples=30, deadline=None)
@given(c=st.floats(-1e6, 1e6), n=st.integers(1, 40), beta=st.floats(0, 0.999))
def test_ewma_of_a_constant_is_that_constant(c, n, beta):
    np.testing.assert_allclose(curves.ewma([c] * n, beta), c, rtol=1e-9, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(beta=st.sampled_from([1.0, 1.5, -0.1, float("nan"), float("inf")]))
def test_ewma_refuses_beta_outside_0_1(beta):
    with pytest.raises(ValueError, match=rf"beta must be a finite number with 0 <= beta < 1, "
                                         rf"got {beta!r}"):
        curves.ewma([1.0, 2.0], beta)


def test_ewma_refuses_bad_values():
    with pytest.raises(ValueError, match=r"values\[1\] = nan"):
        curves.ewma([1.0, float("nan")])
    with pytest.raises(TypeError, match="values must be a 1-D sequence"):
        curves.ewma(np.ones((2, 2)))
    with pytest.raises(TypeError, match="bias_correction must be True or False"):
        curves.ewma([1.0], bias_correction="no")
    with pytest.raises(TypeError, match="beta must be a number"):
        curves.ewma([1.0], beta="0.9")
    assert curves.ewma([]).shape == (0,)


@settings(max_examples=25, deadline=None)
@given(b=st.integers(1, 12), micro=st.integers(1, 12), chunk=st.integers(1, 15))
def test_accumulated_gradients_and_chunked_cost_equal_one_pass(b, micro, chunk):
    micro = min(micro, b)
    model = models.MLP([2, 3, 1], "sigmoid", seed=0)
    X, Y = data.make_moons(12, seed=1)
    X_t, Y_t = X[:, :b], Y[:, :b]
    cost, grads = model.loss_and_grads(X_t, Y_t)
    acc_cost, acc = train.accumulated_gradients(model, X_t, Y_t, micro)
    assert acc_cost == pytest.approx(cost, rel=1e-12)
    for k in grads:
        np.testing.assert_allclose(acc[k], grads[k], rtol=1e-10, atol=1e-15)
    assert train.evaluate_cost(model, X, Y, chunk) == pytest.approx(
        model.cost(Y, model.forward(X)[1]), rel=1e-12)


def test_accumulation_and_evaluation_refuse_bad_sizes():
    model = models.LogisticRegression(2)
    X, Y = data.make_moons(10, seed=0)
    with pytest.raises(ValueError, match="micro_batch_size must satisfy 1 <= micro_batch_size "
                                         "<= 10, got 11"):
        train.accumulated_gradients(model, X, Y, 11)
    with pytest.raises(ValueError, match="chunk must satisfy 1 <= chunk, got 0"):
        train.evaluate_cost(model, X, Y, 0)
    with pytest.raises(TypeError, match="X must have the model's dtype float64, got float32"):
        train.evaluate_cost(model, X.astype(np.float32), Y)


def test_ewma_against_direct_computation():
    x = np.random.default_rng(0).standard_normal(50)
    beta = 0.9
    got = curves.ewma(x, beta)
    for t in (1, 2, 10, 50):
        weights = (1 - beta) * beta ** np.arange(t - 1, -1, -1)
        direct = np.sum(weights * x[:t]) / (1 - beta**t)
        assert got[t - 1] == pytest.approx(direct, rel=1e-12)
    assert curves.ewma([5.0, 5.0], 0.9)[0] == pytest.approx(5.0)  # corrected: no pull to 0
    assert curves.ewma([5.0], 0.9, bias_correction=False)[0] == pytest.approx(0.5)


def test_max_seconds_stops_at_the_budget_never_past_it(moons):
    model = models.MLP([2, 5, 2, 1], "sigmoid", seed=1)
    start = model.get_flat()
    X, Y = moons
    h = train.train(model, X, Y, 10, 0.5, 50, max_seconds=1e-9)  # any update ends past it
    assert h.updates == 0 and h.seconds == 0 and h.step_cost == []
    np.testing.assert_array_equal(model.get_flat(), start)  # the update was undone
    assert h.eval_updates == [0] and len(h.eval_cost) == 1
    _, h = fit(moons, 10, epochs=2, max_seconds=60.0)  # never reached: the epochs end first
    assert h.updates == 60
    # a budget that one update fits in even on a loaded machine (0.02 s did not, at load 9)
    _, h = fit(moons, 1, epochs=1000, max_seconds=0.3, eval_every=7)
    assert 0 < h.updates < 300_000 and h.seconds <= 0.3
    assert h.eval_seconds[-1] == h.seconds and h.eval_updates[-1] == h.updates
    # the last evaluation is the model as it stood at the budget: rerun that many updates
    _, again = fit(moons, 1, epochs=1000, max_updates=h.updates, eval_every=7)
    assert again.final_cost == h.final_cost
    with pytest.raises(ValueError, match="max_seconds"):
        fit(moons, 10, max_seconds=0.0)


def test_a_bad_test_set_is_named_as_the_argument(moons):
    X, Y = moons
    model = models.LogisticRegression(2)
    with pytest.raises(ValueError, match=r"X_test must have shape .* got X_test \(3, 5\)"):
        train.train(model, X, Y, 10, 0.1, 1, X_test=np.zeros((3, 5)), Y_test=np.zeros((1, 5)))
    with pytest.raises(ValueError, match="X_test has 5, Y_test has 4"):
        train.train(model, X, Y, 10, 0.1, 1, X_test=np.zeros((2, 5)), Y_test=np.zeros((1, 4)))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("output, b", [("sigmoid", 1), ("sigmoid", 7), ("sigmoid", 300),
                                       ("softmax", 1), ("linear", 16)])
def test_the_trainers_unchecked_steps_give_the_checked_calls_numbers(moons, dtype, output, b):
    """train() checks X, Y and the rate once and then steps with check=False; a plain loop of
    the checked public calls over the same mini-batches gives bit-identical costs and
    parameters (the speed-up changes no number)."""
    X, Y = (A.astype(dtype) for A in moons)  # (2, 300), (1, 300)
    if output == "softmax":
        Y = data.one_hot(Y[0].astype(int), 2).astype(dtype)
    dims = [2, 5, 2, Y.shape[0]]
    fast = models.MLP(dims, output, dtype=dtype, seed=1)
    h = train.train(fast, X, Y, b, 0.05, 2, seed=4)
    slow = models.MLP(dims, output, dtype=dtype, seed=1)
    rng, costs = np.random.default_rng(4), []
    for _ in range(2):
        for X_t, Y_t in minibatch.iterate_minibatches(X, Y, b, seed=rng, shuffle=b < 300):
            cost, grads = slow.loss_and_grads(X_t, Y_t)
            slow.update(grads, 0.05)
            costs.append(cost)
    assert h.step_cost == costs
    for name, p in fast.params.items():
        assert np.array_equal(p, slow.params[name]), name
