"""Models in the source's notation: W1, b1, ..., WL, bL; examples are columns.

One implementation, `MLP`, covers every model of the course: with no hidden layer it *is*
logistic regression (sigmoid output), softmax regression (softmax output) or linear
regression (linear output); `LogisticRegression`, `SoftmaxRegression` and `LinearRegression`
just build those. Hidden layers use ReLU.

The layers are small functions, in forward/backward pairs (as in Stanford's cs231n):

    affine_forward / affine_backward     Z = W A_prev + b
    relu_forward / relu_backward         A = max(Z, 0)
    sigmoid, softmax                     the output AL from ZL (linear: AL = ZL)
    sigmoid_cross_entropy, softmax_cross_entropy, squared_error    the mean cost, from ZL

Every output's cost has the same gradient with respect to ZL: dZL = (AL - Y) / m.
MLP strings the layers together:

    AL, cache = model.forward(X)        # X (n_x, m) -> AL (n_y, m)
    J = model.cost(Y, cache)            # float, the mean cost over the m examples
    grads = model.backward(Y, cache)    # {"dW1": ..., "db1": ..., ...}, same shapes as params
    model.update(grads, learning_rate)  # W := W - learning_rate * dW, in place

A few operations work in place (`+=`, `out=`) where a new array would be as large as a layer:
the memory a step needs is what course_utils.memory counts, and tests/test_memory_replay.py
measures it.

Inputs are checked, cheaply, on every call: X and Y must be numpy arrays of the model's dtype
(float32 or float64) with the model's n_x and n_y rows. The trainer checks the whole data set
once and then steps with `loss_and_grads(..., check=False)` and `update(..., check=False)`:
the same numbers, without a few microseconds of checks on each of thousands of updates.
Nothing is converted: a float64 X for a float32 model is refused rather than silently
computed in another precision
(`train.train` converts the data once, on purpose). `validate_labels` checks the values of Y
(0/1 for sigmoid, one-hot for softmax); the trainer runs it once on the whole data set.
"""

import numpy as np

from .validate import (
    validate_bool,
    validate_choice,
    validate_finite_array,
    validate_float_dtype,
    validate_layer_dims,
    validate_positive_float,
    validate_seed,
)

OUTPUTS = ("sigmoid", "softmax", "linear")


# ---- layers ---------------------------------------------------------------------------------

def affine_forward(A_prev, W, b=None):
    """Z = W A_prev + b: (n, n_prev) @ (n_prev, m) -> (n, m); b (n, 1), or None for no bias."""
    Z = W @ A_prev
    if b is not None:
        Z += b  # in place: a second (n, m) array would double the layer's memory
    return Z


def affine_backward(dZ, A_prev, W, bias=True, input_grad=True):
    """Gradients of Z = W A_prev + b, given dZ (n, m): (dA_prev, dW, db).

    db is None without a bias; dA_prev is None for input_grad=False (the first layer: the
    input X needs no gradient, and it would be an (n_x, m) array).
    """
    # np.dot, not @: with m = 1 this is an outer product, for which numpy's matmul skips BLAS
    # and runs ~10x slower (measured: 198 us against 19 us for 256 x 784).
    dW = np.dot(dZ, A_prev.T)
    db = dZ.sum(axis=1, keepdims=True) if bias else None
    dA_prev = W.T @ dZ if input_grad else None
    return dA_prev, dW, db


def relu_forward(Z):
    """A = max(Z, 0), written over Z: backward needs only A (where A > 0, Z > 0)."""
    return np.maximum(Z, 0, out=Z)


def relu_backward(dA, A):
    """dZ = dA * relu'(Z), where relu'(Z) is 1 where A > 0, else 0; written over dA."""
    dA *= A > 0
    return dA


def sigmoid(Z):
    """1 / (1 + e^-z), computed as exp(-log(1 + e^-z)): no overflow for any z."""
    return np.exp(-np.logaddexp(0, -Z))


