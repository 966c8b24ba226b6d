import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.core import data, models
from course_utils.core.gradcheck import gradient_check

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
    AL, _ = model.forward(X5.astype(np.float32))
    assert AL.dtype == np.float32
    cost, grads = model.loss_and_grads(X5.astype(np.float32), Y_3.astype(np.float32))
    assert all(g.dtype == np.float32 for g in grads.values())
    ref = models.MLP([5, 6, 3], "softmax", seed=0)
    assert cost == pytest.approx(ref.loss_and_grads(X5, Y_3)[0], rel=1e-5)
    assert cost != ref.loss_and_grads(X5, Y_3)[0]  # really computed in float32


@pytest.mark.parametrize("model_dtype, data_dtype", [
    (np.float64, np.float32), (np.float32, np.float64), (np.float64, np.int64),
])
def test_no_silent_change_of_precision(model_dtype, data_dtype):
    model = models.MLP([5, 4, 3], "softmax", dtype=model_dtype, seed=0)
    want = np.dtype(model_dtype).name
    with pytest.raises(TypeError, match=f"X must have the model's dtype {want}, got "
                                        f"{np.dtype(data_dtype).name}"):
        model.forward(X5.astype(data_dtype))
    _, cache = model.forward(X5.astype(model_dtype))
    for method in (model.cost, model.backward):
        with pytest.raises(TypeError, match=f"Y must have the model's dtype {want}"):
            method(Y_3.astype(data_dtype), cache)
    with pytest.raises(TypeError, match="theta must hold numbers of the model's dtype"):
        model.set_flat(model.get_flat().astype(data_dtype) if data_dtype != np.int64
                       else model.get_flat().astype(np.float16))
    grads = model.backward(Y_3.astype(model_dtype), cache)
    grads["dW1"] = grads["dW1"].astype(data_dtype)
    with pytest.raises(ValueError, match="grads\\['dW1'\\] must be an array of shape"):
        model.update(grads, 0.1)


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
    bad = theta.copy()
    bad[3] = np.nan
    with pytest.raises(ValueError, match=r"theta must hold finite numbers; theta\[3\] = nan"):
        model.set_flat(bad)
    with pytest.raises(ValueError, match=rf"theta must have shape \({theta.size},\)"):
        model.set_flat(theta[:-1])
    np.testing.assert_array_equal(model.get_flat(), theta * 2)  # refused: nothing changed


@pytest.mark.parametrize(
    "kwargs, exc, words",
    [
        ({"layer_dims": [5]}, ValueError, ["layer_dims", "[5]"]),
        ({"layer_dims": [5, 0]}, ValueError, ["layer_dims[1]", "0"]),
        ({"layer_dims": [5, 2.0]}, TypeError, ["layer_dims[1]", "2.0", "integer"]),
        ({"layer_dims": "52"}, TypeError, ["layer_dims", "'52'"]),
        ({"layer_dims": [5, 2], "output": "tanh"}, ValueError, ["output", "'tanh'", "sigmoid"]),
        # exact names only: "Softmax" could be a typo for either softmax or sigmoid
        ({"layer_dims": [5, 2], "output": "Softmax"}, ValueError,
         ["output must be one of ['sigmoid', 'softmax', 'linear'], got 'Softmax'"]),
        ({"layer_dims": [5, 1], "output": "softmax"}, ValueError, ["softmax", "2 output"]),
        ({"layer_dims": [5, 2], "dtype": np.int32}, ValueError, ["dtype", "int32"]),
        # "float" is 64 bits to numpy and 32 to C: read two ways, refused
        ({"layer_dims": [5, 2], "dtype": "float"}, ValueError, ["dtype", "'float'"]),
        ({"layer_dims": [5, 2], "dtype": None}, TypeError, ["dtype", "None"]),
        ({"layer_dims": [5, 2], "seed": -1}, ValueError, ["seed", "-1"]),
        ({"layer_dims": [5, 2], "bias": 1}, TypeError, ["bias", "True or False", "1"]),
    ],
)
def test_bad_model_arguments(kwargs, exc, words):
    with pytest.raises(exc) as err:
        models.MLP(**kwargs)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("X, exc, words", [
    (X5.T, ValueError, ["n_x=5", "(11, 5)"]),
    (X5[:, :0], ValueError, ["m >= 1", "(5, 0)"]),
    (X5[:, 0], ValueError, ["n_x=5", "(5,)"]),
    (X5.tolist(), TypeError, ["numpy array", "list"]),
])
def test_forward_rejects_wrong_input(X, exc, words):
    with pytest.raises(exc) as err:
        models.LogisticRegression(5).forward(X)
    for w in words:
        assert w in str(err.value)


