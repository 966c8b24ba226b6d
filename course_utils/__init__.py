"""Helpers for the course "Understanding mini-batch gradient descent".

One shape convention everywhere, the source notes' own: **examples are columns**.
X is (n_x, m), Y is (n_y, m), and mini-batch t is X{t} = X[:, columns of batch t].

Modules, one concept each:
    data       data sets (MNIST-1D, moons, synthetic)
    minibatch  shuffle and partition into mini-batches
    models     logistic / softmax / linear regression and the MLP: forward, cost, backward
    gradcheck  numerical gradient check
    train      the one trainer for batch GD, SGD and mini-batch GD, and its History
    memory     what a training step costs in bytes
    plotting   cost curves and loss-surface paths (each takes ax=None, returns the Axes)

Notebooks use `import course_utils as cu` and call `cu.train.train(...)`, so every name says
where it comes from.
"""

from . import data, gradcheck, memory, minibatch, models, plotting, train

__all__ = ["data", "gradcheck", "memory", "minibatch", "models", "plotting", "train"]
