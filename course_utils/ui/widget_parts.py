"""The pieces the lab and the explorers are built from: a slider with a box, and a dashboard.

* `SliderEntry`: a slider over a list of values plus a box to type an exact value; a typed
  value that is not allowed gives a message next to it and changes nothing (nothing is
  clipped silently). The slider is a SelectionSlider over exact values (sizes, rates, budgets
  in whole bytes), the starting value among them. A FloatLogSlider would not do: the browser
  rounds its value to the step and sends the rounded value back, so a budget of 16 MB with
  step 0.01 (decades) became 10^7.20 = 15.85 MB, and a rate of 0.25 became 10^-0.60 = 0.251;
* `make_size_input`, `make_rate_input`, `make_budget_input`: the three kinds the course uses;
* `Dashboard`: a VBox whose plain-text form says how to start it where no kernel runs.
"""

import math

import ipywidgets as W
import numpy as np

from ..core.validate import validate_callable, validate_real, validate_values
from .parsing import format_bytes, parse_batch_size, parse_bytes, parse_rate

SLIDER_WIDTH = "420px"


class Dashboard(W.VBox):
    """A VBox of widgets with a plain-text form that says what it is and how to start it.

    A viewer without a running kernel (GitHub, nbviewer, JupyterLab before "Run All") cannot
    show widgets and shows an output's text/plain instead: this text, not VBox(children=...).
    """

    def __init__(self, children, text: str):
        if not isinstance(text, str) or not text:
            raise TypeError(f"text must be a non-empty str, got {text!r}")
        super().__init__(children)
        self._plain_text = text

    def __repr__(self):
        return self._plain_text

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        data["text/plain"] = self._plain_text  # in full: Widget's own repr cuts at 110
        return data


