"""How long the lab takes to show the final value after a drag across the mini-batch size
slider is released, in a real browser; against the same value typed in the size box.

Starts JupyterLab over a copy of the notebooks and Debian's Chromium (Playwright; needs
`apt-get install chromium` and requirements-ui.txt, as `make test-ui`), runs notebook 00 and
then, N times in each direction:

* drag: the learning-rate slider one stop down (a rate not used before: no training run is
  cached), the size slider put at one end, then dragged to the other end in 40 mouse moves
  and released; timed from the release;
* typed (the peer: the final value's own training run and drawing, nothing passed on the
  way): the starting size typed in the box, the rate one stop down again, then the final
  size typed; timed from Enter.

Each runs twice: cold (the lab made with train_ahead=False in the served copy of notebook
00: the final value's run starts after the release) and as a learner meets it (the default,
train_ahead=True: while the lab is idle after the rate changes, it trains b = 1 and b = m
ahead, so a drag to an end finds its run done if the learner paused ~1 s first, as here).

Both timed in the page until the readout shows the final size with its run ("... ms per
epoch on this machine"), which the kernel sends after the frame. Directions: to b = m (a
cheap final run) and to b = 1 (SGD, the lab's longest run). The machine's load changes the
runs' own time; the ratio drag / typed says what the values passed on the way still cost.

    .venv/bin/python benchmarks/lab_drag_settle.py [N]     # last line: both cases' medians
"""

import contextlib
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests_ui"))
from lab_page import (  # noqa: E402
    drag_across,
    launch_chromium,
    open_lab,
    open_notebook,
    readout,
    serve_notebooks,
)

# Parks on window the time of the next `event` (a mouse release, a key press) and of the
# first time the readout matches (performance.now(), ms); and of the drag's start.
WATCH_JS = """
(el, [pattern, events]) => {
  const re = new RegExp(pattern);
  window.__down = null; window.__start = null; window.__shown = null;
  const check = () => {
    if (window.__shown === null && re.test(el.innerText)) window.__shown = performance.now();
  };
  new MutationObserver(check).observe(el, {childList: true, subtree: true,
                                           characterData: true});
  const start = () => { if (window.__start === null) window.__start = performance.now(); };
  for (const name of events) window.addEventListener(name, start, {capture: true, once: true});
  window.addEventListener("pointerdown", () => { window.__down = performance.now(); },
                          {capture: true, once: true});
}
"""
FINALS = {"right": "4,000", "left": "1"}


def shown_pattern(b: str) -> str:
    """The readout of size b (as the lab writes it, e.g. '4,000') with its run."""
    return rf"^b = {re.escape(b)} ·.*per epoch on this machine"


def wait_for(panel, pattern, timeout=60):
    """Wait until the readout matches, at the rate the rate box shows, and stays the same for
    1 s (the lab has settled: no run left for a value set before)."""
    deadline, last, since = time.time() + timeout, None, time.time()
    rate_box = panel.locator(".widget-text input").nth(1)
    while time.time() < deadline:
        text = readout(panel).inner_text()
        if text != last:
            last, since = text, time.time()
        elif (re.search(pattern, text) and f"learning rate {rate_box.input_value()} " in text
              and time.time() - since > 1):
            return
        time.sleep(0.1)
    raise AssertionError(f"the readout did not settle on {pattern!r}: {last!r}")


def timed(page, panel, final, events, action) -> tuple[float, float]:
    """Seconds from the first of `events` to the final value shown (0 if shown before), and
    the drag's length in seconds (0 without one)."""
    readout(panel).evaluate(WATCH_JS, [shown_pattern(final), events])
    action()
    deadline = time.time() + 60
    while page.evaluate("window.__shown") is None and time.time() < deadline:
        time.sleep(0.02)
    shown, start, down = page.evaluate("[window.__shown, window.__start, window.__down]")
    if shown is None or start is None:
        raise AssertionError(f"the final value b = {final} was not shown")
    wait_for(panel, shown_pattern(final))
    return max(0.0, shown - start) / 1e3, (start - down) / 1e3 if down else 0.0


