import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.core import models
from course_utils.measure import stream


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("stream") / "teacher.npy"
    w = stream.write_teacher_file(path, 5_000, n_x=6, seed=3, chunk_rows=1_000)
    return path, w


@pytest.mark.parametrize("order", stream.ORDERS)
def test_each_example_exactly_once_per_epoch(data_file, order):
    path, _ = data_file
    rows = np.load(path)
    # small blocks, so the block order really is shuffled
    batches = list(stream.stream_minibatches(path, 64, order, seed=1, block_bytes=28 * 700))
    X = np.concatenate([x.T for x, _ in batches])
    Y = np.concatenate([y.T for _, y in batches])
    assert X.shape == (5_000, 6) and Y.shape == (5_000, 1)
    got = np.concatenate([X, Y], axis=1)
    order_of = {tuple(r): i for i, r in enumerate(rows)}
    seen = [order_of[tuple(r)] for r in got]  # paired features and label, every row once
    assert sorted(seen) == list(range(5_000))
    is_sorted = seen == sorted(seen)
    assert is_sorted == (order == "sequential")


def test_shapes_seed_and_limit(data_file):
    path, _ = data_file
    a = [x for x, _ in stream.stream_minibatches(path, 100, "block", seed=4, block_bytes=28 * 500)]
    b = [x for x, _ in stream.stream_minibatches(path, 100, "block", seed=4, block_bytes=28 * 500)]
    assert all(np.array_equal(p, q) for p, q in zip(a, b)) and a[0].shape == (6, 100)
    part = list(stream.stream_minibatches(path, 64, "random", max_examples=300))
    assert sum(x.shape[1] for x, _ in part) == 300


def test_labels_follow_the_teacher(data_file):
    path, w = data_file
    rows = np.load(path)
    agree = np.mean(((rows[:, :6] @ w) > 0) == (rows[:, 6] > 0.5))
    assert agree > 0.7


def test_bad_order(data_file):
    with pytest.raises(ValueError, match="'shuffled'"):
        stream.stream_minibatches(data_file[0], 10, "shuffled")


def test_page_cache_helper_asks_the_os_to_drop_the_whole_file(data_file, monkeypatch):
    asked = []
    if hasattr(os, "posix_fadvise"):
        real = os.posix_fadvise
        monkeypatch.setattr(os, "posix_fadvise",
                            lambda fd, offset, length, advice: (asked.append(
                                (offset, length, advice)), real(fd, offset, length, advice)))
        assert stream.drop_from_page_cache(data_file[0]) is True
        assert asked == [(0, 0, os.POSIX_FADV_DONTNEED)]  # length 0: to the end of the file
    monkeypatch.delattr(os, "posix_fadvise", raising=False)  # e.g. macOS, Windows
    assert stream.drop_from_page_cache(data_file[0]) is False


@pytest.mark.parametrize("order", stream.ORDERS)
def test_minibatch_rows_are_the_rows_the_stream_reads(data_file, order):
    path, _ = data_file
    rows = np.load(path)
    block_bytes = 28 * 700  # 700 rows of 7 float32 values per block
    read = list(stream.stream_minibatches(path, 64, order, seed=2, block_bytes=block_bytes,
                                          max_examples=3_000))
    plan = list(stream.minibatch_rows(5_000, 64, order, seed=2, rows_in_block=700,
                                      max_examples=3_000))
    assert len(read) == len(plan) and sum(len(r) for r in plan) == 3_000
    for (X_t, Y_t), r in zip(read, plan):
        np.testing.assert_array_equal(X_t, rows[r, :6].T)
        np.testing.assert_array_equal(Y_t, rows[r, 6:].T)


def test_blocks_per_minibatch_random_mixes_blocks_block_order_does_not():
    assert stream.blocks_per_minibatch(5_000, 64, "block", 700, seed=0) == 1.0
    assert stream.blocks_per_minibatch(5_000, 64, "sequential", 700) == 1.0
    # 64 rows drawn from 8 blocks (the last one smaller): nearly always all of them
    assert stream.blocks_per_minibatch(5_000, 64, "random", 700, seed=0) > 7.5
    with pytest.raises(ValueError, match="rows_in_block"):
        stream.blocks_per_minibatch(5_000, 64, "block", 10)


