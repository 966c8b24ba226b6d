"""The analysis modules import lean: computing never loads matplotlib's pyplot, ipywidgets,
IPython or Pillow; the plotting-side modules load matplotlib but not pyplot until a figure is
drawn. Each check runs in a fresh interpreter and reads its sys.modules."""

import json
import subprocess
import sys

import pytest

HEAVY = ("matplotlib.pyplot", "ipywidgets", "IPython", "PIL")
COMPUTE = ("noise", "sweep", "timing", "curves")
PLOTTING_SIDE = ("surface", "plotting")


@pytest.fixture(scope="module")
def loaded():
    """{"compute" / "plotting side": {heavy module: loaded?}}, read in one fresh interpreter
    after importing the compute modules, then again after the plotting-side ones."""
    code = "\n".join([
        "import importlib, json, sys",
        f"heavy = {list(HEAVY)!r}",
        "seen = {}",
        f"for group, names in (('compute', {list(COMPUTE)!r}), "
        f"('plotting side', {list(PLOTTING_SIDE)!r})):",
        "    for name in names:",
        "        importlib.import_module('course_utils.' + name)",
        "    seen[group] = {m: m in sys.modules for m in heavy}",
        "print(json.dumps(seen))",
    ])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def test_compute_modules_load_no_plotting_or_widgets(loaded):
    assert loaded["compute"] == dict.fromkeys(HEAVY, False)


def test_plotting_side_modules_load_pyplot_only_to_draw(loaded):
    seen = loaded["plotting side"]
    assert not seen["matplotlib.pyplot"] and not seen["ipywidgets"] and not seen["IPython"]


def test_the_split_modules_keep_every_name_the_notebooks_call():
    from course_utils import curves, surface, sweep, timing

    names = {
        sweep: ["compare_with_batch_gd", "describe_crossover", "fit_steps_model", "format_runs",
                "format_timing", "format_tried", "min_logistic_cost", "plot_comparisons",
                "plot_targets", "scaling_regimes", "time_to_target", "fewest_updates_rate",
                "walk_learning_rates",
                "TargetResult", "Comparison", "crossover", "replay_run", "time_runs"],
        timing: ["StepTimes", "count_verdicts", "format_effect",
                 "plot_power_of_two", "plot_throughput", "plot_time_per_example",
                 "power_of_two_effect", "power_of_two_effect_one_run", "power_of_two_summary",
                 "step_breakdown", "time_steps", "random_batch", "seconds_per_call"],
        curves: ["contest", "contest_table", "cost_rises", "label_noise_effect",
                 "plot_cost_changes", "rank_with_ties", "ranking_text", "lowest_cost_rate",
                 "Tuning", "Entry", "KINDS"],
        surface: ["LeastSquares2D", "OTHER_STYLES", "distance_per_epoch", "path_summary",
                  "plot_distances", "plot_near_minimum", "plot_paths", "settled_epoch",
                  "train_path"],
    }
    for module, wanted in names.items():
        missing = [n for n in wanted if not hasattr(module, n)]
        assert not missing, f"{module.__name__} lacks {missing}"
