import hashlib
from pathlib import Path

import numpy as np
import pytest

from course_utils import data

MNIST1D_SHA256 = "840f6c8aeeafe6d450c25ba785eaba68983255abc40a55d026319cf5c38bc5ba"


def test_mnist1d_file_checksum_and_shapes():
    path = Path(data.DATA_DIR) / "mnist1d.npz"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == MNIST1D_SHA256
    s = data.load_mnist1d()
    assert s.X_train.shape == (40, 4000) and s.Y_train.shape == (10, 4000)
    assert s.X_test.shape == (40, 1000) and s.Y_test.shape == (10, 1000)
    assert np.all(s.Y_train.sum(axis=0) == 1)  # one-hot
    counts = s.Y_train.sum(axis=1)
    assert counts.min() > 350 and counts.max() < 450  # ten balanced classes
    assert s.X_train.flags.f_contiguous  # example-major storage, see data.py


def test_gpu_reference_checksum_and_content():
    path = Path(data.DATA_DIR) / "gpu_batch_scaling_h100.csv"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == "56704cba4928fe6bb1110d6991ed489325453138198285769ec4181dae9e0b6e"
    ref = data.load_gpu_reference("float32")
    assert len(ref["batch"]) == 40 and ref["batch"][0] == 1
    np.testing.assert_allclose(ref["samples_per_s"], ref["batch"] / ref["step_ms"] * 1e3,
                               rtol=1e-3)
    with pytest.raises(ValueError, match="'int8'"):
        data.load_gpu_reference("int8")


def test_missing_file_message(tmp_path):
    with pytest.raises(FileNotFoundError, match="make_mnist1d.py"):
        data.load_mnist1d(tmp_path / "nope.npz")


def test_moons_shape_labels_and_seed():
    X, Y = data.make_moons(300, noise=0.2, seed=3)
    assert X.shape == (2, 300) and Y.shape == (1, 300)
    assert set(np.unique(Y)) == {0.0, 1.0} and Y.sum() == 150
    X2, _ = data.make_moons(300, noise=0.2, seed=3)
    X3, _ = data.make_moons(300, noise=0.2, seed=4)
    assert np.array_equal(X, X2) and not np.array_equal(X, X3)
    Xc, Yc = data.make_moons(200, noise=0.0, seed=0)  # no noise: points on the two arcs
    upper = Xc[:, Yc[0] == 0]
    np.testing.assert_allclose(upper[0] ** 2 + upper[1] ** 2, 1.0)


def test_teacher_scales_and_is_learnable():
    X, Y, w = data.make_teacher(10**6, n_x=8, seed=1)
    assert X.shape == (8, 10**6) and Y.shape == (1, 10**6) and X.flags.f_contiguous
    # the teacher's own predictions agree with the labels far above chance
    agree = np.mean(((w @ X) > 0) == (Y[0] > 0.5))
    assert agree > 0.75  # chance is 0.5; the Bayes rate for this teacher is about 0.79


def test_one_hot_rejects_out_of_range():
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        data.one_hot(np.array([0, 3]), 3)


def test_global_state_untouched():
    before = np.random.get_state()[1].copy()
    data.make_moons(50, seed=1)
    data.make_teacher(100, seed=1)
    data.make_regression_2d(100, seed=1)
    assert np.array_equal(np.random.get_state()[1], before)


def test_regression_2d_scales_and_defaults():
    X, Y, w = data.make_regression_2d(20_000, correlation=0.8, noise=0.5, seed=0)
    np.testing.assert_allclose(np.corrcoef(X)[0, 1], 0.8, atol=0.01)
    np.testing.assert_allclose(X.std(axis=1), [1.0, 1.0], atol=0.02)
    np.testing.assert_allclose((Y[0] - w @ X).std(), 0.5, atol=0.01)  # the label noise
    np.testing.assert_array_equal(w, [2.0, -1.0])
    # plain standard normals only (no LAPACK): the first example, the same on every machine
    z = np.random.default_rng(0).standard_normal((1, 2))[0]
    np.testing.assert_allclose(X[:, 0], [z[0], 0.8 * z[0] + 0.6 * z[1]], rtol=1e-12)
    # scales multiply the features: same draws, stretched
    Xs, Ys, _ = data.make_regression_2d(20_000, correlation=0.8, noise=0.5, seed=0,
                                        scales=(0.4, 1.0), w_true=(1.0, 3.0))
    np.testing.assert_allclose(Xs, X * np.array([[0.4], [1.0]]))
    np.testing.assert_allclose(Xs.std(axis=1), [0.4, 1.0], rtol=0.1)
    w_fit = np.linalg.lstsq(Xs.T, Ys[0], rcond=None)[0]
    np.testing.assert_allclose(w_fit, [1.0, 3.0], atol=0.05)


@pytest.mark.parametrize("kw, match", [
    (dict(scales=(0.0, 1.0)), "scales must be two finite numbers > 0"),
    (dict(scales=(1.0,)), "scales must be two finite numbers"),
    (dict(w_true="ab"), "w_true must be two finite numbers"),
    (dict(correlation=1.0), r"correlation must be a number in \(-1, 1\)"),
])
def test_regression_2d_rejects_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        data.make_regression_2d(50, **kw)
