import hashlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.core import data

REPO_DATA = Path(__file__).resolve().parent.parent / "data"

MNIST1D_SHA256 = "840f6c8aeeafe6d450c25ba785eaba68983255abc40a55d026319cf5c38bc5ba"


def test_checkout_reads_the_repository_data_folder():
    # in a checkout (and an editable install) the one copy is data/; a wheel's copy is tested
    # in test_package.py
    assert data.DATA_DIR == REPO_DATA


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
    with pytest.raises(ValueError, match=r"dtype must be one of \['float32', 'bfloat16', "
                                         r"'cupy-fp32'\], got 'int8'"):
        data.load_gpu_reference("int8")
    with pytest.raises(ValueError, match="got 'Float32'"):  # exact names only
        data.load_gpu_reference("Float32")
    with pytest.raises(TypeError, match="dtype"):
        data.load_gpu_reference(None)


def test_missing_file_message(tmp_path):
    with pytest.raises(FileNotFoundError, match="make_mnist1d.py"):
        data.load_mnist1d(tmp_path / "nope.npz")
    with pytest.raises(TypeError, match=r"path must be a str or a path, got 3 \(int\)"):
        data.load_mnist1d(3)
    with pytest.raises(TypeError, match="path must be a str or a path"):
        data.load_gpu_reference("float32", path=3.5)


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
    with pytest.raises(TypeError, match="labels must be integers, got dtype float64"):
        data.one_hot(np.array([0.0, 2.0]), 3)  # 2.0 is not rounded to a class
    with pytest.raises(ValueError, match=r"labels must be a 1-D array \(m,\), got shape"):
        data.one_hot(np.array([[0, 1]]), 3)
    for bad, exc in [(0, ValueError), (2.0, TypeError), (True, TypeError)]:
        with pytest.raises(exc, match="n_classes"):
            data.one_hot(np.array([0]), bad)


@settings(max_examples=30, deadline=None)
@given(labels=st.lists(st.integers(0, 6), max_size=20), extra=st.integers(0, 3))
def test_one_hot_has_a_single_one_at_each_label(labels, extra):
    n_classes = max(labels, default=0) + 1 + extra
    Y = data.one_hot(np.array(labels, dtype=np.int64), n_classes)
    assert Y.shape == (n_classes, len(labels)) and Y.dtype == np.float64
    assert np.array_equal(Y.sum(axis=0), np.ones(len(labels)))
    assert np.array_equal(Y.argmax(axis=0), labels)


def global_state():
    """numpy's whole global state: key, position in it, and the cached Gaussian."""
    name, key, pos, has_gauss, cached = np.random.get_state()
    return name, key.copy(), pos, has_gauss, cached


def assert_same_state(before, after):
    assert before[0] == after[0] and np.array_equal(before[1], after[1])
    assert before[2:] == after[2:], f"(pos, has_gauss, cached) {before[2:]} -> {after[2:]}"


def test_global_state_untouched():
    saved = np.random.get_state()
    try:
        # Two words before the key is used up: one draw from the global generator would
        # change pos AND refill the whole key, so comparing either part would catch it.
        np.random.seed(12345)
        np.random.random_sample(311)  # 622 of the key's 624 words
        before = global_state()
        data.make_moons(50, seed=1)
        data.make_teacher(100, seed=1, label_noise=0.1)
        data.make_regression_2d(100, seed=1)
        data.make_moons(50, seed=None)  # fresh entropy: still a private generator
        assert_same_state(before, global_state())
    finally:
        np.random.set_state(saved)


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
    (dict(correlation=1.0), r"correlation must be a finite number with -1 < correlation < 1, "
                            r"got 1.0"),
    (dict(correlation=float("nan")), "correlation .* got nan"),
    (dict(noise=0.0), r"noise must be a finite number > 0, got 0.0"),
    (dict(noise=float("inf")), "noise .* got inf"),
])
def test_regression_2d_rejects_bad_arguments(kw, match):
    with pytest.raises(ValueError, match=match):
        data.make_regression_2d(50, **kw)


BAD_NUMBERS = [  # (value, error): what each kind of bad number must raise
    (float("nan"), ValueError), (float("inf"), ValueError), (-1.0, ValueError),
    (True, TypeError), ("0.2", TypeError), (None, TypeError),
]


@pytest.mark.parametrize("value, exc", BAD_NUMBERS)
@pytest.mark.parametrize("make, name", [
    (lambda v: data.make_moons(20, noise=v), "noise"),
    (lambda v: data.make_teacher(20, label_noise=v), "label_noise"),
    (lambda v: data.make_regression_2d(20, noise=v), "noise"),
    (lambda v: data.make_regression_2d(20, correlation=v), "correlation"),
])
def test_bad_numbers_name_the_argument_and_the_value(make, name, value, exc):
    if name == "correlation" and value == -1.0:
        value = -1.5  # -1.0 is refused too, but the point is a value out of range
    with pytest.raises(exc) as err:
        make(value)
    assert name in str(err.value) and repr(value) in str(err.value)


@pytest.mark.parametrize("call, exc, words", [
    (lambda: data.make_moons(1), ValueError, ["m", "2 <= m", "1"]),
    (lambda: data.make_moons(20.0), TypeError, ["m", "20.0", "integer"]),
    (lambda: data.make_moons(20, seed=-1), ValueError, ["seed", "-1"]),
    (lambda: data.make_moons(20, seed=1.5), TypeError, ["seed", "1.5"]),
    (lambda: data.make_teacher(0), ValueError, ["m", "0"]),
    (lambda: data.make_teacher(10, n_x=0), ValueError, ["n_x", "0"]),
    (lambda: data.make_teacher(10, label_noise=0.6), ValueError, ["label_noise", "0.5", "0.6"]),
    (lambda: data.make_regression_2d(1), ValueError, ["m", "1"]),
])
def test_bad_sizes_and_seeds_are_refused_clearly(call, exc, words):
    with pytest.raises(exc) as err:
        call()
    for w in words:
        assert w in str(err.value)


@settings(max_examples=30, deadline=None)
@given(m=st.integers(2, 60), noise=st.floats(0, 2), seed=st.integers(0, 2**32 - 1))
def test_moons_any_size_is_balanced_and_reproducible(m, noise, seed):
    X, Y = data.make_moons(m, noise=noise, seed=seed)
    assert X.shape == (2, m) and Y.shape == (1, m) and np.all(np.isfinite(X))
    assert Y.sum() == m - m // 2 and set(np.unique(Y)) <= {0.0, 1.0}
    X2, Y2 = data.make_moons(m, noise=noise, seed=seed)
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)


@settings(max_examples=30, deadline=None)
@given(m=st.integers(1, 50), n_x=st.integers(1, 6), flip=st.floats(0, 0.5),
       seed=st.integers(0, 2**32 - 1))
def test_teacher_any_size_gives_binary_labels(m, n_x, flip, seed):
    X, Y, w = data.make_teacher(m, n_x=n_x, seed=seed, label_noise=flip)
    assert X.shape == (n_x, m) and Y.shape == (1, m) and w.shape == (n_x,)
    assert set(np.unique(Y)) <= {0.0, 1.0}
