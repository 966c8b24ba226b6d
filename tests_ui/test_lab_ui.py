"""The lab in a real browser: widgets render, sliders move by mouse and keyboard, views follow."""

import time

from conftest import SHOTS
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
    return panel.locator(".widget-html-content", has_text="per epoch").first


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

    sliders = panel.locator(".widget-slider")
    outer = panel.locator(".jp-WindowedPanel-outer")
    lab_cell = panel.locator(".jp-CodeCell").first  # the lab is the first code cell

    def lab_shown():
        """Scrolled to the lab (JupyterLab renders only the cells near the view; Run All
        leaves the view at the last cell, a learner scrolls back up): are its sliders there?"""
        outer.evaluate("el => el.scrollTo(0, 0)")
        for _ in range(40):
            if lab_cell.count():
                break
            outer.evaluate("el => el.scrollBy(0, 300)")
            page.wait_for_timeout(250)
        return lab_cell.count() and sliders.count() == 3

    run_all(page, panel, lab_shown)
    lab_cell.scroll_into_view_if_needed()
    expect(sliders).to_have_count(3, timeout=120_000)
    sliders.first.scroll_into_view_if_needed()
    image = panel.locator("img.widget-image").first
    expect(image).to_be_visible(timeout=60_000)
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

    handles = panel.locator(".noUi-handle")
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
    page.screenshot(path=str(SHOTS / "lab-2-size.png"), full_page=True)
    changed_by(press("ArrowRight"), 1, "learning rate")
    changed_by(drag(60), 1, "learning rate")
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
