"""The lab's models take the course's steps bit for bit, with fewer numpy calls."""

import threading

import numpy as np
import pytest

from course_utils.core.data import make_regression_2d, one_hot
from course_utils.core.models import MLP, LinearRegression
from course_utils.core.train import train
from course_utils.ui.lab_models import LabMLP, LabRegression, RunCancelled


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 300))
    Y = one_hot(rng.integers(0, 10, 300), 10)
    return X, Y


def same_run(h0, h1):
    return (h0.step_cost == h1.step_cost and h0.eval_cost == h1.eval_cost
            and h0.epoch_cost == h1.epoch_cost)


@pytest.mark.parametrize("b", [1, 3, 64, 300])
def test_the_lab_mlp_trains_bit_for_bit_as_the_course_mlp(data, b):
    X, Y = data
    m0 = MLP([40, 16, 10], output="softmax", seed=4)
    m1 = LabMLP([40, 16, 10], output="softmax", seed=4)
    h0 = train(m0, X, Y, b, 0.3, 2, seed=5, record_path=True)
    h1 = train(m1, X, Y, b, 0.3, 2, seed=5, record_path=True)
    assert len(h0.step_cost) == len(h1.step_cost) > 0 and same_run(h0, h1)
    assert np.array_equal(np.array(h0.path), np.array(h1.path))
    for name, p in m0.params.items():  # the views hold the same numbers as MLP's arrays
        assert m1.params[name].shape == p.shape and np.array_equal(m1.params[name], p)


@pytest.mark.parametrize("b", [1, 7, 500])
def test_the_lab_regression_trains_bit_for_bit_with_and_without_a_bias(b):
    X, Y, _ = make_regression_2d(m=500, correlation=0.8, noise=0.5, seed=0)
    for bias in (False, True):
        r0, r1 = LinearRegression(2, bias=bias), LabRegression(2, bias=bias)
        start = np.array([-1.0, -3.0] + [0.5] * bias)
        r0.set_flat(start)
        r1.set_flat(start)
        h0 = train(r0, X, Y, b, 0.1, 3, seed=0, record_path=True)
        h1 = train(r1, X, Y, b, 0.1, 3, seed=0, record_path=True)
        assert same_run(h0, h1)
        assert np.array_equal(np.array(h0.path), np.array(h1.path))


def test_the_checked_calls_are_the_course_models_own(data):
    X, Y = data
    m0 = MLP([40, 16, 10], output="softmax", seed=1)
    m1 = LabMLP([40, 16, 10], output="softmax", seed=1)
    (c0, g0), (c1, g1) = m0.loss_and_grads(X, Y), m1.loss_and_grads(X, Y)
    assert c0 == c1 and all(np.array_equal(g0[k], g1[k]) for k in g0)
    m0.update(g0, 0.5)
    m1.update(g1, 0.5)
    assert np.array_equal(m0.get_flat(), m1.get_flat())
    with pytest.raises(ValueError, match="learning_rate"):
        m1.update(g1, -1.0)
    with pytest.raises(TypeError, match="X must have the model's dtype float64"):
        m1.loss_and_grads(X.astype(np.float32), Y)


def test_a_set_cancel_stops_the_fused_step_and_a_sigmoid_output_is_refused(data):
    X, Y = data
    model = LabMLP([40, 16, 10], output="softmax")
    model.cancel = threading.Event()
    model.cancel.set()
    before = model.get_flat()
    with pytest.raises(RunCancelled):
        model.loss_and_grads(X, Y, check=False)
    assert np.array_equal(model.get_flat(), before)
    with pytest.raises(ValueError, match="softmax and linear outputs, not 'sigmoid'"):
        LabMLP([40, 1], output="sigmoid")
