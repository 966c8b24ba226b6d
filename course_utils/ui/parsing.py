"""Numbers a learner types into the sliders' boxes: sizes in bytes, learning rates, batch sizes.

Pure functions, no widgets: each reads text and returns a number, or raises ValueError naming
the text and what to write instead. Text that can be read two ways is refused, not guessed:

* units of bytes follow SI, as `format_bytes` writes them: kB = 1,000 bytes, MB = 10^6,
  GB = 10^9, TB = 10^12; the binary units say so: KiB = 1,024, MiB = 2^20, GiB = 2^30,
  TiB = 2^40. "KB" is refused (JEDEC reads it as 1,024, SI as 1,000), and so is a lower-case
  "b" ("16 Mb" is megabits to a network engineer, megabytes to a hurried writer);
* a comma only separates thousands ("16,000,000"); "1,5" is refused (1.5 in much of Europe,
  15 with the comma ignored);
* an exponent needs its digits: "1e6" is a number, "1e" is not.

    parse_bytes("16 MB")  -> 16000000.0       parse_bytes("16 MiB") -> 16777216.0
    parse_rate("3e-2")    -> 0.03             parse_batch_size("1,024") -> 1024
"""

import math
import re
from numbers import Integral, Real

# A decimal number: digits with thousands commas (1,000,000) or Python's underscores
# (1_000_000), an optional fraction and an optional exponent. No sign: sizes and rates are > 0.
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)"
_NUMBER = rf"(?:{_DIGITS}(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"

BYTE_UNITS = {"": 1, "B": 1, "byte": 1, "bytes": 1,
              "kB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
              "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}
_TWO_WAYS_UNITS = {"KB": "kB (1,000 bytes) or KiB (1,024 bytes)"}


def _read_number(text: str, what: str, example: str) -> float:
    """The number `text` (already stripped of its unit), or ValueError saying why not."""
    _refuse_open_exponent(text)
    if re.fullmatch(_NUMBER, text):
        value = float(text.replace(",", "").replace("_", ""))
        if not math.isfinite(value):
            raise ValueError(f"{text!r} is too large to be {what}")
        return value
    if re.fullmatch(r"\d+,\d{1,2}|\d+,\d{4,}|\d+(,\d+)+\.?\d*", text):
        raise ValueError(f"{text!r} can be read two ways (a decimal comma, or thousands "
                         f"separated by a comma): write a point for decimals, e.g. {example}")
    raise ValueError(f"{text!r} is not {what}: write a number such as {example}")


def _refuse_open_exponent(text: str, units=("",)) -> None:
    """'1e', '2.5E-' or '1e MB': an exponent without its digits (1e6? or a typo for 1?)."""
    unit = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    if re.fullmatch(rf"(?:{_DIGITS}(?:\.\d*)?|\.\d+)[eE][+-]?\s*(?:{unit})", text):
        raise ValueError(f"{text!r} can be read two ways: an exponent needs its digits "
                         f"(1e6 is a million; or is the e a typo?)")


def _validate_text(name: str, text) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be text (str), got {text!r} ({type(text).__name__})")
    return text.strip()


def parse_bytes(text) -> float:
    """'16 MB', '2 GiB', '1e9', '1,500 kB' or a number -> bytes (a float >= 0).

    A bare number is bytes. Units are case-sensitive (see the module's docstring): B, kB,
    MB, GB, TB (powers of 1,000), KiB, MiB, GiB, TiB (powers of 1,024), or "bytes".
    Raises TypeError for anything but text or a number, ValueError naming the text otherwise.
    """
    if isinstance(text, Real) and not isinstance(text, bool):
        value = float(text)
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"a size in bytes must be a finite number >= 0, got {text!r}")
        return value
    s = _validate_text("a size in bytes", text)
    _refuse_open_exponent(s, BYTE_UNITS)
    match = re.fullmatch(r"(.*?)\s*([A-Za-z]*)", s)
    number, unit = match.group(1), match.group(2)
    if unit in _TWO_WAYS_UNITS:
        raise ValueError(f"{text!r} can be read two ways: write {_TWO_WAYS_UNITS[unit]}")
    if unit not in BYTE_UNITS:
        if unit.lower() in {u.lower() for u in BYTE_UNITS if u}:
            raise ValueError(f"{text!r}: the unit {unit!r} is not one this course reads (a "
                             f"lower-case b is a bit); write B, kB, MB, GB, TB (powers of "
                             f"1,000) or KiB, MiB, GiB, TiB (powers of 1,024)")
        raise ValueError(f"not a size in bytes: {text!r} (try 16 MB or 2 GiB)")
    if not number:
        raise ValueError(f"not a size in bytes: {text!r} (try 16 MB or 2 GiB)")
    value = _read_number(number, "a size in bytes", "16 MB or 1.5 GB") * BYTE_UNITS[unit]
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is too large to be a size in bytes")
    return value


def format_bytes(n) -> str:
    """Bytes in words, SI units: 1.23 kB, 16.00 MB, 999 bytes (parse_bytes reads it back)."""
    if isinstance(n, bool) or not isinstance(n, Real):
        raise TypeError(f"n must be a number of bytes, got {n!r} ({type(n).__name__})")
    if not math.isfinite(n):
        raise ValueError(f"n must be a finite number of bytes, got {n!r}")
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= size:
            return f"{n / size:,.2f} {unit}"
    return f"{n:,.0f} bytes"


def parse_rate(text) -> float:
    """'0.1', '3e-2' or '.5' -> a learning rate (a float > 0). Raises ValueError naming the
    text for anything else, e.g. '1e', '1,5', '-1', 'nan'."""
    if isinstance(text, Real) and not isinstance(text, bool):
        value = float(text)
    else:
        value = _read_number(_validate_text("a learning rate", text), "a learning rate",
                             "0.1 or 3e-2")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"a learning rate is a finite number > 0, got {text!r}")
    return value


def parse_batch_size(text) -> int:
    """'64', '1,024' or '1_024' -> a mini-batch size (an int >= 1). Raises ValueError naming
    the text for anything else, e.g. '2.5', '1e3', '1,5', '0'."""
    if isinstance(text, bool):
        raise TypeError(f"a mini-batch size is a whole number, got {text!r}")
    if isinstance(text, Integral):
        value = int(text)
    else:
        s = _validate_text("a mini-batch size", text)
        if not re.fullmatch(_DIGITS, s):
            if re.fullmatch(r"\d+(,\d+)+", s):
                raise ValueError(f"{text!r} can be read two ways: write the whole number "
                                 f"without commas, or with a comma every three digits (1,024)")
            raise ValueError(f"{text!r}: a mini-batch size is a whole number such as 64")
        value = int(s.replace(",", "").replace("_", ""))
    if value < 1:
        raise ValueError(f"a mini-batch size is a whole number >= 1, got {text!r}")
    return value
