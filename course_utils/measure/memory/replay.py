"""The replay: what one training step of models.MLP allocates and frees, array by array.

`step_memory` walks through one step (forward, cost, backward, update) in the order the code of
models.py allocates and frees its arrays, and keeps the peak with what is alive at that moment.
Each part below quotes, in its comments, the line of models.py it mirrors. Whether the replay
still matches the model is measured, not assumed: tests/test_memory_replay.py runs real steps
of models.MLP under tracemalloc and in a fresh process (VmHWM) and compares.

The textbook count (`textbook_bytes`: "Z and A per layer") ignores that during backward the
gradients of one layer's activations and the next are alive together, next to every cached
activation, and that some temporaries are alive at the peak, such as the update's `lr * dW`.
"""

from dataclasses import dataclass, field

import numpy as np

from ...core.validate import (
    validate_bool,
    validate_choice,
    validate_float_dtype,
    validate_int,
    validate_layer_dims,
)

CATEGORIES = ("parameters", "gradients", "optimizer state", "mini-batch", "activations",
              "activation gradients", "temporaries")
CATEGORY_NOTES = {"optimizer state": "0: plain GD keeps none"}  # why a category is empty
OUTPUTS = ("sigmoid", "softmax", "linear")
NUMPY_BUFFER = 8192  # elements: numpy's ufunc buffer, used when an in-place ufunc casts
# (bool -> float) or broadcasts (Z += b): min(size, 8192) elements, measured with tracemalloc
ARRAY_OBJECT = 112  # bytes of Python bookkeeping per live numpy array (measured, see tests)
# numpy before 2.3 also buffers the step's reductions (max and sum over the classes, the bias
# gradient's sum over the examples unless it is one row, the cost's sum over everything); 2.3
# rewrote buffered iteration. Measured on numpy 1.26.4,
# 2.0.2, 2.1.3 and 2.2.6 (buffered), 2.3.5 and 2.4.6 (not): tests/test_memory_replay.py.
REDUCTION_BUFFERED = np.lib.NumpyVersion(np.__version__) < "2.3.0"


@dataclass
class StepMemory:
    """The peak of one training step and what is alive at that moment (bytes)."""

    batch_size: int
    peak_bytes: int
    phase: str
    breakdown: dict = field(default_factory=dict)
    timeline: list = field(default_factory=list)  # (phase, live bytes) after every event
    peak_array: str = ""  # the array whose allocation reached the peak ("cast": ReLU's mask)

    def __str__(self):
        parts = ", ".join(f"{k} {v / 2**20:.2f} MiB" for k, v in self.breakdown.items() if v)
        peak = self.peak_bytes / 2**20
        return f"b = {self.batch_size}: peak {peak:.2f} MiB ({self.phase}): {parts}"


class _LiveArrays:
    """The arrays alive during the replay, by name; keeps the peak and a snapshot of it."""

    def __init__(self):
        self.live = {}  # name -> (category, bytes)
        self.peak, self.phase, self.snapshot, self.peak_array = -1, "", {}, ""
        self.timeline, self.last_phase = [], ""

    def total(self) -> int:
        return sum(v for _, v in self.live.values())

    def alloc(self, name, category, nbytes, phase):
        self.live[name] = (category, nbytes + ARRAY_OBJECT)
        total = self.total()
        self.timeline.append((phase, total))
        self.last_phase = phase
        if total > self.peak:
            self.peak, self.phase, self.peak_array = total, phase, name
            self.snapshot = {c: sum(v for k, v in self.live.values() if k == c) for c in CATEGORIES}

    def free(self, *names):
        for name in names:
            del self.live[name]
        self.timeline.append((self.last_phase, self.total()))

    def temporary(self, name, nbytes, phase):
        """An array made and freed within one line."""
        self.alloc(name, "temporaries", nbytes, phase)
        self.free(name)

    def buffer(self, n_elements, itemsize, phase):
        """numpy's ufunc buffer, made and freed by one in-place operation."""
        self.temporary("buffer", min(n_elements, NUMPY_BUFFER) * itemsize, phase)

    def reduction(self, n_elements, itemsize, phase):
        """max / sum along an axis: buffered before numpy 2.3."""
        if REDUCTION_BUFFERED:
            self.buffer(n_elements, itemsize, phase)


