"""The replay: what one training step of models.MLP allocates and frees, array by array.

`step_memory` walks through one step (forward, cost, backward, update) in the order the code of
models.MLP allocates and frees its arrays, and keeps the peak with what is alive at that moment.
MIRRORS lists the lines of models.py that each part of the replay mirrors; a test fails when
those functions change (course_utils.memory.mirror), so that the replay is reviewed with them.

The textbook count (`textbook_bytes`: "Z and A per layer") ignores that during backward the
gradients of one layer's activations and the next are alive together, next to every cached
activation, and that some temporaries are alive at the peak, such as the update's `lr * dW`.
"""

from dataclasses import dataclass, field

import numpy as np

from .._checks import check_bool, check_choice, check_float_dtype, check_int, check_layer_dims

CATEGORIES = ("parameters", "gradients", "optimizer state", "mini-batch", "activations",
              "activation gradients", "temporaries")
CATEGORY_NOTES = {"optimizer state": "0: plain GD keeps none"}  # why a category is empty
OUTPUTS = ("sigmoid", "softmax", "linear")
OPTIMIZER_SLOTS = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2}  # copies of the params
NUMPY_BUFFER = 8192  # elements: numpy's ufunc buffer, used when an in-place ufunc casts
# (bool -> float) or broadcasts (Z += b): min(size, 8192) elements, measured with tracemalloc
ARRAY_OBJECT = 112  # bytes of Python bookkeeping per live numpy array (measured, see tests)
# numpy before 2.3 also buffers the step's reductions (max and sum over the classes, the bias
# gradient's sum over the examples); 2.3 rewrote buffered iteration. Measured on numpy 1.26.4,
# 2.0.2, 2.1.3 and 2.2.6 (buffered), 2.3.5 and 2.4.6 (not): tests/test_memory_replay.py.
REDUCTION_BUFFERED = np.lib.NumpyVersion(np.__version__) < "2.3.0"

# The lines of models.py the replay mirrors, function by function: each allocates, frees or
# updates in place an array of the step. The replay below cites them in its comments.
MIRRORS = {
    "MLP.__init__": (
        'self.params[f"W{l}"] = W.astype(self.dtype)',
        'self.params[f"b{l}"] = np.zeros((n, 1), dtype=self.dtype)',
    ),
    "MLP.loss_and_grads": (
        "_, cache = self.forward(X)",
        "return self.cost(Y, cache), self.backward(Y, cache)",
    ),
    "MLP.forward": (
        'Z = self.params[f"W{l}"] @ A',
        'Z += self.params[f"b{l}"]',
        "A = np.maximum(Z, 0, out=Z)",
        "AL = np.negative(ZL)",
        "ZL -= ZL.max(axis=0, keepdims=True)",
        "AL = np.exp(ZL)",
        "AL /= AL.sum(axis=0, keepdims=True)",
        "AL = ZL",
    ),
    "MLP.cost": (
        "loss = np.logaddexp(0, ZL)",
        "loss -= Y * ZL",
        "log_sum = np.log(np.sum(np.exp(ZL), axis=0, keepdims=True))",
        "log_p = ZL - log_sum",
        "log_p *= Y",
        "err = AL - Y",
        "err *= err",
    ),
    "MLP.backward": (
        "dZ = AL - Y.astype(AL.dtype, copy=False)",
        "dZ /= m",
        'grads[f"dW{l}"] = np.dot(dZ, A_prev.T)',
        'grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)',
        'dA_prev = self.params[f"W{l}"].T @ dZ',
        "dA_prev *= A_prev > 0",
        "dZ = dA_prev",
    ),
    "MLP.update": (
        'p -= learning_rate * grads["d" + name]',
    ),
}
# What the code of these functions was when the replay was last checked against it (a digest
# of their code, see course_utils.memory.mirror), with the checks they call on every step.
# __init__ is left out: the two lines above are all the replay needs from it.
REVIEWED_DIGESTS = {
    "MLP.loss_and_grads": "4a6e08dee51db82a",
    "MLP.forward": "f602b18b5a6debc6",
    "MLP.cost": "0c5ad33b1afec67f",
    "MLP.backward": "cc7db8aada3d01a1",
    "MLP.update": "02de4bafddfb63ba",
    "MLP.check_X": "c47c7fbd63bab779",
    "MLP.check_Y": "d88faade084be247",
    "MLP.check_grads": "67401a1e7b6b2ebf",
}


