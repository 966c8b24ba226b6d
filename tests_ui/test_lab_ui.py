"""The lab in a real browser: widgets render, sliders move by mouse and keyboard, views follow."""

import json
import re
import time
import urllib.request

from conftest import SHOTS
from lab_page import drag_across, open_lab, open_notebook, readout, run_all
from playwright.sync_api import expect

# Starts watching the figure's <img> and parks a promise of the milliseconds until its next
# frame on window (awaited after the key press: evaluate() would wait for it right away).
WATCH_FRAME_JS = """
(img) => { window.__nextFrame = new Promise((resolve) => {
  const start = performance.now();
  const obs = new MutationObserver(() => { obs.disconnect(); resolve(performance.now() - start); });
  obs.observe(img, {attributes: true, attributeFilter: ["src"]});
  setTimeout(() => { obs.disconnect(); resolve(-1); }, 15000);
}); }
"""


def test_lab_renders_and_every_slider_moves_the_views(page, lab_server):
    panel = open_notebook(page, lab_server, "00_lab.ipynb")
    # Before "Run All" (as on a web viewer): a picture of the lab and a line saying how to
    # start it, not VBox(children=...)
    picture = panel.locator(".jp-RenderedMarkdown img").first
    expect(picture).to_be_visible(timeout=30_000)
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0"), "no picture"
    expect(panel.get_by_text("the sliders appear when this cell runs")).to_be_visible()
    assert panel.get_by_text("VBox(children").count() == 0
    page.screenshot(path=str(SHOTS / "lab-0-before-run.png"), full_page=True)

    handles, image = open_lab(page, panel)
    expect(readout(panel)).to_contain_text("b = 64", timeout=60_000)
    # the budget as given (16 MB), not rounded to the slider's step by the browser (15.85 MB)
    expect(readout(panel)).to_contain_text("of 16.00 MB", timeout=30_000)
    assert panel.get_by_text("Error displaying widget").count() == 0
    page.screenshot(path=str(SHOTS / "lab-1-initial.png"), full_page=True)
    # the lab alone, as it looks after "Run All": notebooks/images/lab.png is a copy of it
    lab_output = panel.locator(".jp-OutputArea-output").filter(
        has=page.locator("img.widget-image")).first
    lab_output.scroll_into_view_if_needed()
    time.sleep(0.5)  # let the frame settle after scrolling
    lab_output.screenshot(path=str(SHOTS / "lab-widget.png"))

    latencies = []

    def changed_by(action, k, must_contain):
        """Do action(); the readout and the figure must both change. A drag sends many
        changes, which the lab coalesces into a few updates: wait until the readout says
        must_contain and then stays the same for a second (the last update is in)."""
        before_text, before_src = readout(panel).inner_text(), image.get_attribute("src")
        image.evaluate(WATCH_FRAME_JS)
        action(handles.nth(k))
        deadline = time.time() + 30
        after, since = before_text, time.time()
        while time.time() < deadline:
            text = readout(panel).inner_text()
            if text != after:
                after, since = text, time.time()
            elif after != before_text and must_contain in after and time.time() - since > 1:
                break
            time.sleep(0.1)
        assert after != before_text, f"slider {k} did not change the views"
        assert must_contain in after, after
        latencies.append(page.evaluate("window.__nextFrame"))
        assert latencies[-1] > 0 and image.get_attribute("src") != before_src, \
            f"slider {k}: the figure was not redrawn"

    def press(key):
        def act(handle):
            handle.focus()
            page.keyboard.press(key)
        return act

    def drag(dx):
        def act(handle):
            box = handle.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + dx, y, steps=8)
            page.mouse.up()
        return act

    # every slider, by keyboard and by mouse: size, learning rate, memory budget
    changed_by(press("ArrowLeft"), 0, "b = 32")
    changed_by(press("ArrowRight"), 0, "b = 64")
    changed_by(drag(-120), 0, "b = ")
    # a 40-step drag across the whole size slider, released: the final size is shown with
    # its run, whatever was passed on the way (benchmarks/lab_drag_settle.py times this)
    for end, final in (("right", "4,000"), ("left", "1")):
        changed_by(lambda handle, end=end: drag_across(page, handle, end), 0, f"b = {final} ·")
        expect(readout(panel)).to_contain_text(
            re.compile(rf"^b = {final} ·.* per epoch on this machine"), timeout=30_000)
    page.screenshot(path=str(SHOTS / "lab-2-size.png"), full_page=True)
    changed_by(press("ArrowRight"), 1, "learning rate")
    changed_by(drag(60), 1, "learning rate")
    # the memory budget and the rate scaling sit in the collapsed "Advanced" section
    expect(handles.nth(2)).to_be_hidden()
    panel.get_by_text("Advanced:").first.click()
    expect(handles.nth(2)).to_be_visible(timeout=10_000)
    changed_by(press("ArrowRight"), 2, "memory:")
    changed_by(drag(-250), 2, "memory:")
    page.screenshot(path=str(SHOTS / "lab-3-rate-budget.png"), full_page=True)

    # the rate scaled with b: the readout says which rate was used
    scaling = panel.locator(".widget-toggle-buttons").first
    expect(scaling).to_contain_text("square root")
    changed_by(lambda _handle: scaling.get_by_role("button", name="linear").click(), 0,
               "scaled linearly")
    page.screenshot(path=str(SHOTS / "lab-5-rate-scaling.png"), full_page=True)
    changed_by(lambda _handle: scaling.get_by_role("button", name="none").click(), 0,
               "learning rate")

    # a typed value out of range: a message, no traceback, and the lab keeps working
    entry = panel.locator(".widget-text input").first
    entry.fill("0")
    entry.press("Enter")
    expect(panel.get_by_text("is not allowed")).to_be_visible(timeout=15_000)
    entry.fill("100")
    entry.press("Enter")
    expect(readout(panel)).to_contain_text("b = 100", timeout=30_000)
    assert panel.locator(".jp-OutputArea-output[data-mime-type*='error']").count() == 0
    assert panel.get_by_text("Traceback").count() == 0
    page.screenshot(path=str(SHOTS / "lab-4-typed.png"), full_page=True)
    print(f"browser: slider move to new frame {', '.join(f'{x:.0f}' for x in latencies)} ms")


