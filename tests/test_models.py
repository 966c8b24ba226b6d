import numpy as np
import pytest

from course_utils import data, models
from course_utils.gradcheck import gradient_check

rng = np.random.default_rng(0)
X5 = rng.standard_normal((5, 11))
Y_bin = (rng.random((1, 11)) < 0.5).astype(float)
Y_3 = data.one_hot(rng.integers(0, 3, 11), 3)
Y_reg = rng.standard_normal((1, 11))

CASES = {
    "logistic": (lambda: models.LogisticRegression(5, seed=1), Y_bin),
    "softmax": (lambda: models.SoftmaxRegression(5, 3, seed=1), Y_3),
    "linear": (lambda: models.LinearRegression(5, seed=1), Y_reg),
    "linear_nobias": (lambda: models.LinearRegression(5, seed=1, bias=False), Y_reg),
    "mlp_sigmoid": (lambda: models.MLP([5, 6, 4, 1], "sigmoid", seed=1), Y_bin),
    "mlp_softmax": (lambda: models.MLP([5, 7, 3], "softmax", seed=1), Y_3),
    "mlp_linear": (lambda: models.MLP([5, 4, 1], "linear", seed=1), Y_reg),
}


@pytest.mark.parametrize("name", CASES)
def test_backward_agrees_with_numerical_gradient(name):
    make, Y = CASES[name]
    assert gradient_check(make(), X5, Y) < 1e-7


@pytest.mark.parametrize("name", CASES)
def test_backward_twice_gives_same_gradients(name):
    make, Y = CASES[name]
    model = make()
    _, cache = model.forward(X5)
    g1 = model.backward(Y, cache)
    g2 = model.backward(Y, cache)
    assert g1.keys() == {"d" + k for k in model.params}
    for k in g1:
        assert np.array_equal(g1[k], g2[k]) and g1[k].shape == model.params[k[1:]].shape


def test_gradient_check_catches_a_wrong_backward():
    model = models.MLP([5, 4, 1], "sigmoid", seed=1)
    real_backward = model.backward

    def broken(Y, cache):
        g = real_backward(Y, cache)
        g["dW1"] = g["dW1"] * 1.01  # a 1 % error somewhere
        return g

    model.backward = broken
    assert gradient_check(model, X5, Y_bin) > 1e-4


def test_costs_match_textbook_formulas():
    m = models.LogisticRegression(5, seed=2)
    A, cache = m.forward(X5)
    expected = -np.mean(Y_bin * np.log(A) + (1 - Y_bin) * np.log(1 - A))
    assert m.cost(Y_bin, cache) == pytest.approx(expected, rel=1e-12)
    s = models.SoftmaxRegression(5, 3, seed=2)
    Z = s.params["W1"] @ X5 + s.params["b1"]
    P = np.exp(Z) / np.exp(Z).sum(axis=0)
    A, cache = s.forward(X5)
    np.testing.assert_allclose(A, P, rtol=1e-12)
    assert s.cost(Y_3, cache) == pytest.approx(-np.mean(np.sum(Y_3 * np.log(P), axis=0)))


def test_stable_for_huge_logits():
    m = models.LogisticRegression(5, seed=2)
    m.params["W1"][:] = 1e4
    _, cache = m.forward(X5)
    assert np.isfinite(m.cost(Y_bin, cache))


def test_float32_stays_float32():
    model = models.MLP([5, 6, 3], "softmax", dtype=np.float32, seed=0)
    cost, grads = model.loss_and_grads(X5.astype(np.float32), Y_3.astype(np.float32))
    assert all(g.dtype == np.float32 for g in grads.values())
    ref = models.MLP([5, 6, 3], "softmax", seed=0)
    assert cost == pytest.approx(ref.loss_and_grads(X5, Y_3)[0], rel=1e-5)


def test_he_init_scale_and_seed():
    a = models.MLP([400, 300, 1], seed=5)
    b = models.MLP([400, 300, 1], seed=5)
    assert np.array_equal(a.params["W1"], b.params["W1"])
    assert a.params["W1"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert not np.any(a.params["b1"])


def test_flat_roundtrip():
    model = models.MLP([3, 4, 2], "softmax", seed=0)
    theta = model.get_flat()
    model.set_flat(theta * 2)
    np.testing.assert_array_equal(model.get_flat(), theta * 2)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"layer_dims": [5]}, ["layer_dims", "[5]"]),
        ({"layer_dims": [5, 0]}, ["layer_dims[1]", "0"]),
        ({"layer_dims": [5, 2], "output": "tanh"}, ["output", "'tanh'"]),
        ({"layer_dims": [5, 2], "dtype": np.int32}, ["dtype", "int32"]),
    ],
)
def test_bad_model_arguments(kwargs, words):
    with pytest.raises(ValueError) as err:
        models.MLP(**kwargs)
    for w in words:
        assert w in str(err.value)


def test_forward_rejects_wrong_shape():
    with pytest.raises(ValueError, match=r"n_x=5.*\(11, 5\)"):
        models.LogisticRegression(5).forward(X5.T)
