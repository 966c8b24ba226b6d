"""Sliders for the notebooks: thin ipywidgets layers over pure functions.

The names the notebooks use, gathered from the modules that define them:

    BatchSizeExplorer, MemoryBudgetExplorer   explorers    notebooks 04 and 05
    relative_noise, batch_size_report,        reports      the explorers' numbers (pure)
      format_batch_size_report, format_memory_report
    parse_bytes, format_bytes, parse_rate,    parsing      what a learner types (pure)
      parse_batch_size
    SliderEntry, Dashboard, kernel_hint,      widget_parts a slider with a box; a dashboard
      make_size_input, make_rate_input, make_budget_input
    LiveFigure, png_bytes, holds_data         live_figure  a figure redrawn as an image widget
    MemoryView                                lab_views    the memory bars (also in the lab)

The lab itself is `course_utils.lab`. Figures follow the course's convention (`plotting`):
colours from `plotting.OTHER` (none of them shows one of the three methods), legends outside
the data, axes named with units, log axes only across decades and with plain tick labels.
Each explorer's `widget()` is a `Dashboard`: where no kernel runs (a web viewer, or a notebook
not yet run) it shows a line saying how to start it instead of `VBox(children=...)`.
"""

from .explorers import BatchSizeExplorer, MemoryBudgetExplorer
from .lab_views import MemoryView
from .live_figure import LiveFigure, holds_data, png_bytes
from .parsing import format_bytes, parse_batch_size, parse_bytes, parse_rate
from .reports import (
    batch_size_report,
    format_batch_size_report,
    format_memory_report,
    relative_noise,
)
from .widget_parts import (
    Dashboard,
    SliderEntry,
    kernel_hint,
    make_budget_input,
    make_rate_input,
    make_size_input,
)

__all__ = ["BatchSizeExplorer", "Dashboard", "LiveFigure", "MemoryBudgetExplorer", "MemoryView",
           "SliderEntry", "batch_size_report", "format_batch_size_report", "format_bytes",
           "format_memory_report", "holds_data", "kernel_hint", "make_budget_input",
           "make_rate_input", "make_size_input", "parse_batch_size", "parse_bytes", "parse_rate",
           "png_bytes", "relative_noise"]
