"""The training runs behind the lab's views, and the rate each mini-batch size uses.

Pure compute (numpy and the course's trainer; no widgets, no plotting), so that what the lab
shows can be tested without a browser:

* `LabRuns`: MNIST-1D with an MLP (cost curves, time per epoch) and the two-parameter
  regression of notebook 03 (the path), one run per (batch size, learning rate), computed the
  first time it is asked for and cached, so a slider value seen before answers at once; a run
  given a `cancel` event stops within one update once it is set (`RunCancelled`): the lab
  abandons the run of a value the slider has left (the models, with their fused step:
  `lab_models`);
* `scaled_rate`: the rate at b when the learning-rate slider sets it at a reference size b0
  and the rate is scaled with b (none, linear, square root: notebook 06);
"""

import math
import threading

import numpy as np

from ..core.data import load_mnist1d, make_regression_2d
from ..core.train import train
from ..core.validate import validate_bytes, validate_choice, validate_int, validate_real
from ..measure import memory
from .lab_models import LabMLP, LabRegression, RunCancelled  # noqa: F401 (RunCancelled: the lab's)

RATE_SCALINGS = ("none", "linear", "square root")
LAB_RATES = (1e-3, 10.0)  # the learning rates the lab runs, lowest and highest


def scaled_rate(learning_rate: float, batch_size: int, reference_batch_size: int,
                scaling: str = "none") -> float:
    """The learning rate used at b = batch_size when `learning_rate` is the rate at
    b0 = reference_batch_size: "none" the same rate at every b, "linear" rate x b / b0
    (Goyal et al. 2017), "square root" rate x sqrt(b / b0) (the rate that keeps the update's
    noise variance fixed)."""
    lr = validate_real("learning_rate", learning_rate, low=0, low_open=True)
    b = validate_int("batch_size", batch_size)
    b0 = validate_int("reference_batch_size", reference_batch_size)
    validate_choice("scaling", scaling, RATE_SCALINGS)
    if scaling == "linear":
        return lr * b / b0
    if scaling == "square root":
        return lr * math.sqrt(b / b0)
    return lr


def _cost(value: float) -> str:
    """A cost for the readout: 2.51, or 4.6 × 10^86 rather than 87 digits."""
    if value < 1e6:
        return f"{value:.2f}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} × 10^{int(exponent)}"