def softmax(Z):
    """e^z / sum of e^z, column by column; the column's max is taken off first (the result is
    the same, and e^z cannot overflow)."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    E /= E.sum(axis=0, keepdims=True)
    return E


def sigmoid_cross_entropy(Z, Y) -> float:
    """Mean of -[y log a + (1-y) log(1-a)], a = sigmoid(z); from z as log(1 + e^z) - y z,
    so that no log(0) can occur."""
    loss = np.logaddexp(0, Z)
    loss -= Y * Z
    return float(loss.sum() / Z.shape[1])


def softmax_cross_entropy(Z, Y) -> float:
    """Mean of -sum_k y_k log a_k, a = softmax(z); from z as z_k - log sum_j e^z_j (shifted by
    the column's max), so that no log(0) can occur."""
    log_p = Z - Z.max(axis=0, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=0, keepdims=True))
    log_p *= Y
    return float(-log_p.sum() / Z.shape[1])


def squared_error(Z, Y) -> float:
    """(1/2m) * sum of (z - y)^2: the cost of a linear output (AL = ZL)."""
    err = Z - Y
    err *= err
    return float(err.sum() / (2 * Z.shape[1]))


ACTIVATIONS = {"sigmoid": sigmoid, "softmax": softmax, "linear": lambda Z: Z}
COSTS = {"sigmoid": sigmoid_cross_entropy, "softmax": softmax_cross_entropy,
         "linear": squared_error}


# ---- the model ------------------------------------------------------------------------------

