import asyncio
import math
import time

import pytest

from course_utils.ui.coalesce import UpdateCoalescer, running_loop


def test_without_an_event_loop_each_request_updates_at_once():
    calls = []
    c = UpdateCoalescer(lambda: calls.append(len(calls)))
    assert running_loop() is None
    for _ in range(3):
        c.request()
    assert calls == [0, 1, 2] and (c.requests, c.runs) == (3, 3) and not c.pending


def test_a_burst_on_a_running_loop_costs_one_update_for_the_latest_value():
    value, seen = {"b": 0}, []
    c = UpdateCoalescer(lambda: seen.append(value["b"]), delay=0.01)

    async def kernel():
        for b in range(1, 21):  # twenty messages handled one after the other
            value["b"] = b
            c.request()
        assert seen == [] and c.pending
        await asyncio.sleep(0.05)
        assert seen == [20] and not c.pending
        value["b"] = 7  # a later change: a new update
        c.request()
        await asyncio.sleep(0.05)

    asyncio.run(kernel())
    assert seen == [20, 7] and (c.requests, c.runs) == (21, 2)


def test_an_update_that_takes_long_coalesces_the_messages_behind_it():
    """Messages that arrive while an update runs wait on the loop; after it, they cost one
    more update between them, not one each."""
    seen = []

    def slow_update():  # a cold training run: the loop waits for it
        seen.append(len(seen))
        time.sleep(0.03)

    async def kernel():
        c = UpdateCoalescer(slow_update, delay=0.0)
        loop = asyncio.get_running_loop()
        c.request()
        for k in range(10):  # messages that arrive during the first update
            loop.call_later(0.001 * k, c.request)
        await asyncio.sleep(0.15)
        return c

    c = asyncio.run(kernel())
    assert c.requests == 11 and c.runs == 2 and seen == [0, 1]


def test_requests_closer_than_delay_wait_for_the_burst_to_end():
    """A drag that keeps sending: no update until it pauses for `delay` (here requests come
    every 10 ms for 100 ms, the delay is 200 ms)."""
    seen = []

    async def kernel():
        c = UpdateCoalescer(lambda: seen.append(time.perf_counter()), delay=0.2, max_wait=5)
        start = time.perf_counter()
        for _ in range(10):
            c.request()
            await asyncio.sleep(0.01)
        assert seen == [] and c.pending
        await asyncio.sleep(0.4)
        return c, start

    c, start = asyncio.run(kernel())
    assert c.runs == 1 and seen[0] - start >= 0.2 + 0.09  # after the last request + delay


def test_a_long_drag_still_updates_every_max_wait():
    seen = []

    async def kernel():
        c = UpdateCoalescer(lambda: seen.append(1), delay=0.05, max_wait=0.05)
        for _ in range(50):  # 0.5 s of requests, 10 ms apart
            c.request()
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        return c

    c = asyncio.run(kernel())
    assert c.requests == 50 and 2 <= c.runs < 50


@pytest.mark.parametrize("kwargs, error", [
    ({"update": "not callable"}, TypeError),
    ({"update": print, "delay": -0.1}, ValueError),
    ({"update": print, "delay": math.nan}, ValueError),
    ({"update": print, "delay": 5}, ValueError),
    ({"update": print, "delay": 0.1, "max_wait": 0.05}, ValueError),
])
def test_bad_arguments(kwargs, error):
    with pytest.raises(error):
        UpdateCoalescer(**kwargs)