def _validate_model(layer_dims, dtype, output):
    dims = validate_layer_dims("layer_dims", layer_dims)
    validate_choice("output", output, OUTPUTS)
    if output == "softmax" and dims[-1] < 2:  # as models.MLP requires
        raise ValueError(f"output='softmax' needs at least 2 output units (layer_dims[-1]), "
                         f"got layer_dims={dims}")
    return dims, validate_float_dtype("dtype", dtype).itemsize


def step_memory(layer_dims, batch_size: int, dtype="float64", output="softmax",
                bias=True) -> StepMemory:
    """Peak bytes of one training step of models.MLP(layer_dims, output) at this batch size:
    loss_and_grads, then update. layer_dims: [n_x, n_1, ..., n_y]. dtype: "float32" or
    "float64". bias: False for a model without b's.
    """
    dims, s = _validate_model(layer_dims, dtype, output)
    b = validate_int("batch_size", batch_size)
    bias = validate_bool("bias", bias)
    L, n_y = len(dims) - 1, dims[-1]
    r = _LiveArrays()
    # Alive before the step: the parameters (MLP.__init__) and the mini-batch.
    for l in range(1, L + 1):
        r.alloc(f"W{l}", "parameters", dims[l] * dims[l - 1] * s, "before")
        if bias:
            r.alloc(f"b{l}", "parameters", dims[l] * s, "before")
    r.alloc("X", "mini-batch", dims[0] * b * s, "before")
    r.alloc("Y", "mini-batch", n_y * b * s, "before")
    # MLP.loss_and_grads: forward, then cost and backward on the same cache
    _forward(r, dims, b, s, output, bias)
    _cost(r, n_y, b, s, output)
    _backward(r, dims, b, s, bias)
    r.free("dZ", *[f"A{l}" for l in range(1, L + 1)])  # the cache goes when backward returns
    if output != "linear":
        r.free("AL")
    _update(r)
    return StepMemory(b, r.peak, r.phase, r.snapshot, r.timeline, r.peak_array)


def _forward(r, dims, b, s, output, bias):
    """MLP.forward. relu_forward works in place, so A_l is Z_l: one array per layer."""
    L, n = len(dims) - 1, dims[-1] * b  # n: elements of ZL and AL
    for l in range(1, L + 1):
        # affine_forward: Z = W @ A_prev, then Z += b (a broadcast, through numpy's buffer)
        r.alloc(f"A{l}", "activations", dims[l] * b * s, "forward")
        if bias:
            r.buffer(dims[l] * b, s, "forward")
        # relu_forward: np.maximum(Z, 0, out=Z), nothing new; the last layer's Z is ZL
    if output == "sigmoid":  # np.exp(-np.logaddexp(0, -Z)): each call makes a new array
        r.alloc("-Z", "temporaries", n * s, "forward")
        r.alloc("logaddexp", "temporaries", n * s, "forward")
        r.free("-Z")
        r.alloc("-logaddexp", "temporaries", n * s, "forward")
        r.free("logaddexp")
        r.alloc("AL", "activations", n * s, "forward")
        r.free("-logaddexp")
    elif output == "softmax":
        # E = np.exp(Z - Z.max(axis=0, keepdims=True))
        r.alloc("max", "temporaries", b * s, "forward")
        r.reduction(n, s, "forward")
        r.alloc("Z-max", "temporaries", n * s, "forward")
        r.free("max")
        r.alloc("AL", "activations", n * s, "forward")
        r.free("Z-max")
        # E /= E.sum(axis=0, keepdims=True)
        r.alloc("sum", "temporaries", b * s, "forward")
        r.reduction(n, s, "forward")
        r.buffer(n, s, "forward")
        r.free("sum")
    # linear: AL is ZL, nothing new


