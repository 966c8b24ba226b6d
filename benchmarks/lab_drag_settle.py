"""How long the lab takes to show the final value after a drag across the mini-batch size
slider is released, in a real browser.

Starts JupyterLab over a copy of the notebooks and Debian's Chromium (Playwright; needs
`apt-get install chromium` and requirements-ui.txt, as `make test-ui`), runs notebook 00 and
then, N times: moves the learning-rate slider one stop down (a rate not used before: no
training run is cached), puts the size slider at one end, and drags it to the other end in 40
mouse moves and releases it. Timed in the page, from the mouse button's release to the
moment the readout shows the final size with its run ("... ms per epoch on this machine"),
which the kernel sends after the frame. Both directions: to b = m (cheap final run) and to
b = 1 (SGD, the most expensive run of the lab: its own training is part of the time).

    .venv/bin/python benchmarks/lab_drag_settle.py [N]
"""

import re
import statistics
import sys
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

# Parks the time of the next mouse release and of the first time the readout matches on
# window (performance.now(), ms).
WATCH_JS = """
(el, pattern) => {
  const re = new RegExp(pattern);
  window.__up = null; window.__shown = null;
  const check = () => {
    if (window.__shown === null && re.test(el.innerText)) window.__shown = performance.now();
  };
  new MutationObserver(check).observe(el, {childList: true, subtree: true,
                                           characterData: true});
  const up = () => { if (window.__up === null) window.__up = performance.now(); };
  window.addEventListener("pointerup", up, {capture: true, once: true});
  window.addEventListener("mouseup", up, {capture: true, once: true});
}
"""


def shown_pattern(b: str) -> str:
    """The readout of size b (as the lab writes it, e.g. '4,000') with its run."""
    return rf"^b = {re.escape(b)} ·.*per epoch on this machine"


def wait_for(page, panel, pattern, timeout=60):
    """Wait until the readout matches and stays the same for 1 s (the lab has settled)."""
    deadline, last, since = time.time() + timeout, None, time.time()
    while time.time() < deadline:
        text = readout(panel).inner_text()
        if text != last:
            last, since = text, time.time()
        elif re.search(pattern, text) and time.time() - since > 1:
            return
        time.sleep(0.1)
    raise AssertionError(f"the readout did not settle on {pattern!r}: {last!r}")


def main(repeats: int = 5):
    results = {"right": [], "left": []}
    finals = {"right": "4,000", "left": "1"}
    with serve_notebooks() as server, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
        panel = open_notebook(page, server, "00_lab.ipynb")
        handles, _image = open_lab(page, panel)
        size, rate = handles.nth(0), handles.nth(1)
        wait_for(page, panel, shown_pattern("64"))
        for k in range(repeats):
            for direction in ("right", "left"):
                start = "left" if direction == "right" else "right"
                rate.focus()  # a rate never used before: every size cold again
                page.keyboard.press("ArrowLeft")
                drag_across(page, size, start)
                wait_for(page, panel, shown_pattern(finals[start]))
                readout(panel).evaluate(WATCH_JS, shown_pattern(finals[direction]))
                drag_across(page, size, direction, steps=40)
                deadline = time.time() + 60
                while page.evaluate("window.__shown") is None and time.time() < deadline:
                    time.sleep(0.02)
                shown, up = page.evaluate("[window.__shown, window.__up]")
                if shown is None or up is None:
                    raise AssertionError(f"drag {k} to the {direction}: the final value "
                                         f"b = {finals[direction]} was not shown")
                results[direction].append(max(0.0, shown - up) / 1e3)
                wait_for(page, panel, shown_pattern(finals[direction]))
                print(f"drag {k + 1} to b = {finals[direction]}: "
                      f"{results[direction][-1]:.2f} s", flush=True)
        browser.close()
    med = {d: statistics.median(v) for d, v in results.items()}
    for d, v in results.items():
        print(f"to b = {finals[d]}: {', '.join(f'{x:.2f}' for x in v)} s; median {med[d]:.2f} s")
    print(f"settle after a 40-step drag, median of {repeats}: to b = 4,000 {med['right']:.2f} s, "
          f"to b = 1 {med['left']:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
