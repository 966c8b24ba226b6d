"""Notebook 05's out-of-memory demonstration under every OpenBLAS kernel this CPU can run.

OpenBLAS picks its kernels for the CPU it finds (numpy's wheels are built with DYNAMIC_ARCH),
and kernels differ in how they allocate: on SkylakeX, small products run through kernels that
allocate no buffer, so a child whose warm-up was small made its first buffer inside the limit
and died ("Memory allocation still failed") even at half the formula's size. OPENBLAS_CORETYPE
forces a kernel; this test runs the demonstration under each one the CPU's flags allow, each
in a fresh process (OpenBLAS reads the variable once, at load).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from threadpoolctl import threadpool_info

from course_utils.measure import oom

HERE = Path(__file__).parent
SUPPORTED, WHY = oom.limit_supported()

# OpenBLAS kernel -> the CPU flags (/proc/cpuinfo) it needs: the x86-64 kernels of numpy's
# wheels, from the oldest; a CPU runs every kernel whose flags it has.
KERNELS = {
    "Prescott": {"sse3"},
    "Nehalem": {"ssse3", "sse4_2"},
    "Sandybridge": {"avx"},
    "Haswell": {"avx2", "fma"},
    "SkylakeX": {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"},
    "Cooperlake": {"avx512f", "avx512bw", "avx512vl", "avx512_bf16"},
    "SapphireRapids": {"avx512f", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16"},
}


def _cpu_flags() -> set:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def _openblas() -> bool:
    return any(i.get("internal_api") == "openblas" for i in threadpool_info())


RUNNABLE = [k for k, needs in KERNELS.items() if needs <= _cpu_flags()]


def test_the_kernel_list_reads_this_cpu():
    if _cpu_flags() and "sse3" in _cpu_flags():  # any x86-64 CPU made since 2004
        assert RUNNABLE[0] == "Prescott"
    flags = {"sse3", "ssse3", "sse4_2", "avx", "avx2", "fma"}
    assert [k for k, needs in KERNELS.items() if needs <= flags] == [
        "Prescott", "Nehalem", "Sandybridge", "Haswell"]


@pytest.mark.skipif(not SUPPORTED, reason=f"no hard memory limit here: {WHY}")
@pytest.mark.skipif(not _openblas(), reason="numpy does not use OpenBLAS here")
@pytest.mark.skipif(not RUNNABLE, reason="not an x86-64 CPU with /proc/cpuinfo flags")
@pytest.mark.parametrize("kernel", RUNNABLE)
def test_the_demonstration_runs_under_every_kernel_this_cpu_can_execute(kernel):
    env = dict(os.environ, OPENBLAS_CORETYPE=kernel)
    out = subprocess.run([sys.executable, str(HERE / "_oom_under_kernel.py")], env=env,
                         capture_output=True, text=True, timeout=300, cwd=HERE.parent)
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    # OpenBLAS may run a kernel's older sibling (e.g. Cooperlake as SkylakeX where its build
    # lacks one); what matters is that it ran one it chose, not the default
    assert report["architecture"], report
    for dtype in ("float32", "float64"):
        r = report[dtype]
        outcomes = [(run[1], run[2], run[3]) for run in r["runs"]]
        assert outcomes == [("ran", "", 2), ("ran", "", 2),
                            ("MemoryError", "in step 1", 0),
                            ("MemoryError", "while making the mini-batch", 0)], (kernel, dtype, r)
        assert abs(r["found"] - r["b_fit"]) <= 0.10 * r["b_fit"], (kernel, dtype, r)