def kernel_hint(name: str) -> str:
    """The text/plain of a Dashboard: what it is and how to get it running."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    return (f"{name}: the sliders appear when this cell runs in Jupyter (from the course's "
            f"folder: make lab, open this notebook, then Run ▸ Run All Cells).")


def nearest_on_log_scale(options, value):
    """The option nearest to value on a log scale (options and value > 0)."""
    return min(options, key=lambda o: abs(math.log(o) - math.log(value)))


class SliderEntry:
    """A slider over `options` and a box to type an exact value, with a message for values
    not allowed.

    options: increasing numbers > 0 (the slider's stops). value: the starting value, any
    number from options[0] to options[-1]; the slider shows the option nearest to it (on a
    log scale) and `value` keeps it exactly, as it keeps a typed value. parse: text -> value,
    raising ValueError with a message. fmt: value -> text for the box.
    on_change(callback): callback(value) with every accepted value, from the slider or the box.
    """

    def __init__(self, options, value, parse, fmt=str, description=""):
        options = validate_values("options", options, low=0, low_open=True)
        if np.any(np.diff(options) <= 0):
            raise ValueError(f"options must be increasing, got {options.tolist()}")
        validate_callable("parse", parse)
        validate_callable("fmt", fmt)
        self.low, self.high = options[0].item(), options[-1].item()
        value = validate_real("value", value, low=self.low, high=self.high)
        as_int = all(float(o).is_integer() for o in options)
        self.options = [int(o) if as_int else float(o) for o in options]
        self.parse, self.fmt = parse, fmt
        self.slider = W.SelectionSlider(
            options=self.options, value=nearest_on_log_scale(self.options, value),
            readout=False, continuous_update=True, layout=W.Layout(width=SLIDER_WIDTH))
        self.value = int(value) if as_int and value.is_integer() else value
        self.entry = W.Text(value=fmt(self.value), continuous_update=False,
                            layout=W.Layout(width="110px"))
        self.message = W.HTML()
        self.label = W.HTML(f"<b>{description}</b>", layout=W.Layout(width="190px"))
        self._callbacks = []
        self._quiet = False
        self.slider.observe(self._from_slider, names="value")
        self.entry.observe(self._from_entry, names="value")

    def on_change(self, callback):
        validate_callable("callback", callback)
        self._callbacks.append(callback)

    def _from_slider(self, change):
        if not self._quiet:
            self._accept(change["new"], move_slider=False)

    def _from_entry(self, change):
        if self._quiet:
            return
        try:
            value = self.parse(change["new"])
            if not self.low <= value <= self.high:
                raise ValueError(f"must be from {self.fmt(self.low)} to {self.fmt(self.high)}")
        except (ValueError, TypeError, OverflowError) as err:
            self.message.value = (f"<span style='color:#b00'>{change['new']!r} is not allowed: "
                                  f"{err}</span>")
            return
        self._accept(value, move_slider=True)

    def _accept(self, value, move_slider):
        self.value = value
        self.message.value = ""
        self._quiet = True
        try:
            self.entry.value = self.fmt(value)
            if move_slider:
                self.slider.value = nearest_on_log_scale(self.options, value)
        finally:
            self._quiet = False
        for callback in self._callbacks:
            callback(value)

    def set(self, value):
        """Set a value as if a learner had moved the slider to it (one of the options) or
        typed it in the box (any other value). For tests and benchmarks."""
        if value == self.value:
            return
        if value in self.options and value != self.slider.value:
            self.slider.value = value
        elif self.entry.value != self.fmt(value):
            self.entry.value = self.fmt(value)
        else:  # the box already shows this text: typing it again sends no change
            self._from_entry({"new": self.fmt(value)})

    def widget(self):
        return W.HBox([self.label, self.slider, self.entry, self.message])


def log_grid(low: float, high: float, step: float, keep=None, whole: bool = False) -> list:
    """Stops from low to high, `step` decades apart (10 ** (k * step)), rounded to 3
    significant digits, or to whole numbers if `whole`. keep: a value to show exactly,
    replacing the stop nearest to it."""
    low = validate_real("low", low, low=0, low_open=True)
    high = validate_real("high", high, low=low, low_open=True)
    step = validate_real("step", step, low=0, low_open=True, high=1)
    k = np.arange(math.ceil(math.log10(low) / step - 1e-9),
                  math.floor(math.log10(high) / step + 1e-9) + 1)
    stops = [float(f"{v:.3g}") for v in 10.0 ** (k * step)]
    if whole:
        stops = [int(round(v)) for v in stops]
    if keep is not None:
        near = nearest_on_log_scale(stops, keep)
        stops[stops.index(near)] = keep
        stops = sorted(set(stops))
    return stops


def make_size_input(sizes, value, description="mini-batch size", parse=parse_batch_size):
    """A mini-batch size slider over `sizes`, with a box for any whole number in their range
    (or what `parse` accepts)."""
    sizes = [int(x) for x in validate_values("sizes", sizes, low=1)]
    return SliderEntry(sizes, value, parse, lambda v: f"{v:,}", description)


def make_rate_input(value, description="learning rate", low=1e-3, high=10.0):
    """A learning-rate slider on a log scale (20 stops a decade), the starting value exact."""
    value = validate_real("value", value, low=low, high=high)
    return SliderEntry(log_grid(low, high, 0.05, keep=value), value, parse_rate,
                       lambda v: f"{v:.3g}", description)


def parse_budget(text) -> int:
    """parse_bytes to the nearest whole byte (a budget is a whole number of bytes)."""
    return round(parse_bytes(text))


def make_budget_input(value, low=10**5, high=10**11):
    """A memory budget slider on a log scale (100 stops a decade, whole bytes; the starting
    value exact), with a box for sizes like '16 MB' or '16 MiB' (see parsing)."""
    value = validate_real("value", value, low=low, high=high)
    return SliderEntry(log_grid(low, high, 0.01, keep=round(value), whole=True), round(value),
                       parse_budget, format_bytes, "memory budget")
