import numpy as np
import pytest

from course_utils import stream


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


def test_page_cache_helper(data_file):
    assert stream.drop_from_page_cache(data_file[0]) in (True, False)


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


def test_read_speed_counts_examples_per_second(data_file):
    v = stream.read_speed(data_file[0], "random", 64, max_examples=500)
    assert v > 0


def test_cost_on_file_is_the_cost_on_all_rows(data_file):
    from course_utils import models

    path, _ = data_file
    rows = np.load(path)
    model = models.LogisticRegression(6, dtype=np.float32, seed=1)
    want = model.cost(rows[:, 6:].T, model.forward(rows[:, :6].T)[1])
    assert stream.cost_on_file(path, model, block_bytes=28 * 700) == pytest.approx(want, rel=1e-5)
