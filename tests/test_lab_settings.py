"""`make lab` configures away JupyterLab's "Would you like to get notified about official Jupyter
news?" pop-up (issue 19.7): lab_settings/overrides.json, copied into the venv's settings folder,
as JupyterLab's own settings code reads it. (The browser check is in tests_ui.)"""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = "@jupyterlab/apputils-extension:notification"
settings_utils = pytest.importorskip("jupyterlab_server.settings_utils")
jupyterlab = pytest.importorskip("jupyterlab")
SCHEMAS = Path(jupyterlab.__file__).parent / "schemas"


def test_the_make_rule_puts_the_overrides_where_jupyterlab_reads_them(tmp_path):
    """`make lab-settings` into a scratch venv; JupyterLab's settings code then says never
    fetch news (the pop-up shows only while fetchNews is "none") and no update check."""
    venv = tmp_path / "venv"
    subprocess.run(["make", "-s", "-C", str(ROOT), "lab-settings", f"VENV={venv}"], check=True)
    app_settings = venv / "share" / "jupyter" / "lab" / "settings"
    assert (app_settings / "overrides.json").is_file()
    user_settings = tmp_path / "user-settings"  # a learner who changed nothing
    user_settings.mkdir()
    settings, warnings = settings_utils.get_settings(
        str(app_settings), str(SCHEMAS), str(user_settings), schema_name=PLUGIN)
    assert not [w for w in warnings if w]
    defaults = {key: prop["default"] for key, prop in settings["schema"]["properties"].items()}
    assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False
    # without the file, JupyterLab's own default asks the question
    (app_settings / "overrides.json").unlink()
    settings, _ = settings_utils.get_settings(
        str(app_settings), str(SCHEMAS), str(user_settings), schema_name=PLUGIN)
    assert settings["schema"]["properties"]["fetchNews"]["default"] == "none"


def test_the_overrides_are_valid_for_the_installed_jupyterlab():
    overrides = json.loads((ROOT / "lab_settings" / "overrides.json").read_text())
    schema = json.loads((SCHEMAS / PLUGIN.replace(":", "/")).with_suffix(".json").read_text())
    allowed = {option["const"] for option in schema["properties"]["fetchNews"]["oneOf"]}
    assert set(overrides[PLUGIN]) <= set(schema["properties"])
    assert overrides[PLUGIN]["fetchNews"] in allowed


def test_make_lab_installs_the_settings_and_test_ui_uses_them():
    plan = subprocess.run(["make", "-n", "-C", str(ROOT), "lab", "test-ui",
                           "VENV=/nonexistent/venv"], capture_output=True, text=True).stdout
    assert "cp lab_settings/overrides.json /nonexistent/venv/share/jupyter/lab/settings/" in plan
    assert plan.index("overrides.json") < plan.index("jupyter lab")
