"""The lab's models: the course's MLP, cancellable, with its training step fused for speed.

The lab trains b = 1 for three epochs of MNIST-1D (12,000 updates) plus 10,000 updates of the
path's regression while a learner waits after a drag. At b = 1 an update's arithmetic is tiny
and its time is numpy's per-call overhead (about 35 calls, ~40 us), so the lab's models take
the same steps with fewer calls:

* the parameters live in one flat array, of which `params` holds views, and the gradients in
  another: the update is one operation, `flat -= learning_rate * grads`, not two per array;
* the softmax output and its cross-entropy share e^(z - max z) and its column sums, which
  `models.softmax` and `models.softmax_cross_entropy` each compute;
* the gradients are written into their arrays (`out=`) instead of new ones.

Every element goes through the same floating-point operations as in `models.MLP`, in the same
order, so a run is bit for bit the run `train.train` gives with an MLP of the same seed
(tests/test_lab_models.py compares them at several b). Only the trainer's fast path is fused
(`loss_and_grads(..., check=False)`, `update(..., check=False)`); every other call is MLP's.
The gradients of a step are overwritten by the next step: use them before the next call.
"""

import numpy as np

from ..core.models import MLP, LinearRegression


class RunCancelled(Exception):
    """A run abandoned before its end: its `cancel` event was set (the slider moved on)."""


class _Cancellable:
    """A model whose training step raises RunCancelled once `cancel` (a threading.Event, or
    None: never) is set. Checked before every update's gradients and before every forward
    pass of an evaluation (the trainer evaluates the whole training set before the first
    update): a run stops within one update or one evaluation."""

    cancel = None

    def _check_cancel(self):
        if self.cancel is not None and self.cancel.is_set():
            raise RunCancelled("the run was cancelled")

    def loss_and_grads(self, X, Y, check=True):
        self._check_cancel()
        return super().loss_and_grads(X, Y, check)

    def forward(self, X):
        self._check_cancel()
        return super().forward(X)


class _Fused(_Cancellable):
    """The fused step, for ReLU hidden layers and a softmax or linear output."""

    def _fuse(self):
        if self.output not in ("softmax", "linear"):
            raise ValueError(f"the lab's fused step has softmax and linear outputs, not "
                             f"{self.output!r}")
        self._flat = self.get_flat()
        self._grad_flat = np.empty_like(self._flat)
        self.grads, k = {}, 0
        for name, p in list(self.params.items()):
            self.params[name] = self._flat[k : k + p.size].reshape(p.shape)
            self.grads["d" + name] = self._grad_flat[k : k + p.size].reshape(p.shape)
            k += p.size
        self._layers = [(self.params[f"W{l}"], self.params.get(f"b{l}"), self.grads[f"dW{l}"],
                         self.grads.get(f"db{l}")) for l in range(1, self.L + 1)]

    def get_flat(self) -> np.ndarray:
        flat = getattr(self, "_flat", None)
        return super().get_flat() if flat is None else flat.copy()

    def loss_and_grads(self, X, Y, check=True):
        if check:
            return super().loss_and_grads(X, Y, check)
        self._check_cancel()
        As = [X]
        for l, (W, b, _, _) in enumerate(self._layers, 1):  # models.affine_forward, relu_forward
            Z = W @ As[-1]
            if b is not None:
                Z += b
            if l < self.L:
                As.append(np.maximum(Z, 0, out=Z))
        m = Z.shape[1]
        if self.output == "softmax":  # models.softmax and softmax_cross_entropy, sharing e^z
            log_p = Z - np.maximum.reduce(Z, axis=0, keepdims=True)
            dZ = np.exp(log_p)
            total = np.add.reduce(dZ, axis=0, keepdims=True)  # = dZ.sum(...), one call less
            dZ /= total  # AL
            log_p -= np.log(total)
            log_p *= Y
            cost = float(-np.add.reduce(log_p, axis=None) / m)
            dZ -= Y
        else:  # models.squared_error, AL = ZL
            dZ = Z - Y
            err = dZ * dZ
            cost = float(np.add.reduce(err, axis=None) / (2 * m))
        dZ /= dZ.dtype.type(m)
        for l in range(self.L - 1, -1, -1):  # models.affine_backward and relu_backward
            W, _, dW, db = self._layers[l]
            np.dot(dZ, As[l].T, out=dW)
            if db is not None:
                np.add.reduce(dZ, axis=1, keepdims=True, out=db)
            if l > 0:
                dA = W.T @ dZ
                dA *= As[l] > 0
                dZ = dA
        return cost, self.grads

    def update(self, grads, learning_rate, check=True):
        if check or grads is not self.grads:
            return super().update(grads, learning_rate, check)
        self._flat -= learning_rate * self._grad_flat


class LabMLP(_Fused, MLP):
    """models.MLP (ReLU hidden layers, softmax or linear output), cancellable, fused step."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fuse()


class LabRegression(_Fused, LinearRegression):
    """models.LinearRegression, cancellable, fused step."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fuse()
