"""The explorers of notebooks 04 and 05, under the name the notebooks call them by:

    cu.widgets.BatchSizeExplorer(times, m=60_000, value=256)            # notebook 04
    cu.widgets.MemoryBudgetExplorer(dims, m=60_000, dtype=dtype, ...)   # notebook 05

Only those two: a test checks that this list is what the notebooks call. Their code is in
`explorers` (the classes), `reports` (their numbers, pure), `widget_parts` (a slider with a
box, the dashboard), `live_figure` (the figure redrawn as an image widget) and `live_update`
(update, status, drawn: the protocol they share with the lab, `course_utils.lab`).
"""

from .explorers import BatchSizeExplorer, MemoryBudgetExplorer

__all__ = ["BatchSizeExplorer", "MemoryBudgetExplorer"]
