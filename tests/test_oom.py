import platform
import subprocess
import sys
import time

import pytest

from course_utils.measure import memory, oom

SUPPORTED, WHY = oom.limit_supported()
needs_limit = pytest.mark.skipif(not SUPPORTED, reason=f"no hard memory limit here: {WHY}")
DIMS = [784, 256, 10]
LIMIT = 16 * 2**20


def test_limit_supported_says_why():
    ok, why = oom.limit_supported()
    assert isinstance(ok, bool) and isinstance(why, str)
    assert ok == (why == "")
    # Linux with glibc has everything it needs: RLIMIT_AS, mallopt and a fork server
    expected = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert ok == expected, why


def _own_limit_in_a_new_process(limit):
    """oom.own_limit() in a fresh Python that first sets its own RLIMIT_AS soft limit."""
    code = ("import resource; soft, hard = resource.getrlimit(resource.RLIMIT_AS); "
            f"limit = {limit!r}; "
            "resource.setrlimit(resource.RLIMIT_AS, (hard if limit is None else limit, hard)); "
            "from course_utils import oom; print(oom.own_limit())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is Linux's")
def test_own_limit_reads_the_soft_limit():
    import resource

    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    limit = 2**40 if hard == resource.RLIM_INFINITY else hard - 4096
    assert _own_limit_in_a_new_process(limit) == str(limit)
    if hard == resource.RLIM_INFINITY:
        assert _own_limit_in_a_new_process(None) == "None"


def test_other_platforms_skip_with_a_message(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    ok, why = oom.limit_supported()
    assert not ok and "Linux" in why and "darwin" in why
    with pytest.raises(RuntimeError, match="cannot limit a child's memory here"):
        oom.run_steps_with_limit(DIMS, 10, LIMIT)


@needs_limit
def test_below_the_limit_runs_above_it_fails_and_this_process_survives():
    import resource

    own = resource.getrlimit(resource.RLIMIT_AS)  # (soft, hard): never None, unlike own_limit
    b_fit = memory.largest_batch(DIMS, LIMIT, "float32")
    below = oom.run_steps_with_limit(DIMS, b_fit // 2, LIMIT, steps=2)
    assert below.ran and below.steps_done == 2 and len(below.step_seconds) == 2
    above = oom.run_steps_with_limit(DIMS, 2 * b_fit, LIMIT, steps=2)
    assert above.outcome == "MemoryError" and above.steps_done == 0
    # twice the largest size: X alone (2 b_fit x 784 float32) is over the limit
    assert above.failed_at == "while making the mini-batch" and below.failed_at == ""
    in_step = oom.run_steps_with_limit(DIMS, round(1.2 * b_fit), LIMIT, steps=2)
    assert in_step.outcome == "MemoryError" and in_step.failed_at == "in step 1"
    assert "Unable to allocate" in above.message
    assert resource.getrlimit(resource.RLIMIT_AS) == own  # the limit was set in the child only


@needs_limit
def test_a_child_that_does_not_answer_is_killed_in_time():
    t0 = time.perf_counter()
    r = oom.run_steps_with_limit(DIMS, 2_000, 2**30, steps=10_000, timeout_s=1.0)
    assert r.outcome == "timed out" and "1 s" in r.message
    assert time.perf_counter() - t0 < 5


@needs_limit
def test_limited_steps_raise_out_of_memory_for_the_batch_size_finder():
    dims, limit = [100, 64, 10], 16 * 2**20
    exact = memory.largest_batch(dims, limit, "float32")
    trial = oom.LimitedSteps(limit, dims, "float32")
    assert trial.run_step(int(0.85 * exact)).ran
    with pytest.raises(oom.ChildOutOfMemory, match="MemoryError"):
        trial.run_step(int(1.15 * exact))  # MemoryError is what find_largest_batch catches
    assert trial.trials == [(int(0.85 * exact), True), (int(1.15 * exact), False)]


def test_bad_arguments_are_refused_before_a_child_starts(monkeypatch):
    # the rest of the bad arguments: test_memory_inputs.py
    started = []
    monkeypatch.setattr(oom.multiprocessing, "get_context", lambda *a: started.append(a))
    with pytest.raises(ValueError, match="dtype"):
        oom.run_steps_with_limit(DIMS, 10, LIMIT, dtype="float")
    assert started == []


def test_signal_names():
    assert oom._signal_name(9) == "SIGKILL"
    assert oom._signal_name(999) == "signal 999"


def test_compare_with_formula_says_in_plain_words_what_each_child_did():
    ran = oom.ChildResult(1000, LIMIT, "ran", steps_done=3)
    oom_step = oom.ChildResult(3000, LIMIT, "MemoryError", failed_at="in step 1")
    ok, lines = oom.compare_with_formula([ran, oom_step], [True, False])
    assert ok and lines == ["b = 1,000: ran all 3 steps, as the formula says",
                            "b = 3,000: ran out of memory in step 1, as the formula says"]
    ok, lines = oom.compare_with_formula([ran, oom_step], [False, True])
    assert ok and "although the formula says it does not fit" in lines[0]
    assert "although the formula says it fits" in lines[1]
    # a child that neither ran nor ran out of memory (an OpenBLAS error): no comparison,
    # a sentence saying the demonstration could not run here
    broken = oom.ChildResult(1000, LIMIT, "exit code 1")
    ok, lines = oom.compare_with_formula([broken, oom_step], [True, False])
    assert not ok and len(lines) == 1
    assert "could not run on this machine" in lines[0] and "'exit code 1'" in lines[0]
    assert oom.compare_with_formula([], []) == (True, [])
    with pytest.raises(ValueError, match="results and fits"):
        oom.compare_with_formula([ran], [True, False])
