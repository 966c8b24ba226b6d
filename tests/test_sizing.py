"""timing, noise and sweep: the measurements behind notebook 04 (correctness, not speed)."""

import numpy as np
import pytest

from course_utils import data, models, noise, sweep, timing, train


def test_time_steps_shapes_and_derived_quantities():
    t = timing.time_steps(lambda: models.MLP([8, 4, 3], "softmax", seed=0), [1, 8, 32],
                          repeats=2, min_seconds=0.001)
    assert t.seconds.shape == (2, 3) and np.all(t.seconds > 0)
    np.testing.assert_allclose(t.per_example, t.median / np.array([1, 8, 32]))
    np.testing.assert_allclose(t.throughput * t.per_example, 1.0)
    assert t.size_reaching(0.0) == 1


def test_size_reaching_and_power_of_two_effect_on_known_numbers():
    sizes = np.array([127, 128, 129, 255, 256, 257])
    per_step = sizes * np.array([1.0, 0.9, 1.0, 1.0, 1.0, 1.0])  # 128 is 10 % faster per example
    t = timing.StepTimes(sizes, np.stack([per_step, per_step * 1.02]))
    rows = timing.power_of_two_effect(t, [(127, 128, 129), (255, 256, 257)])
    assert rows[0]["power"] == 128 and rows[0]["advantage_pct"] == pytest.approx(10.0)
    assert rows[1]["advantage_pct"] == pytest.approx(0.0)
    assert rows[0]["noise_pct"] == pytest.approx(100 * np.std([1, 1.02], ddof=1) / 1.01)
    with pytest.raises(ValueError, match="exactly one power of two"):
        timing.power_of_two_effect(t, [(127, 129)])
    t2 = timing.StepTimes(np.array([1, 2, 4]), np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]))
    assert t2.size_reaching(0.9) == 4  # throughput 1, 2, 4 examples/s


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


def test_minibatch_variance_matches_without_replacement_formula():
    g = np.random.default_rng(1).standard_normal((50, 3))
    v = noise.minibatch_gradient_variance(g, [1, 10, 49, 50], draws=4000, seed=0)
    np.testing.assert_allclose(v["measured"][:3], v["predicted"][:3], rtol=0.08)
    assert v["measured"][3] == pytest.approx(0, abs=1e-25) and v["predicted"][3] == 0


def test_noise_scale_definition():
    X, Y = data.make_moons(100, seed=0)
    model = models.LogisticRegression(2, seed=0)
    ns = noise.noise_scale(model, X, Y)
    g = noise.per_example_gradients(model, X, Y)
    G = g.mean(axis=0)
    assert ns["G_norm2"] == pytest.approx(G @ G)
    assert ns["B_simple"] == pytest.approx(np.mean(np.sum((g - G) ** 2, axis=1)) / (G @ G))


def test_fit_steps_model_recovers_known_parameters():
    B = np.array([1, 4, 16, 64, 256, 1024])
    s_min, b_noise = sweep.fit_steps_model(B, 300 * (1 + 40 / B))
    assert s_min == pytest.approx(300, rel=0.01) and b_noise == pytest.approx(40, rel=0.01)


def test_time_to_target_picks_fewest_updates_and_reports_failures():
    X, Y = data.make_moons(200, seed=0)
    make = lambda: models.LogisticRegression(2, seed=0)  # noqa: E731
    res = sweep.time_to_target(make, X, Y, [200, 20], [0.1, 1.0, 3.0], target_cost=0.40,
                               max_epochs=50)
    assert [r.batch_size for r in res] == [20, 200]
    for r in res:
        assert r.reached
        h = train.train(make(), X, Y, r.batch_size, r.learning_rate, 50,
                        eval_every=max(1, -(-200 // r.batch_size) // 20), target_cost=0.40)
        assert h.updates == r.updates  # reproducible from the seed
    impossible = sweep.time_to_target(make, X, Y, [200], [0.1], target_cost=0.0, max_epochs=2)
    assert not impossible[0].reached and impossible[0].updates == -1