def _cost(r, n_y, b, s, output):
    """MLP.cost: the cost function of the output, from ZL."""
    n = n_y * b
    if output == "sigmoid":  # sigmoid_cross_entropy
        # loss = np.logaddexp(0, Z); loss -= Y * Z
        r.alloc("loss", "temporaries", n * s, "cost")
        r.temporary("Y*Z", n * s, "cost")
        r.reduction(n, s, "cost")  # np.sum(loss)
        r.free("loss")
    elif output == "softmax":  # softmax_cross_entropy
        # log_p = Z - Z.max(axis=0, keepdims=True)
        r.alloc("max", "temporaries", b * s, "cost")
        r.reduction(n, s, "cost")
        r.alloc("log_p", "temporaries", n * s, "cost")
        r.free("max")
        # log_p -= np.log(np.sum(np.exp(log_p), axis=0, keepdims=True))
        r.alloc("exp", "temporaries", n * s, "cost")
        r.alloc("sum", "temporaries", b * s, "cost")
        r.reduction(n, s, "cost")
        r.free("exp")
        r.alloc("log", "temporaries", b * s, "cost")
        r.free("sum")
        r.buffer(n, s, "cost")
        r.free("log")
        # log_p *= Y
        r.buffer(n, s, "cost")
        r.reduction(n, s, "cost")  # np.sum(log_p)
        r.free("log_p")
    else:  # squared_error: err = Z - Y, then err *= err in place, then np.sum(err)
        r.alloc("err", "temporaries", n * s, "cost")
        r.reduction(n, s, "cost")
        r.free("err")


def _backward(r, dims, b, s, bias):
    """MLP.backward: every cached activation stays alive; dZ of layer l and dA of layer l-1
    overlap. dZ is still alive when this returns."""
    L, n_y = len(dims) - 1, dims[-1]
    # dZ = AL - Y, then dZ /= m in place
    r.alloc("dZ", "activation gradients", n_y * b * s, "backward")
    for l in range(L, 0, -1):
        # affine_backward: dW = np.dot(dZ, A_prev.T)
        r.alloc(f"dW{l}", "gradients", dims[l] * dims[l - 1] * s, "backward")
        if bias:  # db = dZ.sum(axis=1, keepdims=True); one row is summed unbuffered
            r.alloc(f"db{l}", "gradients", dims[l] * s, "backward")
            if dims[l] > 1:
                r.reduction(dims[l] * b, s, "backward")
        if l > 1:
            n = dims[l - 1] * b
            # dA_prev = W.T @ dZ
            r.alloc("dA", "activation gradients", n * s, "backward")
            # relu_backward: dA *= A > 0, a mask of one byte per element, cast through a buffer
            r.alloc("mask", "temporaries", n, "backward")
            r.alloc("cast", "temporaries", min(n, NUMPY_BUFFER) * s, "backward")
            r.free("mask", "cast", "dZ")
            # dZ = relu_backward(dA_prev, ...): dA becomes dZ
            r.live["dZ"] = r.live.pop("dA")


def _update(r):
    """MLP.update: p -= learning_rate * grads["d" + name], one temporary per parameter."""
    for name in [k for k in r.live if r.live[k][0] == "parameters"]:
        r.temporary("lr*d" + name, r.live["d" + name][1] - ARRAY_OBJECT, "update")


def textbook_bytes(layer_dims, batch_size: int, dtype="float64") -> int:
    """The textbook count: parameters, their gradients, the mini-batch, and Z and A per layer.
    It misses the activation gradients alive during backward and the temporaries."""
    dims = validate_layer_dims("layer_dims", layer_dims)
    b = validate_int("batch_size", batch_size)
    s = validate_float_dtype("dtype", dtype).itemsize
    P = sum(n * (p + 1) for p, n in zip(dims[:-1], dims[1:]))
    return (2 * P + (dims[0] + dims[-1]) * b + 2 * sum(dims[1:]) * b) * s
