"""Time to a target cost against the mini-batch size, the learning rate tuned per size.

The notebooks call everything here as cu.sweep.<name>; the code lives in three modules, one
concept each, each short enough to read in one sitting:

* `sweep_tuning`: updates to a target cost per batch size.
    `walk_learning_rates` (the one grid walk, for any criterion),
    `fewest_updates_rate` -> `TargetResult` (one size: the grid walked from a start rate),
    `time_to_target` (every size), `format_tried` (the rates tried, as text),
    `fit_steps_model` (McCandlish et al.'s S(B) = S_min (1 + B_noise / B)),
    `scaling_regimes` (near-perfect scaling, diminishing returns or little gain),
    `min_logistic_cost` (the lowest cost J*, to set a target "J* + tolerance").
* `sweep_comparison`: claim C7, mini-batch GD against batch GD, timed.
    `compare_with_batch_gd` -> `Comparison` (its `verdict`), `replay_run`, `time_runs`,
    `crossover` and `describe_crossover` (over several m), `crossover_flips` and
    `describe_targets` (several targets), `format_runs`, `format_timing` (its columns:
    `TIMING_HEADER`).
Their figures, `plot_comparisons` and `plot_targets`, are in plots/sweep_plots.py.
"""

from .sweep_comparison import (
    TIMING_HEADER,
    VERDICTS,
    Comparison,
    compare_with_batch_gd,
    crossover,
    crossover_flips,
    describe_crossover,
    describe_targets,
    format_runs,
    format_timing,
    replay_run,
    time_runs,
)
from .sweep_tuning import (
    TargetResult,
    fewest_updates_rate,
    fit_steps_model,
    format_tried,
    min_logistic_cost,
    scaling_regimes,
    time_to_target,
    walk_learning_rates,
)

__all__ = [
    "TIMING_HEADER", "VERDICTS", "Comparison", "TargetResult", "compare_with_batch_gd", "crossover",
    "crossover_flips",
    "describe_crossover", "describe_targets", "fit_steps_model", "format_runs", "format_timing",
    "format_tried",
    "min_logistic_cost", "replay_run", "scaling_regimes",
    "time_runs", "time_to_target", "fewest_updates_rate", "walk_learning_rates",
]
