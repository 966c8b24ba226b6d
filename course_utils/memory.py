"""Memory: what a computation allocates, measured with tracemalloc.

numpy reports its array buffers to Python's tracemalloc, so the peak that tracemalloc sees
while a function runs is the extra memory that function needed (bytes).
"""

import tracemalloc


def measure_peak_bytes(fn, *args, **kwargs) -> tuple[int, object]:
    """Run fn(*args, **kwargs); return (peak bytes allocated above the start, fn's result)."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    start, _ = tracemalloc.get_traced_memory()
    try:
        result = fn(*args, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return peak - start, result
