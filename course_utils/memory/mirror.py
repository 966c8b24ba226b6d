"""Has models.py drifted from the replay? The code the replay mirrors, read from models.py.

replay.MIRRORS names, function by function, the lines of models.MLP that the replay mirrors,
and replay.REVIEWED_DIGESTS pins the code of those functions as it was when the replay was
last checked against it. `drift()` reads models.py again (inspect.getsource) and lists what
no longer matches: a mirrored line that is gone, or a function whose code changed. After a
change to models.py: update the replay, check it against tracemalloc
(tests/test_memory_replay.py), then copy the new digests that `drift()` prints into
replay.REVIEWED_DIGESTS.

"Code" here is every line but comments, blank lines and the docstring: rewording a comment is
not a drift, but any other change is, even a new argument check (a check can allocate too,
e.g. `np.any(Y < 0)` makes a temporary array the size of Y), until someone has looked.
"""

import ast
import hashlib
import inspect
import io
import textwrap
import tokenize

from .replay import MIRRORS, REVIEWED_DIGESTS


def _function(qualname: str):
    """models.MLP.forward for "MLP.forward"; None if models.py has no such function."""
    from .. import models

    obj = models
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    return obj


def code_lines(function) -> list[str]:
    """The body of `function` as the replay reads it: one stripped line per source line, with
    comments, blank lines and the docstring left out."""
    source = textwrap.dedent(inspect.getsource(function))
    lines = source.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            lines[row - 1] = lines[row - 1][:col]
    definition = ast.parse(source).body[0]
    if not isinstance(definition, ast.FunctionDef):  # e.g. the file was edited since import
        raise RuntimeError(f"the source of {function.__qualname__} could not be read as one "
                           f"function: was its file changed after it was imported?")
    body = definition.body
    skip = set(range(1, body[0].lineno))  # the def line (and any decorator)
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
            and isinstance(first.value.value, str):
        skip.update(range(first.lineno, first.end_lineno + 1))
    return [line.strip() for k, line in enumerate(lines, start=1)
            if k not in skip and line.strip()]


def source_digest(function) -> str:
    """A short digest (16 hex digits of SHA-256) of code_lines(function)."""
    text = "\n".join(code_lines(function))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def current_digests() -> dict:
    """{"MLP.forward": digest, ...} of models.py as it is now, for REVIEWED_DIGESTS."""
    return {name: source_digest(_function(name)) for name in REVIEWED_DIGESTS}


def drift() -> list[str]:
    """What in models.py no longer matches the replay, one sentence each; [] if nothing."""
    missing = [name for name in {**MIRRORS, **REVIEWED_DIGESTS} if _function(name) is None]
    problems = [f"models.{name} is gone: the replay mirrors it" for name in missing]
    for name, mirrored in MIRRORS.items():
        if name in missing:
            continue
        lines = code_lines(_function(name))
        for line in mirrored:
            if line not in lines:
                problems.append(f"models.{name} no longer has the line the replay mirrors: "
                                f"{line!r}")
    for name, reviewed in REVIEWED_DIGESTS.items():
        if name in missing:
            continue
        now = source_digest(_function(name))
        if now != reviewed:
            problems.append(f"models.{name} changed since the replay was reviewed against it "
                            f"(digest {now}, reviewed {reviewed}): review "
                            f"course_utils/memory/replay.py against it, then set "
                            f"REVIEWED_DIGESTS[{name!r}] = {now!r}")
    return problems