def test_saved_lab_reopened_without_a_kernel_shows_no_widget_error(browser, tmp_path):
    """A learner runs the lab, saves, and the next day opens the notebook with a new server
    and no kernel: the lab's cell shows the lab as saved (its widget state is saved with the
    notebook, lab_settings/overrides.json), not "Error displaying widget: model not found"."""
    from lab_page import serve_notebooks

    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    with serve_notebooks(tmp_path) as server:
        panel = open_notebook(page, server, "00_lab.ipynb")
        open_lab(page, panel)
        expect(readout(panel)).to_contain_text("b = 64", timeout=60_000)
        page.keyboard.press("Control+s")
        time.sleep(3)
    saved = (tmp_path / "notebooks" / "00_lab.ipynb").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" in saved, "no widget state was saved"
    context.close()
    nb_path = tmp_path / "notebooks" / "00_lab.ipynb"
    saved_nb = json.loads(saved)
    for no_kernel in (False, True):
        if no_kernel:  # a kernel name this machine lacks: JupyterLab asks, the learner says none
            saved_nb["metadata"]["kernelspec"] = {"name": "no-such-kernel", "language": "none",
                                                  "display_name": "a kernel this machine lacks"}
            saved_nb["metadata"].pop("language_info", None)
        # else: a fresh kernel starts with the notebook, and nothing has run in it
        nb_path.write_text(json.dumps(saved_nb), encoding="utf-8")
        reopen_and_check(browser, tmp_path, f"lab-6-reopened-{'no' if no_kernel else 'new'}"
                                             f"-kernel.png")


def reopen_and_check(browser, tmp_path, shot):
    """A new server over what tmp_path holds; the saved 00 opened without running it."""
    from lab_page import serve_notebooks

    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    with serve_notebooks(tmp_path, copy=False) as server:
        page.goto(f"{server['url']}/lab/tree/00_lab.ipynb?reset&token={server['token']}")
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        expect(panel.locator(".jp-Cell").first).to_be_visible(timeout=60_000)
        dialog = page.locator(".jp-Dialog")
        for _ in range(20):  # "Select Kernel": choose none
            if dialog.count():
                dialog.get_by_role("button", name="No Kernel").click()
                break
            time.sleep(0.5)
        lab_cell = panel.locator(".jp-CodeCell").first
        lab_cell.scroll_into_view_if_needed()
        time.sleep(8)  # let the widget manager restore what it can
        page.screenshot(path=str(SHOTS / shot), full_page=True)
        assert panel.get_by_text("model not found").count() == 0
        # the lab as saved (its picture) or the friendly line, never an error
        picture = lab_cell.locator("img.widget-image")
        friendly = lab_cell.get_by_text("the sliders appear when this cell runs")
        expect(picture.or_(friendly).first).to_be_visible(timeout=30_000)
        print(f"{shot}: {'the saved picture' if picture.count() else ''}"
              f"{'the friendly line' if friendly.count() else ''}")
    context.close()


def test_the_news_pop_up_does_not_appear(browser, tmp_path):
    """With the course's settings (make lab installs lab_settings/overrides.json), JupyterLab
    does not ask "Would you like to get notified about official Jupyter news?"."""
    from lab_page import serve_notebooks

    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    with serve_notebooks(tmp_path, news_url=None) as server:  # JupyterLab's own news setting
        page.goto(f"{server['url']}/lab/tree/00_lab.ipynb?reset&token={server['token']}")
        expect(page.locator(".jp-NotebookPanel .jp-Cell").first).to_be_visible(timeout=60_000)
        time.sleep(8)  # the question comes a few seconds after start
        assert page.get_by_text("official Jupyter news").count() == 0
    context.close()


def test_a_chinese_notebook_opens_and_its_checks_answer_in_chinese(page, lab_server):
    """The Chinese edition (notebooks/zh) in JupyterLab: its text is Chinese, and its checks,
    run in a kernel started in the zh folder, answer in Chinese with the same code cells. The
    summary cell is read from the saved notebook: JupyterLab renders only the cells near the
    view, and Run All ends at the bottom."""
    name = "zh/01_building_minibatches.ipynb"
    panel = open_notebook(page, lab_server, name)
    expect(panel.locator(".jp-RenderedMarkdown h1").first).to_contain_text("构建 mini-batch")
    prompts = panel.locator(".jp-CodeCell .jp-InputPrompt")
    idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    run_all(page, panel, lambda: idle.count() > 0 and prompts.count() > 0 and re.search(
        r"\d", prompts.last.inner_text()) is not None)
    page.keyboard.press("Control+s")
    url = f"{lab_server['url']}/api/contents/{name}?token={lab_server['token']}"
    deadline, texts = time.time() + 30, []
    while time.time() < deadline and not any("练习：" in t for t in texts):
        time.sleep(1)
        with urllib.request.urlopen(url, timeout=10) as reply:
            cells = json.load(reply)["content"]["cells"]
        texts = ["".join(o.get("text", "")) for c in cells if c["cell_type"] == "code"
                 and "cu.checks.summary()" in c["source"] for o in c["outputs"]]
    assert any("✓ 每代的 mini-batch 数" in t and "练习：" in t for t in texts), texts
    page.screenshot(path=str(SHOTS / "lab_zh.png"))