@dataclass
class StepMemory:
    """The peak of one training step and what is alive at that moment (bytes)."""

    batch_size: int
    peak_bytes: int
    phase: str
    breakdown: dict = field(default_factory=dict)
    timeline: list = field(default_factory=list)  # (phase, live bytes) after every event

    def __str__(self):
        parts = ", ".join(f"{k} {v / 2**20:.2f} MiB" for k, v in self.breakdown.items() if v)
        peak = self.peak_bytes / 2**20
        return f"b = {self.batch_size}: peak {peak:.2f} MiB ({self.phase}): {parts}"


class _LiveArrays:
    """The arrays alive during the replay, by name; keeps the peak and a snapshot of it."""

    def __init__(self):
        self.live = {}  # name -> (category, bytes)
        self.peak, self.phase, self.snapshot = -1, "", {}
        self.timeline, self.last_phase = [], ""

    def total(self) -> int:
        return sum(v for _, v in self.live.values())

    def alloc(self, name, category, nbytes, phase):
        self.live[name] = (category, nbytes + ARRAY_OBJECT)
        total = self.total()
        self.timeline.append((phase, total))
        self.last_phase = phase
        if total > self.peak:
            self.peak, self.phase = total, phase
            self.snapshot = {c: sum(v for k, v in self.live.values() if k == c) for c in CATEGORIES}

    def free(self, *names):
        for name in names:
            del self.live[name]
        self.timeline.append((self.last_phase, self.total()))

    def buffer(self, n_elements, itemsize, phase):
        """numpy's ufunc buffer, made and freed by one in-place operation."""
        self.alloc("buffer", "temporaries", min(n_elements, NUMPY_BUFFER) * itemsize, phase)
        self.free("buffer")


def _check_model(layer_dims, dtype, output, optimizer="sgd"):
    dims = check_layer_dims("layer_dims", layer_dims)
    check_choice("output", output, OUTPUTS)
    check_choice("optimizer", optimizer, OPTIMIZER_SLOTS)
    if output == "softmax" and dims[-1] < 2:  # as models.MLP requires
        raise ValueError(f"output='softmax' needs at least 2 output units (layer_dims[-1]), "
                         f"got layer_dims={dims}")
    return dims, check_float_dtype("dtype", dtype).itemsize


def step_memory(layer_dims, batch_size: int, dtype="float64", output="softmax",
                optimizer="sgd", bias=True) -> StepMemory:
    """Peak bytes of one training step of models.MLP(layer_dims, output) at this batch size.

    layer_dims: [n_x, n_1, ..., n_y]. dtype: "float32" or "float64". optimizer: "sgd" (what
    the course's trainer does) or, for comparison, "momentum", "rmsprop" or "adam", which keep
    1 or 2 more copies of the parameters. bias: False for a model without b's.
    """
    dims, s = _check_model(layer_dims, dtype, output, optimizer)
    b = check_int("batch_size", batch_size)
    bias = check_bool("bias", bias)
    L, n_y = len(dims) - 1, dims[-1]
    r = _LiveArrays()
    # Alive before the step: parameters, optimizer state and the mini-batch.
    for l in range(1, L + 1):
        # MLP.__init__: self.params[f"W{l}"] = W.astype(self.dtype)
        r.alloc(f"W{l}", "parameters", dims[l] * dims[l - 1] * s, "before")
        if bias:  # self.params[f"b{l}"] = np.zeros((n, 1), dtype=self.dtype)
            r.alloc(f"b{l}", "parameters", dims[l] * s, "before")
    for k in range(OPTIMIZER_SLOTS[optimizer]):
        r.alloc(f"opt{k}", "optimizer state", sum(dims[l] * (dims[l - 1] + bias)
                                                  for l in range(1, L + 1)) * s, "before")
    r.alloc("X", "mini-batch", dims[0] * b * s, "before")
    r.alloc("Y", "mini-batch", n_y * b * s, "before")
    # MLP.loss_and_grads: _, cache = self.forward(X)
    _forward(r, dims, b, s, output, bias)
    # return self.cost(Y, cache), self.backward(Y, cache): the cost's temporaries go first
    _cost(r, n_y, b, s, output)
    _backward(r, dims, b, s, bias)
    r.free("dZ", *[f"A{l}" for l in range(1, L + 1)])  # the cache goes when backward returns
    if output != "linear":
        r.free("AL")
    _update(r)
    return StepMemory(b, r.peak, r.phase, r.snapshot, r.timeline)


def _reduction_buffer(r, n_elements, s, phase):
    """max / sum along an axis: buffered before numpy 2.3."""
    if REDUCTION_BUFFERED:
        r.buffer(n_elements, s, phase)