class LabRuns:
    """The runs behind the lab, cached by (batch size, learning rate).

    MNIST-1D with an MLP 40-hidden-10 for `epochs` epochs (cost curves, time per epoch), and
    the two-parameter regression of notebook 03 (m = 500) for `path_epochs` epochs (the path).
    The bounds on epochs, path_epochs and hidden keep a cold run interactive (under a second).
    """

    def __init__(self, epochs: int = 3, path_epochs: int = 20, hidden: int = 64, seed: int = 0):
        self.epochs = validate_int("epochs", epochs, high=20)
        self.path_epochs = validate_int("path_epochs", path_epochs, high=200)
        hidden = validate_int("hidden", hidden, high=1024)
        self.seed = validate_int("seed", seed, low=0)
        split = load_mnist1d()
        self.X, self.Y = split.X_train, split.Y_train  # (40, m), (10, m)
        self.m = self.X.shape[1]
        self.layer_dims = [40, hidden, 10]
        self.Xr, self.Yr, _ = make_regression_2d(m=500, correlation=0.8, noise=0.5, seed=0)
        self.m_path = self.Xr.shape[1]
        self.w_min = np.linalg.lstsq(self.Xr.T, self.Yr[0], rcond=None)[0]  # (2,)
        self.start = np.array([-1.0, -3.0])
        self._runs, self._memory = {}, {}
        self._computing = threading.Lock()  # one run computed at a time (see run)

    @property
    def batch_sizes(self) -> list[int]:
        """The sizes the lab's slider offers: powers of two up to m, and m (batch GD)."""
        return sorted({2**k for k in range(int(math.log2(self.m)) + 1)} | {self.m})

    def path_cost(self, w1, w2):
        """The regression's full training cost on a grid of (w1, w2) (arrays of one shape)."""
        w1, w2 = np.asarray(w1, float), np.asarray(w2, float)
        if w1.shape != w2.shape:
            raise ValueError(f"w1 and w2 must have the same shape, got {w1.shape} and "
                             f"{w2.shape}")
        err = w1[..., None] * self.Xr[0] + w2[..., None] * self.Xr[1] - self.Yr[0]
        return 0.5 * np.mean(err**2, axis=-1)

    def _key(self, batch_size, learning_rate) -> tuple:
        return (validate_int("batch_size", batch_size, high=self.m),
                validate_real("learning_rate", learning_rate, low=0, low_open=True))

    def run(self, batch_size: int, learning_rate: float, cancel=None) -> dict:
        """The two runs at this (b, rate): the MLP's costs and time, the regression's path.
        cancel: a threading.Event (or None); once it is set, a run being computed stops
        within one update and raises RunCancelled (nothing is cached).
        One run is computed at a time: a call from another thread waits for the run being
        computed (the lab's worker), so that no run's time per epoch is measured while
        another competes for the CPU. A cached run answers at once, without waiting."""
        key = self._key(batch_size, learning_rate)
        run = self._runs.get(key)
        if run is None:
            with self._computing:
                if key not in self._runs:  # computed by the thread waited for?
                    self._runs[key] = self._compute(*key, cancel)
                run = self._runs[key]
        return run

    def model(self) -> LabMLP:
        """A new MLP as every run starts it (the lab's model and seed): for a run of your
        own to compare with the lab's, on the same code."""
        return LabMLP(self.layer_dims, output="softmax", seed=self.seed)

    def is_cached(self, batch_size: int, learning_rate: float) -> bool:
        """True if run(batch_size, learning_rate) answers at once (computed before)."""
        return self._key(batch_size, learning_rate) in self._runs

    def _compute(self, b: int, lr: float, cancel=None) -> dict:
        model = self.model()
        model.cancel = cancel
        h = train(model, self.X, self.Y, b, lr, self.epochs, seed=self.seed)
        b_path = min(b, self.m_path)
        reg = LabRegression(2, bias=False)
        reg.cancel = cancel
        reg.set_flat(self.start)
        hp = train(reg, self.Xr, self.Yr, b_path, lr, self.path_epochs, seed=self.seed,
                   record_path=True)
        epochs_done = h.examples_seen / self.m
        # the course's notation in the readout: b = 1, not the argument's name
        message = h.message.replace(f"batch_size={b},", f"b = {b},")
        if not h.diverged and h.eval_cost[-1] > h.eval_cost[0]:
            message = (f"the cost grew from {h.eval_cost[0]:.2f} to {_cost(h.eval_cost[-1])}: "
                       f"learning rate {lr:g} is too large for b = {b:,}")
        path_grew = hp.diverged or hp.eval_cost[-1] > hp.eval_cost[0]
        return {
            "batch_size": b, "learning_rate": lr,
            "step_epochs": np.asarray(h.step_examples) / self.m,
            "step_cost": np.asarray(h.step_cost),
            "epoch_cost": np.asarray(h.epoch_cost),
            "final_cost": h.eval_cost[-1] if not h.diverged else math.inf,
            "diverged": h.diverged, "message": message,
            "seconds_per_epoch": h.seconds / epochs_done if epochs_done else math.nan,
            "updates_per_epoch": math.ceil(self.m / b),
            "path": np.asarray(hp.path), "path_batch_size": b_path,  # path: (updates + 1, 2)
            "path_message": ("the path runs away:\nthis rate is above what\nthe regression "
                             "tolerates" if path_grew else ""),
        }

    def memory(self, budget_bytes: int, batch_size: int) -> dict:
        """memory.budget_report for the MLP (float64) at this budget (whole bytes) and b."""
        key = (validate_bytes("budget_bytes", budget_bytes), validate_int("batch_size", batch_size))
        if key not in self._memory:
            self._memory[key] = memory.budget_report(self.layer_dims, key[0], self.m, key[1],
                                                     "float64", "softmax")
        return self._memory[key]

    def measured_speeds(self, learning_rate: float, scaling: str = "none",
                        reference_batch_size: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """(batch sizes, seconds per epoch) of the cached runs made with this slider rate:
        at each b, the rate scaled_rate(learning_rate, b, reference_batch_size, scaling)."""
        done = list(self._runs.items())  # one step: a worker thread may add a run meanwhile
        pts = sorted((b, r["seconds_per_epoch"]) for (b, lr), r in done
                     if lr == scaled_rate(learning_rate, b, reference_batch_size, scaling)
                     and np.isfinite(r["seconds_per_epoch"]))
        return np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
