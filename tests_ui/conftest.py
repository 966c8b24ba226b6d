"""A real JupyterLab on a free local port and Debian's Chromium driven by Playwright.

Needs `apt-get install chromium` (the browser comes from Debian: never `playwright install`)
and requirements-ui.txt. JupyterLab serves a temporary copy of the notebooks, so autosave
never touches the committed ones (see lab_page.py). Screenshots go to build/ui/.
"""

from pathlib import Path

import pytest
from lab_page import CHROMIUM, launch_chromium, serve_notebooks

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "build" / "ui"


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    with serve_notebooks(tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: make test-ui needs Debian's chromium "
                    "(apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "page" in item.funcargs:
        item.funcargs["page"].screenshot(path=str(SHOTS / f"FAILED-{item.name}.png"),
                                         full_page=True)


@pytest.fixture()
def page(browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    pg = context.new_page()
    yield pg
    context.close()