def serve_lab(stack, train_ahead: bool):
    """JupyterLab over a copy of the notebooks, notebook 00's lab made with train_ahead."""
    workdir = stack.enter_context(tempfile.TemporaryDirectory())
    server = stack.enter_context(serve_notebooks(workdir))
    nb = Path(workdir) / "notebooks" / "00_lab.ipynb"
    text = nb.read_text()
    if "cu.lab.Lab()" not in text:
        raise RuntimeError("notebook 00 no longer makes its lab with cu.lab.Lab()")
    nb.write_text(text.replace("cu.lab.Lab()", f"cu.lab.Lab(train_ahead={train_ahead})", 1))
    return server


def measure(repeats: int, train_ahead: bool) -> dict:
    """{(direction, "drag" or "typed"): [seconds, ...]} for the lab with train_ahead."""
    results = {(d, how): [] for d in FINALS for how in ("drag", "typed")}
    with contextlib.ExitStack() as stack, sync_playwright() as p:
        server = serve_lab(stack, train_ahead)
        browser = launch_chromium(p)
        page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
        panel = open_notebook(page, server, "00_lab.ipynb")
        handles, _image = open_lab(page, panel)
        size, rate = handles.nth(0), handles.nth(1)
        entry = panel.locator(".widget-text input").first  # the size box
        wait_for(panel, shown_pattern("64"))

        def new_rate():  # one stop down: a rate not used before, every size cold again
            rate.focus()
            page.keyboard.press("ArrowLeft")

        def type_size(text):
            entry.fill(text)
            entry.press("Enter")

        for k in range(repeats):
            for d, final in FINALS.items():
                start_end = "left" if d == "right" else "right"
                new_rate()
                drag_across(page, size, start_end)
                wait_for(panel, shown_pattern(FINALS[start_end]))
                dt, length = timed(page, panel, final, ["pointerup", "mouseup"],
                                   lambda d=d: drag_across(page, size, d, steps=40))
                results[d, "drag"].append(dt)
                type_size(FINALS[start_end].replace(",", ""))  # not timed: back to the start
                wait_for(panel, shown_pattern(FINALS[start_end]))
                new_rate()  # the final size cold again
                wait_for(panel, shown_pattern(FINALS[start_end]))
                typed, _ = timed(page, panel, final, ["keydown"],
                                 lambda final=final: type_size(final.replace(",", "")))
                results[d, "typed"].append(typed)
                print(f"{'ahead' if train_ahead else 'cold'} {k + 1}: to b = {final}: drag "
                      f"({length:.2f} s long) settled {dt:.2f} s after the release; typed "
                      f"{typed:.2f} s after Enter", flush=True)
        browser.close()
    return results


def main(repeats: int = 5):
    if not 1 <= repeats <= 9:  # 4 new rates a repeat, 40 stops below the starting rate
        raise ValueError(f"repeats must be from 1 to 9 (each uses 4 rates not used before), "
                         f"got {repeats}")
    lines = []
    for train_ahead in (False, True):
        results = measure(repeats, train_ahead)
        name = "trained ahead" if train_ahead else "cold"
        med = {key: statistics.median(v) for key, v in results.items()}
        for (d, how), v in results.items():
            print(f"{name}: to b = {FINALS[d]}, {how}: {', '.join(f'{x:.2f}' for x in v)} s; "
                  f"median {med[d, how]:.2f} s")
        lines.append(f"{name}: to b = 4,000 {med['right', 'drag']:.2f} s (typed "
                     f"{med['right', 'typed']:.2f} s), to b = 1 {med['left', 'drag']:.2f} s "
                     f"(typed {med['left', 'typed']:.2f} s, drag/typed "
                     f"{med['left', 'drag'] / med['left', 'typed']:.2f})")
    print(f"settle after a 40-step drag, median of {repeats} (typed: the final run alone); "
          + "; ".join(lines))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
