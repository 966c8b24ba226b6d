"""The protocol the lab and the explorers share: a slider moves, the views update, `status`
says whether that worked, `drawn()` says whether the figure shows the sliders' values.

    request()   a slider changed: a burst of changes costs one update (coalesce)
    update()    bring the figure and the readout to the sliders' values now; an error is
                shown in `status` (one wording, `failure_message`), never as a traceback
    status      an HTML line, empty when the last update succeeded
    drawn()     True only when the figure shows data for the sliders' current values

A notebook's checked cell asserts on the last two after every lab or explorer:

    assert lab.status.value == "" and lab.drawn(), lab.status.value

A class that follows sliders subclasses `LiveUpdate` and writes `slider_values()` (a tuple),
`draw(wait)` (move the artists, redraw, rewrite the readout; return what it showed, or None
when the data is not ready yet) and `views_drawn()` (its artists hold finite data). wait is
True in a call of update() and False for a slider's change: then a slow computation may go to
a worker thread (the lab's training runs) and update again when it is done.
"""

import ipywidgets as W

from .coalesce import UpdateCoalescer


def failure_message(err: Exception) -> str:
    """The status line of an update that failed: the error's type and message, in red."""
    return (f"<span style='color:#b00'>could not update the views: {type(err).__name__}: "
            f"{err}</span>")


class LiveUpdate:
    """Slider changes → update → status → drawn, for the lab and the explorers.

    Call `follow(live, inputs)` at the end of the subclass's __init__: live, the LiveFigure
    the views draw on; inputs, the widget_parts.SliderEntry objects whose changes request an
    update. It draws once at once (the cell shows the views drawn).
    """

    def follow(self, live, inputs):
        self.live = live
        self.status = W.HTML()
        self._drawn_for = None  # the slider values the figure shows, None if not drawn
        self.updates = UpdateCoalescer(lambda: self.update(wait=False))
        for inp in inputs:
            inp.on_change(lambda value: self.updates.request())
        self.update()

    def slider_values(self) -> tuple:
        raise NotImplementedError

    def draw(self, wait: bool = True):
        raise NotImplementedError

    def views_drawn(self) -> bool:
        raise NotImplementedError

    def update(self, wait: bool = True):
        """Bring the views to the sliders' values; returns what draw() returned, or None if
        the update failed (its error is then in `status`) or the data is not ready yet."""
        asked = self.slider_values()
        self._drawn_for = None
        try:
            shown = self.draw(wait)
        except Exception as err:  # a message in the widget, never a traceback
            self.status.value = failure_message(err)
            return None
        self.status.value = ""
        if shown is not None:
            self._drawn_for = asked
        return shown

    def drawn(self) -> bool:
        """True only when the last update was for the sliders' current values and succeeded,
        the image widget holds its frame, and every view holds finite data."""
        return (self._drawn_for == self.slider_values() and self.live.shows_frame()
                and self.views_drawn())
