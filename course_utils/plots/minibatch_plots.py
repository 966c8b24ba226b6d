"""The figure of notebook 01: one epoch's shuffle and partition, one cell per example.

core/minibatch.py makes the mini-batches it draws. matplotlib's pyplot is imported inside the
function.
"""

import numpy as np

from ..core.validate import validate_int
from .plotting import OTHER

# Class colours for plot_partition: the course's OTHER colours, never a method's. Classes 0
# and 1 (orange, grey) differ in hue and in lightness, so they stay apart in grey-scale print
# and for colour-blind readers; every cell is also numbered with its class.
CLASS_COLORS = ("orange", "grey", "vermillion", "yellow", "light grey")

DIGIT_FONTSIZE = 10  # points: the class digits, readable at the figure's printed size


def _luminance(color) -> float:
    """Relative luminance (0 black .. 1 white) of a colour, as the WCAG contrast rules define it."""
    from matplotlib.colors import to_rgb

    rgb = np.array(to_rgb(color))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def plot_partition(labels, batch_size: int, row_names, ax=None):
    """Draw orderings of the same m examples as rows of cells, cut into mini-batches.

    labels: (n_rows, m) integer classes in 0 .. 4, one row per ordering (e.g. as collected,
    then shuffled). Each cell is one example, coloured by class with the course's `OTHER`
    colours (orange, grey, ...: never the three method colours) and, for m <= 60, numbered
    with its class, so colour is not the only cue. Black lines mark the mini-batch boundaries
    (every `batch_size` columns) through every row, and X{t} above the rows names mini-batch t
    (a smaller last one also says its size: "X{4}" over "(4 examples)"). row_names:
    one name per row, shown as y tick labels. Returns the Axes; never calls plt.show().
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if not isinstance(labels, np.ndarray) or labels.ndim != 2 or labels.size == 0:
        raise ValueError(f"labels must be a non-empty 2-D numpy array (n_rows, m), got "
                         f"{getattr(labels, 'shape', type(labels).__name__)}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must hold integer classes, got dtype {labels.dtype}")
    if labels.min() < 0 or labels.max() >= len(CLASS_COLORS):
        raise ValueError(f"labels must be classes 0 to {len(CLASS_COLORS) - 1}, got values from "
                         f"{labels.min()} to {labels.max()}")
    n_rows, m = labels.shape
    b = validate_int("batch_size", batch_size, high=m)
    if isinstance(row_names, str) or len(row_names) != n_rows:
        raise ValueError(f"row_names must hold one name per row of labels ({n_rows} rows), "
                         f"got {row_names!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 1 + 0.8 * n_rows), layout="constrained")
    n_classes = int(labels.max()) + 1
    colors = [OTHER[name] for name in CLASS_COLORS[:n_classes]]
    ax.imshow(labels, cmap=ListedColormap(colors), vmin=-0.5, vmax=n_classes - 0.5,
              aspect="auto", extent=(-0.5, m - 0.5, n_rows - 0.5, -0.5))
    if m <= 60:  # a digit per cell: readable up to about 60 columns
        # white digits on dark cells (grey, vermillion), black on light ones (orange, yellow)
        ink = ["white" if _luminance(c) < 0.3 else "black" for c in colors]
        for (row, col), c in np.ndenumerate(labels):
            ax.text(col, row, str(c), ha="center", va="center", fontsize=DIGIT_FONTSIZE,
                    fontweight="bold", color=ink[c])
    ax.hlines(np.arange(1, n_rows) - 0.5, -0.5, m - 0.5, color="white", lw=4)  # rows apart
    ax.vlines(np.arange(b, m, b) - 0.5, -0.5, n_rows - 0.5, color=OTHER["black"], lw=2)
    # X{t} above all rows (the cuts span all of them); a smaller last one says its size
    starts = range(0, m, b)
    sizes = [min(start + b, m) - start for start in starts]
    names = [f"X{{{t}}}" + (f"\n({size} examples)" if size < b else "")
             for t, size in enumerate(sizes, start=1)]
    top = ax.secondary_xaxis("top")
    top.set_xticks([start + (size - 1) / 2 for start, size in zip(starts, sizes)], names,
                   fontsize=9)
    top.tick_params(length=0)
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.set_yticks(range(n_rows), list(row_names))
    ax.set_xlabel(f"position in the training set (column of X, 0 to {m - 1})")
    ax.set_ylabel("order (one row each)")
    handles = [Patch(color=c, label=f"class {k}") for k, c in enumerate(colors)]
    handles.append(Line2D([], [], color=OTHER["black"], lw=2, label="mini-batch boundary"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0,
              fontsize=8)
    return ax
