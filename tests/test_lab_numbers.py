"""The lab's and the explorers' pure numbers: parsing what a learner types, formatting bytes,
gradient noise, scaled rates, decimated curves. Property tests over their numeric arguments."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.plots.plotting import decimate
from course_utils.ui.lab_runs import scaled_rate
from course_utils.ui.parsing import format_bytes, parse_batch_size, parse_bytes, parse_rate
from course_utils.ui.reports import relative_noise

FAST = settings(max_examples=30, deadline=None)


@FAST
@given(st.floats(min_value=0, max_value=1e15))
def test_format_bytes_reads_back_to_its_printed_precision(n):
    text = format_bytes(n)
    unit = next((u for u, s in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)) if text.endswith(u)), "")
    size = {"GB": 1e9, "MB": 1e6, "kB": 1e3, "": 1}[unit]
    tolerance = 0.005 * size if unit else 0.5  # two decimals of the unit, or whole bytes
    assert abs(parse_bytes(text) - n) <= tolerance * (1 + 1e-9)


@FAST
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=99),
       st.sampled_from(["B", "kB", "MB", "GB", "KiB", "MiB", "GiB"]),
       st.sampled_from(["", " "]))
def test_parse_bytes_reads_number_and_unit(whole, hundredths, unit, space):
    size = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 2**10, "MiB": 2**20,
            "GiB": 2**30}[unit]
    text = f"{whole:,}.{hundredths:02d}{space}{unit}"
    assert parse_bytes(text) == pytest.approx((whole + hundredths / 100) * size, rel=1e-12)


@FAST
@given(st.integers(min_value=1, max_value=9), st.sampled_from(["kb", "mb", "Mb", "KB", "gb"]))
def test_units_that_read_two_ways_are_refused(n, unit):
    with pytest.raises(ValueError, match="two ways|lower-case b"):
        parse_bytes(f"{n} {unit}")


@FAST
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=1, max_value=99))
def test_a_decimal_comma_is_refused(whole, frac):
    for parse in (parse_bytes, parse_rate):
        with pytest.raises(ValueError, match="two ways"):
            parse(f"{whole},{frac}")


@pytest.mark.parametrize("text", ["1e", "2.5E-", "1e MB", "-1 MB", "nan", "inf", "1e400", "",
                                  "1.5.5 MB", "MB"])
def test_parse_bytes_refuses_what_is_not_a_size(text):
    with pytest.raises(ValueError) as err:
        parse_bytes(text)
    assert repr(text) in str(err.value) or repr(text.split()[0]) in str(err.value)  # named


def test_parse_bytes_types():
    assert parse_bytes(16 * 2**20) == 16 * 2**20 and parse_bytes("16 MiB") == 16 * 2**20
    assert parse_bytes("16 MB") == 16e6 and parse_bytes("999 bytes") == 999
    for bad in (None, True, [16]):
        with pytest.raises(TypeError):
            parse_bytes(bad)
    for bad in (-1, math.nan, math.inf):
        with pytest.raises(ValueError):
            parse_bytes(bad)
    with pytest.raises(ValueError):
        format_bytes(math.nan)
    with pytest.raises(TypeError):
        format_bytes("16 MB")


@FAST
@given(st.floats(min_value=1e-6, max_value=1e6))
def test_parse_rate_reads_any_printed_rate(lr):
    assert parse_rate(repr(lr)) == lr and parse_rate(f"{lr:.3g}") == float(f"{lr:.3g}")


@pytest.mark.parametrize("text", ["1e", "-1", "0", "nan", "inf", "abc", "1,5", "", "0.1.2"])
def test_parse_rate_refuses_what_is_not_a_rate(text):
    with pytest.raises(ValueError):
        parse_rate(text)


@FAST
@given(st.integers(min_value=1, max_value=10**9))
def test_parse_batch_size_reads_plain_and_grouped_digits(n):
    assert parse_batch_size(str(n)) == parse_batch_size(f"{n:,}") == parse_batch_size(f"{n:_}") \
        == n


@pytest.mark.parametrize("text", ["0", "2.5", "1e3", "1,5", "10,00", "-3", "ten", ""])
def test_parse_batch_size_refuses_what_is_not_a_size(text):
    with pytest.raises(ValueError):
        parse_batch_size(text)


@FAST
@given(st.integers(min_value=1, max_value=10**6), st.data())
def test_relative_noise_falls_from_one_to_zero(m, data):
    b = data.draw(st.integers(min_value=1, max_value=m))
    r = relative_noise(b, m)
    assert 0 <= r <= 1
    assert relative_noise(m, m) == 0 and relative_noise(1, m) == (1.0 if m > 1 else 0.0)
    if b < m:
        assert relative_noise(b + 1, m) < r  # more examples per step: less noise


@FAST
@given(st.floats(min_value=1e-3, max_value=10), st.integers(min_value=1, max_value=4096),
       st.integers(min_value=1, max_value=4096))
def test_scaled_rate(lr, b, b0):
    assert scaled_rate(lr, b0, b0, "linear") == pytest.approx(lr)
    assert scaled_rate(lr, b0, b0, "square root") == pytest.approx(lr)
    assert scaled_rate(lr, b, b0, "none") == lr
    linear, root = scaled_rate(lr, b, b0, "linear"), scaled_rate(lr, b, b0, "square root")
    assert linear == pytest.approx(lr * b / b0) and root == pytest.approx(math.sqrt(lr * linear))


@FAST
@given(st.integers(min_value=1, max_value=3000), st.integers(min_value=2, max_value=500),
       st.integers(min_value=0, max_value=2**32 - 1))
def test_decimate_keeps_extremes_and_order(n, max_points, seed):
    y = np.random.default_rng(seed).standard_normal(n)
    x = np.arange(n) * 0.5
    xs, ys = decimate(x, y, max_points)
    assert len(xs) == len(ys) <= max(n, 0) and (len(ys) <= max_points or n <= max_points)
    assert ys.max() == y.max() and ys.min() == y.min() and np.all(np.diff(xs) > 0)


def test_the_compute_behind_the_sliders_imports_no_ui():
    """The runs, the parsing, the reports and the coalescing are plain compute: importing them
    loads neither widgets nor pyplot (only course_utils.ui.lab and .widgets, the UI, do)."""
    import subprocess
    import sys

    code = ("import sys\nimport course_utils.ui.lab_runs, course_utils.ui.parsing, "
            "course_utils.ui.reports, course_utils.ui.coalesce\n"
            "print(sorted(m for m in ('matplotlib.pyplot', 'ipywidgets', 'IPython', 'PIL') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