def _forward(r, dims, b, s, output, bias):
    """MLP.forward. The ReLU works in place, so A_l is Z_l: one array per layer."""
    L, n_y = len(dims) - 1, dims[-1]
    for l in range(1, L + 1):
        # Z = self.params[f"W{l}"] @ A
        r.alloc(f"A{l}", "activations", dims[l] * b * s, "forward")
        if bias:  # Z += self.params[f"b{l}"]
            r.buffer(dims[l] * b, s, "forward")
        # A = np.maximum(Z, 0, out=Z): in place, nothing new; Z of the last layer is ZL
    if output == "sigmoid":  # AL = np.negative(ZL), then three ufuncs in place
        r.alloc("AL", "activations", n_y * b * s, "forward")
    elif output == "softmax":
        # ZL -= ZL.max(axis=0, keepdims=True)
        r.alloc("max", "temporaries", b * s, "forward")
        _reduction_buffer(r, n_y * b, s, "forward")
        r.buffer(n_y * b, s, "forward")
        r.free("max")
        # AL = np.exp(ZL)
        r.alloc("AL", "activations", n_y * b * s, "forward")
        # AL /= AL.sum(axis=0, keepdims=True)
        r.alloc("sum", "temporaries", b * s, "forward")
        _reduction_buffer(r, n_y * b, s, "forward")
        r.buffer(n_y * b, s, "forward")
        r.free("sum")
    # linear: AL = ZL, nothing new


def _cost(r, n_y, b, s, output):
    """MLP.cost: one (n_y, b) temporary, updated in place."""
    if output == "sigmoid":
        # loss = np.logaddexp(0, ZL)
        r.alloc("loss", "temporaries", n_y * b * s, "cost")
        # loss -= Y * ZL
        r.alloc("Y*Z", "temporaries", n_y * b * s, "cost")
        r.free("loss", "Y*Z")
    elif output == "softmax":
        # log_sum = np.log(np.sum(np.exp(ZL), axis=0, keepdims=True))
        r.alloc("exp", "temporaries", n_y * b * s, "cost")
        r.alloc("sum", "temporaries", b * s, "cost")
        _reduction_buffer(r, n_y * b, s, "cost")
        r.free("exp")
        r.alloc("log_sum", "temporaries", b * s, "cost")
        r.free("sum")
        # log_p = ZL - log_sum
        r.alloc("log_p", "temporaries", n_y * b * s, "cost")
        # log_p *= Y
        r.buffer(n_y * b, s, "cost")
        r.free("log_p", "log_sum")
    else:
        # err = AL - Y, then err *= err in place
        r.alloc("err", "temporaries", n_y * b * s, "cost")
        r.free("err")


def _backward(r, dims, b, s, bias):
    """MLP.backward: every cached activation stays alive; dZ of layer l and dA of layer l-1
    overlap. dZ is still alive when this returns."""
    L, n_y = len(dims) - 1, dims[-1]
    # dZ = AL - Y.astype(AL.dtype, copy=False), then dZ /= m in place
    r.alloc("dZ", "activation gradients", n_y * b * s, "backward")
    for l in range(L, 0, -1):
        # grads[f"dW{l}"] = np.dot(dZ, A_prev.T)
        r.alloc(f"dW{l}", "gradients", dims[l] * dims[l - 1] * s, "backward")
        if bias:  # grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)
            r.alloc(f"db{l}", "gradients", dims[l] * s, "backward")
            _reduction_buffer(r, dims[l] * b, s, "backward")
        if l > 1:
            n = dims[l - 1] * b
            # dA_prev = self.params[f"W{l}"].T @ dZ
            r.alloc("dA", "activation gradients", n * s, "backward")
            # dA_prev *= A_prev > 0: a mask of one byte per element, cast through a buffer
            r.alloc("mask", "temporaries", n, "backward")
            r.alloc("cast", "temporaries", min(n, NUMPY_BUFFER) * s, "backward")
            r.free("mask", "cast", "dZ")
            # dZ = dA_prev
            r.live["dZ"] = r.live.pop("dA")


def _update(r):
    """MLP.update: p -= learning_rate * grads["d" + name], one temporary per parameter."""
    for name in [k for k in r.live if r.live[k][0] == "parameters"]:
        r.alloc("lr*dp", "temporaries", r.live["d" + name][1] - ARRAY_OBJECT, "update")
        r.free("lr*dp")


def textbook_bytes(layer_dims, batch_size: int, dtype="float64") -> int:
    """The textbook count: parameters, their gradients, the mini-batch, and Z and A per layer.
    It misses the activation gradients alive during backward and the temporaries."""
    dims = check_layer_dims("layer_dims", layer_dims)
    b = check_int("batch_size", batch_size)
    s = check_float_dtype("dtype", dtype).itemsize
    P = sum(n * (p + 1) for p, n in zip(dims[:-1], dims[1:]))
    return (2 * P + (dims[0] + dims[-1]) * b + 2 * sum(dims[1:]) * b) * s
