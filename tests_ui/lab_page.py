"""Driving the course's notebooks in a real browser: shared by the UI tests and the browser
benchmark (benchmarks/lab_drag_settle.py).

`serve_notebooks` starts JupyterLab on a free local port over a temporary copy of the
notebooks (autosave never touches the committed ones); `launch_chromium` starts Debian's
Chromium through Playwright (never `playwright install`); `open_notebook`, `run_all` and
`open_lab` bring a notebook's lab up; `drag_across` drags a slider's handle from one end of
its track to the other.
"""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_notebooks(workdir=None, copy=True, news_url=""):
    """JupyterLab over a copy of notebooks/ in workdir (default: a temporary folder); yields
    {"url", "token"} and stops the server on exit. Runs as root too (--allow-root).
    copy=False serves what workdir already holds (a second server, "the next day");
    news_url=None leaves JupyterLab's news setting alone (only the course's overrides.json
    then keeps the news pop-up away)."""
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = stack.enter_context(tempfile.TemporaryDirectory())
        root = Path(workdir) / "notebooks"
        if copy:
            shutil.copytree(ROOT / "notebooks", root, dirs_exist_ok=True,  # images/, glossary
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        port, token = free_port(), secrets.token_hex(16)
        jupyter = Path(sys.executable).with_name("jupyter")
        log = stack.enter_context(open(Path(workdir) / "jupyter.log", "a"))
        proc = subprocess.Popen(
            [str(jupyter), "lab", "--no-browser", "--allow-root", f"--port={port}",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False"]
            + ([] if news_url is None else [f"--LabApp.news_url={news_url}"]),
            stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 90
            while True:
                try:
                    urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if time.time() > deadline or proc.poll() is not None:
                        raise RuntimeError(f"JupyterLab did not start; see {log.name}") from None
                    time.sleep(0.5)
            yield {"url": url, "token": token}
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright."""
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} not found: the browser tests need Debian's "
                                "chromium (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)


def open_notebook(page, server, name):
    """Open a notebook in JupyterLab and wait until its kernel is idle; returns its panel."""
    page.goto(f"{server['url']}/lab/tree/{name}?reset&token={server['token']}")
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(panel.locator(".jp-Cell").first).to_be_visible(timeout=60_000)
    # The kernel must be up before "Run All", or the widget cells may run before the widget
    # manager is ready; JupyterLab sometimes asks which kernel to use first: answer it.
    idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    dialog = page.locator(".jp-Dialog")
    quiet, deadline = 0, time.time() + 90
    while quiet < 6 and time.time() < deadline:  # idle for 3 s: the kernel is settled
        if dialog.count():
            dialog.get_by_role("button", name="Select").click()
            quiet = 0
        else:  # "connecting" or "busy": a kernel that is (re)starting, count again
            quiet = quiet + 1 if idle.count() else 0
        time.sleep(0.5)
    assert quiet >= 6, "the kernel did not start"
    news = page.get_by_role("button", name="No")  # "get notified about Jupyter news?"
    if news.count():
        news.first.click()
    return panel


def run_all(page, panel, done, timeout=240):
    """Run ▸ Run All Cells until done() is true. On a busy machine JupyterLab may replace the
    notebook's kernel, or ask which kernel to use, a few seconds after the notebook opened,
    even after the click: what was sent to the first kernel is lost. Answer the question,
    and run all again if the first code cell has not started 20 s after the click."""
    dialog = page.locator(".jp-Dialog")
    first_prompt = panel.locator(".jp-CodeCell .jp-InputPrompt").first
    deadline, run, clicked = time.time() + timeout, True, 0.0
    while time.time() < deadline:
        if dialog.count():
            dialog.get_by_role("button", name="Select").click()
            expect(dialog).to_have_count(0, timeout=15_000)
            run = True
        elif time.time() - clicked > 20 and first_prompt.count() and not any(
                c in first_prompt.inner_text() for c in "*0123456789"):
            run = True  # nothing started: the click went to a kernel that is gone
        if run:
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
            run, clicked = False, time.time()
        if done():
            return
        time.sleep(0.5)
    raise AssertionError("Run All Cells did not bring the notebook up")


def readout(panel):
    """The lab's readout line (b, rate, updates and time per epoch, ...)."""
    return panel.locator(".widget-html-content", has_text="per epoch").first


def open_lab(page, panel, n_sliders=3):
    """Run all cells of a lab notebook (the lab in its first code cell), scrolled back to the
    lab as a learner would; returns (its slider handles, its figure's <img>)."""
    sliders = panel.locator(".widget-slider")
    outer = panel.locator(".jp-WindowedPanel-outer")
    lab_cell = panel.locator(".jp-CodeCell").first

    def lab_shown():
        """Scrolled to the lab (JupyterLab renders only the cells near the view; Run All
        leaves the view at the last cell): are its sliders there?"""
        outer.evaluate("el => el.scrollTo(0, 0)")
        for _ in range(40):
            if lab_cell.count():
                break
            outer.evaluate("el => el.scrollBy(0, 300)")
            page.wait_for_timeout(250)
        return lab_cell.count() and sliders.count() == n_sliders

    run_all(page, panel, lab_shown)
    lab_cell.scroll_into_view_if_needed()
    expect(sliders).to_have_count(n_sliders, timeout=120_000)
    sliders.first.scroll_into_view_if_needed()
    image = panel.locator("img.widget-image").first
    expect(image).to_be_visible(timeout=60_000)
    return panel.locator(".noUi-handle"), image


def drag_across(page, handle, to_end: str, steps: int = 40):
    """Drag a slider's handle with the mouse to the left or right end of its track (a little
    past it) in `steps` mouse moves, and release it."""
    track = handle.locator("xpath=ancestor::*[contains(@class, 'noUi-target')][1]")
    hb, tb = handle.bounding_box(), track.bounding_box()
    x, y = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
    end = tb["x"] - 10 if to_end == "left" else tb["x"] + tb["width"] + 10
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(end, y, steps=steps)
    page.mouse.up()
