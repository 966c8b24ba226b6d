"""Helpers for the course "Understanding mini-batch gradient descent".

One shape convention everywhere, the source notes' own: **examples are columns**.
X is (n_x, m), Y is (n_y, m), and mini-batch t is X{t} = X[:, columns of batch t].

Modules, one concept each:
    data       data sets (MNIST-1D, moons, synthetic) and the reference GPU measurements
    minibatch  shuffle and partition into mini-batches
    models     logistic / softmax / linear regression and the MLP: forward, cost, backward
    gradcheck  numerical gradient check
    train      the one trainer for batch GD, SGD and mini-batch GD, and its History
    curves     reading cost curves: rises, sharpness, fair comparisons at one budget
    timing     how long a training step takes against the mini-batch size
    noise      gradient noise from exact per-example gradients
    sweep      time to a target cost against the mini-batch size
    memory     what a training step costs in bytes; the largest mini-batch that fits
    stream     mini-batches streamed from a file larger than memory
    oom        out of memory, safely: training steps in a child process with a hard limit
    plotting   cost curves and loss-surface paths (each takes ax=None, returns the Axes)
    widgets    sliders: thin ipywidgets layers over the functions above
    lab        the interactive lab: every view following the sliders
    checks     the exercises' checks: plain-words feedback on a learner's answer

Notebooks use `import course_utils as cu` and call `cu.train.train(...)`, so every name says
where it comes from.
"""

from . import (
    checks,
    curves,
    data,
    gradcheck,
    lab,
    memory,
    minibatch,
    models,
    noise,
    oom,
    plotting,
    stream,
    surface,
    sweep,
    timing,
    train,
    widgets,
)

__all__ = ["checks", "curves", "data", "gradcheck", "lab", "memory", "minibatch", "models",
           "noise", "oom", "plotting", "stream", "surface", "sweep", "timing", "train", "widgets"]
