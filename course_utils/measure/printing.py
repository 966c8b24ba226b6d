"""Printing computed numbers so that what a notebook shows holds on any machine.

Another CPU, BLAS library or numpy version sums in another order and changes a result in its
last digits: measured on this course's notebooks, by about 1e-11 of the value in float64
(other OpenBLAS kernels, one thread or two, numpy 1.26 to 2.4). A number printed to a few
digits stays the same unless it sits right at a rounding edge. `robust` prints it and checks
that it does not: the same text after a relative nudge of `rel` either way, else an
AssertionError, so a stored output that another machine could print differently fails here
first, where it is made.
"""

from ..core.validate import validate_real

__all__ = ["robust", "stable"]


def robust(x, spec: str, rel: float = 1e-6) -> str:
    """`format(x, spec)`, checked to read the same for x·(1 − rel) and x·(1 + rel).

    Use rel = 1e-6 for float64 results and 1e-4 for float32 ones (about 7 significant digits).
    """
    x = validate_real("x", x)
    rel = validate_real("rel", rel, low=0, high=0.1, low_open=True, high_open=True)
    if not isinstance(spec, str):
        raise TypeError(f"spec must be a format string such as '.3f', got {spec!r}")
    shown = format(x, spec)
    low, high = format(x * (1 - rel), spec), format(x * (1 + rel), spec)
    assert low == shown == high, (
        f"{x!r} printed as {shown!r} sits at a rounding edge: a relative change of {rel:g} "
        f"prints {low!r} or {high!r}; print fewer digits, a bound or a verdict")
    return shown


def stable(spec: str, *values, rel: float = 1e-6) -> None:
    """Check that each value prints the same under `spec` on any machine (as `robust` does),
    else AssertionError. For a hidden check cell right after a cell that printed the values
    with ordinary f-strings: `cu.printing.stable(".2f", j_batch, j_mini)`."""
    for x in values:
        robust(x, spec, rel)
