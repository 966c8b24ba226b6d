"""This machine's memory, as the operating system reports it: free now, and this process's peak.

Linux reports both in /proc (MemAvailable of /proc/meminfo, VmHWM of /proc/self/status);
elsewhere the helpers fall back on os.sysconf and resource.getrusage, and return None where
the platform says nothing. Bytes.
"""

import os
import sys


def _proc_bytes(path: str, field: str) -> int | None:
    """A "Field:  123 kB" line of a Linux /proc file, in bytes; None where there is none."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def available_memory_bytes() -> int | None:
    """Memory this machine says is available now (Linux: MemAvailable), or None if unknown."""
    available = _proc_bytes("/proc/meminfo", "MemAvailable")
    if available is not None:
        return available
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def peak_rss_bytes() -> int | None:
    """The process's peak resident memory so far (bytes), where the platform reports it.

    Linux: VmHWM of /proc/self/status, which belongs to this process image. (getrusage's
    ru_maxrss is not used there: Linux carries it over from the parent across fork and exec,
    so a fresh worker would report its parent's peak.)
    """
    peak = _proc_bytes("/proc/self/status", "VmHWM")
    if peak is not None:
        return peak
    try:
        import resource  # not on Windows
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB elsewhere
