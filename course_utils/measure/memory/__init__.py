"""Memory: what one training step needs, in bytes, and the largest mini-batch that fits.

One module per concept; every name is also here, as the notebooks call it (cu.memory.<name>):

    replay        step_memory: one step of models.MLP replayed array by array; its peak and
                  what is alive then (StepMemory); textbook_bytes, the count it corrects
    measure       measure_step_peak: a real step under tracemalloc; compare_replay, step_table
    machine       this machine: available_memory_bytes, peak_rss_bytes (/proc on Linux)
    budget        largest_batch, smallest_budget, budget_report; find_largest_batch by trial
                  against SimulatedAllocator
    accumulation  accumulation_costs: one update computed micro-batch by micro-batch

The figures, plot_step_memory and plot_search, are in plots/memory_plots.py.

For [784, 256, 10] at b = 64 the replay's peak is 1.34 times the textbook count; at b = 1024
the two agree, by coincidence rather than by design (see tests/test_memory.py). The replay is
checked against real steps in tests/test_memory_replay.py: within 5 % of tracemalloc for every
model, b = 1 ... 8192, once a step needs more than ~8 KiB, and within 2 % of the peak resident
memory (VmHWM) of a fresh process. Below ~8 KiB (a few features at b <= 8) a few hundred bytes
of Python bookkeeping (dicts, tuples, floats), which the replay does not count, are 10-30 % of
the step.

All sizes are in bytes (printed in KiB = 2**10, MiB = 2**20 and GiB = 2**30 bytes; RAM and GPU
memory sold as "8 GB" hold 8 GiB). `layer_dims` is [n_x, n_1, ..., n_y] as for models.MLP;
dtype is "float32" or "float64". The budgets are memory of either kind: 内存 (RAM, which the
CPU uses) or 显存 (a GPU's own memory).
"""

from .accumulation import AccumulationCosts, accumulation_costs
from .budget import (
    PRESETS,
    SimulatedAllocator,
    SimulatedOutOfMemory,
    budget_report,
    find_largest_batch,
    largest_batch,
    per_example_breakdown,
    per_example_bytes,
    smallest_budget,
)
from .machine import available_memory_bytes, peak_rss_bytes
from .measure import (
    ReplayComparison,
    compare_replay,
    epoch_extra_memory,
    measure_peak_bytes,
    measure_step_peak,
    step_table,
)
from .replay import (
    ARRAY_OBJECT,
    CATEGORIES,
    CATEGORY_NOTES,
    NUMPY_BUFFER,
    REDUCTION_BUFFERED,
    StepMemory,
    step_memory,
    textbook_bytes,
)

__all__ = [
    "ARRAY_OBJECT", "CATEGORIES", "CATEGORY_NOTES", "NUMPY_BUFFER",
    "PRESETS", "REDUCTION_BUFFERED", "AccumulationCosts", "ReplayComparison", "SimulatedAllocator",
    "SimulatedOutOfMemory", "StepMemory", "accumulation_costs", "available_memory_bytes",
    "budget_report", "compare_replay", "epoch_extra_memory", "find_largest_batch", "largest_batch",
    "measure_peak_bytes", "measure_step_peak", "peak_rss_bytes", "per_example_breakdown",
    "per_example_bytes", "smallest_budget", "step_memory",
    "step_table", "textbook_bytes",
]
