import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.core import minibatch as mb
from course_utils.measure import memory
from course_utils.plots import minibatch_plots


def index_valued(n_x, m):
    """X whose entry [i, j] is its own flat index i*m + j: any wrong slice shows up."""
    X = np.arange(n_x * m, dtype=np.int64).reshape(n_x, m)
    Y = np.arange(m, dtype=np.int64).reshape(1, m)  # Y's only row is the column index
    return X, Y


def both_ways(X, Y, b, seed):
    """The batches from the list builder and from the lazy iterator."""
    return mb.random_mini_batches(X, Y, b, seed), list(mb.iterate_minibatches(X, Y, b, seed))


sizes = st.integers(1, 300).flatmap(lambda m: st.tuples(st.just(m), st.integers(1, m)))


@settings(max_examples=60, deadline=None)
@given(mb_=sizes, n_x=st.integers(1, 4), seed=st.integers(0, 2**31 - 1))
def test_partition_properties(mb_, n_x, seed):
    m, b = mb_
    X, Y = index_valued(n_x, m)
    for batches in both_ways(X, Y, b, seed):
        assert [x.shape[1] for x, _ in batches] == [b] * (m // b) + ([m % b] if m % b else [])
        assert len(batches) == mb.num_minibatches(m, b) == -(-m // b)
        cols = np.concatenate([y[0] for _, y in batches])
        assert np.array_equal(np.sort(cols), np.arange(m))  # each example exactly once
        for X_t, Y_t in batches:  # columns stay paired, rows untouched
            assert np.array_equal(X_t, X[:, Y_t[0]])


@settings(max_examples=30, deadline=None)
@given(m=st.integers(8, 200), seed=st.integers(0, 2**31 - 1))
def test_same_seed_same_batches_other_seed_other_order(m, seed):
    X, Y = index_valued(2, m)
    a = mb.random_mini_batches(X, Y, 1, seed)
    b = mb.random_mini_batches(X, Y, 1, seed)
    assert all(np.array_equal(p[1], q[1]) for p, q in zip(a, b, strict=True))
    orders = {tuple(mb.shuffled_order(m, s)) for s in range(seed, seed + 5)}
    assert len(orders) > 1  # five seeds giving one order has chance (m!)^-4 <= 4e-18


def test_edge_cases_batch_gd_and_sgd():
    X, Y = index_valued(3, 17)
    (only,) = mb.random_mini_batches(X, Y, 17, seed=0)  # b = m: batch GD, one mini-batch
    assert np.array_equal(np.sort(only[1][0]), np.arange(17))
    sgd = mb.random_mini_batches(X, Y, 1, seed=0)  # b = 1: SGD, m mini-batches of one
    assert len(sgd) == 17 and all(x.shape == (3, 1) for x, _ in sgd)


def test_matches_deeplearning_ai_reference():
    X = np.random.RandomState(1).randn(12288, 148)
    Y = (np.random.RandomState(1).randn(1, 148) < 0.5).astype(int)
    batches = mb.random_mini_batches(X, Y, 64, seed=0)
    assert [x.shape for x, _ in batches] == [(12288, 64), (12288, 64), (12288, 20)]
    assert [y.shape for _, y in batches] == [(1, 64), (1, 64), (1, 20)]
    np.testing.assert_allclose(batches[0][0][0, :3], [0.90085595, -0.7612069, 0.2344157])
    # and the assignment's own recipe (global seed, then permutation) gives the same order
    state = np.random.get_state()
    try:
        np.random.seed(0)
        expected = np.random.permutation(148)
    finally:
        np.random.set_state(state)
    assert np.array_equal(mb.shuffled_order(148, 0), expected)


def global_state():
    """numpy's whole global state: key, position in it, and the cached Gaussian."""
    name, key, pos, has_gauss, cached = np.random.get_state()
    return name, key.copy(), pos, has_gauss, cached


def test_never_touches_global_random_state():
    X, Y = index_valued(2, 50)
    saved = np.random.get_state()
    try:
        # Two words before the key is used up: one draw from the global generator would
        # change pos AND refill the whole key.
        np.random.seed(12345)
        np.random.random_sample(311)  # 622 of the key's 624 words
        before = global_state()
        mb.random_mini_batches(X, Y, 7, seed=3)
        list(mb.iterate_minibatches(X, Y, 7, seed=3))
        mb.shuffled_order(50, None)  # fresh entropy, still a private generator
        list(mb.iterate_minibatches(X, Y, 7, seed=np.random.default_rng(0)))
        after = global_state()
        assert before[0] == after[0] and np.array_equal(before[1], after[1])
        assert before[2:] == after[2:], f"(pos, has_gauss, cached) {before[2:]} -> {after[2:]}"
    finally:
        np.random.set_state(saved)


def test_iterator_matches_list_and_sequential_mode():
    X, Y = index_valued(4, 103)
    for a, b in zip(*both_ways(X, Y, 10, 5), strict=True):
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    seq = list(mb.iterate_minibatches(X, Y, 10, shuffle=False))
    assert np.array_equal(np.concatenate([y[0] for _, y in seq]), np.arange(103))


def test_iterator_is_fast_on_fortran_and_correct_on_c_order():
    X, Y = index_valued(5, 40)
    XF = np.asfortranarray(X)
    c_order, f_order = list(mb.iterate_minibatches(X, Y, 8)), list(mb.iterate_minibatches(XF, Y, 8))
    assert len(c_order) == len(f_order) == 5  # an empty epoch would compare nothing
    for (a, ya), (b, yb) in zip(c_order, f_order, strict=True):
        assert np.array_equal(a, b) and np.array_equal(ya, yb)
        assert np.array_equal(a, X[:, ya[0]])  # and each is the right columns


@pytest.mark.parametrize(
    "kwargs, exc, words",
    [
        ({"mini_batch_size": 0}, ValueError, ["mini_batch_size", "0", "1 <="]),
        ({"mini_batch_size": -3}, ValueError, ["mini_batch_size", "-3"]),
        ({"mini_batch_size": 2.5}, TypeError, ["mini_batch_size", "2.5", "integer"]),
        ({"mini_batch_size": True}, TypeError, ["mini_batch_size", "True"]),
        ({"mini_batch_size": 11}, ValueError, ["mini_batch_size", "11", "<= 10"]),
        ({"mini_batch_size": 2, "seed": 1.5}, TypeError, ["seed", "1.5"]),
        ({"mini_batch_size": 2, "seed": "0"}, TypeError, ["seed", "'0'"]),
        ({"mini_batch_size": 2, "seed": -1}, ValueError, ["seed", "-1"]),
    ],
)
def test_bad_arguments_name_argument_value_and_rule(kwargs, exc, words):
    X, Y = index_valued(2, 10)
    with pytest.raises(exc) as err:
        mb.random_mini_batches(X, Y, **kwargs)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize(
    "X, Y, words",
    [
        (np.zeros((2, 10)), np.zeros((1, 9)), ["X has 10", "Y has 9"]),
        (np.zeros(10), np.zeros((1, 10)), ["X must be 2-D", "(10,)"]),
        (np.zeros((2, 0)), np.zeros((1, 0)), ["at least one", "(2, 0)"]),
        (np.zeros((2, 10)), np.zeros(10), ["Y must be 2-D", "reshape"]),
        ([[1, 2]], np.zeros((1, 2)), ["numpy arrays", "list"]),
    ],
)
def test_bad_data_is_rejected_clearly(X, Y, words):
    with pytest.raises((ValueError, TypeError)) as err:
        mb.random_mini_batches(X, Y, 1)
    for w in words:
        assert w in str(err.value)


def test_iterator_checks_arguments_at_call_time():
    X, Y = index_valued(2, 10)
    with pytest.raises(ValueError, match="batch_size"):
        mb.iterate_minibatches(X, Y, 0)  # no next() needed
    # text that reads two ways ("no" is truthy) is refused, not taken as True
    with pytest.raises(TypeError, match="shuffle must be True or False, got 'no'"):
        mb.iterate_minibatches(X, Y, 2, shuffle="no")
    with pytest.raises(TypeError, match="seed"):
        mb.iterate_minibatches(X, Y, 2, seed=0.5, shuffle=False)


@settings(max_examples=30, deadline=None)
@given(mb_=sizes)
def test_sizes_add_up_to_m_in_ceil_m_over_b_batches(mb_):
    m, b = mb_
    sizes = mb.minibatch_sizes(m, b)
    assert sum(sizes) == m and len(sizes) == mb.num_minibatches(m, b) == -(-m // b)
    assert all(size == b for size in sizes[:-1]) and 1 <= sizes[-1] <= b


@settings(max_examples=30, deadline=None)
@given(m=st.integers(1, 100), extra=st.integers(1, 1000),
       bad=st.sampled_from([0, -1, 2.0, True, None, "8"]))
def test_bad_sizes_raise_naming_the_argument(m, extra, bad):
    # batch_size > m is an error (a mini-batch cannot hold more than the data set), not m
    for f in (mb.num_minibatches, mb.minibatch_sizes):
        with pytest.raises(ValueError, match=f"batch_size must satisfy 1 <= batch_size <= {m}, "
                                             f"got {m + extra}"):
            f(m, m + extra)
        with pytest.raises((TypeError, ValueError), match="batch_size"):
            f(m, bad)
        with pytest.raises((TypeError, ValueError), match="^m must"):
            f(bad, 1)
    with pytest.raises((TypeError, ValueError), match="^m must"):
        mb.shuffled_order(bad, 0)


def test_shuffled_order_seed_range_is_randomstates():
    assert np.array_equal(np.sort(mb.shuffled_order(9, 2**32 - 1)), np.arange(9))
    with pytest.raises(ValueError,
                       match=r"seed must satisfy 0 <= seed <= 4294967295, got 4294967296"):
        mb.shuffled_order(9, 2**32)
    with pytest.raises(ValueError, match="seed must be >= 0, got -1"):
        mb.shuffled_order(9, -1)


def test_epoch_extra_memory_copy_costs_the_data_iterator_one_batch():
    rng = np.random.default_rng(0)
    X, Y = np.asfortranarray(rng.standard_normal((50, 4000))), np.zeros((1, 4000))
    extra = memory.epoch_extra_memory(X, Y, 64, seed=0)
    assert list(extra) == ["shuffled copy", "lazy iterator"]
    data = X.nbytes + Y.nbytes
    assert 0.95 * data < extra["shuffled copy"] < 1.2 * data  # a second copy of X and Y
    # the permutation (m int64) plus about one mini-batch, far below a copy
    assert extra["lazy iterator"] < 4000 * 8 + 4 * X[:, :64].nbytes < data / 10
    with pytest.raises(ValueError, match="batch_size must satisfy 1 <= batch_size <= 4000, got 0"):
        memory.epoch_extra_memory(X, Y, 0)
    with pytest.raises(TypeError, match="seed"):
        memory.epoch_extra_memory(X, Y, 64, seed="0")


def test_plot_partition_meets_the_figure_convention():
    import matplotlib

    matplotlib.use("Agg")  # tests only: no display needed (never for notebook runs)
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from course_utils.plots import plotting

    labels = np.array([[0] * 5 + [1] * 6, [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0]])
    before = dict(plt.rcParams)
    ax = minibatch_plots.plot_partition(labels, 4, ["as collected", "shuffled"])
    try:
        assert plotting.convention_problems(ax) == []
        assert dict(plt.rcParams) == before
        texts = [t.get_text() for t in ax.texts]
        (top,) = ax.child_axes  # X{t} above the rows, the smaller last one with its size
        names = [t.get_text() for t in top.get_xticklabels()]
        assert names == ["X{1}", "X{2}", "X{3}\n(3 examples)"]
        assert texts.count("0") + texts.count("1") == labels.size  # a digit in every cell
        ink = {t.get_text(): t.get_color() for t in ax.texts if t.get_text() in "01"}
        assert ink == {"0": "black", "1": "white"}  # readable on orange and on grey
        digits = [t for t in ax.texts if t.get_text() in "01"]
        assert min(t.get_fontsize() for t in digits) >= 9  # not too small to read
        assert ax.get_ylabel() == "order (one row each)"
        assert ax.get_xlabel().endswith("0 to 10)")  # the real m - 1, not the letter m
        assert [t.get_text() for t in ax.get_yticklabels()] == ["as collected", "shuffled"]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend == ["class 0", "class 1", "mini-batch boundary"]
        colors = {to_hex(h.get_facecolor()).upper() for h in ax.get_legend().legend_handles[:2]}
        assert colors == {plotting.OTHER["orange"], plotting.OTHER["grey"]}
        assert not colors & set(plotting.COLORS.values())  # classes are not methods
        classes = minibatch_plots.CLASS_COLORS
        assert "sky" not in classes and set(classes) <= set(plotting.OTHER)
        (boundaries,) = ax.collections[1:]  # vlines after the white row separator
        assert sorted(seg[0][0] for seg in boundaries.get_segments()) == [3.5, 7.5]
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize(
    "labels, b, names, exc, words",
    [
        (np.array([0, 1, 0]), 2, ["a"], ValueError, ["labels", "2-D", "(3,)"]),
        (np.array([[0.0, 1.0]]), 1, ["a"], TypeError, ["labels", "integer", "float64"]),
        (np.array([[0, 7]]), 1, ["a"], ValueError, ["labels", "0 to 4", "7"]),
        (np.array([[0, 1]]), 3, ["a"], ValueError, ["batch_size", "3", "<= 2"]),
        (np.array([[0, 1]]), 1, ["a", "b"], ValueError,
         ["row_names", "one name per row", "1 rows", "['a', 'b']"]),
        (np.array([[0, 1]]), 1, "a", ValueError, ["row_names", "'a'"]),
    ],
)
def test_plot_partition_rejects_bad_input_clearly(labels, b, names, exc, words):
    with pytest.raises(exc) as err:
        minibatch_plots.plot_partition(labels, b, names)
    for w in words:
        assert w in str(err.value)
