import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.core import data, gradcheck, models

rng = np.random.default_rng(0)
X4 = rng.standard_normal((4, 7))
Y_bin = (rng.random((1, 7)) < 0.5).astype(float)


def test_numerical_gradients_match_a_hand_computed_one():
    # linear regression without bias, one example: J = (w.x - y)^2 / 2, dJ/dw = (w.x - y) x
    model = models.LinearRegression(2, bias=False)
    model.params["W1"][:] = [[0.5, -1.0]]
    X, Y = np.array([[2.0], [3.0]]), np.array([[1.0]])
    num = gradcheck.numerical_gradients(model, X, Y)
    assert num.keys() == {"dW1"} and num["dW1"].dtype == np.float64
    np.testing.assert_allclose(num["dW1"], [[(1.0 - 3.0 - 1.0) * 2.0, (1.0 - 3.0 - 1.0) * 3.0]],
                               rtol=1e-7)


def test_catches_a_wrong_backward():
    model = models.MLP([4, 3, 1], "sigmoid", seed=1)
    assert gradcheck.gradient_check(model, X4, Y_bin) < 1e-7
    real_backward = model.backward

    def broken(Y, cache):
        g = real_backward(Y, cache)
        g["db1"] = g["db1"] * 1.01  # a 1 % error in one bias gradient
        return g

    model.backward = broken
    assert gradcheck.gradient_check(model, X4, Y_bin) > 1e-4


def test_parameters_are_restored_exactly_even_when_a_pass_fails():
    model = models.MLP([4, 3, 1], "sigmoid", seed=2)
    before = model.get_flat()
    gradcheck.gradient_check(model, X4, Y_bin)
    np.testing.assert_array_equal(model.get_flat(), before)
    calls = 0
    real_cost = model.cost

    def cost_failing_at_the_fifth_call(Y, cache):
        nonlocal calls
        calls += 1
        if calls == 5:
            raise KeyboardInterrupt  # e.g. the learner stops a long check
        return real_cost(Y, cache)

    model.cost = cost_failing_at_the_fifth_call
    with pytest.raises(KeyboardInterrupt):
        gradcheck.numerical_gradients(model, X4, Y_bin)
    np.testing.assert_array_equal(model.get_flat(), before)


def test_zero_gradients_agree_instead_of_dividing_by_zero():
    model = models.LinearRegression(3, bias=False)
    X, Y = np.zeros((3, 4)), np.zeros((1, 4))  # every gradient is exactly 0
    with np.errstate(all="raise"):  # a 0 / 0 would raise here
        assert gradcheck.gradient_check(model, X, Y) == 0.0


@pytest.mark.parametrize("eps, exc", [
    (0.0, ValueError), (-1e-6, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
    (1.0, ValueError), (True, TypeError), ("1e-6", TypeError), (None, TypeError),
])
def test_bad_eps_names_the_argument_and_value(eps, exc):
    model = models.LogisticRegression(4)
    for f in (gradcheck.numerical_gradients, gradcheck.gradient_check):
        with pytest.raises(exc) as err:
            f(model, X4, Y_bin, eps=eps)
        assert "eps" in str(err.value) and repr(eps) in str(err.value)


def test_refuses_float32_models_and_bad_data():
    model32 = models.LogisticRegression(4, dtype=np.float32)
    with pytest.raises(TypeError, match="model must be float64 for a gradient check, got float32"):
        gradcheck.gradient_check(model32, X4.astype(np.float32), Y_bin.astype(np.float32))
    model = models.LogisticRegression(4)
    X_nan = X4.copy()
    X_nan[2, 3] = np.inf
    with pytest.raises(ValueError, match=r"X must hold finite numbers; X\[2, 3\] = inf"):
        gradcheck.gradient_check(model, X_nan, Y_bin)
    with pytest.raises(ValueError, match=r"X must have shape \(n_x=4, m\)"):
        gradcheck.gradient_check(model, X4[:3], Y_bin)
    with pytest.raises(TypeError, match="X must have the model's dtype float64, got int64"):
        gradcheck.gradient_check(model, X4.astype(np.int64), Y_bin)


@settings(max_examples=20, deadline=None)
@given(n_x=st.integers(1, 4), m=st.integers(1, 6), n_classes=st.integers(2, 4),
       eps=st.floats(1e-7, 1e-4), seed=st.integers(0, 2**32 - 1))
def test_smooth_models_pass_for_any_small_shape_and_eps(n_x, m, n_classes, eps, seed):
    """backward() agrees with central differences to 1e-5 relative, up to the differences' own
    rounding: J(p + eps) - J(p - eps) carries a few ulps of J, divided by 2 eps, in each of the
    P entries (at eps = 1.2e-7 and a gradient near 1e-4, that alone is a few 1e-5 relative)."""
    r = np.random.default_rng(seed)
    X = r.standard_normal((n_x, m))
    Y = data.one_hot(r.integers(0, n_classes, m), n_classes)
    model = models.SoftmaxRegression(n_x, n_classes, seed=seed)
    cost, grads = model.loss_and_grads(X, Y)
    num = gradcheck.numerical_gradients(model, X, Y, eps)
    g = np.concatenate([grads[k].ravel() for k in num])
    g_num = np.concatenate([v.ravel() for v in num.values()])
    rounding = 4 * np.finfo(float).eps * (1 + cost) / eps * np.sqrt(g.size)
    err = np.linalg.norm(g - g_num)
    assert err <= 1e-5 * (np.linalg.norm(g) + np.linalg.norm(g_num)) + rounding
    assert gradcheck.gradient_check(model, X, Y, eps) == pytest.approx(
        err / (np.linalg.norm(g) + np.linalg.norm(g_num)), rel=1e-12, abs=0)