def test_epoch_costs_by_order_on_a_file_sorted_by_label(data_file):
    path, _ = data_file
    rows = np.load(path)
    rows = rows[np.argsort(rows[:, 6], kind="stable")]  # all 0 labels, then all 1 labels
    X, Y = rows[:, :6].T, rows[:, 6:].T
    costs = stream.epoch_costs_by_order(X, Y, 50, 500, seeds=(0, 1))
    assert {k: len(v) for k, v in costs.items()} == {"random": 2, "block": 2, "sequential": 1}
    # in file order, the last examples are all one class: the model ends far from the teacher
    assert costs["sequential"][0] > 1.5 * costs["random"].max()
    with pytest.raises(ValueError, match="learning_rate"):
        stream.epoch_costs_by_order(X, Y, 50, 500, learning_rate=0)


def test_read_speed_counts_examples_per_second(data_file, monkeypatch):
    import time

    ticks = iter([100.0, 102.5])  # a clock read twice: 2.5 s between the reads
    monkeypatch.setattr(time, "perf_counter", lambda: next(ticks))
    dropped = []
    monkeypatch.setattr(stream, "drop_from_page_cache", dropped.append)
    assert stream.read_speed(data_file[0], "random", 64, max_examples=500) == 500 / 2.5
    assert dropped == [data_file[0]]


def test_cost_on_file_is_the_cost_on_all_rows(data_file):
    from course_utils.core import models

    path, _ = data_file
    rows = np.load(path)
    model = models.LogisticRegression(6, dtype=np.float32, seed=1)
    want = model.cost(rows[:, 6:].T, model.forward(rows[:, :6].T)[1])
    assert stream.cost_on_file(path, model, block_bytes=28 * 700) == pytest.approx(want, rel=1e-5)


def _state_equal(a, b):
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


def test_global_random_state_untouched(tmp_path):
    np.random.seed(12345)
    np.random.random()  # now a small draw moves only the position, not the key: compare both
    before = np.random.get_state()  # the key, its position and the cached Gaussian, all of it
    stream.write_teacher_file(tmp_path / "t.npy", 300, n_x=4, seed=0, chunk_rows=100)
    list(stream.minibatch_rows(300, 32, "block", seed=0, rows_in_block=64))
    list(stream.stream_minibatches(tmp_path / "t.npy", 32, "random", seed=0))
    rows = np.load(tmp_path / "t.npy")
    stream.epoch_costs_by_order(rows[:, :4].T, rows[:, 4:].T, 32, 64)
    assert _state_equal(np.random.get_state(), before)


@settings(max_examples=30, deadline=None)
@given(m=st.integers(1, 400), data=st.data())
def test_minibatch_rows_partition_every_epoch(m, data):
    b = data.draw(st.integers(1, m), label="batch_size")
    block = data.draw(st.integers(b, m), label="rows_in_block")
    order = data.draw(st.sampled_from(stream.ORDERS), label="order")
    limit = data.draw(st.integers(1, m), label="max_examples")
    batches = list(stream.minibatch_rows(m, b, order, seed=data.draw(st.integers(0, 99)),
                                         rows_in_block=block, max_examples=limit))
    rows = np.concatenate(batches)
    assert len(rows) == limit and len(set(rows.tolist())) == limit  # no row twice
    assert all(1 <= len(r) <= b for r in batches) and rows.min() >= 0 and rows.max() < m
    if limit == m:
        assert sorted(rows.tolist()) == list(range(m))
    if order == "sequential":
        assert rows.tolist() == list(range(limit))


@settings(max_examples=30, deadline=None)
@given(row_bytes=st.integers(1, 10**4), block_bytes=st.integers(1, 10**8),
       b=st.integers(1, 10**4))
def test_rows_per_block_never_below_one_minibatch(row_bytes, block_bytes, b):
    rows = stream.rows_per_block(row_bytes, block_bytes, b)
    assert rows >= b and (rows == b or rows * row_bytes <= block_bytes < (rows + 1) * row_bytes)


