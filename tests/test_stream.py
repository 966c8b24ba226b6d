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