def test_cost_backward_and_accuracy_reject_mismatched_targets():
    model = models.SoftmaxRegression(5, 3)
    _, cache = model.forward(X5)
    for method in (model.cost, model.backward):
        with pytest.raises(ValueError, match=r"Y must have shape \(n_y=3, m=11\), got \(3, 10\)"):
            method(Y_3[:, :10], cache)
    with pytest.raises(ValueError, match=r"Y must have shape \(n_y=3, m=11\), got \(11,\)"):
        model.accuracy(X5, Y_3.argmax(axis=0).astype(float))  # labels, not one-hot
    soft = np.full((3, 11), 1 / 3)
    with pytest.raises(ValueError, match=r"labels 0 or 1 .*Y\[0, 0\] = 0.333"):
        model.accuracy(X5, soft)
    two_ones = Y_3.copy()
    two_ones[:, 4] = [1.0, 1.0, 0.0]
    with pytest.raises(ValueError, match="one-hot for output='softmax'.*column 4 holds 2 ones"):
        model.accuracy(X5, two_ones)
    with pytest.raises(ValueError, match=r"labels 0 or 1 for output='sigmoid'; Y\[0, 2\] = 2.0"):
        Y = Y_bin.copy()
        Y[0, 2] = 2.0
        models.LogisticRegression(5).accuracy(X5, Y)
    with pytest.raises(ValueError, match="not linear"):
        models.LinearRegression(5).accuracy(X5, Y_reg)


def test_accuracy_counts_correct_predictions():
    model = models.SoftmaxRegression(5, 3, seed=0)
    pred = model.predict(X5)
    assert pred.shape == (1, 11)  # one column per example, for every output
    assert model.accuracy(X5, data.one_hot(pred[0], 3)) == 1.0
    assert model.accuracy(X5, data.one_hot((pred[0] + 1) % 3, 3)) == 0.0
    logistic = models.LogisticRegression(5, seed=0)
    right = logistic.predict(X5).astype(float)
    assert right.shape == (1, 11) and models.LinearRegression(5).predict(X5).shape == (1, 11)
    assert logistic.accuracy(X5, right) == 1.0 and logistic.accuracy(X5, 1 - right) == 0.0


def test_update_rejects_bad_rates_and_gradients():
    model = models.MLP([5, 4, 1], seed=0)
    grads = model.backward(Y_bin, model.forward(X5)[1])
    before = model.get_flat()
    for bad, exc in [(float("nan"), ValueError), (0.0, ValueError), (-0.1, ValueError),
                     ("0.1", TypeError)]:
        with pytest.raises(exc, match="learning_rate"):
            model.update(grads, bad)
    with pytest.raises(ValueError, match=r"grads\['db2'\] must be an array .* got missing"):
        model.update({k: v for k, v in grads.items() if k != "db2"}, 0.1)
    with pytest.raises(ValueError, match=r"grads\['dW1'\] must be an array of shape \(4, 5\)"):
        model.update(grads | {"dW1": grads["dW1"][:1]}, 0.1)  # would broadcast silently
    np.testing.assert_array_equal(model.get_flat(), before)  # refused before any change
    model.update(grads, 0.1)
    assert not np.array_equal(model.get_flat(), before)


def test_the_three_regressions_are_classes_of_mlp():
    # names say what things are: CapWords names are classes, lower-case names functions
    for name, obj in vars(models).items():
        if inspect.isclass(obj) and obj.__module__ == models.__name__:
            assert name[0].isupper(), name
        elif inspect.isfunction(obj) and obj.__module__ == models.__name__:
            assert name[0].islower(), name
    for model in (models.LogisticRegression(5), models.SoftmaxRegression(5, 3),
                  models.LinearRegression(5, bias=False)):
        assert isinstance(model, models.MLP)
    assert models.LinearRegression(5, bias=False).params.keys() == {"W1"}


@settings(max_examples=30, deadline=None)
@given(dims=st.lists(st.integers(1, 5), min_size=2, max_size=4), m=st.integers(1, 7),
       output=st.sampled_from(models.OUTPUTS), seed=st.integers(0, 2**32 - 1),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_forward_any_shape_gives_outputs_of_the_right_kind(dims, m, output, seed, dtype):
    if output == "softmax":
        dims[-1] = max(dims[-1], 2)
    model = models.MLP(dims, output, dtype=dtype, seed=seed)
    X = np.random.default_rng(seed).standard_normal((dims[0], m)).astype(dtype)
    AL, (As, ZL, _) = model.forward(X)
    assert AL.shape == (dims[-1], m) and AL.dtype == dtype and len(As) == len(dims) - 1
    if output == "sigmoid":
        assert np.all((AL >= 0) & (AL <= 1))
    if output == "softmax":
        np.testing.assert_allclose(AL.sum(axis=0), 1.0, rtol=1e-5)
    grads = model.backward(np.zeros_like(AL), model.forward(X)[1])
    assert all(grads["d" + k].shape == p.shape and grads["d" + k].dtype == dtype
               for k, p in model.params.items())


@settings(max_examples=30, deadline=None)
@given(index=st.integers(0, 2), bad=st.sampled_from([0, -3, 2.5, True, None, "4"]))
def test_bad_layer_sizes_name_the_entry(index, bad):
    dims = [4, 3, 2]
    dims[index] = bad
    with pytest.raises((TypeError, ValueError), match=rf"layer_dims\[{index}\]"):
        models.MLP(dims, "softmax")
