"""Every answer of the corpus (tests/wrong_answers.py) through its check: each wrong answer gets
✗ with the hint of its own slip and no other slip's hint, each right answer gets ✓, and no
check leaves numpy's global random state changed, even after an answer that changed it."""

import numpy as np
import pytest
from wrong_answers import CORPUS, judge_by_hints

import course_utils as cu

WRONG = [a for a in CORPUS if a.slip != "right"]
RIGHT = [a for a in CORPUS if a.slip == "right"]


def _id(a):
    return f"{a.exercise}-{a.slip}"


@pytest.mark.parametrize("answer", WRONG, ids=map(_id, WRONG))
def test_wrong_answer_gets_the_hint_of_its_own_slip(answer):
    state = np.random.get_state()
    status, text = getattr(cu.checks, answer.exercise).outcome(answer.fn)
    assert status == "wrong", text
    assert text.startswith("✗") and "\n" not in text, text
    assert judge_by_hints(answer, text) == "named", (answer.hint, text)
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2] == after[2]


@pytest.mark.parametrize("answer", RIGHT, ids=[f"{_id(a)}-{a.fn.__name__}" for a in RIGHT])
def test_right_answer_passes_and_shows_its_output(answer):
    status, text = getattr(cu.checks, answer.exercise).outcome(answer.fn)
    assert status == "right", text
    lines = text.split("\n")
    assert lines[0].startswith("✓")
    yours = [s for s in lines if s.strip().startswith("yours:")]
    expected = [s for s in lines if s.strip().startswith("expected:")]
    assert yours and len(yours) == len(expected), text


def test_the_corpus_covers_every_check_with_ten_wrong_and_three_right_answers():
    for name in ("random_mini_batches", "minibatches_per_epoch", "ewma", "one_epoch",
                 "lr_decay", "gradient_variance", "step_bytes", "accumulate",
                 "least_squares_rate"):
        assert sum(a.exercise == name for a in WRONG) >= 10, name
        assert sum(a.exercise == name for a in RIGHT) >= 3, name
