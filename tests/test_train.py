import numpy as np
import pytest

from course_utils import data, models, train


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
    h = train.train(model, X * 1e3, Y, 200, learning_rate=10.0, num_epochs=50)
    assert h.diverged and "diverged" in h.message and "learning rate 10" in h.message
    assert len(h.step_cost) < 50 and all(np.isfinite(h.step_cost))


def test_target_cost_stops_early_and_eval_time_not_counted(moons):
    _, h = fit(moons, 32, lr=0.5, epochs=200, target_cost=0.3, eval_every=5)
    assert h.reached_target and h.final_cost <= 0.3
    assert h.updates < 200 * 10 and h.updates % 5 == 0
    assert h.eval_seconds[-1] == h.seconds and h.step_seconds[-1] == h.seconds


def test_test_metrics_and_schedules(moons):
    X, Y = moons
    _, h = fit(moons, 30, epochs=4, X_test=X, Y_test=Y, lr=train.step_decay(0.5, 0.5, 2))
    assert len(h.test_accuracy) == len(h.eval_cost) == 5
    assert h.epoch_learning_rate == [0.5, 0.5, 0.25, 0.25]
    s = train.inverse_time_decay(1.0, 1.0)
    assert [s(e) for e in range(3)] == [1.0, 0.5, 1 / 3]


def test_record_path_and_max_updates(moons):
    model, h = fit(moons, 1, epochs=3, record_path=True, max_updates=10)
    assert h.updates == 10 and len(h.path) == 11
    np.testing.assert_array_equal(h.path[-1], model.get_flat())


@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 301}, ValueError, "<= 300"),
        ({"learning_rate": -1.0}, ValueError, "learning_rate"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"num_epochs": 0}, ValueError, "num_epochs"),
        ({"eval_every": 1.5}, TypeError, "eval_every"),
    ],
)
def test_bad_training_arguments(moons, kwargs, exc, word):
    X, Y = moons
    args = {"batch_size": 10, "learning_rate": 0.1, "num_epochs": 1} | kwargs
    with pytest.raises(exc, match=word):
        train.train(models.LogisticRegression(2), X, Y, **args)


def test_ewma_against_direct_computation():
    x = np.random.default_rng(0).standard_normal(50)
    beta = 0.9
    got = train.ewma(x, beta)
    for t in (1, 2, 10, 50):
        weights = (1 - beta) * beta ** np.arange(t - 1, -1, -1)
        direct = np.sum(weights * x[:t]) / (1 - beta**t)
        assert got[t - 1] == pytest.approx(direct, rel=1e-12)
    assert train.ewma([5.0, 5.0], 0.9)[0] == pytest.approx(5.0)  # corrected: no pull to 0
    assert train.ewma([5.0], 0.9, bias_correction=False)[0] == pytest.approx(0.5)


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
    _, h = fit(moons, 1, epochs=1000, max_seconds=0.02, eval_every=7)
    assert 0 < h.updates < 300_000 and h.seconds <= 0.02
    assert h.eval_seconds[-1] == h.seconds and h.eval_updates[-1] == h.updates
    # the last evaluation is the model as it stood at the budget: rerun that many updates
    _, again = fit(moons, 1, epochs=1000, max_updates=h.updates, eval_every=7)
    assert again.final_cost == h.final_cost
    with pytest.raises(ValueError, match="max_seconds"):
        fit(moons, 10, max_seconds=0.0)
