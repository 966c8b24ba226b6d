"""Slider changes coalesced: a burst of changes costs one update, for the latest value.

A slider dragged across twenty values sends twenty messages to the kernel, and the kernel
handles them one by one, in its one thread. If each message ran its update at once, a drag
across cold values would queue twenty training runs, nineteen of them for values no longer
shown. `UpdateCoalescer` runs the update a little later instead, on the kernel's event loop,
once the messages stop coming: each message only records that something changed, and the
update, when it runs, reads the sliders as they are then. Measured in a kernel
(benchmarks/slider_latency.py, 20 size messages sent at once): 1 update and 1 training run,
against 20 updates and 11 training runs (one per new size) when each message updates at once.

The lab goes one step further for the values that need a training run (see lab.py): the run
trains in a worker thread once the sliders have been still for a moment, and is cancelled if
the slider moves on, so a passed value never delays the one shown last.

Where no event loop runs in this thread (a script, the tests), the update runs at once. In a
kernel, a cell's code runs on the loop too: a cell that sets a slider from code sees the views
follow just after the cell ends (or calls the lab's `update()` to redraw at once).
"""

import asyncio

from ..core.validate import validate_callable, validate_real


def running_loop():
    """The asyncio event loop running in this thread, or None (a script, the tests)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class UpdateCoalescer:
    """Run `update()` once for a burst of requests, when they stop coming.

    request(): ask for an update. With an event loop running in this thread, the update runs
    once no request has come for `delay` seconds (the burst is over), but at most `max_wait`
    seconds after the first request of the burst (a long drag still shows where it goes).
    Without a loop, it runs at once. requests / runs: counts, for tests and benchmarks.
    pending: an update is waiting to run. last_request: the loop time of the last request
    (the lab starts a slow training run only once the sliders have been still a while).
    """

    def __init__(self, update, delay: float = 0.01, max_wait: float = 0.25):
        validate_callable("update", update)
        self.update = update
        self.delay = validate_real("delay", delay, low=0, high=1)
        self.max_wait = validate_real("max_wait", max_wait, low=self.delay, high=10)
        self.requests = self.runs = 0
        self._handle = None
        self._first = self._last = 0.0  # loop times of the burst's first and last request

    @property
    def pending(self) -> bool:
        return self._handle is not None

    @property
    def last_request(self) -> float:
        return self._last

    def request(self):
        self.requests += 1
        loop = running_loop()
        if loop is None:
            self._run()
            return
        self._last = loop.time()
        if self._handle is None:
            self._first = self._last
            self._handle = loop.call_later(self.delay, self._fire, loop)

    def _fire(self, loop):
        now = loop.time()
        quiet_at = self._last + self.delay  # when the burst will have been quiet for `delay`
        if now < quiet_at and now < self._first + self.max_wait:
            wait = min(quiet_at, self._first + self.max_wait) - now
            self._handle = loop.call_later(wait, self._fire, loop)  # more came: wait again
        else:
            self._run()

    def _run(self):
        self._handle = None  # a request from now on starts a new burst
        self.runs += 1
        self.update()
