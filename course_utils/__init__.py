"""Helpers for the course "Understanding mini-batch gradient descent".

One shape convention everywhere, the source notes' own: **examples are columns**.
X is (n_x, m), Y is (n_y, m), and mini-batch t is X{t} = X[:, columns of batch t].

The folders are the layers, lowest first; arrows run one way (tests/test_layers.py):
    core/      data, mini-batches, models, the trainer, gradient check, argument validation
               (`validate`); imports nothing above it
    measure/   the experiments behind notebooks 02-06: cost curves, step times, gradient
               noise, the loss surface, sweeps, curvature, learning-rate scaling, memory,
               streaming, out-of-memory; computes, never draws
    plots/     the figure convention (`plotting`) and every plot function; `X_plots` draws
               what measure/X computes
    ui/        sliders (`widgets`) and the lab
    checks/    the exercises' checks: plain-words feedback on a learner's answer, one module per
               notebook (feedback.py holds what they share)

Notebooks use `import course_utils as cu` and call a module by its short name,
`cu.train.train(...)`, `cu.timing_plots.plot_throughput(...)`: MODULES below maps each short
name to its file. A module is imported the first time it is used, so `import course_utils`
stays light: the compute modules need only numpy, and matplotlib's pyplot and ipywidgets load
only with the plots and sliders that use them. `widgets` and `lab` need ipywidgets, the
optional extra `course_utils[lab]` (requirements.txt installs it).
"""

import importlib

MODULES = {
    # core
    "data": "core.data", "minibatch": "core.minibatch", "models": "core.models",
    "train": "core.train", "gradcheck": "core.gradcheck",
    # measure
    "curves": "measure.curves", "timing": "measure.timing", "noise": "measure.noise",
    "surface": "measure.surface", "sweep": "measure.sweep", "curvature": "measure.curvature",
    "lr_scaling": "measure.lr_scaling", "memory": "measure.memory", "stream": "measure.stream",
    "oom": "measure.oom", "printing": "measure.printing",
    # plots
    "plotting": "plots.plotting", "timing_plots": "plots.timing_plots",
    "sweep_plots": "plots.sweep_plots", "memory_plots": "plots.memory_plots",
    "minibatch_plots": "plots.minibatch_plots", "noise_plots": "plots.noise_plots",
    "curves_plots": "plots.curves_plots", "surface_plots": "plots.surface_plots",
    # ui
    "widgets": "ui.widgets", "lab": "ui.lab",
    # the exercises' checks
    "checks": "checks",
}
__all__ = sorted(MODULES)

_NEED_IPYWIDGETS = ("lab", "widgets")


def __getattr__(name: str):
    """Import the module `name` on first use: `cu.lab` runs `import course_utils.ui.lab`."""
    if name not in MODULES:
        raise AttributeError(f"module 'course_utils' has no attribute {name!r}; "
                             f"its modules are {', '.join(__all__)}")
    try:
        module = importlib.import_module(f"{__name__}.{MODULES[name]}")
    except ModuleNotFoundError as err:
        if name in _NEED_IPYWIDGETS and err.name == "ipywidgets":
            raise ModuleNotFoundError(
                f"course_utils.{MODULES[name]} needs ipywidgets: pip install "
                "'course_utils[lab]' (or pip install -r requirements.txt)",
                name="ipywidgets") from err
        raise
    globals()[name] = module  # the next cu.<name> is a plain attribute
    return module


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
