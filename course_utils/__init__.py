"""Helpers for the course "Understanding mini-batch gradient descent".

One shape convention everywhere, the source notes' own: **examples are columns**.
X is (n_x, m), Y is (n_y, m), and mini-batch t is X{t} = X[:, columns of batch t].

Modules, one concept each (`cu.<module>`; the files after "=" hold the parts a module
re-exports, each readable in one sitting):
    data        data sets (MNIST-1D, moons, synthetic) and the reference GPU measurements
    minibatch   shuffle and partition into mini-batches
    models      logistic / softmax / linear regression and the MLP: forward, cost, backward
    gradcheck   numerical gradient check
    train       the one trainer for batch GD, SGD and mini-batch GD, and its History
    curves      reading cost curves: rises, sharpness  (= curves, curves_contest: fair
                comparisons at one budget, ties over seeds)
    timing      how long a training step takes against the mini-batch size  (= timing,
                timing_plots)
    noise       gradient noise from exact per-example gradients
    sweep       time to a target cost against the mini-batch size  (= sweep_tuning,
                sweep_comparison: batch GD against mini-batch GD, sweep_plots)
    curvature   Hessian-vector products and the largest eigenvalue: the 2/λ_max ceiling
    lr_scaling  the best learning rate against the mini-batch size; warm-up; growing b
    memory      what a training step costs in bytes; the largest mini-batch that fits
                (a package: replay, measure, machine, budget, accumulation, plots)
    stream      mini-batches streamed from a file larger than memory
    oom         out of memory, safely: training steps in a child process with a hard limit
    surface     the two-parameter problem of notebook 03 and its paths
    printing    numbers printed so that they read the same on any machine (`robust`)
    plotting    the figure convention and cost curves (each takes ax=None, returns the Axes)
    widgets     sliders  (= parsing: typed values, reports: what a value means, widget_parts:
                slider with a box and dashboard, live_figure, explorers: notebooks 04 and 05)
    lab         the interactive lab  (= lab_runs: the runs, lab_views: one class per view,
                coalesce: a burst of slider changes costs one update, live_update: update,
                status and drawn, the protocol the lab shares with the explorers)
    checks      the exercises' checks: plain-words feedback on a learner's answer

Notebooks use `import course_utils as cu` and call `cu.train.train(...)`, so every name says
where it comes from.

Each module is imported the first time it is used (`cu.lab` imports course_utils.lab), so
`import course_utils` stays light: the compute modules need only numpy, and matplotlib's
pyplot and ipywidgets load only with the plots and sliders that use them. `widgets` and `lab`
need ipywidgets, the optional extra `course_utils[lab]` (requirements.txt installs it).
"""

import importlib

__all__ = ["checks", "curvature", "curves", "data", "gradcheck", "lab", "lr_scaling", "memory",
           "minibatch", "models", "noise", "oom", "plotting", "printing", "stream", "surface",
           "sweep", "timing", "train", "widgets"]

_NEED_IPYWIDGETS = ("lab", "widgets")


def __getattr__(name: str):
    """Import the module `name` on first use: `cu.lab` runs `import course_utils.lab`."""
    if name not in __all__:
        raise AttributeError(f"module 'course_utils' has no attribute {name!r}; "
                             f"its modules are {', '.join(__all__)}")
    try:
        return importlib.import_module(f".{name}", __name__)  # also sets course_utils.<name>
    except ModuleNotFoundError as err:
        if name in _NEED_IPYWIDGETS and err.name == "ipywidgets":
            raise ModuleNotFoundError(
                f"course_utils.{name} needs ipywidgets: pip install 'course_utils[lab]' "
                "(or pip install -r requirements.txt)", name="ipywidgets") from err
        raise


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
