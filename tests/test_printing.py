"""printing.robust: the digits it prints survive a nudge, or it refuses to print them."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.measure import printing


def test_prints_digits_far_from_a_rounding_edge():
    assert printing.robust(3.14159, ".2f") == "3.14"
    assert printing.robust(np.float32(0.875), ".1%", rel=1e-4) == "87.5%"
    assert printing.robust(1234, ",.0f") == "1,234"


@pytest.mark.parametrize("x, spec", [(0.125, ".2f"), (3.1804495, ".4f"), (2.5, ".0f")])
def test_refuses_a_value_at_a_rounding_edge(x, spec):
    with pytest.raises(AssertionError, match="rounding edge"):
        printing.robust(x, spec)


@settings(max_examples=30, deadline=None)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 4))
def test_what_it_prints_reads_the_same_after_the_nudge(x, digits):
    spec = f".{digits}f"
    try:
        shown = printing.robust(x, spec)
    except AssertionError:
        return  # at an edge: refused, which is the point
    assert shown == format(x, spec) == format(x * (1 + 1e-6), spec) == format(x * (1 - 1e-6), spec)


@pytest.mark.parametrize("kwargs, match", [
    ({"x": float("nan"), "spec": ".2f"}, "x must be"),
    ({"x": "3.1", "spec": ".2f"}, "x must be a number"),
    ({"x": 1.0, "spec": 2}, "spec must be a format string"),
    ({"x": 1.0, "spec": ".2f", "rel": 0}, "rel"),
    ({"x": 1.0, "spec": ".2f", "rel": 0.5}, "rel"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        printing.robust(**kwargs)


def test_stable_checks_every_value_and_names_the_one_at_an_edge():
    assert printing.stable(".2f", 1.2345, 2.0) is None
    with pytest.raises(AssertionError, match="rounding edge"):
        printing.stable(".2f", 1.2345, 0.125)  # 0.125 sits exactly between 0.12 and 0.13
