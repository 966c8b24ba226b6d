"""Models in the source's notation: W1, b1, ..., WL, bL; examples are columns.

One implementation, `MLP`, covers every model of the course: with no hidden layer it *is*
logistic regression (sigmoid output), softmax regression (softmax output) or linear
regression (linear output); `LogisticRegression`, `SoftmaxRegression` and `LinearRegression`
just build those. Hidden layers use ReLU.

    AL, cache = model.forward(X)        # X (n_x, m) -> AL (n_y, m)
    J = model.cost(Y, cache)            # float, the mean cost over the m examples
    grads = model.backward(Y, cache)    # {"dW1": ..., "db1": ..., ...}, same shapes as params
    model.update(grads, learning_rate)  # W := W - learning_rate * dW, in place

Costs: cross-entropy for sigmoid and softmax outputs, (1/2m) * sum of squared errors for a
linear output. All three give the same output gradient dZL = (AL - Y) / m.
"""

import numpy as np

from ._checks import check_int, check_seed

OUTPUTS = ("sigmoid", "softmax", "linear")


class MLP:
    """An L-layer network: (L-1) ReLU hidden layers, then a sigmoid, softmax or linear output.

    layer_dims: [n_x, n_1, ..., n_y]. He initialisation (weights ~ N(0, 2 / n_prev)) from
    `seed` (an int or a numpy Generator); biases start at 0. dtype: float64 (default) or
    float32; inputs are expected in the same dtype (the trainer converts them once).
    bias=False drops the b's, e.g. for a two-parameter problem whose cost can be drawn.
    """

    def __init__(self, layer_dims, output="sigmoid", dtype=np.float64, seed=0, bias=True):
        if len(layer_dims) < 2:
            raise ValueError(f"layer_dims needs at least [n_x, n_y], got {layer_dims!r}")
        self.layer_dims = [check_int(f"layer_dims[{i}]", n) for i, n in enumerate(layer_dims)]
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}, got {output!r}")
        if output == "softmax" and self.layer_dims[-1] < 2:
            raise ValueError("output='softmax' needs at least 2 output units (layer_dims[-1])")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        check_seed("seed", seed)
        self.output = output
        self.bias = bias
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
        if X.ndim != 2 or X.shape[0] != self.layer_dims[0]:
            raise ValueError(
                f"X must have shape (n_x={self.layer_dims[0]}, m), examples as columns; "
                f"got {X.shape}"
            )
        As = [X]
        A = X
        for l in range(1, self.L + 1):
            Z = self.params[f"W{l}"] @ A  # (n_l, m)
            if self.bias:
                Z += self.params[f"b{l}"]
            if l < self.L:
                A = np.maximum(Z, 0, out=Z)  # ReLU in place: backward only needs A > 0
                As.append(A)
        ZL = Z
        if self.output == "sigmoid":  # 1 / (1 + e^-z) = exp(-log(1 + e^-z)), in one array
            AL = np.negative(ZL)
            np.logaddexp(0, AL, out=AL)
            np.negative(AL, out=AL)
            np.exp(AL, out=AL)
        elif self.output == "softmax":
            ZL -= ZL.max(axis=0, keepdims=True)  # shift for stability; softmax is unchanged
            AL = np.exp(ZL)
            AL /= AL.sum(axis=0, keepdims=True)
        else:
            AL = ZL
        return AL, (As, ZL, AL)

    def cost(self, Y, cache) -> float:
        """Mean cost over the examples of the forward pass that made `cache`. Y: (n_y, m)."""
        _, ZL, AL = cache
        m = ZL.shape[1]
        if Y.shape != ZL.shape:
            raise ValueError(f"Y must have shape {ZL.shape} (n_y, m), got {Y.shape}")
        # Each branch makes one (n_y, m) temporary and updates it in place, so the memory a
        # step needs is the same on every platform (course_utils.memory counts it).
        if self.output == "sigmoid":
            # -[y log a + (1-y) log(1-a)] = log(1 + e^z) - y z, computed from z: no log(0)
            loss = np.logaddexp(0, ZL)
            loss -= Y * ZL
            return float(np.sum(loss) / m)
        if self.output == "softmax":
            log_sum = np.log(np.sum(np.exp(ZL), axis=0, keepdims=True))  # (1, m), ZL shifted
            log_p = ZL - log_sum  # log of the predicted probabilities
            log_p *= Y
            return float(-np.sum(log_p) / m)
        err = AL - Y
        err *= err
        return float(np.sum(err) / (2 * m))

    def backward(self, Y, cache) -> dict:
        """Gradients of the cost: {"dW1": (n_1, n_x), "db1": (n_1, 1), ...}."""
        As, ZL, AL = cache
        m = ZL.shape[1]
        dZ = AL - Y.astype(AL.dtype, copy=False)  # (n_y, m), same form for all three outputs
        dZ /= m
        grads = {}
        for l in range(self.L, 0, -1):
            A_prev = As[l - 1]
            # np.dot, not @: with b = 1 this is an outer product, for which numpy's matmul
            # skips BLAS and runs ~10x slower (measured: 198 us against 19 us for 256 x 784).
            grads[f"dW{l}"] = np.dot(dZ, A_prev.T)
            if self.bias:
                grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True)
            if l > 1:  # no gradient for the input X itself
                dA_prev = self.params[f"W{l}"].T @ dZ
                dA_prev *= A_prev > 0  # ReLU'(Z) is 1 where A > 0, else 0
                dZ = dA_prev
        return grads

    def update(self, grads, learning_rate: float) -> None:
        """One gradient-descent step, in place: p := p - learning_rate * dp."""
        for name, p in self.params.items():
            p -= learning_rate * grads["d" + name]

    def loss_and_grads(self, X, Y):
        """(cost, grads) for one mini-batch: forward, cost and backward together."""
        _, cache = self.forward(X)
        return self.cost(Y, cache), self.backward(Y, cache)

    def predict(self, X):
        """Class predictions: (1, m) 0/1 for sigmoid, (m,) labels for softmax, AL for linear."""
        AL, _ = self.forward(X)
        if self.output == "sigmoid":
            return (AL > 0.5).astype(int)
        if self.output == "softmax":
            return AL.argmax(axis=0)
        return AL

    def accuracy(self, X, Y) -> float:
        """Fraction of examples classified correctly (classification outputs only)."""
        if self.output == "linear":
            raise ValueError("accuracy is defined for sigmoid and softmax outputs, not linear")
        pred = self.predict(X)
        truth = Y.argmax(axis=0) if self.output == "softmax" else Y
        return float(np.mean(pred == truth))

    def get_flat(self) -> np.ndarray:
        """All parameters as one vector (a copy), in the order of self.params."""
        return np.concatenate([p.ravel() for p in self.params.values()])

    def set_flat(self, theta) -> None:
        """Set all parameters from one vector laid out as get_flat() returns it."""
        theta = np.asarray(theta)
        if theta.shape != (self.num_params,):
            raise ValueError(f"theta must have shape ({self.num_params},), got {theta.shape}")
        k = 0
        for p in self.params.values():
            p[...] = theta[k : k + p.size].reshape(p.shape)
            k += p.size


def LogisticRegression(n_x, dtype=np.float64, seed=0):
    """Binary logistic regression: MLP([n_x, 1]) with a sigmoid output."""
    return MLP([n_x, 1], output="sigmoid", dtype=dtype, seed=seed)


def SoftmaxRegression(n_x, n_classes, dtype=np.float64, seed=0):
    """Multi-class (softmax) regression: MLP([n_x, n_classes]) with a softmax output."""
    return MLP([n_x, n_classes], output="softmax", dtype=dtype, seed=seed)


def LinearRegression(n_x, dtype=np.float64, seed=0, bias=True):
    """Least-squares linear regression: MLP([n_x, 1]) with a linear output."""
    return MLP([n_x, 1], output="linear", dtype=dtype, seed=seed, bias=bias)