def test_bad_arguments_are_named(data_file, tmp_path):
    path, _ = data_file
    rows = np.load(path)
    X, Y = rows[:, :6].T, rows[:, 6:].T
    one_d = tmp_path / "one_d.npy"
    np.save(one_d, np.zeros(10, dtype=np.float32))
    bad = [
        (lambda: stream.write_teacher_file(tmp_path / "a.npy", 10, chunk_rows=0), ValueError,
         "chunk_rows"),
        (lambda: stream.write_teacher_file(tmp_path / "a.npy", 10, chunk_rows=-5), ValueError,
         "chunk_rows"),  # a negative step wrote a file of zeros
        (lambda: stream.write_teacher_file(tmp_path / "a.npy", 10, dtype="int8"), ValueError,
         "dtype"),
        (lambda: stream.write_teacher_file(tmp_path / "a.npy", 0), ValueError, "m"),
        (lambda: stream.write_teacher_file(42, 10), TypeError, "path"),
        (lambda: stream.drop_from_page_cache(None), TypeError, "path"),
        (lambda: stream.file_shape(one_d), ValueError, "(m, n_x + 1)"),
        (lambda: stream.rows_per_block(0, 2**20, 64), ValueError, "row_bytes"),  # was / 0
        (lambda: stream.rows_per_block(28, 0, 64), ValueError, "block_bytes"),
        (lambda: stream.rows_per_block(28, 2**20, 0), ValueError, "batch_size"),
        (lambda: stream.minibatch_rows(0, 1), ValueError, "m"),  # at the call, not at next()
        (lambda: stream.minibatch_rows(100, 101), ValueError, "batch_size"),
        (lambda: stream.minibatch_rows(100, 10, "shuffled"), ValueError, "order"),
        (lambda: stream.minibatch_rows(100, 10, rows_in_block=5), ValueError, "rows_in_block"),
        (lambda: stream.minibatch_rows(100, 10, max_examples=0), ValueError, "max_examples"),
        (lambda: stream.blocks_per_minibatch(100, 10, "block", None), TypeError,
         "rows_in_block"),
        (lambda: stream.stream_minibatches(path, 64, block_bytes=0), ValueError, "block_bytes"),
        (lambda: stream.stream_minibatches(path, 64, seed=-1), ValueError, "seed"),
        (lambda: stream.stream_minibatches(path, 64, order=None), TypeError, "order"),
        (lambda: stream.read_speed(path, "random", 0), ValueError, "batch_size"),
        (lambda: stream.epoch_costs_by_order(X, Y, 50, 500, orders=[]), ValueError, "orders"),
        (lambda: stream.epoch_costs_by_order(X, Y, 50, 500, orders=["shuffled"]), ValueError,
         "orders[0]"),
        (lambda: stream.epoch_costs_by_order(X, Y, 50, 500, seeds=()), ValueError, "seeds"),
        (lambda: stream.epoch_costs_by_order(X, Y, 50, 500, seeds=(0, -1)), ValueError,
         "seeds[1]"),
        (lambda: stream.epoch_costs_by_order(X, Y, 50, 10), ValueError, "rows_in_block"),
        (lambda: stream.epoch_costs_by_order(X, Y, 0, 500), ValueError, "batch_size"),
        (lambda: stream.epoch_costs_by_order(X, Y.astype(np.float64), 50, 500), ValueError,
         "dtype"),
        (lambda: stream.epoch_costs_by_order(X, np.vstack([Y, Y]), 50, 500), ValueError,
         "(1, m)"),
        (lambda: stream.epoch_costs_by_order(X, Y, 50, 500, learning_rate=float("inf")),
         ValueError, "learning_rate"),
        (lambda: stream.epoch_costs_by_order(X, Y, 50, 500, model_seed=-1), ValueError,
         "model_seed"),
        (lambda: stream.cost_on_file(path, models.LogisticRegression(5, np.float32)), ValueError,
         "6 inputs"),
        (lambda: stream.cost_on_file(path, models.LogisticRegression(6)), ValueError,
         "float32"),  # a float64 model would compute the cost in float64
        (lambda: stream.cost_on_file(path, None), TypeError, "model"),
    ]
    for call, error, name in bad:
        with pytest.raises(error) as info:
            call()
        assert name in str(info.value), (name, str(info.value))