class MLP:
    """An L-layer network: (L-1) ReLU hidden layers, then a sigmoid, softmax or linear output.

    layer_dims: [n_x, n_1, ..., n_y]. output: "sigmoid", "softmax" or "linear", exactly.
    He initialisation (weights ~ N(0, 2 / n_prev)) from `seed` (an int or a numpy Generator);
    biases start at 0. dtype: np.float64 (default), np.float32, "float64" or "float32";
    X and Y must be in the same dtype (the trainer converts them once).
    bias=False drops the b's, e.g. for a two-parameter problem whose cost can be drawn.
    """

    def __init__(self, layer_dims, output="sigmoid", dtype=np.float64, seed=0, bias=True):
        self.layer_dims = validate_layer_dims("layer_dims", layer_dims)
        validate_choice("output", output, OUTPUTS)
        if output == "softmax" and self.layer_dims[-1] < 2:
            raise ValueError(f"output='softmax' needs at least 2 output units (layer_dims[-1]), "
                             f"got layer_dims {self.layer_dims}")
        self.dtype = validate_float_dtype("dtype", dtype)
        validate_seed("seed", seed)
        self.output = output
        self.bias = validate_bool("bias", bias)
        self.L = len(self.layer_dims) - 1
        rng = np.random.default_rng(seed)
        self.params = {}
        for l in range(1, self.L + 1):
            n_prev, n = self.layer_dims[l - 1], self.layer_dims[l]
            W = rng.standard_normal((n, n_prev)) * np.sqrt(2.0 / n_prev)
            self.params[f"W{l}"] = W.astype(self.dtype)
            if bias:
                self.params[f"b{l}"] = np.zeros((n, 1), dtype=self.dtype)

    def __repr__(self):
        return f"MLP({self.layer_dims}, output={self.output!r}, dtype={self.dtype.name})"

    @property
    def num_params(self) -> int:
        return sum(p.size for p in self.params.values())

    def forward(self, X):
        """X (n_x, m) -> (AL (n_y, m), cache). cache = ([A0=X, A1, ..., A(L-1)], ZL, AL)."""
        self.validate_X(X)
        return self._forward(X)

    def _forward(self, X):  # forward without the checks
        As = [X]
        for l in range(1, self.L + 1):
            Z = affine_forward(As[-1], self.params[f"W{l}"], self.params.get(f"b{l}"))
            if l < self.L:
                As.append(relu_forward(Z))
        AL = ACTIVATIONS[self.output](Z)
        return AL, (As, Z, AL)

    def cost(self, Y, cache) -> float:
        """Mean cost over the examples of the forward pass that made `cache`. Y: (n_y, m)."""
        _, ZL, _ = cache
        self.validate_Y(Y, ZL.shape[1])
        return COSTS[self.output](ZL, Y)

    def backward(self, Y, cache) -> dict:
        """Gradients of the cost: {"dW1": (n_1, n_x), "db1": (n_1, 1), ...}."""
        self.validate_Y(Y, cache[1].shape[1])
        return self._backward(Y, cache)

    def _backward(self, Y, cache):  # backward without the checks
        As, ZL, AL = cache
        m = ZL.shape[1]
        dZ = AL - Y  # (n_y, m): the same for all three outputs and their costs
        dZ /= dZ.dtype.type(m)  # m in dZ's dtype: numpy 1.x computes a float32 array divided
        # by an int >= 65536 in float64, through a buffer (numpy 2 casts the int to float32)
        grads = {}
        for l in range(self.L, 0, -1):
            dA_prev, grads[f"dW{l}"], db = affine_backward(
                dZ, As[l - 1], self.params[f"W{l}"], self.bias, input_grad=l > 1)
            if self.bias:
                grads[f"db{l}"] = db
            if l > 1:
                dZ = relu_backward(dA_prev, As[l - 1])
        return grads

    def update(self, grads, learning_rate: float, check: bool = True) -> None:
        """One gradient-descent step, in place: p := p - learning_rate * dp.
        check=False skips the argument checks, for a caller that made them once (the trainer:
        grads from backward, a rate it checked); the numbers are the same either way."""
        if check:
            validate_positive_float("learning_rate", learning_rate)
            self.validate_grads(grads)
        for name, p in self.params.items():
            p -= learning_rate * grads["d" + name]

    def loss_and_grads(self, X, Y, check: bool = True):
        """(cost, grads) for one mini-batch: forward, cost and backward together.
        check=False skips the shape and dtype checks of X and Y, for a caller that checked
        the whole data set once (the trainer, on every step); the numbers are the same."""
        if check:
            _, cache = self.forward(X)
            return self.cost(Y, cache), self.backward(Y, cache)
        _, cache = self._forward(X)
        return COSTS[self.output](cache[1], Y), self._backward(Y, cache)

    def predict(self, X):
        """One column per example, as X: (1, m) 0/1 labels for sigmoid, (1, m) class indices
        for softmax, AL (n_y, m) for linear."""
        AL, _ = self.forward(X)
        if self.output == "sigmoid":
            return (AL > 0.5).astype(int)
        if self.output == "softmax":
            return AL.argmax(axis=0, keepdims=True)
        return AL

    def accuracy(self, X, Y) -> float:
        """Fraction of examples classified correctly (classification outputs only).
        Y: 0/1 labels (1, m) for sigmoid, one-hot (n_y, m) for softmax, in the model's dtype."""
        if self.output == "linear":
            raise ValueError("accuracy is defined for sigmoid and softmax outputs, not linear")
        self.validate_Y(Y, self.validate_X(X))
        self.validate_labels(Y)
        truth = Y.argmax(axis=0, keepdims=True) if self.output == "softmax" else Y
        return float(np.mean(self.predict(X) == truth))

    def get_flat(self) -> np.ndarray:
        """All parameters as one vector (a copy), in the order of self.params."""
        return np.concatenate([p.ravel() for p in self.params.values()])

    def set_flat(self, theta) -> None:
        """Set all parameters from one vector laid out as get_flat() returns it.
        theta: (num_params,) finite numbers; floats must be in the model's dtype."""
        theta = np.asarray(theta)
        if theta.dtype.kind not in "iuf" or (theta.dtype.kind == "f" and theta.dtype != self.dtype):
            raise TypeError(f"theta must hold numbers of the model's dtype {self.dtype.name}, "
                            f"got {theta.dtype.name} (nothing is converted silently)")
        if theta.shape != (self.num_params,):
            raise ValueError(f"theta must have shape ({self.num_params},), got {theta.shape}")
        validate_finite_array("theta", theta)
        k = 0
        for p in self.params.values():
            p[...] = theta[k : k + p.size].reshape(p.shape)
            k += p.size

    # ---- argument checks (shape and dtype only: they run on every step) --------------------

    def validate_X(self, X, name: str = "X") -> int:
        """Raise unless X is an (n_x, m) array of the model's dtype with m >= 1; return m."""
        n_x = self.layer_dims[0]
        if not isinstance(X, np.ndarray):
            raise TypeError(f"{name} must be a numpy array of shape (n_x={n_x}, m), got "
                            f"{type(X).__name__}")
        if X.ndim != 2 or X.shape[0] != n_x or X.shape[1] == 0:
            raise ValueError(f"{name} must have shape (n_x={n_x}, m) with m >= 1, examples as "
                             f"columns; got {X.shape}")
        self._validate_dtype(X, name)
        return X.shape[1]

    def validate_Y(self, Y, m: int, name: str = "Y") -> None:
        """Raise unless Y is an (n_y, m) array of the model's dtype."""
        n_y = self.layer_dims[-1]
        if not isinstance(Y, np.ndarray):
            raise TypeError(f"{name} must be a numpy array of shape (n_y={n_y}, m={m}), got "
                            f"{type(Y).__name__}")
        if Y.shape != (n_y, m):
            raise ValueError(f"{name} must have shape (n_y={n_y}, m={m}), got {Y.shape}")
        self._validate_dtype(Y, name)

    def _validate_dtype(self, A, name):
        if A.dtype != self.dtype:
            raise TypeError(f"{name} must have the model's dtype {self.dtype.name}, got "
                            f"{A.dtype.name}: convert it once, {name}.astype(np.{self.dtype.name})"
                            " (nothing is converted silently)")

    def validate_labels(self, Y, name: str = "Y") -> None:
        """Raise unless the values of Y fit the output: 0 or 1 for sigmoid, one-hot columns for
        softmax (data.one_hot makes them), finite numbers for linear. A pass over Y."""
        validate_finite_array(name, Y)
        if self.output == "linear":
            return
        bad = np.argwhere((Y != 0) & (Y != 1))
        if bad.size:
            i, j = (int(k) for k in bad[0])
            raise ValueError(f"{name} must hold labels 0 or 1 for output={self.output!r}; "
                             f"{name}[{i}, {j}] = {float(Y[i, j])!r}")
        if self.output == "softmax":
            ones = np.count_nonzero(Y, axis=0)
            if np.any(ones != 1):
                j = int(np.argmax(ones != 1))
                raise ValueError(f"{name} must be one-hot for output='softmax' (a single 1 in each "
                                 f"column; data.one_hot makes it); column {j} holds {ones[j]} ones")

    def validate_grads(self, grads) -> None:
        """Raise unless grads has a "d" + name entry of each parameter's shape and dtype."""
        if not isinstance(grads, dict):
            raise TypeError(f"grads must be a dict like backward() returns, got "
                            f"{type(grads).__name__}")
        for name, p in self.params.items():
            g = grads.get("d" + name)
            if not isinstance(g, np.ndarray) or g.shape != p.shape or g.dtype != p.dtype:
                got = "missing" if g is None else getattr(g, "shape", type(g).__name__)
                raise ValueError(f"grads['d{name}'] must be an array of shape {p.shape} and "
                                 f"dtype {p.dtype.name}, got {got}"
                                 + (f" {g.dtype.name}" if isinstance(g, np.ndarray) else ""))


class LogisticRegression(MLP):
    """Binary logistic regression: MLP([n_x, 1]) with a sigmoid output."""

    def __init__(self, n_x, dtype=np.float64, seed=0):
        super().__init__([n_x, 1], output="sigmoid", dtype=dtype, seed=seed)


class SoftmaxRegression(MLP):
    """Multi-class (softmax) regression: MLP([n_x, n_classes]) with a softmax output."""

    def __init__(self, n_x, n_classes, dtype=np.float64, seed=0):
        super().__init__([n_x, n_classes], output="softmax", dtype=dtype, seed=seed)


class LinearRegression(MLP):
    """Least-squares linear regression: MLP([n_x, 1]) with a linear output."""

    def __init__(self, n_x, dtype=np.float64, seed=0, bias=True):
        super().__init__([n_x, 1], output="linear", dtype=dtype, seed=seed, bias=bias)
